//! Every route × every role: allowed routes are never refused (401/403),
//! refused routes answer 403, public routes need no login.

use crate::helpers::{Client, TestApp, apps};
use axum::http::{Method, StatusCode};
use fazhi_domain::authz::role_allows;
use fazhi_domain::role::Role;
use fazhi_web::routes::{ROUTES, RouteSpec};

/// One demo account of the 东湖 district per role.
const ROLE_ACCOUNTS: &[(Role, &str)] = &[
    (Role::SystemAdmin, "dh.admin"),
    (Role::AgencyHead, "dh.head"),
    (Role::SectionHead, "dh.section"),
    (Role::Officer, "dh.officer1"),
    (Role::LegalReviewer, "dh.reviewer"),
    (Role::LegalAdviser, "dh.adviser"),
    (Role::ReadOnly, "dh.readonly"),
];

async fn call(
    t: &TestApp,
    client: &mut Client,
    spec: &RouteSpec,
    user_id: i64,
    token_id: i64,
    agency_id: i64,
) -> StatusCode {
    let path = spec
        .pattern
        .replace("/users/{id}", &format!("/users/{user_id}"))
        .replace("/tokens/{id}", &format!("/tokens/{token_id}"))
        .replace("{code}", "en")
        .replace("{sha256}", &"0".repeat(64))
        .replace("/cases/{id}", "/cases/999999")
        .replace("/requests/{id}", "/requests/999999")
        .replace("/draws/{id}", "/draws/999999")
        .replace("/plans/{id}", "/plans/999999")
        .replace("/tasks/{id}", "/tasks/999999")
        .replace("/notices/{id}", "/notices/999999")
        .replace("{kind}", "decision")
        .replace("{uscc}", "91110000600037341L")
        .replace("{staff_no}", "NOBODY-1");
    let method = Method::from_bytes(spec.method.as_bytes()).unwrap();
    if path.starts_with("/api/v1/") {
        // Well-shaped bodies with invalid values: an allowed role gets past
        // authorization to validation (422); a refused one gets 403.
        let body = match (spec.method, spec.pattern) {
            ("POST", "/api/v1/agencies") => Some(
                serde_json::json!({"parent_id": agency_id, "name": "", "kind": "", "region_code": ""}),
            ),
            ("POST", "/api/v1/users") => Some(
                serde_json::json!({"username": "", "display_name": "", "password": "", "role": "", "agency_id": agency_id}),
            ),
            ("POST", "/api/v1/users/{id}/active") => Some(serde_json::json!({"active": true})),
            ("POST", "/api/v1/tokens") => Some(serde_json::json!({"name": ""})),
            ("POST", "/api/v1/cases") => Some(serde_json::json!({
                "source": "", "party_kind": "", "party_name": "", "party_id": "", "domain": "", "power_code": "",
                "summary": "", "act_date": ""
            })),
            ("POST", "/api/v1/cases/{id}/steps") => {
                Some(serde_json::json!({"command": "archive", "version": 1}))
            }
            ("POST", "/api/v1/log/cosignatures") => {
                Some(serde_json::json!({"size": 1, "witness_key": "", "line": ""}))
            }
            _ => None,
        };
        return t.api(client, method, &path, body).await.status;
    }
    match spec.method {
        "GET" => t.get(client, &path).await.status,
        "POST" => {
            let fields: &[(&str, &str)] = match spec.pattern {
                "/admin/users/{id}/active" => &[("active", "true")],
                _ => &[],
            };
            t.post_form(client, &path, fields).await.status
        }
        other => panic!("no page route uses {other}"),
    }
}

#[tokio::test]
async fn every_route_allows_exactly_the_roles_the_policy_allows() {
    for t in apps().await {
        let mut admin = t.login_ok("dh.admin").await;
        let created = t
            .api(
                &mut admin,
                Method::POST,
                "/api/v1/tokens",
                Some(serde_json::json!({"name": "matrix"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let token_id = created.json()["token"]["id"].as_i64().unwrap();
        let user_id = t.user_id("dh.officer2").await;
        let district = fazhi_store::users::get(&t.app.db, user_id)
            .await
            .unwrap()
            .unwrap()
            .agency_id;
        let mut checked = 0;
        for (role, username) in ROLE_ACCOUNTS {
            for spec in ROUTES {
                // Logging out ends the session: give that route a fresh client.
                let mut client = t.login_ok(username).await;
                let status = call(&t, &mut client, spec, user_id, token_id, district).await;
                match spec.action {
                    None => assert!(
                        status != StatusCode::FORBIDDEN
                            && status != StatusCode::UNAUTHORIZED
                            && status.as_u16() < 500,
                        "{} {} {} as {role:?}: public route answered {status}",
                        t.backend(),
                        spec.method,
                        spec.pattern
                    ),
                    Some(action) if role_allows(*role, action) => assert!(
                        status != StatusCode::FORBIDDEN
                            && status != StatusCode::UNAUTHORIZED
                            && status.as_u16() < 500,
                        "{} {} {} as {role:?}: allowed but answered {status}",
                        t.backend(),
                        spec.method,
                        spec.pattern
                    ),
                    Some(_) => assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{} {} {} as {role:?}: must be refused",
                        t.backend(),
                        spec.method,
                        spec.pattern
                    ),
                }
                checked += 1;
            }
        }
        assert_eq!(checked, ROUTES.len() * ROLE_ACCOUNTS.len());
    }
}

#[tokio::test]
async fn protected_routes_without_login_redirect_pages_and_refuse_api() {
    for t in apps().await {
        for spec in ROUTES.iter().filter(|s| s.action.is_some()) {
            let mut anonymous = Client::default();
            let status = call(&t, &mut anonymous, spec, 1, 1, 1).await;
            if spec.pattern.starts_with("/api/") {
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "{} {}",
                    spec.method,
                    spec.pattern
                );
            } else if spec.method == "GET" {
                assert_eq!(
                    status,
                    StatusCode::SEE_OTHER,
                    "{} {}",
                    spec.method,
                    spec.pattern
                );
            } else {
                // A form post without a session has no valid CSRF token.
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{} {}",
                    spec.method,
                    spec.pattern
                );
            }
        }
    }
}
