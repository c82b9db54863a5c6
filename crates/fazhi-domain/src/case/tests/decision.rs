use super::*;

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
