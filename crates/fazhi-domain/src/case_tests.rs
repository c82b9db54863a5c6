//! The case machine, one test per rule it enforces (named after the rule id),
//! a walk through each procedure, and a property test over random commands.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::*;
use crate::calendar::Calendar;
use crate::registry::{Circumstance, CredentialStatus, SupervisionDomain};
use crate::role::Role;
use crate::rules::RuleRegistry;
use jiff::civil::{Date, date};
use std::sync::LazyLock;

static RULES: LazyLock<RuleRegistry> = LazyLock::new(|| RuleRegistry::national().unwrap());
static CAL: LazyLock<Calendar> = LazyLock::new(|| Calendar::national().unwrap());

const OFFICER_A: i64 = 11;
const OFFICER_B: i64 = 12;
const OFFICER_C: i64 = 13;
const SECTION: i64 = 20;
const HEAD: i64 = 21;
const REVIEWER: i64 = 30;

fn ctx(today: Date, actor: i64) -> Ctx<'static> {
    ctx_in(today, actor, "990000")
}

/// The context of an agency in province `jurisdiction`.
fn ctx_in(today: Date, actor: i64, jurisdiction: &'static str) -> Ctx<'static> {
    let role = match actor {
        SECTION => Role::SectionHead,
        HEAD => Role::AgencyHead,
        REVIEWER => Role::LegalReviewer,
        _ => Role::Officer,
    };
    Ctx {
        today,
        actor,
        role,
        rules: &RULES,
        calendar: &CAL,
        jurisdiction,
    }
}

fn handler(user_id: i64) -> HandlerFacts {
    HandlerFacts {
        user_id,
        name: format!("执法员{user_id}"),
        staff_no: Some(format!("DH-{user_id:04}")),
        credential: Some(CredentialStatus::Valid),
        domains: vec![SupervisionDomain::PublicPlaces],
        recused: false,
    }
}

fn organisation() -> Party {
    let prefix = "91990102MA0000001";
    Party {
        kind: PartyKind::Organisation,
        name: "示范市东湖区锦绣宾馆".into(),
        id_number: format!(
            "{prefix}{}",
            crate::ident::Uscc::check_character(prefix).unwrap()
        ),
        address: "东湖路2号".into(),
    }
}

fn citizen() -> Party {
    Party {
        kind: PartyKind::Citizen,
        name: "张三".into(),
        id_number: "11010519491231002X".into(),
        address: "东湖路3号".into(),
    }
}

fn step(case: &Case, cmd: Command, today: Date, actor: i64) -> Case {
    apply(Some(case), &cmd, &ctx(today, actor))
        .unwrap_or_else(|r| panic!("{} refused: {r}", cmd.code()))
}

fn refused(case: &Case, cmd: Command, today: Date, actor: i64) -> Refusal {
    match apply(Some(case), &cmd, &ctx(today, actor)) {
        Ok(c) => panic!("{} was allowed; stage now {:?}", cmd.code(), c.stage),
        Err(r) => r,
    }
}

fn opened(party: Party, act: Date, today: Date) -> Case {
    apply(
        None,
        &Command::Open {
            source: Source::Inspection,
            party,
            domain: SupervisionDomain::PublicPlaces,
            power_code: "CF-003".into(),
            summary: "未取得卫生许可证擅自营业".into(),
            act_date: act,
            life_health_harm: false,
            illegal_practice: false,
            prior_penalties: 0,
        },
        &ctx(today, OFFICER_A),
    )
    .unwrap()
}

fn filed(today: Date) -> Case {
    let c = opened(organisation(), date(2025, 3, 1), today);
    step(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
        },
        today,
        SECTION,
    )
}

fn with_evidence(c: &Case, today: Date) -> Case {
    step(
        c,
        Command::AddEvidence {
            kind: EvidenceType::Record,
            title: "现场笔录".into(),
            sha256: None,
            officers: vec![OFFICER_A, OFFICER_B],
        },
        today,
        OFFICER_A,
    )
}

fn band() -> Band {
    Band {
        power_code: "CF-003".into(),
        circumstance: Circumstance::Ordinary,
        min: Money::from_yuan(500),
        max: Money::from_yuan(2000),
        version: 1,
        description: "一般".into(),
        citation: "《公共场所卫生管理条例实施细则》第三十五条".into(),
    }
}

fn propose(fine_yuan: i64, major: bool) -> Command {
    Command::ProposeOutcome {
        outcome: Outcome::Penalty,
        facts: "经查，当事人未取得公共场所卫生许可证擅自营业".into(),
        legal_basis: "《公共场所卫生管理条例实施细则》第三十五条".into(),
        fine: Money::from_yuan(fine_yuan),
        confiscation: Money::ZERO,
        other_penalties: "警告".into(),
        heavy_penalty: false,
        circumstance: Some(Circumstance::Ordinary),
        band: Some(band()),
        out_of_band_reason: None,
        education_record: None,
        major,
    }
}

fn proposed(today: Date) -> Case {
    let c = with_evidence(&filed(today), today);
    step(&c, propose(1500, false), today, OFFICER_A)
}

// ------------------------------------------------------------ filing

#[test]
fn ap_two_officers_filing_needs_two_certified_officers_of_the_domain() {
    let today = date(2025, 4, 1);
    let c = opened(organisation(), date(2025, 3, 1), today);
    let r = refused(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A)],
        },
        today,
        SECTION,
    );
    assert_eq!(r.rule_id, "ap_two_officers");
    assert!(r.citation.contains("第四十二条"));
    let r = refused(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_A)],
        },
        today,
        SECTION,
    );
    assert_eq!(
        r.rule_id, "ap_two_officers",
        "the same officer twice is one officer"
    );
    let mut expired = handler(OFFICER_B);
    expired.credential = Some(CredentialStatus::Expired);
    let r = refused(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), expired],
        },
        today,
        SECTION,
    );
    assert!(r.message_zh.contains("已过期"), "{}", r.message_zh);
    let mut other_domain = handler(OFFICER_B);
    other_domain.domains = vec![SupervisionDomain::Occupational];
    let r = refused(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), other_domain],
        },
        today,
        SECTION,
    );
    assert!(r.message_zh.contains("执法领域"));
    // An officer cannot approve the filing of a case.
    let r = refused(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
        },
        today,
        OFFICER_A,
    );
    assert_eq!(r.rule_id, "case_role");
}

#[test]
fn ap_recusal_an_officer_related_to_the_party_cannot_handle_the_case() {
    let today = date(2025, 4, 1);
    let c = opened(organisation(), date(2025, 3, 1), today);
    let mut related = handler(OFFICER_B);
    related.recused = true;
    let r = refused(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), related],
        },
        today,
        SECTION,
    );
    assert_eq!(r.rule_id, "ap_recusal");
    assert!(r.citation.contains("第四十三条"));
}

#[test]
fn ap_limitation_a_case_is_refused_two_years_after_the_act() {
    let c = opened(organisation(), date(2023, 3, 1), date(2025, 3, 5));
    // Not discovered within two years: the period is not an act to be done, so it does not roll.
    assert_eq!(c.limitation_ends, Some(date(2025, 3, 1)));
    let r = refused(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
        },
        date(2025, 3, 5),
        SECTION,
    );
    assert_eq!(r.rule_id, "ap_limitation");
}

#[test]
fn ap_limitation_runs_to_the_registration_of_the_case_source_not_to_filing() {
    // Registered on 20 February 2025, within two years of the act of 1 March
    // 2023; the head approves filing after the two years: still in time.
    let c = opened(organisation(), date(2023, 3, 1), date(2025, 2, 20));
    let f = step(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
        },
        date(2025, 3, 10),
        SECTION,
    );
    assert_eq!(f.stage, Stage::Investigation);
}

#[test]
fn ap_limitation_an_act_before_the_2021_law_keeps_the_old_two_years_even_with_harm_to_health() {
    let open = |act: Date, today: Date| {
        apply(
            None,
            &Command::Open {
                source: Source::Inspection,
                party: organisation(),
                domain: SupervisionDomain::PublicPlaces,
                power_code: "CF-003".into(),
                summary: "未取得卫生许可证擅自营业".into(),
                act_date: act,
                life_health_harm: true,
                illegal_practice: false,
                prior_penalties: 0,
            },
            &ctx(today, OFFICER_A),
        )
        .unwrap()
    };
    // 从旧兼从轻 (第三十七条): the old law had no five-year period.
    let old = open(date(2021, 3, 1), date(2023, 6, 1));
    assert_eq!(old.limitation_ends, Some(date(2023, 3, 1)));
    let r = refused(
        &old,
        Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
        },
        date(2023, 6, 1),
        SECTION,
    );
    assert_eq!(r.rule_id, "ap_limitation");
    let new = open(date(2021, 8, 1), date(2023, 6, 1));
    assert_eq!(new.limitation_ends, Some(date(2026, 8, 1)));
}

