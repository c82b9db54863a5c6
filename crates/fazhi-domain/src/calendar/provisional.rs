//! 暂定日历 — the provisional calendar of a year whose State Council schedule
//! is not yet published.
//!
//! Built from 《全国年节及纪念日放假办法》 as in force on 1 January of the year
//! (rule `cal_holiday_law`, one version per revision, in `data/rules/calendar.toml`):
//! the festivals of 第二条 on their dates — the lunar ones (除夕/春节, 端午 五月初五,
//! 中秋 八月十五) and 清明 (the solar term) computed by the `tyme4rs` crate — and,
//! when a festival day falls on a Saturday or Sunday, a 补假 day on the next
//! weekday after the festival (第六条). Weekends are rest days; no 调休 (make-up
//! workdays) is guessed: those are set only by the yearly notice. Every deadline
//! computed on such a day is marked provisional by the engine.

use crate::rules::{Rule, RuleRegistry};
use jiff::civil::{Date, Weekday};
use std::collections::BTreeMap;

/// The rule id of the holiday law's versions.
pub const RULE_HOLIDAY_LAW: &str = "cal_holiday_law";

/// Years the provisional calendar is computed for at most (the lunar
/// computation is checked against the loaded years; far years are refused).
pub const PROVISIONAL_LAST_YEAR: i16 = 2100;

/// One version of the holiday law, as its rule states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayLaw {
    pub citation: String,
    pub effective_from: Date,
    pub effective_until: Option<Date>,
    pub new_year_days: u8,
    pub spring_festival_days: u8,
    /// 2024 revision: the holiday starts on 除夕; before: on 正月初一.
    pub spring_festival_from_eve: bool,
    pub qingming_days: u8,
    pub labour_day_days: u8,
    pub dragon_boat_days: u8,
    pub mid_autumn_days: u8,
    pub national_day_days: u8,
    /// 第六条: a holiday falling on a weekend is made up on a working day.
    pub weekend_make_up: bool,
}

/// A rule version that does not describe a holiday law.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("规则 {id} 的参数 {param} 无效 / rule {id}: parameter {param} is invalid")]
pub struct LawError {
    pub id: String,
    pub param: String,
}

impl HolidayLaw {
    pub fn from_rule(rule: &Rule) -> Result<HolidayLaw, LawError> {
        let bad = |param: &str| LawError {
            id: rule.id.clone(),
            param: param.to_owned(),
        };
        let days = |name: &str| -> Result<u8, LawError> {
            rule.param_i64(name)
                .ok()
                .and_then(|v| u8::try_from(v).ok())
                .filter(|v| *v <= 7)
                .ok_or_else(|| bad(name))
        };
        Ok(HolidayLaw {
            citation: rule.citation.clone(),
            effective_from: rule.from_date().ok_or_else(|| bad("effective_from"))?,
            effective_until: rule.until_date(),
            new_year_days: days("new_year_days")?,
            spring_festival_days: days("spring_festival_days")?,
            spring_festival_from_eve: rule
                .param_bool("spring_festival_from_eve")
                .map_err(|_| bad("spring_festival_from_eve"))?,
            qingming_days: days("qingming_days")?,
            labour_day_days: days("labour_day_days")?,
            dragon_boat_days: days("dragon_boat_days")?,
            mid_autumn_days: days("mid_autumn_days")?,
            national_day_days: days("national_day_days")?,
            weekend_make_up: rule
                .param_bool("weekend_make_up")
                .map_err(|_| bad("weekend_make_up"))?,
        })
    }

    /// Every version of the holiday law in the registry, oldest first.
    pub fn all_in(rules: &RuleRegistry) -> Result<Vec<HolidayLaw>, LawError> {
        rules
            .versions(RULE_HOLIDAY_LAW)
            .into_iter()
            .map(HolidayLaw::from_rule)
            .collect()
    }

    fn in_force_on(&self, d: Date) -> bool {
        self.effective_from <= d && self.effective_until.is_none_or(|u| d <= u)
    }
}

/// The law in force on 1 January of `year`.
pub fn law_for_year(laws: &[HolidayLaw], year: i16) -> Option<&HolidayLaw> {
    let jan1 = Date::new(year, 1, 1).ok()?;
    laws.iter().find(|l| l.in_force_on(jan1))
}

