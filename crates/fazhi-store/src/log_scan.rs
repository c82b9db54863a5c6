//! One pass over the whole action log for `log verify`: the events in order,
//! each one's stored entry (its canonical encoding, the bytes its leaf
//! hashes) copied into one buffer per batch and decoded to check the columns
//! kept beside it, with the stored tree hashes the batch completes.
//!
//! Why not rows through `sqlx`: its SQLite driver hands every row from a
//! worker thread to the async task through a channel and copies every column
//! into its own allocation, which costs several µs per row, ten times what
//! hashing the row costs. So the events are read natively:
//!
//! - SQLite: a read-only `rusqlite` connection (the same bundled libsqlite3
//!   sqlx links) steps the rows on a blocking thread in one read transaction,
//!   copying borrowed column slices straight into the batch buffer.
//! - PostgreSQL: binary `COPY … TO STDOUT`, parsed here; the server produces
//!   the rows on its own core.
//!
//! Each row is five columns (id, time, agency, subject, entry). Reading the
//! eight columns the entry used to be encoded from cost the database about
//! twice what hashing costs (see `docs/benchmarks.md`).
//!
//! The tree is stored as tiles (see `log_tree`): a batch of 4,096 events
//! completes 16 leaf tiles and a few hashes of level 8, a handful of rows.
//! A SQLite reader reads them right after the batch's events, natively, in
//! the same snapshot. On PostgreSQL (and on the rows path) they are read by
//! key through `sqlx` by a task of their own, for the batch boundaries the
//! events should have, so reading them overlaps with reading the events.
//! Either way a batch whose events end elsewhere (an event is missing) has
//! the tree hashes of the boundaries it has, and is marked `reread`.
//!
//! Batches go through a bounded channel, so reading the next batch overlaps
//! with hashing this one (the verifier's time is about the larger of the two,
//! not their sum).
//!
//! [`ReadPath::Rows`] reads the events through `sqlx` rows (the portable
//! path); tests check that both give the same batches.

use crate::bulk_read::{CopyRows, sqlite_reader};
use crate::events::row_columns;
use crate::log_tree;
use crate::{Db, StoreError};
use fazhi_domain::action_log::{EntryColumns, EntryFault, EventFields};
use std::ops::Range;
use tokio::sync::mpsc;

type Hash = [u8; 32];

/// The PostgreSQL scan's statement: every event in id order, binary, to
/// `$to` (`STDOUT` for the scan; the benchmark also has the server write it
/// to `/dev/null`, to time the server's share alone).
macro_rules! pg_events_copy {
    ($to:literal) => {
        concat!(
            "COPY (SELECT ",
            crate::events::row_columns!(),
            " FROM events e ORDER BY e.id) TO ",
            $to,
            " (FORMAT binary)"
        )
    };
}
pub(crate) use pg_events_copy;

/// Batches read ahead of the one being hashed.
pub const SCAN_QUEUE_BATCHES: usize = 2;

pub use crate::bulk_read::ReadPath;

/// One event of a batch: its position and where its stored entry (the
/// canonical encoding), kind and payload lie in [`ScanBatch::encodings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedEvent {
    /// The row's `id` column.
    pub id: i64,
    pub bytes: Range<usize>,
    /// Empty when the row has a fault.
    pub kind: Range<usize>,
    pub payload_json: Range<usize>,
    /// What is wrong with the row besides its hash, if anything.
    pub fault: Option<EntryFault>,
}

/// The events with ids in `(first_leaf, first_leaf + batch_rows] ∩ (0, size]`
/// (batch `k` starts at `k · batch_rows`), with the stored tree rows they
/// complete. A batch has fewer events when some are missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanBatch {
    /// Leaves before this batch (the end of the previous one).
    pub first_leaf: i64,
    /// The last event id of the batch (`first_leaf` when it has none): the
    /// batch completes the nodes whose subtrees end in `(first_leaf, end_leaf]`.
    pub end_leaf: i64,
    /// Canonical encodings of the events, back to back.
    pub encodings: Vec<u8>,
    pub events: Vec<ScannedEvent>,
    /// Stored leaves `(idx, hash)` with `idx` in `[first_leaf, end_leaf)`, in
    /// order; a missing leaf is absent.
    pub leaves: Vec<(i64, Hash)>,
    /// Entry `l - 1`: the stored nodes of level `l` with `idx` in
    /// `[first_leaf >> l, end_leaf >> l)`, in order (as
    /// [`log_tree::stored_between`]; empty for a level that is not stored).
    pub nodes: Vec<Vec<(i64, Hash)>>,
    /// True when the tree hashes are those of this batch's own boundaries,
    /// not of the ones it should have had (its last events are missing; the
    /// read-ahead group, where there is one, was re-read).
    pub reread: bool,
}

