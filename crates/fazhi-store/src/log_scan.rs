//! One pass over the whole action log for `log verify`: the events in order,
//! each encoded canonically into one buffer per batch, with the stored leaves
//! and the interior nodes the batch completes.
//!
//! Why not rows through `sqlx`: its SQLite driver hands every row from a
//! worker thread to the async task through a channel and copies every column
//! into its own allocation, which costs several µs per row, ten times what
//! hashing the row costs. Verification reads three rows per event (the
//! event, its leaf and about one interior node), so the bulk paths read them
//! natively:
//!
//! - SQLite: a read-only `rusqlite` connection (the same bundled libsqlite3
//!   sqlx links) steps the rows on a blocking thread in one read transaction,
//!   encoding borrowed column slices straight into the batch buffer.
//! - PostgreSQL: binary `COPY … TO STDOUT` on two connections (events in id
//!   order, nodes in physical order), parsed here; the server produces the
//!   rows on its own core.
//!
//! Batches go through a bounded channel, so reading the next batch overlaps
//! with hashing this one (the verifier's time is about the larger of the two,
//! not their sum).
//!
//! Nodes are read in physical order, which is about the order appends wrote
//! them (a leaf, then the nodes it completes, level by level): the rows a
//! batch completes arrive together, with no index lookup per row. On SQLite it
//! is exactly that order; on PostgreSQL each pooled connection extends the
//! table into a page of its own, so nearby rows interleave. Each row is
//! placed by its key, and rows of later batches are held (up to
//! `HELD_ROWS_MAX`). That order is a speed-up only, never trusted: a batch
//! not given every expected `(level, idx)` key exactly once is re-read by
//! primary key, so a row moved far, missing or repeated is found the same way
//! as on the portable path.
//!
//! [`ReadPath::Rows`] reads the same batches through `sqlx` rows (the
//! portable path); tests check that both give the same verdict.

use crate::bulk_read::{CopyRows, sqlite_reader};
use crate::log_tree;
use crate::{Db, StoreError};
use fazhi_domain::action_log::EventFields;
use std::ops::Range;
use tokio::sync::mpsc;

type Hash = [u8; 32];

/// A batch's stored leaves and, per level from 1, its stored interior nodes.
type TreeRows = (Vec<(i64, Hash)>, Vec<Vec<(i64, Hash)>>);

/// Batches read ahead of the one being hashed.
pub const SCAN_QUEUE_BATCHES: usize = 2;

/// Deepest tree level (2^62 leaves).
const LEVEL_MAX: i64 = 62;

pub use crate::bulk_read::ReadPath;

/// One event of a batch: its position and where its canonical encoding, kind
/// and payload lie in [`ScanBatch::encodings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedEvent {
    pub id: i64,
    pub bytes: Range<usize>,
    pub kind: Range<usize>,
    pub payload_json: Range<usize>,
}

/// Consecutive events (by id, at most the requested size) with the stored
/// tree rows they complete.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanBatch {
    /// Leaves before this batch (the end of the previous one).
    pub first_leaf: i64,
    /// The last event id of the batch: the batch completes the nodes whose
    /// subtrees end in `(first_leaf, end_leaf]`.
    pub end_leaf: i64,
    /// Canonical encodings of the events, back to back.
    pub encodings: Vec<u8>,
    pub events: Vec<ScannedEvent>,
    /// Stored leaves `(idx, hash)` with `idx` in `[first_leaf, end_leaf)`, in
    /// order; a missing leaf is absent.
    pub leaves: Vec<(i64, Hash)>,
    /// Entry `l - 1`: the stored nodes of level `l` with `idx` in
    /// `[first_leaf >> l, end_leaf >> l)`, in order (as [`log_tree::completed_by`]).
    pub nodes: Vec<Vec<(i64, Hash)>>,
    /// True when the nodes had to be re-read by key (they were not in
    /// append order where they are stored).
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

    /// Takes the node reader's group if this batch ended where a batch of
    /// `batch_rows` of a log of `size` should; otherwise marks the batch for
    /// a re-read by key and returns false.
    fn take_group(&mut self, group: Option<TreeRows>, batch_rows: usize, size: i64) -> bool {
        let expected_end =
            (self.first_leaf + i64::try_from(batch_rows).unwrap_or(i64::MAX)).min(size);
        match group {
            Some((leaves, nodes)) if self.end_leaf == expected_end => {
                self.leaves = leaves;
                self.nodes = nodes;
                true
            }
            _ => {
                self.reread = true;
                false
            }
        }
    }

    fn push_event(&mut self, fields: &EventFields<'_>) {
        let start = self.encodings.len();
        let spans = fields.encode_into(&mut self.encodings);
        self.events.push(ScannedEvent {
            id: fields.id,
            bytes: start..self.encodings.len(),
            kind: spans.kind,
            payload_json: spans.payload_json,
        });
        self.end_leaf = fields.id;
    }
}

