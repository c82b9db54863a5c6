//! Public notices over HTTP: every notice page the public can reach, what a
//! non-public notice looks like from outside (nothing), search in
//! traditional script, and the back office's scope, roles and conflicts.

use crate::helpers::{Client, TestApp, apps};
use axum::http::{Method, StatusCode};
use fazhi_app::notices::{self, NoticeView};
use fazhi_domain::redact::find_personal_identifiers;

async fn seeded() -> Vec<TestApp> {
    let mut out = Vec::new();
    for t in apps().await {
        fazhi_app::demo::seed_registries(&t.app).await.unwrap();
        out.push(t);
    }
    out
}

async fn all_notices(t: &TestApp) -> Vec<NoticeView> {
    let user = fazhi_store::users::credentials_by_username(&t.app.db, "admin")
        .await
        .unwrap()
        .unwrap()
        .user;
    notices::list(&t.app, &fazhi_app::auth::actor_of(&user), "")
        .await
        .unwrap()
}

async fn anonymous(t: &TestApp, uri: &str) -> crate::helpers::Resp {
    let mut client = Client::default();
    t.send(
        Some(&mut client),
        Method::GET,
        uri,
        None,
        String::new(),
        &[],
    )
    .await
}

#[tokio::test]
async fn no_public_route_reveals_a_notice_that_is_not_public_and_public_ones_show_no_personal_identifier()
 {
    for t in seeded().await {
        let all = all_notices(&t).await;
        assert!(all.iter().any(|v| v.public));
        assert!(
            all.iter()
                .any(|v| !v.public && !v.notice.shows_withdrawal())
        );
        // The list, walked page by page, and both exports.
        let mut listed = String::new();
        let mut uri = "/public/notices".to_owned();
        loop {
            let r = anonymous(&t, &uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}");
            listed.push_str(&r.body);
            let Some(i) = r.body.find("rel=\"next\" id=\"next\"") else {
                break;
            };
            let href = r.body[..i].rsplit("href=\"").next().unwrap();
            uri = href.split('"').next().unwrap().replace("&amp;", "&");
        }
        for export in ["/public/data/notices.csv", "/public/data/notices.json"] {
            let r = anonymous(&t, export).await;
            assert_eq!(r.status, StatusCode::OK);
            listed.push_str(&r.body);
        }
        assert!(find_personal_identifiers(&listed).is_empty());
        for v in &all {
            let page = anonymous(&t, &format!("/public/notices/{}", v.row.id)).await;
            let visible = v.public || v.notice.shows_withdrawal();
            if visible {
                assert_eq!(page.status, StatusCode::OK, "{}", v.row.id);
                assert!(page.body.contains(&v.row.number));
                assert!(find_personal_identifiers(&page.body).is_empty());
                if !v.public {
                    // A withdrawal statement, never the withdrawn content.
                    assert!(page.body.contains("id=\"withdrawn\""));
                    assert!(!page.body.contains(&v.row.content), "{}", v.row.id);
                }
            } else {
                assert_eq!(
                    page.status,
                    StatusCode::NOT_FOUND,
                    "{} {}",
                    v.row.id,
                    v.row.state
                );
                assert!(!page.body.contains(&v.row.number));
                assert!(
                    !listed.contains(&format!(">{}<", v.row.number))
                        && !listed.contains(&format!("\"{}\"", v.row.number)),
                    "{} listed while {}",
                    v.row.number,
                    v.row.state
                );
            }
        }
        let junk = anonymous(&t, "/public/notices/99999999").await;
        assert_eq!(junk.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_visitor_finds_a_penalty_notice_with_a_traditional_character_query() {
    for t in seeded().await {
        let all = all_notices(&t).await;
        let v = all
            .iter()
            .find(|v| v.public && v.row.kind == "penalty")
            .unwrap();
        let word = fazhi_text::search_tokens(&v.row.title)
            .split(' ')
            .find(|w| w.chars().count() >= 2)
            .unwrap()
            .to_owned();
        let hant = fazhi_text::to_traditional(&word);
        let uri = format!(
            "/public/notices?q={}&kind=penalty",
            fazhi_web::auth::percent_encode(&hant)
        );
        let r = anonymous(&t, &uri).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains(&format!("id=\"notice-{}\"", v.row.id)),
            "{word}/{hant}"
        );
        let none = anonymous(
            &t,
            "/public/notices?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%A9%9E",
        )
        .await;
        assert!(none.body.contains("id=\"no-notices\""));
        // Search syntax typed by a visitor is text, never query syntax.
        for hostile in [
            "%22",
            "*",
            "NEAR(%E5%8D%AB%20%E7%94%9F)",
            "%27%20OR%201%3D1",
            "a%26b%7Cc%21",
        ] {
            let r = anonymous(&t, &format!("/public/notices?q={hostile}")).await;
            assert_eq!(r.status, StatusCode::OK, "{hostile}: {}", r.body);
        }
    }
}

#[tokio::test]
async fn the_back_office_keeps_notices_in_scope_and_a_stale_step_writes_nothing() {
    for t in seeded().await {
        let all = all_notices(&t).await;
        let pending = all
            .iter()
            .find(|v| {
                v.notice.state == fazhi_domain::notice::NoticeState::Pending
                    && v.row.agency_name.contains("东湖")
            })
            .unwrap();
        let mut readonly = t.login_ok("dh.readonly").await;
        let r = t.get(&mut readonly, "/notices").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let mut other = t.login_ok("xs.officer1").await;
        let r = t
            .get(&mut other, &format!("/notices/{}", pending.row.id))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let mut head = t.login_ok("dh.head").await;
        let list = t.get(&mut head, "/notices?state=pending").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(&pending.row.number));
        let page = t
            .get(&mut head, &format!("/notices/{}", pending.row.id))
            .await;
        assert!(page.body.contains("id=\"publish-form\""));
        let before = t.event_count().await;
        let stale = (pending.row.version - 1).to_string();
        let r = t
            .post_form(
                &mut head,
                &format!("/notices/{}/step", pending.row.id),
                &[("command", "publish"), ("version", &stale)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(t.event_count().await, before);
        let version = pending.row.version.to_string();
        let r = t
            .post_form(
                &mut head,
                &format!("/notices/{}/step", pending.row.id),
                &[("command", "publish"), ("version", &version)],
            )
            .await;
        let expected_ok = pending
            .notice
            .until
            .is_none_or(|u| u > fazhi_app::registry::today_cst(&t.app));
        if expected_ok {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            assert_eq!(t.event_count().await, before + 1);
        } else {
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("公示期限已届满"), "{}", r.body);
            assert_eq!(t.event_count().await, before);
        }
        // The permit form names the field it refuses.
        let r = t
            .post_form(
                &mut head,
                "/notices/new",
                &[
                    ("power_code", "XK-002"),
                    ("number", "东卫公许〔2026〕1号"),
                    ("decided_on", "2026-11-10"),
                    ("party_kind", "organisation"),
                    ("party_name", "示范宾馆"),
                    ("party_code", "not-a-code"),
                    ("domain", "public_places"),
                    ("content", "准予许可"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("统一社会信用代码"), "{}", r.body);
        assert_eq!(
            t.event_count().await,
            before + u64::from(expected_ok) as i64
        );
    }
}