#[test]
fn ap_limitation_warning_flags_a_filing_within_sixty_days_of_the_limit() {
    let c = opened(organisation(), date(2023, 3, 20), date(2025, 2, 10));
    let f = step(
        &c,
        Command::File {
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
        },
        date(2025, 2, 10),
        SECTION,
    );
    assert!(
        f.flags
            .iter()
            .any(|fl| matches!(fl, Flag::LimitationNear { .. }))
    );
}

#[test]
fn hp_decision_deadline_ninety_days_from_a_filing_after_june_2025() {
    let f = filed(date(2025, 7, 1));
    assert_eq!(f.decision_due, Some(date(2025, 9, 29)));
}

#[test]
fn hp_decision_deadline_into_a_year_without_a_schedule_is_set_and_flagged_provisional() {
    // Filed 7 Dec 2026: 90 days end on 7 Mar 2027 (a Sunday), rolled on the provisional 2027 calendar.
    let f = filed(date(2026, 12, 7));
    assert_eq!(f.decision_due, Some(date(2027, 3, 8)));
    assert!(f.flags.contains(&Flag::ProvisionalDeadline {
        rule_id: "hp_decision_deadline".into(),
        due: date(2027, 3, 8),
        years: vec![2027],
    }));
    assert!(
        !f.flags
            .iter()
            .any(|x| matches!(x, Flag::CalendarMissing { .. })),
        "a date, not a missing calendar"
    );
}

#[test]
fn hp_decision_deadline_provisional_date_is_recomputed_when_the_schedule_is_imported() {
    let f = filed(date(2026, 12, 7));
    assert_eq!(f.decision_due, Some(date(2027, 3, 8)));
    // Nothing to do on the same calendar.
    assert!(recompute_provisional(&f, &ctx(date(2026, 12, 20), HEAD)).is_none());
    // A schedule that makes 8 March a rest day moves the date, and says so.
    let moved_cal = CAL
        .import(
            "[[year]]\nyear = 2027\nnotice = \"测试\"\nholidays = [ { from = \"2027-03-08\", to = \"2027-03-08\", festival = \"测试\" } ]\n",
            false,
        )
        .unwrap();
    let mut c = ctx(date(2026, 12, 20), HEAD);
    c.calendar = &moved_cal;
    let (next, moved) = recompute_provisional(&f, &c).expect("the date moved");
    assert_eq!(next.decision_due, Some(date(2027, 3, 9)));
    assert_eq!(
        moved,
        vec![MovedDeadline {
            rule_id: "hp_decision_deadline".into(),
            from: date(2027, 3, 8),
            to: Some(date(2027, 3, 9)),
        }]
    );
    assert!(next.flags.contains(&Flag::DeadlineMoved {
        rule_id: "hp_decision_deadline".into(),
        from: date(2027, 3, 8),
        to: date(2027, 3, 9),
    }));
    assert!(
        !next
            .flags
            .iter()
            .any(|x| matches!(x, Flag::ProvisionalDeadline { .. })),
        "no longer provisional"
    );
    // A schedule that confirms the date only clears the mark.
    let same_cal = CAL
        .import(
            "[[year]]\nyear = 2027\nnotice = \"测试\"\nholidays = [ { from = \"2027-01-01\", to = \"2027-01-01\", festival = \"元旦\" } ]\n",
            false,
        )
        .unwrap();
    let mut c = ctx(date(2026, 12, 20), HEAD);
    c.calendar = &same_cal;
    let (next, moved) = recompute_provisional(&f, &c).expect("the mark goes");
    assert_eq!(next.decision_due, Some(date(2027, 3, 8)));
    assert!(moved.is_empty());
    assert!(!next.flags.iter().any(|x| matches!(
        x,
        Flag::ProvisionalDeadline { .. } | Flag::DeadlineMoved { .. }
    )));
}

// ------------------------------------------------------------ investigation

#[test]
fn ap_show_certificate_records_are_made_by_two_handlers() {
    let today = date(2025, 4, 2);
    let f = filed(today);
    let r = refused(
        &f,
        Command::AddEvidence {
            kind: EvidenceType::Record,
            title: "询问笔录".into(),
            sha256: None,
            officers: vec![OFFICER_A, OFFICER_C],
        },
        today,
        OFFICER_A,
    );
    assert_eq!(r.rule_id, "ap_show_certificate");
    let r = refused(
        &f,
        Command::AddEvidence {
            kind: EvidenceType::Documentary,
            title: "营业执照复印件".into(),
            sha256: None,
            officers: vec![],
        },
        today,
        OFFICER_C,
    );
    assert_eq!(r.rule_id, "case_role", "only handlers investigate");
}

#[test]
fn ap_evidence_types_a_finding_needs_evidence_of_a_statutory_type() {
    let today = date(2025, 4, 2);
    let r = refused(&filed(today), propose(1500, false), today, OFFICER_A);
    assert_eq!(r.rule_id, "ap_evidence_types");
    assert_eq!(EvidenceType::ALL.len(), 8);
}

#[test]
fn ap_evidence_preservation_needs_head_approval_and_a_decision_within_seven_working_days() {
    let today = date(2025, 9, 29);
    let f = filed(today);
    let r = refused(
        &f,
        Command::Preserve {
            items: "消毒剂 3 瓶".into(),
        },
        today,
        OFFICER_A,
    );
    assert_eq!(r.rule_id, "ap_evidence_preservation");
    // A section head may not approve it (第五十六条 "行政机关负责人").
    let r = refused(
        &f,
        Command::Preserve {
            items: "消毒剂 3 瓶".into(),
        },
        today,
        SECTION,
    );
    assert_eq!(r.rule_id, "ap_evidence_preservation");
    let p = step(
        &f,
        Command::Preserve {
            items: "消毒剂 3 瓶".into(),
        },
        today,
        HEAD,
    );
    // 7 working days from Monday 29 September 2025 skip 1–8 October and count
    // the make-up working Saturday of 11 October.
    assert_eq!(p.preservations[0].due, Some(date(2025, 10, 15)));
    let p = with_evidence(&p, today);
    let r = refused(&p, propose(1500, false), today, OFFICER_A);
    assert_eq!(
        r.rule_id, "ap_evidence_preservation",
        "unhandled preservation blocks the proposal"
    );
    let late = step(
        &p,
        Command::HandlePreservation { index: 0 },
        date(2025, 10, 20),
        OFFICER_A,
    );
    assert!(late.flags.contains(&Flag::PreservationLate {
        due: date(2025, 10, 15)
    }));
}

// ------------------------------------------------------------ proposal

#[test]
fn ap_discretion_benchmark_public_a_fine_outside_the_band_needs_a_written_reason_and_is_flagged() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let r = refused(&c, propose(5000, false), today, OFFICER_A);
    assert_eq!(r.rule_id, "ap_discretion_benchmark_public");
    assert!(r.message_zh.contains("500.00"), "{}", r.message_zh);
    let Command::ProposeOutcome {
        outcome,
        facts,
        legal_basis,
        fine,
        confiscation,
        other_penalties,
        heavy_penalty,
        circumstance,
        band,
        education_record,
        major,
        ..
    } = propose(5000, false)
    else {
        unreachable!()
    };
    let with_reason = Command::ProposeOutcome {
        outcome,
        facts,
        legal_basis,
        fine,
        confiscation,
        other_penalties,
        heavy_penalty,
        circumstance,
        band,
        education_record,
        major,
        out_of_band_reason: Some("擅自营业期间接待顾客逾千人次，社会影响较大".into()),
    };
    let p = step(&c, with_reason, today, OFFICER_A);
    assert!(p.flags.contains(&Flag::OutOfBand));
}

