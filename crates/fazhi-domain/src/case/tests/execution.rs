use super::*;

// ------------------------------------------------------------ service, payment, enforcement

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
