//! One code path over two databases.
//!
//! `Db` is either embedded SQLite (WAL, foreign keys, busy timeout, a
//! single-connection writer pool plus a reader pool) or PostgreSQL. Queries are
//! written once with `$1`-style placeholders, which both drivers bind
//! positionally, and run through the `on_db!`/`on_tx!` macros that expand the
//! same code for each backend. Values are encoded portably: integers as
//! 64-bit, instants as microseconds since the Unix epoch, booleans as 0/1,
//! money as fen.

use crate::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// How long a SQLite connection waits for the writer lock before failing.
pub const SQLITE_BUSY_TIMEOUT_MS: u64 = 5_000;
/// Reader connections for SQLite; writes go through one connection.
pub const SQLITE_READERS_MAX: u32 = 8;
/// Connections to PostgreSQL.
pub const POSTGRES_CONNECTIONS_MAX: u32 = 16;
/// PostgreSQL advisory lock held by every write transaction (RFC 6962's number).
const WRITE_LOCK_KEY: i64 = 6962;
/// File name of the embedded database inside the data directory.
pub const SQLITE_FILE_NAME: &str = "fazhi.db";

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which backend a `Db` talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database handle. Cheap to clone (pools are reference-counted).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
    },
    Postgres(PgPool),
}

/// A write transaction. SQLite transactions start with `BEGIN IMMEDIATE` so a
/// writer never fails half-way on a lock upgrade.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Expand `$body` once per backend with `$c` bound to the reader pool.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { reader, .. } => {
                let $c = reader;
                $body
            }
            $crate::db::Db::Postgres(pool) => {
                let $c = pool;
                $body
            }
        }
    };
}

/// Expand `$body` once per backend with `$c` bound to the transaction's connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx) => {
                let $c = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $c = &mut **tx;
                $body
            }
        }
    };
}

impl Db {
    /// Open (creating if needed) the embedded database in `data_dir`.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Db, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
            path: data_dir.display().to_string(),
            source,
        })?;
        let path = data_dir.join(SQLITE_FILE_NAME);
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(SQLITE_READERS_MAX)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Db::Sqlite { writer, reader })
    }

    /// Connect to PostgreSQL at `url` (`postgres://…`).
    pub async fn open_postgres(url: &str) -> Result<Db, StoreError> {
        let options = pg_options(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(POSTGRES_CONNECTIONS_MAX)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db::Postgres(pool))
    }

    /// Open PostgreSQL when a URL is given, else SQLite in `data_dir`.
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Db, StoreError> {
        match database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Db::open_postgres(url).await
            }
            Some(url) => Err(StoreError::UnsupportedUrl(redact_url(url))),
            None => Db::open_sqlite(data_dir).await,
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Apply the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { writer, .. } => SQLITE_MIGRATOR.run(writer).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        crate::log_tree::fold_rows_into_tiles(self).await?;
        crate::events::catch_up_tree(self).await?;
        Ok(())
    }

    /// Begin a write transaction.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        match self {
            Db::Sqlite { writer, .. } => {
                Ok(Tx::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?))
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                // One writer at a time, as on SQLite: every write appends to the
                // action log, whose positions must be gapless and in commit order.
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITE_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                Ok(Tx::Postgres(tx))
            }
        }
    }

    /// Refresh the query planner's statistics after a bulk change (a large
    /// import, a benchmark's bulk load). PostgreSQL otherwise plans with the
    /// statistics of the table before the change until autovacuum next
    /// analyzes it: right after a province's registry import, the officer
    /// statistics took 14 s instead of 65 ms. SQLite runs `PRAGMA optimize`,
    /// which analyzes only the tables whose size changed a lot.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { writer, .. } => {
                sqlx::query("PRAGMA optimize").execute(writer).await?;
            }
            Db::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

fn check_scratch_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "invalid scratch database name {name:?}"
        )))
    }
}

/// Create an empty PostgreSQL database `name` on the server of `admin_url`
/// (for tests and benchmarks) and return its URL. Identifiers cannot be bound
/// as parameters, so the name is restricted to `[a-z0-9_]`.
pub async fn create_scratch_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
    check_scratch_name(name)?;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(pg_options(admin_url)?)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(crate::testing::database_url_with_name(admin_url, name))
}

/// Drop a database made by [`create_scratch_database`], ending its connections.
pub async fn drop_scratch_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    check_scratch_name(name)?;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(pg_options(admin_url)?)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&pool)
    .await?;
    pool.close().await;
    Ok(())
}

/// Connection options for `url`. A server on this machine (a loopback
/// address or a Unix socket) is reached without TLS unless the URL or
/// `PGSSLMODE` asks for it: the bytes never leave the host, and sqlx's
/// default (`prefer`) would otherwise encrypt every row. Measured on the
/// indicators' 217 MB of case documents and the verifier's tree rows, where
/// AES-GCM showed in the profile of both ends.
pub fn pg_options(url: &str) -> Result<PgConnectOptions, StoreError> {
    let options = PgConnectOptions::from_str(url)?;
    let mode_given = url_names_ssl_mode(url) || std::env::var_os("PGSSLMODE").is_some();
    let local = options.get_socket().is_some() || is_loopback_host(options.get_host());
    Ok(if local && !mode_given {
        options.ssl_mode(sqlx::postgres::PgSslMode::Disable)
    } else {
        options
    })
}

/// Whether the query string of `url` sets the TLS mode (sqlx reads
/// `sslmode` and `ssl-mode`).
fn url_names_ssl_mode(url: &str) -> bool {
    url.split_once('?').is_some_and(|(_, query)| {
        query.split('&').any(|pair| {
            let key = pair.split_once('=').map_or(pair, |(k, _)| k);
            key.eq_ignore_ascii_case("sslmode") || key.eq_ignore_ascii_case("ssl-mode")
        })
    })
}

/// `localhost`, `127.0.0.0/8` or `::1` (a leading `/` is a socket directory).
fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.starts_with('/')
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Hide the password of a database URL for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{pg_options, redact_url};
    use sqlx::postgres::PgSslMode;

    #[test]
    fn a_loopback_server_is_reached_without_tls_unless_the_url_asks_for_it() {
        // PGSSLMODE, when set in the environment, counts as asking.
        if std::env::var_os("PGSSLMODE").is_some() {
            return;
        }
        let mode = |url: &str| pg_options(url).expect("valid URL").get_ssl_mode();
        for local in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://postgres@localhost/test",
            "postgresql://postgres@[::1]:5432/test",
            "postgres://postgres@127.0.0.2/test?application_name=fazhi",
        ] {
            assert!(matches!(mode(local), PgSslMode::Disable), "{local}");
        }
        for other in [
            "postgres://postgres@db.example.org/test",
            "postgres://postgres@10.0.0.5/test",
        ] {
            assert!(matches!(mode(other), PgSslMode::Prefer), "{other}");
        }
        assert!(matches!(
            mode("postgres://postgres@127.0.0.1/test?sslmode=require"),
            PgSslMode::Require
        ));
        assert!(matches!(
            mode("postgres://postgres@localhost/test?ssl-mode=prefer"),
            PgSslMode::Prefer
        ));
    }

    #[test]
    fn redact_url_hides_the_password_only() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
    }
}
