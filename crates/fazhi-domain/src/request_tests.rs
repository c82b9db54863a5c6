//! The request machine, one test per rule it applies (named after the rule
//! id). Dates were worked out by hand from the 2026 schedule
//! (国办发明电〔2025〕7号): 清明 4–6 April, 劳动节 1–5 May.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::*;
use crate::rules::NATIONAL;
use jiff::civil::date;
use std::sync::LazyLock;

static CAL: LazyLock<Calendar> = LazyLock::new(|| Calendar::national().unwrap());
static RULES: LazyLock<RuleRegistry> = LazyLock::new(|| RuleRegistry::national().unwrap());

const MON_2_MARCH: Date = date(2026, 3, 2);
const OFFICER: (i64, Role) = (7, Role::Officer);
const HEAD: (i64, Role) = (3, Role::AgencyHead);

fn ctx(today: Date, actor: Option<(i64, Role)>) -> Ctx<'static> {
    Ctx {
        today,
        actor,
        rules: &RULES,
        calendar: &CAL,
        jurisdiction: NATIONAL,
    }
}

fn new(kind: Kind) -> Request {
    receive(
        &Submission {
            kind,
            subject: "某诊所无证行医".into(),
            content: "详情".into(),
            concerning: "某诊所".into(),
        },
        &ctx(MON_2_MARCH, None),
    )
}

fn step(req: &Request, cmd: Command, on: Date, actor: (i64, Role)) -> Request {
    apply(req, &cmd, &ctx(on, Some(actor))).unwrap_or_else(|r| panic!("{cmd:?}: {r}"))
}

fn refused(req: &Request, cmd: Command, on: Date, actor: Option<(i64, Role)>) -> Refusal {
    apply(req, &cmd, &ctx(on, actor)).expect_err("must be refused")
}

fn due(req: &Request) -> (String, Date) {
    let d = req.due.clone().expect("a due date");
    (d.rule_id, d.on)
}

fn reply(answer: Answer) -> Command {
    Command::Reply {
        answer,
        text: "答复".into(),
    }
}

#[test]
fn ogi_reply_20_plus_20_a_disclosure_request_is_due_twenty_working_days_after_receipt() {
    let r = new(Kind::Disclosure);
    assert_eq!(r.state, State::Received);
    assert_eq!(due(&r), (RULE_REPLY.into(), date(2026, 3, 30)));
    let done = step(&r, reply(Answer::Provided), date(2026, 3, 30), OFFICER);
    assert_eq!(done.state, State::Concluded);
    assert!(done.conclusion.as_ref().unwrap().on_time);
    assert_eq!(done.due, None);
    let late = step(&r, reply(Answer::Provided), date(2026, 3, 31), OFFICER);
    assert!(!late.conclusion.unwrap().on_time);
}

#[test]
fn ogi_reply_20_plus_20_only_a_head_extends_once_by_at_most_twenty_working_days() {
    let r = new(Kind::Disclosure);
    let extend = |days| Command::Extend {
        days,
        reason: "需调取档案".into(),
    };
    let e = refused(&r, extend(10), date(2026, 3, 20), Some(OFFICER));
    assert_eq!(e.rule_id, RULE_REPLY);
    assert!(e.citation.contains("第三十三条"), "{}", e.citation);
    // Not a system administrator (第三十三条: the office's head).
    let admin = refused(
        &r,
        extend(10),
        date(2026, 3, 20),
        Some((9, Role::SystemAdmin)),
    );
    assert_eq!(admin.rule_id, RULE_REPLY);
    assert!(admin.message_zh.contains("政府信息公开工作机构负责人"));
    assert!(
        apply(
            &r,
            &extend(10),
            &ctx(date(2026, 3, 20), Some((4, Role::SectionHead)))
        )
        .is_ok()
    );
    assert_eq!(
        refused(&r, extend(21), date(2026, 3, 20), Some(HEAD)).rule_id,
        RULE_REPLY
    );
    assert_eq!(
        refused(&r, extend(0), date(2026, 3, 20), Some(HEAD)).rule_id,
        RULE_REPLY
    );
    let x = step(&r, extend(20), date(2026, 3, 20), HEAD);
    // 31 Mar, 1–3 Apr (24); 清明; 7–10 Apr (28); 13–17 (33); 20–24 (38); 27–28 Apr (40).
    assert_eq!(due(&x), (RULE_REPLY.into(), date(2026, 4, 28)));
    assert_eq!(x.extension.as_ref().unwrap().approved_by, HEAD.0);
    assert_eq!(
        refused(&x, extend(1), date(2026, 3, 21), Some(HEAD)).rule_id,
        RULE_REPLY
    );
}

