//! Schema introspection, used by the test that proves both migrations
//! produce the same tables, columns, nullability and indexes.
//!
//! Full-text structures differ by design — an FTS5 virtual table with its
//! shadow tables on SQLite, a stored tsvector column with a GIN index on
//! PostgreSQL — and are named `*_fts` so that both introspections leave them
//! out; the search tests check that both backends find the same records
//! instead.

use crate::{Db, StoreError, on_db};
use std::collections::BTreeSet;

/// `(table, column, not_null)` for every user table, sorted.
pub async fn columns(db: &Db) -> Result<BTreeSet<(String, String, bool)>, StoreError> {
    let rows: Vec<(String, String, bool)> = match db {
        Db::Sqlite { reader, .. } => {
            let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
                "SELECT m.name, p.name, p.\"notnull\", p.pk FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx_%' \
                 AND m.name NOT LIKE '%\\_fts' ESCAPE '\\' AND m.name NOT LIKE '%\\_fts\\_%' ESCAPE '\\'",
            )
            .fetch_all(reader)
            .await?;
            // SQLite reports a primary key column as nullable unless declared NOT NULL.
            rows.into_iter()
                .map(|(t, c, nn, pk)| (t, c, nn != 0 || pk != 0))
                .collect()
        }
        Db::Postgres(pool) => {
            let rows: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%' \
                 AND column_name NOT LIKE '%\\_fts'",
            )
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(t, c, n)| (t, c, n == "NO"))
                .collect()
        }
    };
    Ok(rows.into_iter().collect())
}

/// `(table, index name)` for every explicitly created index.
pub async fn indexes(db: &Db) -> Result<BTreeSet<(String, String)>, StoreError> {
    let rows: Vec<(String, String)> = on_db!(db, |c| {
        match db.backend() {
            crate::Backend::Sqlite => {
                sqlx::query_as(
                    "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
                )
                .fetch_all(c)
                .await?
            }
            crate::Backend::Postgres => {
                sqlx::query_as(
                    "SELECT tablename::text, indexname::text FROM pg_indexes WHERE schemaname = current_schema() \
                     AND indexname NOT LIKE '%\\_pkey' AND tablename NOT LIKE '\\_sqlx\\_%' \
                     AND indexname NOT LIKE '%\\_fts'",
                )
                .fetch_all(c)
                .await?
            }
        }
    });
    Ok(rows.into_iter().collect())
}

/// Trigger names, which differ by design (one PostgreSQL trigger covers
/// UPDATE and DELETE) but must each exist.
pub async fn triggers(db: &Db) -> Result<BTreeSet<String>, StoreError> {
    let rows: Vec<(String,)> = on_db!(db, |c| {
        match db.backend() {
            crate::Backend::Sqlite => {
                sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                    .fetch_all(c)
                    .await?
            }
            crate::Backend::Postgres => {
                sqlx::query_as(
                    "SELECT DISTINCT trigger_name::text FROM information_schema.triggers \
                     WHERE trigger_schema = current_schema()",
                )
                .fetch_all(c)
                .await?
            }
        }
    });
    Ok(rows.into_iter().map(|(n,)| n).collect())
}
