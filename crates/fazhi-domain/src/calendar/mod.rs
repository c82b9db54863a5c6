//! 法定节假日与调休 — the Chinese statutory working-day calendar.
//!
//! Data, not code: the State Council's yearly schedules live in
//! `data/holidays_cn.toml` with the notice that announced each entry. A day
//! is a working day unless it is a listed holiday, or a Saturday/Sunday that is
//! not a listed make-up workday (调休上班). A date in a year with no schedule
//! is an error for [`Calendar::day_kind`]; the deadline engine asks
//! [`Calendar::day_kind_or_provisional`] instead, which answers from the
//! provisional calendar of the holiday law (`provisional.rs`) and says so —
//! never silently.

use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub mod provisional;
pub use provisional::HolidayLaw;

/// The embedded national schedules, 2015 onwards.
pub const NATIONAL_TOML: &str = include_str!("../../data/holidays_cn.toml");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{year}年日历未加载，无法计算 / calendar for {year} not loaded")]
    YearNotLoaded { year: i16 },
    #[error("节假日文件第 {line} 行：{message_zh} / holiday file line {line}: {message_en}")]
    File {
        line: usize,
        message_zh: String,
        message_en: String,
    },
    #[error(
        "{year}年日历已加载；如需替换请明确指定 / calendar for {year} is already loaded; replace it explicitly"
    )]
    YearAlreadyLoaded { year: i16 },
}

/// What kind of day a listed entry makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// 放假
    Holiday,
    /// 调休上班
    Workday,
}

/// One listed day with its source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub date: Date,
    pub kind: EntryKind,
    pub festival: String,
    pub notice: String,
    /// False when the notice number has not been checked against the original.
    pub confirmed: bool,
    /// True for a regional extra holiday layered by an agency.
    pub regional: bool,
}

/// The kind of any day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    Workday,
    Weekend,
    Holiday { festival: String },
    AdjustedWorkday { festival: String },
}

impl DayKind {
    pub fn is_working_day(&self) -> bool {
        match self {
            DayKind::Workday | DayKind::AdjustedWorkday { .. } => true,
            DayKind::Weekend | DayKind::Holiday { .. } => false,
        }
    }
}