#[test]
fn ogi_reply_20_plus_20_no_extension_once_the_deadline_has_passed() {
    let r = new(Kind::Disclosure);
    let e = refused(
        &r,
        Command::Extend {
            days: 5,
            reason: "复杂".into(),
        },
        date(2026, 3, 31),
        Some(HEAD),
    );
    assert_eq!(e.rule_id, RULE_REPLY);
    assert!(e.message_zh.contains("2026-03-30"), "{}", e.message_zh);
}

#[test]
fn ogi_clarify_7wd_a_corrected_request_restarts_the_twenty_working_days() {
    let r = new(Kind::Disclosure);
    let sent_back = step(
        &r,
        Command::RequestCorrection {
            note: "请明确所需信息的名称".into(),
            days: 10,
        },
        date(2026, 3, 5),
        OFFICER,
    );
    assert_eq!(sent_back.state, State::CorrectionRequested);
    assert_eq!(
        sent_back.due, None,
        "no agency clock while the applicant corrects"
    );
    let corrected = step(&sent_back, Command::Corrected, date(2026, 3, 16), OFFICER);
    assert_eq!(corrected.state, State::Received);
    // From Mon 16 Mar: 17–20 (4), 23–27 (9), 30–31 (11), 1–3 Apr (14), 清明,
    // 7–10 Apr (18), 13–14 Apr (20).
    assert_eq!(due(&corrected), (RULE_REPLY.into(), date(2026, 4, 14)));
}

#[test]
fn ogi_clarify_7wd_corrections_are_asked_for_once_and_within_seven_working_days() {
    let r = new(Kind::Disclosure);
    let ask = || Command::RequestCorrection {
        note: "补充身份证明".into(),
        days: 10,
    };
    // Receipt Mon 2 Mar: 3–6 (4), 9–11 (7) → the last day is Wed 11 Mar.
    let e = refused(&r, ask(), date(2026, 3, 12), Some(OFFICER));
    assert_eq!(e.rule_id, RULE_CLARIFY);
    assert!(e.message_zh.contains("2026-03-11"), "{}", e.message_zh);
    let asked = step(&r, ask(), date(2026, 3, 11), OFFICER);
    let corrected = step(&asked, Command::Corrected, date(2026, 3, 12), OFFICER);
    assert_eq!(
        refused(&corrected, ask(), date(2026, 3, 12), Some(OFFICER)).rule_id,
        RULE_CLARIFY
    );
}

#[test]
fn ogi_clarify_7wd_only_an_uncorrected_request_is_abandoned() {
    let r = new(Kind::Disclosure);
    assert_eq!(
        refused(
            &r,
            reply(Answer::Abandoned),
            date(2026, 3, 3),
            Some(OFFICER)
        )
        .rule_id,
        RULE_CLARIFY
    );
    let asked = step(
        &r,
        Command::RequestCorrection {
            note: "补充".into(),
            days: 10,
        },
        date(2026, 3, 3),
        OFFICER,
    );
    assert_eq!(
        refused(
            &asked,
            reply(Answer::Provided),
            date(2026, 4, 3),
            Some(OFFICER)
        )
        .rule_id,
        "request_state"
    );
    // 第30条 "逾期不补正": not before the 10 days set on 3 March have run out
    // (the old behaviour let the clerk close it at once).
    let early = refused(
        &asked,
        reply(Answer::Abandoned),
        date(2026, 3, 13),
        Some(OFFICER),
    );
    assert_eq!(early.rule_id, RULE_CLARIFY);
    assert!(
        early.message_zh.contains("2026-03-13"),
        "{}",
        early.message_zh
    );
    let no_period = refused(
        &r,
        Command::RequestCorrection {
            note: "补充".into(),
            days: 0,
        },
        date(2026, 3, 3),
        Some(OFFICER),
    );
    assert_eq!(no_period.rule_id, RULE_CLARIFY);
    let done = step(&asked, reply(Answer::Abandoned), date(2026, 4, 3), OFFICER);
    let c = done.conclusion.unwrap();
    assert_eq!(c.result, Result_::Answer(Answer::Abandoned));
    assert!(c.on_time);
}

