//! Public notices of decisions (双公示) and their full-text search.
//!
//! Search runs on the `search_tokens` column (segmented, folded text built
//! by `fazhi-text`): FTS5 on SQLite; on PostgreSQL the stored
//! `to_tsvector('simple', …)` column `search_fts` with a GIN index. The MATCH / tsquery text comes from
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

/// The columns of a `NoticeRow`, from `notices n` and `agencies a`.
macro_rules! columns {
    () => {
        "SELECT n.id, n.agency_id, a.name AS agency_name, a.path AS agency_path, n.kind, n.case_id, n.number, \
     n.decided_on, n.year, n.domain, n.party_name, n.party_kind, n.party_code, n.title, n.facts, n.basis, n.content, n.state, \
     n.due_on, n.published_on, n.shortest_until, n.until_on, n.withdrawal_due, n.taken_down_on, n.reason, n.reply, n.version"
    };
}
const COLUMNS: &str = columns!();
const SELECT: &str = concat!(
    columns!(),
    " FROM notices n JOIN agencies a ON a.id = n.agency_id"
);

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

/// Penalty notices still pending or up (their period can still matter),
/// after `after_id`, by id: the batches of a re-timing run.
pub async fn open_penalties(
    db: &Db,
    after_id: i64,
    limit: i64,
) -> Result<Vec<NoticeRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE n.kind = 'penalty' AND n.state IN ('pending', 'published') AND n.id > $1 \
         ORDER BY n.id LIMIT $2"
    );
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(after_id)
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

/// How many of the newest notices a PostgreSQL search walks first (see
/// `pg_search`): about 4 ms at most. Search terms in more than about one
/// notice in 200 fill a page inside it.
pub const SEARCH_SLICE_ROWS: i64 = 4096;

/// The public list, newest first: notices on the public site on `today`
/// (published and within their period), and withdrawal statements of
/// notices that had been published. At most `limit` rows.
pub async fn public_page(
    db: &Db,
    f: &PublicFilter,
    today: &str,
    limit: i64,
) -> Result<Vec<NoticeRow>, StoreError> {
    public_page_sliced(db, f, today, limit, SEARCH_SLICE_ROWS).await
}

/// `public_page` with the PostgreSQL search slice as a parameter, so that a
/// test can cross the slice's boundary with a few dozen notices.
pub async fn public_page_sliced(
    db: &Db,
    f: &PublicFilter,
    today: &str,
    limit: i64,
    slice_rows: i64,
) -> Result<Vec<NoticeRow>, StoreError> {
    match (db.backend(), &f.text) {
        (Backend::Postgres, Some(text)) => pg_search(db, f, text, today, limit, slice_rows).await,
        (Backend::Sqlite, Some(text)) => {
            // FTS5 walks its doclist newest rowid first and stops at the
            // limit; the keyset constraint is on its rowid, which it seeks to.
            let mut q = Filters::new(db.backend(), Access::Planner, f, today);
            q.cond("notices_fts MATCH ?", Arg::Text(text));
            if f.before_id != 0 {
                q.cond("f.rowid < ?", Arg::Int(f.before_id));
            }
            let limit_at = q.bind(Arg::Int(limit));
            let sql = format!(
                "{COLUMNS} FROM notices_fts f JOIN notices n ON n.id = f.rowid \
                 JOIN agencies a ON a.id = +n.agency_id \
                 WHERE {} ORDER BY f.rowid DESC LIMIT {limit_at}",
                q.conds.join(" AND ")
            );
            q.fetch(db, &sql).await
        }
        (backend, None) => {
            let mut q = Filters::new(backend, Access::Planner, f, today);
            if f.before_id != 0 {
                q.cond("n.id < ?", Arg::Int(f.before_id));
            }
            let limit_at = q.bind(Arg::Int(limit));
            // Nor may SQLite drive the join from the agencies (a handful of
            // rows) through the notices' agency index: that too collected
            // every notice and sorted them.
            let sql = format!(
                "{COLUMNS} FROM notices n JOIN agencies a ON a.id = {}n.agency_id \
                 WHERE {} ORDER BY n.id DESC LIMIT {limit_at}",
                q.p,
                q.conds.join(" AND ")
            );
            q.fetch(db, &sql).await
        }
    }
}