#[test]
fn ap_no_penalty_minor_needs_the_record_of_educating_the_party() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let cmd = |education: Option<&str>| Command::ProposeOutcome {
        outcome: Outcome::NoPenalty,
        facts: "初次违法，危害后果轻微并及时改正".into(),
        legal_basis: "《行政处罚法》第三十三条第一款".into(),
        fine: Money::ZERO,
        confiscation: Money::ZERO,
        other_penalties: String::new(),
        heavy_penalty: false,
        circumstance: Some(Circumstance::Minor),
        band: None,
        out_of_band_reason: None,
        education_record: education.map(str::to_owned),
        major: false,
    };
    assert_eq!(
        refused(&c, cmd(None), today, OFFICER_A).rule_id,
        "ap_no_penalty_minor"
    );
    let p = step(
        &c,
        cmd(Some("已当场对负责人进行法治教育并签字确认")),
        today,
        OFFICER_A,
    );
    assert!(!p.review_required);
    let d = step(
        &p,
        Command::Decide {
            number: String::new(),
            fine: Money::ZERO,
            publish: false,
        },
        today,
        HEAD,
    );
    assert_eq!(
        d.stage,
        Stage::Closing,
        "no penalty: no notice, no service of a penalty"
    );
}

#[test]
fn ap_decision_content_a_penalty_names_its_type() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let r = refused(
        &c,
        Command::ProposeOutcome {
            outcome: Outcome::Penalty,
            facts: "事实".into(),
            legal_basis: "依据".into(),
            fine: Money::ZERO,
            confiscation: Money::ZERO,
            other_penalties: " ".into(),
            heavy_penalty: false,
            circumstance: None,
            band: None,
            out_of_band_reason: None,
            education_record: None,
            major: false,
        },
        today,
        OFFICER_A,
    );
    assert_eq!(r.rule_id, "ap_decision_content");
}

// ------------------------------------------------------------ review, discussion

#[test]
fn ap_legal_review_is_required_by_the_province_and_no_handler_may_review() {
    let today = date(2025, 4, 2);
    let p = proposed(today);
    assert!(
        !p.review_required,
        "national rule: a small ordinary case needs no review"
    );
    // Henan (410000) reviews every ordinary-procedure case.
    let henan = Ctx {
        jurisdiction: "410000",
        ..ctx(today, OFFICER_A)
    };
    let c = with_evidence(&filed(today), today);
    let p = apply(Some(&c), &propose(1500, false), &henan).unwrap();
    assert!(p.review_required);
    let n = step(
        &p,
        Command::SendNotice { served_on: today },
        today,
        OFFICER_A,
    );
    let later = date(2025, 4, 10);
    let n = step(&n, Command::WaiveRights, later, OFFICER_A);
    let henan_head = Ctx {
        jurisdiction: "410000",
        ..ctx(later, HEAD)
    };
    let r = apply(
        Some(&n),
        &Command::Decide {
            number: "豫卫罚〔2025〕1号".into(),
            fine: Money::from_yuan(1500),
            publish: false,
        },
        &henan_head,
    )
    .unwrap_err();
    assert_eq!(r.rule_id, "ap_legal_review");
    let s = step(&n, Command::SubmitForReview, later, OFFICER_A);
    let checklist = vec![true; REVIEW_CHECKLIST.len()];
    let mut as_handler = ctx(later, OFFICER_A);
    as_handler.role = Role::LegalReviewer;
    let r = apply(
        Some(&s),
        &Command::RecordReview {
            passed: true,
            checklist: checklist.clone(),
            opinion: "同意".into(),
            reviewer_qualified: true,
        },
        &as_handler,
    )
    .unwrap_err();
    assert!(r.message_zh.contains("办审分离"));
    let bad = {
        let mut c = checklist.clone();
        c[4] = false;
        c
    };
    let r = refused(
        &s,
        Command::RecordReview {
            passed: true,
            checklist: bad.clone(),
            opinion: "同意".into(),
            reviewer_qualified: true,
        },
        later,
        REVIEWER,
    );
    assert_eq!(r.rule_id, "ap_legal_review");
    let returned = step(
        &s,
        Command::RecordReview {
            passed: false,
            checklist: bad,
            opinion: "适用法律错误，退回补正".into(),
            reviewer_qualified: true,
        },
        later,
        REVIEWER,
    );
    assert_eq!(
        returned.stage,
        Stage::Investigation,
        "returned for correction loops back"
    );
    assert!(returned.proposal.is_none());
}

#[test]
fn ap_legal_review_a_first_time_reviewer_needs_the_legal_professional_qualification() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let p = step(&c, propose(1500, true), today, OFFICER_A);
    let s = step(&p, Command::SubmitForReview, today, OFFICER_A);
    let review = |qualified| Command::RecordReview {
        passed: true,
        checklist: vec![true; REVIEW_CHECKLIST.len()],
        opinion: "同意".into(),
        reviewer_qualified: qualified,
    };
    // 第五十八条第二款: the old behaviour let any legal reviewer review.
    let r = refused(&s, review(false), today, REVIEWER);
    assert_eq!(r.rule_id, "ap_legal_review");
    assert!(r.message_zh.contains("法律职业资格"));
    assert_eq!(
        step(&s, review(true), today, REVIEWER).review_state,
        ReviewState::Passed
    );
}

#[test]
fn ap_head_review_outcomes_a_major_case_needs_collective_discussion() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let p = step(&c, propose(1500, true), today, OFFICER_A);
    assert!(p.discussion_required && p.review_required);
    let n = step(
        &p,
        Command::SendNotice { served_on: today },
        today,
        OFFICER_A,
    );
    let later = date(2025, 4, 14);
    let n = step(&n, Command::WaiveRights, later, OFFICER_A);
    let s = step(&n, Command::SubmitForReview, later, OFFICER_A);
    let s = step(
        &s,
        Command::RecordReview {
            passed: true,
            checklist: vec![true; 7],
            opinion: "同意".into(),
            reviewer_qualified: true,
        },
        later,
        REVIEWER,
    );
    let r = refused(
        &s,
        Command::Decide {
            number: "东卫罚〔2025〕3号".into(),
            fine: Money::from_yuan(1500),
            publish: false,
        },
        later,
        HEAD,
    );
    assert_eq!(r.rule_id, "ap_head_review_outcomes");
    let r = refused(
        &s,
        Command::RecordDiscussion {
            participants: vec!["甲".into(), "乙".into()],
            minutes: "纪要".into(),
            conclusion: "同意".into(),
        },
        later,
        HEAD,
    );
    assert_eq!(r.rule_id, "ap_head_review_outcomes");
    let d = step(
        &s,
        Command::RecordDiscussion {
            participants: vec!["甲".into(), "乙".into(), "丙".into()],
            minutes: "纪要".into(),
            conclusion: "同意".into(),
        },
        later,
        HEAD,
    );
    let d = step(
        &d,
        Command::Decide {
            number: "东卫罚〔2025〕3号".into(),
            fine: Money::from_yuan(1500),
            publish: false,
        },
        later,
        HEAD,
    );
    assert_eq!(d.stage, Stage::Decided);
}

// ------------------------------------------------------------ notice, hearing, decision

#[test]
fn ap_prior_notice_is_only_for_a_proposed_penalty() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let p = step(
        &c,
        Command::ProposeOutcome {
            outcome: Outcome::NotEstablished,
            facts: "经调查，违法事实不能成立".into(),
            legal_basis: String::new(),
            fine: Money::ZERO,
            confiscation: Money::ZERO,
            other_penalties: String::new(),
            heavy_penalty: false,
            circumstance: None,
            band: None,
            out_of_band_reason: None,
            education_record: None,
            major: false,
        },
        today,
        OFFICER_A,
    );
    assert_eq!(
        refused(
            &p,
            Command::SendNotice { served_on: today },
            today,
            OFFICER_A
        )
        .rule_id,
        "ap_prior_notice"
    );
}

#[test]
fn ap_no_decision_without_notice_and_before_the_statement_period_ends() {
    let today = date(2025, 4, 2);
    let p = proposed(today);
    let decide = || Command::Decide {
        number: "东卫罚〔2025〕5号".into(),
        fine: Money::from_yuan(1500),
        publish: false,
    };
    assert_eq!(
        refused(&p, decide(), today, HEAD).rule_id,
        "ap_no_decision_without_notice"
    );
    let n = step(
        &p,
        Command::SendNotice { served_on: today },
        today,
        OFFICER_A,
    );
    let n = step(
        &n,
        Command::RecordStatement {
            text: "初次经营，请求从轻".into(),
            answer: "已综合考虑".into(),
            adopted: false,
        },
        today,
        OFFICER_A,
    );
    // The statement period (3 working days) has not ended yet.
    let r = refused(&n, decide(), today, HEAD);
    assert_eq!(r.rule_id, "ap_no_decision_without_notice");
    assert!(r.message_zh.contains("2025-04-08"), "{}", r.message_zh);
    // Once it has ended, the head may decide even if the party said nothing more.
    let d = step(&n, decide(), date(2025, 4, 9), HEAD);
    assert_eq!(d.stage, Stage::Decided);
}

