//! Public notices of decisions (双公示) and their full-text search.
//!
//! Search runs on the `search_tokens` column (segmented, folded text built
//! by `fazhi-text`): FTS5 on SQLite, a GIN `to_tsvector('simple', …)`
//! expression index on PostgreSQL. The MATCH / tsquery text comes from
//! `fazhi_text::fts5_match` / `fazhi_text::tsquery` and is bound as a
//! parameter like every other value.

use crate::{Backend, Db, StoreError, Tx, on_db, on_tx};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_path: String,
    pub kind: String,
    pub case_id: i64,
    pub number: String,
    pub decided_on: String,
    pub year: i64,
    pub domain: String,
    pub party_name: String,
    pub party_kind: String,
    pub party_code: String,
    pub title: String,
    pub facts: String,
    pub basis: String,
    pub content: String,
    pub state: String,
    pub due_on: String,
    pub published_on: String,
    pub shortest_until: String,
    pub until_on: String,
    pub withdrawal_due: String,
    pub taken_down_on: String,
    pub reason: String,
    pub reply: String,
    pub version: i64,
}

/// A notice's content, written once when it is created.
#[derive(Debug, Clone)]
pub struct NewNotice<'a> {
    pub agency_id: i64,
    pub kind: &'a str,
    pub case_id: i64,
    pub number: &'a str,
    pub decided_on: &'a str,
    pub year: i64,
    pub domain: &'a str,
    pub party_name: &'a str,
    pub party_kind: &'a str,
    pub party_code: &'a str,
    pub title: &'a str,
    pub facts: &'a str,
    pub basis: &'a str,
    pub content: &'a str,
    pub search_tokens: &'a str,
}

/// The lifecycle columns (the domain's `notice::Notice`), dates as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lifecycle {
    pub state: String,
    pub due_on: String,
    pub published_on: String,
    pub shortest_until: String,
    pub until_on: String,
    pub withdrawal_due: String,
    pub taken_down_on: String,
    pub reason: String,
    pub reply: String,
}

const SELECT: &str = "SELECT n.id, n.agency_id, a.name AS agency_name, a.path AS agency_path, n.kind, n.case_id, n.number, \
     n.decided_on, n.year, n.domain, n.party_name, n.party_kind, n.party_code, n.title, n.facts, n.basis, n.content, n.state, \
     n.due_on, n.published_on, n.shortest_until, n.until_on, n.withdrawal_due, n.taken_down_on, n.reason, n.reply, n.version \
     FROM notices n JOIN agencies a ON a.id = n.agency_id";

/// Insert a notice with its first lifecycle; returns its id.
pub async fn insert(
    tx: &mut Tx,
    n: &NewNotice<'_>,
    life: &Lifecycle,
    now_us: i64,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM notices"
    )
    .fetch_one(&mut *c)
    .await?);
    insert_row(tx, id, n, life, now_us).await?;
    Ok(id)
}

/// Write a new lifecycle if the notice is still at `version`; `false` when
/// someone changed it meanwhile (nothing written).
pub async fn update_lifecycle(
    tx: &mut Tx,
    id: i64,
    version: i64,
    life: &Lifecycle,
    now_us: i64,
) -> Result<bool, StoreError> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE notices SET state = $1, due_on = $2, published_on = $3, shortest_until = $4, until_on = $5, \
             withdrawal_due = $6, taken_down_on = $7, reason = $8, reply = $9, version = version + 1, updated_at_us = $10 \
             WHERE id = $11 AND version = $12",
        )
        .bind(&life.state)
        .bind(&life.due_on)
        .bind(&life.published_on)
        .bind(&life.shortest_until)
        .bind(&life.until_on)
        .bind(&life.withdrawal_due)
        .bind(&life.taken_down_on)
        .bind(&life.reason)
        .bind(&life.reply)
        .bind(now_us)
        .bind(id)
        .bind(version)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<NoticeRow>, StoreError> {
    let sql = format!("{SELECT} WHERE n.id = $1");
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(id)
    .fetch_optional(c)
    .await?))
}

/// The notice of a case, read inside the case's transaction.
pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Option<NoticeRow>, StoreError> {
    let sql = format!("{SELECT} WHERE n.case_id = $1 AND n.kind = 'penalty'");
    Ok(on_tx!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(case_id)
    .fetch_optional(&mut *c)
    .await?))
}

