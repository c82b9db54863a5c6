//! `fazhi log verify` finds every kind of tampering an attacker with database
//! or disk access could do, on both backends, and names the record.

use fazhi_app::App;
use fazhi_app::log_verify::{Problem, verify};
use fazhi_store::log_tree::StoredCheckpoint;
use fazhi_store::testing::{self, TestDb, as_attacker};

use super::support::{DEMO_TODAY_US, a_case, actor, app_at};

/// Events in the logs these tests tamper with: two full leaf tiles (events
/// 1–512), 88 leaves still filling the third, and two level-8 hashes.
const LOG_EVENTS: i64 = 600;

async fn seeded(db: TestDb) -> (App, TestDb) {
    let (app, _clock) = app_at(&db, DEMO_TODAY_US);
    fazhi_app::demo::seed_accounts(&app).await.unwrap();
    grow(&app, LOG_EVENTS).await;
    (app, db)
}

/// Append events until the log has `size`.
async fn grow(app: &App, size: i64) {
    use fazhi_domain::action_log::{EVENT_SALT_BYTES, EventKind, NewEvent};
    let have = fazhi_store::events::size(&app.db).await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    for i in have..size {
        let new = NewEvent {
            at_us: DEMO_TODAY_US,
            actor_user_id: None,
            agency_id: Some(1),
            kind: EventKind::DemoSeeded,
            subject: format!("test:{i}"),
            payload: serde_json::json!({ "i": i }),
            salt: [u8::try_from(i % 251).unwrap(); EVENT_SALT_BYTES],
        };
        fazhi_store::events::append(&mut tx, &new).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// A photo uploaded to a new case of the 东湖 supervision body.
async fn upload(app: &App, bytes: &[u8]) -> fazhi_store::attachments::Attachment {
    let case = a_case(app, "dh.admin", "dh.officer1").await;
    let actor = actor(app, "dh.officer1").await;
    let meta = fazhi_app::evidence::EvidenceMeta {
        subject: format!("case:{case}"),
        media_type: "image/jpeg".into(),
        file_name: "现场.jpg".into(),
        ..Default::default()
    };
    let mut up = fazhi_app::evidence::begin_upload(app, &actor, &meta)
        .await
        .unwrap();
    up.write(bytes).await.unwrap();
    up.finish(app).await.unwrap()
}

fn quiet(_: &str, _: u64, _: u64) {}

/// (SQLite, PostgreSQL): event 550's payload `{"i":549}` rewritten as
/// `{"i":548}`, still a valid encoding. Event 550 is in the leaf tile still
/// filling of a log of 600 (leaves 512–599), whose leaves are not stored.
const REWRITE_EVENT_550: (&str, &str) = (
    "UPDATE events SET entry = CAST(REPLACE(CAST(entry AS TEXT), '{\"i\":549}', '{\"i\":548}') AS BLOB) WHERE id = 550",
    "UPDATE events SET entry = overlay(entry PLACING convert_to('8', 'UTF8') \
     FROM position(convert_to('{\"i\":549}', 'UTF8') IN entry) + 7) WHERE id = 550",
);

/// The seeded log with the agency's key and a checkpoint over all of it.
async fn seeded_with_checkpoint(t: TestDb) -> (App, TestDb, StoredCheckpoint) {
    let (app, db) = seeded(t).await;
    let app = app.with_log_key("fazhi.test/log", fazhi_app::log_key::Seed([9u8; 32]));
    let cp = fazhi_app::transparency::make_checkpoint(&app, false)
        .await
        .unwrap()
        .unwrap();
    (app, db, cp)
}

#[tokio::test]
async fn an_untouched_log_verifies_completely() {
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        upload(&app, b"photo bytes").await;
        let report = verify(&app, &quiet).await.unwrap();
        assert_eq!(report.problem, None);
        let size = fazhi_store::events::size(&app.db).await.unwrap();
        assert_eq!(report.events, size);
        assert_eq!(
            report.nodes,
            size - i64::from(u32::try_from(size).unwrap().count_ones()),
            "n - popcount(n) interior nodes"
        );
        assert_eq!(report.attachments, 1);
    }
}

#[tokio::test]
async fn one_changed_byte_in_an_event_payload_is_found_and_named() {
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        // One byte inside the payload of the event that created dh.officer1.
        let sql = match app.db.backend() {
            fazhi_store::Backend::Sqlite => {
                "UPDATE events SET entry = CAST(REPLACE(CAST(entry AS TEXT), 'dh.officer1\"', 'dh.officer9\"') AS BLOB) \
                 WHERE instr(entry, CAST('user.created' AS BLOB)) > 0 AND instr(entry, CAST('dh.officer1\"' AS BLOB)) > 0"
            }
            fazhi_store::Backend::Postgres => {
                "UPDATE events SET entry = overlay(entry PLACING convert_to('9', 'UTF8') \
                 FROM position(convert_to('dh.officer1\"', 'UTF8') IN entry) + 10) \
                 WHERE position(convert_to('user.created', 'UTF8') IN entry) > 0 \
                 AND position(convert_to('dh.officer1\"', 'UTF8') IN entry) > 0"
            }
        };
        as_attacker(&app.db, sql).await.unwrap();
        let victim = fazhi_store::users::credentials_by_username(&app.db, "dh.officer1")
            .await
            .unwrap()
            .unwrap()
            .user
            .id;
        let report = verify(&app, &quiet).await.unwrap();
        match report.problem {
            Some(Problem::LeafMismatch { id, .. }) => {
                let e = fazhi_store::events::range(&app.db, id, 1)
                    .await
                    .unwrap()
                    .remove(0);
                assert_eq!(
                    e.subject,
                    format!("user:{victim}"),
                    "{:?}",
                    app.db.backend()
                );
            }
            other => panic!(
                "{:?}: expected a leaf mismatch, got {other:?}",
                app.db.backend()
            ),
        }
    }
}

