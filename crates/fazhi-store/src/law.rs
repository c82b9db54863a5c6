//! Imported holiday schedules and tracked deadlines.

use crate::{Db, StoreError, Tx, on_db, on_tx};

pub async fn insert_calendar_import(
    tx: &mut Tx,
    years: &str,
    toml_text: &str,
    replaced: bool,
    at_us: i64,
) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO calendar_imports (id, years, toml_text, replaced, imported_at_us) \
         VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM calendar_imports), $1, $2, $3, $4) RETURNING id"
    )
    .bind(years)
    .bind(toml_text)
    .bind(i64::from(replaced))
    .bind(at_us)
    .fetch_one(&mut *c)
    .await?
    }))
}

/// `(toml_text, replaced)` of every import, oldest first.
pub async fn calendar_imports(db: &Db) -> Result<Vec<(String, bool)>, StoreError> {
    let rows: Vec<(String, i64)> = on_db!(db, |c| sqlx::query_as(
        "SELECT toml_text, replaced FROM calendar_imports ORDER BY id"
    )
    .fetch_all(c)
    .await?);
    Ok(rows.into_iter().map(|(t, r)| (t, r != 0)).collect())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct TrackedDeadline {
    pub id: i64,
    pub subject: String,
    pub rule_id: String,
    pub jurisdiction: String,
    pub start_date: String,
    pub pauses_json: String,
    pub extensions_json: String,
    pub due_date: String,
    pub open: i64,
    pub agency_id: Option<i64>,
}

pub struct NewTrackedDeadline<'a> {
    pub subject: &'a str,
    pub rule_id: &'a str,
    pub jurisdiction: &'a str,
    pub start_date: &'a str,
    pub pauses_json: &'a str,
    pub extensions_json: &'a str,
    pub due_date: &'a str,
    pub agency_id: Option<i64>,
    pub at_us: i64,
}

pub async fn insert_deadline(tx: &mut Tx, d: &NewTrackedDeadline<'_>) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO tracked_deadlines (id, subject, rule_id, jurisdiction, start_date, pauses_json, extensions_json, due_date, open, updated_at_us, agency_id) \
         VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM tracked_deadlines), $1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id"
    )
    .bind(d.subject)
    .bind(d.rule_id)
    .bind(d.jurisdiction)
    .bind(d.start_date)
    .bind(d.pauses_json)
    .bind(d.extensions_json)
    .bind(d.due_date)
    .bind(d.at_us)
    .bind(d.agency_id)
    .fetch_one(&mut *c)
    .await?
    }))
}

const SELECT: &str = "SELECT id, subject, rule_id, jurisdiction, start_date, pauses_json, extensions_json, due_date, open, agency_id FROM tracked_deadlines";

pub async fn open_deadlines_in_tx(tx: &mut Tx) -> Result<Vec<TrackedDeadline>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE open = 1 ORDER BY id"));
    Ok(on_tx!(tx, |c| sqlx::query_as(sql)
        .fetch_all(&mut *c)
        .await?))
}

pub async fn for_subject(db: &Db, subject: &str) -> Result<Vec<TrackedDeadline>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE subject = $1 ORDER BY id"));
    Ok(on_db!(db, |c| sqlx::query_as(sql)
        .bind(subject)
        .fetch_all(c)
        .await?))
}

pub async fn set_due_date(
    tx: &mut Tx,
    id: i64,
    due_date: &str,
    at_us: i64,
) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE tracked_deadlines SET due_date = $1, updated_at_us = $2 WHERE id = $3"
    )
    .bind(due_date)
    .bind(at_us)
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct RegionalHoliday {
    pub agency_id: i64,
    pub holiday_date: String,
    pub festival: String,
    pub notice: String,
}

pub async fn insert_regional(
    tx: &mut Tx,
    h: &RegionalHoliday,
    at_us: i64,
) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO regional_holidays (id, agency_id, holiday_date, festival, notice, created_at_us) \
         VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM regional_holidays), $1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(h.agency_id)
    .bind(&h.holiday_date)
    .bind(&h.festival)
    .bind(&h.notice)
    .bind(at_us)
    .fetch_one(&mut *c)
    .await?
    }))
}

/// Regional holidays that apply to the agency at `path`: its own and its ancestors'.
pub async fn regional_for_path(db: &Db, path: &str) -> Result<Vec<RegionalHoliday>, StoreError> {
    Ok(on_db!(db, |c| sqlx::query_as(
        "SELECT r.agency_id, r.holiday_date, r.festival, r.notice FROM regional_holidays r \
         JOIN agencies a ON a.id = r.agency_id WHERE $1 LIKE a.path || '%' ORDER BY r.holiday_date"
    )
    .bind(path)
    .fetch_all(c)
    .await?))
}

pub async fn regional_for_path_in_tx(
    tx: &mut Tx,
    path: &str,
) -> Result<Vec<RegionalHoliday>, StoreError> {
    Ok(on_tx!(tx, |c| sqlx::query_as(
        "SELECT r.agency_id, r.holiday_date, r.festival, r.notice FROM regional_holidays r \
         JOIN agencies a ON a.id = r.agency_id WHERE $1 LIKE a.path || '%' ORDER BY r.holiday_date"
    )
    .bind(path)
    .fetch_all(&mut *c)
    .await?))
}
