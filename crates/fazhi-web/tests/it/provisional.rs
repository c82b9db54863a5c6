//! Deadlines into a year without a loaded holiday schedule over HTTP, on both
//! backends: the receipt and the tracking page mark the date 暂定 with the
//! reason; the system administrator is warned and imports the schedule
//! through the web, which recomputes and logs the moved date.

use crate::helpers::{Client, TestApp, apps, extract_csrf};
use axum::http::{Method, StatusCode};

/// 10:00 Beijing time on Monday 7 December 2026.
const MON_7_DEC_2026: i64 = 1_796_608_800_000_000;
const BOUNDARY: &str = "----fazhi-holidays-boundary";

/// A made-up 2027 schedule whose 元旦 runs to Monday 4 January.
const Y2027_LONG_NEW_YEAR: &str = "[[year]]\nyear = 2027\nnotice = \"测试用安排（非真实通知）\"\nholidays = [ { from = \"2027-01-01\", to = \"2027-01-04\", festival = \"元旦\" } ]\nworkdays = []\n";

fn tracking_of(html: &str) -> String {
    let marker = "<code id=\"tracking\">";
    let start = html.find(marker).expect("tracking number shown") + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

async fn upload(t: &TestApp, client: &mut Client, toml: &str, csrf: &str) -> crate::helpers::Resp {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"2027.toml\"\r\nContent-Type: text/plain\r\n\r\n{toml}\r\n--{BOUNDARY}--\r\n"
    );
    t.send(
        Some(client),
        Method::POST,
        &format!("/admin/holidays/import?csrf={csrf}"),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        body,
        &[],
    )
    .await
}

