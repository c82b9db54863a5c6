//! 角色 — the roles a user account can hold.
//!
//! Roles are a closed set: authorization (`crate::authz`) matches on them
//! exhaustively, so adding a role forces every policy decision to be revisited.

use serde::{Deserialize, Serialize};

/// A user's role. Stored as its stable `code()` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员 — manages accounts and agencies; does no enforcement.
    SystemAdmin,
    /// 执法人员 — handles inspections and cases; must hold a valid credential.
    Officer,
    /// 法制审核员 — reviews major decisions; never the handler of the same case (办审分离).
    LegalReviewer,
    /// 科室负责人 — approves filings and steps within the section.
    SectionHead,
    /// 机关负责人 — signs decisions, chairs collective discussion.
    AgencyHead,
    /// 法律顾问 / 公职律师 — gives written opinions.
    LegalAdviser,
    /// 只读 — sees figures and records of its scope, changes nothing.
    ReadOnly,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::SystemAdmin,
        Role::Officer,
        Role::LegalReviewer,
        Role::SectionHead,
        Role::AgencyHead,
        Role::LegalAdviser,
        Role::ReadOnly,
    ];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::Officer => "officer",
            Role::LegalReviewer => "legal_reviewer",
            Role::SectionHead => "section_head",
            Role::AgencyHead => "agency_head",
            Role::LegalAdviser => "legal_adviser",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Role::SystemAdmin => "系统管理员",
            Role::Officer => "执法人员",
            Role::LegalReviewer => "法制审核员",
            Role::SectionHead => "科室负责人",
            Role::AgencyHead => "机关负责人",
            Role::LegalAdviser => "法律顾问",
            Role::ReadOnly => "只读用户",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Role::SystemAdmin => "System administrator",
            Role::Officer => "Enforcement officer",
            Role::LegalReviewer => "Legal reviewer",
            Role::SectionHead => "Section head",
            Role::AgencyHead => "Agency head",
            Role::LegalAdviser => "Legal adviser",
            Role::ReadOnly => "Read-only",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_code_parses_back_to_the_same_role() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