/// Read events `1..=size` in batches of `batch_rows`, each with its tree
/// rows, into a bounded channel. The reader stops when the receiver is
/// dropped; an error ends the stream.
pub fn scan(
    db: &Db,
    size: i64,
    batch_rows: usize,
    path: ReadPath,
) -> mpsc::Receiver<Result<ScanBatch, StoreError>> {
    let (tx, rx) = mpsc::channel(SCAN_QUEUE_BATCHES);
    let batch_rows = batch_rows.max(1);
    let db = db.clone();
    match (path, &db) {
        (ReadPath::Bulk, Db::Sqlite { reader, .. }) => {
            let file = reader.connect_options().get_filename().to_owned();
            tokio::task::spawn_blocking(move || {
                if let Err(e) = sqlite_scan(&file, size, batch_rows, &tx) {
                    let _ = tx.blocking_send(Err(e));
                }
            });
        }
        (ReadPath::Bulk, Db::Postgres(_)) => {
            tokio::spawn(async move {
                if let Err(e) = postgres_scan(&db, size, batch_rows, &tx).await {
                    let _ = tx.send(Err(e)).await;
                }
            });
        }
        (ReadPath::Rows, _) => {
            tokio::spawn(async move {
                if let Err(e) = rows_scan(&db, size, batch_rows, &tx).await {
                    let _ = tx.send(Err(e)).await;
                }
            });
        }
    }
    rx
}

/// Groups the node rows of one batch into its levels, placing each by its
/// key, and tells whether every expected row came exactly once.
struct Grouper {
    first: i64,
    end: i64,
    /// Entry `l`: the slots of level `l`, `(first >> l)..(end >> l)` (level 0:
    /// leaves).
    levels: Vec<Vec<Option<Hash>>>,
    /// Expected rows not yet placed.
    remaining: usize,
    /// A row came twice or was not a hash.
    spoiled: bool,
}

enum Placed {
    /// Used, or belongs to an earlier batch, or to none.
    Taken,
    /// Completed by a later batch: keep it for that one.
    Later,
}

impl Grouper {
    fn new(first: i64, end: i64) -> Self {
        let mut levels = Vec::new();
        for level in 0..=LEVEL_MAX {
            let want = (end >> level) - (first >> level);
            if want <= 0 {
                break;
            }
            levels.push(vec![None; usize::try_from(want).unwrap_or(0)]);
        }
        let remaining = levels.iter().map(Vec::len).sum();
        Grouper {
            first,
            end,
            levels,
            remaining,
            spoiled: false,
        }
    }

    fn complete(&self) -> bool {
        self.remaining == 0
    }

    fn place(&mut self, level: i64, idx: i64, hash: &[u8]) -> Placed {
        if !(0..=LEVEL_MAX).contains(&level) || idx < 0 {
            // A row no batch expects: whatever it displaced is found missing by the count.
            return Placed::Taken;
        }
        // The leaf count at which node (level, idx) becomes complete.
        let done_at = (i128::from(idx) + 1) << level;
        if done_at <= i128::from(self.first) {
            return Placed::Taken;
        }
        if done_at > i128::from(self.end) {
            return Placed::Later;
        }
        let slot = usize::try_from(level)
            .ok()
            .and_then(|l| self.levels.get_mut(l))
            .zip(usize::try_from(idx - (self.first >> level)).ok())
            .and_then(|(row, at)| row.get_mut(at));
        match (slot, <[u8; 32]>::try_from(hash)) {
            (Some(slot @ None), Ok(hash)) => {
                *slot = Some(hash);
                self.remaining -= 1;
            }
            _ => self.spoiled = true,
        }
        Placed::Taken
    }

