//! The action log (执法全过程记录): append and read. Nothing else writes `events`.

use crate::log_tree;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::action_log::{Event, NewEvent, payload_text};
use fazhi_domain::agency::AgencyPath;

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: i64,
    at_us: i64,
    actor_user_id: Option<i64>,
    agency_id: Option<i64>,
    kind: String,
    subject: String,
    payload_json: String,
    salt: Vec<u8>,
}

impl From<Row> for Event {
    fn from(r: Row) -> Self {
        Event {
            id: r.id,
            at_us: r.at_us,
            actor_user_id: r.actor_user_id,
            agency_id: r.agency_id,
            kind: r.kind,
            subject: r.subject,
            payload_json: r.payload_json,
            salt: r.salt,
        }
    }
}

/// Append one event inside `tx`. Positions are gapless: the write transaction
/// is serialised (SQLite's single writer, PostgreSQL's advisory lock), so
/// `max + 1` is the next position.
///
/// The event's Merkle leaf, and every interior node it completes, are
/// written in the same transaction (see [`append_tree_nodes`]).
pub async fn append(tx: &mut Tx, new: &NewEvent) -> Result<Event, StoreError> {
    let payload_json = payload_text(&new.payload);
    let kind = new.kind.code();
    let salt = new.salt.to_vec();
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO events (id, at_us, actor_user_id, agency_id, kind, subject, payload_json, salt) \
         VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM events), $1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(new.at_us)
    .bind(new.actor_user_id)
    .bind(new.agency_id)
    .bind(kind)
    .bind(&new.subject)
    .bind(&payload_json)
    .bind(&salt)
    .fetch_one(&mut *c)
    .await?
    });
    let event = Event {
        id,
        at_us: new.at_us,
        actor_user_id: new.actor_user_id,
        agency_id: new.agency_id,
        kind: kind.to_owned(),
        subject: new.subject.clone(),
        payload_json,
        salt,
    };
    append_tree_nodes(tx, &event).await?;
    Ok(event)
}

/// Write the leaf of `event` (index `id - 1`), folding the tiles it fills
/// (see [`log_tree::append_base_hash`]).
pub async fn append_tree_nodes(tx: &mut Tx, event: &Event) -> Result<(), StoreError> {
    log_tree::append_base_hash(tx, 0, event.id - 1, event.leaf_hash()).await
}

/// Events appended before the tree existed (databases made before migration
/// 0002) get their leaves and nodes now, oldest first. Returns how many.
pub async fn catch_up_tree(db: &Db) -> Result<i64, StoreError> {
    const BATCH_ROWS: i64 = 1000;
    let mut added = 0;
    loop {
        let mut tx = db.begin().await?;
        let leaves = log_tree::leaf_count_in_tx(&mut tx).await?;
        let batch = range(db, leaves + 1, BATCH_ROWS).await?;
        if batch.is_empty() {
            tx.rollback().await?;
            return Ok(added);
        }
        for event in &batch {
            append_tree_nodes(&mut tx, event).await?;
        }
        tx.commit().await?;
        added += i64::try_from(batch.len()).unwrap_or(0);
    }
}

/// Number of events in the whole log (the tree size).
pub async fn size(db: &Db) -> Result<i64, StoreError> {
    Ok(on_db!(db, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) FROM events"
    )
    .fetch_one(c)
    .await?))
}

/// Events about one subject, oldest first.
pub async fn for_subject(db: &Db, subject: &str) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<Row> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT id, at_us, actor_user_id, agency_id, kind, subject, payload_json, salt FROM events \
         WHERE subject = $1 ORDER BY id"
    )
    .bind(subject)
    .fetch_all(c)
    .await?
    });
    Ok(rows.into_iter().map(Event::from).collect())
}

/// The newest events whose agency lies in `scope`, newest first.
pub async fn recent_in_scope(
    db: &Db,
    scope: &AgencyPath,
    limit_rows: i64,
) -> Result<Vec<Event>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let rows: Vec<Row> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT e.id, e.at_us, e.actor_user_id, e.agency_id, e.kind, e.subject, e.payload_json, e.salt \
         FROM events e JOIN agencies a ON a.id = e.agency_id WHERE a.path LIKE $1 ORDER BY e.id DESC LIMIT $2"
    )
    .bind(&prefix)
    .bind(limit_rows)
    .fetch_all(c)
    .await?
    });
    Ok(rows.into_iter().map(Event::from).collect())
}

/// Events with ids in `(after_id, last_id]`, oldest first (a verification batch).
pub async fn between(db: &Db, after_id: i64, last_id: i64) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<Row> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT id, at_us, actor_user_id, agency_id, kind, subject, payload_json, salt FROM events \
         WHERE id > $1 AND id <= $2 ORDER BY id"
    )
    .bind(after_id)
    .bind(last_id)
    .fetch_all(c)
    .await?
    });
    Ok(rows.into_iter().map(Event::from).collect())
}

/// Events with ids in `[from_id, from_id + limit)`, for verification passes.
pub async fn range(db: &Db, from_id: i64, limit_rows: i64) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<Row> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT id, at_us, actor_user_id, agency_id, kind, subject, payload_json, salt FROM events \
         WHERE id >= $1 ORDER BY id LIMIT $2"
    )
    .bind(from_id)
    .bind(limit_rows)
    .fetch_all(c)
    .await?
    });
    Ok(rows.into_iter().map(Event::from).collect())
}
