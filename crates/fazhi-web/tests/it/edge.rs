//! What the edge refuses or bounds before any handler: open redirects, page
//! numbers, NUL characters, body sizes; the CSP header; an unknown power
//! code; a logged-in user posting the login form.

use crate::helpers::{Client, TestApp, apps, extract_csrf};
use axum::http::{Method, StatusCode};
use fazhi_web::routes::{PAGINATED, ROUTES};

async fn seeded() -> Vec<TestApp> {
    let mut out = Vec::new();
    for t in apps().await {
        fazhi_app::demo::seed_registries(&t.app).await.unwrap();
        out.push(t);
    }
    out
}

const EVIL_NEXT: &[&str] = &[
    "/%09/127.0.0.1:18999/x",
    "/%0d%0a/127.0.0.1:18999/x",
    "%2F%2F127.0.0.1:18999/x",
    "/%5C127.0.0.1:18999/x",
    "/%5C%5C127.0.0.1:18999/x",
    "//127.0.0.1:18999/x",
    "https://127.0.0.1:18999/x",
    "/%252F%252F127.0.0.1",
    "/%E3%80%80/127.0.0.1",
];

#[tokio::test]
async fn the_language_switch_never_redirects_to_another_origin() {
    for t in apps().await {
        let mut c = Client::default();
        for next in EVIL_NEXT {
            for base in ["/lang/en", "/public/script/en", "/public/script/hant"] {
                let r = t.get(&mut c, &format!("{base}?next={next}")).await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{base} {next}");
                let to = r.location();
                assert!(
                    to == "/" || to == "/public",
                    "{base}?next={next} went to {to:?}"
                );
            }
        }
        let r = t.get(&mut c, "/lang/en?next=/cases%3Fq%3D1").await;
        assert_eq!(r.location(), "/cases?q=1");
    }
}

