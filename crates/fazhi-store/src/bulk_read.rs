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
//! On PostgreSQL sqlx decodes each row by column name into its own
//! allocations too; the same statements run there as
//! `COPY (SELECT …) TO STDOUT (FORMAT binary)`, parsed in place by
//! [`CopyRows`]. `COPY` takes no bind parameters, so the values are set
//! first with `set_config(…, $n, true)` (bound, local to the transaction)
//! and the statement reads them back with `current_setting`.
//!
//! Every such statement keeps its portable sqlx form as well
//! ([`ReadPath::Rows`]), and a test checks that both give the same rows.

use crate::{Db, StoreError};
use futures_util::StreamExt;
use std::ops::Range;
use std::sync::Arc;

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
/// `file`, in one read transaction (one snapshot for all its statements).
pub(crate) async fn with_sqlite<T, F>(file: std::path::PathBuf, read: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let conn = sqlite_reader(&file)?;
        conn.execute_batch("BEGIN")?;
        let out = read(&conn)?;
        conn.execute_batch("COMMIT")?;
        Ok(out)
    })
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

/// Short texts that repeat down a bulk read (dates, codes, levels), each
/// kept once and shared. A province's million task rows hold a few hundred
/// distinct values per text column; a `String` per field was the largest
/// cost left in reading them (an allocation, a UTF-8 check and a free per
/// field, and the page faults of a heap that grows by hundreds of MB).
#[derive(Debug, Default)]
pub(crate) struct Interner(std::collections::HashMap<Box<[u8]>, Arc<str>>);

impl Interner {
    pub(crate) fn text(&mut self, bytes: &[u8], what: &str) -> Result<Arc<str>, StoreError> {
        if let Some(s) = self.0.get(bytes) {
            return Ok(Arc::clone(s));
        }
        let s: Arc<str> = std::str::from_utf8(bytes)
            .map_err(|_| StoreError::Corrupt(format!("{what} is not UTF-8")))?
            .into();
        self.0.insert(bytes.into(), Arc::clone(&s));
        Ok(s)
    }
}

/// Rows of a binary `COPY … TO STDOUT` stream, parsed in place.
pub(crate) struct CopyRows<S> {
    stream: S,
    buf: Vec<u8>,
    pos: usize,
    header_read: bool,
    trailer_read: bool,
    /// The fields of the current tuple: ranges into `buf`, `None` for NULL.
    fields: Vec<Option<Range<usize>>>,
}

/// Signature of PostgreSQL's binary COPY format.
pub(crate) const PGCOPY_SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

impl<S, B> CopyRows<S>
where
    S: futures_util::Stream<Item = Result<B, sqlx::Error>> + Unpin,
    B: AsRef<[u8]>,
{
    pub(crate) fn new(stream: S) -> Self {
        CopyRows {
            stream,
            buf: Vec::new(),
            pos: 0,
            header_read: false,
            trailer_read: false,
            fields: Vec::new(),
        }
    }

    /// Advance to the next tuple; false at the end of the data.
    pub(crate) async fn next(&mut self) -> Result<bool, StoreError> {
        loop {
            if let Some(more) = self.parse()? {
                return Ok(more);
            }
            match self.stream.next().await {
                Some(chunk) => {
                    let chunk = chunk?;
                    if self.pos > 0 && self.pos * 2 >= self.buf.len() {
                        self.buf.drain(..self.pos);
                        self.pos = 0;
                    }
                    self.buf.extend_from_slice(chunk.as_ref());
                }
                None if self.trailer_read => return Ok(false),
                None => return Err(corrupt_copy("the data ends inside a row")),
            }
        }
    }

    /// `Some(true)`: a tuple is in `fields`; `Some(false)`: the trailer was
    /// read and the stream drained; `None`: more bytes are needed.
    fn parse(&mut self) -> Result<Option<bool>, StoreError> {
        if self.trailer_read {
            return Ok(None);
        }
        let data = &self.buf[self.pos..];
        let mut at = 0usize;
        if !self.header_read {
            if data.len() < PGCOPY_SIGNATURE.len() + 8 {
                return Ok(None);
            }
            if &data[..PGCOPY_SIGNATURE.len()] != PGCOPY_SIGNATURE {
                return Err(corrupt_copy("no binary COPY signature"));
            }
            at = PGCOPY_SIGNATURE.len() + 4;
            let extension = be_i32(data, at).unwrap_or(0);
            let extension = usize::try_from(extension).map_err(|_| corrupt_copy("header"))?;
            at += 4 + extension;
            if data.len() < at {
                return Ok(None);
            }
            self.header_read = true;
            self.pos += at;
            return self.parse();
        }
        let Some(count) = be_i16(data, at) else {
            return Ok(None);
        };
        at += 2;
        if count == -1 {
            self.pos += at;
            self.trailer_read = true;
            return Ok(Some(false));
        }
        self.fields.clear();
        for _ in 0..count {
            let Some(len) = be_i32(data, at) else {
                return Ok(None);
            };
            at += 4;
            if len < 0 {
                self.fields.push(None);
                continue;
            }
            let len = usize::try_from(len).map_err(|_| corrupt_copy("field length"))?;
            if data.len() < at + len {
                return Ok(None);
            }
            self.fields.push(Some(self.pos + at..self.pos + at + len));
            at += len;
        }
        self.pos += at;
        Ok(Some(true))
    }

    /// Drain what is left, so the connection can be reused.
    pub(crate) async fn finish(&mut self) -> Result<(), StoreError> {
        while self.next().await? {}
        while let Some(chunk) = self.stream.next().await {
            chunk?;
        }
        Ok(())
    }

    /// The current tuple's fields.
    pub(crate) fn tuple(&self) -> Tuple<'_> {
        Tuple {
            buf: &self.buf,
            fields: &self.fields,
        }
    }

    pub(crate) fn bytes(&self, i: usize, what: &str) -> Result<&[u8], StoreError> {
        self.tuple().bytes(i, what)
    }

    pub(crate) fn int(&self, i: usize, what: &str) -> Result<i64, StoreError> {
        self.tuple().int(i, what)
    }

    pub(crate) fn opt_int(&self, i: usize, what: &str) -> Result<Option<i64>, StoreError> {
        match self.fields.get(i) {
            Some(None) => Ok(None),
            _ => self.int(i, what).map(Some),
        }
    }
}

