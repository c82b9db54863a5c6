use crate::event;
use fazhi_domain::action_log::EventKind;
use fazhi_store::{Db, events, on_db, testing};

async fn seed(db: &Db, n: i64) {
    let mut tx = db.begin().await.unwrap();
    for i in 0..n {
        events::append(
            &mut tx,
            &event(EventKind::DemoSeeded, None, &format!("demo:{i}"), 1_000 + i),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn appended_events_get_gapless_positions_and_read_back_byte_for_byte() {
    for t in testing::both().await {
        seed(&t.db, 3).await;
        assert_eq!(events::size(&t.db).await.unwrap(), 3);
        let all = events::range(&t.db, 1, 10).await.unwrap();
        assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), vec![1, 2, 3]);
        let mut tx = t.db.begin().await.unwrap();
        let appended = events::append(&mut tx, &event(EventKind::UserCreated, None, "user:9", 5))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let read = events::for_subject(&t.db, "user:9").await.unwrap();
        assert_eq!(read, vec![appended.clone()]);
        assert_eq!(
            read[0].leaf_hash(),
            appended.leaf_hash(),
            "{:?}",
            t.db.backend()
        );
    }
}

#[tokio::test]
async fn database_triggers_refuse_update_and_delete_on_the_action_log() {
    for t in testing::both().await {
        seed(&t.db, 2).await;
        let backend = t.db.backend();
        let (update, delete) = match &t.db {
            Db::Sqlite { writer, .. } => (
                sqlx::query("UPDATE events SET subject = 'x' WHERE id = 1")
                    .execute(writer)
                    .await
                    .map(|_| ()),
                sqlx::query("DELETE FROM events WHERE id = 2")
                    .execute(writer)
                    .await
                    .map(|_| ()),
            ),
            Db::Postgres(pool) => (
                sqlx::query("UPDATE events SET subject = 'x' WHERE id = 1")
                    .execute(pool)
                    .await
                    .map(|_| ()),
                sqlx::query("DELETE FROM events WHERE id = 2")
                    .execute(pool)
                    .await
                    .map(|_| ()),
            ),
        };
        let update = update.expect_err("update must be refused").to_string();
        let delete = delete.expect_err("delete must be refused").to_string();
        assert!(update.contains("append-only"), "{backend:?}: {update}");
        assert!(delete.contains("append-only"), "{backend:?}: {delete}");
        if let Db::Postgres(pool) = &t.db {
            let truncate = sqlx::query("TRUNCATE events")
                .execute(pool)
                .await
                .expect_err("truncate refused");
            assert!(truncate.to_string().contains("append-only"));
        }
        assert_eq!(events::size(&t.db).await.unwrap(), 2, "{backend:?}");
    }
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_no_event() {
    for t in testing::both().await {
        let mut tx = t.db.begin().await.unwrap();
        events::append(&mut tx, &event(EventKind::UserCreated, None, "user:1", 1))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(events::size(&t.db).await.unwrap(), 0);
        let n: i64 = on_db!(&t.db, |c| sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(c)
            .await
            .unwrap());
        assert_eq!(n, 0);
    }
}

/// RFC 6962 §2.1 MTH, written from the definition, as an oracle.
fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    use fazhi_domain::action_log::interior_hash;
    match leaves.len() {
        0 => panic!("not used for empty trees"),
        1 => leaves[0],
        n => {
            // k: the largest power of two smaller than n.
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            interior_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// The leaf of every event (of a log of at most 1,000).
async fn all_leaves(db: &Db) -> Vec<[u8; 32]> {
    events::range(db, 1, 1000)
        .await
        .unwrap()
        .iter()
        .map(|e| e.leaf_hash())
        .collect()
}

/// Every stored tree row: `(level, idx, hash)` of `log_nodes` and `(level, idx, hashes)` of `log_tiles`.
async fn tree_rows(db: &Db) -> (Vec<(i64, i64, Vec<u8>)>, Vec<(i64, i64, Vec<u8>)>) {
    let nodes = on_db!(db, |c| sqlx::query_as(
        "SELECT level, idx, hash FROM log_nodes ORDER BY level, idx"
    )
    .fetch_all(c)
    .await
    .unwrap());
    let tiles = on_db!(db, |c| sqlx::query_as(
        "SELECT level, idx, hashes FROM log_tiles ORDER BY level, idx"
    )
    .fetch_all(c)
    .await
    .unwrap());
    (nodes, tiles)
}

#[tokio::test]
async fn appends_store_full_tiles_of_256_hashes_and_no_leaf_of_the_tile_still_filling() {
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 600).await;
        let events = events::range(&t.db, 1, 1000).await.unwrap();
        let leaves: Vec<[u8; 32]> = events.iter().map(|e| e.leaf_hash()).collect();
        let (nodes, tiles) = tree_rows(&t.db).await;
        // Two full leaf tiles, each the 256 leaves in order.
        assert_eq!(tiles.len(), 2, "{backend:?}");
        for (k, (level, idx, hashes)) in tiles.iter().enumerate() {
            assert_eq!((*level, *idx), (0, i64::try_from(k).unwrap()));
            assert_eq!(hashes, &leaves[k * 256..(k + 1) * 256].concat());
        }
        // The roots of the two full ones at level 8; the 88 leaves of the
        // third tile are their events' entries, hashed, and are not stored.
        let expected: Vec<(i64, i64, Vec<u8>)> = (0..2)
            .map(|k| {
                (
                    8,
                    k,
                    mth(&leaves[256 * k as usize..256 * (k as usize + 1)]).to_vec(),
                )
            })
            .collect();
        assert_eq!(nodes, expected, "{backend:?}");
        assert_eq!(fazhi_store::log_tree::stored_leaves(600), 512);
        assert!(
            !fazhi_store::log_tree::leaves_beyond(&t.db, 599)
                .await
                .unwrap()
        );
        assert!(
            fazhi_store::log_tree::leaves_beyond(&t.db, 511)
                .await
                .unwrap()
        );
        assert!(
            fazhi_store::log_tree::leaves_beyond(&t.db, 500)
                .await
                .unwrap()
        );
        // Any complete subtree is served, computed from the tile below it;
        // an incomplete one is absent.
        let got = fazhi_store::log_tree::nodes(
            &t.db,
            &[
                (5, 0),
                (2, 8),
                (0, 36),
                (0, 599),
                (9, 0),
                (8, 1),
                (7, 3),
                (3, 74),
                (3, 75),
                (10, 0),
            ],
        )
        .await
        .unwrap();
        assert_eq!(
            got.len(),
            8,
            "{backend:?}: (3, 75) and (10, 0) are incomplete"
        );
        assert_eq!(got[&(5, 0)].hash, mth(&leaves[..32]));
        assert_eq!(got[&(2, 8)].hash, mth(&leaves[32..36]));
        assert_eq!(got[&(0, 599)].hash, leaves[599]);
        assert_eq!(got[&(9, 0)].hash, mth(&leaves[..512]));
        assert_eq!(got[&(8, 1)].hash, mth(&leaves[256..512]));
        assert_eq!(got[&(7, 3)].hash, mth(&leaves[384..512]));
        assert_eq!(got[&(3, 74)].hash, mth(&leaves[592..600]));
        // From the tiles still filling (leaves 512–599, from their events; the level-8 hashes):
        assert!(got[&(3, 74)].unfolded && got[&(0, 599)].unfolded && got[&(9, 0)].unfolded);
        assert!(!got[&(7, 3)].unfolded && !got[&(5, 0)].unfolded);
    }
}

#[tokio::test]
async fn a_tree_stored_one_row_per_hash_is_folded_into_the_same_tiles() {
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 600).await;
        let appended = tree_rows(&t.db).await;
        // As migration 0021 leaves a database made before it: every hash of a
        // base level one row each, no tiles; then migration 0023's delete.
        let leaves = all_leaves(&t.db).await;
        let mut sql = String::from("DELETE FROM log_tiles; DELETE FROM log_nodes;");
        for (i, leaf) in leaves.iter().enumerate() {
            sql.push_str(&format!(
                "INSERT INTO log_nodes (level, idx, hash) VALUES (0, {i}, {});",
                blob(leaf, backend)
            ));
        }
        for k in 0..2usize {
            sql.push_str(&format!(
                "INSERT INTO log_nodes (level, idx, hash) VALUES (8, {k}, {});",
                blob(&mth(&leaves[256 * k..256 * (k + 1)]), backend)
            ));
        }
        sql.push_str(migration_0023_delete(backend));
        testing::as_attacker(&t.db, &sql).await.unwrap();
        assert_eq!(
            tree_rows(&t.db).await.0.len(),
            512 + 2,
            "{backend:?}: the leaves of full groups stay, to be folded"
        );
        assert_eq!(
            fazhi_store::log_tree::fold_rows_into_tiles(&t.db)
                .await
                .unwrap(),
            2,
            "{backend:?}"
        );
        assert_eq!(tree_rows(&t.db).await, appended, "{backend:?}");
        assert_eq!(
            fazhi_store::log_tree::fold_rows_into_tiles(&t.db)
                .await
                .unwrap(),
            0,
            "{backend:?}: nothing left to fold"
        );
    }
}

