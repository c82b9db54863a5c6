//! The provisional calendar (rule `cal_holiday_law`) checked against the
//! loaded State Council schedules of 2015–2026, and its quality measured.

use super::provisional::{self, HolidayLaw};
use super::*;
use crate::deadline::{DeadlineRule, Unit, compute};
use crate::rules::RuleRegistry;
use jiff::civil::date;

fn laws() -> Vec<HolidayLaw> {
    HolidayLaw::all_in(&RuleRegistry::national().unwrap()).unwrap()
}

fn loaded() -> Calendar {
    Calendar::parse(NATIONAL_TOML).unwrap()
}

/// No schedule loaded at all: every year from the holiday law.
fn provisional_only(years: std::ops::RangeInclusive<i16>) -> Calendar {
    Calendar::default().with_provisional(&laws(), years)
}

fn holiday_festival(cal: &Calendar, d: Date) -> Option<String> {
    match cal.day_kind(d).unwrap() {
        DayKind::Holiday { festival } => Some(festival),
        _ => None,
    }
}

#[test]
fn cal_holiday_law_has_the_2013_and_the_2024_version_with_their_dates() {
    let laws = laws();
    assert_eq!(laws.len(), 2);
    let old = provisional::law_for_year(&laws, 2024).unwrap();
    assert_eq!(
        (
            old.spring_festival_days,
            old.spring_festival_from_eve,
            old.labour_day_days
        ),
        (3, false, 1)
    );
    assert!(old.citation.contains("2013年12月11日"));
    let new = provisional::law_for_year(&laws, 2025).unwrap();
    assert_eq!(
        (
            new.new_year_days,
            new.spring_festival_days,
            new.spring_festival_from_eve,
            new.qingming_days,
            new.labour_day_days,
            new.dragon_boat_days,
            new.mid_autumn_days,
            new.national_day_days
        ),
        (1, 4, true, 1, 2, 1, 1, 3)
    );
    assert!(new.citation.contains("2024年11月10日"));
    assert!(provisional::law_for_year(&laws, 2013).is_none());
}

#[test]
fn cal_holiday_law_2025_provisional_days_follow_the_2024_revision() {
    let cal = provisional_only(2025..=2025);
    let off = |d: Date| !cal.day_kind_or_provisional(d).unwrap().0.is_working_day();
    // 除夕 28 Jan 2025 (Tue) to 初三 31 Jan (Fri).
    for d in [date(2025, 1, 28), date(2025, 1, 31)] {
        assert!(off(d), "{d}");
    }
    assert!(!off(date(2025, 1, 27)), "no 调休 is guessed");
    // 劳动节 1–2 May (Thu–Fri), 清明 4 Apr (Fri), 端午 31 May (Sat) made up on Mon 2 June,
    // 中秋 6 Oct (Mon), 国庆 1–3 Oct.
    for d in [
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 4, 4),
        date(2025, 6, 2),
        date(2025, 10, 6),
        date(2025, 10, 3),
    ] {
        assert!(off(d), "{d}");
    }
    assert!(!off(date(2025, 5, 6)), "an ordinary Tuesday");
    let (kind, provisional) = cal.day_kind_or_provisional(date(2025, 6, 2)).unwrap();
    assert!(provisional);
    assert_eq!(
        kind,
        DayKind::Holiday {
            festival: "端午节（补假）".into()
        }
    );
}

#[test]
fn cal_holiday_law_lunar_and_solar_term_dates_match_every_loaded_year() {
    let real = loaded();
    for year in 2015..=2026i16 {
        let first = provisional::lunar_to_solar(year, 1, 1).unwrap();
        let eve = provisional::spring_festival_eve(year).unwrap();
        assert_eq!(first.yesterday().unwrap(), eve);
        let checks = [
            (first, "春节"),
            (provisional::qingming(year).unwrap(), "清明"),
            (provisional::lunar_to_solar(year, 5, 5).unwrap(), "端午"),
            (provisional::lunar_to_solar(year, 8, 15).unwrap(), "中秋"),
        ];
        for (d, name) in checks {
            assert_eq!(d.year(), year);
            let festival = holiday_festival(&real, d)
                .unwrap_or_else(|| panic!("{year} {name}: {d} is not a holiday in the schedule"));
            assert!(
                festival.contains(name),
                "{year} {name}: {d} is listed as {festival}"
            );
        }
    }
}

