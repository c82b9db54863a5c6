//! Each registry record's history: which action-log events changed it.
//!
//! An import is one event for many rows, so the event alone cannot say which
//! records it touched; `record_events` is that index, written in the event's
//! transaction and never updated.

use crate::events::{Row, row_columns};
use crate::registry::Change;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::action_log::Event;

/// Rows per multi-row `INSERT` (2 bound parameters each): small, because
/// sqlx-sqlite's binding cost grows with the square of the parameter count.
const ROWS_PER_INSERT: usize = 100;

/// Kinds of record with a history.
pub const RECORD_KINDS: [&str; 6] = [
    "entity",
    "officer",
    "power",
    "discretion",
    "spot_check",
    "no_penalty",
];

/// Record that `event_id` inserted or updated each record in `keys`.
/// Unchanged records are skipped: the event did nothing to them.
pub async fn record(
    tx: &mut Tx,
    record_kind: &str,
    keys: &[(String, Change)],
    event_id: i64,
) -> Result<(), StoreError> {
    let changed: Vec<(&str, &'static str)> = keys
        .iter()
        .filter_map(|(k, c)| match c {
            Change::Inserted => Some((k.as_str(), "inserted")),
            Change::Updated => Some((k.as_str(), "updated")),
            Change::Unchanged => None,
        })
        .collect();
    for chunk in changed.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${}, $2, ${})", 3 + 2 * i, 4 + 2 * i))
            .collect();
        let sql = format!(
            "INSERT INTO record_events (record_kind, record_key, event_id, change) VALUES {}",
            values.join(", ")
        );
        on_tx!(tx, |c| {
            let mut q = // Only placeholders are formatted in; every value is bound.
            sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(record_kind).bind(event_id);
            for (key, change) in chunk {
                q = q.bind(*key).bind(*change);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(())
}

/// One line of a record's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub event: Event,
    /// `inserted` or `updated`.
    pub change: String,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    #[sqlx(flatten)]
    event: Row,
    change: String,
}

/// Events that changed one record, oldest first.
pub async fn of_record(
    db: &Db,
    record_kind: &str,
    record_key: &str,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows: Vec<HistoryRow> = on_db!(db, |c| {
        sqlx::query_as(concat!(
            "SELECT ",
            row_columns!(),
            ", r.change \
             FROM record_events r JOIN events e ON e.id = r.event_id \
             WHERE r.record_kind = $1 AND r.record_key = $2 ORDER BY e.id"
        ))
        .bind(record_kind)
        .bind(record_key)
        .fetch_all(c)
        .await?
    });
    rows.into_iter()
        .map(|r| {
            Ok(HistoryEntry {
                event: r.event.event()?,
                change: r.change,
            })
        })
        .collect()
}

/// A record's version: the id of the last event that changed it (0 if none).
/// Edit forms carry it; an edit whose version is no longer current lost a race
/// and is refused. Event ids only grow, so this never repeats, whatever the clock.
pub async fn version(db: &Db, record_kind: &str, record_key: &str) -> Result<i64, StoreError> {
    let v: Option<i64> = on_db!(db, |c| {
        sqlx::query_scalar(VERSION_SQL)
            .bind(record_kind)
            .bind(record_key)
            .fetch_one(c)
            .await?
    });
    Ok(v.unwrap_or(0))
}

/// [`version`] inside a write transaction (writes are serialised, so the
/// check and the change that follows cannot interleave with another edit).
pub async fn version_in(
    tx: &mut Tx,
    record_kind: &str,
    record_key: &str,
) -> Result<i64, StoreError> {
    let v: Option<i64> = on_tx!(tx, |c| {
        sqlx::query_scalar(VERSION_SQL)
            .bind(record_kind)
            .bind(record_key)
            .fetch_one(&mut *c)
            .await?
    });
    Ok(v.unwrap_or(0))
}

const VERSION_SQL: &str =
    "SELECT MAX(event_id) FROM record_events WHERE record_kind = $1 AND record_key = $2";
