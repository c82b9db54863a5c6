//! The staff-written text of the annual report's parts, kept with versions
//! (`report_narratives`): a save appends the next version, nothing is ever
//! overwritten, so every earlier text stays readable.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use serde::Serialize;

/// One saved version of one part's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct NarrativeRow {
    pub part: i64,
    pub version: i64,
    pub body: String,
    pub author_id: i64,
    pub author: String,
    pub saved_at_us: i64,
}

/// The row query with its `WHERE …` appended, as one literal (no SQL is
/// formatted at run time).
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT n.part, n.version, n.body, n.author_id, COALESCE(u.username, '') AS author, n.saved_at_us \
             FROM report_narratives n LEFT JOIN users u ON u.id = n.author_id ",
            $rest
        )
    };
}

/// The latest version number of a part (0 when nothing was saved), read in
/// the writing transaction so the check and the insert see the same state.
pub async fn latest_version(
    tx: &mut Tx,
    agency_id: i64,
    year: i64,
    part: i64,
) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) FROM report_narratives WHERE agency_id = $1 AND year = $2 AND part = $3"
    )
    .bind(agency_id)
    .bind(year)
    .bind(part)
    .fetch_one(&mut *c)
    .await?
    }))
}

/// A new version of a part's text.
pub struct NewNarrative<'a> {
    pub agency_id: i64,
    pub year: i64,
    pub part: i64,
    pub version: i64,
    pub body: &'a str,
    pub author_id: i64,
}

pub async fn insert(tx: &mut Tx, n: &NewNarrative<'_>, now_us: i64) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM report_narratives"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO report_narratives (id, agency_id, year, part, version, body, author_id, saved_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(n.agency_id)
        .bind(n.year)
        .bind(n.part)
        .bind(n.version)
        .bind(n.body)
        .bind(n.author_id)
        .bind(now_us)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(id)
}

/// The latest version of each part that has one, by part.
pub async fn latest(db: &Db, agency_id: i64, year: i64) -> Result<Vec<NarrativeRow>, StoreError> {
    let sql = select!(
        "WHERE n.agency_id = $1 AND n.year = $2 AND n.version = \
         (SELECT MAX(m.version) FROM report_narratives m WHERE m.agency_id = n.agency_id AND m.year = n.year AND m.part = n.part) \
         ORDER BY n.part"
    );
    Ok(on_db!(db, |c| sqlx::query_as(sql)
        .bind(agency_id)
        .bind(year)
        .fetch_all(c)
        .await?))
}

/// Every version of every part, newest first within each part.
pub async fn history(db: &Db, agency_id: i64, year: i64) -> Result<Vec<NarrativeRow>, StoreError> {
    let sql = select!("WHERE n.agency_id = $1 AND n.year = $2 ORDER BY n.part, n.version DESC");
    Ok(on_db!(db, |c| sqlx::query_as(sql)
        .bind(agency_id)
        .bind(year)
        .fetch_all(c)
        .await?))
}

/// One version of one part.
pub async fn version(
    db: &Db,
    agency_id: i64,
    year: i64,
    part: i64,
    version: i64,
) -> Result<Option<NarrativeRow>, StoreError> {
    let sql = select!("WHERE n.agency_id = $1 AND n.year = $2 AND n.part = $3 AND n.version = $4");
    Ok(on_db!(db, |c| sqlx::query_as(sql)
        .bind(agency_id)
        .bind(year)
        .bind(part)
        .bind(version)
        .fetch_optional(c)
        .await?))
}

/// How many versions are stored for an agency and year (tests count writes).
pub async fn count(db: &Db, agency_id: i64, year: i64) -> Result<i64, StoreError> {
    Ok(on_db!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM report_narratives WHERE agency_id = $1 AND year = $2"
    )
    .bind(agency_id)
    .bind(year)
    .fetch_one(c)
    .await?))
}
