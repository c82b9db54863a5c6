//! Login throttling per account and client, safe under concurrency, with
//! `X-Forwarded-For` believed only from trusted proxies; anonymous form posts
//! limited per client.

use crate::helpers::{Client, TestApp, apps, extract_csrf, router_of};
use axum::http::{Method, StatusCode};
use fazhi_app::demo::DEMO_PASSWORD;
use fazhi_web::client::TrustedProxies;

/// A client that has fetched the login form (its CSRF cookie and token).
async fn at_login_form(t: &TestApp, mut client: Client) -> Client {
    let page = t.get(&mut client, "/login").await;
    client.csrf = extract_csrf(&page.body);
    client
}

async fn try_login(t: &TestApp, client: &Client, username: &str, password: &str) -> StatusCode {
    let mut c = client.clone();
    t.post_form(
        &mut c,
        "/login",
        &[
            ("username", username),
            ("password", password),
            ("next", "/"),
        ],
    )
    .await
    .status
}

#[tokio::test]
async fn a_hundred_concurrent_wrong_passwords_check_at_most_the_limit() {
    for t in apps().await {
        let client = at_login_form(&t, Client::from_peer("203.0.113.5:4000")).await;
        let attempts = (0..100).map(|_| try_login(&t, &client, "dh.reviewer", "wrong-password"));
        let statuses = futures_util::future::join_all(attempts).await;
        let checked = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        let throttled = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!(
            checked,
            fazhi_app::throttle::FAILURES_MAX,
            "{} ({statuses:?})",
            t.backend()
        );
        assert_eq!(checked + throttled, 100);
    }
}

#[tokio::test]
async fn failures_from_one_client_never_lock_out_the_correct_login_of_another() {
    for t in apps().await {
        let attacker = at_login_form(&t, Client::from_peer("203.0.113.5:4000")).await;
        for _ in 0..fazhi_app::throttle::FAILURES_MAX {
            assert_eq!(
                try_login(&t, &attacker, "dh.reviewer", "wrong-password").await,
                StatusCode::UNAUTHORIZED
            );
        }
        // The attacker is locked out of the account, even with its password…
        assert_eq!(
            try_login(&t, &attacker, "dh.reviewer", DEMO_PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        // …but the user, from another address, still gets in.
        let user = Client::from_peer("198.51.100.7:5000");
        let (_, r) = t.login_as(user, "dh.reviewer", DEMO_PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            t.backend(),
            r.body
        );
    }
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
    for mut t in apps().await {
        // No trusted proxy: a changing X-Forwarded-For does not escape the limit.
        let attacker = at_login_form(&t, Client::from_peer("203.0.113.5:4000")).await;
        let mut statuses = Vec::new();
        for i in 0..8 {
            let mut c = attacker.clone();
            c.forwarded_for = Some(format!("10.9.8.{i}"));
            statuses.push(try_login(&t, &c, "dh.section", "wrong-password").await);
        }
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::UNAUTHORIZED)
                .count(),
            fazhi_app::throttle::FAILURES_MAX,
            "{statuses:?}"
        );
        // Behind a trusted proxy, the clients it names are told apart: one
        // client's failures do not lock out another behind the same proxy.
        t.router = router_of(&t.app, TrustedProxies::parse("10.0.0.0/8").unwrap());
        let mut behind = at_login_form(&t, Client::from_peer("10.0.0.2:6000")).await;
        behind.forwarded_for = Some("198.51.100.20".into());
        for _ in 0..fazhi_app::throttle::FAILURES_MAX {
            assert_eq!(
                try_login(&t, &behind, "dh.head", "wrong-password").await,
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(
            try_login(&t, &behind, "dh.head", DEMO_PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS
        );
        let mut other = Client::from_peer("10.0.0.2:6001");
        other.forwarded_for = Some("198.51.100.21".into());
        let (_, r) = t.login_as(other, "dh.head", DEMO_PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
}

#[tokio::test]
async fn a_flood_of_complaints_from_one_client_is_refused_with_a_bilingual_429() {
    for t in apps().await {
        let agency = crate::requests::agency_of(&t, "dh.head").await;
        let mut flooder = Client::from_peer("203.0.113.77:7000");
        let page = t.get(&mut flooder, "/public/complaints/new").await;
        flooder.csrf = extract_csrf(&page.body);
        let before = t.event_count().await;
        let fields = [
            ("agency_id", agency.as_str()),
            ("kind", "complaint"),
            ("subject", "餐馆卫生问题"),
            ("content", "后厨环境脏乱，无健康证上岗"),
            ("concerning", "某餐馆"),
            ("name", "张三"),
            ("phone", "13912345678"),
        ];
        let submissions = (0..40).map(|_| {
            let mut c = flooder.clone();
            let t = &t;
            async move {
                t.post_form(&mut c, "/public/complaints/new", &fields)
                    .await
                    .status
            }
        });
        let statuses = futures_util::future::join_all(submissions).await;
        let filed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(
            filed,
            fazhi_app::requests::SUBMITS_PER_CLIENT_MAX,
            "{statuses:?}"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::OK || *s == StatusCode::TOO_MANY_REQUESTS)
        );
        assert_eq!(t.event_count().await, before + filed as i64);
        let r = t
            .post_form(&mut flooder, "/public/complaints/new", &fields)
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("提交过于频繁"), "{}", r.body);
        flooder
            .cookies
            .push(("fazhi_lang".to_owned(), "en".to_owned()));
        let r = t
            .post_form(&mut flooder, "/public/complaints/new", &fields)
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("too many submissions"), "{}", r.body);
        // Another client is not affected.
        let mut citizen = Client::from_peer("198.51.100.8:7000");
        let page = t.get(&mut citizen, "/public/complaints/new").await;
        citizen.csrf = extract_csrf(&page.body);
        let r = t
            .post_form(&mut citizen, "/public/complaints/new", &fields)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

#[tokio::test]
async fn anonymous_posts_of_any_form_are_limited_per_client() {
    for t in apps().await {
        let mut bot = Client::from_peer("203.0.113.88:7000");
        let page = t.get(&mut bot, "/public/track").await;
        bot.csrf = extract_csrf(&page.body);
        for _ in 0..fazhi_app::throttle::ANONYMOUS_POSTS_PER_CLIENT_MAX {
            let status = t
                .post_form(&mut bot, "/check/NOSUCHCODE/rate", &[("stars", "5")])
                .await
                .status;
            assert_ne!(status, StatusCode::TOO_MANY_REQUESTS);
        }
        let r = t
            .post_form(&mut bot, "/check/NOSUCHCODE/rate", &[("stars", "5")])
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        assert!(r.headers.contains_key("retry-after"));
        assert!(r.body.contains("提交过于频繁"), "{}", r.body);
        // A logged-in user's forms are not anonymous posts.
        let (mut officer, _) = t
            .login_as(
                Client::from_peer("203.0.113.88:7001"),
                "dh.officer1",
                DEMO_PASSWORD,
            )
            .await;
        let r = t.api(&mut officer, Method::GET, "/api/v1/me", None).await;
        assert_eq!(r.status, StatusCode::OK);
    }
}
