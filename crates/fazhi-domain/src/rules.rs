//! 法律依据 — the rule registry: every statutory number as versioned data.
//!
//! Rules live in `data/rules/*.toml`: id, title, citation, confidence (V
//! verified / S secondary / M from memory — S and M are shown as unverified),
//! effective dates, jurisdiction (`national` or a province code that overrides
//! it), kind and parameters. A case is pinned to the version in force when its
//! act happened; `versions` lists every version so 从旧兼从轻
//! (《行政处罚法》第三十七条) can show both.

use crate::deadline::{DeadlineRule, Unit};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The embedded rule files, as (file name, text).
pub const NATIONAL_FILES: &[(&str, &str)] = &[
    ("calendar.toml", include_str!("../data/rules/calendar.toml")),
    ("penalty.toml", include_str!("../data/rules/penalty.toml")),
    ("other.toml", include_str!("../data/rules/other.toml")),
    (
        "provinces.toml",
        include_str!("../data/rules/provinces.toml"),
    ),
];

pub const NATIONAL: &str = "national";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Confidence {
    /// Verified against the law text.
    V,
    /// From a secondary source.
    S,
    /// From memory; to be confirmed.
    M,
}

impl Confidence {
    pub fn verified(self) -> bool {
        matches!(self, Confidence::V)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Confidence::V => "已核实",
            Confidence::S => "未核实（二手来源）",
            Confidence::M => "未核实（待确认）",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Deadline,
    Threshold,
    Rate,
    Gate,
    Principle,
}

impl RuleKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            RuleKind::Deadline => "期限",
            RuleKind::Threshold => "数额标准",
            RuleKind::Rate => "比率",
            RuleKind::Gate => "程序要件",
            RuleKind::Principle => "计算规则",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub title_zh: String,
    pub citation: String,
    pub confidence: Confidence,
    pub effective_from: String,
    pub effective_until: Option<String>,
    #[serde(default = "national")]
    pub jurisdiction: String,
    pub kind: RuleKind,
    pub unit: Option<Unit>,
    pub count: Option<u32>,
    pub starts_on: Option<String>,
    #[serde(default)]
    pub roll_forward: bool,
    #[serde(default)]
    pub params: toml::Table,
    /// The file the rule came from (set on load).
    #[serde(default, skip_deserializing)]
    pub source_file: String,
}

fn national() -> String {
    NATIONAL.to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("未知规则“{id}” / unknown rule '{id}'")]
    Unknown { id: String },
    #[error("规则“{id}”在 {date} 没有有效版本 / rule '{id}' has no version in force on {date}")]
    NotInForce { id: String, date: String },
    #[error("规则“{id}”不是期限规则 / rule '{id}' is not a deadline")]
    NotADeadline { id: String },
    #[error("规则“{id}”缺少参数 {param} / rule '{id}' has no parameter {param}")]
    MissingParam { id: String, param: String },
    #[error("规则文件 {file}：{message_zh} / rule file {file}: {message_en}")]
    File {
        file: String,
        message_zh: String,
        message_en: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<Rule>,
}

#[derive(Debug, Clone, Default)]
pub struct RuleRegistry {
    rules: Vec<Rule>,
}

fn file_error(file: &str, zh: String, en: String) -> RuleError {
    RuleError::File {
        file: file.to_owned(),
        message_zh: zh,
        message_en: en,
    }
}

impl Rule {
    pub fn from_date(&self) -> Option<Date> {
        self.effective_from.parse().ok()
    }
    pub fn until_date(&self) -> Option<Date> {
        self.effective_until.as_deref().and_then(|d| d.parse().ok())
    }
    pub fn in_force_on(&self, date: Date) -> bool {
        self.from_date().is_some_and(|f| f <= date) && self.until_date().is_none_or(|u| date <= u)
    }
    pub fn param_i64(&self, name: &str) -> Result<i64, RuleError> {
        self.params
            .get(name)
            .and_then(toml::Value::as_integer)
            .ok_or_else(|| RuleError::MissingParam {
                id: self.id.clone(),
                param: name.to_owned(),
            })
    }
    pub fn param_bool(&self, name: &str) -> Result<bool, RuleError> {
        self.params
            .get(name)
            .and_then(toml::Value::as_bool)
            .ok_or_else(|| RuleError::MissingParam {
                id: self.id.clone(),
                param: name.to_owned(),
            })
    }
    pub fn as_deadline(&self) -> Result<DeadlineRule, RuleError> {
        match (self.kind, self.unit, self.count) {
            (RuleKind::Deadline, Some(unit), Some(count)) => Ok(DeadlineRule {
                id: self.id.clone(),
                title_zh: self.title_zh.clone(),
                unit,
                count,
                starts_on: self.starts_on.clone().unwrap_or_default(),
                roll_forward: self.roll_forward,
                citation: self.citation.clone(),
            }),
            _ => Err(RuleError::NotADeadline {
                id: self.id.clone(),
            }),
        }
    }
}

