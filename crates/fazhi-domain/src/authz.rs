//! 权限 — who may do what, and where.
//!
//! Two questions, both answered here and nowhere else:
//! 1. may this role perform this action at all (the role × action table);
//! 2. is the target inside the actor's agency subtree (scope).
//!
//! The table is an exhaustive `match`: a new role or action does not compile
//! until every combination is decided.

use crate::agency::AgencyPath;
use crate::role::Role;
use serde::Serialize;

/// Everything a route or use case can ask permission for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the agency home page with its counts.
    ViewHome,
    /// See agencies of the scope.
    ViewAgencies,
    /// Create agencies below one's own.
    ManageAgencies,
    /// See user accounts of the scope.
    ViewUsers,
    /// Create accounts, enable and disable them.
    ManageUsers,
    /// Create and revoke API bearer tokens.
    ManageApiTokens,
    /// Read the action log (执法全过程记录) of the scope.
    ViewActionLog,
    /// Upload evidence (photos, recorder video, scans) for a record.
    AddEvidence,
    /// Download evidence of the scope.
    ViewEvidence,
    /// See the registries (officers, entities) of the scope.
    ViewRegistry,
    /// Import and edit registry records.
    ManageRegistry,
    /// Read the rules of law, the calendar and compute deadlines.
    ViewLaw,
    /// See penalty cases of the scope.
    ViewCases,
    /// Open cases and take case steps (the case machine then checks who may do which step).
    HandleCases,
    /// Make random-inspection plans and run their draws.
    PlanInspections,
    /// Carry out inspections: record results, arrange ad hoc inspections.
    Inspect,
    /// Read the entities' anonymous ratings of inspections (supervisors only).
    ViewRatings,
    /// Manage public notices (双公示): register permit decisions, publish, withdraw, record replies and credit repair.
    ManageNotices,
    /// Take a notice down early after credit repair (信用修复): a head's decision,
    /// because it ends a publicity period the credit rules set.
    RepairCredit,
    /// See complaints, reports and disclosure requests of the scope.
    ViewRequests,
    /// Handle them: intake, assignment, replies (the request machine checks who may extend).
    HandleRequests,
    /// See the indicators dashboard and drill down to the records of a figure.
    ViewStatistics,
    /// Write the narrative of the annual rule-of-law report (法治政府建设年度报告).
    EditReport,
}

impl Action {
    pub const ALL: [Action; 23] = [
        Action::ViewHome,
        Action::ViewAgencies,
        Action::ManageAgencies,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ManageApiTokens,
        Action::ViewActionLog,
        Action::AddEvidence,
        Action::ViewEvidence,
        Action::ViewRegistry,
        Action::ManageRegistry,
        Action::ViewLaw,
        Action::ViewCases,
        Action::HandleCases,
        Action::PlanInspections,
        Action::Inspect,
        Action::ViewRatings,
        Action::ManageNotices,
        Action::RepairCredit,
        Action::ViewRequests,
        Action::HandleRequests,
        Action::ViewStatistics,
        Action::EditReport,
    ];
}

/// The party asking: its role and where it sits in the agency tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub agency_id: i64,
    pub agency_path: AgencyPath,
}

/// Why a request was refused. Messages are bilingual and name the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("您的角色（{role_zh}）无权执行此操作 / your role ({role_en}) may not do this")]
    Role {
        role_zh: &'static str,
        role_en: &'static str,
        action: Action,
    },
    #[error("该记录不在您所属机构的管辖范围内 / this record is outside your agency's scope")]
    Scope,
}

