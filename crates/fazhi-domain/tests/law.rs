//! One test per rule of the registry, each named after its rule id, computing
//! with the registry's own data and the national calendar. Dates were worked
//! out by hand from the 2026 schedule (国办发明电〔2025〕7号) and are explained
//! inline.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use fazhi_domain::calendar::Calendar;
use fazhi_domain::deadline::{Extension, Unit, compute, compute_hours};
use fazhi_domain::money::{Money, late_fee};
use fazhi_domain::rules::{NATIONAL, Rule, RuleRegistry};
use jiff::civil::{Date, date};
use std::sync::LazyLock;

static CAL: LazyLock<Calendar> = LazyLock::new(|| Calendar::national().unwrap());
static RULES: LazyLock<RuleRegistry> = LazyLock::new(|| RuleRegistry::national().unwrap());

fn rule(id: &str, on: Date) -> &'static Rule {
    RULES.get(id, NATIONAL, on).unwrap()
}

/// The due date of rule `id` for a period starting on `start`.
fn due(id: &str, start: Date) -> Date {
    let r = RULES.deadline_rule(id, NATIONAL, start).unwrap();
    compute(&r, start, &CAL, &[], &[]).unwrap().due
}

fn due_extended(id: &str, start: Date, extra: u32) -> Date {
    let r = RULES.deadline_rule(id, NATIONAL, start).unwrap();
    let ext = Extension {
        count: extra,
        reason_code: "complex".into(),
        approver: "负责人".into(),
    };
    compute(&r, start, &CAL, &[], &[ext]).unwrap().due
}

const MON_2_MARCH: Date = date(2026, 3, 2);

#[test]
fn ap_service_seven_working_days_from_monday_2_march_2026() {
    // 3–6 Mar (4), 9–11 Mar (7).
    assert_eq!(due("ap_service", MON_2_MARCH), date(2026, 3, 11));
}

#[test]
fn ap_payment_deadline_fifteen_calendar_days() {
    assert_eq!(due("ap_payment_deadline", MON_2_MARCH), date(2026, 3, 17));
    // Day 15 is 1 October: moves to the first working day after National Day.
    assert_eq!(
        due("ap_payment_deadline", date(2026, 9, 16)),
        date(2026, 10, 8)
    );
}

#[test]
fn ap_decision_deadline_ninety_days_ending_on_qingming_rolls_forward() {
    // 5 Jan + 90 days = 5 Apr 2026, inside 清明 (4–6 Apr) → 7 Apr.
    assert_eq!(
        due("ap_decision_deadline", date(2026, 1, 5)),
        date(2026, 4, 7)
    );
}

#[test]
fn hp_service_decision_7d_matches_the_penalty_law() {
    assert_eq!(
        due("hp_service_decision_7d", MON_2_MARCH),
        date(2026, 3, 11)
    );
}

#[test]
fn hp_case_filing_days_is_marked_unverified_and_ends_with_the_1997_rule() {
    let old = date(2025, 3, 3);
    assert_eq!(due("hp_case_filing_days", old), date(2025, 3, 10));
    assert!(!rule("hp_case_filing_days", old).confidence.verified());
    // The 1997 rule ended on 31 May 2025 (the old behaviour kept it in force).
    assert!(
        RULES
            .get("hp_case_filing_days", NATIONAL, MON_2_MARCH)
            .is_err()
    );
}

#[test]
fn hp_public_notice_service_thirty_days_from_2022_sixty_before() {
    assert_eq!(
        due("hp_public_notice_service", MON_2_MARCH),
        date(2026, 4, 1)
    );
    // The 2021 amendment (in force 2022-01-01), not only from 2024.
    assert_eq!(
        due("hp_public_notice_service", date(2022, 3, 1)),
        date(2022, 3, 31)
    );
    assert_eq!(
        due("hp_public_notice_service", date(2021, 3, 1)),
        date(2021, 4, 30)
    );
}