#[test]
fn ap_statement_period_three_working_days_after_the_notice_is_served() {
    let p = proposed(date(2025, 4, 2));
    let n = step(
        &p,
        Command::SendNotice {
            served_on: date(2025, 4, 3),
        },
        date(2025, 4, 3),
        OFFICER_A,
    );
    // Thursday 3 April 2025; Qingming holiday on Friday 4 April.
    assert_eq!(
        n.notice.as_ref().unwrap().statement_until,
        Some(date(2025, 4, 9))
    );
}

#[test]
fn ap_statement_defence_the_fine_may_not_rise_above_the_notice() {
    let today = date(2025, 4, 2);
    let n = step(
        &proposed(today),
        Command::SendNotice { served_on: today },
        today,
        OFFICER_A,
    );
    let n = step(&n, Command::WaiveRights, date(2025, 4, 3), OFFICER_A);
    let r = refused(
        &n,
        Command::Decide {
            number: "东卫罚〔2025〕6号".into(),
            fine: Money::from_yuan(1800),
            publish: false,
        },
        date(2025, 4, 3),
        HEAD,
    );
    assert_eq!(r.rule_id, "ap_statement_defence");
    let d = step(
        &n,
        Command::Decide {
            number: "东卫罚〔2025〕6号".into(),
            fine: Money::from_yuan(1000),
            publish: false,
        },
        date(2025, 4, 3),
        HEAD,
    );
    assert_eq!(
        d.fine(),
        Money::from_yuan(1000),
        "a lower fine after the defence is allowed"
    );
}

#[test]
fn ap_hearing_triggers_a_large_fine_carries_the_right_to_a_hearing() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let Command::ProposeOutcome {
        outcome,
        facts,
        legal_basis,
        confiscation,
        other_penalties,
        heavy_penalty,
        circumstance,
        education_record,
        major,
        ..
    } = propose(0, false)
    else {
        unreachable!()
    };
    let large = Command::ProposeOutcome {
        outcome,
        facts,
        legal_basis,
        confiscation,
        other_penalties,
        heavy_penalty,
        circumstance,
        education_record,
        major,
        fine: Money::from_yuan(100_000),
        band: None,
        out_of_band_reason: None,
    };
    let p = step(&c, large, today, OFFICER_A);
    assert!(p.review_required, "a hearing-level penalty is reviewed");
    let n = step(
        &p,
        Command::SendNotice { served_on: today },
        today,
        OFFICER_A,
    );
    assert!(n.notice.as_ref().unwrap().hearing_right);
    assert!(
        !step(
            &proposed(today),
            Command::SendNotice { served_on: today },
            today,
            OFFICER_A
        )
        .notice
        .unwrap()
        .hearing_right
    );
}

#[test]
fn ap_hearing_triggers_a_province_without_its_amount_cannot_serve_a_prior_notice() {
    let today = date(2025, 4, 2);
    let p = proposed(today);
    // 浙江 (330000) has no amount in the rules data: the hearing right cannot
    // be decided, so no prior notice (the old behaviour used a national default).
    let r = apply(
        Some(&p),
        &Command::SendNotice { served_on: today },
        &ctx_in(today, OFFICER_A, "330000"),
    )
    .unwrap_err();
    assert_eq!(r.rule_id, "ap_hearing_triggers");
    assert!(r.message_zh.contains("ap_hearing_triggers") && r.message_zh.contains("330000"));
    // The demo province's own amount decides.
    let threshold = hearing_threshold(&ctx(today, OFFICER_A), PartyKind::Organisation).unwrap();
    assert_eq!(threshold, Money::from_yuan(100_000));
}

fn hearing_case() -> Case {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let Command::ProposeOutcome {
        outcome,
        facts,
        legal_basis,
        fine,
        confiscation,
        circumstance,
        education_record,
        major,
        ..
    } = propose(1500, false)
    else {
        unreachable!()
    };
    let heavy = Command::ProposeOutcome {
        outcome,
        facts,
        legal_basis,
        fine,
        confiscation,
        circumstance,
        education_record,
        major,
        other_penalties: "吊销卫生许可证".into(),
        heavy_penalty: true,
        band: None,
        out_of_band_reason: None,
    };
    let p = step(&c, heavy, today, OFFICER_A);
    step(
        &p,
        Command::SendNotice { served_on: today },
        today,
        OFFICER_A,
    )
}

#[test]
fn ap_hearing_request_within_five_working_days_of_the_notice() {
    let n = hearing_case();
    assert_eq!(
        n.notice.as_ref().unwrap().hearing_request_until,
        Some(date(2025, 4, 10))
    );
    let r = refused(
        &n,
        Command::RequestHearing {
            on: date(2025, 4, 11),
        },
        date(2025, 4, 11),
        OFFICER_A,
    );
    assert_eq!(r.rule_id, "ap_hearing_request");
    let h = step(
        &n,
        Command::RequestHearing {
            on: date(2025, 4, 10),
        },
        date(2025, 4, 11),
        OFFICER_A,
    );
    assert_eq!(h.stage, Stage::Hearing);
}

#[test]
fn ap_hearing_notice_seven_working_days_ahead() {
    let n = hearing_case();
    let h = step(
        &n,
        Command::RequestHearing {
            on: date(2025, 4, 7),
        },
        date(2025, 4, 7),
        OFFICER_A,
    );
    let r = refused(
        &h,
        Command::ScheduleHearing {
            date: date(2025, 4, 15),
            chair: OFFICER_C,
        },
        date(2025, 4, 7),
        SECTION,
    );
    assert_eq!(r.rule_id, "ap_hearing_notice");
    assert!(r.message_zh.contains("2025-04-16"), "{}", r.message_zh);
}

#[test]
fn ap_hearing_chair_is_not_an_investigator() {
    let n = hearing_case();
    let h = step(
        &n,
        Command::RequestHearing {
            on: date(2025, 4, 7),
        },
        date(2025, 4, 7),
        OFFICER_A,
    );
    let r = refused(
        &h,
        Command::ScheduleHearing {
            date: date(2025, 4, 30),
            chair: OFFICER_B,
        },
        date(2025, 4, 7),
        SECTION,
    );
    assert_eq!(r.rule_id, "ap_hearing_chair");
    let s = step(
        &h,
        Command::ScheduleHearing {
            date: date(2025, 4, 30),
            chair: OFFICER_C,
        },
        date(2025, 4, 7),
        SECTION,
    );
    let r = refused(
        &s,
        Command::RecordHearing {
            record: "笔录".into(),
            report: "报告".into(),
        },
        date(2025, 4, 30),
        OFFICER_A,
    );
    assert_eq!(
        r.rule_id, "ap_hearing_chair",
        "the chair submits the record"
    );
    let held = step(
        &s,
        Command::RecordHearing {
            record: "笔录".into(),
            report: "建议维持".into(),
        },
        date(2025, 4, 30),
        OFFICER_C,
    );
    assert_eq!(held.stage, Stage::Proposed);
    assert!(held.review_required);
}

#[test]
fn ap_hearing_procedure_no_decision_before_a_requested_hearing_is_held() {
    let mut c = hearing_case();
    c = step(
        &c,
        Command::RequestHearing {
            on: date(2025, 4, 7),
        },
        date(2025, 4, 7),
        OFFICER_A,
    );
    c.stage = Stage::Proposed; // as if someone forced the stage: the decision still checks the hearing
    c.review_state = ReviewState::Passed;
    let r = refused(
        &c,
        Command::Decide {
            number: "东卫罚〔2025〕9号".into(),
            fine: Money::from_yuan(1500),
            publish: false,
        },
        date(2025, 5, 6),
        HEAD,
    );
    assert_eq!(r.rule_id, "ap_hearing_procedure");
}

// ------------------------------------------------------------ service, payment, enforcement

