//! Bad input gets a clear bilingual error, the right status, no state change, never a 500.

use crate::helpers::{Client, apps, extract_csrf};
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_message_and_no_session() {
    for t in apps().await {
        let before = t.event_count().await;
        let (client, resp) = t.login("dh.officer1", "not-the-password").await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
        assert!(resp.body.contains("用户名或密码错误"), "{}", resp.body);
        assert!(!client.cookies.iter().any(|(k, _)| k == "fazhi_session"));
        assert_eq!(t.event_count().await, before);
        let (_, unknown) = t.login("nobody", "whatever-password").await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn the_sixth_failed_login_within_fifteen_minutes_is_throttled() {
    for t in apps().await {
        for _ in 0..5 {
            let (_, r) = t.login("dh.reviewer", "wrong-password").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let (_, r) = t.login("dh.reviewer", fazhi_app::demo::DEMO_PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        assert!(r.body.contains("登录失败次数过多"));
        t.clock.advance_s(16 * 60);
        let (_, r) = t.login("dh.reviewer", fazhi_app::demo::DEMO_PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    for t in apps().await {
        let mut admin = t.login_ok("dh.admin").await;
        let before = t.event_count().await;
        let r = t
            .post_form(
                &mut admin,
                "/admin/tokens",
                &[("csrf", "forged"), ("name", "evil")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("CSRF"), "{}", r.body);
        let r = t
            .send(
                Some(&mut admin),
                Method::POST,
                "/api/v1/tokens",
                Some("application/json"),
                r#"{"name":"evil"}"#.into(),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.json()["error"]["code"], "csrf_failed");
        assert_eq!(t.event_count().await, before);
        // A cross-site Origin is refused even with the right token.
        let csrf = admin.csrf.clone();
        let body = format!("csrf={csrf}&name=x");
        let r = t
            .send(
                Some(&mut admin),
                Method::POST,
                "/admin/tokens",
                Some("application/x-www-form-urlencoded"),
                body,
                &[("origin", "https://evil.example")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_expired_session_sends_the_user_back_to_login() {
    for t in apps().await {
        let mut officer = t.login_ok("dh.officer1").await;
        assert_eq!(t.get(&mut officer, "/").await.status, StatusCode::OK);
        t.clock.advance_s(t.app.session_ttl_s + 1);
        let r = t.get(&mut officer, "/admin/agencies").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            r.location().starts_with("/login?next=%2Fadmin%2Fagencies")
                || r.location().starts_with("/login?next=/admin/agencies"),
            "{}",
            r.location()
        );
        let r = t.api(&mut officer, Method::GET, "/api/v1/me", None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"]["code"], "unauthenticated");
    }
}

#[tokio::test]
async fn malformed_api_bodies_get_a_bilingual_error_naming_the_problem() {
    for t in apps().await {
        let mut admin = t.login_ok("dh.admin").await;
        let before = t.event_count().await;
        for body in ["{not json", r#"{"username": 5}"#, ""] {
            let csrf = admin.csrf.clone();
            let r = t
                .send(
                    Some(&mut admin),
                    Method::POST,
                    "/api/v1/users",
                    Some("application/json"),
                    body.into(),
                    &[("x-csrf-token", &csrf)],
                )
                .await;
            assert!(r.status.is_client_error(), "{body}: {}", r.status);
            let e = r.json();
            assert_eq!(e["error"]["field"], "body");
            assert!(e["error"]["message_zh"].as_str().unwrap().contains("JSON"));
        }
        let agency = t.user_id("dh.admin").await;
        let agency = fazhi_store::users::get(&t.app.db, agency)
            .await
            .unwrap()
            .unwrap()
            .agency_id;
        let r = t
            .api(&mut admin, Method::POST, "/api/v1/users", Some(serde_json::json!({"username": "ok.name", "display_name": "x", "password": "short", "role": "officer", "agency_id": agency})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "password");
        let r = t
            .api(&mut admin, Method::POST, "/api/v1/users", Some(serde_json::json!({"username": "dh.officer1", "display_name": "x", "password": "long-enough-pw", "role": "officer", "agency_id": agency})))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = t
            .api(
                &mut admin,
                Method::POST,
                "/api/v1/users/abc/active",
                Some(serde_json::json!({"active": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "id");
        let r = t
            .send(
                None,
                Method::GET,
                "/api/v1/me",
                None,
                String::new(),
                &[("authorization", "Bearer fz_wrong")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            t.event_count().await,
            before,
            "no bad request changed anything"
        );
    }
}

#[tokio::test]
async fn a_bearer_token_works_without_csrf_and_stops_working_when_revoked() {
    for t in apps().await {
        let mut admin = t.login_ok("dh.admin").await;
        let created = t
            .api(
                &mut admin,
                Method::POST,
                "/api/v1/tokens",
                Some(serde_json::json!({"name": "ci"})),
            )
            .await
            .json();
        let secret = created["secret"].as_str().unwrap().to_owned();
        let id = created["token"]["id"].as_i64().unwrap();
        let auth = format!("Bearer {secret}");
        let me = t
            .send(
                None,
                Method::GET,
                "/api/v1/me",
                None,
                String::new(),
                &[("authorization", &auth)],
            )
            .await;
        assert_eq!(me.json()["username"], "dh.admin");
        let r = t
            .send(
                None,
                Method::POST,
                "/api/v1/tokens",
                Some("application/json"),
                r#"{"name":"second"}"#.into(),
                &[("authorization", &auth)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let r = t
            .api(
                &mut admin,
                Method::DELETE,
                &format!("/api/v1/tokens/{id}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let me = t
            .send(
                None,
                Method::GET,
                "/api/v1/me",
                None,
                String::new(),
                &[("authorization", &auth)],
            )
            .await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_pages_follow_it() {
    for t in apps().await {
        let mut c = Client::default();
        let zh = t.get(&mut c, "/login").await;
        assert!(zh.body.contains("lang=\"zh-CN\"") && zh.body.contains("登录"));
        let r = t.get(&mut c, "/lang/en?next=/login").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/login");
        let en = t.get(&mut c, "/login").await;
        assert!(
            en.body.contains("lang=\"en\"") && en.body.contains("Log in"),
            "{}",
            en.body
        );
        let r = t.get(&mut c, "/lang/en?next=https://evil.example").await;
        assert_eq!(r.location(), "/");
        let _ = extract_csrf(&en.body);
    }
}
