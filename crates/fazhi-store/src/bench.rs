//! Physical baselines for `fazhi bench`: the same row shapes inserted raw,
//! one row per transaction, so the action log's overhead is a ratio measured
//! in the same run on the same machine.

use crate::{Db, StoreError, Tx, on_tx};

/// Create the scratch table (same columns as `events`, no triggers, no indexes).
pub async fn create_raw_table(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let ddl = match db.backend() {
        crate::Backend::Sqlite => {
            "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, at_us INTEGER NOT NULL, \
             agency_id INTEGER, subject TEXT NOT NULL, entry BLOB NOT NULL)"
        }
        crate::Backend::Postgres => {
            "CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT PRIMARY KEY, at_us BIGINT NOT NULL, \
             agency_id BIGINT, subject TEXT NOT NULL, entry BYTEA NOT NULL)"
        }
    };
    on_tx!(&mut tx, |c| sqlx::query(ddl)
        .execute(&mut *c)
        .await?
        .rows_affected());
    tx.commit().await
}

/// The floor under `log verify` on PostgreSQL, read side: the scan's own
/// `COPY` read to its end by the client and thrown away (the server's work,
/// the socket's and the least any client does). Returns the bytes read;
/// `None` on SQLite (its scan reads the file in process).
pub async fn scan_copy_drained(db: &Db) -> Result<Option<u64>, StoreError> {
    use futures_util::StreamExt;
    let Db::Postgres(pool) = db else {
        return Ok(None);
    };
    let mut conn = pool.acquire().await?;
    let mut stream = conn
        .copy_out_raw(crate::log_scan::pg_events_copy!("STDOUT"))
        .await?;
    let mut bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        bytes += chunk?.len() as u64;
    }
    Ok(Some(bytes))
}

/// The floor under `log verify` on PostgreSQL, server side: the scan's own
/// `COPY`, written by the server to `/dev/null` with no client reading at
/// all. Returns the rows written; `None` on SQLite, or when the role may not
/// write server files (superusers and `pg_write_server_files` may).
pub async fn scan_copy_on_server(db: &Db) -> Result<Option<u64>, StoreError> {
    let Db::Postgres(pool) = db else {
        return Ok(None);
    };
    let allowed: bool = sqlx::query_scalar(
        "SELECT rolsuper OR pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') \
         FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(pool)
    .await?;
    if !allowed {
        return Ok(None);
    }
    let done = sqlx::query(crate::log_scan::pg_events_copy!("'/dev/null'"))
        .execute(pool)
        .await?;
    Ok(Some(done.rows_affected()))
}

/// Insert one raw row (the caller owns the transaction): an event's
/// columns and its entry, as `events` stores them.
pub async fn insert_raw(
    tx: &mut Tx,
    id: i64,
    at_us: i64,
    agency_id: Option<i64>,
    subject: &str,
    entry: &[u8],
) -> Result<(), StoreError> {
    insert_entry_row(
        tx,
        "INSERT INTO bench_raw (id, at_us, agency_id, subject, entry) VALUES ($1, $2, $3, $4, $5)",
        (id, at_us, agency_id, subject, entry),
    )
    .await
}

/// One row of the shape `events` stores, `(id, at_us, agency_id, subject,
/// entry)`, by `sql` (a constant insert into `bench_raw` or `events`).
async fn insert_entry_row(
    tx: &mut Tx,
    sql: &'static str,
    (id, at_us, agency_id, subject, entry): (i64, i64, Option<i64>, &str, &[u8]),
) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(sql)
        .bind(id)
        .bind(at_us)
        .bind(agency_id)
        .bind(subject)
        .bind(entry)
        .execute(&mut *c)
        .await?
        .rows_affected());
    Ok(())
}

