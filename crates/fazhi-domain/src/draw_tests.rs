//! The draw: the ChaCha20 stream against the cipher's published test vector,
//! exact apportionment, uniformity within strata (chi-square over many seeds),
//! every constraint in every assignment, an infeasible plan explained, a
//! tampered record refuted, and golden outputs that pin the algorithm.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::*;

fn rates() -> BTreeMap<String, u32> {
    [("A", 300), ("B", 500), ("C", 1000), ("D", 2000)]
        .into_iter()
        .map(|(g, r)| (g.to_owned(), r))
        .collect()
}

fn entity(id: i64, domain: &str, region: &str, grade: &str) -> Entity {
    Entity {
        id,
        domain: domain.into(),
        region: region.into(),
        grade: grade.into(),
        days_since_inspection: None,
        last_officers: vec![],
    }
}

fn officer(id: i64, domain: &str, region: &str) -> Officer {
    Officer {
        id,
        domains: vec![domain.into()],
        region: region.into(),
        credential_valid: true,
        recused: vec![],
    }
}

fn params(quota: u32) -> Params {
    Params {
        quota,
        rates_bp: rates(),
        exclude_inspected_within_days: 0,
        officers_per_entity: 2,
        workload_cap: 10,
        same_region: false,
    }
}

/// 220 entities in 2 domains × 2 regions × 4 grades (10 A, 15 of each other grade), 24 officers.
fn pool(quota: u32) -> Pool {
    let mut entities = Vec::new();
    let mut id = 1;
    for domain in ["public_places", "medical"] {
        for region in ["990102", "990103"] {
            for grade in ["A", "B", "C", "D"] {
                for _ in 0..(if grade == "A" { 10 } else { 15 }) {
                    entities.push(entity(id, domain, region, grade));
                    id += 1;
                }
            }
        }
    }
    let officers = (0..24)
        .map(|i| {
            officer(
                1000 + i,
                if i % 2 == 0 {
                    "public_places"
                } else {
                    "medical"
                },
                if i % 4 < 2 { "990102" } else { "990103" },
            )
        })
        .collect();
    Pool {
        algorithm: ALGORITHM.into(),
        params: params(quota),
        entities,
        officers,
    }
}

#[test]
fn the_chacha20_stream_is_the_cipher_of_rfc_7539_with_a_zero_key() {
    // RFC 7539 §2.3.2 / the original ChaCha20 test vector: key and nonce all
    // zero, block 0 keystream begins 76 b8 e0 ad a0 f1 3d 90.
    let mut s = Stream::new([0u8; 32]);
    assert_eq!(
        s.next_u64().to_le_bytes(),
        [0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90]
    );
}

#[test]
fn the_quota_is_apportioned_exactly_by_largest_remainder_and_never_beyond_a_stratum() {
    assert_eq!(
        apportion(10, &[1, 1, 1], &[100, 100, 100]),
        vec![4, 3, 3],
        "ties go to the first"
    );
    // 7 × w / 3800 = 0.55, 0.92, 1.84, 3.68: floors 0, 0, 1, 3; the three left go to
    // the largest remainders .92, .84, .68.
    assert_eq!(
        apportion(7, &[300, 500, 1000, 2000], &[10, 10, 10, 10]),
        vec![0, 1, 2, 4]
    );
    assert_eq!(
        apportion(10, &[1, 9], &[100, 2]),
        vec![8, 2],
        "a capped stratum's excess moves on"
    );
    for total in 0..60 {
        let shares = apportion(total, &[3, 5, 7, 11], &[20, 20, 20, 20]);
        assert_eq!(shares.iter().sum::<u64>(), total);
    }
    let p = pool(37);
    let out = run(&p, [7u8; 32]).unwrap();
    assert_eq!(out.assignments.len(), 37);
    assert_eq!(out.strata.iter().map(|s| s.drawn).sum::<u32>(), 37);
    // Higher-risk grades get more per entity: D's rate is 4× B's in each (domain, region).
    let per = |g: &str| {
        out.strata
            .iter()
            .filter(|s| s.grade == g)
            .map(|s| s.drawn)
            .sum::<u32>()
    };
    assert!(
        per("D") > per("B") && per("B") >= per("A"),
        "{:?}",
        out.strata
    );
}

#[test]
fn no_entity_is_drawn_twice_and_recently_inspected_ones_are_left_out() {
    let mut p = pool(60);
    for e in p.entities.iter_mut().take(50) {
        e.days_since_inspection = Some(30);
    }
    p.params.exclude_inspected_within_days = 90;
    let out = run(&p, [3u8; 32]).unwrap();
    let ids: HashSet<i64> = out.assignments.iter().map(|a| a.entity).collect();
    assert_eq!(ids.len(), 60);
    assert!(ids.iter().all(|id| *id > 50));
}

