//! Evidence attachment records (the bytes are in the app's evidence store).

use crate::{Db, StoreError, Tx, on_db, on_tx};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub file_name: String,
    pub device_id: Option<String>,
    pub captured_at_us: Option<i64>,
    pub subject: String,
    pub agency_id: i64,
    pub added_by: i64,
    pub created_at_us: i64,
}

const SELECT: &str = "SELECT id, sha256, size_bytes, media_type, file_name, device_id, captured_at_us, subject, \
     agency_id, added_by, created_at_us FROM attachments";

pub async fn insert(tx: &mut Tx, a: &Attachment) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM attachments"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO attachments (id, sha256, size_bytes, media_type, file_name, device_id, captured_at_us, subject, \
         agency_id, added_by, created_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(id)
    .bind(&a.sha256)
    .bind(a.size_bytes)
    .bind(&a.media_type)
    .bind(&a.file_name)
    .bind(&a.device_id)
    .bind(a.captured_at_us)
    .bind(&a.subject)
    .bind(a.agency_id)
    .bind(a.added_by)
    .bind(a.created_at_us)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(id)
}

/// Every upload of a file by its hash, newest first. Each is its own
/// attachment (record, media type, name); the bytes are shared.
pub async fn all_by_hash(db: &Db, sha256: &str) -> Result<Vec<Attachment>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE sha256 = $1 ORDER BY id DESC"));
    Ok(on_db!(db, |c| sqlx::query_as(sql)
        .bind(sha256)
        .fetch_all(c)
        .await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Attachment>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
    Ok(on_db!(db, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await?))
}

pub async fn for_subject(db: &Db, subject: &str) -> Result<Vec<Attachment>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE subject = $1 ORDER BY id"));
    Ok(on_db!(db, |c| sqlx::query_as(sql)
        .bind(subject)
        .fetch_all(c)
        .await?))
}

/// Attachments with `id >= from_id`, in order (for verification passes).
pub async fn range(db: &Db, from_id: i64, limit_rows: i64) -> Result<Vec<Attachment>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id >= $1 ORDER BY id LIMIT $2"));
    Ok(on_db!(db, |c| sqlx::query_as(sql)
        .bind(from_id)
        .bind(limit_rows)
        .fetch_all(c)
        .await?))
}
