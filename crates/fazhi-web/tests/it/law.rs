//! 法律依据 page, the calculator and the deadline API.

use crate::helpers::apps;
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn the_law_page_lists_every_rule_with_its_article_and_flags_unverified_ones() {
    for t in apps().await {
        let mut officer = t.login_ok("dh.officer1").await;
        let page = t.get(&mut officer, "/law").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"rule-ap_service\""));
        assert!(page.body.contains("《行政处罚法》第六十一条、第八十五条"));
        assert!(page.body.contains("class=\"unverified\"") && page.body.contains("⚠"));
        assert!(page.body.contains("国办发明电〔2024〕12号"));
        let calc = t
            .get(
                &mut officer,
                "/law/deadline?rule=ap_service&from=2026-02-12",
            )
            .await;
        assert!(
            calc.body.contains("<span id=\"due\">2026-02-28</span>"),
            "{}",
            calc.body
        );
        assert!(calc.body.contains("春节"));
        let bad = t
            .get(
                &mut officer,
                "/law/deadline?rule=ap_service&from=2026-02-30",
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("2026-02-30"));
    }
}

#[tokio::test]
async fn the_deadline_api_returns_the_date_and_its_explanation_or_a_named_error() {
    for t in apps().await {
        let mut officer = t.login_ok("dh.officer1").await;
        let r = t
            .api(
                &mut officer,
                Method::GET,
                "/api/v1/deadlines?rule=ap_payment_deadline&from=2026-09-16",
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let j = r.json();
        assert_eq!(j["due"], "2026-10-08");
        assert!(j["explanation_zh"].to_string().contains("第二百零三条"));
        let r = t
            .api(
                &mut officer,
                Method::GET,
                "/api/v1/deadlines?rule=no_such&from=2026-09-16",
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "rule");
        let r = t
            .api(
                &mut officer,
                Method::GET,
                "/api/v1/deadlines?rule=ap_service&from=2026-12-28",
                None,
            )
            .await;
        // Into 2027 (no schedule loaded): a provisional date, marked.
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["provisional"], true);
        // Beyond any year the holiday law can stand in for: still a named error.
        let r = t
            .api(
                &mut officer,
                Method::GET,
                "/api/v1/deadlines?rule=ap_service&from=2100-12-28",
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.json()["error"]["message_en"]
                .as_str()
                .unwrap()
                .contains("calendar for 2101 not loaded")
        );
        let rules = t
            .api(&mut officer, Method::GET, "/api/v1/rules", None)
            .await
            .json();
        assert!(
            rules
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == "hp_decision_deadline" && r["verified"] == false)
        );
    }
}
