use super::*;

// ------------------------------------------------------------ a whole case

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