    /// `(leaves, nodes)` when every expected row came, once.
    fn finish(self) -> Option<TreeRows> {
        if self.spoiled || self.remaining > 0 {
            return None;
        }
        let first = self.first;
        let mut levels = self.levels.into_iter().enumerate().map(|(level, row)| {
            (first >> level..)
                .zip(row)
                .filter_map(|(idx, h)| Some((idx, h?)))
                .collect::<Vec<_>>()
        });
        let leaves = levels.next().unwrap_or_default();
        Some((leaves, levels.collect()))
    }
}

/// Rows of later batches a reader holds while it waits for the current
/// batch's last rows. Physical order is append order on SQLite, and nearly
/// so on PostgreSQL: each connection of the pool extends the table into a
/// page of its own, so rows appended through three connections interleave
/// over three pages (a few hundred rows). A batch still short when this many
/// later rows have come is given up and re-read by key, so a row moved far
/// away (or missing) costs its batch a re-read and no more memory.
const HELD_ROWS_MAX: usize = 16_384;

/// Cuts node rows read in (nearly) append order into the groups of the
/// batches `[k·batch_rows, (k+1)·batch_rows) ∩ [0, size)`, one after the
/// other. Rows completed by a later batch are held for it. Both bulk
/// readers use it.
struct Groups {
    size: i64,
    step: i64,
    first: i64,
    held: Vec<(i64, i64, Vec<u8>)>,
}

impl Groups {
    fn new(size: i64, batch_rows: usize) -> Self {
        Groups {
            size,
            step: i64::try_from(batch_rows).unwrap_or(i64::MAX),
            first: 0,
            held: Vec::new(),
        }
    }

    /// The next batch's grouper, with the held rows of that batch placed,
    /// and whether the group is already done (complete, or given up); `None`
    /// after the last batch.
    fn start(&mut self) -> Option<(Grouper, bool)> {
        if self.first >= self.size {
            return None;
        }
        let end = self.first.saturating_add(self.step).min(self.size);
        let mut grouper = Grouper::new(self.first, end);
        self.first = end;
        let mut later = Vec::new();
        for (level, idx, hash) in std::mem::take(&mut self.held) {
            if let Placed::Later = grouper.place(level, idx, &hash) {
                later.push((level, idx, hash));
            }
        }
        self.held = later;
        let done = grouper.complete() || self.held.len() >= HELD_ROWS_MAX;
        Some((grouper, done))
    }