#[tokio::test]
async fn a_deleted_event_row_is_found_by_its_position() {
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        as_attacker(&app.db, "DELETE FROM events WHERE id = 5")
            .await
            .unwrap();
        let report = verify(&app, &quiet).await.unwrap();
        assert_eq!(
            report.problem,
            Some(Problem::EventMissing { id: 5 }),
            "{:?}",
            app.db.backend()
        );
    }
}

#[tokio::test]
async fn an_index_column_changed_behind_the_log_is_found_and_named() {
    // The entry still hashes to its leaf: only the column the trail, the
    // scope or the day is looked up by was moved.
    for (sql, id, column) in [
        (
            "UPDATE events SET subject = 'test:9' WHERE id = 400",
            400,
            "subject",
        ),
        (
            "UPDATE events SET at_us = at_us - 86400000000 WHERE id = 401",
            401,
            "at_us",
        ),
        (
            "UPDATE events SET agency_id = NULL WHERE id = 402",
            402,
            "agency_id",
        ),
    ] {
        for t in testing::both().await {
            let (app, _db) = seeded(t).await;
            as_attacker(&app.db, sql).await.unwrap();
            let report = verify(&app, &quiet).await.unwrap();
            assert_eq!(
                report.problem,
                Some(Problem::ColumnMismatch { id, column }),
                "{:?}",
                app.db.backend()
            );
            let text = report.problem.unwrap().to_string();
            assert!(
                text.contains(&format!("事件 {id} 的索引列 {column}")),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn two_reordered_events_are_found() {
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        // Swap the contents of positions 3 and 4 (same columns, other order).
        as_attacker(
            &app.db,
            "UPDATE events SET id = -3 WHERE id = 3; UPDATE events SET id = 3 WHERE id = 4; UPDATE events SET id = 4 WHERE id = -3;",
        )
        .await
        .unwrap();
        let report = verify(&app, &quiet).await.unwrap();
        assert!(
            matches!(report.problem, Some(Problem::LeafMismatch { id: 3, .. })),
            "{:?}: {:?}",
            app.db.backend(),
            report.problem
        );
    }
}

#[tokio::test]
async fn a_rewritten_tile_or_stored_node_is_found() {
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        let backend = app.db.backend();
        // The second leaf tile copied over the first: event 1 no longer matches its leaf.
        as_attacker(&app.db, "UPDATE log_tiles SET hashes = (SELECT hashes FROM log_tiles WHERE level = 0 AND idx = 1) WHERE level = 0 AND idx = 0").await.unwrap();
        let report = verify(&app, &quiet).await.unwrap();
        assert!(
            matches!(report.problem, Some(Problem::LeafMismatch { id: 1, .. })),
            "{backend:?}: {:?}",
            report.problem
        );
    }
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        // The hash of leaves 256–511, kept one level-8 row until its tile fills.
        as_attacker(&app.db, "UPDATE log_nodes SET hash = (SELECT hash FROM log_nodes WHERE level = 8 AND idx = 0) WHERE level = 8 AND idx = 1").await.unwrap();
        let report = verify(&app, &quiet).await.unwrap();
        assert_eq!(
            report.problem,
            Some(Problem::NodeMismatch { level: 8, index: 1 }),
            "{:?}",
            app.db.backend()
        );
    }
}

#[tokio::test]
async fn a_swapped_evidence_file_is_found() {
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        let a = upload(&app, b"the original photo").await;
        std::fs::write(app.evidence.path_of(&a.sha256), b"a different photo").unwrap();
        let report = verify(&app, &quiet).await.unwrap();
        assert!(
            matches!(&report.problem, Some(Problem::AttachmentMismatch { id, .. }) if *id == a.id),
            "{:?}",
            report.problem
        );
        std::fs::remove_file(app.evidence.path_of(&a.sha256)).unwrap();
        let report = verify(&app, &quiet).await.unwrap();
        assert!(
            matches!(&report.problem, Some(Problem::AttachmentMissing { .. })),
            "{:?}",
            report.problem
        );
    }
}

