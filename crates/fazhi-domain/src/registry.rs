//! 三库 — the registries: supervision domains, officers' credentials,
//! regulated entities. Pure types and derivations; the store keeps the rows.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// 专业 — a supervision domain. Stored as `code()`; imports accept the code or the Chinese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionDomain {
    Medical,
    InfectiousDisease,
    PublicPlaces,
    DrinkingWater,
    School,
    Occupational,
    Radiation,
    Disinfection,
    MaternalChild,
    TraditionalMedicine,
    Blood,
}

impl SupervisionDomain {
    pub const ALL: [SupervisionDomain; 11] = [
        SupervisionDomain::Medical,
        SupervisionDomain::InfectiousDisease,
        SupervisionDomain::PublicPlaces,
        SupervisionDomain::DrinkingWater,
        SupervisionDomain::School,
        SupervisionDomain::Occupational,
        SupervisionDomain::Radiation,
        SupervisionDomain::Disinfection,
        SupervisionDomain::MaternalChild,
        SupervisionDomain::TraditionalMedicine,
        SupervisionDomain::Blood,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SupervisionDomain::Medical => "medical",
            SupervisionDomain::InfectiousDisease => "infectious_disease",
            SupervisionDomain::PublicPlaces => "public_places",
            SupervisionDomain::DrinkingWater => "drinking_water",
            SupervisionDomain::School => "school",
            SupervisionDomain::Occupational => "occupational",
            SupervisionDomain::Radiation => "radiation",
            SupervisionDomain::Disinfection => "disinfection",
            SupervisionDomain::MaternalChild => "maternal_child",
            SupervisionDomain::TraditionalMedicine => "traditional_medicine",
            SupervisionDomain::Blood => "blood",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            SupervisionDomain::Medical => "医疗卫生",
            SupervisionDomain::InfectiousDisease => "传染病防治",
            SupervisionDomain::PublicPlaces => "公共场所卫生",
            SupervisionDomain::DrinkingWater => "生活饮用水卫生",
            SupervisionDomain::School => "学校卫生",
            SupervisionDomain::Occupational => "职业卫生",
            SupervisionDomain::Radiation => "放射卫生",
            SupervisionDomain::Disinfection => "消毒产品",
            SupervisionDomain::MaternalChild => "母婴保健与计划生育",
            SupervisionDomain::TraditionalMedicine => "中医服务",
            SupervisionDomain::Blood => "血液安全",
        }
    }

    /// Accepts the code or the Chinese name (also 医疗机构 for medical).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if t == "医疗机构" {
            return Some(SupervisionDomain::Medical);
        }
        Self::ALL
            .into_iter()
            .find(|d| d.code() == t || d.name_zh() == t)
    }

    /// A list separated by `;`, `；`, `、`, `,` or `，`; empty items ignored; no duplicates.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, String> {
        let mut out = Vec::new();
        for item in text
            .split([';', '；', '、', ',', '，', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let d = Self::parse(item).ok_or_else(|| item.to_owned())?;
            if !out.contains(&d) {
                out.push(d);
            }
        }
        out.sort();
        Ok(out)
    }

    pub fn join_codes(list: &[Self]) -> String {
        list.iter().map(|d| d.code()).collect::<Vec<_>>().join(",")
    }
}

/// Days before expiry from which a credential shows as "expiring" (a platform
/// setting so officers renew in time; not a statutory period).
pub const CREDENTIAL_EXPIRING_DAYS: i64 = 30;

/// Derived state of an enforcement credential (执法证) on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    /// 有效
    Valid,
    /// 即将到期 (within `CREDENTIAL_EXPIRING_DAYS`) — still valid for enforcement.
    Expiring,
    /// 已过期 or not yet valid — may not act.
    Expired,
    /// 年审逾期: valid dates, but the annual review of last year was not passed — may not act.
    ReviewOverdue,
}

impl CredentialStatus {
    pub fn code(self) -> &'static str {
        match self {
            CredentialStatus::Valid => "valid",
            CredentialStatus::Expiring => "expiring",
            CredentialStatus::Expired => "expired",
            CredentialStatus::ReviewOverdue => "review_overdue",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            CredentialStatus::Valid => "有效",
            CredentialStatus::Expiring => "即将到期",
            CredentialStatus::Expired => "已过期",
            CredentialStatus::ReviewOverdue => "年审逾期",
        }
    }
    /// Whether the holder may be assigned to enforcement acts (the gate later procedures use).
    pub fn may_enforce(self) -> bool {
        match self {
            CredentialStatus::Valid | CredentialStatus::Expiring => true,
            CredentialStatus::Expired | CredentialStatus::ReviewOverdue => false,
        }
    }
}