async fn file_disclosure(t: &TestApp, visitor: &mut Client) -> String {
    let agency = fazhi_store::users::credentials_by_username(&t.app.db, "dh.head")
        .await
        .unwrap()
        .unwrap()
        .user
        .agency_id
        .to_string();
    let form = t.get(visitor, "/public/disclosure/new").await;
    visitor.csrf = extract_csrf(&form.body);
    let done = t
        .post_form(
            visitor,
            "/public/disclosure/new",
            &[
                ("agency_id", &agency),
                ("subject", "申请公开2026年抽查结果"),
                ("content", "2026年公共场所双随机抽查结果"),
                ("name", "王五"),
                ("phone", "13912345678"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // 20 working days from Mon 7 Dec 2026 on the provisional 2027 calendar.
    assert!(
        done.body.contains("<b>2027-01-05</b>"),
        "receipt shows the date: {}",
        done.body
    );
    assert!(
        done.body.contains("id=\"due-provisional\">暂定<"),
        "{}",
        done.body
    );
    assert!(done.body.contains("id=\"due-provisional-why\""));
    assert!(done.body.contains("全国年节及纪念日放假办法"));
    tracking_of(&done.body)
}

#[tokio::test]
async fn a_disclosure_request_filed_on_7_december_2026_shows_a_provisional_answer_date() {
    for t in apps().await {
        t.clock
            .advance_s((MON_7_DEC_2026 - crate::helpers::NOW_US) / 1_000_000);
        let mut visitor = Client::default();
        let tracking = file_disclosure(&t, &mut visitor).await;
        let status = t
            .post_form(&mut visitor, "/public/track", &[("tracking", &tracking)])
            .await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        assert!(
            status.body.contains("id=\"status-due\">2027-01-05"),
            "{}",
            status.body
        );
        assert!(status.body.contains("id=\"status-due-provisional\">暂定<"));
        assert!(status.body.contains("id=\"status-due-provisional-why\""));
        // The same in English.
        visitor
            .cookies
            .push(("fazhi_lang".to_owned(), "en".to_owned()));
        let status = t
            .post_form(&mut visitor, "/public/track", &[("tracking", &tracking)])
            .await;
        assert!(status.body.contains(">provisional<"), "{}", status.body);
        assert!(status.body.contains("without make-up workdays"));
        // Staff see the mark and the reason in the list and on the request page.
        let mut head = t.login_ok("dh.head").await;
        let list = t.get(&mut head, "/requests").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert!(
            list.body.contains("id=\"provisional-why\""),
            "{}",
            list.body
        );
        let events = fazhi_store::events::range(&t.app.db, 1, 100_000)
            .await
            .unwrap();
        let id = events
            .iter()
            .rev()
            .find(|e| e.kind == "request.submitted")
            .unwrap()
            .subject
            .trim_start_matches("request:")
            .to_owned();
        let page = t.get(&mut head, &format!("/requests/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("id=\"due-provisional\""),
            "{}",
            page.body
        );
        assert!(page.body.contains("id=\"due-provisional-why\""));
        // The deadline API carries the mark as a field.
        let api = t
            .get(
                &mut head,
                "/api/v1/deadlines?rule=ogi_reply_20_plus_20&from=2026-12-07",
            )
            .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.body);
        let j = api.json();
        assert_eq!(j["due"], "2027-01-05");
        assert_eq!(j["provisional"], true);
        assert_eq!(j["provisional_years"], serde_json::json!([2027]));
    }
}

#[tokio::test]
async fn the_system_admin_is_warned_and_imports_the_schedule_through_the_web_which_recomputes_and_logs()
 {
    for t in apps().await {
        t.clock
            .advance_s((MON_7_DEC_2026 - crate::helpers::NOW_US) / 1_000_000);
        let mut visitor = Client::default();
        let tracking = file_disclosure(&t, &mut visitor).await;

        // Home: the system administrator is warned, a head is not.
        let mut admin = t.login_ok("dh.admin").await;
        let home = t.get(&mut admin, "/").await;
        assert!(
            home.body.contains("id=\"holidays-missing\""),
            "{}",
            home.body
        );
        assert!(home.body.contains("href=\"/admin/holidays\""));
        let mut head = t.login_ok("dh.head").await;
        assert!(
            !t.get(&mut head, "/")
                .await
                .body
                .contains("holidays-missing")
        );

        // Only the system administrator may import, and only with the CSRF token.
        let csrf = head.csrf.clone();
        let refused = upload(&t, &mut head, Y2027_LONG_NEW_YEAR, &csrf).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let before = t.event_count().await;
        let forged = upload(&t, &mut admin, Y2027_LONG_NEW_YEAR, "forged").await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // A bad file is refused naming its line, and changes nothing.
        let csrf = admin.csrf.clone();
        let bad = upload(
            &t,
            &mut admin,
            &Y2027_LONG_NEW_YEAR.replace("2027-01-04", "2027-02-30"),
            &csrf,
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("2027-02-30"), "{}", bad.body);
        assert_eq!(t.event_count().await, before);

        let page = t.get(&mut admin, "/admin/holidays").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("id=\"holidays-missing\""));
        let ok = upload(&t, &mut admin, Y2027_LONG_NEW_YEAR, &csrf).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert!(ok.body.contains("id=\"import-outcome\""), "{}", ok.body);
        assert!(!ok.body.contains("id=\"holidays-missing\""));
        // The import and the one moved date: two events.
        assert_eq!(t.event_count().await, before + 2);
        let events = fazhi_store::events::range(&t.app.db, before + 1, 10)
            .await
            .unwrap();
        let moved = events
            .iter()
            .find(|e| e.kind == "deadline.recomputed")
            .expect("the moved date is logged");
        assert!(moved.payload_json.contains("\"from\":\"2027-01-05\""));
        assert!(moved.payload_json.contains("\"to\":\"2027-01-06\""));
        assert!(
            !t.get(&mut admin, "/")
                .await
                .body
                .contains("holidays-missing")
        );

        // The public page shows the new date, no longer provisional, and the change.
        let status = t
            .post_form(&mut visitor, "/public/track", &[("tracking", &tracking)])
            .await;
        assert!(
            status.body.contains("id=\"status-due\">2027-01-06"),
            "{}",
            status.body
        );
        assert!(!status.body.contains("status-due-provisional"));
        assert!(status.body.contains("id=\"status-due-changed\""));
        assert!(status.body.contains("2027-01-05"));
    }
}