/// The role × action table.
pub fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::SystemAdmin => true,
        Role::AgencyHead | Role::SectionHead => match action {
            ViewHome | ViewAgencies | ViewUsers | ViewActionLog | AddEvidence | ViewEvidence
            | ViewRegistry | ManageRegistry | ViewLaw | ViewCases | HandleCases
            | PlanInspections | Inspect | ViewRatings | ManageNotices | RepairCredit
            | ViewRequests | HandleRequests | ViewStatistics | EditReport => true,
            ManageAgencies | ManageUsers | ManageApiTokens => false,
        },
        Role::Officer => match action {
            ViewHome | ViewAgencies | ViewActionLog | AddEvidence | ViewEvidence | ViewRegistry
            | ViewLaw | ViewCases | HandleCases | Inspect | ManageNotices | ViewRequests
            | HandleRequests => true,
            ViewUsers | ManageAgencies | ManageUsers | ManageApiTokens | ManageRegistry
            | PlanInspections | ViewRatings | ViewStatistics | EditReport | RepairCredit => false,
        },
        // Reviewers review cases (the case machine lets them do nothing else);
        // advisers and read-only users read. None collects evidence.
        // The legal section (法制机构) drafts the annual report with the heads.
        Role::LegalReviewer => match action {
            ViewHome | ViewAgencies | ViewActionLog | ViewEvidence | ViewRegistry | ViewLaw
            | ViewCases | HandleCases | ViewRequests | ViewStatistics | EditReport => true,
            ViewUsers | ManageAgencies | ManageUsers | ManageApiTokens | AddEvidence
            | ManageRegistry | PlanInspections | Inspect | ViewRatings | ManageNotices
            | RepairCredit | HandleRequests => false,
        },
        Role::LegalAdviser => match action {
            ViewHome | ViewAgencies | ViewActionLog | ViewEvidence | ViewRegistry | ViewLaw
            | ViewCases | ViewRequests | ViewStatistics | EditReport => true,
            ViewUsers | ManageAgencies | ManageUsers | ManageApiTokens | AddEvidence
            | ManageRegistry | HandleCases | PlanInspections | Inspect | ViewRatings
            | ManageNotices | RepairCredit | HandleRequests => false,
        },
        Role::ReadOnly => match action {
            ViewHome | ViewAgencies | ViewActionLog | ViewEvidence | ViewRegistry | ViewLaw
            | ViewCases | ViewStatistics | ViewRequests => true,
            ViewUsers | ManageAgencies | ManageUsers | ManageApiTokens | AddEvidence
            | ManageRegistry | HandleCases | PlanInspections | Inspect | ViewRatings
            | EditReport | ManageNotices | RepairCredit | HandleRequests => false,
        },
    }
}

/// Decide one request. `target` is the agency that owns the record acted on,
/// or `None` for actions on the actor's own scope as a whole.
pub fn authorize(actor: &Actor, action: Action, target: Option<&AgencyPath>) -> Result<(), Denied> {
    if !role_allows(actor.role, action) {
        return Err(Denied::Role {
            role_zh: actor.role.name_zh(),
            role_en: actor.role.name_en(),
            action,
        });
    }
    match target {
        Some(path) if !actor.agency_path.covers(path) => Err(Denied::Scope),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, path: AgencyPath) -> Actor {
        Actor {
            user_id: 1,
            role,
            agency_id: 0,
            agency_path: path,
        }
    }

    #[test]
    fn only_heads_and_the_system_admin_take_notices_down_after_credit_repair() {
        for role in Role::ALL {
            assert_eq!(
                role_allows(role, Action::RepairCredit),
                matches!(
                    role,
                    Role::SystemAdmin | Role::AgencyHead | Role::SectionHead
                ),
                "{role:?}"
            );
        }
    }

    #[test]
    fn only_system_admin_manages_users_agencies_and_tokens() {
        for role in Role::ALL {
            for action in [
                Action::ManageUsers,
                Action::ManageAgencies,
                Action::ManageApiTokens,
            ] {
                assert_eq!(
                    role_allows(role, action),
                    role == Role::SystemAdmin,
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn every_role_sees_its_home_page() {
        for role in Role::ALL {
            assert!(role_allows(role, Action::ViewHome));
        }
    }

    #[test]
    fn a_district_admin_is_refused_a_record_of_another_district() {
        let city = AgencyPath::root(1).child(2);
        let a = actor(Role::SystemAdmin, city.child(3));
        assert_eq!(
            authorize(&a, Action::ManageUsers, Some(&city.child(4))),
            Err(Denied::Scope)
        );
        assert_eq!(
            authorize(&a, Action::ManageUsers, Some(&city.child(3))),
            Ok(())
        );
    }

    #[test]
    fn a_city_user_may_act_on_its_districts() {
        let city = AgencyPath::root(1).child(2);
        let a = actor(Role::AgencyHead, city.clone());
        assert_eq!(
            authorize(&a, Action::ViewUsers, Some(&city.child(7))),
            Ok(())
        );
    }
}