/// Store a synthetic log of `n` entries (`entry(i)` the bytes of leaf `i`,
/// for the proofs benchmark) as appends would have left it: every full tile
/// as a `log_tiles` row, the hashes above the leaves of the tiles still
/// filling as `log_nodes` rows, and the events of the leaf tile still
/// filling (whose leaves are not stored) with those entries. `progress` is
/// called with the hashes written so far.
pub async fn load_tree(
    db: &Db,
    n: u64,
    entry: &(dyn Fn(u64) -> Vec<u8> + Sync),
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), StoreError> {
    use fazhi_domain::action_log::leaf_hash_of;
    use fazhi_domain::merkle::{TILE_HEIGHT, TILE_WIDTH, perfect_root};
    let width = usize::try_from(TILE_WIDTH).unwrap_or(256);
    let mut base: Vec<[u8; 32]> = (0..n).map(|i| leaf_hash_of(&entry(i))).collect();
    let mut level = 0i64;
    let mut written = 0u64;
    while !base.is_empty() {
        let full = base.len() / width * width;
        let tiles: Vec<(i64, i64, Vec<u8>)> = base[..full]
            .chunks_exact(width)
            .enumerate()
            .map(|(k, tile)| {
                (
                    level / i64::from(TILE_HEIGHT),
                    i64::try_from(k).unwrap_or(i64::MAX),
                    tile.iter().flatten().copied().collect(),
                )
            })
            .collect();
        write_rows(db, "log_tiles (level, idx, hashes)", &tiles).await?;
        let rest = (full..base.len()).map(|i| i64::try_from(i).unwrap_or(i64::MAX));
        if level == 0 {
            let mut tx = db.begin().await?;
            for i in rest {
                // A synthetic event: any bytes as its entry (the tree hashes
                // them; nothing decodes them).
                let bytes = entry(u64::try_from(i).unwrap_or(0));
                insert_entry_row(
                    &mut tx,
                    "INSERT INTO events (id, at_us, agency_id, subject, entry) VALUES ($1, $2, $3, $4, $5)",
                    (i + 1, 0, None, "bench", &bytes),
                )
                .await?;
            }
            tx.commit().await?;
        } else {
            let loose: Vec<(i64, i64, Vec<u8>)> = rest
                .zip(&base[full..])
                .map(|(i, h)| (level, i, h.to_vec()))
                .collect();
            write_rows(db, "log_nodes (level, idx, hash)", &loose).await?;
        }
        written += base.len() as u64;
        progress(written);
        base = base[..full]
            .chunks_exact(width)
            .map(|tile| perfect_root(tile).unwrap_or([0; 32]))
            .collect();
        level += i64::from(TILE_HEIGHT);
    }
    Ok(())
}

/// Rows `(integer, integer, bytes)` into `table (columns)`: binary `COPY …
/// FROM STDIN` on PostgreSQL, multi-row inserts in one transaction on SQLite.
async fn write_rows(db: &Db, table: &str, rows: &[(i64, i64, Vec<u8>)]) -> Result<(), StoreError> {
    const ROWS_PER_STATEMENT: usize = 100;
    const COPY_CHUNK_BYTES: usize = 1 << 20;
    if rows.is_empty() {
        return Ok(());
    }
    match db {
        Db::Sqlite { .. } => {
            let mut tx = db.begin().await?;
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                let tuples: Vec<String> = (0..chunk.len())
                    .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
                    .collect();
                // Only the table name (a constant) and placeholders are formatted in.
                let sql = format!("INSERT INTO {table} VALUES {}", tuples.join(", "));
                on_tx!(&mut tx, |c| {
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                    for (a, b, bytes) in chunk {
                        q = q.bind(*a).bind(*b).bind(bytes.as_slice());
                    }
                    q.execute(&mut *c).await?.rows_affected()
                });
            }
            tx.commit().await
        }
        Db::Postgres(pool) => {
            use sqlx::postgres::PgPoolCopyExt;
            let mut copy = pool
                .copy_in_raw(&format!("COPY {table} FROM STDIN (FORMAT binary)"))
                .await?;
            // Binary COPY: signature, flags, header extension length, then
            // per row the field count and each field as length ‖ bytes.
            let mut buf = Vec::with_capacity(COPY_CHUNK_BYTES + 64);
            buf.extend_from_slice(crate::bulk_read::PGCOPY_SIGNATURE);
            buf.extend_from_slice(&0i32.to_be_bytes());
            buf.extend_from_slice(&0i32.to_be_bytes());
            for (a, b, bytes) in rows {
                buf.extend_from_slice(&3i16.to_be_bytes());
                buf.extend_from_slice(&8i32.to_be_bytes());
                buf.extend_from_slice(&a.to_be_bytes());
                buf.extend_from_slice(&8i32.to_be_bytes());
                buf.extend_from_slice(&b.to_be_bytes());
                let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
                buf.extend_from_slice(&len.to_be_bytes());
                buf.extend_from_slice(bytes);
                if buf.len() >= COPY_CHUNK_BYTES {
                    copy.send(std::mem::take(&mut buf)).await?;
                    buf.reserve(COPY_CHUNK_BYTES + 64);
                }
            }
            buf.extend_from_slice(&(-1i16).to_be_bytes());
            copy.send(buf).await?;
            copy.finish().await?;
            Ok(())
        }
    }
}

