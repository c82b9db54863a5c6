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
                sqlx::query("UPDATE events SET kind = 'x' WHERE id = 1")
                    .execute(writer)
                    .await
                    .map(|_| ()),
                sqlx::query("DELETE FROM events WHERE id = 2")
                    .execute(writer)
                    .await
                    .map(|_| ()),
            ),
            Db::Postgres(pool) => (
                sqlx::query("UPDATE events SET kind = 'x' WHERE id = 1")
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

#[tokio::test]
async fn every_append_stores_its_leaf_and_the_interior_nodes_it_completes() {
    for t in testing::both().await {
        seed(&t.db, 37).await;
        let events = events::range(&t.db, 1, 100).await.unwrap();
        let leaves: Vec<[u8; 32]> = events.iter().map(|e| e.leaf_hash()).collect();
        assert_eq!(fazhi_store::log_tree::leaf_count(&t.db).await.unwrap(), 37);
        // Every complete subtree (level, idx) is stored with the hash the definition gives.
        for level in 0..6i64 {
            let width = 1usize << level;
            let stored = fazhi_store::log_tree::level_range(&t.db, level, 0, 1000)
                .await
                .unwrap();
            assert_eq!(stored.len(), 37 / width, "level {level}");
            for (idx, hash) in stored {
                let start = usize::try_from(idx).unwrap() * width;
                assert_eq!(
                    hash,
                    mth(&leaves[start..start + width]),
                    "node ({level}, {idx})"
                );
            }
        }
        // A batched read returns exactly the nodes asked for.
        let got = fazhi_store::log_tree::nodes(&t.db, &[(5, 0), (2, 8), (0, 36), (3, 9)])
            .await
            .unwrap();
        assert_eq!(got.len(), 3, "(3, 9) is incomplete and absent");
        assert_eq!(got[&(5, 0)], mth(&leaves[..32]));
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
async fn the_bulk_scan_reads_the_same_batches_as_sqlx_rows_even_with_rows_moved_or_missing() {
    use fazhi_store::log_scan::ReadPath;
    for t in testing::both().await {
        let backend = t.db.backend();
        seed(&t.db, 37).await;
        for batch_rows in [1usize, 5, 16, 100] {
            let (bulk, reread) = scanned(&t.db, batch_rows, ReadPath::Bulk).await;
            let (rows, _) = scanned(&t.db, batch_rows, ReadPath::Rows).await;
            assert_eq!(bulk, rows, "{backend:?}, batches of {batch_rows}");
            assert_eq!(
                reread, 0,
                "{backend:?}: rows in append order are used as read"
            );
            let events: usize = bulk.iter().map(|b| b.events.len()).sum();
            assert_eq!(events, 37);
        }
        // Move the leaf of event 6 and node (2, 1) to the end of the table
        // (same contents, other physical place): the rows between are held
        // until they come, and the batches come out the same, without a
        // re-read (a row moved further than `HELD_ROWS_MAX` costs its batch
        // a re-read: the unit tests of `log_scan`).
        testing::as_attacker(
            &t.db,
            "CREATE TABLE moved AS SELECT level, idx, hash FROM log_nodes WHERE (level = 0 AND idx = 5) OR (level = 2 AND idx = 1); \
             DELETE FROM log_nodes WHERE (level = 0 AND idx = 5) OR (level = 2 AND idx = 1); \
             INSERT INTO log_nodes (level, idx, hash) SELECT level, idx, hash FROM moved; DROP TABLE moved;",
        )
        .await
        .unwrap();
        let (bulk, reread) = scanned(&t.db, 4, ReadPath::Bulk).await;
        let (rows, _) = scanned(&t.db, 4, ReadPath::Rows).await;
        assert_eq!(bulk, rows, "{backend:?}: moved rows");
        assert_eq!(reread, 0, "{backend:?}: moved rows are placed by key");
        // A missing interior node is absent from both.
        testing::as_attacker(&t.db, "DELETE FROM log_nodes WHERE level = 1 AND idx = 9")
            .await
            .unwrap();
        let (bulk, reread) = scanned(&t.db, 4, ReadPath::Bulk).await;
        let (rows, _) = scanned(&t.db, 4, ReadPath::Rows).await;
        assert_eq!(bulk, rows, "{backend:?}: missing node");
        assert_eq!(
            reread, 1,
            "{backend:?}: the batch of the missing node is re-read"
        );
        let level1: Vec<i64> = bulk
            .iter()
            .flat_map(|b| b.nodes.first().into_iter().flatten().map(|(i, _)| *i))
            .collect();
        assert!(!level1.contains(&9) && level1.contains(&8), "{backend:?}");
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