#[test]
fn ogi_third_party_15wd_consultation_days_are_excluded_from_the_reply_clock() {
    let r = new(Kind::Disclosure);
    let consulting = step(
        &r,
        Command::StartConsultation {
            party: "某公司".into(),
            received_on: None,
        },
        date(2026, 3, 4),
        OFFICER,
    );
    assert_eq!(consulting.state, State::Consulting);
    // The third party's 15 working days from Wed 4 Mar: 5–6 (2), 9–13 (7),
    // 16–20 (12), 23–25 (15).
    assert_eq!(
        due(&consulting),
        (RULE_THIRD_PARTY.into(), date(2026, 3, 25))
    );
    assert_eq!(
        refused(
            &consulting,
            reply(Answer::Provided),
            date(2026, 3, 6),
            Some(OFFICER)
        )
        .rule_id,
        "request_state"
    );
    let back = step(
        &consulting,
        Command::EndConsultation,
        date(2026, 3, 11),
        OFFICER,
    );
    // 5, 6, 9, 10, 11 March did not count: 30 Mar + 5 working days, over 清明.
    assert_eq!(due(&back), (RULE_REPLY.into(), date(2026, 4, 7)));
    assert_eq!(back.consultations[0].to, Some(date(2026, 3, 11)));
}

#[test]
fn ogi_third_party_15wd_counts_from_receipt_and_silence_ends_the_pause() {
    let r = new(Kind::Disclosure);
    // Sent Wed 4 Mar, received Mon 9 Mar: 15 working days to Fri 27 Mar
    // (10–13 (4), 16–20 (9), 23–27 (14)… → 30 Mar is the 15th).
    let consulting = step(
        &r,
        Command::StartConsultation {
            party: "某公司".into(),
            received_on: Some(date(2026, 3, 9)),
        },
        date(2026, 3, 4),
        OFFICER,
    );
    assert_eq!(
        due(&consulting),
        (RULE_THIRD_PARTY.into(), date(2026, 3, 30)),
        "from receipt, not from the day the letter went out"
    );
    // The third party stayed silent; the clerk records the end only on 20 April.
    // The pause ends with the 15 working days (30 Mar), not with the clerk.
    let back = step(
        &consulting,
        Command::EndConsultation,
        date(2026, 4, 20),
        OFFICER,
    );
    // Paused 5 Mar – 30 Mar (18 working days): 30 Mar + 18 working days over
    // 清明 is 24 April. Had the pause run to 20 April (the old behaviour),
    // 14 more working days would have been added.
    assert_eq!(due(&back), (RULE_REPLY.into(), date(2026, 4, 24)));
    assert_eq!(
        refused(
            &r,
            Command::StartConsultation {
                party: "某公司".into(),
                received_on: Some(date(2026, 3, 3)),
            },
            date(2026, 3, 4),
            Some(OFFICER)
        )
        .rule_id,
        RULE_THIRD_PARTY
    );
}

