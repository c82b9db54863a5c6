//! Evidence uploads: streamed, content-addressed, recorded with one event;
//! each upload belongs to an existing record the uploader may work on, and
//! who reads it, and as what, follows that upload's own record.

use crate::helpers::{Client, TestApp, apps};
use axum::http::{Method, StatusCode};

async fn actor(t: &TestApp, username: &str) -> fazhi_domain::authz::Actor {
    let user = fazhi_store::users::credentials_by_username(&t.app.db, username)
        .await
        .unwrap()
        .unwrap()
        .user;
    fazhi_app::auth::actor_of(&user)
}

/// A case opened by `officer` after `admin` loaded the demo power list for
/// the district.
async fn a_case(t: &TestApp, admin: &str, officer: &str) -> i64 {
    let admin = actor(t, admin).await;
    let powers = fazhi_app::registry::import(
        &t.app,
        &admin,
        fazhi_app::registry::ImportKind::Powers,
        "powers.csv",
        fazhi_app::demo::DEMO_POWERS_CSV.as_bytes(),
        &|_, _| {},
    )
    .await;
    assert!(powers.is_ok(), "{powers:?}");
    fazhi_app::cases::open(
        &t.app,
        &actor(t, officer).await,
        &fazhi_app::cases::OpenInput {
            source: "complaint".into(),
            party_kind: "organisation".into(),
            party_name: "示范市锦绣宾馆".into(),
            party_id: "91350100M000100Y43".into(),
            party_address: "东湖路2号".into(),
            domain: "public_places".into(),
            power_code: "CF-003".into(),
            summary: "群众举报该宾馆无证营业".into(),
            act_date: "2026-11-10".into(),
            life_health_harm: None,
            task_id: String::new(),
        },
    )
    .await
    .unwrap()
}

async fn upload(t: &TestApp, client: &mut Client, query: &str, body: &str) -> crate::helpers::Resp {
    let csrf = client.csrf.clone();
    t.send(
        Some(client),
        Method::POST,
        &format!("/api/v1/evidence?{query}"),
        Some("application/octet-stream"),
        body.to_owned(),
        &[("x-csrf-token", &csrf)],
    )
    .await
}