/// A year's provisional days off, from the holiday law in force (no 调休).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionalYear {
    pub holidays: BTreeMap<Date, String>,
    /// The law version it follows.
    pub citation: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    entries: BTreeMap<Date, Entry>,
    years: BTreeSet<i16>,
    /// Years the holiday law can stand in for (shared: calendars are cloned per request).
    provisional: Arc<BTreeMap<i16, ProvisionalYear>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    year: Vec<toml::Spanned<YearDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearDoc {
    year: i16,
    notice: String,
    #[serde(default = "yes")]
    confirmed: bool,
    #[serde(default)]
    holidays: Vec<toml::Spanned<RangeDoc>>,
    #[serde(default)]
    workdays: Vec<toml::Spanned<DayDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeDoc {
    from: String,
    to: String,
    festival: String,
    notice: Option<String>,
    confirmed: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayDoc {
    date: String,
    festival: String,
    notice: Option<String>,
    confirmed: Option<bool>,
}

fn yes() -> bool {
    true
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

fn file_error(line: usize, zh: impl Into<String>, en: impl Into<String>) -> CalendarError {
    CalendarError::File {
        line,
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

fn parse_date(text: &str, line: usize) -> Result<Date, CalendarError> {
    text.parse::<Date>().map_err(|_| {
        file_error(
            line,
            format!("“{text}”不是有效日期（YYYY-MM-DD）"),
            format!("'{text}' is not a real date (YYYY-MM-DD)"),
        )
    })
}

impl Calendar {
    /// The national schedules embedded in the binary, with the provisional
    /// calendar of the embedded holiday-law rules for the years after them.
    pub fn national() -> Result<Calendar, CalendarError> {
        let cal = Calendar::parse(NATIONAL_TOML)?;
        let rules = crate::rules::RuleRegistry::national().map_err(|e| {
            file_error(
                0,
                format!("规则库无效：{e}"),
                format!("rule registry invalid: {e}"),
            )
        })?;
        let laws =
            HolidayLaw::all_in(&rules).map_err(|e| file_error(0, e.to_string(), e.to_string()))?;
        let first = cal.years.first().copied().unwrap_or(2015);
        Ok(cal.with_provisional(&laws, first..=provisional::PROVISIONAL_LAST_YEAR))
    }

    /// This calendar with a provisional year for every year of `years` that
    /// a version of the holiday law covers (loaded years still answer from
    /// their schedule).
    pub fn with_provisional(
        mut self,
        laws: &[HolidayLaw],
        years: std::ops::RangeInclusive<i16>,
    ) -> Calendar {
        let mut map = BTreeMap::new();
        for year in years {
            let Some(law) = provisional::law_for_year(laws, year) else {
                continue;
            };
            if let Some(holidays) = provisional::holidays_of(law, year) {
                map.insert(
                    year,
                    ProvisionalYear {
                        holidays,
                        citation: law.citation.clone(),
                    },
                );
            }
        }
        self.provisional = Arc::new(map);
        self
    }

    /// Whether `year` has a loaded State Council schedule.
    pub fn is_loaded(&self, year: i16) -> bool {
        self.years.contains(&year)
    }

    /// The provisional days off of a year not loaded, if the law covers it.
    pub fn provisional_year(&self, year: i16) -> Option<&ProvisionalYear> {
        if self.is_loaded(year) {
            return None;
        }
        self.provisional.get(&year)
    }

    /// The kind of `date` and whether it comes from the provisional calendar
    /// (its year not loaded). A year neither loaded nor covered by the holiday
    /// law is still an error.
    pub fn day_kind_or_provisional(&self, date: Date) -> Result<(DayKind, bool), CalendarError> {
        if self.years.contains(&date.year()) {
            return Ok((self.day_kind(date)?, false));
        }
        let Some(p) = self.provisional.get(&date.year()) else {
            return Err(CalendarError::YearNotLoaded { year: date.year() });
        };
        // Regional holidays an agency layered on still count.
        let kind = match (p.holidays.get(&date), self.entries.get(&date)) {
            (Some(festival), _) => DayKind::Holiday {
                festival: festival.clone(),
            },
            (None, Some(e)) if e.kind == EntryKind::Holiday => DayKind::Holiday {
                festival: e.festival.clone(),
            },
            _ if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) => DayKind::Weekend,
            _ => DayKind::Workday,
        };
        Ok((kind, true))
    }

    /// Parse a schedule file. Any problem rejects the whole file, naming its line.
    pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
        let doc: FileDoc = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            file_error(
                line,
                format!("格式错误：{}", e.message()),
                format!("malformed: {}", e.message()),
            )
        })?;
        let mut cal = Calendar::default();
        for spanned_year in doc.year {
            let year_line = line_of(text, spanned_year.span().start);
            let y = spanned_year.into_inner();
            if !cal.years.insert(y.year) {
                return Err(file_error(
                    year_line,
                    format!("{}年重复出现", y.year),
                    format!("year {} appears twice", y.year),
                ));
            }
            let mut add = |date: Date,
                           kind: EntryKind,
                           festival: &str,
                           notice: &Option<String>,
                           confirmed: Option<bool>,
                           line: usize| {
                if date.year() != y.year {
                    return Err(file_error(
                        line,
                        format!("{date} 不属于 {} 年", y.year),
                        format!("{date} is not in year {}", y.year),
                    ));
                }
                if let Some(existing) = cal.entries.get(&date) {
                    let (zh, en) = if existing.kind == kind {
                        (
                            format!("{date} 重复列出"),
                            format!("{date} is listed twice"),
                        )
                    } else {
                        (
                            format!("{date} 既被列为放假又被列为上班"),
                            format!("{date} is listed both as a holiday and as a workday"),
                        )
                    };
                    return Err(file_error(line, zh, en));
                }
                cal.entries.insert(
                    date,
                    Entry {
                        date,
                        kind,
                        festival: festival.to_owned(),
                        notice: notice.clone().unwrap_or_else(|| y.notice.clone()),
                        confirmed: confirmed.unwrap_or(y.confirmed),
                        regional: false,
                    },
                );
                Ok(())
            };
            for spanned in &y.holidays {
                let line = line_of(text, spanned.span().start);
                let r = spanned.get_ref();
                let from = parse_date(&r.from, line)?;
                let to = parse_date(&r.to, line)?;
                if to < from {
                    return Err(file_error(
                        line,
                        format!("{} 早于 {}", r.to, r.from),
                        format!("{} is before {}", r.to, r.from),
                    ));
                }
                let mut d = from;
                while d <= to {
                    add(
                        d,
                        EntryKind::Holiday,
                        &r.festival,
                        &r.notice,
                        r.confirmed,
                        line,
                    )?;
                    d = d
                        .tomorrow()
                        .map_err(|_| file_error(line, "日期越界", "date out of range"))?;
                }
            }
            for spanned in &y.workdays {
                let line = line_of(text, spanned.span().start);
                let w = spanned.get_ref();
                let date = parse_date(&w.date, line)?;
                if !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
                    return Err(file_error(
                        line,
                        format!("{date} 不是周末，不能列为调休上班日"),
                        format!("{date} is not a weekend day, so it cannot be a make-up workday"),
                    ));
                }
                add(
                    date,
                    EntryKind::Workday,
                    &w.festival,
                    &w.notice,
                    w.confirmed,
                    line,
                )?;
            }
        }
        Ok(cal)
    }

    /// A new calendar with the years of `text` added. All or nothing; a year
    /// already loaded is refused unless `replace` is set.
    pub fn import(&self, text: &str, replace: bool) -> Result<Calendar, CalendarError> {
        let incoming = Calendar::parse(text)?;
        let mut merged = self.clone();
        for year in &incoming.years {
            if merged.years.contains(year) {
                if !replace {
                    return Err(CalendarError::YearAlreadyLoaded { year: *year });
                }
                merged
                    .entries
                    .retain(|d, e| d.year() != *year || e.regional);
            }
            merged.years.insert(*year);
        }
        merged.entries.extend(incoming.entries);
        Ok(merged)
    }

    /// This calendar with an agency's extra regional holidays (e.g. ethnic
    /// festivals set by the local government) layered on top.
    pub fn with_regional(&self, extra: &[(Date, String, String)]) -> Calendar {
        let mut out = self.clone();
        for (date, festival, notice) in extra {
            out.entries.insert(
                *date,
                Entry {
                    date: *date,
                    kind: EntryKind::Holiday,
                    festival: festival.clone(),
                    notice: notice.clone(),
                    confirmed: true,
                    regional: true,
                },
            );
        }
        out
    }

    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.iter().copied()
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    pub fn entries_of_year(&self, year: i16) -> impl Iterator<Item = &Entry> {
        self.entries.values().filter(move |e| e.date.year() == year)
    }

    pub fn day_kind(&self, date: Date) -> Result<DayKind, CalendarError> {
        if !self.years.contains(&date.year()) {
            return Err(CalendarError::YearNotLoaded { year: date.year() });
        }
        Ok(match self.entries.get(&date) {
            Some(e) if e.kind == EntryKind::Holiday => DayKind::Holiday {
                festival: e.festival.clone(),
            },
            Some(e) => DayKind::AdjustedWorkday {
                festival: e.festival.clone(),
            },
            None if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) => {
                DayKind::Weekend
            }
            None => DayKind::Workday,
        })
    }

    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        Ok(self.day_kind(date)?.is_working_day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn national() -> Calendar {
        Calendar::national().unwrap()
    }

    #[test]
    fn cal_holiday_calendar_covers_2015_through_2026() {
        let years: Vec<i16> = national().years().collect();
        assert_eq!(years, (2015..=2026).collect::<Vec<_>>());
    }

    /// Days where the `chinese_holiday` crate (2026.0.1) is wrong, each checked
    /// against the notice text the crate itself quotes next to its data.
    const CRATE_ERRATA: &[(&str, &str)] = &[
        // 国办发明电〔2015〕18号: "10月8日（星期六）、10月9日（星期日）上班" — the crate omits the 9th.
        ("2016-10-09", "make-up workday missing from the crate"),
        // 国办发明电〔2016〕14号: "元旦：1月1日放假，1月2日（星期一）补休" — Friday 30 Dec 2016 was a working day.
        (
            "2016-12-30",
            "the crate lists an ordinary Friday as a holiday",
        ),
    ];

    #[test]
    fn cal_holiday_calendar_agrees_with_chinese_holiday_crate_every_day() {
        let cal = national();
        let mut day = date(2015, 1, 1);
        let mut disagreements = Vec::new();
        while day <= date(2026, 12, 25) {
            let ours = cal.is_working_day(day).unwrap();
            let ymd = chinese_holiday::Ymd::new(
                u16::try_from(day.year()).unwrap(),
                u8::try_from(day.month()).unwrap(),
                u8::try_from(day.day()).unwrap(),
            );
            let theirs = chinese_holiday::chinese_holiday(ymd).is_workday();
            let known = CRATE_ERRATA.iter().any(|(d, _)| *d == day.to_string());
            if (ours != theirs) != known {
                disagreements.push(format!(
                    "{day}: ours working={ours}, crate working={theirs}, listed erratum={known}"
                ));
            }
            day = day.tomorrow().unwrap();
        }
        assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    }

    #[test]
    fn spring_festival_2026_is_nine_days_with_two_make_up_saturdays() {
        let cal = national();
        assert_eq!(
            cal.day_kind(date(2026, 2, 15)).unwrap(),
            DayKind::Holiday {
                festival: "春节".into()
            }
        );
        assert!(!cal.is_working_day(date(2026, 2, 23)).unwrap());
        assert!(
            cal.is_working_day(date(2026, 2, 14)).unwrap(),
            "Saturday 14 Feb is a make-up workday"
        );
        assert!(
            cal.is_working_day(date(2026, 2, 28)).unwrap(),
            "Saturday 28 Feb is a make-up workday"
        );
        assert!(
            !cal.is_working_day(date(2026, 3, 1)).unwrap(),
            "an ordinary Sunday"
        );
    }

    #[test]
    fn a_date_in_a_year_without_data_is_an_error_not_a_guess() {
        let e = national().is_working_day(date(2027, 1, 4)).unwrap_err();
        assert_eq!(e, CalendarError::YearNotLoaded { year: 2027 });
        assert!(e.to_string().contains("calendar for 2027 not loaded"));
    }

    const Y2027: &str = r#"
[[year]]
year = 2027
notice = "国办发明电〔2026〕X号"
holidays = [ { from = "2027-01-01", to = "2027-01-03", festival = "元旦" } ]
workdays = [ { date = "2027-01-09", festival = "元旦" } ]
"#;

    #[test]
    fn importing_a_new_year_adds_it_and_refuses_a_loaded_year_unless_replacing() {
        let cal = national().import(Y2027, false).unwrap();
        assert!(!cal.is_working_day(date(2027, 1, 1)).unwrap());
        assert!(cal.is_working_day(date(2027, 1, 9)).unwrap());
        assert!(cal.is_working_day(date(2027, 1, 4)).unwrap());
        assert_eq!(
            cal.import(Y2027, false).unwrap_err(),
            CalendarError::YearAlreadyLoaded { year: 2027 }
        );
        assert!(cal.import(Y2027, true).is_ok());
    }

    #[test]
    fn bad_files_are_rejected_whole_naming_the_line() {
        let dup = Y2027.replace(
            "holidays = [ {",
            "holidays = [ { from = \"2027-01-02\", to = \"2027-01-02\", festival = \"x\" }, {",
        );
        let e = Calendar::parse(&dup).unwrap_err();
        assert!(
            matches!(&e, CalendarError::File { line: 5, message_en, .. } if message_en.contains("listed twice")),
            "{e:?}"
        );
        let conflict = Y2027.replace("2027-01-09", "2027-01-02");
        let e = Calendar::parse(&conflict).unwrap_err();
        assert!(
            e.to_string()
                .contains("listed both as a holiday and as a workday"),
            "{e}"
        );
        let bad_date = Y2027.replace("2027-01-03", "2027-02-30");
        let e = Calendar::parse(&bad_date).unwrap_err();
        assert!(matches!(&e, CalendarError::File { line: 5, .. }), "{e:?}");
        assert!(e.to_string().contains("2027-02-30"));
        let weekday_workday = Y2027.replace("2027-01-09", "2027-01-11");
        assert!(
            Calendar::parse(&weekday_workday)
                .unwrap_err()
                .to_string()
                .contains("not a weekend day")
        );
        let malformed = "[[year]]\nyear = \"x\"\n";
        assert!(matches!(
            Calendar::parse(malformed).unwrap_err(),
            CalendarError::File { line: 2, .. }
        ));
        // Nothing of a bad file reaches the calendar.
        let cal = national();
        assert!(cal.import(&bad_date, false).is_err());
        assert!(cal.is_working_day(date(2027, 1, 1)).is_err());
    }

    #[test]
    fn regional_holidays_layer_on_the_national_table() {
        let cal = national().with_regional(&[(
            date(2026, 3, 20),
            "古尔邦节（示例）".into(),
            "地方规定".into(),
        )]);
        assert!(!cal.is_working_day(date(2026, 3, 20)).unwrap());
        assert!(national().is_working_day(date(2026, 3, 20)).unwrap());
    }
}

#[cfg(test)]
mod provisional_tests;