#[test]
fn cal_holiday_law_statutory_days_are_off_in_every_loaded_schedule() {
    let real = loaded();
    let prov = provisional_only(2015..=2026);
    for year in 2015..=2026i16 {
        let p = prov.provisional_year(year).unwrap();
        for (d, festival) in &p.holidays {
            if festival.contains("补假") {
                continue;
            }
            assert!(
                !real.is_working_day(*d).unwrap(),
                "{d} ({festival}) is a statutory day off but a working day in the {year} schedule"
            );
        }
    }
}

#[test]
fn cal_holiday_law_loaded_years_answer_from_their_schedule_not_the_law() {
    let cal = Calendar::national().unwrap();
    // 2026-02-14 is a make-up Saturday in the schedule: not provisional, a working day.
    let (kind, provisional) = cal.day_kind_or_provisional(date(2026, 2, 14)).unwrap();
    assert!(!provisional && kind.is_working_day());
    assert!(cal.provisional_year(2026).is_none());
    assert!(cal.provisional_year(2027).is_some());
    // Importing the year makes it loaded; the provisional answer is gone.
    let imported = cal
        .import(
            "[[year]]\nyear = 2027\nnotice = \"x\"\nholidays = [ { from = \"2027-01-01\", to = \"2027-01-03\", festival = \"元旦\" } ]\n",
            false,
        )
        .unwrap();
    let (_, provisional) = imported.day_kind_or_provisional(date(2027, 1, 4)).unwrap();
    assert!(!provisional);
}

/// The measured agreement, per period: (working days, agreeing, computed,
/// provisional earlier than the real date).
pub(crate) fn agreement() -> Vec<(u32, usize, usize, usize)> {
    let real = loaded();
    let prov = provisional_only(2016..=2027);
    let mut out = Vec::new();
    for count in [5u32, 7, 10, 15, 20] {
        let rule = DeadlineRule {
            id: "m".into(),
            title_zh: String::new(),
            unit: Unit::WorkingDays,
            count,
            starts_on: String::new(),
            roll_forward: false,
            citation: String::new(),
        };
        let (mut agree, mut total, mut earlier) = (0, 0, 0);
        let mut d = date(2016, 1, 1);
        while d <= date(2026, 12, 31) {
            // Deadlines that end past the loaded years have no real date to compare with.
            if let Ok(r) = compute(&rule, d, &real, &[], &[]) {
                let p = compute(&rule, d, &prov, &[], &[]).unwrap();
                assert!(p.provisional);
                total += 1;
                if p.due == r.due {
                    agree += 1;
                } else if p.due < r.due {
                    earlier += 1;
                }
            }
            d = d.tomorrow().unwrap();
        }
        out.push((count, agree, total, earlier));
    }
    out
}

/// The figures in docs/calendar.md come from this test (run with `--nocapture`).
#[test]
fn cal_holiday_law_provisional_deadlines_agree_with_the_real_schedule_measured() {
    let rows = agreement();
    let (mut agree, mut total) = (0, 0);
    for (count, a, t, e) in &rows {
        println!(
            "{count:>2} working days: {a}/{t} = {:.1}%; of the {} that differ, {e} provisional earlier",
            100.0 * *a as f64 / *t as f64,
            t - a
        );
        agree += a;
        total += t;
        // Every start date 2016-01-01.. whose real deadline lies in a loaded year.
        assert!(*t > 3_950, "{count}: only {t} start dates compared");
    }
    let share = agree as f64 / total as f64;
    println!("all: {agree}/{total} = {:.1}%", 100.0 * share);
    // A sane floor the measured value exceeds: most periods cross no holiday change.
    assert!(share > 0.75, "agreement {share}");
    // And it is not perfect: 调休 cannot be guessed (so the test would notice a comparison of equals).
    assert!(share < 1.0);
}