fn decided(on: Date) -> Case {
    let start = date(2025, 4, 1);
    let n = step(
        &proposed(start),
        Command::SendNotice { served_on: start },
        start,
        OFFICER_A,
    );
    let n = step(&n, Command::WaiveRights, start, OFFICER_A);
    step(
        &n,
        Command::Decide {
            number: "东卫罚〔2025〕12号".into(),
            fine: Money::from_yuan(1500),
            publish: false,
        },
        on,
        HEAD,
    )
}

#[test]
fn ap_service_within_seven_working_days_and_electronic_needs_consent() {
    let d = decided(date(2025, 4, 2));
    assert_eq!(d.service_due, Some(date(2025, 4, 14)));
    let r = refused(
        &d,
        Command::Serve {
            method: ServiceMethod::Electronic,
            on: date(2025, 4, 3),
            receipt: "短信".into(),
            electronic_consent: false,
        },
        date(2025, 4, 3),
        OFFICER_A,
    );
    assert_eq!(r.rule_id, "ap_service");
    let s = step(
        &d,
        Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 4, 15),
            receipt: "法定代表人签收".into(),
            electronic_consent: false,
        },
        date(2025, 4, 15),
        OFFICER_A,
    );
    assert!(s.flags.contains(&Flag::ServiceLate {
        due: date(2025, 4, 14)
    }));
    assert_eq!(s.stage, Stage::Execution);
    assert_eq!(s.payment_due, Some(date(2025, 4, 30)));
}

#[test]
fn ap_late_fee_three_percent_a_day_capped_at_the_fine() {
    let d = decided(date(2025, 4, 2));
    let s = step(
        &d,
        Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 4, 3),
            receipt: "签收".into(),
            electronic_consent: false,
        },
        date(2025, 4, 3),
        OFFICER_A,
    );
    assert_eq!(s.payment_due, Some(date(2025, 4, 18)));
    // Ten days late: 10 × 3% × 1,500 = 450 yuan.
    let paid = step(
        &s,
        Command::RecordPayment {
            on: date(2025, 4, 28),
            amount: Money::from_yuan(1950),
            collected_on_spot: false,
        },
        date(2025, 4, 28),
        OFFICER_A,
    );
    assert_eq!(paid.payments[0].late_fee, Money::from_yuan(450));
    assert_eq!(paid.stage, Stage::Closing);
    // A year late: capped at the fine.
    let r = refused(
        &s,
        Command::RecordPayment {
            on: date(2026, 4, 20),
            amount: Money::from_yuan(3001),
            collected_on_spot: false,
        },
        date(2026, 4, 20),
        OFFICER_A,
    );
    assert_eq!(r.rule_id, "ap_late_fee");
}

#[test]
fn ap_on_spot_collection_article_69_in_a_remote_area_also_after_an_ordinary_decision() {
    let d = decided(date(2025, 4, 2));
    let s = step(
        &d,
        Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 4, 3),
            receipt: "签收".into(),
            electronic_consent: false,
        },
        date(2025, 4, 3),
        OFFICER_A,
    );
    let paid = step(
        &s,
        Command::RecordPayment {
            on: date(2025, 4, 10),
            amount: Money::from_yuan(1500),
            collected_on_spot: true,
        },
        date(2025, 4, 10),
        OFFICER_A,
    );
    assert!(paid.collected_on_spot);
    assert_eq!(
        paid.collection_ground,
        Some(CollectionGround::RemoteOnRequest)
    );
    assert_eq!(paid.stage, Stage::Closing);
    assert!(violations(&paid).is_empty());
}

#[test]
fn ac_court_application_demand_ten_working_days_before_applying_to_court() {
    let d = decided(date(2025, 4, 2));
    let s = step(
        &d,
        Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 4, 3),
            receipt: "签收".into(),
            electronic_consent: false,
        },
        date(2025, 4, 3),
        OFFICER_A,
    );
    assert_eq!(
        refused(&s, Command::SendDemand, date(2025, 4, 18), OFFICER_A).rule_id,
        "ac_court_application_demand"
    );
    let e = step(&s, Command::SendDemand, date(2025, 4, 21), OFFICER_A);
    assert_eq!(
        refused(&e, Command::ApplyToCourt, date(2025, 5, 6), OFFICER_A).rule_id,
        "ac_court_application_demand"
    );
    // Ten working days after the demand is not enough: the litigation period
    // still runs (the old behaviour accepted this application).
    assert_eq!(
        refused(&e, Command::ApplyToCourt, date(2025, 5, 9), OFFICER_A).rule_id,
        "ac_court_application"
    );
    let e = step(&e, Command::ApplyToCourt, date(2025, 10, 10), OFFICER_A);
    let e = step(
        &e,
        Command::RecordCourtResult {
            result: "法院裁定准予执行，已执行完毕".into(),
        },
        date(2025, 12, 1),
        OFFICER_A,
    );
    assert_eq!(e.stage, Stage::Closing);
}

// ------------------------------------------------------------ summary procedure, transfer

fn summary(party: Party, fine_yuan: i64, on_spot: bool) -> Result<Case, Refusal> {
    apply(
        None,
        &Command::OpenSummary {
            party,
            domain: SupervisionDomain::PublicPlaces,
            power_code: "CF-004".into(),
            summary: "从业人员未取得健康合格证明".into(),
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
            number: "东卫当罚〔2025〕7号".into(),
            fine: Money::from_yuan(fine_yuan),
            warning: true,
            collected_on_spot: on_spot,
            collection_ground: None,
            legal_basis: "《公共场所卫生管理条例实施细则》第三十八条".into(),
        },
        &ctx(date(2025, 6, 3), OFFICER_A),
    )
}

fn summary_collected(fine_yuan: i64, ground: CollectionGround) -> Result<Case, Refusal> {
    apply(
        None,
        &Command::OpenSummary {
            party: organisation(),
            domain: SupervisionDomain::PublicPlaces,
            power_code: "CF-004".into(),
            summary: "从业人员未取得健康合格证明".into(),
            handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
            number: "东卫当罚〔2025〕8号".into(),
            fine: Money::from_yuan(fine_yuan),
            warning: false,
            collected_on_spot: true,
            collection_ground: Some(ground),
            legal_basis: "《公共场所卫生管理条例实施细则》第三十八条".into(),
        },
        &ctx(date(2025, 6, 3), OFFICER_A),
    )
}

#[test]
fn ap_on_spot_collection_also_when_hard_to_enforce_later_or_in_a_remote_area() {
    // 第六十八条（二） and 第六十九条 have no 100-yuan limit (the old
    // behaviour refused every collection above 100 yuan).
    let hard = summary_collected(2000, CollectionGround::HardToEnforce).unwrap();
    assert_eq!(hard.paid(), Money::from_yuan(2000));
    assert_eq!(
        hard.collection_ground,
        Some(CollectionGround::HardToEnforce)
    );
    assert!(violations(&hard).is_empty());
    assert!(summary_collected(3000, CollectionGround::RemoteOnRequest).is_ok());
    assert_eq!(
        summary_collected(150, CollectionGround::SmallFine)
            .unwrap_err()
            .rule_id,
        "ap_on_spot_collection"
    );
}

#[test]
fn ap_summary_threshold_two_hundred_yuan_for_a_citizen_three_thousand_for_an_organisation() {
    assert_eq!(
        summary(citizen(), 201, false).unwrap_err().rule_id,
        "ap_summary_threshold"
    );
    assert!(
        summary(citizen(), 200, false).is_ok(),
        "以下 includes the number"
    );
    assert!(summary(organisation(), 3000, false).is_ok());
    assert_eq!(
        summary(organisation(), 3001, false).unwrap_err().rule_id,
        "ap_summary_threshold"
    );
}

#[test]
fn ap_on_spot_collection_only_up_to_one_hundred_yuan() {
    assert_eq!(
        summary(citizen(), 150, true).unwrap_err().rule_id,
        "ap_on_spot_collection"
    );
    let c = summary(citizen(), 100, true).unwrap();
    assert_eq!(c.paid(), Money::from_yuan(100));
}

#[test]
fn ap_summary_filing_with_the_agency_within_five_working_days() {
    let c = summary(organisation(), 500, false).unwrap();
    assert_eq!(c.stage, Stage::Summary);
    assert_eq!(c.summary_filing_due, Some(date(2025, 6, 10)));
    let filed = step(&c, Command::FileSummary, date(2025, 6, 4), OFFICER_B);
    assert_eq!(
        filed.stage,
        Stage::Execution,
        "the fine is still to be paid"
    );
    let paid = step(
        &filed,
        Command::RecordPayment {
            on: date(2025, 6, 10),
            amount: Money::from_yuan(500),
            collected_on_spot: false,
        },
        date(2025, 6, 10),
        OFFICER_A,
    );
    assert_eq!(paid.stage, Stage::Closing);
}