#[test]
fn ogi_answer_types_a_reply_takes_one_of_the_seven_statutory_types() {
    let n = RULES
        .get(RULE_ANSWER_TYPES, NATIONAL, MON_2_MARCH)
        .unwrap()
        .param_i64("answer_types")
        .unwrap();
    assert_eq!(Answer::STATUTORY.len() as i64, n);
    let r = new(Kind::Disclosure);
    for a in Answer::STATUTORY {
        assert_eq!(a.rule_id(), RULE_ANSWER_TYPES);
        assert_eq!(Answer::parse(a.code()), Some(a));
        let done = step(&r, reply(a), date(2026, 3, 10), OFFICER);
        assert_eq!(done.conclusion.unwrap().result, Result_::Answer(a));
    }
    assert_eq!(
        refused(
            &r,
            Command::Reply {
                answer: Answer::Provided,
                text: " ".into()
            },
            date(2026, 3, 10),
            Some(OFFICER)
        )
        .rule_id,
        "request_state",
        "a reply needs its text"
    );
}

#[test]
fn ogi_not_a_request_a_petition_in_disguise_ends_without_a_statutory_answer() {
    let r = new(Kind::Disclosure);
    let done = step(&r, reply(Answer::NotARequest), date(2026, 3, 10), OFFICER);
    assert_eq!(
        done.conclusion.unwrap().result,
        Result_::Answer(Answer::NotARequest)
    );
    assert_eq!(Answer::NotARequest.rule_id(), RULE_NOT_A_REQUEST);
    assert!(!Answer::STATUTORY.contains(&Answer::NotARequest));
}

#[test]
fn cmp_ogi_disguised_a_complaint_filed_as_a_disclosure_request_is_pointed_to_the_complaint_channel()
{
    // The citation of both rules is 第三十九条; the disclosure machine has no
    // complaint steps, so such a request can only end as "not a request".
    let disguised = RULES.get(RULE_DISGUISED, NATIONAL, MON_2_MARCH).unwrap();
    assert!(disguised.citation.contains("第三十九条"));
    let r = new(Kind::Disclosure);
    assert_eq!(
        refused(&r, Command::Accept, date(2026, 3, 3), Some(OFFICER)).rule_id,
        "request_state"
    );
    assert_eq!(
        refused(
            &r,
            Command::Conclude {
                outcome: Outcome::Substantiated,
                text: "x".into()
            },
            date(2026, 3, 3),
            Some(OFFICER)
        )
        .rule_id,
        "request_state"
    );
}

#[test]
fn cmp_petition_intake_15d_a_complaint_is_accepted_or_declined_within_fifteen_days() {
    let r = new(Kind::Complaint);
    assert_eq!(due(&r), (RULE_INTAKE.into(), date(2026, 3, 17)));
    let no_reason = refused(
        &r,
        Command::NotAccept { reason: "".into() },
        date(2026, 3, 5),
        Some(OFFICER),
    );
    assert_eq!(no_reason.rule_id, "request_state");
    let declined = step(
        &r,
        Command::NotAccept {
            reason: "不属于卫生健康部门职责，已告知向市场监管部门反映".into(),
        },
        date(2026, 3, 18),
        OFFICER,
    );
    let c = declined.conclusion.unwrap();
    assert_eq!(c.result, Result_::Outcome(Outcome::NotAccepted));
    assert!(!c.on_time, "declined a day after the 15 days");
    // The 15th day, Sat 14 Nov 2026, rolls to Monday (cal_last_day_holiday_rolls).
    let sat = receive(
        &Submission {
            kind: Kind::Report,
            subject: "s".into(),
            content: "c".into(),
            concerning: String::new(),
        },
        &ctx(date(2026, 10, 30), None),
    );
    assert_eq!(due(&sat).1, date(2026, 11, 16));
}

