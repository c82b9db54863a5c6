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

/// Store the nodes `(level, first_idx + i) → hashes[i]` of a synthetic tree
/// for the proofs benchmark: `COPY … FROM STDIN (FORMAT binary)` on
/// PostgreSQL (2·10⁷ rows for 10⁷ leaves), multi-row inserts in one
/// transaction on SQLite.
pub async fn load_nodes(
    db: &Db,
    level: i64,
    first_idx: i64,
    hashes: &[[u8; 32]],
) -> Result<(), StoreError> {
    const ROWS_PER_STATEMENT: usize = 1000;
    const COPY_CHUNK_BYTES: usize = 1 << 20;
    match db {
        Db::Sqlite { .. } => {
            let mut tx = db.begin().await?;
            let mut idx = first_idx;
            for chunk in hashes.chunks(ROWS_PER_STATEMENT) {
                let rows: Vec<(i64, i64, [u8; 32])> = chunk
                    .iter()
                    .map(|h| {
                        idx += 1;
                        (level, idx - 1, *h)
                    })
                    .collect();
                crate::log_tree::insert_nodes(&mut tx, &rows).await?;
            }
            tx.commit().await
        }
        Db::Postgres(pool) => {
            use sqlx::postgres::PgPoolCopyExt;
            let mut copy = pool
                .copy_in_raw("COPY log_nodes (level, idx, hash) FROM STDIN (FORMAT binary)")
                .await?;
            // Binary COPY: signature, flags, header extension length, then
            // per row the field count and each field as length ‖ bytes.
            let mut buf = Vec::with_capacity(COPY_CHUNK_BYTES + 64);
            buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
            buf.extend_from_slice(&0i32.to_be_bytes());
            buf.extend_from_slice(&0i32.to_be_bytes());
            for (i, hash) in hashes.iter().enumerate() {
                let idx = first_idx + i64::try_from(i).unwrap_or(i64::MAX);
                buf.extend_from_slice(&3i16.to_be_bytes());
                buf.extend_from_slice(&8i32.to_be_bytes());
                buf.extend_from_slice(&level.to_be_bytes());
                buf.extend_from_slice(&8i32.to_be_bytes());
                buf.extend_from_slice(&idx.to_be_bytes());
                buf.extend_from_slice(&32i32.to_be_bytes());
                buf.extend_from_slice(hash);
                if buf.len() >= COPY_CHUNK_BYTES {
                    copy.send(std::mem::take(&mut buf)).await?;
                    buf.reserve(COPY_CHUNK_BYTES + 64);
                }
            }
            buf.extend_from_slice(&(-1i16).to_be_bytes());
            copy.send(buf).await?;
            copy.finish().await?;
            Ok(())
        }
    }
}

/// Refresh the planner's statistics after a bulk load (PostgreSQL; a
/// database grown by appends has them from autovacuum).
pub async fn analyze_nodes(db: &Db) -> Result<(), StoreError> {
    if let Db::Postgres(pool) = db {
        sqlx::query("ANALYZE log_nodes").execute(pool).await?;
    }
    Ok(())
}
