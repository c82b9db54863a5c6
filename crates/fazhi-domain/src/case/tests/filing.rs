use super::*;

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