/// One tuple of a binary `COPY` stream: `bigint` fields as big-endian
/// 8 bytes, `text` as its UTF-8 bytes.
pub(crate) struct Tuple<'a> {
    buf: &'a [u8],
    fields: &'a [Option<Range<usize>>],
}

impl<'a> Tuple<'a> {
    pub(crate) fn bytes(&self, i: usize, what: &str) -> Result<&'a [u8], StoreError> {
        match self.fields.get(i) {
            Some(Some(r)) => Ok(&self.buf[r.clone()]),
            _ => Err(StoreError::Corrupt(format!("{what} is missing"))),
        }
    }

    pub(crate) fn text(&self, i: usize, what: &str) -> Result<String, StoreError> {
        std::str::from_utf8(self.bytes(i, what)?)
            .map(str::to_owned)
            .map_err(|_| StoreError::Corrupt(format!("{what} is not UTF-8")))
    }

    /// A text field through `interner`.
    pub(crate) fn interned(
        &self,
        i: usize,
        what: &str,
        interner: &mut Interner,
    ) -> Result<Arc<str>, StoreError> {
        interner.text(self.bytes(i, what)?, what)
    }

    pub(crate) fn int(&self, i: usize, what: &str) -> Result<i64, StoreError> {
        self.bytes(i, what)?
            .try_into()
            .map(i64::from_be_bytes)
            .map_err(|_| StoreError::Corrupt(format!("{what} is not a bigint")))
    }
}

/// Every tuple of `copy` (a `COPY (SELECT …) TO STDOUT (FORMAT binary)`
/// reading its values with `current_setting`), each turned into a `T` by
/// `map`. `settings` are set first, bound, local to the transaction.
pub(crate) async fn pg_copy<T>(
    pool: &sqlx::PgPool,
    settings: &[(&'static str, &str)],
    select: &str,
    mut map: impl FnMut(&Tuple<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut tx = pool.begin().await?;
    for (name, value) in settings {
        sqlx::query("SELECT set_config($1, $2, true)")
            .bind(*name)
            .bind(*value)
            .execute(&mut *tx)
            .await?;
    }
    let mut out = Vec::new();
    {
        let copy = format!("COPY ({select}) TO STDOUT (FORMAT binary)");
        let mut rows = CopyRows::new(tx.copy_out_raw(&copy).await?);
        while rows.next().await? {
            out.push(map(&rows.tuple())?);
        }
        rows.finish().await?;
    }
    tx.commit().await?;
    Ok(out)
}

fn corrupt_copy(what: &str) -> StoreError {
    StoreError::Corrupt(format!("binary COPY stream: {what}"))
}

fn be_i16(data: &[u8], at: usize) -> Option<i16> {
    Some(i16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn be_i32(data: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_copy_stream_is_parsed_across_chunk_boundaries() {
        let mut data = PGCOPY_SIGNATURE.to_vec();
        data.extend_from_slice(&0i32.to_be_bytes());
        data.extend_from_slice(&0i32.to_be_bytes());
        for (a, b) in [(Some(7i64), &b"abc"[..]), (None, &b""[..])] {
            data.extend_from_slice(&2i16.to_be_bytes());
            match a {
                Some(v) => {
                    data.extend_from_slice(&8i32.to_be_bytes());
                    data.extend_from_slice(&v.to_be_bytes());
                }
                None => data.extend_from_slice(&(-1i32).to_be_bytes()),
            }
            data.extend_from_slice(&i32::try_from(b.len()).unwrap().to_be_bytes());
            data.extend_from_slice(b);
        }
        data.extend_from_slice(&(-1i16).to_be_bytes());
        for chunk in [1usize, 3, 7, data.len()] {
            let chunks: Vec<Result<Vec<u8>, sqlx::Error>> =
                data.chunks(chunk).map(|c| Ok(c.to_vec())).collect();
            let mut rows = CopyRows::new(futures_util::stream::iter(chunks));
            let got = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(async {
                    let mut got = Vec::new();
                    while rows.next().await.unwrap() {
                        got.push((
                            rows.opt_int(0, "a").unwrap(),
                            rows.bytes(1, "b").unwrap().to_vec(),
                        ));
                    }
                    got
                });
            assert_eq!(
                got,
                vec![(Some(7), b"abc".to_vec()), (None, Vec::new())],
                "chunks of {chunk}"
            );
        }
    }
}
