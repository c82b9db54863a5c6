use crate::helpers::{Client, apps};
use axum::http::StatusCode;
use fazhi_web::routes::ROUTES;
use std::collections::BTreeSet;

#[test]
fn every_api_route_is_in_the_openapi_document_and_nothing_else_is() {
    let doc = serde_json::to_value(fazhi_web::openapi()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .filter(|r| r.pattern.starts_with("/api/v1/"))
        .map(|r| (r.method.to_owned(), r.pattern.to_owned()))
        .collect();
    assert_eq!(documented, listed);
}

#[tokio::test]
async fn openapi_json_and_the_vendored_swagger_ui_are_served_without_login() {
    let t = apps().await.remove(0);
    let mut anon = Client::default();
    let spec = t.get(&mut anon, "/api/openapi.json").await;
    assert_eq!(spec.status, 200);
    assert!(spec.json()["openapi"].as_str().unwrap().starts_with("3."));
    let ui = t.get(&mut anon, "/api/docs/").await;
    assert_eq!(ui.status, 200);
    assert!(ui.body.to_lowercase().contains("swagger"));
}

/// Every status an API route can answer with is in the document (a client —
/// and schemathesis' status_code_conformance — finds none undocumented), and
/// each error answer is a JSON `ErrorBody`.
#[test]
fn every_operation_documents_the_errors_it_can_answer_with() {
    let doc = serde_json::to_value(fazhi_web::openapi()).unwrap();
    let shared = doc["components"]["responses"].as_object().unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let mut expected = vec!["400", "401", "403", "422", "429"];
            if path.contains('{') {
                expected.push("404");
            }
            if method != "get" {
                expected.push("409");
            }
            if op.get("requestBody").is_some() {
                expected.push("413");
            }
            for status in expected {
                let response = &responses
                    .get(status)
                    .unwrap_or_else(|| panic!("{method} {path} does not document {status}"));
                let resolved = match response["$ref"].as_str() {
                    Some(r) => &shared[r.trim_start_matches("#/components/responses/")],
                    None => response,
                };
                assert_eq!(
                    resolved["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
    }
}

/// OpenAPI 3.1 schemas are JSON Schema 2020-12: `items` is one schema, never
/// a list (utoipa writes tuples that way, which validators refuse).
#[test]
fn no_schema_in_the_document_has_a_list_for_items() {
    fn walk(v: &serde_json::Value, at: &str) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(items) = map.get("items") {
                    assert!(!items.is_array(), "{at}: items is a list");
                }
                for (k, child) in map {
                    walk(child, &format!("{at}/{k}"));
                }
            }
            serde_json::Value::Array(list) => {
                for (k, child) in list.iter().enumerate() {
                    walk(child, &format!("{at}/{k}"));
                }
            }
            _ => {}
        }
    }
    walk(&serde_json::to_value(fazhi_web::openapi()).unwrap(), "#");
}

#[tokio::test]
async fn the_swagger_ui_reads_api_openapi_json() {
    let t = apps().await.remove(0);
    let mut anon = Client::default();
    let init = t.get(&mut anon, "/api/docs/swagger-initializer.js").await;
    assert_eq!(init.status, 200);
    assert!(
        init.body.contains("\"url\": \"/api/openapi.json\""),
        "{}",
        init.body
    );
}

/// A query string that does not parse answers the API's JSON error, naming
/// the parameter, as the document says — not axum's plain-text 400. (A page
/// number is the exception: any page clamps to 1..=PAGE_MAX, see `paging`.)
#[tokio::test]
async fn a_malformed_query_answers_a_json_error() {
    for t in apps().await {
        let mut admin = t.login_ok("admin").await;
        for (uri, parameter) in [
            ("/api/v1/events?limit=-x", "limit"),
            ("/api/v1/log/proof/inclusion?size=-1", "size"),
            ("/api/v1/log/proof/consistency?to=-1", "to"),
        ] {
            let r = t.get(&mut admin, uri).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
            assert_eq!(
                r.headers["content-type"], "application/json",
                "{uri}: {}",
                r.body
            );
            let body = r.json();
            assert_eq!(body["error"]["field"], "query", "{uri}");
            let message = body["error"]["message_en"].as_str().unwrap();
            assert!(message.contains(parameter), "{uri}: {message}");
        }
    }
}

/// A JSON body over the size limit answers the documented 413 with an
/// `ErrorBody`, and changes nothing.
#[tokio::test]
async fn an_oversized_json_body_answers_413_as_documented() {
    for t in apps().await {
        let mut admin = t.login_ok("admin").await;
        let before = t.event_count().await;
        let name = "x".repeat(fazhi_web::REQUEST_BODY_BYTES_MAX + 1);
        let r = t
            .api(
                &mut admin,
                axum::http::Method::POST,
                "/api/v1/tokens",
                Some(serde_json::json!({ "name": name })),
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", t.backend());
        let body = r.json();
        assert_eq!(body["error"]["code"], "payload_too_large");
        assert_eq!(body["error"]["field"], "body");
        assert_eq!(t.event_count().await, before);
    }
}