impl RuleRegistry {
    /// The rules embedded in the binary.
    pub fn national() -> Result<RuleRegistry, RuleError> {
        RuleRegistry::parse_files(NATIONAL_FILES)
    }

    /// Parse and validate rule files; any problem rejects them all.
    pub fn parse_files(files: &[(&str, &str)]) -> Result<RuleRegistry, RuleError> {
        let mut rules: Vec<Rule> = Vec::new();
        for (name, text) in files {
            let parsed: RuleFile = toml::from_str(text).map_err(|e| {
                let line = e.span().map_or(1, |s| {
                    1 + text.as_bytes()[..s.start.min(text.len())]
                        .iter()
                        .filter(|b| **b == b'\n')
                        .count()
                });
                file_error(
                    name,
                    format!("第 {line} 行格式错误：{}", e.message()),
                    format!("line {line}: {}", e.message()),
                )
            })?;
            for mut rule in parsed.rule {
                rule.source_file = (*name).to_owned();
                validate(name, &rule)?;
                for other in rules
                    .iter()
                    .filter(|o| o.id == rule.id && o.jurisdiction == rule.jurisdiction)
                {
                    if overlaps(other, &rule) {
                        return Err(file_error(
                            name,
                            format!(
                                "规则 {} 在 {} 的两个版本有效期重叠",
                                rule.id, rule.jurisdiction
                            ),
                            format!(
                                "rule {} has two versions for {} whose effective periods overlap",
                                rule.id, rule.jurisdiction
                            ),
                        ));
                    }
                }
                rules.push(rule);
            }
        }
        Ok(RuleRegistry { rules })
    }

    pub fn all(&self) -> &[Rule] {
        &self.rules
    }

    /// Every version of `id`, in every jurisdiction, oldest first.
    pub fn versions(&self, id: &str) -> Vec<&Rule> {
        let mut v: Vec<&Rule> = self.rules.iter().filter(|r| r.id == id).collect();
        v.sort_by(|a, b| {
            (a.jurisdiction.as_str(), a.from_date()).cmp(&(b.jurisdiction.as_str(), b.from_date()))
        });
        v
    }

    /// The version in force on `date` in `jurisdiction` (a province code), falling back to the national rule.
    pub fn get(&self, id: &str, jurisdiction: &str, date: Date) -> Result<&Rule, RuleError> {
        if !self.rules.iter().any(|r| r.id == id) {
            return Err(RuleError::Unknown { id: id.to_owned() });
        }
        let in_force = |j: &str| {
            self.rules
                .iter()
                .find(|r| r.id == id && r.jurisdiction == j && r.in_force_on(date))
        };
        in_force(jurisdiction)
            .or_else(|| in_force(NATIONAL))
            .ok_or_else(|| RuleError::NotInForce {
                id: id.to_owned(),
                date: date.to_string(),
            })
    }

    pub fn deadline_rule(
        &self,
        id: &str,
        jurisdiction: &str,
        date: Date,
    ) -> Result<DeadlineRule, RuleError> {
        self.get(id, jurisdiction, date)?.as_deadline()
    }
}

fn overlaps(a: &Rule, b: &Rule) -> bool {
    let (Some(af), Some(bf)) = (a.from_date(), b.from_date()) else {
        return true;
    };
    let a_until = a.until_date().unwrap_or(Date::MAX);
    let b_until = b.until_date().unwrap_or(Date::MAX);
    af <= b_until && bf <= a_until
}

