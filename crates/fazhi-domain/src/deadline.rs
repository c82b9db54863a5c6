//! 期限 — the deadline engine.
//!
//! Applies 《民法典》第二百零一条至第二百零三条 and 《行政处罚法》第八十五条 as the rules
//! require: the start day is not counted (cal_start_day_excluded); working-day
//! periods skip weekends and statutory holidays but count make-up workdays;
//! month and year periods end on the same-numbered day or the month's last day
//! (cal_month_year_end); a calendar-day period ending on a rest day rolls to the
//! next working day when the rule says so (cal_last_day_holiday_rolls); the last
//! day is included ("以内", cal_inclusive_boundaries). Pauses (听证, 鉴定, 补正,
//! 征求第三方意见) stop the clock; extensions add to the count. Every result comes
//! with the steps a clerk can read.

use crate::calendar::{Calendar, CalendarError, DayKind};
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The kind of `d`, noting a provisional answer's year in `prov`.
fn kind_of(cal: &Calendar, d: Date, prov: &mut BTreeSet<i16>) -> Result<DayKind, CalendarError> {
    let (kind, provisional) = cal.day_kind_or_provisional(d)?;
    if provisional {
        prov.insert(d.year());
    }
    Ok(kind)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 工作日: weekends and statutory holidays are skipped, make-up workdays count.
    WorkingDays,
    /// 日 (自然日)
    CalendarDays,
    Months,
    Years,
    Hours,
}

impl Unit {
    pub fn name_zh(self) -> &'static str {
        match self {
            Unit::WorkingDays => "个工作日",
            Unit::CalendarDays => "日",
            Unit::Months => "个月",
            Unit::Years => "年",
            Unit::Hours => "小时",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working days",
            Unit::CalendarDays => "calendar days",
            Unit::Months => "months",
            Unit::Years => "years",
            Unit::Hours => "hours",
        }
    }
}

/// A deadline as the rule registry states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineRule {
    pub id: String,
    pub title_zh: String,
    pub unit: Unit,
    pub count: u32,
    /// The event that starts the period, in words (e.g. "决定作出之日").
    pub starts_on: String,
    /// Whether a calendar-day/month/year period ending on a rest day moves to the next working day.
    pub roll_forward: bool,
    pub citation: String,
}

/// Days on which the clock stands still, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: Date,
    pub to: Date,
    /// e.g. 听证, 鉴定, 补正, 征求第三方意见
    pub reason: String,
}

/// More time, in the rule's unit, granted with a reason and an approver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub count: u32,
    pub reason_code: String,
    pub approver: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    Start {
        date: Date,
        event: String,
    },
    Extended {
        count: u32,
        reason_code: String,
        approver: String,
    },
    /// Consecutive counted days; `total` is the running count after them.
    Counted {
        from: Date,
        to: Date,
        days: u32,
        total: u32,
    },
    SkippedWeekend {
        date: Date,
    },
    SkippedHoliday {
        date: Date,
        festival: String,
    },
    Paused {
        from: Date,
        to: Date,
        reason: String,
    },
    /// A month/year period: the corresponding day, `clamped` when the month had no such day.
    PeriodEnd {
        date: Date,
        clamped: bool,
    },
    PausedDaysAdded {
        days: u32,
    },
    RolledForward {
        from: Date,
        to: Date,
        festival: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Computed {
    pub rule_id: String,
    pub citation: String,
    pub unit: Unit,
    /// The rule's count plus extensions.
    pub count: u32,
    pub due: Date,
    /// For hour periods: the exact instant (civil time of the start).
    pub due_at: Option<DateTime>,
    pub steps: Vec<Step>,
    /// 暂定: some day the count looked at is in a year whose State Council
    /// schedule is not loaded, so it was judged by the provisional calendar
    /// (the holiday law, no 调休). The date may move when the schedule is imported.
    pub provisional: bool,
    /// Those years.
    pub provisional_years: Vec<i16>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("{0}")]
    Calendar(#[from] CalendarError),
    #[error("日期超出可计算范围 / date out of range")]
    OutOfRange,
    #[error("小时期限须给出起算时刻 / an hour period needs a start time")]
    NeedsTime,
    #[error(
        "中止期间 {from} 至 {to} 无效：结束早于开始 / pause {from}..{to} ends before it starts"
    )]
    BadPause { from: Date, to: Date },
}

