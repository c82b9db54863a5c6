//! The action log (执法全过程记录): append and read. Nothing else writes `events`.

use crate::log_tree;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::action_log::{
    CANONICAL_TAG, EntryColumns, Event, EventFields, NewEvent, leaf_hash_of,
};
use fazhi_domain::agency::AgencyPath;

/// An event as stored: its canonical encoding `entry` (the bytes its leaf
/// hashes) and, beside it for the indexes, its time, agency and subject.
#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: i64,
    at_us: i64,
    agency_id: Option<i64>,
    subject: String,
    pub(crate) entry: Vec<u8>,
}

/// The columns of [`Row`], as a read of `events e` selects them (a macro:
/// statements are `concat!`ed, static text, never formatted).
macro_rules! row_columns {
    () => {
        "e.id, e.at_us, e.agency_id, e.subject, e.entry"
    };
}
pub(crate) use row_columns;

impl Row {
    /// The columns kept beside the entry.
    pub(crate) fn columns(&self) -> EntryColumns<'_> {
        EntryColumns {
            id: self.id,
            at_us: self.at_us,
            agency_id: self.agency_id,
            subject: self.subject.as_bytes(),
        }
    }

    /// The event, when its entry decodes and the columns beside it agree.
    pub(crate) fn event(self) -> Result<Event, StoreError> {
        let corrupt =
            |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("event {}: {e}", self.id));
        let (fields, _) =
            EventFields::decode_stored(&self.entry, &self.columns()).map_err(|e| corrupt(&e))?;
        fields.to_event().map_err(|e| corrupt(&e))
    }
}

/// Rows to events, the first corrupt one an error.
pub(crate) fn decode_rows(rows: Vec<Row>) -> Result<Vec<Event>, StoreError> {
    rows.into_iter().map(Row::event).collect()
}

/// Append one event inside `tx`. Positions are gapless: the write transaction
/// is serialised (SQLite's single writer, PostgreSQL's advisory lock), so
/// `max + 1` is the next position.
///
/// The entry holds the position, which only the database knows: the
/// statement takes the encoding without its id (the tag before, the rest
/// after) and puts the id's 8 big-endian bytes between them, so an append is
/// still one statement (a `SELECT` of the next id first cost a fifth of the
/// append rate). The leaf is then hashed here from the same bytes.
///
/// The event's Merkle leaf is `H(0x00 ‖ entry)`, not stored while its leaf
/// tile fills; the event that fills it writes the tile, and every node it
/// completes, in the same transaction (see [`log_tree::append_base_hash`]).
pub async fn append(tx: &mut Tx, new: &NewEvent) -> Result<Event, StoreError> {
    // Position 0 until the database gives it one.
    let mut event = new.at_position(0);
    let mut entry = event.canonical_bytes();
    let (before, id_bytes, after) = (&entry[..ID_AT], ID_AT..ID_AT + 8, &entry[ID_AT + 8..]);
    let sql = match tx {
        Tx::Sqlite(_) => APPEND_SQLITE,
        Tx::Postgres(_) => APPEND_POSTGRES,
    };
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(sql)
            .bind(event.at_us)
            .bind(event.agency_id)
            .bind(&event.subject)
            .bind(before)
            .bind(after)
            .fetch_one(&mut *c)
            .await?
    });
    event.id = id;
    entry[id_bytes].copy_from_slice(&id.to_be_bytes());
    debug_assert_eq!(entry, event.canonical_bytes());
    log_tree::append_base_hash(tx, 0, id - 1, leaf_hash_of(&entry)).await?;
    Ok(event)
}

/// The append statement: the next id, and the entry with it spliced in
/// between `$4` and `$5`.
const APPEND_SQLITE: &str = "INSERT INTO events (id, at_us, agency_id, subject, entry) \
     SELECT n, $1, $2, $3, unhex(hex($4) || printf('%016llx', n) || hex($5)) \
     FROM (SELECT COALESCE(MAX(id), 0) + 1 AS n FROM events) RETURNING id";
const APPEND_POSTGRES: &str = "INSERT INTO events (id, at_us, agency_id, subject, entry) \
     SELECT n, $1, $2, $3, $4::bytea || int8send(n) || $5::bytea \
     FROM (SELECT COALESCE(MAX(id), 0) + 1 AS n FROM events) m RETURNING id";

/// Where an entry's id begins: after the tag `fazhi.event.v1`.
const ID_AT: usize = CANONICAL_TAG.len();

/// Events appended before the tree existed (databases made before migration
/// 0002) get their tiles and nodes now, oldest first: each full leaf tile
/// after the last one stored is written from its events' entries, as its
/// 256th append would have (see [`log_tree::append_base_hash`]), one
/// transaction each. Returns how many leaf tiles were written.
pub async fn catch_up_tree(db: &Db) -> Result<i64, StoreError> {
    let width = log_tree::WIDTH;
    let size = size(db).await?;
    let mut written = 0;
    let mut last = log_tree::leaves_in_tiles(db).await? + width;
    while last <= size {
        let mut tx = db.begin().await?;
        let leaf = log_tree::leaves_in_tx(&mut tx, last - 1, last).await?;
        log_tree::append_base_hash(&mut tx, 0, last - 1, leaf[0]).await?;
        tx.commit().await?;
        written += 1;
        last += width;
    }
    Ok(written)
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
        sqlx::query_as(concat!(
            "SELECT ",
            row_columns!(),
            " FROM events e WHERE e.subject = $1 ORDER BY e.id"
        ))
        .bind(subject)
        .fetch_all(c)
        .await?
    });
    decode_rows(rows)
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
        concat!("SELECT ", row_columns!(), " \
         FROM events e JOIN agencies a ON a.id = e.agency_id WHERE a.path LIKE $1 ORDER BY e.id DESC LIMIT $2")
    )
    .bind(&prefix)
    .bind(limit_rows)
    .fetch_all(c)
    .await?
    });
    decode_rows(rows)
}

/// The stored rows with ids in `(after_id, last_id]`, oldest first (a
/// verification batch), not decoded: verification reports a corrupt row as a
/// finding, not as a failure to read.
pub(crate) async fn rows_between(
    db: &Db,
    after_id: i64,
    last_id: i64,
) -> Result<Vec<Row>, StoreError> {
    Ok(on_db!(db, |c| {
        sqlx::query_as(concat!(
            "SELECT ",
            row_columns!(),
            " FROM events e WHERE e.id > $1 AND e.id <= $2 ORDER BY e.id"
        ))
        .bind(after_id)
        .bind(last_id)
        .fetch_all(c)
        .await?
    }))
}

/// Events with ids in `[from_id, from_id + limit)`, for verification passes.
pub async fn range(db: &Db, from_id: i64, limit_rows: i64) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<Row> = on_db!(db, |c| {
        sqlx::query_as(concat!(
            "SELECT ",
            row_columns!(),
            " FROM events e WHERE e.id >= $1 ORDER BY e.id LIMIT $2"
        ))
        .bind(from_id)
        .bind(limit_rows)
        .fetch_all(c)
        .await?
    });
    decode_rows(rows)
}
