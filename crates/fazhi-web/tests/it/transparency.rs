//! The public transparency side: checkpoints, proofs a client can check with
//! nothing but the published key, and the live mark on the log page.

use crate::helpers::{Client, apps};
use axum::http::{Method, StatusCode};
use fazhi_domain::checkpoint::{open_note, parse_verifier_key};
use fazhi_domain::merkle::{verify_consistency, verify_inclusion};

fn hash(text: &serde_json::Value) -> [u8; 32] {
    hex::decode(text.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn anyone_can_check_an_event_against_a_signed_checkpoint_without_logging_in() {
    for t in apps().await {
        let first = fazhi_app::transparency::make_checkpoint(&t.app, false)
            .await
            .unwrap()
            .unwrap();
        let mut officer = t.login_ok("dh.officer1").await;
        let second = fazhi_app::transparency::make_checkpoint(&t.app, false)
            .await
            .unwrap()
            .unwrap();
        assert!(second.size > first.size);
        let mut anon = Client::default();
        let cps = t.get(&mut anon, "/api/v1/log/checkpoints").await.json();
        let key = parse_verifier_key(cps["verifier_key"].as_str().unwrap()).unwrap();
        let latest = open_note(
            cps["checkpoints"][0]["note"].as_str().unwrap(),
            std::slice::from_ref(&key),
        )
        .unwrap();
        assert_eq!(latest.size, u64::try_from(second.size).unwrap());
        // Inclusion of event 3, checked here as an outside client would.
        let p = t
            .get(&mut anon, "/api/v1/log/proof/inclusion?event=3")
            .await
            .json();
        let proof: Vec<[u8; 32]> = p["proof"].as_array().unwrap().iter().map(hash).collect();
        verify_inclusion(&hash(&p["leaf_hash"]), 2, latest.size, &proof, &latest.root).unwrap();
        assert!(
            !p.to_string().contains("demo"),
            "proofs reveal hashes only: {p}"
        );
        // Consistency between the two checkpoints.
        let c = t
            .get(
                &mut anon,
                &format!(
                    "/api/v1/log/proof/consistency?from={}&to={}",
                    first.size, second.size
                ),
            )
            .await
            .json();
        let cproof: Vec<[u8; 32]> = c["proof"].as_array().unwrap().iter().map(hash).collect();
        let old: [u8; 32] = first.root.clone().try_into().unwrap();
        verify_consistency(
            u64::try_from(first.size).unwrap(),
            latest.size,
            &old,
            &latest.root,
            &cproof,
        )
        .unwrap();
        // Bad input is named, never a 500.
        let r = t
            .get(&mut anon, "/api/v1/log/proof/inclusion?event=abc")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = t
            .get(&mut anon, "/api/v1/log/proof/inclusion?event=999999")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = t
            .get(&mut anon, "/api/v1/log/proof/consistency?from=5&to=999999")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The public page checks an event; the log page marks covered events as verified.
        let page = t.get(&mut anon, "/transparency?event=3").await;
        assert!(page.body.contains("id=\"verdict\">✓"), "{}", page.body);
        let log = t.get(&mut officer, "/log").await;
        assert!(log.body.contains("class=\"ok\""), "{}", log.body);
        let _ = t.api(&mut officer, Method::GET, "/api/v1/me", None).await;
    }
}