#[test]
fn crim_approval_3d_transfer_24h_a_transfer_is_approved_before_it_is_made() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let t = step(
        &c,
        Command::ProposeOutcome {
            outcome: Outcome::TransferToPolice,
            facts: "非法行医，情节严重，涉嫌犯罪".into(),
            legal_basis: "《刑法》第三百三十六条".into(),
            fine: Money::ZERO,
            confiscation: Money::ZERO,
            other_penalties: String::new(),
            heavy_penalty: false,
            circumstance: None,
            band: None,
            out_of_band_reason: None,
            education_record: None,
            major: false,
        },
        today,
        OFFICER_A,
    );
    assert_eq!(t.stage, Stage::Transfer);
    assert_eq!(
        refused(&t, Command::RecordTransferred, today, OFFICER_A).rule_id,
        "crim_approval_3d_transfer_24h"
    );
    assert_eq!(
        refused(&t, Command::ApproveTransfer, today, SECTION).rule_id,
        "crim_approval_3d_transfer_24h"
    );
    let t = step(&t, Command::ApproveTransfer, today, HEAD);
    let t = step(&t, Command::RecordTransferred, date(2025, 4, 3), OFFICER_A);
    let t = step(
        &t,
        Command::RecordPoliceFeedback { accepted: true },
        date(2025, 4, 10),
        OFFICER_A,
    );
    assert_eq!(t.stage, Stage::Closing);
}

// ------------------------------------------------------------ a whole case

/// A case decided on 2 April 2025, served directly the next day.
fn served(d: &Case) -> Case {
    step(
        d,
        Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 4, 3),
            receipt: "签收".into(),
            electronic_consent: false,
        },
        date(2025, 4, 3),
        OFFICER_A,
    )
}

/// A served case with its 1,500 yuan fine paid on 10 April 2025.
fn paid(s: &Case) -> Case {
    step(
        s,
        Command::RecordPayment {
            on: date(2025, 4, 10),
            amount: Money::from_yuan(1500),
            collected_on_spot: false,
        },
        date(2025, 4, 10),
        OFFICER_A,
    )
}

#[test]
fn an_ordinary_case_walks_from_intake_to_archive_and_then_is_read_only() {
    let d = decided(date(2025, 4, 2));
    let s = paid(&served(&d));
    assert_eq!(
        refused(
            &s,
            Command::Close {
                report: "结案".into()
            },
            date(2025, 4, 11),
            OFFICER_A
        )
        .rule_id,
        "case_role"
    );
    let c = step(
        &s,
        Command::Close {
            report: "罚款已缴清，结案".into(),
        },
        date(2025, 4, 11),
        SECTION,
    );
    let a = step(&c, Command::Archive, date(2025, 4, 12), OFFICER_A);
    assert_eq!(a.stage, Stage::Archived);
    assert_eq!(
        refused(
            &a,
            Command::Close {
                report: "再结案".into()
            },
            date(2025, 4, 13),
            SECTION
        )
        .rule_id,
        "case_archived"
    );
    assert!(violations(&a).is_empty());
}

#[test]
fn hp_decision_deadline_an_extension_follows_the_health_rule_of_the_filing_date() {
    // Filed 1 April 2025: the old rule (3 months), extensions approved by the
    // superior agency only — the agency's own head may not (the old behaviour).
    let f = filed(date(2025, 4, 1));
    assert_eq!(f.decision_due, Some(date(2025, 7, 1)));
    let ext = |days: u32, reason: &str, superior: bool| Command::ExtendDecisionDeadline {
        days,
        reason_code: reason.into(),
        approver_superior: superior,
    };
    let r = refused(&f, ext(30, "party_missing", false), date(2025, 6, 1), HEAD);
    assert_eq!(r.rule_id, "hp_decision_deadline");
    assert!(r.message_zh.contains("上级"), "{}", r.message_zh);
    let r = refused(&f, ext(30, "workload", true), date(2025, 6, 1), HEAD);
    assert_eq!(r.rule_id, "hp_decision_deadline");
    let e = step(&f, ext(30, "party_missing", true), date(2025, 6, 1), HEAD);
    assert_eq!(e.decision_due, Some(date(2025, 7, 31)));
    // Filed after 1 June 2025: 90 days; the agency's own head, once, at most 30 days (M).
    let g = filed(date(2025, 7, 1));
    assert_eq!(g.decision_due, Some(date(2025, 9, 29)));
    assert_eq!(
        refused(&g, ext(30, "party_missing", true), date(2025, 8, 1), HEAD).rule_id,
        "hp_decision_deadline",
        "not the superior agency under the 2025 rule"
    );
    assert_eq!(
        refused(&g, ext(31, "party_missing", false), date(2025, 8, 1), HEAD).rule_id,
        "hp_decision_deadline"
    );
    let once = step(&g, ext(30, "party_missing", false), date(2025, 8, 1), HEAD);
    assert_eq!(once.decision_due, Some(date(2025, 10, 29)));
    assert_eq!(
        refused(
            &once,
            ext(10, "party_missing", false),
            date(2025, 9, 1),
            HEAD
        )
        .rule_id,
        "hp_decision_deadline",
        "once only"
    );
    assert_eq!(
        refused(
            &g,
            ext(30, "party_missing", false),
            date(2025, 8, 1),
            SECTION
        )
        .rule_id,
        "hp_decision_deadline"
    );
}

// ------------------------------------------------------------ property

mod property {
    use super::*;
    use proptest::prelude::*;

    fn command(choice: u8, amount: i64, actor_pick: u8) -> (Command, i64) {
        let actor =
            [OFFICER_A, OFFICER_B, OFFICER_C, SECTION, HEAD, REVIEWER][usize::from(actor_pick % 6)];
        let money = Money::from_yuan(amount);
        let cmd = match choice % 24 {
            0 => Command::File {
                handlers: vec![handler(OFFICER_A), handler(OFFICER_B)],
            },
            1 => Command::AddEvidence {
                kind: EvidenceType::Record,
                title: "笔录".into(),
                sha256: None,
                officers: vec![OFFICER_A, OFFICER_B],
            },
            2 => Command::Preserve {
                items: "物品".into(),
            },
            3 => Command::HandlePreservation { index: 0 },
            4 => propose(amount, amount % 3 == 0),
            5 => Command::SubmitForReview,
            6 => Command::RecordReview {
                passed: amount % 2 == 0,
                checklist: vec![amount % 2 == 0; 7],
                opinion: "意见".into(),
                reviewer_qualified: amount % 5 != 0,
            },
            7 => Command::RecordDiscussion {
                participants: vec!["甲".into(), "乙".into(), "丙".into()],
                minutes: "纪要".into(),
                conclusion: "结论".into(),
            },
            8 => Command::SendNotice {
                served_on: date(2025, 4, 1),
            },
            9 => Command::RecordStatement {
                text: "申辩".into(),
                answer: "答复".into(),
                adopted: false,
            },
            10 => Command::WaiveRights,
            11 => Command::RequestHearing {
                on: date(2025, 4, 2),
            },
            12 => Command::ScheduleHearing {
                date: date(2025, 5, 6),
                chair: [OFFICER_B, OFFICER_C][usize::from(actor_pick % 2)],
            },
            13 => Command::RecordHearing {
                record: "笔录".into(),
                report: "报告".into(),
            },
            14 => Command::Decide {
                number: "东卫罚〔2025〕1号".into(),
                fine: money,
                publish: false,
            },
            15 => Command::Serve {
                method: ServiceMethod::Direct,
                on: date(2025, 5, 20),
                receipt: "签收".into(),
                electronic_consent: false,
            },
            16 => Command::RecordPayment {
                on: date(2025, 6, 1),
                amount: money,
                collected_on_spot: false,
            },
            17 => Command::SendDemand,
            18 => Command::ApplyToCourt,
            19 => Command::Close {
                report: "结案".into(),
            },
            20 => Command::Archive,
            21 => Command::ExtendDecisionDeadline {
                approver_superior: amount % 2 == 0,
                days: 30,
                reason_code: "force_majeure".into(),
            },
            22 => Command::ApproveTransfer,
            _ => Command::DeclineFiling {
                reason: "不属于本机关管辖".into(),
            },
        };
        (cmd, actor)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

        /// Whatever sequence of commands people send, in whatever order and
        /// by whoever, the case never reaches a state the law forbids.
        #[test]
        fn random_command_sequences_never_reach_a_forbidden_state(
            province in 0usize..16,
            steps in proptest::collection::vec((any::<u8>(), 0i64..200_000, any::<u8>(), 0i64..90), 1..60)
        ) {
            // Each run in one of the provinces whose hearing amounts the rules
            // data sets (ap_hearing_triggers has no national amount).
            let provinces: Vec<&'static str> = RULES
                .versions("ap_hearing_triggers")
                .into_iter()
                .filter(|r| r.jurisdiction != crate::rules::NATIONAL)
                .map(|r| r.jurisdiction.as_str())
                .collect();
            prop_assert!(!provinces.is_empty());
            let jurisdiction = provinces[province % provinces.len()];
            let start = date(2025, 3, 3);
            let mut case = opened(organisation(), date(2025, 2, 1), start);
            let mut today = start;
            for (choice, amount, actor_pick, days) in steps {
                today = today.checked_add(jiff::Span::new().days(days % 4)).unwrap();
                let (cmd, actor) = command(choice, amount, actor_pick);
                let c = ctx_in(today, actor, jurisdiction);
                if let Ok(next) = apply(Some(&case), &cmd, &c) {
                    prop_assert!(violations(&next).is_empty(), "{:?} after {}: {:?}", violations(&next), cmd.code(), next.stage);
                    // The hearing right follows the province's amount.
                    if let (Some(n), Some(p), None) = (&next.notice, &next.proposal, &case.notice) {
                        let large = hearing_threshold(&c, case.party.kind).unwrap();
                        let expected = p.heavy_penalty || p.fine.fen() + p.confiscation.fen() >= large.fen();
                        prop_assert_eq!(n.hearing_right, expected);
                    }
                    if case.stage == Stage::Archived {
                        prop_assert!(false, "an archived case changed");
                    }
                    case = next;
                }
                let _ = days;
            }
        }
    }
}