/// Back-office list: notices of agencies under `path_prefix`, optionally in
/// one state, those needing action first (pending by due date), newest after.
pub async fn in_scope(
    db: &Db,
    path_prefix: &str,
    state: &str,
    limit: i64,
) -> Result<Vec<NoticeRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE a.path LIKE $1 AND ($2 = '' OR n.state = $2) \
         ORDER BY CASE n.state WHEN 'pending' THEN 0 ELSE 1 END, n.due_on, n.id DESC LIMIT $3"
    );
    let like = format!("{path_prefix}%");
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(&like)
    .bind(state)
    .bind(limit)
    .fetch_all(c)
    .await?))
}

/// Counts by state under `path_prefix` (for the back-office tabs).
pub async fn state_counts(db: &Db, path_prefix: &str) -> Result<Vec<(String, i64)>, StoreError> {
    let like = format!("{path_prefix}%");
    Ok(on_db!(db, |c| {
        sqlx::query_as(
        "SELECT n.state, COUNT(*) FROM notices n JOIN agencies a ON a.id = n.agency_id WHERE a.path LIKE $1 GROUP BY n.state"
    )
    .bind(&like)
    .fetch_all(c)
    .await?
    }))
}

/// Published notices whose period ended on or before `today` (the sweep).
pub async fn expired(db: &Db, today: &str, limit: i64) -> Result<Vec<NoticeRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE n.state = 'published' AND n.until_on <> '' AND n.until_on <= $1 ORDER BY n.id LIMIT $2"
    );
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(today)
    .bind(limit)
    .fetch_all(c)
    .await?))
}

/// What the public list may be filtered by. `0`/empty means no filter.
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    pub year: i64,
    pub agency_id: i64,
    pub domain: String,
    pub kind: String,
    /// Already built by `fazhi_text::fts5_match` / `tsquery` for this backend;
    /// `None` = no text search.
    pub text: Option<String>,
    /// Keyset pagination: only notices with a smaller id (0 = from the newest).
    pub before_id: i64,
}

/// The public list, newest first: notices on the public site on `today`
/// (published and within their period), and withdrawal statements of
/// notices that had been published. At most `limit` rows.
pub async fn public_page(
    db: &Db,
    f: &PublicFilter,
    today: &str,
    limit: i64,
) -> Result<Vec<NoticeRow>, StoreError> {
    // On SQLite the filter columns are written `+col` (no index): every
    // filter keeps a good share of the notices, so walking the primary key
    // newest first and stopping at the limit reads a few hundred rows, where
    // an index on state or year made SQLite collect and sort every match
    // (2–3 s per page at 1,000,000 notices). PostgreSQL plans from its
    // statistics and is given the plain columns.
    let p = if db.backend() == Backend::Sqlite {
        "+"
    } else {
        ""
    };
    let visible = format!(
        "(({p}n.state = 'published' AND ({p}n.until_on = '' OR {p}n.until_on > $1)) \
         OR ({p}n.state = 'withdrawn' AND {p}n.published_on <> ''))"
    );
    // Only the filters in use go into the statement (each value bound): a
    // disabled filter written as `($n = 0 OR n.id < $n)` hides the key range
    // from the planner, and a deep keyset page scanned the whole table (3 s
    // at 1,000,000 notices).
    enum Arg<'a> {
        Int(i64),
        Text(&'a str),
    }
    let fts = db.backend() == Backend::Sqlite && f.text.is_some();
    let mut args = vec![Arg::Text(today)];
    let mut conds = vec![visible];
    /// Adds `cond` with its `?` numbered as the next parameter.
    fn push<'a>(conds: &mut Vec<String>, args: &mut Vec<Arg<'a>>, cond: &str, arg: Arg<'a>) {
        args.push(arg);
        conds.push(cond.replace('?', &format!("${}", args.len())));
    }
    if let Some(text) = &f.text {
        let cond = match db.backend() {
            Backend::Sqlite => "notices_fts MATCH ?",
            Backend::Postgres => {
                "to_tsvector('simple', n.search_tokens) @@ to_tsquery('simple', ?)"
            }
        };
        push(&mut conds, &mut args, cond, Arg::Text(text));
    }
    if f.year != 0 {
        push(
            &mut conds,
            &mut args,
            &format!("{p}n.year = ?"),
            Arg::Int(f.year),
        );
    }
    if f.agency_id != 0 {
        push(
            &mut conds,
            &mut args,
            &format!("{p}n.agency_id = ?"),
            Arg::Int(f.agency_id),
        );
    }
    if !f.domain.is_empty() {
        push(
            &mut conds,
            &mut args,
            &format!("{p}n.domain = ?"),
            Arg::Text(&f.domain),
        );
    }
    if !f.kind.is_empty() {
        push(
            &mut conds,
            &mut args,
            &format!("{p}n.kind = ?"),
            Arg::Text(&f.kind),
        );
    }
    if f.before_id != 0 {
        // On the FTS5 path the constraint is on its rowid, which FTS5 seeks to.
        let cond = if fts { "f.rowid < ?" } else { "n.id < ?" };
        push(&mut conds, &mut args, cond, Arg::Int(f.before_id));
    }
    args.push(Arg::Int(limit));
    let limit_at = args.len();
    let filters = conds.join(" AND ");
    let sql = if fts {
        // FTS5 walks its doclist newest rowid first and stops at the limit.
        format!(
            "{} FROM notices_fts f JOIN notices n ON n.id = f.rowid JOIN agencies a ON a.id = n.agency_id \
             WHERE {filters} ORDER BY f.rowid DESC LIMIT ${limit_at}",
            SELECT.split(" FROM notices n").next().unwrap_or(SELECT)
        )
    } else {
        format!("{SELECT} WHERE {filters} ORDER BY n.id DESC LIMIT ${limit_at}")
    };
    // Nor may SQLite drive the join from the agencies (a handful of rows)
    // through the notices' agency index: that too collected every notice
    // and sorted them.
    let sql = sql.replace("a.id = n.agency_id", &format!("a.id = {p}n.agency_id"));
    Ok(on_db!(db, |c| {
        // Only placeholders are formatted in; every value is bound.
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for arg in &args {
            q = match arg {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(*v),
            };
        }
        q.fetch_all(c).await?
    }))
}