/// Period lengths beyond this are refused (no statutory period is longer than 20 years).
const DAYS_MAX: u32 = 20 * 366;

fn next(d: Date) -> Result<Date, DeadlineError> {
    d.tomorrow().map_err(|_| DeadlineError::OutOfRange)
}

fn paused(pauses: &[Pause], d: Date) -> Option<&Pause> {
    pauses.iter().find(|p| p.from <= d && d <= p.to)
}

/// Compute the due date of `rule` for a period starting on `start` (the day of
/// the starting event, which is not counted).
pub fn compute(
    rule: &DeadlineRule,
    start: Date,
    cal: &Calendar,
    pauses: &[Pause],
    extensions: &[Extension],
) -> Result<Computed, DeadlineError> {
    for p in pauses {
        if p.to < p.from {
            return Err(DeadlineError::BadPause {
                from: p.from,
                to: p.to,
            });
        }
    }
    let count = rule.count + extensions.iter().map(|e| e.count).sum::<u32>();
    let mut prov = BTreeSet::new();
    let mut steps = vec![Step::Start {
        date: start,
        event: rule.starts_on.clone(),
    }];
    steps.extend(extensions.iter().map(|e| Step::Extended {
        count: e.count,
        reason_code: e.reason_code.clone(),
        approver: e.approver.clone(),
    }));
    let due = match rule.unit {
        Unit::WorkingDays | Unit::CalendarDays => {
            if count > DAYS_MAX {
                return Err(DeadlineError::OutOfRange);
            }
            count_days(rule.unit, start, count, cal, pauses, &mut steps, &mut prov)?
        }
        Unit::Months | Unit::Years => {
            let span = if rule.unit == Unit::Months {
                jiff::Span::new().months(i64::from(count))
            } else {
                jiff::Span::new().years(i64::from(count))
            };
            let end = start
                .checked_add(span)
                .map_err(|_| DeadlineError::OutOfRange)?;
            steps.push(Step::PeriodEnd {
                date: end,
                clamped: end.day() != start.day(),
            });
            // Paused days inside the period are added on at its end.
            let mut paused_days = 0u32;
            let mut d = start;
            while d < end {
                d = next(d)?;
                if paused(pauses, d).is_some() {
                    paused_days += 1;
                }
            }
            for p in pauses.iter().filter(|p| p.from <= end && p.to > start) {
                steps.push(Step::Paused {
                    from: p.from,
                    to: p.to,
                    reason: p.reason.clone(),
                });
            }
            let mut due = end;
            if paused_days > 0 {
                steps.push(Step::PausedDaysAdded { days: paused_days });
                due = due
                    .checked_add(jiff::Span::new().days(i64::from(paused_days)))
                    .map_err(|_| DeadlineError::OutOfRange)?;
            }
            due
        }
        Unit::Hours => return Err(DeadlineError::NeedsTime),
    };
    let due = if rule.roll_forward && rule.unit != Unit::WorkingDays {
        roll_forward(due, cal, &mut steps, &mut prov)?
    } else {
        due
    };
    Ok(Computed {
        rule_id: rule.id.clone(),
        citation: rule.citation.clone(),
        unit: rule.unit,
        count,
        due,
        due_at: None,
        steps,
        provisional: !prov.is_empty(),
        provisional_years: prov.into_iter().collect(),
    })
}

