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