    /// Place a row; true when the current group is done: complete, or given
    /// up because too many rows of later batches came first.
    fn place(&mut self, grouper: &mut Grouper, level: i64, idx: i64, hash: &[u8]) -> bool {
        if let Placed::Later = grouper.place(level, idx, hash) {
            self.held.push((level, idx, hash.to_vec()));
            return self.held.len() >= HELD_ROWS_MAX;
        }
        grouper.complete()
    }
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

/// The SQLite bulk reader (on a blocking thread). Events are read here and
/// the tree rows on a second thread with its own connection, so the two
/// scans and the verifier's hashing run side by side. The node thread groups
/// rows for the batch boundaries events should have (`batch_rows` ids each);
/// a batch whose events end elsewhere (an event is missing) or whose rows
/// were not in append order is re-read by key here.
fn sqlite_scan(
    file: &std::path::Path,
    size: i64,
    batch_rows: usize,
    tx: &mpsc::Sender<Result<ScanBatch, StoreError>>,
) -> Result<(), StoreError> {
    use rusqlite::types::ValueRef;
    let conn = sqlite_reader(file)?;
    // One read transaction: the events come from one snapshot. The node
    // thread's snapshot is as new or newer, and the tree is append-only, so
    // it holds every row of the first `size` leaves.
    conn.execute_batch("BEGIN")?;
    let mut events = conn.prepare(
        "SELECT id, at_us, actor_user_id, agency_id, kind, subject, payload_json, salt \
         FROM events WHERE id <= ?1 ORDER BY id",
    )?;
    let mut by_key = conn.prepare(
        "SELECT idx, hash FROM log_nodes WHERE level = ?1 AND idx >= ?2 AND idx < ?3 ORDER BY idx",
    )?;
    let mut event_rows = events.query([size])?;
    let (group_tx, group_rx) = std::sync::mpsc::sync_channel(SCAN_QUEUE_BATCHES);
    let node_file = file.to_owned();
    let node_thread = std::thread::spawn(move || {
        if let Err(e) = sqlite_node_groups(&node_file, size, batch_rows, &group_tx) {
            let _ = group_tx.send(Err(e));
        }
    });
    let mut first_leaf = 0i64;

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

    let result = loop {
        let mut batch = ScanBatch::new(first_leaf);
        while batch.events.len() < batch_rows {
            let Some(row) = event_rows.next()? else { break };
            let id = int(row.get_ref(0)?, "events.id")?;
            let fields = EventFields {
                id,
                at_us: int(row.get_ref(1)?, "events.at_us")?,
                actor_user_id: opt_int(row.get_ref(2)?, "events.actor_user_id")?,
                agency_id: opt_int(row.get_ref(3)?, "events.agency_id")?,
                kind: text(row.get_ref(4)?, "events.kind")?,
                subject: text(row.get_ref(5)?, "events.subject")?,
                payload_json: text(row.get_ref(6)?, "events.payload_json")?,
                salt: blob(row.get_ref(7)?, "events.salt")?,
            };
            batch.push_event(&fields);
        }
        if batch.events.is_empty() {
            break Ok(());
        }
        // The node thread's group for the boundaries this batch should have.
        let group = match group_rx.recv() {
            Ok(Ok(group)) => group,
            Ok(Err(e)) => break Err(e),
            Err(_) => None,
        };
        if !batch.take_group(group, batch_rows, size) {
            let mut levels = Vec::new();
            for level in 0..=LEVEL_MAX {
                let (from, to) = (batch.first_leaf >> level, batch.end_leaf >> level);
                if to <= from {
                    break;
                }
                let mut rows = by_key.query((level, from, to))?;
                let mut found = Vec::new();
                while let Some(row) = rows.next()? {
                    let idx = int(row.get_ref(0)?, "log_nodes.idx")?;
                    let hash = blob(row.get_ref(1)?, "log_nodes.hash")?;
                    found.push((idx, to_hash(hash, level, idx)?));
                }
                levels.push(found);
            }
            let mut levels = levels.into_iter();
            batch.leaves = levels.next().unwrap_or_default();
            batch.nodes = levels.collect();
        }
        first_leaf = batch.end_leaf;
        if tx.blocking_send(Ok(batch)).is_err() {
            // The verifier stopped (it found a problem): nothing more to read.
            break Ok(());
        }
    };
    // Stop the node thread (its next send fails) and wait for it.
    drop(group_rx);
    let _ = node_thread.join();
    result
}

/// The tree rows of each batch `[k·batch_rows, (k+1)·batch_rows) ∩ [0, size)`
/// read in physical (append) order, or `None` for a batch not given every
/// expected key exactly once. Stops when the receiver is gone.
fn sqlite_node_groups(
    file: &std::path::Path,
    size: i64,
    batch_rows: usize,
    out: &std::sync::mpsc::SyncSender<Result<Option<TreeRows>, StoreError>>,
) -> Result<(), StoreError> {
    let conn = sqlite_reader(file)?;
    conn.execute_batch("BEGIN")?;
    // `rowid` order is insertion order (append order); see the module comment.
    let mut nodes = conn.prepare("SELECT level, idx, hash FROM log_nodes ORDER BY rowid")?;
    let mut node_rows = nodes.query([])?;
    let mut groups = Groups::new(size, batch_rows);
    while let Some((mut grouper, mut complete)) = groups.start() {
        while !complete {
            let Some(row) = node_rows.next()? else { break };
            let level = int(row.get_ref(0)?, "log_nodes.level")?;
            let idx = int(row.get_ref(1)?, "log_nodes.idx")?;
            let hash = blob(row.get_ref(2)?, "log_nodes.hash")?;
            complete = groups.place(&mut grouper, level, idx, hash);
        }
        if out.send(Ok(grouper.finish())).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

fn to_hash(bytes: &[u8], level: i64, idx: i64) -> Result<Hash, StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("log node ({level}, {idx}) is not 32 bytes")))
}