#[tokio::test]
async fn a_rewritten_checkpoint_root_or_signature_is_found() {
    for t in testing::both().await {
        let (app, _db, cp) = seeded_with_checkpoint(t).await;
        assert_eq!(verify(&app, &quiet).await.unwrap().checkpoints, 1);
        // The attacker rewrites the note (a forged signature).
        as_attacker(&app.db, &format!("UPDATE checkpoints SET note = REPLACE(note, 'fazhi.test/log\n', 'fazhi.test/log\n') || 'x' WHERE size = {}", cp.size)).await.unwrap();
        let report = verify(&app, &quiet).await.unwrap();
        assert_eq!(
            report.problem,
            Some(Problem::CheckpointSignature { size: cp.size }),
            "{:?}",
            app.db.backend()
        );
        // A verifier holding another key does not accept the agency's checkpoints either.
        let stranger = app
            .clone()
            .with_log_key("fazhi.test/log", fazhi_app::log_key::Seed([10u8; 32]));
        assert!(verify(&stranger, &quiet).await.unwrap().problem.is_some());
        // Deleting the last events makes the checkpoint larger than the log.
        as_attacker(
            &app.db,
            &format!("DELETE FROM events WHERE id = {}", cp.size),
        )
        .await
        .unwrap();
        let report = verify(&app, &quiet).await.unwrap();
        assert_eq!(
            report.problem,
            Some(Problem::CheckpointMismatch { size: cp.size }),
            "{:?}",
            app.db.backend()
        );
    }
}