/// Years that have public notices, newest first (for the year filter).
/// A loose index scan: one probe of `notices_year` per year, where
/// `SELECT DISTINCT year` read every notice (5 s per page on PostgreSQL at
/// 1,000,000 notices under load).
pub async fn years(db: &Db) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = on_db!(db, |c| sqlx::query_as(
        "WITH RECURSIVE y(year) AS ( \
           SELECT (SELECT year FROM notices WHERE published_on <> '' ORDER BY year DESC LIMIT 1) \
           UNION ALL \
           SELECT (SELECT n.year FROM notices n WHERE n.year < y.year AND n.published_on <> '' \
                   ORDER BY n.year DESC LIMIT 1) FROM y WHERE y.year IS NOT NULL) \
         SELECT year FROM y WHERE year IS NOT NULL"
    )
    .fetch_all(c)
    .await?);
    Ok(rows.into_iter().map(|(y,)| y).collect())
}

/// Bulk load for the portal benchmark: many notices in one transaction,
/// several per statement. Not used by the application.
pub async fn bulk_insert(
    tx: &mut Tx,
    first_id: i64,
    rows: &[(NewNotice<'_>, Lifecycle)],
    now_us: i64,
) -> Result<(), StoreError> {
    for (i, (n, life)) in rows.iter().enumerate() {
        insert_row(tx, first_id + i as i64, n, life, now_us).await?;
    }
    Ok(())
}

async fn insert_row(
    tx: &mut Tx,
    id: i64,
    n: &NewNotice<'_>,
    life: &Lifecycle,
    now_us: i64,
) -> Result<(), StoreError> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO notices (id, agency_id, kind, case_id, number, decided_on, year, domain, party_name, party_kind, \
             party_code, title, facts, basis, content, state, due_on, published_on, shortest_until, until_on, withdrawal_due, \
             taken_down_on, reason, reply, search_tokens, version, created_at_us, updated_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
             $24, $25, 1, $26, $26)",
        )
        .bind(id)
        .bind(n.agency_id)
        .bind(n.kind)
        .bind(n.case_id)
        .bind(n.number)
        .bind(n.decided_on)
        .bind(n.year)
        .bind(n.domain)
        .bind(n.party_name)
        .bind(n.party_kind)
        .bind(n.party_code)
        .bind(n.title)
        .bind(n.facts)
        .bind(n.basis)
        .bind(n.content)
        .bind(&life.state)
        .bind(&life.due_on)
        .bind(&life.published_on)
        .bind(&life.shortest_until)
        .bind(&life.until_on)
        .bind(&life.withdrawal_due)
        .bind(&life.taken_down_on)
        .bind(&life.reason)
        .bind(&life.reply)
        .bind(n.search_tokens)
        .bind(now_us)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}