/// Status of a credential valid `[valid_from, valid_to]` (both inclusive) whose
/// last passed annual review covered `last_review_year`, on `today`.
/// The annual review of year Y is due by the end of Y + 1's first quarter.
pub fn credential_status(
    valid_from: Date,
    valid_to: Date,
    last_review_year: Option<i16>,
    today: Date,
) -> CredentialStatus {
    if today < valid_from || today > valid_to {
        return CredentialStatus::Expired;
    }
    let issued_year = valid_from.year();
    // Reviews are owed for every full year since issue; the latest owed is last year's.
    let owed_year = today.year() - 1;
    let grace_over = Date::new(today.year(), 3, 31).is_ok_and(|end_of_q1| today > end_of_q1);
    if owed_year >= issued_year && grace_over && last_review_year.unwrap_or(i16::MIN) < owed_year {
        return CredentialStatus::ReviewOverdue;
    }
    let days_left = (valid_to - today).get_days();
    if i64::from(days_left) <= CREDENTIAL_EXPIRING_DAYS {
        CredentialStatus::Expiring
    } else {
        CredentialStatus::Valid
    }
}

/// 信用等级 (A best … D worst; provinces may name them differently, the order holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum CreditGrade {
    A,
    B,
    C,
    D,
}

impl CreditGrade {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "A" | "a" | "A级" => Some(CreditGrade::A),
            "B" | "b" | "B级" => Some(CreditGrade::B),
            "C" | "c" | "C级" => Some(CreditGrade::C),
            "D" | "d" | "D级" => Some(CreditGrade::D),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            CreditGrade::A => "A",
            CreditGrade::B => "B",
            CreditGrade::C => "C",
            CreditGrade::D => "D",
        }
    }
}

/// 风险等级
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "low" | "低" | "低风险" => Some(RiskLevel::Low),
            "medium" | "中" | "中风险" => Some(RiskLevel::Medium),
            "high" | "高" | "高风险" => Some(RiskLevel::High),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            RiskLevel::Low => "低风险",
            RiskLevel::Medium => "中风险",
            RiskLevel::High => "高风险",
        }
    }
}

/// 经营状态
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityStatus {
    Operating,
    Suspended,
    Closed,
}

impl EntityStatus {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "operating" | "在营" | "营业" | "正常" => Some(EntityStatus::Operating),
            "suspended" | "停业" | "歇业" => Some(EntityStatus::Suspended),
            "closed" | "注销" | "关闭" | "吊销" => Some(EntityStatus::Closed),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            EntityStatus::Operating => "operating",
            EntityStatus::Suspended => "suspended",
            EntityStatus::Closed => "closed",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            EntityStatus::Operating => "在营",
            EntityStatus::Suspended => "停业",
            EntityStatus::Closed => "注销",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn domains_parse_from_codes_and_chinese_names() {
        assert_eq!(
            SupervisionDomain::parse("公共场所卫生"),
            Some(SupervisionDomain::PublicPlaces)
        );
        assert_eq!(
            SupervisionDomain::parse("医疗机构"),
            Some(SupervisionDomain::Medical)
        );
        assert_eq!(
            SupervisionDomain::parse_list("职业卫生；放射卫生、职业卫生").unwrap(),
            vec![
                SupervisionDomain::Occupational,
                SupervisionDomain::Radiation
            ]
        );
        assert_eq!(
            SupervisionDomain::parse_list("食品安全").unwrap_err(),
            "食品安全"
        );
    }

    #[test]
    fn credential_status_follows_dates_expiry_window_and_annual_review() {
        let from = date(2024, 1, 10);
        let to = date(2027, 1, 9);
        assert_eq!(
            credential_status(from, to, Some(2025), date(2026, 6, 1)),
            CredentialStatus::Valid
        );
        assert_eq!(
            credential_status(from, to, Some(2025), date(2026, 12, 20)),
            CredentialStatus::Expiring
        );
        assert_eq!(
            credential_status(from, to, Some(2026), date(2027, 1, 9)),
            CredentialStatus::Expiring,
            "the last day is inclusive"
        );
        assert_eq!(
            credential_status(from, to, Some(2026), date(2027, 1, 10)),
            CredentialStatus::Expired
        );
        assert_eq!(
            credential_status(from, to, Some(2024), date(2026, 6, 1)),
            CredentialStatus::ReviewOverdue
        );
        assert_eq!(
            credential_status(from, to, Some(2024), date(2026, 3, 31)),
            CredentialStatus::Valid,
            "grace until 31 March"
        );
        assert_eq!(
            credential_status(from, to, None, date(2024, 12, 1)),
            CredentialStatus::Valid,
            "nothing owed in the first year"
        );
        assert!(!CredentialStatus::ReviewOverdue.may_enforce());
        assert!(CredentialStatus::Expiring.may_enforce());
    }
}