/// One inspection task of the `report` benchmark's province year, written
/// directly (the benchmark times the indicators, not the use cases that
/// would normally write these rows).
#[derive(Debug, Clone)]
pub struct BulkTask {
    pub id: i64,
    pub agency_id: i64,
    pub plan_id: i64,
    pub entity_id: i64,
    /// `random`, `adhoc` or `recheck`.
    pub source: &'static str,
    pub due_on: String,
    pub visit: i64,
    /// `assigned` or `done`.
    pub state: &'static str,
    pub done_on: String,
    pub result: &'static str,
    pub opinion: &'static str,
    pub case_id: i64,
}

/// The first free id of a table the benchmark fills (`inspection_tasks` or `cases`).
pub async fn next_id(db: &Db, cases: bool) -> Result<i64, StoreError> {
    let sql = if cases {
        "SELECT COALESCE(MAX(id), 0) + 1 FROM cases"
    } else {
        "SELECT COALESCE(MAX(id), 0) + 1 FROM inspection_tasks"
    };
    Ok(crate::on_db!(db, |c| sqlx::query_scalar(sql)
        .fetch_one(c)
        .await?))
}

/// Entities with the agency responsible for them, in id order.
pub async fn entity_agencies(db: &Db) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(crate::on_db!(db, |c| sqlx::query_as(
        "SELECT id, agency_id FROM entities ORDER BY id"
    )
    .fetch_all(c)
    .await?))
}

/// Write tasks in bulk in the caller's transaction: one prepared single-row
/// insert per task on SQLite (in-process, cheap), arrays through `UNNEST`
/// on PostgreSQL (one round trip per chunk instead of one per row).
pub async fn insert_tasks(tx: &mut Tx, rows: &[BulkTask], now_us: i64) -> Result<(), StoreError> {
    match tx {
        Tx::Sqlite(t) => {
            let sql = format!(
                "INSERT INTO inspection_tasks (id, agency_id, plan_id, draw_id, entity_id, source, basis, officer_ids, due_on, \
                 visit, state, done_on, result, findings, opinion, rectify_by, evidence, publish_by, recheck_of, case_id, code, \
                 version, created_at_us, updated_at_us, item_domain) \
                 VALUES ($1, $2, $3, 0, $4, $5, 'bench', ',', $6, $7, $8, $9, $10, '', $11, '', '', '', 0, $12, $13, 1, $14, $14, {})",
                crate::inspections::item_domain_of("$3", "$4")
            );
            for r in rows {
                sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(r.id)
                    .bind(r.agency_id)
                    .bind(r.plan_id)
                    .bind(r.entity_id)
                    .bind(r.source)
                    .bind(&r.due_on)
                    .bind(r.visit)
                    .bind(r.state)
                    .bind(&r.done_on)
                    .bind(r.result)
                    .bind(r.opinion)
                    .bind(r.case_id)
                    .bind(format!("B{}", r.id))
                    .bind(now_us)
                    .execute(&mut **t)
                    .await?;
            }
        }
        Tx::Postgres(t) => {
            for chunk in rows.chunks(20_000) {
                let col = |f: &dyn Fn(&BulkTask) -> i64| chunk.iter().map(f).collect::<Vec<i64>>();
                let text =
                    |f: &dyn Fn(&BulkTask) -> String| chunk.iter().map(f).collect::<Vec<String>>();
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO inspection_tasks (id, agency_id, plan_id, draw_id, entity_id, source, basis, officer_ids, due_on, \
                     visit, state, done_on, result, findings, opinion, rectify_by, evidence, publish_by, recheck_of, case_id, code, \
                     version, created_at_us, updated_at_us, item_domain) \
                     SELECT u.id, u.agency_id, u.plan_id, 0, u.entity_id, u.source, 'bench', ',', u.due_on, u.visit, u.state, \
                     u.done_on, u.result, '', u.opinion, '', '', '', 0, u.case_id, 'B' || u.id, 1, $13, $13, \
                     {} \
                     FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::bigint[], \
                     $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[]) \
                     AS u(id, agency_id, plan_id, entity_id, source, due_on, visit, state, done_on, result, opinion, case_id)",
                    crate::inspections::item_domain_of("u.plan_id", "u.entity_id")
                )))
                .bind(col(&|r| r.id))
                .bind(col(&|r| r.agency_id))
                .bind(col(&|r| r.plan_id))
                .bind(col(&|r| r.entity_id))
                .bind(text(&|r| r.source.to_owned()))
                .bind(text(&|r| r.due_on.clone()))
                .bind(col(&|r| r.visit))
                .bind(text(&|r| r.state.to_owned()))
                .bind(text(&|r| r.done_on.clone()))
                .bind(text(&|r| r.result.to_owned()))
                .bind(text(&|r| r.opinion.to_owned()))
                .bind(col(&|r| r.case_id))
                .bind(now_us)
                .execute(&mut **t)
                .await?;
            }
        }
    }
    Ok(())
}

