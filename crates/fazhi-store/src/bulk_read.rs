//! Reading many rows at once, natively on SQLite.
//!
//! sqlx's SQLite driver steps every row on a worker thread, hands it to the
//! async task through a channel and copies every column into its own
//! allocation: about 10 µs a row (measured for the indicators' task rows,
//! where SQLite itself needs under 1 µs). A statistic over a province's
//! year reads a million rows, so the few statements that read whole scopes
//! step them here instead, with `rusqlite` (the same bundled libsqlite3
//! sqlx links) on a blocking thread, on a read-only, memory-mapped
//! connection of their own.
//!
//! Every such statement keeps its portable sqlx form as well
//! ([`ReadPath::Rows`]), and a test checks that both give the same rows.
//! PostgreSQL always uses the portable form.

use crate::{Db, StoreError};

/// How a bulk statement is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadPath {
    /// Natively on SQLite (and, for the log scan, `COPY … (FORMAT binary)`
    /// on PostgreSQL); elsewhere as [`ReadPath::Rows`].
    Bulk,
    /// Through `sqlx` rows, the same queries on both backends.
    Rows,
}

/// The SQLite database file, when `db` is SQLite and `path` is `Bulk`.
pub(crate) fn native_file(db: &Db, path: ReadPath) -> Option<std::path::PathBuf> {
    match (path, db) {
        (ReadPath::Bulk, Db::Sqlite { reader, .. }) => {
            Some(reader.connect_options().get_filename().to_owned())
        }
        _ => None,
    }
}

/// A read-only connection for a bulk reader, memory-mapped: pages are read
/// in place instead of copied through the page cache.
pub(crate) fn sqlite_reader(file: &std::path::Path) -> Result<rusqlite::Connection, StoreError> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_millis(
        crate::db::SQLITE_BUSY_TIMEOUT_MS,
    ))?;
    conn.pragma_update(None, "mmap_size", SQLITE_MMAP_BYTES)?;
    Ok(conn)
}

/// Bytes of the database file a bulk reader maps (SQLite's own ceiling; the
/// rest of a larger file is read as usual).
const SQLITE_MMAP_BYTES: i64 = 0x7fff_0000;

/// Runs `read` on a blocking thread with a bulk reader of the SQLite file
/// `file`.
pub(crate) async fn with_sqlite<T, F>(file: std::path::PathBuf, read: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
{
    tokio::task::spawn_blocking(move || read(&sqlite_reader(&file)?))
        .await
        .map_err(|e| StoreError::Reader(e.to_string()))?
}

/// Whether the agencies under `prefix` (a `LIKE` pattern) are at least half
/// of all: a bulk read of such a scope walks its table in rowid order and
/// looks each row's agency up, which reads the table sequentially, where
/// going through an agency index reads one random table page per row.
pub(crate) fn scope_is_most(c: &rusqlite::Connection, prefix: &str) -> Result<bool, StoreError> {
    let (in_scope, all): (i64, i64) = c.query_row(
        "SELECT (SELECT COUNT(*) FROM agencies WHERE path LIKE ?1), (SELECT COUNT(*) FROM agencies)",
        [prefix],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(in_scope * 2 >= all)
}