#[tokio::test]
async fn a_log_without_its_tree_gets_each_full_leaf_tile_and_the_nodes_above_on_migrate() {
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 600).await;
        let appended = tree_rows(&t.db).await;
        // As a database made before the tree (migration 0002): events only.
        testing::as_attacker(&t.db, "DELETE FROM log_tiles; DELETE FROM log_nodes;")
            .await
            .unwrap();
        assert_eq!(
            events::catch_up_tree(&t.db).await.unwrap(),
            2,
            "{backend:?}"
        );
        assert_eq!(tree_rows(&t.db).await, appended, "{backend:?}");
        // Whole again: `migrate` (which runs it at every start) writes nothing.
        t.db.migrate().await.unwrap();
        assert_eq!(
            events::catch_up_tree(&t.db).await.unwrap(),
            0,
            "{backend:?}"
        );
        assert_eq!(tree_rows(&t.db).await, appended, "{backend:?}");
    }
}

fn migration_0023(backend: fazhi_store::Backend) -> &'static str {
    match backend {
        fazhi_store::Backend::Sqlite => {
            include_str!("../../migrations/sqlite/0023_leaves_from_entries.sql")
        }
        fazhi_store::Backend::Postgres => {
            include_str!("../../migrations/postgres/0023_leaves_from_entries.sql")
        }
    }
}