#[test]
fn ap_evidence_preservation_seven_working_days_across_labour_day_with_a_make_up_saturday() {
    // Thu 30 Apr; 1–5 May holiday; 6, 7, 8 May, Sat 9 May (make-up), 11, 12, 13 May.
    assert_eq!(
        due("ap_evidence_preservation", date(2026, 4, 30)),
        date(2026, 5, 13)
    );
}

#[test]
fn ap_hearing_procedure_five_working_days_across_dragon_boat() {
    // Fri 12 Jun; 15–18 Jun (4); 19–21 Jun 端午; Mon 22 Jun (5).
    assert_eq!(
        due("ap_hearing_procedure", date(2026, 6, 12)),
        date(2026, 6, 22)
    );
}

#[test]
fn ap_hearing_notice_seven_working_days() {
    assert_eq!(due("ap_hearing_notice", MON_2_MARCH), date(2026, 3, 11));
}

#[test]
fn ap_on_spot_cash_handover_two_working_days_over_a_weekend() {
    assert_eq!(
        due("ap_on_spot_cash_handover", date(2026, 3, 6)),
        date(2026, 3, 10)
    );
}

#[test]
fn ap_limitation_two_years_from_29_february() {
    assert_eq!(due("ap_limitation", date(2024, 2, 29)), date(2026, 2, 28));
}

#[test]
fn ap_limitation_life_health_five_years() {
    assert_eq!(
        due("ap_limitation_life_health", date(2021, 8, 16)),
        date(2026, 8, 16)
    );
}

#[test]
fn ac_seizure_duration_thirty_days_ending_on_a_make_up_saturday_does_not_roll() {
    // 10 Oct 2026 is a Saturday made a working day.
    assert_eq!(
        due("ac_seizure_duration", date(2026, 9, 10)),
        date(2026, 10, 10)
    );
}

#[test]
fn ac_court_application_three_months_from_31_january_ends_30_april() {
    assert_eq!(
        due("ac_court_application", date(2026, 1, 31)),
        date(2026, 4, 30)
    );
}

#[test]
fn ac_court_application_demand_ten_working_days_across_mid_autumn_and_national_day() {
    // Wed 23 Sep: 24 Sep (1); 25–27 中秋; 28–30 Sep (4); 1–7 Oct; 8, 9 Oct (6); Sat 10 Oct make-up (7); 12–14 Oct (10).
    assert_eq!(
        due("ac_court_application_demand", date(2026, 9, 23)),
        date(2026, 10, 14)
    );
}

#[test]
fn ac_emergency_report_twenty_four_hours() {
    let r = RULES
        .deadline_rule("ac_emergency_report", NATIONAL, date(2026, 9, 30))
        .unwrap();
    assert_eq!(r.unit, Unit::Hours);
    let c = compute_hours(&r, date(2026, 9, 30).at(22, 15, 0, 0)).unwrap();
    assert_eq!(c.due_at, Some(date(2026, 10, 1).at(22, 15, 0, 0)));
}

#[test]
fn lic_acceptance_five_working_days_across_new_year_counting_sunday_4_january() {
    // Fri 26 Dec 2025: 29–31 Dec (3); 1–3 Jan holiday; Sun 4 Jan make-up (4); Mon 5 Jan (5).
    assert_eq!(due("lic_acceptance", date(2025, 12, 26)), date(2026, 1, 5));
}

#[test]
fn lic_decision_deadline_twenty_working_days_and_ten_more_with_approval() {
    assert_eq!(due("lic_decision_deadline", MON_2_MARCH), date(2026, 3, 30));
    assert_eq!(
        rule("lic_decision_deadline", MON_2_MARCH)
            .param_i64("extension_max")
            .unwrap(),
        10
    );
    // 31 Mar, 1–3 Apr (24), 清明 4–6 Apr, 7–10 Apr (28), 13–14 Apr (30).
    assert_eq!(
        due_extended("lic_decision_deadline", MON_2_MARCH, 10),
        date(2026, 4, 14)
    );
}