#[test]
fn cmp_petition_conclude_60d_sixty_days_from_acceptance_and_thirty_more_with_the_heads_approval() {
    let r = new(Kind::Complaint);
    let accepted = step(&r, Command::Accept, MON_2_MARCH, OFFICER);
    // 2 Mar + 60 days = 1 May, inside 劳动节 (1–5 May) → 6 May.
    assert_eq!(due(&accepted), (RULE_CONCLUDE.into(), date(2026, 5, 6)));
    let extend = |days| Command::Extend {
        days,
        reason: "情况复杂".into(),
    };
    assert_eq!(
        refused(&accepted, extend(10), date(2026, 4, 1), Some(OFFICER)).rule_id,
        RULE_CONCLUDE
    );
    assert_eq!(
        refused(&accepted, extend(31), date(2026, 4, 1), Some(HEAD)).rule_id,
        RULE_CONCLUDE
    );
    // 本机关负责人: not a section head (the old behaviour let one approve).
    assert_eq!(
        refused(
            &accepted,
            extend(30),
            date(2026, 4, 1),
            Some((4, Role::SectionHead))
        )
        .rule_id,
        RULE_CONCLUDE
    );
    let x = step(&accepted, extend(30), date(2026, 4, 1), HEAD);
    // 2 Mar + 90 days = Sun 31 May → Mon 1 June.
    assert_eq!(due(&x), (RULE_CONCLUDE.into(), date(2026, 6, 1)));
    let done = step(
        &x,
        Command::Conclude {
            outcome: Outcome::Substantiated,
            text: "经查属实，已立案查处".into(),
        },
        date(2026, 5, 20),
        OFFICER,
    );
    assert!(done.conclusion.unwrap().on_time);
}

#[test]
fn cmp_petition_conclude_60d_applies_to_petition_matters_not_to_reports_of_violations() {
    // A report goes into the enforcement procedure with its own clocks: no
    // 60-day petition deadline after acceptance, and no petition extension.
    let r = new(Kind::Report);
    assert_eq!(due(&r).0, RULE_INTAKE, "still told within 15 days");
    let accepted = step(&r, Command::Accept, MON_2_MARCH, OFFICER);
    assert_eq!(accepted.due, None);
    let e = refused(
        &accepted,
        Command::Extend {
            days: 30,
            reason: "情况复杂".into(),
        },
        date(2026, 4, 1),
        Some(HEAD),
    );
    assert_eq!(e.rule_id, RULE_CONCLUDE);
}

#[test]
fn a_complaint_links_the_inspection_it_caused_and_is_rated_once_after_conclusion() {
    let r = new(Kind::Complaint);
    assert_eq!(
        refused(
            &r,
            Command::Feedback {
                level: Satisfaction::Satisfied,
                comment: String::new()
            },
            date(2026, 3, 3),
            None
        )
        .rule_id,
        "request_state"
    );
    assert_eq!(
        refused(&r, Command::Accept, date(2026, 3, 3), None).rule_id,
        "request_state",
        "staff steps need staff"
    );
    let a = step(&r, Command::Assign { user_id: 9 }, date(2026, 3, 3), HEAD);
    assert_eq!(a.assignee, Some(9));
    let a = step(&a, Command::Accept, date(2026, 3, 3), OFFICER);
    let a = step(
        &a,
        Command::Link {
            link: Link::Inspection(42),
        },
        date(2026, 3, 4),
        OFFICER,
    );
    assert_eq!(
        refused(
            &a,
            Command::Conclude {
                outcome: Outcome::NotAccepted,
                text: "x".into()
            },
            date(2026, 3, 5),
            Some(OFFICER)
        )
        .rule_id,
        RULE_INTAKE
    );
    let done = step(
        &a,
        Command::Conclude {
            outcome: Outcome::PartlySubstantiated,
            text: "部分属实，已责令改正".into(),
        },
        date(2026, 3, 20),
        OFFICER,
    );
    assert_eq!(done.link, Some(Link::Inspection(42)));
    let relinked = step(
        &done,
        Command::Link {
            link: Link::Case(5),
        },
        date(2026, 3, 21),
        OFFICER,
    );
    assert_eq!(relinked.link, Some(Link::Case(5)));
    let fb = Command::Feedback {
        level: Satisfaction::Basically,
        comment: " 处理及时 ".into(),
    };
    let rated = apply(&done, &fb, &ctx(date(2026, 3, 22), None)).unwrap();
    assert_eq!(rated.feedback.as_ref().unwrap().comment, "处理及时");
    assert!(apply(&rated, &fb, &ctx(date(2026, 3, 23), None)).is_err());
    assert_eq!(
        refused(&done, Command::Accept, date(2026, 3, 23), Some(OFFICER)).rule_id,
        "request_state"
    );
}

