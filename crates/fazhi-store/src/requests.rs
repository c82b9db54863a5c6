//! Complaints, reports and disclosure requests: the request as JSON plus a
//! projection for lists and counts, with optimistic concurrency on `version`.
//! The tracking number is looked up by its hash only.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::agency::AgencyPath;
use serde::Serialize;

/// The columns a list shows and filters on, derived from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    pub kind: String,
    pub state: String,
    pub subject: String,
    pub received_on: String,
    pub due_on: String,
    pub due_rule: String,
    pub concluded_on: String,
    /// Outcome or answer code, empty while open.
    pub result: String,
    pub on_time: bool,
    /// User id, 0 when unassigned.
    pub assignee: i64,
    pub satisfaction: String,
}

/// The requester's personal data: stored, shown to staff of the scope only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Requester {
    pub requester_name: String,
    pub requester_phone: String,
    pub requester_email: String,
    pub requester_address: String,
}

/// Insert a new request at version 1; returns its id.
pub async fn insert(
    tx: &mut Tx,
    agency_id: i64,
    (tracking_hash, tracking_hint): (&str, &str),
    who: &Requester,
    p: &Projection,
    state_json: &str,
    now_us: i64,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM public_requests"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO public_requests (id, agency_id, kind, state, tracking_hash, tracking_hint, subject, \
             requester_name, requester_phone, requester_email, requester_address, received_on, due_on, due_rule, \
             concluded_on, result, on_time, assignee, satisfaction, version, state_json, created_at_us, updated_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, $20, $21, $21)",
        )
        .bind(id)
        .bind(agency_id)
        .bind(&p.kind)
        .bind(&p.state)
        .bind(tracking_hash)
        .bind(tracking_hint)
        .bind(&p.subject)
        .bind(&who.requester_name)
        .bind(&who.requester_phone)
        .bind(&who.requester_email)
        .bind(&who.requester_address)
        .bind(&p.received_on)
        .bind(&p.due_on)
        .bind(&p.due_rule)
        .bind(&p.concluded_on)
        .bind(&p.result)
        .bind(i64::from(p.on_time))
        .bind(p.assignee)
        .bind(&p.satisfaction)
        .bind(state_json)
        .bind(now_us)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(id)
}

/// Replace a request if it is still at `expected_version`; `false` (nothing
/// written) when someone else changed it first.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    expected_version: i64,
    p: &Projection,
    state_json: &str,
    now_us: i64,
) -> Result<bool, StoreError> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE public_requests SET kind = $1, state = $2, subject = $3, received_on = $4, due_on = $5, due_rule = $6, \
             concluded_on = $7, result = $8, on_time = $9, assignee = $10, satisfaction = $11, state_json = $12, \
             updated_at_us = $13, version = version + 1 WHERE id = $14 AND version = $15",
        )
        .bind(&p.kind)
        .bind(&p.state)
        .bind(&p.subject)
        .bind(&p.received_on)
        .bind(&p.due_on)
        .bind(&p.due_rule)
        .bind(&p.concluded_on)
        .bind(&p.result)
        .bind(i64::from(p.on_time))
        .bind(p.assignee)
        .bind(&p.satisfaction)
        .bind(state_json)
        .bind(now_us)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

/// A stored request with where it belongs and who asked.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredRequest {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_path: String,
    pub agency_region: String,
    pub tracking_hint: String,
    #[sqlx(flatten)]
    pub requester: Requester,
    pub version: i64,
    pub state_json: String,
}

const STORED_SELECT: &str = "SELECT r.id, r.agency_id, a.name AS agency_name, a.path AS agency_path, \
     a.region_code AS agency_region, r.tracking_hint, r.requester_name, r.requester_phone, r.requester_email, \
     r.requester_address, r.version, r.state_json \
     FROM public_requests r JOIN agencies a ON a.id = r.agency_id";