impl ScanBatch {
    fn new(first_leaf: i64) -> Self {
        ScanBatch {
            first_leaf,
            end_leaf: first_leaf,
            ..ScanBatch::default()
        }
    }

    /// Where this batch's tree hashes end, `end` being where its events
    /// should: there, or (its last events missing) at its last event, which
    /// marks it `reread`.
    fn tree_end(&mut self, end: i64) -> i64 {
        if self.end_leaf == end || self.events.is_empty() {
            end
        } else {
            self.reread = true;
            self.end_leaf
        }
    }

    /// One stored row: its entry, decoded to find the kind and payload and
    /// to check the columns kept beside it.
    fn push_row(&mut self, columns: &EntryColumns<'_>, entry: &[u8]) {
        let start = self.encodings.len();
        self.encodings.extend_from_slice(entry);
        let shift = |r: Range<usize>| r.start + start..r.end + start;
        let (kind, payload_json, fault) = match EventFields::decode_stored(entry, columns) {
            Ok((_, spans)) => (shift(spans.kind), shift(spans.payload_json), None),
            // The verifier reports the fault before it reads kind or payload.
            Err(fault) => (start..start, start..start, Some(fault)),
        };
        self.events.push(ScannedEvent {
            id: columns.id,
            bytes: start..self.encodings.len(),
            kind,
            payload_json,
            fault,
        });
        self.end_leaf = columns.id;
    }
}

/// Threads reading events from SQLite, each its own batches (every other
/// one for two): stepping a row costs SQLite about twice what hashing it
/// costs, so the verifier waits for one reader. One core is left to the
/// verifier's hashing and the rest read, up to four readers. On two cores
/// that is one reader: a second one (measured, `fazhi log verify` of 300,000
/// events, nine runs each) made the median 0.31 s instead of 0.25 s, the
/// three threads taking turns on two cores.
pub fn sqlite_readers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get().saturating_sub(1))
        .unwrap_or(1)
        .clamp(1, SQLITE_READERS_MAX)
}

/// Most SQLite reader threads of one scan.
pub const SQLITE_READERS_MAX: usize = 4;

/// The batches `(first, end)` of a log of `size` in batches of `step` ids.
fn boundaries(size: i64, step: i64) -> impl Iterator<Item = (i64, i64)> {
    (0..)
        .map(move |k: i64| k.saturating_mul(step))
        .take_while(move |first| *first < size)
        .map(move |first| (first, first.saturating_add(step).min(size)))
}

/// Read events `1..=size` in batches of `batch_rows` ids, each with its tree
/// rows, into a bounded channel. The reader stops when the receiver is
/// dropped; an error ends the stream.
pub fn scan(
    db: &Db,
    size: i64,
    batch_rows: usize,
    path: ReadPath,
) -> mpsc::Receiver<Result<ScanBatch, StoreError>> {
    scan_with_readers(db, size, batch_rows, path, sqlite_readers())
}

/// [`scan`] with `readers` SQLite reader threads (tests try several).
pub fn scan_with_readers(
    db: &Db,
    size: i64,
    batch_rows: usize,
    path: ReadPath,
    readers: usize,
) -> mpsc::Receiver<Result<ScanBatch, StoreError>> {
    let readers = readers.clamp(1, SQLITE_READERS_MAX);
    let (tx, rx) = mpsc::channel(SCAN_QUEUE_BATCHES);
    let step = i64::try_from(batch_rows.max(1)).unwrap_or(i64::MAX);
    let mut sources = Vec::new();
    match (path, db) {
        (ReadPath::Bulk, Db::Sqlite { reader, .. }) => {
            let file = reader.connect_options().get_filename().to_owned();
            for r in 0..readers {
                let (events_tx, events_rx) = mpsc::channel(SCAN_QUEUE_BATCHES);
                sources.push(events_rx);
                let file = file.clone();
                tokio::task::spawn_blocking(move || {
                    let mine = boundaries(size, step).skip(r).step_by(readers);
                    if let Err(e) = sqlite_events(&file, mine, &events_tx) {
                        let _ = events_tx.blocking_send(Err(e));
                    }
                });
            }
        }
        (ReadPath::Bulk, Db::Postgres(_)) => {
            let (events_tx, events_rx) = mpsc::channel(SCAN_QUEUE_BATCHES);
            sources.push(events_rx);
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = postgres_events(&db, size, step, &events_tx).await {
                    let _ = events_tx.send(Err(e)).await;
                }
            });
        }
        (ReadPath::Rows, _) => {
            let (events_tx, events_rx) = mpsc::channel(SCAN_QUEUE_BATCHES);
            sources.push(events_rx);
            let db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = rows_events(&db, size, step, &events_tx).await {
                    let _ = events_tx.send(Err(e)).await;
                }
            });
        }
    }
    // SQLite readers read each batch's tree hashes themselves, in their own
    // snapshot; otherwise a task reads them ahead, by key.
    let tree = match (path, db) {
        (ReadPath::Bulk, Db::Sqlite { .. }) => None,
        _ => {
            let (tree_tx, tree_rx) = mpsc::channel(SCAN_QUEUE_BATCHES);
            let tree_db = db.clone();
            tokio::spawn(async move {
                if let Err(e) = tree_groups(&tree_db, size, step, &tree_tx).await {
                    let _ = tree_tx.send(Err(e)).await;
                }
            });
            Some(tree_rx)
        }
    };
    let db = db.clone();
    tokio::spawn(async move {
        if let Err(e) = join(&db, size, step, sources, tree, &tx).await {
            let _ = tx.send(Err(e)).await;
        }
    });
    rx
}

