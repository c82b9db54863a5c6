//! Every state-changing use case appends exactly one event in its transaction.

use crate::helpers::apps;
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn each_state_change_appends_exactly_one_event() {
    for t in apps().await {
        let n0 = t.event_count().await;
        let mut admin = t.login_ok("dh.admin").await;
        assert_eq!(t.event_count().await, n0 + 1, "login");
        let agency = t.user_id("dh.admin").await;
        let agency = fazhi_store::users::get(&t.app.db, agency)
            .await
            .unwrap()
            .unwrap()
            .agency_id;
        let r = t
            .api(&mut admin, Method::POST, "/api/v1/users", Some(serde_json::json!({"username": "new.officer", "display_name": "新人", "password": "long-enough-pw", "role": "officer", "agency_id": agency})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(t.event_count().await, n0 + 2, "user created");
        let id = r.json()["id"].as_i64().unwrap();
        let r = t
            .api(
                &mut admin,
                Method::POST,
                &format!("/api/v1/users/{id}/active"),
                Some(serde_json::json!({"active": false})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(t.event_count().await, n0 + 3, "user deactivated");
        let r = t
            .api(
                &mut admin,
                Method::POST,
                &format!("/api/v1/users/{id}/active"),
                Some(serde_json::json!({"active": false})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(t.event_count().await, n0 + 3, "no change, no event");
        let r = t
            .api(&mut admin, Method::POST, "/api/v1/agencies", Some(serde_json::json!({"parent_id": agency, "name": "东湖区某某分所", "kind": "supervision_institute", "region_code": "990102"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(t.event_count().await, n0 + 4, "agency created");
        let events = t
            .api(&mut admin, Method::GET, "/api/v1/events?limit=4", None)
            .await
            .json();
        let kinds: Vec<&str> = events
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            vec![
                "agency.created",
                "user.deactivated",
                "user.created",
                "session.login"
            ]
        );
        // The deactivated user cannot log in.
        let (_, r) = t.login("new.officer", "long-enough-pw").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = t.post_form(&mut admin, "/logout", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(t.event_count().await, n0 + 5, "logout");
    }
}

#[tokio::test]
async fn the_home_page_shows_real_counts_of_the_scope() {
    for t in apps().await {
        let mut head = t.login_ok("city.head").await;
        let home = t.get(&mut head, "/").await;
        assert_eq!(home.status, StatusCode::OK);
        // City scope: city + 2 districts × (bureau + institute) = 5 agencies; 11 accounts below the province.
        assert!(home.body.contains(r#"data-key="agencies"><span class="label">机构数</span><span class="value">5</span>"#), "{}", home.body);
        assert!(home.body.contains(
            r#"data-key="users"><span class="label">用户数</span><span class="value">11</span>"#
        ));
        assert!(home.body.contains(
            r#"data-key="officers"><span class="label">执法人员</span><span class="value">3</span>"#
        ));
        assert!(home.body.contains("<svg"));
        let api = t
            .api(&mut head, Method::GET, "/api/v1/home", None)
            .await
            .json();
        assert_eq!(api["agencies"], 5);
        assert_eq!(api["events_by_day"].as_array().unwrap().len(), 14);
    }
}

#[tokio::test]
async fn an_event_changed_behind_the_log_is_reported_as_a_corrupt_record_not_as_a_retry() {
    for t in apps().await {
        let mut admin = t.login_ok("dh.admin").await;
        // The login event, moved to another subject behind the log's back.
        let last = fazhi_store::events::size(&t.app.db).await.unwrap();
        fazhi_store::testing::as_attacker(
            &t.app.db,
            &format!("UPDATE events SET subject = 'user:0' WHERE id = {last}"),
        )
        .await
        .unwrap();
        let r = t
            .api(&mut admin, Method::GET, "/api/v1/events?limit=4", None)
            .await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
        let error = &r.json()["error"];
        assert_eq!(error["code"], "record_corrupt", "{}", r.body);
        assert!(
            error["message_zh"]
                .as_str()
                .unwrap()
                .contains("请管理员运行 fazhi log verify"),
            "{}",
            r.body
        );
        assert!(
            error["message_en"]
                .as_str()
                .unwrap()
                .contains("run fazhi log verify"),
            "{}",
            r.body
        );
    }
}