#[tokio::test]
async fn the_login_next_field_never_leaves_the_site_and_never_breaks_the_login() {
    for t in apps().await {
        for next in [
            "/\t/127.0.0.1:18999/x",
            "/ok\r\nSet-Cookie: evil=1",
            "/\\127.0.0.1",
            "//127.0.0.1",
            "/案件",
        ] {
            let mut c = Client::default();
            let page = t.get(&mut c, "/login").await;
            c.csrf = extract_csrf(&page.body);
            let r = t
                .post_form(
                    &mut c,
                    "/login",
                    &[
                        ("username", "dh.officer1"),
                        ("password", fazhi_app::demo::DEMO_PASSWORD),
                        ("next", next),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.body);
            let to = r.location();
            assert!(
                to == "/" || to == "/%E6%A1%88%E4%BB%B6",
                "{next:?} went to {to:?}"
            );
            assert!(
                !r.headers
                    .get_all("set-cookie")
                    .iter()
                    .any(|v| v.to_str().unwrap_or("").contains("evil"))
            );
        }
    }
}

#[tokio::test]
async fn a_logged_in_user_posting_the_login_form_goes_home() {
    for t in apps().await {
        // A login form opened in another tab before logging in there.
        let mut c = Client::default();
        let page = t.get(&mut c, "/login").await;
        let login_csrf = extract_csrf(&page.body);
        let mut tab = c.clone();
        let (user, _) = t
            .login_as(c, "dh.officer1", fazhi_app::demo::DEMO_PASSWORD)
            .await;
        tab.cookies = user.cookies.clone();
        let before = t.event_count().await;
        let r = t
            .post_form(
                &mut tab,
                "/login",
                &[
                    ("csrf", &login_csrf),
                    ("username", "dh.officer1"),
                    ("password", fazhi_app::demo::DEMO_PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), "/");
        assert_eq!(t.event_count().await, before);
    }
}

fn concrete(pattern: &str) -> String {
    pattern
        .replace("{id}", "1")
        .replace("{code}", "en")
        .replace("{sha256}", &"0".repeat(64))
        .replace("{kind}", "decision")
        .replace("{uscc}", "91110000600037341L")
        .replace("{staff_no}", "NOBODY-1")
        .replace("{file}", "powers.json")
        .replace("{script}", "hans")
}

#[tokio::test]
async fn every_paginated_route_clamps_absurd_page_numbers_and_no_get_route_fails_on_one() {
    for t in seeded().await {
        let mut head = t.login_ok("dh.head").await;
        for pattern in PAGINATED {
            assert!(
                ROUTES
                    .iter()
                    .any(|r| r.method == "GET" && r.pattern == *pattern),
                "{pattern} is not a route"
            );
            for page in [
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "0",
                "abc",
                "1e9",
            ] {
                let sep = if pattern.contains('?') { '&' } else { '?' };
                let extra = if *pattern == "/dashboard/figure" {
                    "id=insp.visits&"
                } else {
                    ""
                };
                let uri = format!("{pattern}{sep}{extra}page={page}");
                let r = if pattern.starts_with("/api/") {
                    t.api(&mut head, Method::GET, &uri, None).await
                } else {
                    t.get(&mut head, &uri).await
                };
                assert!(
                    r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
                    "{} {uri}: {} {}",
                    t.backend(),
                    r.status,
                    r.body.chars().take(300).collect::<String>()
                );
            }
        }
        for spec in ROUTES.iter().filter(|r| r.method == "GET") {
            let uri = format!("{}?page=9223372036854775807", concrete(spec.pattern));
            let r = t.get(&mut head, &uri).await;
            assert!(
                !r.status.is_server_error(),
                "{} {uri}: {}",
                t.backend(),
                r.status
            );
        }
    }
}

#[tokio::test]
async fn text_with_a_nul_character_is_refused_naming_the_field_on_both_databases() {
    for t in seeded().await {
        let mut officer = t.login_ok("dh.officer1").await;
        let before = t.event_count().await;
        let r = t
            .api(
                &mut officer,
                Method::POST,
                "/api/v1/cases",
                Some(serde_json::json!({
                    "source": "complaint", "party_kind": "organisation",
                    "party_name": "示范市东湖区测试宾馆", "party_id": "91350100M000100Y43",
                    "domain": "public_places", "power_code": "CF-003",
                    "summary": "无证\u{0}营业", "act_date": "2026-11-01"
                })),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{}: {}",
            t.backend(),
            r.body
        );
        let e = r.json();
        assert_eq!(e["error"]["field"], "summary");
        assert!(
            e["error"]["message_zh"]
                .as_str()
                .unwrap()
                .contains("summary")
        );
        assert!(e["error"]["message_en"].as_str().unwrap().contains("NUL"));
        // The same in a form, a query string and a path.
        let form = t.get(&mut officer, "/cases/new").await;
        officer.csrf = extract_csrf(&form.body);
        let r = t
            .post_form(
                &mut officer,
                "/cases",
                &[
                    ("source", "complaint"),
                    ("party_kind", "organisation"),
                    ("party_name", "示范市东湖区测试宾馆\0"),
                    ("party_id", "91350100M000100Y43"),
                    ("domain", "public_places"),
                    ("power_code", "CF-003"),
                    ("summary", "无证营业"),
                    ("act_date", "2026-11-01"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{}: {}",
            t.backend(),
            r.body
        );
        assert!(r.body.contains("party_name"), "{}", r.body);
        for uri in [
            "/cases?q=%00",
            "/registry/entities?q=a%00b",
            "/registry/entities/%00",
        ] {
            let r = t.get(&mut officer, uri).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{} {uri}", t.backend());
        }
        let r = t
            .api(&mut officer, Method::GET, "/api/v1/cases?q=%00", None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["error"]["field"], "q");
        // A public form too.
        let mut visitor = Client::default();
        let page = t.get(&mut visitor, "/public/complaints/new").await;
        visitor.csrf = extract_csrf(&page.body);
        let agency = crate::requests::agency_of(&t, "dh.head").await;
        let r = t
            .post_form(
                &mut visitor,
                "/public/complaints/new",
                &[
                    ("agency_id", &agency),
                    ("kind", "complaint"),
                    ("subject", "餐馆"),
                    ("content", "后厨\0脏乱"),
                    ("name", "张三"),
                    ("phone", "13912345678"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("content"), "{}", r.body);
        assert_eq!(t.event_count().await, before, "nothing written");
    }
}

#[tokio::test]
async fn bodies_over_their_route_kinds_limit_get_a_bilingual_413() {
    for t in apps().await {
        let mut admin = t.login_ok("dh.admin").await;
        let big_form = format!(
            "csrf={}&name={}",
            admin.csrf,
            "x".repeat(fazhi_web::auth::FORM_BYTES_MAX)
        );
        let r = t
            .send(
                Some(&mut admin),
                Method::POST,
                "/admin/tokens",
                Some("application/x-www-form-urlencoded"),
                big_form,
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.body.contains("请求内容过大"), "{}", r.body);
        let csrf = admin.csrf.clone();
        let big_json = serde_json::json!({"name": "x".repeat(fazhi_web::REQUEST_BODY_BYTES_MAX)});
        let r = t
            .send(
                Some(&mut admin),
                Method::POST,
                "/api/v1/tokens",
                Some("application/json"),
                big_json.to_string(),
                &[("x-csrf-token", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        let e = r.json();
        assert!(e["error"]["message_zh"].as_str().unwrap().contains("过大"));
        assert!(
            e["error"]["message_en"]
                .as_str()
                .unwrap()
                .contains("too large")
        );
        // A long-text form (the report's narratives) has a larger bound.
        let long = "法".repeat(8_000);
        let r = t
            .post_form(
                &mut admin,
                "/report/narrative",
                &[("body", &long), ("part", "1")],
            )
            .await;
        assert_ne!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(!r.status.is_server_error());
        // An anonymous public form is bounded the same way.
        let mut visitor = Client::default();
        let page = t.get(&mut visitor, "/public/complaints/new").await;
        visitor.csrf = extract_csrf(&page.body);
        let content = "投".repeat(fazhi_web::auth::FORM_BYTES_MAX);
        let r = t
            .post_form(
                &mut visitor,
                "/public/complaints/new",
                &[("content", &content)],
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    }
}

#[tokio::test]
async fn every_page_carries_a_content_security_policy_its_markup_complies_with() {
    for t in apps().await {
        let mut c = Client::default();
        for uri in [
            "/login",
            "/public",
            "/api/docs/",
            "/api/openapi.json",
            "/transparency",
        ] {
            let r = t.get(&mut c, uri).await;
            let csp = r
                .headers
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{uri}: no CSP"));
            assert!(csp.contains("default-src 'self'"), "{uri}: {csp}");
            assert!(csp.contains("script-src 'self'"), "{uri}: {csp}");
            assert!(!csp.contains("unsafe-eval"), "{uri}: {csp}");
            // The policy forbids inline scripts: no page may have one.
            let mut rest = r.body.as_str();
            while let Some(at) = rest.find("<script") {
                let tag = &rest[at..rest[at..].find('>').map_or(rest.len(), |e| at + e)];
                assert!(tag.contains("src="), "{uri}: inline script {tag}");
                rest = &rest[at + 7..];
            }
        }
        let mut admin = t.login_ok("dh.admin").await;
        let r = t.get(&mut admin, "/").await;
        assert!(r.headers.contains_key("content-security-policy"));
        // Every template: scripts only from files, no event-handler attributes.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("<script") {
                let tag = &text[i..text[i..].find('>').map_or(text.len(), |e| i + e)];
                assert!(tag.contains("src="), "{}: {tag}", path.display());
            }
            for attr in [
                " onclick=",
                " onload=",
                " onerror=",
                " onsubmit=",
                " onchange=",
                "javascript:",
            ] {
                assert!(!text.contains(attr), "{}: {attr}", path.display());
            }
        }
    }
}

#[tokio::test]
async fn a_case_with_an_unknown_power_code_is_refused_naming_the_field() {
    for t in seeded().await {
        let mut officer = t.login_ok("dh.officer1").await;
        let before = t.event_count().await;
        let r = t
            .api(
                &mut officer,
                Method::POST,
                "/api/v1/cases",
                Some(serde_json::json!({
                    "source": "complaint", "party_kind": "organisation",
                    "party_name": "示范市东湖区测试宾馆", "party_id": "91350100M000100Y43",
                    "domain": "public_places", "power_code": "NOPE-999",
                    "summary": "无证营业", "act_date": "2026-11-01"
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let e = r.json();
        assert_eq!(e["error"]["field"], "power_code");
        assert!(
            e["error"]["message_zh"]
                .as_str()
                .unwrap()
                .contains("NOPE-999")
        );
        assert!(e["error"]["message_en"].as_str().unwrap().contains("power"));
        assert_eq!(t.event_count().await, before);
        // The summary procedure too.
        let form = t.get(&mut officer, "/cases/summary/new").await;
        officer.csrf = extract_csrf(&form.body);
        let second = t.user_id("dh.officer2").await.to_string();
        let r = t
            .post_form(
                &mut officer,
                "/cases/summary",
                &[
                    ("party_kind", "organisation"),
                    ("party_name", "示范市东湖区测试宾馆"),
                    ("party_id", "91350100M000100Y43"),
                    ("domain", "public_places"),
                    ("power_code", "NOPE-999"),
                    ("summary", "未悬挂卫生许可证"),
                    ("legal_basis", "《公共场所卫生管理条例实施细则》第三十六条"),
                    ("second_officer", &second),
                    ("warning", "on"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("NOPE-999"), "{}", r.body);
        assert_eq!(t.event_count().await, before);
    }
}
