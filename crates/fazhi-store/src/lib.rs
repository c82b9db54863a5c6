//! Fazhi's persistence layer.
//!
//! Architecture invariants:
//! - All SQL of the project lives in this crate, written once, bound with
//!   parameters (never formatted into the text), and run on both backends.
//! - The action log (`events`) is only ever appended to, through
//!   [`events::append`], inside the caller's write transaction.
//! - This crate knows nothing of HTTP.

pub mod agencies;
pub mod attachments;
pub mod bench;
pub mod bulk_read;
pub mod cases;
pub mod db;
pub mod events;
pub mod history;
pub mod inspections;
pub mod law;
pub mod log_scan;
pub mod log_tree;
pub mod narratives;
pub mod notices;
pub mod registry;
pub mod registry_owners;
pub mod requests;
pub mod schema;
pub mod sessions;
pub mod stats;
pub mod testing;
pub mod tokens;
pub mod users;

pub use db::{Backend, Db, Tx};

/// Everything that can go wrong below the use cases.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot use {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("unsupported database URL {0}: use postgres://… or omit it for embedded SQLite")]
    UnsupportedUrl(String),
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
    #[error("a bulk reader thread failed: {0}")]
    Reader(String),
}

impl StoreError {
    /// True when the error is a unique-constraint violation (a duplicate natural key).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}
