//! Random-inspection plans and their draws.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::agency::AgencyPath;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_path: String,
    pub year: i64,
    /// `national`, `provincial`, `city` or `county`.
    pub level: String,
    pub name: String,
    /// The spot-check item (随机抽查事项) the plan carries out.
    pub item_code: String,
    /// Comma-separated domain codes.
    pub domains: String,
    pub params_json: String,
    pub due_on: String,
}

pub struct NewPlan<'a> {
    pub agency_id: i64,
    pub year: i64,
    pub level: &'a str,
    pub name: &'a str,
    pub item_code: &'a str,
    pub domains: &'a str,
    pub params_json: &'a str,
    pub due_on: &'a str,
}

pub async fn insert_plan(tx: &mut Tx, p: &NewPlan<'_>, now_us: i64) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM inspection_plans"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO inspection_plans (id, agency_id, year, level, name, item_code, domains, params_json, due_on, created_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(p.agency_id)
        .bind(p.year)
        .bind(p.level)
        .bind(p.name)
        .bind(p.item_code)
        .bind(p.domains)
        .bind(p.params_json)
        .bind(p.due_on)
        .bind(now_us)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(id)
}

const PLAN_SELECT: &str = "SELECT p.id, p.agency_id, a.name AS agency_name, a.path AS agency_path, p.year, p.level, p.name, \
     p.item_code, p.domains, p.params_json, p.due_on FROM inspection_plans p JOIN agencies a ON a.id = p.agency_id";

pub async fn get_plan(db: &Db, id: i64) -> Result<Option<PlanRow>, StoreError> {
    let sql = format!("{PLAN_SELECT} WHERE p.id = $1");
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(id)
    .fetch_optional(c)
    .await?))
}

/// Plans of agencies in scope and of the agencies above it (a bureau's plan
/// is carried out by its supervision body), newest first.
pub async fn list_plans(db: &Db, scope: &AgencyPath) -> Result<Vec<PlanRow>, StoreError> {
    let sql = format!(
        "{PLAN_SELECT} WHERE a.path LIKE $1 OR $2 LIKE a.path || '%' ORDER BY p.year DESC, p.id DESC"
    );
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(&prefix)
    .bind(scope.as_str())
    .fetch_all(c)
    .await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DrawRow {
    pub id: i64,
    pub plan_id: i64,
    /// `committed` or `drawn`.
    pub state: String,
    pub commitment: String,
    pub pool_json: String,
    pub randomness: String,
    pub randomness_source: String,
    pub record_json: String,
    pub committed_event: i64,
    pub drawn_event: i64,
}

const DRAW_SELECT: &str = "SELECT id, plan_id, state, commitment, pool_json, randomness, randomness_source, record_json, \
     committed_event, drawn_event FROM draws";

pub async fn insert_draw(
    tx: &mut Tx,
    plan_id: i64,
    commitment: &str,
    pool_json: &str,
    now_us: i64,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM draws"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO draws (id, plan_id, state, commitment, pool_json, randomness, randomness_source, record_json, \
             committed_event, drawn_event, created_at_us, updated_at_us) \
             VALUES ($1, $2, 'committed', $3, $4, '', '', '', 0, 0, $5, $5)",
        )
        .bind(id)
        .bind(plan_id)
        .bind(commitment)
        .bind(pool_json)
        .bind(now_us)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(id)
}

/// Remember which event committed the draw (its position in the log).
pub async fn set_committed_event(tx: &mut Tx, id: i64, event_id: i64) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE draws SET committed_event = $1 WHERE id = $2"
    )
    .bind(event_id)
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// Record the outcome of a committed draw; `false` if it was drawn already.
pub async fn set_drawn(
    tx: &mut Tx,
    id: i64,
    randomness: &str,
    source: &str,
    record_json: &str,
    event_id: i64,
    now_us: i64,
) -> Result<bool, StoreError> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE draws SET state = 'drawn', randomness = $1, randomness_source = $2, record_json = $3, drawn_event = $4, \
             updated_at_us = $5 WHERE id = $6 AND state = 'committed'",
        )
        .bind(randomness)
        .bind(source)
        .bind(record_json)
        .bind(event_id)
        .bind(now_us)
        .bind(id)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

pub async fn get_draw(db: &Db, id: i64) -> Result<Option<DrawRow>, StoreError> {
    let sql = format!("{DRAW_SELECT} WHERE id = $1");
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(id)
    .fetch_optional(c)
    .await?))
}

pub async fn draws_of_plan(db: &Db, plan_id: i64) -> Result<Vec<DrawRow>, StoreError> {
    let sql = format!("{DRAW_SELECT} WHERE plan_id = $1 ORDER BY id");
    Ok(on_db!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(plan_id)
    .fetch_all(c)
    .await?))
}

/// Entities of scope with their ids, as the pool builder needs them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PoolEntity {
    pub id: i64,
    pub domains: String,
    pub region_code: String,
    pub credit_grade: String,
    pub status: String,
}

pub async fn pool_entities(db: &Db, scope: &AgencyPath) -> Result<Vec<PoolEntity>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| {
        sqlx::query_as(
            "SELECT e.id, e.domains, e.region_code, e.credit_grade, e.status FROM entities e \
             JOIN agencies a ON a.id = e.agency_id WHERE a.path LIKE $1 ORDER BY e.id",
        )
        .bind(&prefix)
        .fetch_all(c)
        .await?
    }))
}