/// The statement of migration 0023 that deletes stored leaves.
fn migration_0023_delete(backend: fazhi_store::Backend) -> &'static str {
    migration_0023(backend)
        .split_inclusive(';')
        .find(|s| s.contains("DELETE FROM log_nodes"))
        .unwrap()
}

#[tokio::test]
async fn migration_0023_drops_the_stored_leaves_of_the_leaf_tile_still_filling() {
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 600).await;
        let appended = tree_rows(&t.db).await;
        let leaves = all_leaves(&t.db).await;
        // As appends before 0023 left the log: the leaves 512–599 one row each,
        // and the index by time alone.
        let mut sql = String::from("CREATE INDEX events_at ON events(at_us);");
        for (i, leaf) in leaves.iter().enumerate().skip(512) {
            sql.push_str(&format!(
                "INSERT INTO log_nodes (level, idx, hash) VALUES (0, {i}, {});",
                blob(leaf, backend)
            ));
        }
        sql.push_str(migration_0023(backend));
        match &t.db {
            Db::Sqlite { writer, .. } => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(writer)
                .await
                .map(|_| ()),
            Db::Postgres(pool) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(pool)
                .await
                .map(|_| ()),
        }
        .unwrap();
        assert_eq!(tree_rows(&t.db).await, appended, "{backend:?}");
        // The tree still serves the leaves of the tile still filling, and
        // the trigger is back: a hash not folded into its tile stays.
        let got = fazhi_store::log_tree::nodes(&t.db, &[(0, 599), (3, 74)])
            .await
            .unwrap();
        assert_eq!(got[&(0, 599)].hash, leaves[599], "{backend:?}");
        assert_eq!(got[&(3, 74)].hash, mth(&leaves[592..600]), "{backend:?}");
        let delete = "DELETE FROM log_nodes WHERE level = 8 AND idx = 0";
        let refused = match &t.db {
            Db::Sqlite { writer, .. } => sqlx::query(delete).execute(writer).await.map(|_| ()),
            Db::Postgres(pool) => sqlx::query(delete).execute(pool).await.map(|_| ()),
        };
        assert!(refused.is_err(), "{backend:?}");
    }
}

