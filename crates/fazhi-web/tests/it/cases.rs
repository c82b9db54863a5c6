//! Case pages and API: open through the form, steps through the forms, the
//! rule named on screen when the law refuses, conflicts, documents, JSON.

use crate::helpers::{TestApp, apps, extract_csrf};
use axum::http::{Method, StatusCode};

async fn seeded() -> Vec<TestApp> {
    let mut out = Vec::new();
    for t in apps().await {
        fazhi_app::demo::seed_registries(&t.app).await.unwrap();
        out.push(t);
    }
    out
}

fn version_of(html: &str) -> String {
    let at = html.find("name=\"version\" value=\"").expect("a step form");
    html[at + 22..].split('"').next().unwrap().to_owned()
}

fn case_id(location: &str) -> i64 {
    location.trim_start_matches("/cases/").parse().unwrap()
}

#[tokio::test]
async fn an_officer_opens_a_case_a_head_files_it_and_a_refused_step_names_its_rule() {
    for t in seeded().await {
        let mut officer = t.login_ok("dh.officer1").await;
        let list = t.get(&mut officer, "/cases").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("id=\"tab-mine\""));
        let form = t.get(&mut officer, "/cases/new").await;
        assert!(
            form.body.contains("CF-003"),
            "the power list feeds the form"
        );
        officer.csrf = extract_csrf(&form.body);
        let bad = t
            .post_form(
                &mut officer,
                "/cases",
                &[
                    ("source", "complaint"),
                    ("party_kind", "organisation"),
                    ("party_name", "某宾馆"),
                    ("party_id", "123"),
                    ("domain", "public_places"),
                    ("power_code", "CF-003"),
                    ("summary", "无证营业"),
                    ("act_date", "2026-11-01"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("统一社会信用代码"), "{}", bad.body);
        assert!(
            bad.body.contains("value=\"某宾馆\""),
            "the form keeps what was typed"
        );
        let ok = t
            .post_form(
                &mut officer,
                "/cases",
                &[
                    ("source", "complaint"),
                    ("party_kind", "organisation"),
                    ("party_name", "示范市东湖区测试宾馆"),
                    ("party_id", "91350100M000100Y43"),
                    ("domain", "public_places"),
                    ("power_code", "CF-003"),
                    ("summary", "无证营业"),
                    ("act_date", "2026-11-01"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let id = case_id(ok.location());

        let mut section = t.login_ok("dh.section").await;
        let page = t.get(&mut section, &format!("/cases/{id}")).await;
        assert!(page.body.contains("id=\"step-file\""), "{}", page.body);
        section.csrf = extract_csrf(&page.body);
        let v = version_of(&page.body);
        let o1 = t.user_id("dh.officer1").await.to_string();
        let o2 = t.user_id("dh.officer2").await.to_string();
        let filed = t
            .post_form(
                &mut section,
                &format!("/cases/{id}/steps"),
                &[
                    ("command", "file"),
                    ("version", &v),
                    ("handlers", &o1),
                    ("handlers", &o2),
                ],
            )
            .await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
        // The same form again: the case moved on, the second submit is a conflict.
        let again = t
            .post_form(
                &mut section,
                &format!("/cases/{id}/steps"),
                &[
                    ("command", "file"),
                    ("version", &v),
                    ("handlers", &o1),
                    ("handlers", &o2),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        let page = t.get(&mut officer, &format!("/cases/{id}")).await;
        assert!(page.body.contains("data-stage=\"investigation\""));
        officer.csrf = extract_csrf(&page.body);
        let v = version_of(&page.body);
        let refused = t
            .post_form(
                &mut officer,
                &format!("/cases/{id}/steps"),
                &[
                    ("command", "propose_outcome"),
                    ("version", &v),
                    ("outcome", "penalty"),
                    ("facts", "无证营业"),
                    ("legal_basis", "《公共场所卫生管理条例实施细则》第三十五条"),
                    ("fine", "1000"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("第四十六条"),
            "the refusal names the article: {}",
            refused.body
        );
        let events = t.event_count().await;
        assert_eq!(t.event_count().await, events, "a refused step logs nothing");

        // A read-only user sees the case but gets no forms and may not post steps.
        let mut reader = t.login_ok("dh.readonly").await;
        let view = t.get(&mut reader, &format!("/cases/{id}")).await;
        assert_eq!(view.status, StatusCode::OK);
        assert!(!view.body.contains("id=\"next-steps\""));
        reader.csrf = extract_csrf(&view.body);
        let denied = t
            .post_form(
                &mut reader,
                &format!("/cases/{id}/steps"),
                &[("command", "archive"), ("version", "3")],
            )
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_decided_demo_case_prints_its_decision_and_the_api_lists_and_steps_cases() {
    for t in seeded().await {
        let mut head = t.login_ok("dh.head").await;
        let listed = t
            .api(
                &mut head,
                Method::GET,
                "/api/v1/cases?queue=all&stage=archived",
                None,
            )
            .await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        let json = listed.json();
        let archived: Vec<i64> = json["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        assert!(!archived.is_empty());
        let mut printed = false;
        for id in archived {
            let page = t.get(&mut head, &format!("/cases/{id}")).await;
            if page.body.contains("id=\"doc-decision\"") {
                let doc = t
                    .get(&mut head, &format!("/cases/{id}/documents/decision"))
                    .await;
                assert_eq!(doc.status, StatusCode::OK);
                assert!(doc.body.contains("行政处罚决定书"));
                assert!(
                    doc.body.contains("东卫罚〔"),
                    "numbered per agency and year"
                );
                assert!(doc.body.contains("人民币"), "amounts in 大写");
                assert!(doc.body.contains("六十日内"), "the remedies (Art. 59)");
                let docx = t
                    .get(
                        &mut head,
                        &format!("/cases/{id}/documents/decision?format=docx"),
                    )
                    .await;
                assert_eq!(docx.status, StatusCode::OK);
                assert_eq!(
                    docx.headers["content-type"],
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                );
                printed = true;
                break;
            }
        }
        assert!(printed, "some archived demo case has a decision");

        // After a signed checkpoint, every step on the case page carries a live ✓.
        fazhi_app::transparency::make_checkpoint(&t.app, true)
            .await
            .unwrap();
        let id = json["cases"][0]["id"].as_i64().unwrap();
        let page = t.get(&mut head, &format!("/cases/{id}")).await;
        let steps = page.body.matches("<li><span class=\"muted\">").count();
        let checked = page
            .body
            .matches("class=\"ok\" href=\"/transparency?event=")
            .count();
        assert!(
            steps > 3 && checked == steps,
            "{checked} of {steps} steps verified"
        );

        let intake = t
            .api(
                &mut head,
                Method::GET,
                "/api/v1/cases?queue=approval&stage=intake",
                None,
            )
            .await
            .json();
        let case = &intake["cases"][0];
        let id = case["id"].as_i64().unwrap();
        let version = case["version"].as_i64().unwrap();
        let declined = t
            .api(&mut head, Method::POST, &format!("/api/v1/cases/{id}/steps"), Some(serde_json::json!({"command": "decline_filing", "version": version, "reason": "不属于本机关管辖"})))
            .await;
        assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
        assert_eq!(declined.json()["case"]["stage"], "not_filed");
        let stale = t
            .api(
                &mut head,
                Method::POST,
                &format!("/api/v1/cases/{id}/steps"),
                Some(serde_json::json!({"command": "archive", "version": version})),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let wrong = t
            .api(
                &mut head,
                Method::POST,
                &format!("/api/v1/cases/{id}/steps"),
                Some(serde_json::json!({"command": "decide", "version": version + 1})),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(wrong.json()["error"]["code"], "refused_by_rule");
    }
}