/// The portable reader: the same batches through `sqlx` rows.
async fn rows_scan(
    db: &Db,
    size: i64,
    batch_rows: usize,
    tx: &mpsc::Sender<Result<ScanBatch, StoreError>>,
) -> Result<(), StoreError> {
    let limit = i64::try_from(batch_rows).unwrap_or(i64::MAX);
    let mut first_leaf = 0i64;
    let mut after = 0i64;
    loop {
        let rows = crate::events::after_with_leaves(db, after, limit).await?;
        let mut batch = ScanBatch::new(first_leaf);
        for (event, leaf) in rows.iter().take_while(|(e, _)| e.id <= size) {
            batch.push_event(&event.fields());
            if let Some(leaf) = leaf
                && event.id > first_leaf
            {
                batch.leaves.push((event.id - 1, *leaf));
            }
        }
        if batch.events.is_empty() {
            return Ok(());
        }
        batch.nodes = log_tree::completed_by(db, batch.first_leaf, batch.end_leaf).await?;
        after = batch.end_leaf;
        first_leaf = batch.end_leaf;
        if tx.send(Ok(batch)).await.is_err() {
            return Ok(());
        }
    }
}

/// The PostgreSQL bulk reader. `COPY` takes no parameters, so the queries
/// have none: the whole tables are streamed in order and the client stops at
/// `size` (rows appended meanwhile are drained unread). The tree rows are
/// parsed and grouped by a second task, as on SQLite, so both streams are
/// parsed side by side.
async fn postgres_scan(
    db: &Db,
    size: i64,
    batch_rows: usize,
    tx: &mpsc::Sender<Result<ScanBatch, StoreError>>,
) -> Result<(), StoreError> {
    let Db::Postgres(pool) = db else {
        return Ok(());
    };
    let mut event_conn = pool.acquire().await?;
    let mut node_conn = pool.acquire().await?;
    let (group_tx, mut group_rx) = mpsc::channel(SCAN_QUEUE_BATCHES);
    let node_task = tokio::spawn(async move {
        let result = pg_node_groups(&mut node_conn, size, batch_rows, &group_tx).await;
        match result {
            Ok(true) => {}
            // Stopped early or failed: the connection is mid-COPY; close it
            // rather than drain the rest of the table.
            Ok(false) => node_conn.close_on_drop(),
            Err(e) => {
                node_conn.close_on_drop();
                let _ = group_tx.send(Err(e)).await;
            }
        }
    });
    let result = async {
        let mut events = CopyRows::new(
            event_conn
                .copy_out_raw(
                    "COPY (SELECT id, at_us, actor_user_id, agency_id, kind, subject, payload_json, salt \
                     FROM events ORDER BY id) TO STDOUT (FORMAT binary)",
                )
                .await?,
        );
        let stopped = pg_batches(db, size, batch_rows, tx, &mut events, &mut group_rx).await?;
        if stopped {
            return Ok(true);
        }
        events.finish().await?;
        Ok::<bool, StoreError>(false)
    }
    .await;
    drop(group_rx);
    let _ = node_task.await;
    match result {
        Ok(false) => Ok(()),
        Ok(true) => {
            event_conn.close_on_drop();
            Ok(())
        }
        Err(e) => {
            event_conn.close_on_drop();
            Err(e)
        }
    }
}

