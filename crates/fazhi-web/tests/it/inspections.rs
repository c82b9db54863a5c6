//! Plan → freeze the pools → draw → a public record anyone can re-run.

use crate::helpers::{Client, apps, extract_csrf};
use axum::http::StatusCode;

#[tokio::test]
async fn a_head_plans_freezes_and_draws_and_anyone_can_check_the_record() {
    for t in apps().await {
        fazhi_app::demo::seed_registries(&t.app).await.unwrap();
        let mut head = t.login_ok("dh.head").await;
        let page = t.get(&mut head, "/inspections").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("SC-GG-01"), "{}", page.body);
        head.csrf = extract_csrf(&page.body);
        let created = t
            .post_form(
                &mut head,
                "/inspections",
                &[
                    ("year", "2026"),
                    ("level", "county"),
                    ("name", "2026年公共场所卫生抽查"),
                    ("item_code", "SC-GG-01"),
                    ("quota", "12"),
                    ("rate_a", "3"),
                    ("rate_b", "5"),
                    ("rate_c", "10"),
                    ("rate_d", "20"),
                    ("officers_per_entity", "2"),
                    ("workload_cap", "30"),
                    ("due_on", "2026-12-20"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let plan = created.location().to_owned();
        let page = t.get(&mut head, &plan).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        head.csrf = extract_csrf(&page.body);
        let committed = t.post_form(&mut head, &format!("{plan}/draws"), &[]).await;
        assert_eq!(
            committed.status,
            StatusCode::SEE_OTHER,
            "{}",
            committed.body
        );
        let page = t.get(&mut head, &plan).await;
        assert!(page.body.contains("data-state=\"committed\""));
        let at = page.body.find("/inspections/draws/").unwrap();
        let draw_id: i64 = page.body[at + 19..]
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let drawn = t
            .post_form(
                &mut head,
                &format!("/inspections/draws/{draw_id}/draw"),
                &[
                    ("randomness", "双色球 2026135期 02 09 14 21 27 33 + 08"),
                    ("source", "中国福利彩票"),
                ],
            )
            .await;
        assert_eq!(drawn.status, StatusCode::SEE_OTHER, "{}", drawn.body);
        let page = t.get(&mut head, &plan).await;
        assert!(page.body.contains("data-state=\"drawn\""));
        assert_eq!(
            page.body.matches("<tr><td>").count(),
            12,
            "twelve entities drawn"
        );

        // Without logging in: the public record re-runs and confirms.
        let mut anyone = Client::default();
        let public = t.get(&mut anyone, &format!("/draws/{draw_id}")).await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.body.contains("data-ok=\"true\""), "{}", public.body);
        let json = t
            .get(&mut anyone, &format!("/draws/{draw_id}/record.json"))
            .await;
        let record: fazhi_domain::draw::Record = serde_json::from_str(&json.body).unwrap();
        assert_eq!(fazhi_domain::draw::verify(&record), Ok(()));

        // Officers do not plan draws.
        let mut officer = t.login_ok("dh.officer1").await;
        let page = t.get(&mut officer, &plan).await;
        assert!(!page.body.contains("id=\"commit\""));
        officer.csrf = extract_csrf(&page.body);
        assert_eq!(
            t.post_form(&mut officer, &format!("{plan}/draws"), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}