#[test]
fn within_a_stratum_every_entity_is_equally_likely_chi_square_over_4000_seeds() {
    let entities: Vec<Entity> = (1..=20)
        .map(|i| entity(i, "medical", "990102", "B"))
        .collect();
    let officers = (0..10)
        .map(|i| officer(100 + i, "medical", "990102"))
        .collect();
    let mut p = Pool {
        algorithm: ALGORITHM.into(),
        params: params(5),
        entities,
        officers,
    };
    p.params.workload_cap = 5;
    let mut hits = [0u32; 20];
    let runs = 4000u32;
    for s in 0..runs {
        let seed: [u8; 32] = Sha256::digest(s.to_le_bytes()).into();
        for a in run(&p, seed).unwrap().assignments {
            hits[(a.entity - 1) as usize] += 1;
        }
    }
    let expected = f64::from(runs * 5) / 20.0;
    let chi2: f64 = hits
        .iter()
        .map(|h| (f64::from(*h) - expected).powi(2) / expected)
        .sum();
    // 19 degrees of freedom: the 0.999 quantile is 43.82.
    assert!(chi2 < 43.82, "chi-square {chi2:.2}: {hits:?}");
}

#[test]
fn every_assignment_honours_domain_region_recusal_last_inspectors_and_workload() {
    let mut p = pool(80);
    p.params.same_region = true;
    p.params.workload_cap = 12;
    p.officers[0].recused = (1..=200).filter(|i| i % 3 == 0).collect();
    p.officers[2].credential_valid = false;
    for e in p.entities.iter_mut().step_by(5) {
        e.last_officers = vec![1000, 1004];
    }
    let out = run(&p, [9u8; 32]).unwrap();
    let officers: HashMap<i64, &Officer> = p.officers.iter().map(|o| (o.id, o)).collect();
    let entities: HashMap<i64, &Entity> = p.entities.iter().map(|e| (e.id, e)).collect();
    let mut load: HashMap<i64, u32> = HashMap::new();
    for a in &out.assignments {
        let e = entities[&a.entity];
        assert_eq!(a.officers.len(), 2);
        assert_ne!(a.officers[0], a.officers[1]);
        for id in &a.officers {
            let o = officers[id];
            assert!(o.credential_valid && o.domains.contains(&e.domain) && o.region == e.region);
            assert!(
                !o.recused.contains(&e.id),
                "recused officer {id} on {}",
                e.id
            );
            assert!(!e.last_officers.contains(id));
            *load.entry(*id).or_insert(0) += 1;
        }
    }
    assert!(load.values().all(|n| *n <= 12));
}

#[test]
fn an_infeasible_plan_names_the_entity_and_the_constraint() {
    let mut p = pool(40);
    p.params.workload_cap = 1;
    match run(&p, [1u8; 32]) {
        Err(DrawError::Infeasible { explanation, .. }) => {
            assert!(explanation.contains("未达工作量上限"), "{explanation}")
        }
        other => panic!("expected infeasible, got {other:?}"),
    }
    let mut p = pool(5);
    for o in &mut p.officers {
        o.credential_valid = false;
    }
    match run(&p, [1u8; 32]) {
        Err(DrawError::Infeasible { explanation, .. }) => {
            assert!(explanation.contains("持有效执法证 0 名"), "{explanation}")
        }
        other => panic!("expected infeasible, got {other:?}"),
    }
    assert!(matches!(
        run(&pool(500), [1u8; 32]),
        Err(DrawError::QuotaTooLarge {
            quota: 500,
            eligible: 220
        })
    ));
}

#[test]
fn a_published_record_verifies_and_any_tampering_is_refuted() {
    let record = draw(
        pool(20),
        "福利彩票 2026年第300期 开奖号码 03 11 17 22 28 31",
        "中国福利彩票官网",
    )
    .unwrap();
    assert_eq!(verify(&record), Ok(()));
    let mut swapped = record.clone();
    swapped.outcome.assignments.swap(0, 1);
    assert!(matches!(verify(&swapped), Err(Refuted::Outcome(_))));
    let mut other_luck = record.clone();
    other_luck.randomness.push('9');
    assert!(matches!(verify(&other_luck), Err(Refuted::Outcome(_))));
    let mut smuggled = record.clone();
    smuggled
        .pool
        .entities
        .push(entity(999, "medical", "990102", "D"));
    assert_eq!(verify(&smuggled), Err(Refuted::Commitment));
    // The commitment does not depend on the order the pools were listed in.
    let mut reordered = record.pool.clone();
    reordered.entities.reverse();
    assert_eq!(reordered.commitment(), record.commitment);
}

#[test]
fn golden_vectors_pin_the_algorithm() {
    // If this changes, the algorithm changed: name a new version instead.
    let record = draw(pool(6), "golden", "test").unwrap();
    let got: Vec<(i64, Vec<i64>)> = record
        .outcome
        .assignments
        .iter()
        .map(|a| (a.entity, a.officers.clone()))
        .collect();
    let golden_text = serde_json::to_string(&got).unwrap();
    assert_eq!(record.commitment.len(), 64);
    assert_eq!(golden_text, GOLDEN, "commitment {}", record.commitment);
}

const GOLDEN: &str = "[[136,[1005,1023]],[159,[1001,1009]],[195,[1017,1019]],[211,[1001,1011]],[53,[1004,1012]],[108,[1006,1022]]]";