#[test]
fn lic_issue_certificate_ten_working_days() {
    assert_eq!(due("lic_issue_certificate", MON_2_MARCH), date(2026, 3, 16));
}

#[test]
fn cal_licensing_all_working_days_every_licensing_deadline_counts_working_days() {
    let lic: Vec<&Rule> = RULES
        .all()
        .iter()
        .filter(|r| r.id.starts_with("lic_") && r.unit.is_some())
        .collect();
    assert!(lic.len() >= 3);
    assert!(lic.iter().all(|r| r.unit == Some(Unit::WorkingDays)));
}

#[test]
fn ogi_clarify_7wd_seven_working_days() {
    assert_eq!(due("ogi_clarify_7wd", MON_2_MARCH), date(2026, 3, 11));
}

#[test]
fn ogi_reply_20_plus_20_twenty_working_days_and_twenty_more() {
    assert_eq!(due("ogi_reply_20_plus_20", MON_2_MARCH), date(2026, 3, 30));
    // 31 Mar, 1–3 Apr (24); 清明; 7–10 Apr (28); 13–17 (33); 20–24 (38); 27–28 Apr (40).
    assert_eq!(
        due_extended("ogi_reply_20_plus_20", MON_2_MARCH, 20),
        date(2026, 4, 28)
    );
}

#[test]
fn ogi_third_party_15wd_fifteen_working_days() {
    assert_eq!(due("ogi_third_party_15wd", MON_2_MARCH), date(2026, 3, 23));
}

#[test]
fn pub_permit_penalty_7wd_seven_working_days() {
    assert_eq!(
        due("pub_permit_penalty_7wd", MON_2_MARCH),
        date(2026, 3, 11)
    );
}

#[test]
fn pub_decision_20wd_twenty_working_days() {
    assert_eq!(due("pub_decision_20wd", MON_2_MARCH), date(2026, 3, 30));
}

#[test]
fn pub_withdraw_3d_three_working_days_after_national_day() {
    // Wed 30 Sep; 1–7 Oct; 8, 9 Oct; Sat 10 Oct (make-up).
    assert_eq!(
        due("pub_withdraw_3d", date(2026, 9, 30)),
        date(2026, 10, 10)
    );
}

#[test]
fn rev_apply_60d_sixty_days_ending_on_labour_day_rolls_to_6_may() {
    assert_eq!(due("rev_apply_60d", MON_2_MARCH), date(2026, 5, 6));
}

#[test]
fn rev_decision_deadline_sixty_days_and_thirty_more() {
    assert_eq!(due("rev_decision_deadline", MON_2_MARCH), date(2026, 5, 6));
    // 90 days = Sun 31 May → Mon 1 Jun.
    assert_eq!(
        due_extended("rev_decision_deadline", MON_2_MARCH, 30),
        date(2026, 6, 1)
    );
}

#[test]
fn lit_6_months_from_31_march_ends_30_september() {
    assert_eq!(due("lit_6_months", date(2026, 3, 31)), date(2026, 9, 30));
}

#[test]
fn lit_after_review_15d_rolls_past_national_day() {
    assert_eq!(
        due("lit_after_review_15d", date(2026, 9, 16)),
        date(2026, 10, 8)
    );
}

#[test]
fn insp_result_20wd_twenty_working_days() {
    assert_eq!(due("insp_result_20wd", MON_2_MARCH), date(2026, 3, 30));
}

#[test]
fn crim_approval_3d_transfer_24h_three_days_then_twenty_four_hours() {
    // 3 days from 30 Sep is 3 Oct, a holiday → 8 Oct.
    assert_eq!(
        due("crim_approval_3d_transfer_24h", date(2026, 9, 30)),
        date(2026, 10, 8)
    );
    assert_eq!(
        rule("crim_approval_3d_transfer_24h", MON_2_MARCH)
            .param_i64("transfer_hours")
            .unwrap(),
        24
    );
}