// ------------------------------------------------------------ publication, transfer flag

#[test]
fn pub_permit_penalty_7wd_a_published_decision_is_due_on_the_portal_in_seven_working_days() {
    let start = date(2025, 4, 1);
    let n = step(
        &proposed(start),
        Command::SendNotice { served_on: start },
        start,
        OFFICER_A,
    );
    let n = step(&n, Command::WaiveRights, start, OFFICER_A);
    let d = step(
        &n,
        Command::Decide {
            number: "东卫罚〔2025〕20号".into(),
            fine: Money::from_yuan(1500),
            publish: true,
        },
        date(2025, 4, 2),
        HEAD,
    );
    // Wednesday 2 April 2025: Qingming (4 April) is skipped.
    assert_eq!(d.publication.as_ref().unwrap().due, Some(date(2025, 4, 14)));
    let p = step(&d, Command::RecordPublished, date(2025, 4, 3), OFFICER_A);
    assert_eq!(
        refused(&p, Command::RecordPublished, date(2025, 4, 3), OFFICER_A).rule_id,
        "pub_permit_penalty_7wd"
    );
}

#[test]
fn pub_withdraw_3d_an_altered_published_decision_comes_down_within_three_working_days() {
    let start = date(2025, 4, 1);
    let n = step(
        &proposed(start),
        Command::SendNotice { served_on: start },
        start,
        OFFICER_A,
    );
    let n = step(&n, Command::WaiveRights, start, OFFICER_A);
    let d = step(
        &n,
        Command::Decide {
            number: "东卫罚〔2025〕21号".into(),
            fine: Money::from_yuan(1500),
            publish: true,
        },
        date(2025, 4, 2),
        HEAD,
    );
    let p = step(&d, Command::RecordPublished, date(2025, 4, 3), OFFICER_A);
    let alter = Command::AlterDecision {
        kind: AlterationKind::Revoked,
        reason: "复议撤销".into(),
    };
    assert_eq!(
        refused(&p, alter.clone(), date(2025, 5, 6), SECTION).rule_id,
        "case_role"
    );
    let a = step(&p, alter.clone(), date(2025, 5, 6), HEAD);
    assert_eq!(
        a.publication.as_ref().unwrap().withdrawal_due,
        Some(date(2025, 5, 9))
    );
    assert_eq!(
        refused(&a, alter, date(2025, 5, 7), HEAD).rule_id,
        "case_stage",
        "altered once"
    );
    let late = step(&a, Command::RecordWithdrawn, date(2025, 5, 12), OFFICER_A);
    assert!(late.flags.contains(&Flag::WithdrawalLate {
        due: date(2025, 5, 9)
    }));
}

#[test]
fn crim_illegal_practice_repeat_a_third_illegal_practice_case_is_flagged_for_transfer() {
    let open = |prior: u32| {
        apply(
            None,
            &Command::Open {
                source: Source::Complaint,
                party: citizen(),
                domain: SupervisionDomain::Medical,
                power_code: "CF-001".into(),
                summary: "未取得医疗机构执业许可证擅自执业".into(),
                act_date: date(2025, 3, 1),
                life_health_harm: false,
                illegal_practice: true,
                prior_penalties: prior,
            },
            &ctx(date(2025, 3, 3), OFFICER_A),
        )
        .unwrap()
    };
    assert!(
        !open(1)
            .flags
            .iter()
            .any(|f| matches!(f, Flag::TransferCheck { .. }))
    );
    let flagged = open(2);
    assert!(
        flagged.flags.iter().any(
            |f| matches!(f, Flag::TransferCheck { reason } if reason.contains("第三百三十六条"))
        )
    );
}

#[test]
fn ap_late_fee_does_not_accrue_while_reconsideration_is_pending() {
    let d = decided(date(2025, 4, 2));
    let s = step(
        &d,
        Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 4, 3),
            receipt: "签收".into(),
            electronic_consent: false,
        },
        date(2025, 4, 3),
        OFFICER_A,
    );
    assert_eq!(s.payment_due, Some(date(2025, 4, 18)));
    let r = step(
        &s,
        Command::RecordRemedy {
            kind: RemedyKind::Reconsideration,
            on: date(2025, 4, 20),
        },
        date(2025, 4, 20),
        OFFICER_A,
    );
    let r = step(
        &r,
        Command::RecordRemedyConcluded {
            on: date(2025, 6, 20),
            result: "维持".into(),
        },
        date(2025, 6, 20),
        OFFICER_A,
    );
    // Overdue 18–20 April (2 days) and 20–28 June (8 days): 10 days × 3% × 1,500 = 450.
    let paid = step(
        &r,
        Command::RecordPayment {
            on: date(2025, 6, 28),
            amount: Money::from_yuan(1950),
            collected_on_spot: false,
        },
        date(2025, 6, 28),
        OFFICER_A,
    );
    assert_eq!(paid.payments[0].late_fee, Money::from_yuan(450));
}

#[test]
fn crim_approval_3d_transfer_24h_a_transfer_after_a_day_is_flagged() {
    let today = date(2025, 4, 2);
    let c = with_evidence(&filed(today), today);
    let t = step(
        &c,
        Command::ProposeOutcome {
            outcome: Outcome::TransferToPolice,
            facts: "涉嫌犯罪".into(),
            legal_basis: String::new(),
            fine: Money::ZERO,
            confiscation: Money::ZERO,
            other_penalties: String::new(),
            heavy_penalty: false,
            circumstance: None,
            band: None,
            out_of_band_reason: None,
            education_record: None,
            major: false,
        },
        today,
        OFFICER_A,
    );
    let t = step(&t, Command::ApproveTransfer, today, HEAD);
    let late = step(&t, Command::RecordTransferred, date(2025, 4, 7), OFFICER_A);
    assert!(late.flags.contains(&Flag::TransferLate { approved: today }));
    let on_time = step(&t, Command::RecordTransferred, date(2025, 4, 3), OFFICER_A);
    assert!(
        !on_time
            .flags
            .iter()
            .any(|f| matches!(f, Flag::TransferLate { .. }))
    );
}