#[test]
fn every_command_in_every_state_either_steps_or_refuses_and_never_loses_the_kind() {
    let cmds = [
        Command::Assign { user_id: 1 },
        Command::Accept,
        Command::NotAccept { reason: "r".into() },
        Command::RequestCorrection {
            note: "n".into(),
            days: 10,
        },
        Command::Corrected,
        Command::StartConsultation {
            party: "p".into(),
            received_on: None,
        },
        Command::EndConsultation,
        Command::Extend {
            days: 5,
            reason: "r".into(),
        },
        Command::Reply {
            answer: Answer::Provided,
            text: "t".into(),
        },
        Command::Conclude {
            outcome: Outcome::Unsubstantiated,
            text: "t".into(),
        },
        Command::Link {
            link: Link::Case(1),
        },
        Command::Note { text: "n".into() },
        Command::Feedback {
            level: Satisfaction::Satisfied,
            comment: String::new(),
        },
    ];
    for kind in Kind::ALL {
        // Breadth-first over the states reachable in three steps.
        let mut frontier = vec![new(kind)];
        for _ in 0..3 {
            let mut next = Vec::new();
            for r in &frontier {
                for c in &cmds {
                    let offered = available(r).contains(&c.code());
                    match apply(r, c, &ctx(date(2026, 3, 3), Some(HEAD))) {
                        Ok(n) => {
                            assert_eq!(n.kind, kind);
                            assert_eq!(n.state == State::Concluded, n.conclusion.is_some());
                            next.push(n);
                        }
                        Err(_) => assert!(
                            !offered || matches!(c, Command::Extend { .. } | Command::Reply { .. }),
                            "{kind:?} {:?}: {c:?} is offered but refused",
                            r.state
                        ),
                    }
                }
            }
            frontier = next;
        }
    }
}

#[test]
fn ogi_reply_20_plus_20_into_a_year_without_a_schedule_is_provisional_and_recomputed_on_import() {
    let filed = receive(
        &Submission {
            kind: Kind::Disclosure,
            subject: "申请公开抽查结果".into(),
            content: "2026年抽查结果".into(),
            concerning: String::new(),
        },
        &ctx(date(2026, 12, 7), None),
    );
    let d = filed.due.clone().expect("a provisional date, not none");
    assert_eq!((d.on, d.provisional), (date(2027, 1, 5), true));
    assert_eq!(d.provisional_years, vec![2027]);
    assert!(filed.calendar_missing.is_none());
    // Nothing changes on the same calendar.
    assert!(recomputed(&filed, &RULES, &CAL, NATIONAL).is_none());
    // The real schedule arrives with a longer 元旦: the date moves, the old one is kept.
    let cal = CAL
        .import(
            "[[year]]\nyear = 2027\nnotice = \"测试\"\nholidays = [ { from = \"2027-01-01\", to = \"2027-01-04\", festival = \"元旦\" } ]\n",
            false,
        )
        .unwrap();
    let next = recomputed(&filed, &RULES, &cal, NATIONAL).expect("the date moved");
    let d = next.due.unwrap();
    assert_eq!((d.on, d.provisional), (date(2027, 1, 6), false));
    assert_eq!(d.changed_from, Some(date(2027, 1, 5)));
    // A schedule that confirms the date only clears the mark.
    let same = CAL
        .import(
            "[[year]]\nyear = 2027\nnotice = \"测试\"\nholidays = [ { from = \"2027-01-01\", to = \"2027-01-03\", festival = \"元旦\" } ]\n",
            false,
        )
        .unwrap();
    let d = recomputed(&filed, &RULES, &same, NATIONAL)
        .expect("the mark changes")
        .due
        .unwrap();
    assert_eq!(
        (d.on, d.provisional, d.changed_from),
        (date(2027, 1, 5), false, None)
    );
}