/// One case of the benchmark: a copy of a template case (its projection
/// columns) with its own id, agency and state JSON (dates moved).
#[derive(Debug, Clone)]
pub struct BulkCase {
    pub id: i64,
    pub agency_id: i64,
    pub template_id: i64,
    pub state_json: String,
}

/// Every case's id and JSON (the benchmark's templates).
pub async fn case_templates(db: &Db) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(crate::on_db!(db, |c| sqlx::query_as(
        "SELECT id, state_json FROM cases ORDER BY id"
    )
    .fetch_all(c)
    .await?))
}

/// Write cases in bulk in the caller's transaction (see [`insert_tasks`]).
pub async fn insert_cases(tx: &mut Tx, rows: &[BulkCase]) -> Result<(), StoreError> {
    match tx {
        Tx::Sqlite(t) => {
            for r in rows {
                sqlx::query(
                    "INSERT INTO cases (id, agency_id, procedure, stage, party_name, party_kind, party_key, power_code, domain, \
                     summary, decision_number, fine_fen, opened_on, filed_on, decided_on, closed_on, next_due, next_due_rule, \
                     handlers, flag_count, version, state_json, created_at_us, updated_at_us) \
                     SELECT $1, $2, procedure, stage, party_name, party_kind, party_key, power_code, domain, summary, \
                     decision_number, fine_fen, opened_on, filed_on, decided_on, closed_on, next_due, next_due_rule, handlers, \
                     flag_count, version, $3, created_at_us, updated_at_us FROM cases WHERE id = $4",
                )
                .bind(r.id)
                .bind(r.agency_id)
                .bind(&r.state_json)
                .bind(r.template_id)
                .execute(&mut **t)
                .await?;
            }
        }
        Tx::Postgres(t) => {
            for chunk in rows.chunks(5_000) {
                sqlx::query(
                    "INSERT INTO cases (id, agency_id, procedure, stage, party_name, party_kind, party_key, power_code, domain, \
                     summary, decision_number, fine_fen, opened_on, filed_on, decided_on, closed_on, next_due, next_due_rule, \
                     handlers, flag_count, version, state_json, created_at_us, updated_at_us) \
                     SELECT u.id, u.agency_id, c.procedure, c.stage, c.party_name, c.party_kind, c.party_key, c.power_code, \
                     c.domain, c.summary, c.decision_number, c.fine_fen, c.opened_on, c.filed_on, c.decided_on, c.closed_on, \
                     c.next_due, c.next_due_rule, c.handlers, c.flag_count, c.version, u.state_json, c.created_at_us, \
                     c.updated_at_us FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::bigint[]) \
                     AS u(id, agency_id, state_json, template_id) JOIN cases c ON c.id = u.template_id",
                )
                .bind(chunk.iter().map(|r| r.id).collect::<Vec<i64>>())
                .bind(chunk.iter().map(|r| r.agency_id).collect::<Vec<i64>>())
                .bind(
                    chunk
                        .iter()
                        .map(|r| r.state_json.clone())
                        .collect::<Vec<String>>(),
                )
                .bind(chunk.iter().map(|r| r.template_id).collect::<Vec<i64>>())
                .execute(&mut **t)
                .await?;
            }
        }
    }
    Ok(())
}