/// A hash as an SQL blob literal (test data only).
fn blob(hash: &[u8; 32], backend: fazhi_store::Backend) -> String {
    match backend {
        fazhi_store::Backend::Sqlite => format!("x'{}'", hex::encode(hash)),
        fazhi_store::Backend::Postgres => format!("'\\x{}'::bytea", hex::encode(hash)),
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_a_tile_or_drop_a_hash_not_folded_into_its_tile() {
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 300).await;
        for sql in [
            "UPDATE log_tiles SET idx = 5 WHERE level = 0",
            "DELETE FROM log_tiles WHERE level = 0",
            "UPDATE log_nodes SET idx = 1000 WHERE level = 8 AND idx = 0",
            "DELETE FROM log_nodes WHERE level = 8 AND idx = 0",
        ] {
            let refused = match &t.db {
                Db::Sqlite { writer, .. } => sqlx::query(sql).execute(writer).await.map(|_| ()),
                Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
            };
            let e = refused.expect_err(sql).to_string();
            assert!(e.contains("append-only"), "{backend:?}: {sql}: {e}");
        }
        assert_eq!(tree_rows(&t.db).await.1.len(), 1, "{backend:?}");
    }
}

/// Every batch of a scan, without the `reread` flag (which says how, not what).
async fn scanned(
    db: &Db,
    batch_rows: usize,
    path: fazhi_store::log_scan::ReadPath,
) -> (Vec<fazhi_store::log_scan::ScanBatch>, usize) {
    let size = events::size(db).await.unwrap();
    let mut rx = fazhi_store::log_scan::scan(db, size, batch_rows, path);
    let (mut out, mut reread) = (Vec::new(), 0);
    while let Some(batch) = rx.recv().await {
        let mut batch = batch.unwrap();
        reread += usize::from(batch.reread);
        batch.reread = false;
        out.push(batch);
    }
    (out, reread)
}