/// The stored tree hashes of each batch, in order. Stops when the receiver
/// is gone.
async fn tree_groups(
    db: &Db,
    size: i64,
    step: i64,
    out: &mpsc::Sender<Result<log_tree::StoredHashes, StoreError>>,
) -> Result<(), StoreError> {
    for (first, end) in boundaries(size, step) {
        let group = log_tree::stored_between(db, first, end).await?;
        if out.send(Ok(group)).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// Each batch of events, taken from the readers in turn, with its tree
/// hashes when `tree` reads them (else the reader did): the group read ahead
/// for its boundaries, or (when its last events are missing) the hashes of
/// the leaves it has.
async fn join(
    db: &Db,
    size: i64,
    step: i64,
    mut sources: Vec<mpsc::Receiver<Result<ScanBatch, StoreError>>>,
    mut tree: Option<mpsc::Receiver<Result<log_tree::StoredHashes, StoreError>>>,
    out: &mpsc::Sender<Result<ScanBatch, StoreError>>,
) -> Result<(), StoreError> {
    let readers = sources.len().max(1);
    for (k, (first, end)) in boundaries(size, step).enumerate() {
        let Some(batch) = sources[k % readers].recv().await else {
            return Ok(());
        };
        let mut batch = batch?;
        if batch.first_leaf != first {
            return Err(StoreError::Corrupt(format!(
                "log scan: batch at {} where {first} was expected",
                batch.first_leaf
            )));
        }
        if let Some(tree) = &mut tree {
            let Some(group) = tree.recv().await.transpose()? else {
                return Ok(());
            };
            let tree_end = batch.tree_end(end);
            (batch.leaves, batch.nodes) = if tree_end == end {
                group
            } else {
                log_tree::stored_between(db, first, tree_end).await?
            };
        }
        if out.send(Ok(batch)).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

fn int(v: rusqlite::types::ValueRef<'_>, what: &str) -> Result<i64, StoreError> {
    match v {
        rusqlite::types::ValueRef::Integer(i) => Ok(i),
        _ => Err(StoreError::Corrupt(format!("{what} is not an integer"))),
    }
}

fn blob<'a>(v: rusqlite::types::ValueRef<'a>, what: &str) -> Result<&'a [u8], StoreError> {
    match v {
        rusqlite::types::ValueRef::Blob(b) => Ok(b),
        _ => Err(StoreError::Corrupt(format!("{what} is not a blob"))),
    }
}

/// A SQLite events reader (on a blocking thread): the batches `mine`, in
/// one read transaction.
fn sqlite_events(
    file: &std::path::Path,
    mine: impl Iterator<Item = (i64, i64)>,
    tx: &mpsc::Sender<Result<ScanBatch, StoreError>>,
) -> Result<(), StoreError> {
    use rusqlite::types::ValueRef;
    let conn = sqlite_reader(file)?;
    // One read transaction per reader. Its snapshot, taken after the log's
    // size was read, holds every event of `mine` (the log only grows) and
    // every tree hash of them (a row leaves `log_nodes` only into its tile).
    conn.execute_batch("BEGIN")?;
    let mut events = conn.prepare(concat!(
        "SELECT ",
        row_columns!(),
        " FROM events e WHERE e.id > ?1 AND e.id <= ?2 ORDER BY e.id"
    ))?;

    fn opt_int(v: ValueRef<'_>, what: &str) -> Result<Option<i64>, StoreError> {
        match v {
            ValueRef::Null => Ok(None),
            v => int(v, what).map(Some),
        }
    }
    fn text<'a>(v: ValueRef<'a>, what: &str) -> Result<&'a [u8], StoreError> {
        match v {
            ValueRef::Text(t) => Ok(t),
            _ => Err(StoreError::Corrupt(format!("{what} is not text"))),
        }
    }

    for (first, end) in mine {
        let mut batch = ScanBatch::new(first);
        let mut rows = events.query((first, end))?;
        while let Some(row) = rows.next()? {
            let columns = EntryColumns {
                id: int(row.get_ref(0)?, "events.id")?,
                at_us: int(row.get_ref(1)?, "events.at_us")?,
                agency_id: opt_int(row.get_ref(2)?, "events.agency_id")?,
                subject: text(row.get_ref(3)?, "events.subject")?,
            };
            batch.push_row(&columns, blob(row.get_ref(4)?, "events.entry")?);
        }
        drop(rows);
        let tree_end = batch.tree_end(end);
        (batch.leaves, batch.nodes) = log_tree::stored_between_native(&conn, first, tree_end)?;
        if tx.blocking_send(Ok(batch)).is_err() {
            // The verifier stopped (it found a problem): nothing more to read.
            return Ok(());
        }
    }
    Ok(())
}

