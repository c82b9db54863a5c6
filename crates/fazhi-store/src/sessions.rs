//! Server-side login sessions. The cookie carries a random token; only its
//! SHA-256 is stored, so a database dump does not yield live sessions.

use crate::{Db, StoreError, Tx, on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at_us: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    user_id: i64,
    csrf_token: String,
    expires_at_us: i64,
}

pub async fn insert(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    now_us: i64,
    expires_at_us: i64,
) -> Result<(), StoreError> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at_us, expires_at_us) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(now_us)
    .bind(expires_at_us)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// The live session for a token hash, if any (expired sessions are not returned).
pub async fn get_live(
    db: &Db,
    token_hash: &str,
    now_us: i64,
) -> Result<Option<Session>, StoreError> {
    let row: Option<Row> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT user_id, csrf_token, expires_at_us FROM sessions WHERE token_hash = $1 AND expires_at_us > $2"
    )
    .bind(token_hash)
    .bind(now_us)
    .fetch_optional(c)
    .await?
    });
    Ok(row.map(|r| Session {
        user_id: r.user_id,
        csrf_token: r.csrf_token,
        expires_at_us: r.expires_at_us,
    }))
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<u64, StoreError> {
    Ok(on_tx!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}

/// Remove every session of a user (on deactivation or password change).
pub async fn delete_for_user(tx: &mut Tx, user_id: i64) -> Result<u64, StoreError> {
    Ok(on_tx!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}

pub async fn delete_expired(tx: &mut Tx, now_us: i64) -> Result<u64, StoreError> {
    Ok(on_tx!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE expires_at_us <= $1"
    )
    .bind(now_us)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}
