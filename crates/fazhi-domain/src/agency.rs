//! 执法主体 — agencies and their tree (province → city → district).
//!
//! Scope is a materialized path: an agency's `path` is its ancestors' ids and
//! its own, `/1/4/9/`. A user whose agency path is a prefix of a record's
//! agency path may see that record; nothing else may (a district never sees
//! another district; a city sees its districts).

use serde::{Deserialize, Serialize};

/// Level of an agency in the administrative tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyLevel {
    /// 省级
    Province,
    /// 市级
    City,
    /// 区县级
    District,
}

impl AgencyLevel {
    pub const ALL: [AgencyLevel; 3] = [
        AgencyLevel::Province,
        AgencyLevel::City,
        AgencyLevel::District,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AgencyLevel::Province => "province",
            AgencyLevel::City => "city",
            AgencyLevel::District => "district",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            AgencyLevel::Province => "省级",
            AgencyLevel::City => "市级",
            AgencyLevel::District => "区县级",
        }
    }
    /// The level a child of this level has; districts have no children.
    pub fn child(self) -> Option<AgencyLevel> {
        match self {
            AgencyLevel::Province => Some(AgencyLevel::City),
            AgencyLevel::City => Some(AgencyLevel::District),
            AgencyLevel::District => None,
        }
    }
}

/// What kind of body the agency is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// 卫生健康委员会 / 卫生健康局
    HealthCommission,
    /// 卫生监督所 / 卫生健康综合执法支队
    SupervisionInstitute,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 2] = [
        AgencyKind::HealthCommission,
        AgencyKind::SupervisionInstitute,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AgencyKind::HealthCommission => "health_commission",
            AgencyKind::SupervisionInstitute => "supervision_institute",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            AgencyKind::HealthCommission => "卫生健康委/局",
            AgencyKind::SupervisionInstitute => "卫生监督所",
        }
    }
}

/// A materialized tree path such as `/1/4/9/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyPath(String);

impl AgencyPath {
    pub fn root(id: i64) -> Self {
        AgencyPath(format!("/{id}/"))
    }
    pub fn child(&self, id: i64) -> Self {
        AgencyPath(format!("{}{id}/", self.0))
    }
    /// The whole tree: for lookups that must cross agencies (an officer's
    /// credential, a recusal relation), never an actor's scope.
    pub fn whole_tree() -> Self {
        AgencyPath("/".to_owned())
    }
    /// Accepts only the form the store writes: `/` then `id/` one or more times.
    pub fn parse(text: &str) -> Option<Self> {
        let inner = text.strip_prefix('/')?.strip_suffix('/')?;
        if inner.is_empty() {
            return None;
        }
        inner
            .split('/')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| AgencyPath(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// True when `other` is this agency or one below it.
    pub fn covers(&self, other: &AgencyPath) -> bool {
        other.0.starts_with(&self.0)
    }
    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }
}

/// Rules for a new agency name: 2–60 characters, no control characters.
pub fn validate_agency_name(name: &str) -> Result<String, &'static str> {
    let trimmed = name.trim();
    let chars = trimmed.chars().count();
    if !(2..=60).contains(&chars) {
        return Err("name_length");
    }
    if trimmed.chars().any(char::is_control) {
        return Err("name_control_chars");
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_city_path_covers_its_districts_but_a_district_does_not_cover_its_sibling() {
        let city = AgencyPath::root(1).child(4);
        let district_a = city.child(9);
        let district_b = city.child(10);
        assert!(city.covers(&district_a));
        assert!(city.covers(&city));
        assert!(!district_a.covers(&district_b));
        assert!(!district_a.covers(&city));
    }

    #[test]
    fn path_prefix_does_not_confuse_agency_1_with_agency_10() {
        let one = AgencyPath::root(1);
        let ten = AgencyPath::root(10);
        assert!(!one.covers(&ten));
    }

    #[test]
    fn agency_path_parse_rejects_malformed_text() {
        assert!(AgencyPath::parse("/1/4/").is_some());
        for bad in ["", "/", "1/4/", "/1/4", "/1//4/", "/a/"] {
            assert!(AgencyPath::parse(bad).is_none(), "{bad}");
        }
    }
}