/// The portable events reader: the same batches through `sqlx` rows.
async fn rows_events(
    db: &Db,
    size: i64,
    step: i64,
    tx: &mpsc::Sender<Result<ScanBatch, StoreError>>,
) -> Result<(), StoreError> {
    for (first, end) in boundaries(size, step) {
        let mut batch = ScanBatch::new(first);
        for row in crate::events::rows_between(db, first, end).await? {
            batch.push_row(&row.columns(), &row.entry);
        }
        if tx.send(Ok(batch)).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// The PostgreSQL events reader. `COPY` takes no parameters, so the query
/// has none: the whole table is streamed in id order, cut into the batches,
/// and the client stops after `size` (rows appended meanwhile are not read:
/// the connection is closed).
async fn postgres_events(
    db: &Db,
    size: i64,
    step: i64,
    tx: &mpsc::Sender<Result<ScanBatch, StoreError>>,
) -> Result<(), StoreError> {
    let Db::Postgres(pool) = db else {
        return Ok(());
    };
    let mut conn = pool.acquire().await?;
    let result = async {
        let mut events = CopyRows::new(conn.copy_out_raw(pg_events_copy!("STDOUT")).await?);
        let drained = pg_batches(size, step, tx, &mut events).await?;
        if drained {
            events.finish().await?;
        }
        Ok::<bool, StoreError>(drained)
    }
    .await;
    match result {
        Ok(true) => Ok(()),
        // Stopped early or failed: the connection is mid-COPY; close it
        // rather than drain the rest of the table.
        Ok(false) => {
            conn.close_on_drop();
            Ok(())
        }
        Err(e) => {
            conn.close_on_drop();
            Err(e)
        }
    }
}

/// Batches cut from the event COPY stream (in id order); true when the
/// stream was read to its end.
async fn pg_batches<S, B>(
    size: i64,
    step: i64,
    tx: &mpsc::Sender<Result<ScanBatch, StoreError>>,
    events: &mut CopyRows<S>,
) -> Result<bool, StoreError>
where
    S: futures_util::Stream<Item = Result<B, sqlx::Error>> + Unpin,
    B: AsRef<[u8]>,
{
    // Whether the current tuple is read and not yet placed (it belongs to a
    // later batch), and whether the stream ended.
    let (mut pending, mut ended) = (false, false);
    for (first, end) in boundaries(size, step) {
        let mut batch = ScanBatch::new(first);
        while !ended {
            if !pending {
                if !events.next().await? {
                    ended = true;
                    break;
                }
                pending = true;
            }
            let id = events.int(0, "events.id")?;
            if id > end {
                break;
            }
            let columns = EntryColumns {
                id,
                at_us: events.int(1, "events.at_us")?,
                agency_id: events.opt_int(2, "events.agency_id")?,
                subject: events.bytes(3, "events.subject")?,
            };
            batch.push_row(&columns, events.bytes(4, "events.entry")?);
            pending = false;
        }
        if tx.send(Ok(batch)).await.is_err() {
            return Ok(false);
        }
    }
    // Events beyond `size` (appended after the verification began) are not read.
    Ok(ended)
}