/// Hour periods (e.g. 24 hours to report an emergency measure) run from the instant.
pub fn compute_hours(rule: &DeadlineRule, start: DateTime) -> Result<Computed, DeadlineError> {
    let due_at = start
        .checked_add(jiff::Span::new().hours(i64::from(rule.count)))
        .map_err(|_| DeadlineError::OutOfRange)?;
    Ok(Computed {
        rule_id: rule.id.clone(),
        citation: rule.citation.clone(),
        unit: Unit::Hours,
        count: rule.count,
        due: due_at.date(),
        due_at: Some(due_at),
        steps: vec![Step::Start {
            date: start.date(),
            event: rule.starts_on.clone(),
        }],
        provisional: false,
        provisional_years: Vec::new(),
    })
}

fn count_days(
    unit: Unit,
    start: Date,
    count: u32,
    cal: &Calendar,
    pauses: &[Pause],
    steps: &mut Vec<Step>,
    prov: &mut BTreeSet<i16>,
) -> Result<Date, DeadlineError> {
    let mut d = start;
    let mut total = 0u32;
    let mut run: Option<(Date, Date, u32)> = None;
    let flush = |run: &mut Option<(Date, Date, u32)>, total: u32, steps: &mut Vec<Step>| {
        if let Some((from, to, days)) = run.take() {
            steps.push(Step::Counted {
                from,
                to,
                days,
                total,
            });
        }
    };
    while total < count {
        d = next(d)?;
        if let Some(p) = paused(pauses, d) {
            flush(&mut run, total, steps);
            if p.from == d
                || !steps
                    .iter()
                    .any(|s| matches!(s, Step::Paused { from, .. } if *from == p.from))
            {
                steps.push(Step::Paused {
                    from: p.from,
                    to: p.to,
                    reason: p.reason.clone(),
                });
            }
            continue;
        }
        if unit == Unit::WorkingDays {
            match kind_of(cal, d, prov)? {
                DayKind::Weekend => {
                    flush(&mut run, total, steps);
                    steps.push(Step::SkippedWeekend { date: d });
                    continue;
                }
                DayKind::Holiday { festival } => {
                    flush(&mut run, total, steps);
                    steps.push(Step::SkippedHoliday { date: d, festival });
                    continue;
                }
                DayKind::Workday | DayKind::AdjustedWorkday { .. } => {}
            }
        }
        total += 1;
        run = Some(match run {
            Some((from, _, days)) => (from, d, days + 1),
            None => (d, d, 1),
        });
    }
    flush(&mut run, total, steps);
    Ok(d)
}

fn roll_forward(
    due: Date,
    cal: &Calendar,
    steps: &mut Vec<Step>,
    prov: &mut BTreeSet<i16>,
) -> Result<Date, DeadlineError> {
    let mut d = due;
    let mut festival = None;
    loop {
        match kind_of(cal, d, prov)? {
            DayKind::Workday | DayKind::AdjustedWorkday { .. } => break,
            DayKind::Holiday { festival: f } => {
                festival.get_or_insert(f);
            }
            DayKind::Weekend => {}
        }
        d = next(d)?;
    }
    if d != due {
        steps.push(Step::RolledForward {
            from: due,
            to: d,
            festival,
        });
    }
    Ok(d)
}

/// Working days in `(start, end]` (start excluded, end included).
pub fn working_days_between(start: Date, end: Date, cal: &Calendar) -> Result<u32, DeadlineError> {
    let mut n = 0;
    let mut d = start;
    while d < end {
        d = next(d)?;
        if cal.is_working_day(d)? {
            n += 1;
        }
    }
    Ok(n)
}

fn years_text(years: &[i16]) -> String {
    years
        .iter()
        .map(i16::to_string)
        .collect::<Vec<_>>()
        .join("、")
}

/// Why a date is provisional, in one sentence (the web pages use the same
/// sentence from the i18n keys `deadline.provisional_why`).
pub fn provisional_reason_zh(years: &[i16]) -> String {
    format!(
        "{}年国务院节假日安排尚未发布，本期限按《全国年节及纪念日放假办法》规定的节日暂定计算（未计调休），安排导入后将重新计算，日期可能变动。",
        years_text(years)
    )
}