fn validate(file: &str, r: &Rule) -> Result<(), RuleError> {
    let bad = |zh: String, en: String| Err(file_error(file, zh, en));
    if r.id.is_empty()
        || !r
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return bad(
            format!("规则编号“{}”须为小写字母、数字和下划线", r.id),
            format!(
                "rule id '{}' must be lowercase letters, digits and '_'",
                r.id
            ),
        );
    }
    if r.citation.trim().is_empty() {
        return bad(
            format!("规则 {} 缺少法律依据", r.id),
            format!("rule {} has no citation", r.id),
        );
    }
    if r.from_date().is_none() {
        return bad(
            format!("规则 {} 的生效日期“{}”无效", r.id, r.effective_from),
            format!(
                "rule {} has an invalid effective_from '{}'",
                r.id, r.effective_from
            ),
        );
    }
    if let Some(until) = &r.effective_until {
        match r.until_date() {
            Some(u) if r.from_date().is_some_and(|f| f <= u) => {}
            _ => {
                return bad(
                    format!("规则 {} 的失效日期“{until}”无效", r.id),
                    format!("rule {} has an invalid effective_until '{until}'", r.id),
                );
            }
        }
    }
    if r.jurisdiction != NATIONAL
        && !(r.jurisdiction.len() == 6 && r.jurisdiction.bytes().all(|b| b.is_ascii_digit()))
    {
        return bad(
            format!(
                "规则 {} 的适用地域“{}”须为 national 或 6 位行政区划代码",
                r.id, r.jurisdiction
            ),
            format!(
                "rule {} jurisdiction '{}' must be national or a 6-digit code",
                r.id, r.jurisdiction
            ),
        );
    }
    if r.kind == RuleKind::Deadline && (r.unit.is_none() || r.count.is_none_or(|c| c == 0)) {
        return bad(
            format!("期限规则 {} 须有单位和天数", r.id),
            format!("deadline rule {} needs a unit and a count", r.id),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn registry() -> RuleRegistry {
        RuleRegistry::national().unwrap()
    }

    #[test]
    fn the_embedded_rules_load_and_every_rule_has_a_citation_and_a_known_confidence() {
        let r = registry();
        assert!(r.all().len() >= 40, "{}", r.all().len());
        assert!(r.all().iter().all(|x| !x.citation.is_empty()));
    }

    #[test]
    fn hp_decision_deadline_a_case_is_pinned_to_the_version_in_force_when_its_act_happened() {
        let r = registry();
        let old = r
            .get("hp_decision_deadline", NATIONAL, date(2024, 6, 1))
            .unwrap();
        assert_eq!((old.unit, old.count), (Some(Unit::Months), Some(3)));
        let new = r
            .get("hp_decision_deadline", NATIONAL, date(2025, 6, 1))
            .unwrap();
        assert_eq!((new.unit, new.count), (Some(Unit::CalendarDays), Some(90)));
        assert!(
            !new.confidence.verified(),
            "the 2025 rule's deadline is marked unverified"
        );
        assert_eq!(
            r.versions("hp_decision_deadline").len(),
            2,
            "both versions are shown for 从旧兼从轻"
        );
    }

    #[test]
    fn ap_legal_review_a_province_override_applies_there_and_nowhere_else() {
        let r = registry();
        assert!(
            r.get("ap_legal_review", "410000", date(2026, 1, 5))
                .unwrap()
                .param_bool("all_ordinary_procedure")
                .unwrap()
        );
        assert!(
            !r.get("ap_legal_review", "330000", date(2026, 1, 5))
                .unwrap()
                .param_bool("all_ordinary_procedure")
                .unwrap()
        );
    }

    #[test]
    fn unknown_ids_dates_before_a_rule_and_non_deadlines_are_clear_errors() {
        let r = registry();
        assert_eq!(
            r.get("no_such_rule", NATIONAL, date(2026, 1, 1))
                .unwrap_err(),
            RuleError::Unknown {
                id: "no_such_rule".into()
            }
        );
        assert!(matches!(
            r.get("ap_service", NATIONAL, date(2020, 1, 1)),
            Err(RuleError::NotInForce { .. })
        ));
        assert!(matches!(
            r.deadline_rule("ap_summary_threshold", NATIONAL, date(2026, 1, 1)),
            Err(RuleError::NotADeadline { .. })
        ));
    }

    #[test]
    fn bad_rule_files_are_rejected_naming_the_file_and_rule() {
        let overlap = "[[rule]]\nid = \"x\"\ntitle_zh = \"t\"\ncitation = \"c\"\nconfidence = \"V\"\neffective_from = \"2020-01-01\"\nkind = \"gate\"\n\n[[rule]]\nid = \"x\"\ntitle_zh = \"t\"\ncitation = \"c\"\nconfidence = \"V\"\neffective_from = \"2021-01-01\"\nkind = \"gate\"\n";
        let e = RuleRegistry::parse_files(&[("o.toml", overlap)]).unwrap_err();
        assert!(
            e.to_string().contains("o.toml") && e.to_string().contains("overlap"),
            "{e}"
        );
        let no_citation = "[[rule]]\nid = \"y\"\ntitle_zh = \"t\"\ncitation = \"\"\nconfidence = \"V\"\neffective_from = \"2020-01-01\"\nkind = \"gate\"\n";
        assert!(
            RuleRegistry::parse_files(&[("c.toml", no_citation)])
                .unwrap_err()
                .to_string()
                .contains("no citation")
        );
        let bad_date = no_citation
            .replace("citation = \"\"", "citation = \"c\"")
            .replace("2020-01-01", "2020-02-30");
        assert!(
            RuleRegistry::parse_files(&[("d.toml", &bad_date)])
                .unwrap_err()
                .to_string()
                .contains("2020-02-30")
        );
        let garbage = "[[rule]]\nid = 3\n";
        assert!(
            RuleRegistry::parse_files(&[("g.toml", garbage)])
                .unwrap_err()
                .to_string()
                .contains("line 2")
        );
    }
}