/// PostgreSQL search, by walking the newest notices while that is cheaper
/// than asking the GIN index, because neither plan alone serves every term
/// (measured in docs/benchmarks.md on 1,000,000 notices):
/// - walking the primary key newest first fills a page of a common term
///   after a few hundred rows, but reads the whole table for a rare one;
/// - the GIN index finds a rare term at once, but must fetch and sort every
///   match of a common one (8,442 matches: 36 ms).
///
/// So the newest `slice_rows` notices below the keyset bound are walked,
/// stopping when the page is full. If it is not, the share of matches in
/// the rows walked so far tells how many more rows would fill it, and
/// [`next_walk`] either walks that many more or leaves the rest of the page
/// to the GIN index. Each step's lower bound is fixed before it runs, so
/// the steps cover disjoint id ranges even while notices are being added.
async fn pg_search(
    db: &Db,
    f: &PublicFilter,
    text: &str,
    today: &str,
    limit: i64,
    slice_rows: i64,
) -> Result<Vec<NoticeRow>, StoreError> {
    let mut below = if f.before_id != 0 {
        f.before_id
    } else {
        i64::MAX
    };
    let mut rows = Vec::new();
    let mut walked = 0;
    let mut slice = slice_rows.max(1);
    loop {
        let (lowest, count): (Option<i64>, i64) = on_db!(db, |c| {
            sqlx::query_as(
            "SELECT MIN(id), COUNT(*) FROM (SELECT id FROM notices WHERE id < $1 ORDER BY id DESC LIMIT $2) s"
        )
        .bind(below)
        .bind(slice)
        .fetch_one(c)
        .await?
        });
        let Some(lowest) = lowest else {
            return Ok(rows);
        };
        // The slice's LIMIT keeps the walk on the primary key; the outer
        // LIMIT stops it as soon as the page is full.
        let mut q = Filters::new(Backend::Postgres, Access::Planner, f, today);
        q.cond("n.search_fts @@ to_tsquery('simple', ?)", Arg::Text(text));
        q.cond("n.id >= ?", Arg::Int(lowest));
        let below_at = q.bind(Arg::Int(below));
        let slice_at = q.bind(Arg::Int(slice));
        let limit_at = q.bind(Arg::Int(limit - rows.len() as i64));
        let sql = format!(
            "{COLUMNS} FROM (SELECT * FROM notices WHERE id < {below_at} ORDER BY id DESC LIMIT {slice_at}) n \
             JOIN agencies a ON a.id = n.agency_id \
             WHERE {} ORDER BY n.id DESC LIMIT {limit_at}",
            q.conds.join(" AND ")
        );
        rows.extend(q.fetch(db, &sql).await?);
        walked += count;
        below = lowest;
        if rows.len() as i64 >= limit || count < slice {
            return Ok(rows);
        }
        match next_walk(rows.len() as i64, walked, limit, lowest, slice_rows) {
            Some(more) => slice = more,
            None => break,
        }
    }
    // The rest from the GIN index, below what was walked. The other filters
    // are written so that no B-tree index can serve them (with a year
    // filter PostgreSQL otherwise read a third of the notices through
    // `notices_year`), and `n.id + 0` is not the primary key's order, so
    // PostgreSQL takes the index's matches and keeps the top ones.
    let mut q = Filters::new(Backend::Postgres, Access::NoIndex, f, today);
    q.cond("n.search_fts @@ to_tsquery('simple', ?)", Arg::Text(text));
    q.cond("n.id < ?", Arg::Int(below));
    let limit_at = q.bind(Arg::Int(limit - rows.len() as i64));
    let sql = format!(
        "WITH m AS MATERIALIZED (SELECT n.id FROM notices n WHERE {} ORDER BY n.id + 0 DESC LIMIT {limit_at}) \
         {COLUMNS} FROM m JOIN notices n ON n.id = m.id JOIN agencies a ON a.id = n.agency_id ORDER BY n.id DESC",
        q.conds.join(" AND ")
    );
    rows.extend(q.fetch(db, &sql).await?);
    Ok(rows)
}

/// Measured on 1,000,000 notices: checking one walked row against a stored
/// tsvector costs about 1 µs; a GIN match costs about 4 µs of fetching and
/// filtering, more than twice that counting the parallel workers
/// PostgreSQL adds. A match is taken as this many walked rows.
const GIN_MATCH_IN_WALKED_ROWS: i64 = 8;

/// The most rows a search walks, in slices: 16 first slices (65,536 rows,
/// about 65 ms, at the default slice).
const WALK_MAX_SLICES: i64 = 16;

/// How many more rows to walk, or `None` to ask the GIN index: `found`
/// matches in `walked` rows, a page of `limit`, about `below` notices not
/// yet walked. Walking is chosen while the rows expected to fill the page
/// cost less than the matches the index would fetch at the same share.
fn next_walk(found: i64, walked: i64, limit: i64, below: i64, slice_rows: i64) -> Option<i64> {
    let cap = slice_rows.max(1).saturating_mul(WALK_MAX_SLICES);
    if found <= 0 || walked >= cap {
        return None;
    }
    let need = (limit - found).max(1).saturating_mul(walked) / found;
    let gin = GIN_MATCH_IN_WALKED_ROWS
        .saturating_mul(found)
        .saturating_mul(below)
        / walked.max(1);
    if need > gin {
        return None;
    }
    // Half again as many, as the share is an estimate.
    Some((need + need / 2).clamp(1, cap - walked))
}

/// One bound value of a public-list statement.
enum Arg<'a> {
    Int(i64),
    Text(&'a str),
}

/// Whether a statement's filters may be served by B-tree indexes
/// (PostgreSQL; SQLite's are never, see [`Filters`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Planner,
    NoIndex,
}

