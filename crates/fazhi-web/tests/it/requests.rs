//! The public's requests over HTTP: the complaint form to the tracking page,
//! bad input naming its field with nothing written, the back-office steps,
//! scope, and a status page that shows nothing personal or internal.

use crate::helpers::{Client, TestApp, apps, extract_csrf};
use axum::http::StatusCode;

const NAME: &str = "欧阳小明";
const PHONE: &str = "13987654321";

/// A visitor opens the form (which sets the CSRF cookie) and sends it.
async fn file(
    t: &TestApp,
    client: &mut Client,
    path: &str,
    fields: &[(&str, &str)],
) -> crate::helpers::Resp {
    let form = t.get(client, path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    client.csrf = extract_csrf(&form.body);
    t.post_form(client, path, fields).await
}

fn tracking_of(html: &str) -> String {
    let marker = "<code id=\"tracking\">";
    let start = html.find(marker).expect("tracking number shown") + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

pub async fn agency_of(t: &TestApp, username: &str) -> String {
    fazhi_store::users::credentials_by_username(&t.app.db, username)
        .await
        .unwrap()
        .unwrap()
        .user
        .agency_id
        .to_string()
}

async fn request_id(t: &TestApp) -> i64 {
    let events = fazhi_store::events::range(&t.app.db, 1, 100_000)
        .await
        .unwrap();
    let last = events
        .iter()
        .rev()
        .find(|e| e.kind == "request.submitted")
        .expect("a submitted request");
    last.subject.trim_start_matches("request:").parse().unwrap()
}

#[tokio::test]
async fn a_visitor_files_a_complaint_sees_its_status_and_staff_accept_and_conclude_it() {
    for t in apps().await {
        let agency = agency_of(&t, "dh.officer1").await;
        let home = t.get(&mut Client::default(), "/public").await;
        for link in [
            "/public/complaints/new",
            "/public/disclosure/new",
            "/public/track",
        ] {
            assert!(home.body.contains(&format!("href=\"{link}\"")), "{link}");
        }
        let mut visitor = Client::default();
        let before = t.event_count().await;
        let done = file(
            &t,
            &mut visitor,
            "/public/complaints/new",
            &[
                ("kind", "complaint"),
                ("agency_id", &agency),
                ("subject", "美容店工具未消毒"),
                ("content", "修眉刀重复使用未消毒。"),
                ("concerning", "某美容店"),
                ("name", NAME),
                ("phone", PHONE),
                ("website", ""),
            ],
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(t.event_count().await, before + 1);
        let tracking = tracking_of(&done.body);
        assert!(tracking.starts_with("TS-"), "{tracking}");
        let status = t
            .post_form(&mut visitor, "/public/track", &[("tracking", &tracking)])
            .await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        assert!(status.body.contains("data-state=\"received\""));
        assert!(status.body.contains("美容店工具未消毒"));
        for secret in [NAME, PHONE, "李执法"] {
            assert!(!status.body.contains(secret), "{secret} on the public page");
        }

        // The back office: the list shows it, the officer accepts and concludes.
        let mut officer = t.login_ok("dh.officer1").await;
        let list = t.get(&mut officer, "/requests").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert!(list.body.contains("美容店工具未消毒") && list.body.contains(NAME));
        let id = request_id(&t).await;
        let page = t.get(&mut officer, &format!("/requests/{id}")).await;
        assert!(page.body.contains(PHONE), "staff see the contact");
        assert!(page.body.contains("id=\"step-accept\""));
        let accepted = t
            .post_form(
                &mut officer,
                &format!("/requests/{id}/steps"),
                &[("command", "accept"), ("version", "1")],
            )
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
        // An unknown outcome names the field; nothing is written.
        let n = t.event_count().await;
        let bad = t
            .post_form(
                &mut officer,
                &format!("/requests/{id}/steps"),
                &[("command", "conclude"), ("version", "2"), ("outcome", "")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("请选择办理结果"), "{}", bad.body);
        assert_eq!(t.event_count().await, n);
        let concluded = t
            .post_form(
                &mut officer,
                &format!("/requests/{id}/steps"),
                &[
                    ("command", "conclude"),
                    ("version", "2"),
                    ("outcome", "substantiated"),
                    ("text", "经查属实，已责令整改。"),
                ],
            )
            .await;
        assert_eq!(
            concluded.status,
            StatusCode::SEE_OTHER,
            "{}",
            concluded.body
        );

        // Another district's officer is refused.
        let mut other = t.login_ok("xs.officer1").await;
        assert_eq!(
            t.get(&mut other, &format!("/requests/{id}")).await.status,
            StatusCode::FORBIDDEN
        );

        // The visitor sees the reply and rates it once.
        let status = t
            .post_form(&mut visitor, "/public/track", &[("tracking", &tracking)])
            .await;
        assert!(status.body.contains("经查属实，已责令整改。"));
        assert!(status.body.contains("id=\"feedback-form\""));
        let rated = t
            .post_form(
                &mut visitor,
                "/public/track/feedback",
                &[
                    ("tracking", &tracking),
                    ("level", "satisfied"),
                    ("comment", ""),
                ],
            )
            .await;
        assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
        assert!(
            rated.body.contains("id=\"thanks\"") && rated.body.contains("id=\"feedback-given\"")
        );
        let stats = t.get(&mut officer, "/requests/stats?year=2026").await;
        assert_eq!(stats.status, StatusCode::OK);
        assert!(
            stats.body.contains("<td class=\"received\">1</td>"),
            "{}",
            stats.body
        );
    }
}

#[tokio::test]
async fn bad_input_shows_the_field_error_in_the_readers_language_and_writes_nothing() {
    for t in apps().await {
        let agency = agency_of(&t, "dh.head").await;
        let mut visitor = Client::default();
        let before = t.event_count().await;
        let r = file(
            &t,
            &mut visitor,
            "/public/disclosure/new",
            &[
                ("agency_id", &agency),
                ("subject", "申请公开抽查结果"),
                ("content", "2025年公共场所抽查结果"),
                ("name", NAME),
                ("phone", "123"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("data-field=\"phone\""), "{}", r.body);
        assert!(r.body.contains("联系电话"), "{}", r.body);
        assert!(
            r.body.contains("申请公开抽查结果"),
            "the form keeps what was typed"
        );
        assert_eq!(t.event_count().await, before);
        // The same in English.
        visitor
            .cookies
            .push(("fazhi_lang".to_owned(), "en".to_owned()));
        let r = t
            .post_form(
                &mut visitor,
                "/public/disclosure/new",
                &[("agency_id", &agency), ("subject", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("enter the subject"), "{}", r.body);
        // Without the CSRF token nothing is accepted.
        let mut stranger = Client::default();
        let r = t
            .post_form(&mut stranger, "/public/complaints/new", &[("subject", "x")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(t.event_count().await, before);
    }
}

#[tokio::test]
async fn a_wrong_tracking_number_reveals_nothing() {
    for t in apps().await {
        let mut visitor = Client::default();
        let page = t.get(&mut visitor, "/public/track").await;
        assert_eq!(page.status, StatusCode::OK);
        visitor.csrf = extract_csrf(&page.body);
        for wrong in ["TS-0123456789abcdef0123", "nonsense", ""] {
            let r = t
                .post_form(&mut visitor, "/public/track", &[("tracking", wrong)])
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{wrong}");
            assert!(r.body.contains("查询码不存在"), "{}", r.body);
            assert!(!r.body.contains("id=\"status\""));
        }
    }
}
