//! Test support: fresh databases on both backends.
//!
//! Every store test runs on SQLite and on PostgreSQL. PostgreSQL is found at
//! `FAZHI_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! each test gets its own database, dropped when the handle is dropped.
//! A missing PostgreSQL fails the test: skipping needs the explicit
//! `FAZHI_TEST_SKIP_PG=1`, so a green run cannot hide an untested backend.

use crate::Db;
use std::path::PathBuf;

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database created for one test.
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    PgDatabase { admin_url: String, name: String },
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).unwrap_or_else(|e| panic!("no OS randomness: {e}"));
    hex::encode(buf)
}

pub fn pg_admin_url() -> String {
    std::env::var("FAZHI_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

pub fn skip_pg() -> bool {
    std::env::var("FAZHI_TEST_SKIP_PG").is_ok_and(|v| v == "1")
}

/// A migrated SQLite database in a fresh temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("fazhi-test-{}", random_hex(8)));
    let db = Db::open_sqlite(&dir)
        .await
        .unwrap_or_else(|e| panic!("open sqlite in {}: {e}", dir.display()));
    db.migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate sqlite: {e}"));
    TestDb {
        db,
        cleanup: Cleanup::Dir(dir),
    }
}

/// A migrated PostgreSQL database of its own.
pub async fn postgres() -> TestDb {
    let admin_url = pg_admin_url();
    let name = format!("fazhi_t_{}", random_hex(8));
    let url = crate::db::create_scratch_database(&admin_url, &name)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is required for store tests and did not answer at {}: {e}. \
             Run scripts/test (it starts one) or set FAZHI_TEST_SKIP_PG=1 to skip knowingly.",
                crate::db::redact_url(&admin_url)
            )
        });
    let db = Db::open_postgres(&url)
        .await
        .unwrap_or_else(|e| panic!("connect test database: {e}"));
    db.migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate postgres: {e}"));
    TestDb {
        db,
        cleanup: Cleanup::PgDatabase { admin_url, name },
    }
}

/// Both backends, SQLite first; PostgreSQL left out only with `FAZHI_TEST_SKIP_PG=1`.
pub async fn both() -> Vec<TestDb> {
    let mut out = vec![sqlite().await];
    if !skip_pg() {
        out.push(postgres().await);
    }
    out
}

/// Replace the database name (the URL path) of a PostgreSQL URL.
pub fn database_url_with_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..host_part_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PgDatabase { admin_url, name } => {
                let admin_url = admin_url.clone();
                let name = name.clone();
                // Drop runs outside async context; use a private runtime on a thread.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    let _ = rt.block_on(crate::db::drop_scratch_database(&admin_url, &name));
                })
                .join();
            }
        }
    }
}

/// Run `sql` as an attacker with direct database access would: around the
/// append-only triggers (SQLite: drops them; PostgreSQL: replica mode).
/// Only for tamper-detection tests.
pub async fn as_attacker(db: &Db, sql: &str) -> Result<(), crate::StoreError> {
    match db {
        Db::Sqlite { writer, .. } => {
            for trigger in [
                "events_no_update",
                "events_no_delete",
                "log_nodes_no_update",
                "log_nodes_no_delete",
                "log_tiles_no_update",
                "log_tiles_no_delete",
                "checkpoints_no_update",
                "checkpoints_no_delete",
            ] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP TRIGGER IF EXISTS {trigger}"
                )))
                .execute(writer)
                .await?;
            }
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(writer)
                .await?;
        }
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await?;
            sqlx::query("SET session_replication_role = replica")
                .execute(&mut *conn)
                .await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut *conn)
                .await?;
            sqlx::query("SET session_replication_role = origin")
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::database_url_with_name;

    #[test]
    fn database_url_with_name_replaces_only_the_path() {
        assert_eq!(
            database_url_with_name("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            database_url_with_name("postgres://u:p@h/test?sslmode=disable", "y"),
            "postgres://u:p@h/y?sslmode=disable"
        );
        assert_eq!(
            database_url_with_name("postgres://h", "z"),
            "postgres://h/z"
        );
    }
}