#[tokio::test]
async fn the_bulk_scan_reads_the_same_batches_as_sqlx_rows_even_with_rows_missing() {
    use fazhi_store::log_scan::ReadPath;
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 600).await;
        for batch_rows in [1usize, 5, 100, 256, 4096] {
            let (bulk, reread) = scanned(&t.db, batch_rows, ReadPath::Bulk).await;
            let (rows, _) = scanned(&t.db, batch_rows, ReadPath::Rows).await;
            assert_eq!(bulk, rows, "{backend:?}, batches of {batch_rows}");
            assert_eq!(reread, 0, "{backend:?}: the tree is read ahead");
            let events: usize = bulk.iter().map(|b| b.events.len()).sum();
            assert_eq!(events, 600);
            let leaves: Vec<i64> = bulk
                .iter()
                .flat_map(|b| b.leaves.iter().map(|(i, _)| *i))
                .collect();
            // Those of the full leaf tiles: the others are not stored.
            assert_eq!(leaves, (0..512).collect::<Vec<_>>(), "{backend:?}");
            let level8: Vec<i64> = bulk
                .iter()
                .flat_map(|b| b.nodes.get(7).into_iter().flatten().map(|(i, _)| *i))
                .collect();
            assert_eq!(level8, vec![0, 1], "{backend:?}, batches of {batch_rows}");
            // Several SQLite readers, each every n-th batch, give the same batches.
            for readers in [2usize, 3] {
                let mut rx = fazhi_store::log_scan::scan_with_readers(
                    &t.db,
                    600,
                    batch_rows,
                    ReadPath::Bulk,
                    readers,
                );
                let mut got = Vec::new();
                while let Some(batch) = rx.recv().await {
                    got.push(batch.unwrap());
                }
                assert_eq!(
                    got, bulk,
                    "{backend:?}, {readers} readers, batches of {batch_rows}"
                );
            }
        }
        // A missing tile and a missing event: both paths read the same, and
        // the batch that lost its last event has its tree hashes re-read
        // (a leaf row put at the lost event's place is past its end).
        testing::as_attacker(
            &t.db,
            "DELETE FROM log_tiles WHERE level = 0 AND idx = 1; DELETE FROM events WHERE id = 560; \
             INSERT INTO log_nodes (level, idx, hash) SELECT 0, 559, hash FROM log_nodes WHERE level = 8 AND idx = 0",
        )
        .await
        .unwrap();
        let (bulk, reread) = scanned(&t.db, 16, ReadPath::Bulk).await;
        let (rows, _) = scanned(&t.db, 16, ReadPath::Rows).await;
        assert_eq!(bulk, rows, "{backend:?}: missing rows");
        assert_eq!(reread, 1, "{backend:?}: the batch (544, 560]");
        let leaves = bulk.iter().map(|b| b.leaves.len()).sum::<usize>();
        assert_eq!(
            leaves, 256,
            "{backend:?}: the first leaf tile's; leaf 559 is past the re-read batch's end"
        );
        let events: usize = bulk.iter().map(|b| b.events.len()).sum();
        assert_eq!(events, 599, "{backend:?}");
    }
}

#[tokio::test]
async fn the_bulk_scan_encodes_each_event_canonically() {
    use fazhi_store::log_scan::ReadPath;
    for t in testing::both().await {
        seed(&t.db, 3).await;
        let (bulk, _) = scanned(&t.db, 2, ReadPath::Bulk).await;
        let all = events::range(&t.db, 1, 10).await.unwrap();
        let encoded: Vec<Vec<u8>> = bulk
            .iter()
            .flat_map(|b| {
                b.events
                    .iter()
                    .map(|e| b.encodings[e.bytes.clone()].to_vec())
            })
            .collect();
        let expected: Vec<Vec<u8>> = all.iter().map(|e| e.canonical_bytes()).collect();
        assert_eq!(encoded, expected, "{:?}", t.db.backend());
        let b = &bulk[0];
        assert_eq!(&b.encodings[b.events[0].kind.clone()], b"demo.seeded");
    }
}