/// 权力类型 of a power-list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum PowerKind {
    Permit,
    Penalty,
    Inspection,
    Coercion,
    Confirmation,
    Other,
}

impl PowerKind {
    pub const ALL: [PowerKind; 6] = [
        PowerKind::Permit,
        PowerKind::Penalty,
        PowerKind::Inspection,
        PowerKind::Coercion,
        PowerKind::Confirmation,
        PowerKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PowerKind::Permit => "permit",
            PowerKind::Penalty => "penalty",
            PowerKind::Inspection => "inspection",
            PowerKind::Coercion => "coercion",
            PowerKind::Confirmation => "confirmation",
            PowerKind::Other => "other",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            PowerKind::Permit => "行政许可",
            PowerKind::Penalty => "行政处罚",
            PowerKind::Inspection => "行政检查",
            PowerKind::Coercion => "行政强制",
            PowerKind::Confirmation => "行政确认",
            PowerKind::Other => "其他行政权力",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL.into_iter().find(|k| {
            k.code() == t || k.name_zh() == t || k.name_zh().trim_start_matches("行政") == t
        })
    }
}

/// 调整类型 of a power-list change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PowerAdjustment {
    Added,
    Changed,
    DelegatedDown,
    Removed,
}

impl PowerAdjustment {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "新增" | "added" => Some(PowerAdjustment::Added),
            "变更" | "调整" | "changed" => Some(PowerAdjustment::Changed),
            "下放" | "delegated_down" => Some(PowerAdjustment::DelegatedDown),
            "取消" | "removed" => Some(PowerAdjustment::Removed),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            PowerAdjustment::Added => "added",
            PowerAdjustment::Changed => "changed",
            PowerAdjustment::DelegatedDown => "delegated_down",
            PowerAdjustment::Removed => "removed",
        }
    }
    /// The item's status after the adjustment: removed and delegated items leave the published list.
    pub fn status_after(self) -> &'static str {
        match self {
            PowerAdjustment::Added | PowerAdjustment::Changed => "published",
            PowerAdjustment::DelegatedDown => "delegated",
            PowerAdjustment::Removed => "removed",
        }
    }
}

/// "行政许可9项，行政处罚157项" — the counts sentence annual reports quote.
pub fn power_counts_sentence(counts: &[(PowerKind, i64)]) -> String {
    counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{}{n}项", k.name_zh()))
        .collect::<Vec<_>>()
        .join("，")
}

#[cfg(test)]
mod power_tests {
    use super::*;

    #[test]
    fn power_kinds_parse_and_the_counts_read_like_the_annual_reports() {
        assert_eq!(PowerKind::parse("处罚"), Some(PowerKind::Penalty));
        assert_eq!(PowerKind::parse("行政许可"), Some(PowerKind::Permit));
        assert_eq!(
            PowerAdjustment::parse("下放").map(PowerAdjustment::status_after),
            Some("delegated")
        );
        assert_eq!(
            power_counts_sentence(&[
                (PowerKind::Permit, 9),
                (PowerKind::Penalty, 157),
                (PowerKind::Coercion, 0)
            ]),
            "行政许可9项，行政处罚157项"
        );
    }
}

/// 情节 — the circumstance a discretion band applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Circumstance {
    Minor,
    Ordinary,
    Serious,
    Grave,
}

impl Circumstance {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "轻微" | "minor" => Some(Circumstance::Minor),
            "一般" | "ordinary" => Some(Circumstance::Ordinary),
            "较重" | "serious" => Some(Circumstance::Serious),
            "严重" | "grave" => Some(Circumstance::Grave),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Circumstance::Minor => "minor",
            Circumstance::Ordinary => "ordinary",
            Circumstance::Serious => "serious",
            Circumstance::Grave => "grave",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Circumstance::Minor => "轻微",
            Circumstance::Ordinary => "一般",
            Circumstance::Serious => "较重",
            Circumstance::Grave => "严重",
        }
    }
}
