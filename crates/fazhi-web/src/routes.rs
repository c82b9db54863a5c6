//! Every route with the action it requires: the single list the
//! route × role test walks. Adding a route without listing it here leaves it
//! untested, and the OpenAPI comparison test catches unlisted API routes.

use fazhi_domain::authz::Action;

#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    /// The route pattern as registered (`{id}` for parameters).
    pub pattern: &'static str,
    /// `None`: public (no login needed). `Some(a)`: a logged-in user whose role allows `a`.
    pub action: Option<Action>,
}

const fn r(method: &'static str, pattern: &'static str, action: Option<Action>) -> RouteSpec {
    RouteSpec {
        method,
        pattern,
        action,
    }
}

#[rustfmt::skip]
pub const ROUTES: &[RouteSpec] = &[
    r("GET", "/healthz", None),
    r("GET", "/static/app.css", None),
    r("GET", "/lang/{code}", None),
    r("GET", "/login", None),
    r("POST", "/login", None),
    r("POST", "/logout", None),
    r("GET", "/api/openapi.json", None),
    r("GET", "/api/docs/", None),
    r("GET", "/transparency", None),
    r("GET", "/api/v1/log/checkpoints", None),
    r("GET", "/api/v1/log/proof/inclusion", None),
    r("GET", "/api/v1/log/proof/consistency", None),
    r("GET", "/", Some(Action::ViewHome)),
    r("GET", "/log", Some(Action::ViewActionLog)),
    r("GET", "/admin/agencies", Some(Action::ViewAgencies)),
    r("POST", "/admin/agencies", Some(Action::ManageAgencies)),
    r("GET", "/admin/users", Some(Action::ViewUsers)),
    r("POST", "/admin/users", Some(Action::ManageUsers)),
    r("POST", "/admin/users/{id}/active", Some(Action::ManageUsers)),
    r("GET", "/admin/tokens", Some(Action::ManageApiTokens)),
    r("POST", "/admin/tokens", Some(Action::ManageApiTokens)),
    r("POST", "/admin/tokens/{id}/revoke", Some(Action::ManageApiTokens)),
    r("GET", "/registry/entities", Some(Action::ViewRegistry)),
    r("GET", "/registry/entities.csv", Some(Action::ViewRegistry)),
    r("POST", "/registry/entities/import", Some(Action::ManageRegistry)),
    r("GET", "/registry/powers", Some(Action::ViewRegistry)),
    r("POST", "/registry/powers/import", Some(Action::ManageRegistry)),
    r("GET", "/registry/officers", Some(Action::ViewRegistry)),
    r("GET", "/registry/officers.csv", Some(Action::ViewRegistry)),
    r("POST", "/registry/officers/import", Some(Action::ManageRegistry)),
    r("GET", "/registry/officers.xlsx", Some(Action::ViewRegistry)),
    r("GET", "/registry/entities.xlsx", Some(Action::ViewRegistry)),
    r("GET", "/registry/powers.csv", Some(Action::ViewRegistry)),
    r("GET", "/registry/powers.xlsx", Some(Action::ViewRegistry)),
    r("GET", "/registry/entities/{uscc}", Some(Action::ViewRegistry)),
    r("POST", "/registry/entities/{uscc}", Some(Action::ManageRegistry)),
    r("GET", "/registry/officers/{staff_no}", Some(Action::ViewRegistry)),
    r("POST", "/registry/officers/{staff_no}", Some(Action::ManageRegistry)),
    r("GET", "/registry/spot-checks", Some(Action::ViewRegistry)),
    r("GET", "/registry/spot-checks.csv", Some(Action::ViewRegistry)),
    r("GET", "/registry/spot-checks.xlsx", Some(Action::ViewRegistry)),
    r("POST", "/registry/spot-checks/import", Some(Action::ManageRegistry)),
    r("GET", "/registry/recusals", Some(Action::ViewRegistry)),
    r("GET", "/registry/recusals.csv", Some(Action::ViewRegistry)),
    r("GET", "/registry/recusals.xlsx", Some(Action::ViewRegistry)),
    r("POST", "/registry/recusals/import", Some(Action::ManageRegistry)),
    r("GET", "/registry/discretion", Some(Action::ViewRegistry)),
    r("GET", "/registry/discretion.csv", Some(Action::ViewRegistry)),
    r("GET", "/registry/discretion.xlsx", Some(Action::ViewRegistry)),
    r("POST", "/registry/discretion/import", Some(Action::ManageRegistry)),
    r("GET", "/registry/no-penalty", Some(Action::ViewRegistry)),
    r("GET", "/registry/no-penalty.csv", Some(Action::ViewRegistry)),
    r("GET", "/registry/no-penalty.xlsx", Some(Action::ViewRegistry)),
    r("POST", "/registry/no-penalty/import", Some(Action::ManageRegistry)),
    r("GET", "/law", Some(Action::ViewLaw)),
    r("GET", "/law/deadline", Some(Action::ViewLaw)),
    r("GET", "/api/v1/rules", Some(Action::ViewLaw)),
    r("GET", "/api/v1/deadlines", Some(Action::ViewLaw)),
    r("POST", "/api/v1/log/cosignatures", Some(Action::ManageAgencies)),
    r("GET", "/api/v1/me", Some(Action::ViewHome)),
    r("GET", "/api/v1/home", Some(Action::ViewHome)),
    r("GET", "/api/v1/agencies", Some(Action::ViewAgencies)),
    r("POST", "/api/v1/agencies", Some(Action::ManageAgencies)),
    r("GET", "/api/v1/users", Some(Action::ViewUsers)),
    r("POST", "/api/v1/users", Some(Action::ManageUsers)),
    r("POST", "/api/v1/users/{id}/active", Some(Action::ManageUsers)),
    r("GET", "/api/v1/events", Some(Action::ViewActionLog)),
    r("GET", "/api/v1/tokens", Some(Action::ManageApiTokens)),
    r("POST", "/api/v1/tokens", Some(Action::ManageApiTokens)),
    r("DELETE", "/api/v1/tokens/{id}", Some(Action::ManageApiTokens)),
    r("POST", "/api/v1/evidence", Some(Action::AddEvidence)),
    r("GET", "/api/v1/evidence/{sha256}", Some(Action::ViewEvidence)),
];
