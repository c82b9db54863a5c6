use crate::helpers::{Client, apps};
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