#[tokio::test]
async fn an_event_rewritten_before_its_leaf_tile_fills_is_found_by_the_checkpoint_over_it() {
    for t in testing::both().await {
        let (app, _db, cp) = seeded_with_checkpoint(t).await;
        // The leaves of the tile still filling are its events' entries
        // hashed: none is stored to compare.
        assert_eq!(fazhi_store::log_tree::stored_leaves(cp.size), 512);
        let sql = match app.db.backend() {
            fazhi_store::Backend::Sqlite => REWRITE_EVENT_550.0,
            fazhi_store::Backend::Postgres => REWRITE_EVENT_550.1,
        };
        as_attacker(&app.db, sql).await.unwrap();
        let e = fazhi_store::events::range(&app.db, 550, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(e.payload_json, r#"{"i":548}"#, "a valid encoding");
        let report = verify(&app, &quiet).await.unwrap();
        assert_eq!(
            report.problem,
            Some(Problem::CheckpointMismatch { size: cp.size }),
            "{:?}",
            app.db.backend()
        );
    }
}

#[tokio::test]
async fn a_record_bundle_verifies_offline_and_names_a_changed_event() {
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        let app = app.with_log_key("fazhi.test/log", fazhi_app::log_key::Seed([9u8; 32]));
        let a = upload(&app, b"scene photo").await;
        let bundle = fazhi_app::transparency::make_bundle(&app, &a.subject)
            .await
            .unwrap();
        // The case's opening and the evidence added to it.
        assert_eq!((bundle.events.len(), bundle.attachments.len()), (2, 1));
        let key = fazhi_domain::checkpoint::parse_verifier_key(
            &app.log_signer.as_ref().unwrap().verifier_key(),
        )
        .unwrap();
        assert_eq!(
            fazhi_domain::bundle::verify_bundle(&bundle, &key)
                .unwrap()
                .events_verified,
            2
        );
        let mut changed = bundle.clone();
        changed.events[1].payload_json = changed.events[1].payload_json.replace("现场", "伪造");
        assert!(fazhi_domain::bundle::verify_bundle(&changed, &key).is_err());
        assert!(
            fazhi_app::transparency::make_bundle(&app, "case:404")
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn a_witness_cosignature_is_checked_with_the_witness_key_stored_once_and_logged() {
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        let app = app.with_log_key("fazhi.test/log", fazhi_app::log_key::Seed([9u8; 32]));
        let cp = fazhi_app::transparency::make_checkpoint(&app, false)
            .await
            .unwrap()
            .unwrap();
        let head = fazhi_domain::checkpoint::open_note(
            &cp.note,
            &[fazhi_domain::checkpoint::parse_verifier_key(
                &app.log_signer.as_ref().unwrap().verifier_key(),
            )
            .unwrap()],
        )
        .unwrap();
        let witness = [21u8; 32];
        let key = fazhi_domain::checkpoint::verifier_key_text(
            "司法局",
            &fazhi_domain::checkpoint::public_key(&witness),
        );
        let line = fazhi_domain::checkpoint::cosign(&head, "司法局", &witness, 1_795_000_000);
        let actor = actor(&app, "admin").await;
        let before = fazhi_store::events::size(&app.db).await.unwrap();
        fazhi_app::transparency::add_cosignature(&app, &actor, cp.size, &key, &line)
            .await
            .unwrap();
        assert_eq!(
            fazhi_store::events::size(&app.db).await.unwrap(),
            before + 1
        );
        let listed = fazhi_app::transparency::checkpoints(&app, 10)
            .await
            .unwrap();
        assert_eq!(
            listed
                .iter()
                .find(|p| p.checkpoint.size == cp.size)
                .unwrap()
                .cosignatures,
            vec![line.clone()]
        );
        assert!(matches!(
            fazhi_app::transparency::add_cosignature(&app, &actor, cp.size, &key, &line).await,
            Err(fazhi_app::AppError::Conflict { .. })
        ));
        let other = fazhi_domain::checkpoint::verifier_key_text(
            "司法局",
            &fazhi_domain::checkpoint::public_key(&[22u8; 32]),
        );
        let e = fazhi_app::transparency::add_cosignature(&app, &actor, cp.size, &other, &line)
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some("line"));
        let officer = fazhi_store::users::credentials_by_username(&app.db, "dh.officer1")
            .await
            .unwrap()
            .unwrap()
            .user;
        assert!(matches!(
            fazhi_app::transparency::add_cosignature(
                &app,
                &fazhi_app::auth::actor_of(&officer),
                cp.size,
                &key,
                &line
            )
            .await,
            Err(fazhi_app::AppError::Denied(_))
        ));
    }
}

#[tokio::test]
async fn both_read_paths_give_the_same_verdict_on_every_tampering_whatever_the_batches() {
    use fazhi_app::log_verify::{ReadPath, verify_with};
    // (SQLite, PostgreSQL): blobs have no portable functions.
    const fn same(sql: &'static str) -> (&'static str, &'static str) {
        (sql, sql)
    }
    let tamperings = [
        (
            "UPDATE events SET entry = CAST(entry || x'20' AS BLOB) WHERE id = 7",
            "UPDATE events SET entry = entry || '\\x20'::bytea WHERE id = 7",
        ),
        same("UPDATE events SET subject = 'test:1' WHERE id = 300"),
        same("UPDATE events SET agency_id = 2 WHERE id = 513"),
        same("DELETE FROM events WHERE id = 5"),
        same(
            "UPDATE events SET id = -3 WHERE id = 3; UPDATE events SET id = 3 WHERE id = 4; UPDATE events SET id = 4 WHERE id = -3;",
        ),
        same(
            "UPDATE log_tiles SET hashes = (SELECT hashes FROM log_tiles WHERE level = 0 AND idx = 1) WHERE level = 0 AND idx = 0",
        ),
        same("DELETE FROM log_tiles WHERE level = 0 AND idx = 1"),
        same(
            "UPDATE log_nodes SET hash = (SELECT hash FROM log_nodes WHERE level = 8 AND idx = 0) WHERE level = 8 AND idx = 1",
        ),
        same("DELETE FROM log_nodes WHERE level = 8 AND idx = 0"),
        // An event whose leaf is not stored yet: the checkpoint over it finds it.
        REWRITE_EVENT_550,
        // A leaf stored for the tile still filling, with another hash.
        same(
            "INSERT INTO log_nodes (level, idx, hash) SELECT 0, 520, hash FROM log_nodes WHERE level = 8 AND idx = 0",
        ),
        // A folded leaf put back beside its tile, with another hash.
        same(
            "INSERT INTO log_nodes (level, idx, hash) SELECT 0, 3, hash FROM log_nodes WHERE level = 8 AND idx = 0",
        ),
        same(
            "UPDATE checkpoints SET root = (SELECT hash FROM log_nodes WHERE level = 8 AND idx = 0)",
        ),
        // Same contents, another physical place: not a problem.
        same(
            "CREATE TABLE moved AS SELECT level, idx, hash FROM log_nodes WHERE level = 8 AND idx = 1; \
         DELETE FROM log_nodes WHERE level = 8 AND idx = 1; \
         INSERT INTO log_nodes (level, idx, hash) SELECT level, idx, hash FROM moved; DROP TABLE moved;",
        ),
    ];
    for (k, sql) in tamperings.iter().enumerate() {
        for t in testing::both().await {
            let (app, _db) = seeded(t).await;
            let app = app.with_log_key("fazhi.test/log", fazhi_app::log_key::Seed([9u8; 32]));
            fazhi_app::transparency::make_checkpoint(&app, false)
                .await
                .unwrap();
            let backend = app.db.backend();
            let sql = match backend {
                fazhi_store::Backend::Sqlite => sql.0,
                fazhi_store::Backend::Postgres => sql.1,
            };
            as_attacker(&app.db, sql).await.unwrap();
            let reference = verify_with(&app, &quiet, ReadPath::Rows, 4096)
                .await
                .unwrap();
            assert_eq!(
                reference.problem.is_none(),
                k == tamperings.len() - 1,
                "{backend:?}, tampering {k}: {:?}",
                reference.problem
            );
            for batch_rows in [5usize, 256, 4096] {
                let bulk = verify_with(&app, &quiet, ReadPath::Bulk, batch_rows)
                    .await
                    .unwrap();
                let rows = verify_with(&app, &quiet, ReadPath::Rows, batch_rows)
                    .await
                    .unwrap();
                // Counts depend on where the batch boundaries fall; the verdict does not.
                assert_eq!(
                    bulk, rows,
                    "{backend:?}, tampering {k}, batches of {batch_rows}"
                );
                assert_eq!(
                    bulk.problem, reference.problem,
                    "{backend:?}, tampering {k}, batches of {batch_rows}"
                );
            }
        }
    }
}

#[tokio::test]
async fn proofs_served_through_the_tree_cache_equal_proofs_read_from_the_database() {
    use fazhi_app::transparency::{self, TreeCache};
    use std::sync::Arc;
    for t in testing::both().await {
        let (app, _db) = seeded(t).await;
        // 600 events: the tree then has nodes of levels 8 and 9 (two and one),
        // which the cache keeps; the nodes below are read every time.
        assert_eq!(fazhi_store::events::size(&app.db).await.unwrap(), 600);
        // A fresh cache for every answer: each is read from the database.
        let cold = || {
            let mut a = app.clone();
            a.tree_cache = Arc::new(TreeCache::default());
            a
        };
        for (event, size) in [(1, 600), (300, 600), (511, 512), (600, 600), (257, 300)] {
            let first = transparency::inclusion(&app, event, Some(size))
                .await
                .unwrap();
            let again = transparency::inclusion(&app, event, Some(size))
                .await
                .unwrap();
            let fresh = transparency::inclusion(&cold(), event, Some(size))
                .await
                .unwrap();
            assert!(first.verified, "event {event} at {size}");
            assert_eq!(first, fresh, "event {event} at {size}");
            assert_eq!(again, fresh, "event {event} at {size}, from the cache");
        }
        for (from, to) in [(1, 600), (256, 600), (300, 512), (513, 599)] {
            let cached = transparency::consistency(&app, from, to).await.unwrap();
            let fresh = transparency::consistency(&cold(), from, to).await.unwrap();
            assert_eq!(cached, fresh, "{from} → {to}");
        }
        // Levels 8 and 9, and nodes of the right edge computed from the
        // leaves of the tile still filling (leaves 512–599): nothing else.
        let kept = app.tree_cache.node_ids();
        assert!(
            kept.iter().any(|id| id.level == 8 || id.level == 9),
            "{kept:?}"
        );
        assert!(
            kept.iter()
                .all(|id| id.level >= 8 || id.index << id.level >= 512),
            "only the nodes of level 8 and up and of the right edge are kept: {kept:?}"
        );
    }
}