fn from_tyme(d: &tyme4rs::tyme::solar::SolarDay) -> Option<Date> {
    let year = i16::try_from(d.get_solar_month().get_year()).ok()?;
    let month = i8::try_from(d.get_month()).ok()?;
    let day = i8::try_from(d.get_day()).ok()?;
    Date::new(year, month, day).ok()
}

/// The Gregorian date of lunar `month`/`day` of lunar year `year` (non-leap month).
pub fn lunar_to_solar(year: i16, month: i8, day: i8) -> Option<Date> {
    if !(1900..=PROVISIONAL_LAST_YEAR).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let lunar = tyme4rs::tyme::lunar::LunarDay::new(
        isize::from(year),
        isize::from(month),
        usize::try_from(day).ok()?,
    )
    .ok()?;
    from_tyme(&lunar.get_solar_day())
}

/// The day of the solar term 清明 in `year`.
pub fn qingming(year: i16) -> Option<Date> {
    if !(1900..=PROVISIONAL_LAST_YEAR).contains(&year) {
        return None;
    }
    let term = tyme4rs::tyme::solar::SolarTerm::new(isize::from(year), "清明").ok()?;
    from_tyme(&term.get_solar_day())
}

/// 农历除夕 of the lunar year ending in Gregorian `year` (the day before 正月初一).
pub fn spring_festival_eve(year: i16) -> Option<Date> {
    lunar_to_solar(year, 1, 1)?.yesterday().ok()
}

fn run(first: Date, days: u8) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = first;
    for _ in 0..days {
        out.push(d);
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The provisional days off of `year` under `law`: (date, festival). `None`
/// when a date cannot be computed (outside the supported range).
pub fn holidays_of(law: &HolidayLaw, year: i16) -> Option<BTreeMap<Date, String>> {
    let spring_first = if law.spring_festival_from_eve {
        spring_festival_eve(year)?
    } else {
        lunar_to_solar(year, 1, 1)?
    };
    let blocks: Vec<(&str, Vec<Date>)> = vec![
        ("元旦", run(Date::new(year, 1, 1).ok()?, law.new_year_days)),
        ("春节", run(spring_first, law.spring_festival_days)),
        ("清明节", run(qingming(year)?, law.qingming_days)),
        (
            "劳动节",
            run(Date::new(year, 5, 1).ok()?, law.labour_day_days),
        ),
        (
            "端午节",
            run(lunar_to_solar(year, 5, 5)?, law.dragon_boat_days),
        ),
        (
            "中秋节",
            run(lunar_to_solar(year, 8, 15)?, law.mid_autumn_days),
        ),
        (
            "国庆节",
            run(Date::new(year, 10, 1).ok()?, law.national_day_days),
        ),
    ];
    let mut out: BTreeMap<Date, String> = BTreeMap::new();
    for (festival, days) in &blocks {
        for d in days {
            // When two festivals meet (中秋 in the 国庆 days), the day is off once.
            out.entry(*d)
                .and_modify(|f| {
                    if !f.contains(festival) {
                        f.push('、');
                        f.push_str(festival);
                    }
                })
                .or_insert_with(|| (*festival).to_owned());
        }
    }
    if law.weekend_make_up {
        // 第六条: each festival day on a weekend gives one 补假 day, the next
        // weekday after the festival's days that is not already off.
        let mut all_days: Vec<(&str, Date)> = Vec::new();
        let mut counted: Vec<Date> = Vec::new();
        for (festival, days) in &blocks {
            let mut owed = 0;
            for d in days.iter().filter(|d| is_weekend(**d)) {
                // A day two festivals share is made up once.
                if !counted.contains(d) {
                    counted.push(*d);
                    owed += 1;
                }
            }
            let Some(last) = days.last() else { continue };
            let mut d = *last;
            let mut given = 0;
            while given < owed {
                d = d.tomorrow().ok()?;
                if is_weekend(d) || out.contains_key(&d) || all_days.iter().any(|(_, x)| *x == d) {
                    continue;
                }
                all_days.push((festival, d));
                given += 1;
            }
        }
        for (festival, d) in all_days {
            if d.year() == year {
                out.insert(d, format!("{festival}（补假）"));
            }
        }
    }
    Some(out)
}