/// The conditions of a public-list statement and their bound values.
///
/// Only the filters in use go into the statement (each value bound): a
/// disabled filter written as `($n = 0 OR n.id < $n)` hides the key range
/// from the planner, and a deep keyset page scanned the whole table (3 s at
/// 1,000,000 notices).
///
/// On SQLite the filter columns are written `+col` (no index): every filter
/// keeps a good share of the notices, so walking the primary key newest
/// first and stopping at the limit reads a few hundred rows, where an index
/// on state or year made SQLite collect and sort every match (2–3 s per
/// page at 1,000,000 notices). PostgreSQL plans from its statistics and is
/// given the plain columns.
struct Filters<'a> {
    /// `+` on SQLite (see above).
    p: &'static str,
    conds: Vec<String>,
    args: Vec<Arg<'a>>,
}

impl<'a> Filters<'a> {
    /// Visible on `today`, and the filters of `f` (not its text or keyset).
    fn new(backend: Backend, access: Access, f: &'a PublicFilter, today: &'a str) -> Self {
        let p = if backend == Backend::Sqlite { "+" } else { "" };
        // A column as the conditions name it: `+n.c` on SQLite; on
        // PostgreSQL `n.c`, or an expression no index matches.
        let col = |c: &str, int: bool| match (backend, access) {
            (Backend::Sqlite, _) => format!("+n.{c}"),
            (Backend::Postgres, Access::Planner) => format!("n.{c}"),
            (Backend::Postgres, Access::NoIndex) if int => format!("(n.{c} + 0)"),
            (Backend::Postgres, Access::NoIndex) => format!("(n.{c} || '')"),
        };
        let (state, until, published) = (
            col("state", false),
            col("until_on", false),
            col("published_on", false),
        );
        let mut q = Filters {
            p,
            conds: Vec::new(),
            args: Vec::new(),
        };
        q.cond(
            &format!(
                "(({state} = 'published' AND ({until} = '' OR {until} > ?)) \
                 OR ({state} = 'withdrawn' AND {published} <> ''))"
            ),
            Arg::Text(today),
        );
        if f.year != 0 {
            q.cond(&format!("{} = ?", col("year", true)), Arg::Int(f.year));
        }
        if f.agency_id != 0 {
            q.cond(
                &format!("{} = ?", col("agency_id", true)),
                Arg::Int(f.agency_id),
            );
        }
        if !f.domain.is_empty() {
            q.cond(
                &format!("{} = ?", col("domain", false)),
                Arg::Text(&f.domain),
            );
        }
        if !f.kind.is_empty() {
            q.cond(&format!("{} = ?", col("kind", false)), Arg::Text(&f.kind));
        }
        q
    }

    /// Binds `arg` as the next parameter; returns its placeholder (`$n`).
    fn bind(&mut self, arg: Arg<'a>) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// Adds `cond`, its one `?` being `arg`.
    fn cond(&mut self, cond: &str, arg: Arg<'a>) {
        let at = self.bind(arg);
        self.conds.push(cond.replace('?', &at));
    }

    async fn fetch(&self, db: &Db, sql: &str) -> Result<Vec<NoticeRow>, StoreError> {
        Ok(on_db!(db, |c| {
            // Only placeholders are formatted in; every value is bound.
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()));
            for arg in &self.args {
                q = match arg {
                    Arg::Int(v) => q.bind(*v),
                    Arg::Text(v) => q.bind(*v),
                };
            }
            q.fetch_all(c).await?
        }))
    }
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

#[cfg(test)]
mod tests {
    use super::{SEARCH_SLICE_ROWS, WALK_MAX_SLICES, next_walk};

    #[test]
    fn a_search_with_no_match_in_the_first_slice_asks_the_index() {
        assert_eq!(next_walk(0, 4096, 21, 1_000_000, SEARCH_SLICE_ROWS), None);
    }

    #[test]
    fn a_search_walks_on_while_the_rows_to_fill_the_page_cost_less_than_the_index_matches() {
        // 11 of 21 found in 4,096 rows: about 3,700 more rows fill the page,
        // against some 2,700 matches below (21,500 rows' worth): walk half
        // again as many.
        let more = next_walk(11, 4096, 21, 996_000, SEARCH_SLICE_ROWS).unwrap();
        assert_eq!(more, 5584);
        // 1 found: 80,000 rows to walk against 250 matches: the index.
        assert_eq!(next_walk(1, 4096, 21, 1_000_000, SEARCH_SLICE_ROWS), None);
        // Few notices left below: the index, whatever the share.
        assert_eq!(next_walk(11, 4096, 21, 1_000, SEARCH_SLICE_ROWS), None);
    }

    #[test]
    fn a_search_walks_at_most_sixteen_slices() {
        let cap = SEARCH_SLICE_ROWS * WALK_MAX_SLICES;
        assert_eq!(
            next_walk(20, cap - 100, 21, 10_000_000, SEARCH_SLICE_ROWS),
            Some(100)
        );
        assert_eq!(next_walk(20, cap, 21, 10_000_000, SEARCH_SLICE_ROWS), None);
    }
}
