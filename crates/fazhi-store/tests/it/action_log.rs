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