pub async fn get(db: &Db, id: i64) -> Result<Option<StoredRequest>, StoreError> {
    let sql = format!("{STORED_SELECT} WHERE r.id = $1");
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(id)
    .fetch_optional(c)
    .await?))
}

/// Every request not yet concluded, as the write transaction sees them (a
/// holiday-schedule import recomputes their due dates).
pub async fn open_in_tx(tx: &mut Tx) -> Result<Vec<StoredRequest>, StoreError> {
    let sql = format!("{STORED_SELECT} WHERE r.state <> 'concluded' ORDER BY r.id");
    Ok(on_tx!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .fetch_all(&mut *c)
    .await?))
}

/// The request a tracking number (its hash) opens, if any.
pub async fn by_tracking(
    db: &Db,
    tracking_hash: &str,
) -> Result<Option<StoredRequest>, StoreError> {
    let sql = format!("{STORED_SELECT} WHERE r.tracking_hash = $1");
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tracking_hash)
    .fetch_optional(c)
    .await?))
}

/// One line of a request list (no personal data beyond the requester's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RequestListed {
    pub id: i64,
    pub agency_name: String,
    pub kind: String,
    pub state: String,
    pub tracking_hint: String,
    pub subject: String,
    pub requester_name: String,
    pub received_on: String,
    pub due_on: String,
    pub due_rule: String,
    pub concluded_on: String,
    pub result: String,
    pub on_time: i64,
    pub assignee: i64,
    pub satisfaction: String,
}

/// Filters of a request list; empty strings match everything.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter<'a> {
    pub kind: &'a str,
    /// `open`, `concluded` or a state code.
    pub state: &'a str,
    /// Subject or tracking hint contains this.
    pub search: &'a str,
    /// Only requests assigned to this user.
    pub assignee: Option<i64>,
}

/// Requests of a scope, open ones by due date first; at most `limit` rows.
pub async fn list(
    db: &Db,
    scope: &AgencyPath,
    f: &RequestFilter<'_>,
    limit: i64,
) -> Result<Vec<RequestListed>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let kind = if f.kind.is_empty() { "%" } else { f.kind };
    let pattern = format!("%{}%", crate::registry::escape_like(f.search));
    let assignee = f.assignee.unwrap_or(-1);
    Ok(on_db!(db, |c| {
        sqlx::query_as(
            "SELECT r.id, a.name AS agency_name, r.kind, r.state, r.tracking_hint, r.subject, r.requester_name, \
             r.received_on, r.due_on, r.due_rule, r.concluded_on, r.result, r.on_time, r.assignee, r.satisfaction \
             FROM public_requests r JOIN agencies a ON a.id = r.agency_id \
             WHERE a.path LIKE $1 AND r.kind LIKE $2 \
               AND (r.subject LIKE $3 ESCAPE '\\' OR r.tracking_hint LIKE $3 ESCAPE '\\') \
               AND ($4 = '' OR ($4 = 'open' AND r.state <> 'concluded') OR r.state = $4) \
               AND ($5 = -1 OR r.assignee = $5) \
             ORDER BY CASE WHEN r.state = 'concluded' THEN 1 ELSE 0 END, \
                      CASE WHEN r.due_on = '' THEN 1 ELSE 0 END, r.due_on, r.id DESC \
             LIMIT $6",
        )
        .bind(&prefix)
        .bind(kind)
        .bind(&pattern)
        .bind(f.state)
        .bind(assignee)
        .bind(limit.clamp(1, crate::registry::ROWS_PER_QUERY_MAX))
        .fetch_all(c)
        .await?
    }))
}

/// Every request of a scope as JSON, for statistics and indicators.
pub async fn states_in_scope(db: &Db, scope: &AgencyPath) -> Result<Vec<String>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| {
        sqlx::query_scalar(
            "SELECT r.state_json FROM public_requests r JOIN agencies a ON a.id = r.agency_id \
             WHERE a.path LIKE $1 ORDER BY r.id",
        )
        .bind(&prefix)
        .fetch_all(c)
        .await?
    }))
}