/// The tree rows of each batch `[k·batch_rows, (k+1)·batch_rows) ∩ [0, size)`
/// from a binary COPY in physical (nearly append) order, or `None` for a
/// batch not given every expected key exactly once. True when the whole table
/// was read (the connection can be reused).
async fn pg_node_groups(
    conn: &mut sqlx::pool::PoolConnection<sqlx::Postgres>,
    size: i64,
    batch_rows: usize,
    out: &mpsc::Sender<Result<Option<TreeRows>, StoreError>>,
) -> Result<bool, StoreError> {
    // A synchronized scan may start in the middle of the table; the batches
    // would still verify (re-read by key) but slowly.
    sqlx::query("SET synchronize_seqscans = off")
        .execute(&mut **conn)
        .await?;
    {
        // Physical order, nearly append order (see `HELD_ROWS_MAX`). The
        // table form of `COPY` costs the server less than `COPY (SELECT …)`:
        // 0.33 s against 0.39–0.44 s for 300,000 nodes to /dev/null.
        let mut nodes = CopyRows::new(
            conn.copy_out_raw("COPY log_nodes (level, idx, hash) TO STDOUT (FORMAT binary)")
                .await?,
        );
        let mut groups = Groups::new(size, batch_rows);
        while let Some((mut grouper, mut complete)) = groups.start() {
            while !complete && nodes.next().await? {
                let level = nodes.int(0, "log_nodes.level")?;
                let idx = nodes.int(1, "log_nodes.idx")?;
                let hash = nodes.bytes(2, "log_nodes.hash")?;
                complete = groups.place(&mut grouper, level, idx, hash);
            }
            if out.send(Ok(grouper.finish())).await.is_err() {
                return Ok(false);
            }
        }
        nodes.finish().await?;
    }
    sqlx::query("RESET synchronize_seqscans")
        .execute(&mut **conn)
        .await?;
    Ok(true)
}

