//! Evidence uploads: streamed, content-addressed, recorded with one event.

use crate::helpers::apps;
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn an_officer_uploads_a_recorder_video_and_gets_it_back_by_its_hash() {
    for t in apps().await {
        let mut officer = t.login_ok("dh.officer1").await;
        let before = t.event_count().await;
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let csrf = officer.csrf.clone();
        let uri = "/api/v1/evidence?subject=inspection:7&media_type=video/mp4&file_name=%E6%89%A7%E6%B3%95%E8%AE%B0%E5%BD%95.mp4&device_id=ZFY-01&captured_at=2026-11-23T10:15:00%2B08:00";
        let body = String::from_utf8_lossy(&bytes).into_owned();
        // Bytes that survive a UTF-8 round trip: send them as text, hash what was sent.
        let sent = body.as_bytes().to_vec();
        let r = t
            .send(
                Some(&mut officer),
                Method::POST,
                uri,
                Some("application/octet-stream"),
                body,
                &[("x-csrf-token", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{} {}", t.backend(), r.body);
        let a = r.json();
        let expected = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&sent))
        };
        assert_eq!(a["sha256"], expected.as_str());
        assert_eq!(a["size_bytes"], sent.len());
        assert_eq!(a["file_name"], "执法记录.mp4");
        assert_eq!(t.event_count().await, before + 1);
        let events = t
            .api(&mut officer, Method::GET, "/api/v1/events?limit=1", None)
            .await
            .json();
        assert_eq!(events[0]["kind"], "evidence.added");
        assert_eq!(events[0]["payload"]["sha256"], expected.as_str());
        assert_eq!(events[0]["payload"]["device_id"], "ZFY-01");
        let back = t
            .api(
                &mut officer,
                Method::GET,
                &format!("/api/v1/evidence/{expected}"),
                None,
            )
            .await;
        assert_eq!(back.status, StatusCode::OK);
        assert_eq!(back.body.as_bytes(), sent.as_slice());
        // Another district cannot read it.
        let mut other = t.login_ok("xs.officer1").await;
        let r = t
            .api(
                &mut other,
                Method::GET,
                &format!("/api/v1/evidence/{expected}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_upload_over_the_limit_or_with_bad_metadata_stores_nothing() {
    for mut t in apps().await {
        t.app.evidence.bytes_max = 1000;
        t.router = fazhi_web::router(fazhi_web::AppState {
            app: t.app.clone(),
            secure_cookies: false,
            pdf: None,
            trusted_proxies: Default::default(),
        });
        let mut officer = t.login_ok("dh.officer2").await;
        let before = t.event_count().await;
        let csrf = officer.csrf.clone();
        let r = t
            .send(
                Some(&mut officer),
                Method::POST,
                "/api/v1/evidence?subject=case:1&media_type=image/jpeg&file_name=a.jpg",
                Some("application/octet-stream"),
                "x".repeat(5000),
                &[("x-csrf-token", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "body");
        let r = t
            .send(Some(&mut officer), Method::POST, "/api/v1/evidence?subject=case:1&media_type=application/x-msdownload&file_name=a.exe", Some("application/octet-stream"), "MZ".into(), &[("x-csrf-token", &csrf)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(t.event_count().await, before);
        let tmp = t.app.evidence.dir.join("tmp");
        let leftovers = std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0);
        assert_eq!(leftovers, 0, "temporary files are removed");
        // A legal reviewer reads evidence but does not collect it.
        let mut reviewer = t.login_ok("dh.reviewer").await;
        let csrf = reviewer.csrf.clone();
        let r = t
            .send(
                Some(&mut reviewer),
                Method::POST,
                "/api/v1/evidence?subject=case:1&media_type=image/jpeg&file_name=a.jpg",
                Some("application/octet-stream"),
                "x".into(),
                &[("x-csrf-token", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}