fn header<'a>(r: &'a crate::helpers::Resp, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn an_officer_uploads_a_recorder_video_and_gets_it_back_by_its_hash() {
    for t in apps().await {
        let case = a_case(&t, "dh.admin", "dh.officer1").await;
        let mut officer = t.login_ok("dh.officer1").await;
        let before = t.event_count().await;
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let csrf = officer.csrf.clone();
        let uri = &format!(
            "/api/v1/evidence?subject=case:{case}&media_type=video/mp4&file_name=%E6%89%A7%E6%B3%95%E8%AE%B0%E5%BD%95.mp4&device_id=ZFY-01&captured_at=2026-11-23T10:15:00%2B08:00"
        );
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
        // Another district cannot read it (nor learn that it exists).
        let mut other = t.login_ok("xs.officer1").await;
        let r = t
            .api(
                &mut other,
                Method::GET,
                &format!("/api/v1/evidence/{expected}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn an_upload_over_the_limit_or_with_bad_metadata_stores_nothing() {
    for mut t in apps().await {
        let case = a_case(&t, "dh.admin", "dh.officer2").await;
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
                &format!(
                    "/api/v1/evidence?subject=case:{case}&media_type=image/jpeg&file_name=a.jpg"
                ),
                Some("application/octet-stream"),
                "x".repeat(5000),
                &[("x-csrf-token", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "body");
        let r = t
            .send(Some(&mut officer), Method::POST, &format!("/api/v1/evidence?subject=case:{case}&media_type=application/x-msdownload&file_name=a.exe"), Some("application/octet-stream"), "MZ".into(), &[("x-csrf-token", &csrf)])
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
                &format!(
                    "/api/v1/evidence?subject=case:{case}&media_type=image/jpeg&file_name=a.jpg"
                ),
                Some("application/octet-stream"),
                "x".into(),
                &[("x-csrf-token", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_upload_must_name_an_existing_record_the_uploader_may_work_on() {
    for t in apps().await {
        let dh_case = a_case(&t, "dh.admin", "dh.officer1").await;
        let mut xs = t.login_ok("xs.officer1").await;
        let before = t.event_count().await;
        for subject in [
            format!("case:{dh_case}"),
            "case:999999".to_owned(),
            "inspection:61".to_owned(),
            "request:404".to_owned(),
            "widget:1".to_owned(),
        ] {
            let r = upload(
                &t,
                &mut xs,
                &format!("subject={subject}&media_type=image/jpeg&file_name=a.jpg"),
                "jpeg bytes",
            )
            .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{} {subject}: {}",
                t.backend(),
                r.body
            );
            assert_eq!(r.json()["error"]["field"], "subject", "{subject}");
        }
        assert_eq!(t.event_count().await, before, "nothing recorded");
        let listed = fazhi_store::attachments::for_subject(&t.app.db, &format!("case:{dh_case}"))
            .await
            .unwrap();
        assert!(
            listed.is_empty(),
            "nothing attached to the other district's case"
        );
    }
}

#[tokio::test]
async fn the_same_bytes_uploaded_by_another_district_neither_lock_out_nor_retype_the_first() {
    for t in apps().await {
        let dh_case = a_case(&t, "dh.admin", "dh.officer1").await;
        let xs_case = a_case(&t, "xs.admin", "xs.officer1").await;
        let mut dh = t.login_ok("dh.officer1").await;
        let mut xs = t.login_ok("xs.officer1").await;
        let bytes = "scene photo bytes";
        let hash = sha256_hex(bytes.as_bytes());
        let mine = upload(
            &t,
            &mut dh,
            &format!("subject=case:{dh_case}&media_type=image/jpeg&file_name=scene.jpg"),
            bytes,
        )
        .await;
        assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.body);
        let theirs = upload(
            &t,
            &mut xs,
            &format!("subject=case:{xs_case}&media_type=text/plain&file_name=page.txt"),
            bytes,
        )
        .await;
        assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.body);
        let r = t
            .api(
                &mut dh,
                Method::GET,
                &format!("/api/v1/evidence/{hash}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{} {}", t.backend(), r.body);
        assert_eq!(header(&r, "content-type"), "image/jpeg");
        assert!(header(&r, "content-disposition").contains("scene.jpg"));
        let r = t
            .api(
                &mut xs,
                Method::GET,
                &format!("/api/v1/evidence/{hash}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(header(&r, "content-type"), "text/plain");
        assert!(header(&r, "content-disposition").contains("page.txt"));
        // Naming the other district's attachment does not get around its record.
        let theirs_id = theirs.json()["id"].as_i64().unwrap();
        let r = t
            .api(
                &mut dh,
                Method::GET,
                &format!("/api/v1/evidence/{hash}?attachment={theirs_id}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = t
            .api(
                &mut dh,
                Method::GET,
                &format!("/api/v1/evidence/{hash}?attachment=x"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "attachment");
    }
}

#[tokio::test]
async fn html_and_svg_are_refused_and_every_download_is_a_sandboxed_attachment() {
    for t in apps().await {
        let case = a_case(&t, "dh.admin", "dh.officer1").await;
        let mut dh = t.login_ok("dh.officer1").await;
        let before = t.event_count().await;
        for (media_type, body) in [
            ("text/html", "<p>hi</p>"),
            ("image/svg%2Bxml", "<svg/>"),
            ("text/plain", "<!DOCTYPE html><script>alert(1)</script>"),
            (
                "image/jpeg",
                "  <svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            ),
        ] {
            let r = upload(
                &t,
                &mut dh,
                &format!("subject=case:{case}&media_type={media_type}&file_name=x"),
                body,
            )
            .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{media_type}: {}",
                r.body
            );
        }
        assert_eq!(t.event_count().await, before);
        // A right-to-left override and a path in the name are dropped.
        let r = upload(
            &t,
            &mut dh,
            &format!("subject=case:{case}&media_type=text/plain&file_name=..%2F%E2%80%AEtxt.exe"),
            "notes",
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["file_name"], "txt.exe");
        let hash = sha256_hex(b"notes");
        let r = t
            .api(
                &mut dh,
                Method::GET,
                &format!("/api/v1/evidence/{hash}"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(header(&r, "content-disposition").starts_with("attachment;"));
        assert_eq!(
            header(&r, "content-security-policy"),
            "sandbox; default-src 'none'"
        );
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    }
}
