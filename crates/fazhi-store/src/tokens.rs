//! API bearer tokens, stored as SHA-256 hashes.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub created_at_us: i64,
    pub revoked_at_us: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    user_id: i64,
    username: String,
    name: String,
    created_at_us: i64,
    revoked_at_us: Option<i64>,
}

impl From<Row> for ApiToken {
    fn from(r: Row) -> Self {
        ApiToken {
            id: r.id,
            user_id: r.user_id,
            username: r.username,
            name: r.name,
            created_at_us: r.created_at_us,
            revoked_at_us: r.revoked_at_us,
        }
    }
}

pub async fn insert(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    token_hash: &str,
    now_us: i64,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM api_tokens"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at_us) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(id)
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(now_us)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(id)
}

/// The user id owning a live (not revoked) token.
pub async fn user_for_hash(db: &Db, token_hash: &str) -> Result<Option<i64>, StoreError> {
    Ok(on_db!(db, |c| sqlx::query_scalar(
        "SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at_us IS NULL"
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await?))
}

pub async fn get(db: &Db, id: i64) -> Result<Option<ApiToken>, StoreError> {
    let row: Option<Row> = on_db!(db, |c| sqlx::query_as(
        "SELECT t.id, t.user_id, u.username, t.name, t.created_at_us, t.revoked_at_us \
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await?);
    Ok(row.map(ApiToken::from))
}

/// Tokens of users whose agency lies in the scope prefix.
pub async fn list_in_scope(db: &Db, scope_prefix: &str) -> Result<Vec<ApiToken>, StoreError> {
    let prefix = format!("{scope_prefix}%");
    let rows: Vec<Row> = on_db!(db, |c| sqlx::query_as(
        "SELECT t.id, t.user_id, u.username, t.name, t.created_at_us, t.revoked_at_us \
         FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id \
         WHERE a.path LIKE $1 ORDER BY t.id"
    )
    .bind(&prefix)
    .fetch_all(c)
    .await?);
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

pub async fn revoke(tx: &mut Tx, id: i64, now_us: i64) -> Result<u64, StoreError> {
    Ok(on_tx!(tx, |c| sqlx::query(
        "UPDATE api_tokens SET revoked_at_us = $1 WHERE id = $2 AND revoked_at_us IS NULL"
    )
    .bind(now_us)
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}