#[test]
fn hp_public_notice_service_takes_effect_thirty_days_after_the_notice() {
    let d = decided(date(2025, 4, 2));
    let s = step(
        &d,
        Command::Serve {
            method: ServiceMethod::PublicNotice,
            on: date(2025, 4, 10),
            receipt: "公告（见门户网站及公告栏照片）".into(),
            electronic_consent: false,
        },
        date(2025, 4, 10),
        OFFICER_A,
    );
    assert_eq!(
        s.service.as_ref().unwrap().effective_on,
        Some(date(2025, 5, 10)),
        "deemed served when the 30 days end (not an act to be done: no roll)"
    );
    // 15 days from then end on Sunday 25 May: the payment deadline rolls to Monday.
    assert_eq!(s.payment_due, Some(date(2025, 5, 26)));
}

#[test]
fn ac_court_application_three_months_after_the_six_month_litigation_period() {
    let d = decided(date(2025, 4, 2));
    let s = step(
        &d,
        Command::Serve {
            method: ServiceMethod::Direct,
            on: date(2025, 4, 3),
            receipt: "签收".into(),
            electronic_consent: false,
        },
        date(2025, 4, 3),
        OFFICER_A,
    );
    assert_eq!(
        s.court_application_due,
        Some(date(2026, 1, 9)),
        "6 months from 3 April end on 3 October (National Day): rolled to 9 October, + 3 months"
    );
    let e = step(&s, Command::SendDemand, date(2025, 4, 21), OFFICER_A);
    // Refused before the periods run out, on their last day, and after the 3 months.
    for (day, why) in [
        (
            date(2025, 6, 3),
            "after the 60 days of reconsideration, within the 6 months",
        ),
        (date(2025, 10, 9), "the last day of the litigation period"),
        (date(2026, 1, 10), "the day after the 3 months"),
    ] {
        let r = refused(&e, Command::ApplyToCourt, day, OFFICER_A);
        assert_eq!(r.rule_id, "ac_court_application", "{why}");
    }
    assert!(
        refused(&e, Command::ApplyToCourt, date(2026, 1, 10), OFFICER_A)
            .message_zh
            .contains("2026-01-09")
    );
    let first = step(&e, Command::ApplyToCourt, date(2025, 10, 10), OFFICER_A);
    assert_eq!(first.court_application_on, Some(date(2025, 10, 10)));
    let last = step(&e, Command::ApplyToCourt, date(2026, 1, 9), OFFICER_A);
    assert_eq!(last.court_application_on, Some(date(2026, 1, 9)));
}

#[test]
fn ac_court_application_a_deferral_moves_the_window_and_a_pending_remedy_stops_it() {
    let s = served(&decided(date(2025, 4, 2)));
    // Instalments approved to 31 December 2025 (第七十二条第二款): the window
    // opens after that day, not after 9 October.
    let d = step(
        &s,
        Command::ApproveDeferral {
            until: date(2025, 12, 31),
        },
        date(2025, 4, 10),
        HEAD,
    );
    let e = step(&d, Command::SendDemand, date(2026, 1, 5), OFFICER_A);
    // Without the deferral the window would have closed on 9 January 2026.
    let ok = step(&e, Command::ApplyToCourt, date(2026, 3, 31), OFFICER_A);
    assert_eq!(ok.court_application_due, Some(date(2026, 3, 31)));
    assert_eq!(
        refused(&e, Command::ApplyToCourt, date(2026, 4, 1), OFFICER_A).rule_id,
        "ac_court_application",
        "3 months after the deferral ended"
    );
    // The party applied for reconsideration: no application while it runs.
    let r = step(
        &served(&decided(date(2025, 4, 2))),
        Command::RecordRemedy {
            kind: RemedyKind::Reconsideration,
            on: date(2025, 4, 20),
        },
        date(2025, 4, 20),
        OFFICER_A,
    );
    let e = step(&r, Command::SendDemand, date(2025, 4, 21), OFFICER_A);
    let pending = refused(&e, Command::ApplyToCourt, date(2025, 10, 20), OFFICER_A);
    assert_eq!(pending.rule_id, "ac_court_application");
    // Concluded on 2 June: 15 days to sue after it, then 3 months.
    let c = step(
        &e,
        Command::RecordRemedyConcluded {
            on: date(2025, 6, 2),
            result: "复议维持".into(),
        },
        date(2025, 6, 2),
        OFFICER_A,
    );
    assert_eq!(
        refused(&c, Command::ApplyToCourt, date(2025, 6, 17), OFFICER_A).rule_id,
        "ac_court_application"
    );
    assert!(
        apply(
            Some(&c),
            &Command::ApplyToCourt,
            &ctx(date(2025, 6, 18), OFFICER_A)
        )
        .is_ok()
    );
}

#[test]
fn rev_on_spot_first_an_on_the_spot_decision_counts_only_the_reconsideration_period() {
    // Decided and handed over on 3 June 2025: reconsideration first, 60 days
    // to 2 August (Saturday) → Monday 4 August; the window runs 3 months from then.
    let c = summary(organisation(), 500, false).unwrap();
    assert_eq!(c.court_application_due, Some(date(2025, 11, 4)));
    let f = step(&c, Command::FileSummary, date(2025, 6, 4), OFFICER_B);
    let e = step(&f, Command::SendDemand, date(2025, 6, 20), OFFICER_A);
    assert_eq!(
        refused(&e, Command::ApplyToCourt, date(2025, 8, 4), OFFICER_A).rule_id,
        "ac_court_application"
    );
    assert!(
        apply(
            Some(&e),
            &Command::ApplyToCourt,
            &ctx(date(2025, 8, 5), OFFICER_A)
        )
        .is_ok()
    );
}

#[test]
fn case_indicators_count_decisions_fines_and_summary_procedures_of_the_year() {
    use crate::indicators::{Period, Value, case_values};
    let year = Period::year(2025).unwrap();
    let ordinary = decided(date(2025, 4, 20));
    let on_spot = summary(organisation(), 500, false).unwrap();
    let last_year = decided(date(2025, 4, 20));
    let mut older = last_year.clone();
    if let Some(d) = older.decision.as_mut() {
        d.on = date(2024, 12, 30);
    }
    let facts: Vec<CaseFacts> = [&ordinary, &on_spot, &older]
        .into_iter()
        .map(CaseFacts::from)
        .collect();
    let v = case_values(&facts, year);
    assert_eq!(
        v["cases.filed"],
        Value::Count(2),
        "both ordinary cases were filed in 2025"
    );
    assert_eq!(v["cases.summary"], Value::Count(1));
    assert_eq!(v["cases.penalties"], Value::Count(2));
    assert_eq!(v["cases.no_penalty"], Value::Count(0));
    assert_eq!(v["cases.fines"], Value::Fen(150_000 + 50_000));
    assert_eq!(v["cases.fines"].display(), "2,000.00");
    assert_eq!(v["cases.collected"], Value::Fen(0));
    assert_eq!(
        v["cases.reviewed"],
        Value::Count(u64::from(!ordinary.reviews.is_empty()).try_into().unwrap())
    );
}

#[test]
fn case_facts_read_from_the_stored_json_equal_the_facts_of_the_case() {
    let today = date(2025, 9, 29);
    let preserved = step(
        &filed(today),
        Command::Preserve {
            items: "消毒剂 3 瓶".into(),
        },
        today,
        HEAD,
    );
    let d = decided(date(2025, 4, 2));
    let served = served(&d);
    let paid = paid(&served);
    let mut discussed = paid.clone();
    discussed.discussion = Some(Discussion {
        on: date(2025, 4, 1),
        participants: vec!["局长".into(), "副局长".into()],
        minutes: "同意".into(),
        conclusion: "给予行政处罚".into(),
    });
    discussed.transfer = Some(Transfer {
        approved_on: Some(date(2025, 4, 11)),
        transferred_on: Some(date(2025, 4, 12)),
        police_accepted: None,
    });
    let cases = [
        opened(organisation(), date(2025, 9, 1), today),
        filed(today),
        preserved,
        proposed(today),
        hearing_case(),
        d,
        served,
        paid,
        discussed,
        summary(citizen(), 100, true).unwrap(),
    ];
    for case in &cases {
        let json = serde_json::to_string(case).unwrap();
        let read: CaseFacts = serde_json::from_str(&json).unwrap();
        assert_eq!(read, CaseFacts::from(case), "stage {:?}", case.stage);
        assert_eq!(read.next_due(), case.next_due());
    }
    assert_eq!(
        CaseFacts::from(&cases[2]).preservation_due,
        Some(date(2025, 10, 15))
    );
    assert!(CaseFacts::from(&cases[8]).discussed);
    assert_eq!(CaseFacts::from(&cases[7]).payments.len(), 1);
}