pub fn provisional_reason_en(years: &[i16]) -> String {
    format!(
        "the State Council holiday schedule for {} is not yet published, so this date counts the festivals of the national holiday law without make-up workdays; it is recomputed, and may move, when the schedule is imported.",
        years
            .iter()
            .map(i16::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Computed {
    /// The days counted according to the steps (for checking that they add up).
    pub fn counted_days(&self) -> u32 {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Counted { days, .. } => *days,
                _ => 0,
            })
            .sum()
    }

    /// The explanation in Chinese, one line per step.
    pub fn explain_zh(&self, rule: &DeadlineRule) -> Vec<String> {
        let mut out = vec![format!(
            "依据：{}（规则 {}）：{}{}{}",
            rule.citation,
            rule.id,
            rule.title_zh,
            rule.count,
            rule.unit.name_zh()
        )];
        for s in &self.steps {
            out.push(match s {
                Step::Start { date, event } => {
                    format!("{date}（{event}）为起算日，当日不计入（《民法典》第二百零一条）")
                }
                Step::Extended {
                    count,
                    reason_code,
                    approver,
                } => format!(
                    "经 {approver} 批准延长 {count}{}（理由：{reason_code}）",
                    rule.unit.name_zh()
                ),
                Step::Counted {
                    from, to, total, ..
                } if from == to => format!("{from} 计 1 日（累计 {total}）"),
                Step::Counted {
                    from,
                    to,
                    days,
                    total,
                } => format!("{from} 至 {to} 计 {days} 日（累计 {total}）"),
                Step::SkippedWeekend { date } => format!("{date} 为周末休息日，不计入"),
                Step::SkippedHoliday { date, festival } => {
                    format!("{date} 为法定节假日（{festival}），不计入")
                }
                Step::Paused { from, to, reason } => {
                    format!("{from} 至 {to} 期限中止（{reason}），不计入")
                }
                Step::PeriodEnd {
                    date,
                    clamped: false,
                } => format!("到期月的对应日为 {date}（《民法典》第二百零二条）"),
                Step::PeriodEnd {
                    date,
                    clamped: true,
                } => format!(
                    "到期月没有对应日，以月末日 {date} 为期间最后一日（《民法典》第二百零二条）"
                ),
                Step::PausedDaysAdded { days } => format!("加上中止的 {days} 日"),
                Step::RolledForward { from, to, festival } => format!(
                    "期间最后一日 {from} 为{}，顺延至 {to}（《民法典》第二百零三条）",
                    festival
                        .as_deref()
                        .map_or("休息日".to_owned(), |f| format!("法定节假日（{f}）"))
                ),
            });
        }
        out.push(match self.due_at {
            Some(at) => format!("届满时刻：{}", at.strftime("%Y-%m-%d %H:%M")),
            None if self.provisional => format!("届满日：{}（含当日）【暂定】", self.due),
            None => format!("届满日：{}（含当日）", self.due),
        });
        if self.provisional {
            out.push(format!(
                "暂定：{}",
                provisional_reason_zh(&self.provisional_years)
            ));
        }
        out
    }

    /// The explanation in English, one line per step.
    pub fn explain_en(&self, rule: &DeadlineRule) -> Vec<String> {
        let mut out = vec![format!(
            "Basis: {} (rule {}): {} {}",
            rule.citation,
            rule.id,
            rule.count,
            rule.unit.name_en()
        )];
        for s in &self.steps {
            out.push(match s {
                Step::Start { date, event } => format!(
                    "{date} ({event}) starts the period and is not counted (Civil Code art. 201)"
                ),
                Step::Extended {
                    count,
                    reason_code,
                    approver,
                } => format!(
                    "extended by {count} {} (reason {reason_code}, approved by {approver})",
                    rule.unit.name_en()
                ),
                Step::Counted {
                    from,
                    to,
                    days,
                    total,
                } => format!("{from}..{to}: {days} counted (total {total})"),
                Step::SkippedWeekend { date } => format!("{date} weekend, not counted"),
                Step::SkippedHoliday { date, festival } => {
                    format!("{date} statutory holiday ({festival}), not counted")
                }
                Step::Paused { from, to, reason } => {
                    format!("{from}..{to} clock paused ({reason})")
                }
                Step::PeriodEnd { date, clamped } => {
                    format!(
                        "corresponding day {date}{} (Civil Code art. 202)",
                        if *clamped {
                            ", the month's last day"
                        } else {
                            ""
                        }
                    )
                }
                Step::PausedDaysAdded { days } => format!("{days} paused days added"),
                Step::RolledForward { from, to, .. } => {
                    format!("{from} is a rest day: moved to {to} (Civil Code art. 203)")
                }
            });
        }
        out.push(match self.due_at {
            Some(at) => format!("due at {}", at.strftime("%Y-%m-%d %H:%M")),
            None if self.provisional => format!("due {} (inclusive) [provisional]", self.due),
            None => format!("due {} (inclusive)", self.due),
        });
        if self.provisional {
            out.push(format!(
                "Provisional: {}",
                provisional_reason_en(&self.provisional_years)
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    static CAL: std::sync::LazyLock<Calendar> =
        std::sync::LazyLock::new(|| Calendar::national().unwrap());

    fn cal() -> &'static Calendar {
        &CAL
    }

    fn rule(id: &str, unit: Unit, count: u32, roll_forward: bool) -> DeadlineRule {
        DeadlineRule {
            id: id.into(),
            title_zh: id.into(),
            unit,
            count,
            starts_on: "起算事件".into(),
            roll_forward,
            citation: "测试".into(),
        }
    }

    #[test]
    fn cal_start_day_excluded_one_working_day_after_a_monday_is_tuesday() {
        let c = compute(
            &rule("t", Unit::WorkingDays, 1, false),
            date(2026, 3, 2),
            cal(),
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(c.due, date(2026, 3, 3));
    }

    #[test]
    fn cal_ap_short_periods_working_days_seven_days_across_spring_festival_2026_count_make_up_saturdays()
     {
        // Decision on Thu 12 Feb 2026: Fri 13 and Sat 14 (make-up workday) count; 15–23 Feb holiday;
        // then 24, 25, 26, 27 Feb and Sat 28 Feb (make-up workday) = 7.
        let c = compute(
            &rule("ap_service", Unit::WorkingDays, 7, false),
            date(2026, 2, 12),
            cal(),
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(c.due, date(2026, 2, 28));
        assert!(
            c.steps.iter().any(
                |s| matches!(s, Step::SkippedHoliday { date: d, .. } if *d == date(2026, 2, 18))
            )
        );
        assert_eq!(c.counted_days(), 7);
    }

    #[test]
    fn cal_last_day_holiday_rolls_a_15_day_payment_period_ending_on_1_october_moves_past_national_day()
     {
        // Served 16 Sep 2026: day 15 is 1 Oct (holiday) → first working day after the holiday is 8 Oct 2026 (Thursday).
        let c = compute(
            &rule("ap_payment_deadline", Unit::CalendarDays, 15, true),
            date(2026, 9, 16),
            cal(),
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(c.due, date(2026, 10, 8));
        assert!(
            c.steps.iter().any(
                |s| matches!(s, Step::RolledForward { from, .. } if *from == date(2026, 10, 1))
            )
        );
    }

    #[test]
    fn cal_ogi_explicit_wd_twenty_working_days_across_national_day_2025() {
        // Received Fri 19 Sep 2025: 22–26 Sep (5), Sun 28 Sep make-up (6), 29–30 Sep (8), 1–8 Oct holiday,
        // 9–10 Oct (10), Sat 11 Oct make-up (11), 13–17 Oct (16), 20–23 Oct (20).
        let c = compute(
            &rule("ogi_reply_20_plus_20", Unit::WorkingDays, 20, false),
            date(2025, 9, 19),
            cal(),
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(
            working_days_between(date(2025, 9, 19), c.due, cal()).unwrap(),
            20
        );
        assert_eq!(c.due, date(2025, 10, 23));
    }

    #[test]
    fn cal_month_year_end_one_month_from_31_january_ends_on_the_last_day_of_february_in_leap_and_common_years()
     {
        let r = rule("m", Unit::Months, 1, false);
        assert_eq!(
            compute(&r, date(2024, 1, 31), cal(), &[], &[]).unwrap().due,
            date(2024, 2, 29)
        );
        assert_eq!(
            compute(&r, date(2025, 1, 31), cal(), &[], &[]).unwrap().due,
            date(2025, 2, 28)
        );
        let y = rule("y", Unit::Years, 1, false);
        let c = compute(&y, date(2024, 2, 29), cal(), &[], &[]).unwrap();
        assert_eq!(c.due, date(2025, 2, 28));
        assert!(
            c.steps
                .iter()
                .any(|s| matches!(s, Step::PeriodEnd { clamped: true, .. }))
        );
    }

    #[test]
    fn cal_inclusive_boundaries_the_last_counted_day_is_the_due_day() {
        let c = compute(
            &rule("d", Unit::CalendarDays, 3, false),
            date(2026, 3, 2),
            cal(),
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(c.due, date(2026, 3, 5));
    }

    #[test]
    fn a_period_crossing_into_2027_is_computed_on_the_provisional_calendar_and_marked() {
        // Mon 28 Dec 2026: 29–31 Dec (3), Fri 1 Jan 2027 元旦 (holiday law), 4–8 Jan (8), 11–12 Jan (10).
        let c = compute(
            &rule("w", Unit::WorkingDays, 10, false),
            date(2026, 12, 28),
            cal(),
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(c.due, date(2027, 1, 12));
        assert!(c.provisional);
        assert_eq!(c.provisional_years, vec![2027]);
        assert!(c.steps.iter().any(|s| matches!(
            s,
            Step::SkippedHoliday { date: d, festival } if *d == date(2027, 1, 1) && festival == "元旦"
        )));
        let r = rule("w", Unit::WorkingDays, 10, false);
        let zh = c.explain_zh(&r);
        assert!(
            zh.iter()
                .any(|l| l.contains("暂定") && l.contains("2027年")),
            "{zh:?}"
        );
        assert!(c.explain_en(&r).iter().any(|l| l.contains("[provisional]")));
        // A period inside loaded years is not provisional.
        let within = compute(&r, date(2026, 12, 1), cal(), &[], &[]).unwrap();
        assert!(!within.provisional && within.provisional_years.is_empty());
    }

    #[test]
    fn a_calendar_without_the_holiday_law_still_refuses_a_year_it_lacks() {
        let strict = Calendar::parse(crate::calendar::NATIONAL_TOML).unwrap();
        let e = compute(
            &rule("w", Unit::WorkingDays, 10, false),
            date(2026, 12, 28),
            &strict,
            &[],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e,
            DeadlineError::Calendar(CalendarError::YearNotLoaded { year: 2027 })
        );
        // Beyond the years the provisional calendar covers: still an error, never a guess.
        let e = compute(
            &rule("w", Unit::WorkingDays, 10, false),
            date(2100, 12, 28),
            cal(),
            &[],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e,
            DeadlineError::Calendar(CalendarError::YearNotLoaded { year: 2101 })
        );
    }

    #[test]
    fn pauses_stop_the_clock_and_extensions_add_to_the_count() {
        let pause = Pause {
            from: date(2026, 3, 4),
            to: date(2026, 3, 6),
            reason: "听证".into(),
        };
        let c = compute(
            &rule("w", Unit::WorkingDays, 5, false),
            date(2026, 3, 2),
            cal(),
            &[pause],
            &[],
        )
        .unwrap();
        // Tue 3, (Wed 4–Fri 6 paused), Mon 9, Tue 10, Wed 11, Thu 12.
        assert_eq!(c.due, date(2026, 3, 12));
        let ext = Extension {
            count: 20,
            reason_code: "complex".into(),
            approver: "办公室负责人".into(),
        };
        let c = compute(
            &rule("ogi_reply_20_plus_20", Unit::WorkingDays, 20, false),
            date(2026, 3, 2),
            cal(),
            &[],
            &[ext],
        )
        .unwrap();
        assert_eq!(c.count, 40);
        assert_eq!(c.counted_days(), 40);
        assert!(
            compute(
                &rule("w", Unit::WorkingDays, 5, false),
                date(2026, 3, 2),
                cal(),
                &[Pause {
                    from: date(2026, 3, 6),
                    to: date(2026, 3, 4),
                    reason: "x".into()
                }],
                &[]
            )
            .is_err()
        );
    }

    #[test]
    fn the_explanation_names_the_rule_each_skipped_day_and_the_due_date() {
        let r = rule("ap_service", Unit::WorkingDays, 7, false);
        let c = compute(&r, date(2026, 2, 12), cal(), &[], &[]).unwrap();
        let zh = c.explain_zh(&r).join("\n");
        assert!(
            zh.contains("ap_service") && zh.contains("春节") && zh.contains("届满日：2026-02-28"),
            "{zh}"
        );
        let en = c.explain_en(&r).join("\n");
        assert!(en.contains("due 2026-02-28"));
    }

    #[test]
    fn hour_periods_run_from_the_instant() {
        let r = rule("ac_emergency_report", Unit::Hours, 24, false);
        let c = compute_hours(&r, date(2026, 9, 30).at(22, 15, 0, 0)).unwrap();
        assert_eq!(c.due_at, Some(date(2026, 10, 1).at(22, 15, 0, 0)));
        assert_eq!(
            compute(&r, date(2026, 9, 30), cal(), &[], &[]).unwrap_err(),
            DeadlineError::NeedsTime
        );
    }

    fn any_2016_to_2025_date() -> impl Strategy<Value = Date> {
        (0i64..3650).prop_map(|n| {
            date(2016, 1, 1)
                .checked_add(jiff::Span::new().days(n))
                .unwrap()
        })
    }

    proptest! {
        #[test]
        fn adding_n_working_days_then_counting_back_gives_n(start in any_2016_to_2025_date(), n in 1u32..60) {
            let c = compute(&rule("w", Unit::WorkingDays, n, false), start, cal(), &[], &[]).unwrap();
            prop_assert_eq!(working_days_between(start, c.due, cal()).unwrap(), n);
        }

        #[test]
        fn a_working_day_deadline_never_falls_on_a_rest_day(start in any_2016_to_2025_date(), n in 1u32..60) {
            let c = compute(&rule("w", Unit::WorkingDays, n, false), start, cal(), &[], &[]).unwrap();
            prop_assert!(cal().is_working_day(c.due).unwrap());
        }

        #[test]
        fn the_steps_add_up_to_the_result(start in any_2016_to_2025_date(), n in 1u32..120, working in any::<bool>()) {
            let unit = if working { Unit::WorkingDays } else { Unit::CalendarDays };
            let c = compute(&rule("w", unit, n, false), start, cal(), &[], &[]).unwrap();
            prop_assert_eq!(c.counted_days(), n);
            let last = c.steps.iter().rev().find_map(|s| match s { Step::Counted { to, .. } => Some(*to), _ => None });
            prop_assert_eq!(last, Some(c.due));
        }

        #[test]
        fn a_rolled_calendar_day_deadline_lands_on_a_working_day(start in any_2016_to_2025_date(), n in 1u32..90) {
            let c = compute(&rule("d", Unit::CalendarDays, n, true), start, cal(), &[], &[]).unwrap();
            prop_assert!(cal().is_working_day(c.due).unwrap());
        }
    }
}
