//! The action log (执法全过程记录): append and read. Nothing else writes `events`.

use crate::log_tree;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::action_log::{Event, NewEvent, interior_hash, payload_text};
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

/// Write the leaf of `event` (index `id - 1`) and each interior node it
/// completes: a node at index `i` is a right child when `i` is odd, and then
/// its parent `(level + 1, i / 2)` becomes complete. The left siblings are
/// read in one query and the new nodes written in one statement.
pub async fn append_tree_nodes(tx: &mut Tx, event: &Event) -> Result<(), StoreError> {
    let leaf_index = event.id - 1;
    let mut siblings = Vec::new();
    let (mut index, mut level) = (leaf_index, 0i64);
    while index % 2 == 1 {
        siblings.push((level, index - 1));
        index /= 2;
        level += 1;
    }
    let known = if siblings.is_empty() {
        Default::default()
    } else {
        log_tree::nodes_in_tx(tx, &siblings).await?
    };
    let mut hash = event.leaf_hash();
    let mut new_nodes = vec![(0i64, leaf_index, hash)];
    for (sibling_level, sibling_index) in siblings {
        let left = known.get(&(sibling_level, sibling_index)).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "log node ({sibling_level}, {sibling_index}) missing"
            ))
        })?;
        hash = interior_hash(left, &hash);
        new_nodes.push((sibling_level + 1, (sibling_index + 1) / 2, hash));
    }
    log_tree::insert_nodes(tx, &new_nodes).await
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

#[derive(sqlx::FromRow)]
struct RowWithLeaf {
    id: i64,
    at_us: i64,
    actor_user_id: Option<i64>,
    agency_id: Option<i64>,
    kind: String,
    subject: String,
    payload_json: String,
    salt: Vec<u8>,
    leaf: Option<Vec<u8>>,
}

/// Events with `id > after_id`, oldest first, at most `limit_rows`, each with
/// its stored Merkle leaf (level 0, index `id - 1`) or `None` when that row is
/// missing: one keyset-paginated read on the reader for verification passes.
pub async fn after_with_leaves(
    db: &Db,
    after_id: i64,
    limit_rows: i64,
) -> Result<Vec<(Event, Option<[u8; 32]>)>, StoreError> {
    let rows: Vec<RowWithLeaf> = on_db!(db, |c| {
        sqlx::query_as(
            "SELECT e.id, e.at_us, e.actor_user_id, e.agency_id, e.kind, e.subject, e.payload_json, \
             e.salt, n.hash AS leaf FROM events e \
             LEFT JOIN log_nodes n ON n.level = 0 AND n.idx = e.id - 1 \
             WHERE e.id > $1 ORDER BY e.id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit_rows)
        .fetch_all(c)
        .await?
    });
    rows.into_iter()
        .map(|r| {
            let leaf = match r.leaf {
                None => None,
                Some(bytes) => Some(bytes.try_into().map_err(|_| {
                    StoreError::Corrupt(format!("log node (0, {}) is not 32 bytes", r.id - 1))
                })?),
            };
            let event = Event {
                id: r.id,
                at_us: r.at_us,
                actor_user_id: r.actor_user_id,
                agency_id: r.agency_id,
                kind: r.kind,
                subject: r.subject,
                payload_json: r.payload_json,
                salt: r.salt,
            };
            Ok((event, leaf))
        })
        .collect()
}
