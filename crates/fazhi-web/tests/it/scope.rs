//! Agency scope: a district never sees another district; a city sees its districts.

use crate::helpers::apps;
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn a_district_officer_sees_only_its_own_agency_and_a_city_head_sees_both_districts() {
    for t in apps().await {
        let mut officer = t.login_ok("dh.officer1").await;
        let list = t
            .api(&mut officer, Method::GET, "/api/v1/agencies", None)
            .await
            .json();
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["示范市东湖区卫生监督所"], "{}", t.backend());

        let mut head = t.login_ok("city.head").await;
        let users = t
            .api(&mut head, Method::GET, "/api/v1/users", None)
            .await
            .json();
        let usernames: Vec<&str> = users
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert!(
            usernames.contains(&"dh.officer1") && usernames.contains(&"xs.officer1"),
            "{usernames:?}"
        );
        assert!(
            !usernames.contains(&"admin"),
            "the province admin is above the city: {usernames:?}"
        );

        let page = t.get(&mut head, "/admin/users").await;
        assert!(page.body.contains("xs.officer1") && page.body.contains("dh.officer1"));
    }
}

#[tokio::test]
async fn a_district_admin_cannot_touch_an_account_of_another_district() {
    for t in apps().await {
        let mut dh_admin = t.login_ok("dh.admin").await;
        let other = t.user_id("xs.officer1").await;
        let before = t.event_count().await;
        let r = t
            .api(
                &mut dh_admin,
                Method::POST,
                &format!("/api/v1/users/{other}/active"),
                Some(serde_json::json!({"active": false})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "forbidden_scope");
        assert_eq!(
            t.event_count().await,
            before,
            "a refused request changes nothing"
        );
        let xs_agency = fazhi_store::users::get(&t.app.db, other)
            .await
            .unwrap()
            .unwrap()
            .agency_id;
        let r = t
            .api(
                &mut dh_admin,
                Method::POST,
                "/api/v1/users",
                Some(serde_json::json!({"username": "intruder", "display_name": "x", "password": "long-enough-pw", "role": "officer", "agency_id": xs_agency})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let users = t
            .api(&mut dh_admin, Method::GET, "/api/v1/users", None)
            .await
            .json();
        assert!(!users.to_string().contains("xs.officer1"));
    }
}
