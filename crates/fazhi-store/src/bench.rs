//! Physical baselines for `fazhi bench`: the same row shapes inserted raw,
//! one row per transaction, so the action log's overhead is a ratio measured
//! in the same run on the same machine.

use crate::{Db, StoreError, Tx, on_tx};

/// Create the scratch table (same columns as `events`, no triggers, no indexes).
pub async fn create_raw_table(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let ddl = match db.backend() {
        crate::Backend::Sqlite => {
            "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL, actor_user_id INTEGER, \
             agency_id INTEGER, kind TEXT NOT NULL, subject TEXT NOT NULL, payload_json TEXT NOT NULL, salt BLOB NOT NULL)"
        }
        crate::Backend::Postgres => {
            "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT PRIMARY KEY, at_us BIGINT NOT NULL, actor_user_id BIGINT, \
             agency_id BIGINT, kind TEXT NOT NULL, subject TEXT NOT NULL, payload_json TEXT NOT NULL, salt BYTEA NOT NULL)"
        }
    };
    on_tx!(&mut tx, |c| sqlx::query(ddl)
        .execute(&mut *c)
        .await?
        .rows_affected());
    tx.commit().await
}

/// Insert one raw row (the caller owns the transaction).
pub async fn insert_raw(
    tx: &mut Tx,
    id: i64,
    at_us: i64,
    subject: &str,
    payload_json: &str,
    salt: &[u8],
) -> Result<(), StoreError> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO bench_raw (id, at_us, actor_user_id, agency_id, kind, subject, payload_json, salt) \
         VALUES ($1, $2, NULL, NULL, 'bench', $3, $4, $5)"
    )
    .bind(id)
    .bind(at_us)
    .bind(subject)
    .bind(payload_json)
    .bind(salt)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}