/// Batches from the event COPY stream and the node groups; true when the
/// receiver went away.
async fn pg_batches<S, B>(
    db: &Db,
    size: i64,
    batch_rows: usize,
    tx: &mpsc::Sender<Result<ScanBatch, StoreError>>,
    events: &mut CopyRows<S>,
    groups: &mut mpsc::Receiver<Result<Option<TreeRows>, StoreError>>,
) -> Result<bool, StoreError>
where
    S: futures_util::Stream<Item = Result<B, sqlx::Error>> + Unpin,
    B: AsRef<[u8]>,
{
    let mut first_leaf = 0i64;
    let mut events_done = false;
    loop {
        let mut batch = ScanBatch::new(first_leaf);
        while !events_done && batch.events.len() < batch_rows {
            if !events.next().await? {
                events_done = true;
                break;
            }
            let id = events.int(0, "events.id")?;
            if id > size {
                // Appended after the verification began.
                events_done = true;
                break;
            }
            let fields = EventFields {
                id,
                at_us: events.int(1, "events.at_us")?,
                actor_user_id: events.opt_int(2, "events.actor_user_id")?,
                agency_id: events.opt_int(3, "events.agency_id")?,
                kind: events.bytes(4, "events.kind")?,
                subject: events.bytes(5, "events.subject")?,
                payload_json: events.bytes(6, "events.payload_json")?,
                salt: events.bytes(7, "events.salt")?,
            };
            batch.push_event(&fields);
        }
        if batch.events.is_empty() {
            return Ok(false);
        }
        let group = match groups.recv().await {
            Some(Ok(group)) => group,
            Some(Err(e)) => return Err(e),
            None => None,
        };
        if !batch.take_group(group, batch_rows, size) {
            batch.leaves = log_tree::level_between(db, 0, batch.first_leaf, batch.end_leaf).await?;
            batch.nodes = log_tree::completed_by(db, batch.first_leaf, batch.end_leaf).await?;
        }
        first_leaf = batch.end_leaf;
        if tx.send(Ok(batch)).await.is_err() {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(b: u8) -> Vec<u8> {
        vec![b; 32]
    }

    /// Rows of a tree of `n` leaves in append order.
    fn append_order(n: i64) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        for leaf in 0..n {
            out.push((0, leaf));
            let (mut idx, mut level) = (leaf, 0);
            while idx % 2 == 1 {
                idx /= 2;
                level += 1;
                out.push((level, idx));
            }
        }
        out
    }

    fn group(rows: &[(i64, i64)], first: i64, end: i64) -> Option<Vec<Vec<(i64, Hash)>>> {
        let mut g = Grouper::new(first, end);
        for (level, idx) in rows {
            let _ = g.place(*level, *idx, &h(1));
        }
        g.finish().map(|(leaves, mut nodes)| {
            nodes.insert(0, leaves);
            nodes
        })
    }

    #[test]
    fn append_order_groups_into_the_ranges_completed_by_reads() {
        let rows = append_order(37);
        for (first, end) in [(0, 37), (0, 1), (5, 16), (16, 37), (3, 4)] {
            let levels = group(&rows, first, end).unwrap();
            for (level, found) in levels.iter().enumerate() {
                let idx: Vec<i64> = found.iter().map(|(i, _)| *i).collect();
                let want: Vec<i64> = ((first >> level)..(end >> level)).collect();
                assert_eq!(idx, want, "level {level}, batch ({first}, {end}]");
            }
            let levels_with_rows = (0..63).take_while(|l| (end >> l) > (first >> l)).count();
            assert_eq!(levels.len(), levels_with_rows);
        }
    }

    #[test]
    fn rows_out_of_order_within_a_batch_are_placed_by_their_key() {
        let rows = append_order(16);
        let untouched = group(&rows, 0, 16).unwrap();
        let mut moved = rows.clone();
        let row = moved.remove(3);
        moved.push(row);
        assert_eq!(group(&moved, 0, 16).unwrap(), untouched, "moved");
        let mut reversed = rows.clone();
        reversed.reverse();
        assert_eq!(group(&reversed, 0, 16).unwrap(), untouched, "reversed");
    }

    #[test]
    fn a_missing_or_repeated_row_makes_the_batch_be_reread() {
        let rows = append_order(16);
        let mut missing = rows.clone();
        missing.retain(|r| *r != (2, 1));
        assert!(group(&missing, 0, 16).is_none(), "missing");
        let mut repeated = rows.clone();
        repeated.insert(5, rows[2]);
        assert!(group(&repeated, 0, 16).is_none(), "repeated");
        let mut foreign = rows.clone();
        foreign.push((0, -1));
        assert!(
            group(&foreign, 0, 16).is_some(),
            "a row of no batch is ignored"
        );
    }

    /// Rows of a tree of `n` leaves appended through three connections: each
    /// connection's rows go to a page of its own, so the table interleaves
    /// them (as PostgreSQL did for the benchmark's log).
    fn interleaved(n: i64) -> Vec<(i64, i64)> {
        let mut connections: [Vec<(i64, i64)>; 3] = Default::default();
        for (i, transaction) in append_order(n).chunks(7).enumerate() {
            connections[i % 3].extend_from_slice(transaction);
        }
        let mut table = Vec::new();
        for page in 0.. {
            let before = table.len();
            for rows in &connections {
                if let Some(on_page) = rows.chunks(40).nth(page) {
                    table.extend_from_slice(on_page);
                }
            }
            if table.len() == before {
                break;
            }
        }
        table
    }

    /// What `Groups` makes of `rows` for batches of `step` leaves.
    fn cut(rows: &[(i64, i64)], size: i64, step: usize) -> Vec<Option<TreeRows>> {
        let mut groups = Groups::new(size, step);
        let mut rows = rows.iter();
        let mut out = Vec::new();
        while let Some((mut grouper, mut done)) = groups.start() {
            while !done {
                let Some((level, idx)) = rows.next() else {
                    break;
                };
                done = groups.place(&mut grouper, *level, *idx, &h(1));
            }
            out.push(grouper.finish());
        }
        out
    }

    #[test]
    fn batches_of_interleaved_pages_are_cut_as_those_of_append_order() {
        let (size, step) = (1000, 64);
        let want = cut(&append_order(size), size, step);
        assert!(want.iter().all(Option::is_some));
        let got = cut(&interleaved(size), size, step);
        assert_eq!(got, want);
    }

    #[test]
    fn a_row_moved_to_the_end_costs_only_its_batch_a_reread() {
        let size = 40_000;
        let mut rows = append_order(size);
        let row = rows.remove(10);
        rows.push(row);
        let got = cut(&rows, size, 4096);
        assert!(got[0].is_none(), "the batch of the moved row is re-read");
        assert!(got[1..].iter().all(Option::is_some), "the others are not");
    }

    #[test]
    fn a_node_of_the_wrong_length_makes_the_batch_be_reread() {
        let mut g = Grouper::new(0, 2);
        let _ = g.place(0, 0, &h(1));
        let _ = g.place(0, 1, &[1; 31]);
        let _ = g.place(1, 0, &h(1));
        assert!(g.finish().is_none());
    }
}