#[tokio::test]
async fn migration_0022_builds_each_stored_event_s_entry_as_the_application_encodes_it() {
    use fazhi_domain::action_log::{Event, NewEvent};
    for t in testing::both().await {
        let backend = t.db.backend();
        // Every optional field present and absent, multi-byte text, an empty payload.
        let mut tx = t.db.begin().await.unwrap();
        for (i, (actor, agency, subject, payload)) in [
            (None, None, "demo:1", serde_json::json!({})),
            (
                Some(3),
                Some(2),
                "案件:X卫罚〔2026〕7号",
                serde_json::json!({"当事人": "张三", "n": -1}),
            ),
            (
                Some(i64::from(i32::MAX) * 4),
                None,
                "user:12",
                serde_json::json!({"a": [1, 2]}),
            ),
            (None, Some(1), "", serde_json::json!("text")),
        ]
        .into_iter()
        .enumerate()
        {
            let new = NewEvent {
                at_us: 1_767_225_600_000_000 + i64::try_from(i).unwrap(),
                actor_user_id: actor,
                agency_id: agency,
                kind: EventKind::CaseStep,
                subject: subject.to_owned(),
                payload,
                salt: [u8::try_from(i * 60).unwrap(); 16],
            };
            events::append(&mut tx, &new).await.unwrap();
        }
        tx.commit().await.unwrap();
        let written: Vec<Event> = events::range(&t.db, 1, 10).await.unwrap();
        assert_eq!(written.len(), 4);

        // The table as it was before 0022, holding the same events.
        let (old_table, migration) = match backend {
            fazhi_store::Backend::Sqlite => (
                "DROP TABLE events; CREATE TABLE events (id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL, \
                 actor_user_id INTEGER, agency_id INTEGER, kind TEXT NOT NULL, subject TEXT NOT NULL, \
                 payload_json TEXT NOT NULL, salt BLOB NOT NULL);",
                include_str!("../../migrations/sqlite/0022_events_entry.sql"),
            ),
            fazhi_store::Backend::Postgres => (
                "DROP TABLE events; CREATE TABLE events (id BIGINT PRIMARY KEY, at_us BIGINT NOT NULL, \
                 actor_user_id BIGINT, agency_id BIGINT, kind TEXT NOT NULL, subject TEXT NOT NULL, \
                 payload_json TEXT NOT NULL, salt BYTEA NOT NULL);",
                include_str!("../../migrations/postgres/0022_events_entry.sql"),
            ),
        };
        testing::as_attacker(&t.db, old_table).await.unwrap();
        for e in &written {
            let salt = hex::encode(&e.salt);
            let salt = match backend {
                fazhi_store::Backend::Sqlite => format!("x'{salt}'"),
                fazhi_store::Backend::Postgres => format!("'\\x{salt}'::bytea"),
            };
            let opt = |v: Option<i64>| v.map_or("NULL".to_owned(), |v| v.to_string());
            let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
            testing::as_attacker(
                &t.db,
                &format!(
                    "INSERT INTO events VALUES ({}, {}, {}, {}, {}, {}, {}, {salt})",
                    e.id,
                    e.at_us,
                    opt(e.actor_user_id),
                    opt(e.agency_id),
                    quote(&e.kind),
                    quote(&e.subject),
                    quote(&e.payload_json),
                ),
            )
            .await
            .unwrap();
        }
        testing::as_attacker(&t.db, migration).await.unwrap();

        let migrated: Vec<(i64, Vec<u8>)> = on_db!(&t.db, |c| sqlx::query_as(
            "SELECT id, entry FROM events ORDER BY id"
        )
        .fetch_all(c)
        .await
        .unwrap());
        let expected: Vec<(i64, Vec<u8>)> = written
            .iter()
            .map(|e| (e.id, e.canonical_bytes()))
            .collect();
        assert_eq!(migrated, expected, "{backend:?}");
        assert_eq!(
            events::range(&t.db, 1, 10).await.unwrap(),
            written,
            "{backend:?}"
        );
        assert_eq!(
            events::for_subject(&t.db, "案件:X卫罚〔2026〕7号")
                .await
                .unwrap(),
            vec![written[1].clone()],
            "{backend:?}: the subject index is rebuilt"
        );
        // The new table is append-only too.
        let refused = match &t.db {
            Db::Sqlite { writer, .. } => sqlx::query("DELETE FROM events WHERE id = 1")
                .execute(writer)
                .await
                .map(|_| ()),
            Db::Postgres(pool) => sqlx::query("DELETE FROM events WHERE id = 1")
                .execute(pool)
                .await
                .map(|_| ()),
        };
        assert!(
            refused.unwrap_err().to_string().contains("append-only"),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_read_of_an_event_whose_index_column_was_changed_is_refused() {
    use fazhi_domain::action_log::EntryFault;
    use fazhi_store::log_scan::ReadPath;
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 3).await;
        testing::as_attacker(&t.db, "UPDATE events SET subject = 'demo:0' WHERE id = 2")
            .await
            .unwrap();
        let err = events::for_subject(&t.db, "demo:0").await.unwrap_err();
        assert!(
            err.to_string().contains("column subject differs"),
            "{backend:?}: {err}"
        );
        // The scan does not fail: it names the row's fault for the verifier.
        for path in [ReadPath::Bulk, ReadPath::Rows] {
            let (batches, _) = scanned(&t.db, 2, path).await;
            let faults: Vec<(i64, Option<EntryFault>)> = batches
                .iter()
                .flat_map(|b| b.events.iter().map(|e| (e.id, e.fault.clone())))
                .collect();
            assert_eq!(
                faults,
                vec![
                    (1, None),
                    (2, Some(EntryFault::Column("subject"))),
                    (3, None)
                ],
                "{backend:?} {path:?}"
            );
        }
    }
}

#[tokio::test]
async fn every_node_of_a_tree_with_upper_tiles_is_served_from_them() {
    use fazhi_domain::merkle::{NodeId, nodes_of_leaves};
    // 70,000 leaves: 273 full leaf tiles, one full tile of level-8 hashes
    // (65,536 leaves) and the hashes of the tiles still filling.
    let leaves: Vec<[u8; 32]> = (0u32..70_000)
        .map(|i| fazhi_domain::action_log::leaf_hash_of(&i.to_be_bytes()))
        .collect();
    let oracle = nodes_of_leaves(&leaves);
    let node = |level: i64, index: i64| {
        oracle[&NodeId {
            level: u8::try_from(level).unwrap(),
            index: u64::try_from(index).unwrap(),
        }]
    };
    for t in testing::both().await {
        let backend = t.db.backend();
        fazhi_store::bench::load_tree(
            &t.db,
            70_000,
            &|i| u32::try_from(i).unwrap().to_be_bytes().to_vec(),
            &|_| {},
        )
        .await
        .unwrap();
        let keys = [
            (16, 0),
            (15, 1),
            (8, 5),
            (10, 3),
            (0, 69_999),
            (3, 8_749),
            (12, 16),
            (8, 272),
        ];
        let got = fazhi_store::log_tree::nodes(&t.db, &keys).await.unwrap();
        for (level, index) in keys {
            assert_eq!(
                got[&(level, index)].hash,
                node(level, index),
                "{backend:?}: ({level}, {index})"
            );
        }
        // The whole tile of level-8 hashes (levels 8–15 over leaves 0–65,535) came along.
        for level in 8..16i64 {
            for index in 0..(256 >> (level - 8)) {
                assert_eq!(
                    got[&(level, index)].hash,
                    node(level, index),
                    "{backend:?}: ({level}, {index})"
                );
            }
        }
        assert!(!got.contains_key(&(16, 1)), "{backend:?}: incomplete");
        assert!(
            got[&(8, 272)].unfolded && !got[&(10, 3)].unfolded,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn the_benchmark_floors_under_verify_run_the_scans_own_copy_on_postgres_only() {
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 600).await;
        let drained = fazhi_store::bench::scan_copy_drained(&t.db).await.unwrap();
        let on_server = fazhi_store::bench::scan_copy_on_server(&t.db)
            .await
            .unwrap();
        match backend {
            fazhi_store::Backend::Sqlite => {
                assert_eq!((drained, on_server), (None, None));
            }
            fazhi_store::Backend::Postgres => {
                // Binary COPY: 19 bytes of header, 2 of trailer; per row a
                // field count and, per field, a length and the value (a NULL
                // agency has none).
                let rows: u64 = events::range(&t.db, 1, i64::MAX)
                    .await
                    .unwrap()
                    .iter()
                    .map(|e| {
                        let agency = if e.agency_id.is_some() { 8 } else { 0 };
                        2 + 5 * 4
                            + 8
                            + 8
                            + agency
                            + e.subject.len() as u64
                            + e.canonical_bytes().len() as u64
                    })
                    .sum();
                assert_eq!(drained, Some(19 + rows + 2), "every byte of every row");
                // The test role is the superuser the scripts set up.
                assert_eq!(on_server, Some(600));
            }
        }
    }
}