#[test]
fn ap_summary_threshold_two_hundred_yuan_for_citizens_three_thousand_for_organisations_inclusive() {
    let r = rule("ap_summary_threshold", MON_2_MARCH);
    let citizen = Money::from_fen(r.param_i64("citizen_fine_max_fen").unwrap());
    let organisation = Money::from_fen(r.param_i64("organisation_fine_max_fen").unwrap());
    assert_eq!(citizen, Money::from_yuan(200));
    assert_eq!(organisation, Money::from_yuan(3000));
    // "以下" includes the number (cal_inclusive_boundaries).
    assert!(Money::parse("200").unwrap() <= citizen);
    assert!(Money::parse("200.01").unwrap() > citizen);
}

#[test]
fn ap_on_spot_collection_one_hundred_yuan_inclusive() {
    let max = Money::from_fen(
        rule("ap_on_spot_collection", MON_2_MARCH)
            .param_i64("fine_max_fen")
            .unwrap(),
    );
    assert_eq!(max, Money::from_yuan(100));
}

#[test]
fn ap_late_fee_from_the_registry_is_three_percent_a_day_capped_at_the_fine() {
    let r = rule("ap_late_fee", MON_2_MARCH);
    let (rate, cap) = (
        r.param_i64("basis_points_per_day").unwrap(),
        r.param_i64("cap_percent_of_fine").unwrap(),
    );
    let fine = Money::from_yuan(5000);
    assert_eq!(late_fee(fine, 10, rate, cap), Some(Money::from_yuan(1500)));
    assert_eq!(late_fee(fine, 40, rate, cap), Some(fine));
}

#[test]
fn ap_hearing_triggers_large_amount_is_set_by_each_province_with_no_national_default() {
    let national = rule("ap_hearing_triggers", MON_2_MARCH);
    assert!(
        national.param_i64("large_fine_organisation_fen").is_err(),
        "no national amount"
    );
    for province in RULES
        .versions("ap_hearing_triggers")
        .into_iter()
        .filter(|r| r.jurisdiction != NATIONAL)
    {
        assert!(province.param_i64("large_fine_citizen_fen").unwrap() > 0);
        assert!(province.param_i64("large_fine_organisation_fen").unwrap() > 0);
    }
    let demo = RULES
        .get("ap_hearing_triggers", "990000", MON_2_MARCH)
        .unwrap();
    assert!(
        !demo.confidence.verified(),
        "the demo province's amount is not a real one"
    );
    assert!(
        RULES
            .get("ap_hearing_triggers", "330000", MON_2_MARCH)
            .unwrap()
            .param_i64("large_fine_citizen_fen")
            .is_err(),
        "a province without its amount falls back to nothing"
    );
}

#[test]
fn ap_two_officers_at_least_two() {
    assert_eq!(
        rule("ap_two_officers", MON_2_MARCH)
            .param_i64("officers_min")
            .unwrap(),
        2
    );
}

#[test]
fn cred_publicity_period_2023_three_months_to_three_years() {
    let r = rule("cred_publicity_period_2023", MON_2_MARCH);
    assert_eq!(
        (
            r.param_i64("shortest_months").unwrap(),
            r.param_i64("longest_months").unwrap()
        ),
        (3, 36)
    );
}

/// Every rule id in the data files has a test whose name starts with it.
#[test]
fn every_rule_id_has_a_test_named_after_it() {
    let mut sources = String::from(include_str!("law.rs"));
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let missing: Vec<&str> = RULES
        .all()
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| !sources.contains(&format!("fn {id}")))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a test named after them: {missing:?}"
    );
}

#[test]
fn crim_illegal_practice_repeat_cites_item_four_of_article_two() {
    let r = rule("crim_illegal_practice_repeat", MON_2_MARCH);
    assert!(r.citation.contains("第二条第（四）项"), "{}", r.citation);
    assert!(!r.citation.contains("第（五）项"), "{}", r.citation);
}
