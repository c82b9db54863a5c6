use super::*;

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
