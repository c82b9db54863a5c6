//! 执法主体 — agencies table.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::agency::{AgencyKind, AgencyLevel, AgencyPath};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agency {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: AgencyKind,
    pub level: AgencyLevel,
    pub region_code: String,
    pub path: AgencyPath,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    kind: String,
    level: String,
    region_code: String,
    path: String,
}

impl TryFrom<Row> for Agency {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Agency {
            kind: AgencyKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("agency {} kind {}", r.id, r.kind)))?,
            level: AgencyLevel::parse(&r.level)
                .ok_or_else(|| StoreError::Corrupt(format!("agency {} level {}", r.id, r.level)))?,
            path: AgencyPath::parse(&r.path)
                .ok_or_else(|| StoreError::Corrupt(format!("agency {} path {}", r.id, r.path)))?,
            id: r.id,
            parent_id: r.parent_id,
            name: r.name,
            region_code: r.region_code,
        })
    }
}

pub struct NewAgency<'a> {
    pub parent: Option<&'a Agency>,
    pub name: &'a str,
    pub kind: AgencyKind,
    pub level: AgencyLevel,
    pub region_code: &'a str,
    pub at_us: i64,
}

/// Insert an agency; its path is computed from the parent's.
pub async fn insert(tx: &mut Tx, new: &NewAgency<'_>) -> Result<Agency, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM agencies"
    )
    .fetch_one(&mut *c)
    .await?);
    let path = match new.parent {
        Some(p) => p.path.child(id),
        None => AgencyPath::root(id),
    };
    let parent_id = new.parent.map(|p| p.id);
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO agencies (id, parent_id, name, kind, level, region_code, path, created_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(id)
    .bind(parent_id)
    .bind(new.name)
    .bind(new.kind.code())
    .bind(new.level.code())
    .bind(new.region_code)
    .bind(path.as_str())
    .bind(new.at_us)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(Agency {
        id,
        parent_id,
        name: new.name.to_owned(),
        kind: new.kind,
        level: new.level,
        region_code: new.region_code.to_owned(),
        path,
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Agency>, StoreError> {
    let row: Option<Row> = on_db!(db, |c| sqlx::query_as(
        "SELECT id, parent_id, name, kind, level, region_code, path FROM agencies WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await?);
    row.map(Agency::try_from).transpose()
}

/// Every agency at or below `scope`, ordered by path (a depth-first listing).
pub async fn list_in_scope(db: &Db, scope: &AgencyPath) -> Result<Vec<Agency>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let rows: Vec<Row> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT id, parent_id, name, kind, level, region_code, path FROM agencies WHERE path LIKE $1 ORDER BY path"
    )
    .bind(&prefix)
    .fetch_all(c)
    .await?
    });
    rows.into_iter().map(Agency::try_from).collect()
}

/// Every agency, by path (for the command line).
pub async fn list_all(db: &Db) -> Result<Vec<Agency>, StoreError> {
    let rows: Vec<Row> = on_db!(db, |c| sqlx::query_as(
        "SELECT id, parent_id, name, kind, level, region_code, path FROM agencies ORDER BY path"
    )
    .fetch_all(c)
    .await?);
    rows.into_iter().map(Agency::try_from).collect()
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_db!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM agencies"
    )
    .fetch_one(c)
    .await?))
}
