//! Officers, credentials and regulated entities: upserts by natural key (so a
//! re-import changes nothing) and scoped, searchable, paged lists.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::agency::AgencyPath;
use serde::Serialize;

/// Rows one list query returns at most (a page, or a whole export).
pub const ROWS_PER_QUERY_MAX: i64 = 1_000_000;

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OfficerRow {
    pub agency_id: i64,
    pub staff_no: String,
    pub name: String,
    pub posts: String,
    /// Comma-separated domain codes.
    pub domains: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CredentialRow {
    pub number: String,
    pub issuing_body: String,
    pub area: String,
    /// `YYYY-MM-DD`
    pub valid_from: String,
    pub valid_to: String,
    pub last_review_year: Option<i64>,
    pub training_hours: i64,
}

/// Insert or update an officer by staff number; returns its id and what changed.
pub async fn upsert_officer(
    tx: &mut Tx,
    o: &OfficerRow,
    now_us: i64,
) -> Result<(i64, Change), StoreError> {
    let existing: Option<(i64, i64, String, String, String)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT id, agency_id, name, posts, domains FROM officers WHERE staff_no = $1"
    )
    .bind(&o.staff_no)
    .fetch_optional(&mut *c)
    .await?);
    match existing {
        Some((id, agency_id, name, posts, domains)) => {
            if (agency_id, name.as_str(), posts.as_str(), domains.as_str())
                == (
                    o.agency_id,
                    o.name.as_str(),
                    o.posts.as_str(),
                    o.domains.as_str(),
                )
            {
                return Ok((id, Change::Unchanged));
            }
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE officers SET agency_id = $1, name = $2, posts = $3, domains = $4, updated_at_us = $5 WHERE id = $6"
            )
            .bind(o.agency_id)
            .bind(&o.name)
            .bind(&o.posts)
            .bind(&o.domains)
            .bind(now_us)
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok((id, Change::Updated))
        }
        None => {
            let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM officers"
            )
            .fetch_one(&mut *c)
            .await?);
            on_tx!(tx, |c| {
                sqlx::query(
                "INSERT INTO officers (id, agency_id, staff_no, name, posts, domains, created_at_us, updated_at_us) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
            )
            .bind(id)
            .bind(o.agency_id)
            .bind(&o.staff_no)
            .bind(&o.name)
            .bind(&o.posts)
            .bind(&o.domains)
            .bind(now_us)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok((id, Change::Inserted))
        }
    }
}

#[derive(sqlx::FromRow)]
struct StoredCredential {
    id: i64,
    officer_id: i64,
    #[sqlx(flatten)]
    row: CredentialRow,
}

#[derive(sqlx::FromRow)]
struct StoredEntity {
    id: i64,
    #[sqlx(flatten)]
    row: EntityRow,
}

/// Insert or update a credential by its number, attached to `officer_id`.
pub async fn upsert_credential(
    tx: &mut Tx,
    officer_id: i64,
    cr: &CredentialRow,
    now_us: i64,
) -> Result<Change, StoreError> {
    let existing: Option<StoredCredential> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT id, officer_id, number, issuing_body, area, valid_from, valid_to, last_review_year, training_hours \
         FROM credentials WHERE number = $1"
    )
    .bind(&cr.number)
    .fetch_optional(&mut *c)
    .await?
    });
    let existing = existing.map(|s| (s.id, s.officer_id, s.row));
    match existing {
        Some((_, oid, ref row)) if oid == officer_id && row == cr => Ok(Change::Unchanged),
        Some((id, ..)) => {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE credentials SET officer_id = $1, issuing_body = $2, area = $3, valid_from = $4, valid_to = $5, \
                 last_review_year = $6, training_hours = $7, updated_at_us = $8 WHERE id = $9"
            )
            .bind(officer_id)
            .bind(&cr.issuing_body)
            .bind(&cr.area)
            .bind(&cr.valid_from)
            .bind(&cr.valid_to)
            .bind(cr.last_review_year)
            .bind(cr.training_hours)
            .bind(now_us)
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok(Change::Updated)
        }
        None => {
            let _id: i64 = on_tx!(tx, |c| {
                sqlx::query_scalar(
                "INSERT INTO credentials (id, officer_id, number, issuing_body, area, valid_from, valid_to, last_review_year, \
                 training_hours, updated_at_us) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM credentials), $1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
            )
            .bind(officer_id)
            .bind(&cr.number)
            .bind(&cr.issuing_body)
            .bind(&cr.area)
            .bind(&cr.valid_from)
            .bind(&cr.valid_to)
            .bind(cr.last_review_year)
            .bind(cr.training_hours)
            .bind(now_us)
            .fetch_one(&mut *c)
            .await?
            });
            Ok(Change::Inserted)
        }
    }
}

/// An officer as listed, with the newest credential if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OfficerListed {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub staff_no: String,
    pub name: String,
    pub posts: String,
    pub domains: String,
    pub credential_number: Option<String>,
    pub issuing_body: Option<String>,
    pub area: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub last_review_year: Option<i64>,
    pub training_hours: Option<i64>,
}

/// Officers in scope whose name, staff number or credential number contains `search`.
pub async fn list_officers(
    db: &Db,
    scope: &AgencyPath,
    search: &str,
    offset_rows: i64,
    limit_rows: i64,
) -> Result<(Vec<OfficerListed>, i64), StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let pattern = format!("%{}%", escape_like(search));
    let rows: Vec<OfficerListed> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT o.id, o.agency_id, a.name AS agency_name, o.staff_no, o.name, o.posts, o.domains, \
                cr.number AS credential_number, cr.issuing_body, cr.area, cr.valid_from, cr.valid_to, cr.last_review_year, cr.training_hours \
         FROM officers o JOIN agencies a ON a.id = o.agency_id \
         LEFT JOIN credentials cr ON cr.id = (SELECT MAX(id) FROM credentials WHERE officer_id = o.id) \
         WHERE a.path LIKE $1 AND (o.name LIKE $2 ESCAPE '\\' OR o.staff_no LIKE $2 ESCAPE '\\' OR cr.number LIKE $2 ESCAPE '\\') \
         ORDER BY o.staff_no LIMIT $3 OFFSET $4"
    )
    .bind(&prefix)
    .bind(&pattern)
    .bind(limit_rows.clamp(1, ROWS_PER_QUERY_MAX))
    .bind(offset_rows.max(0))
    .fetch_all(c)
    .await?
    });
    let total: i64 = on_db!(db, |c| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM officers o JOIN agencies a ON a.id = o.agency_id \
         LEFT JOIN credentials cr ON cr.id = (SELECT MAX(id) FROM credentials WHERE officer_id = o.id) \
         WHERE a.path LIKE $1 AND (o.name LIKE $2 ESCAPE '\\' OR o.staff_no LIKE $2 ESCAPE '\\' OR cr.number LIKE $2 ESCAPE '\\')"
    )
    .bind(&prefix)
    .bind(&pattern)
    .fetch_one(c)
    .await?
    });
    Ok((rows, total))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EntityRow {
    pub agency_id: i64,
    pub uscc: String,
    pub name: String,
    pub legal_rep: String,
    pub address: String,
    pub region_code: String,
    pub domains: String,
    pub risk_level: String,
    pub credit_grade: String,
    pub status: String,
    pub permits_json: String,
}

pub async fn upsert_entity(
    tx: &mut Tx,
    e: &EntityRow,
    now_us: i64,
) -> Result<(i64, Change), StoreError> {
    let existing: Option<StoredEntity> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT id, agency_id, uscc, name, legal_rep, address, region_code, domains, risk_level, credit_grade, status, \
         permits_json FROM entities WHERE uscc = $1"
    )
    .bind(&e.uscc)
    .fetch_optional(&mut *c)
    .await?
    });
    let existing = existing.map(|s| (s.id, s.row));
    match existing {
        Some((id, ref row)) if row == e => Ok((id, Change::Unchanged)),
        Some((id, _)) => {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE entities SET agency_id = $1, name = $2, legal_rep = $3, address = $4, region_code = $5, domains = $6, \
                 risk_level = $7, credit_grade = $8, status = $9, permits_json = $10, updated_at_us = $11 WHERE id = $12"
            )
            .bind(e.agency_id)
            .bind(&e.name)
            .bind(&e.legal_rep)
            .bind(&e.address)
            .bind(&e.region_code)
            .bind(&e.domains)
            .bind(&e.risk_level)
            .bind(&e.credit_grade)
            .bind(&e.status)
            .bind(&e.permits_json)
            .bind(now_us)
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok((id, Change::Updated))
        }
        None => {
            let id: i64 = on_tx!(tx, |c| {
                sqlx::query_scalar(
                "INSERT INTO entities (id, agency_id, uscc, name, legal_rep, address, region_code, domains, risk_level, \
                 credit_grade, status, permits_json, created_at_us, updated_at_us) \
                 VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM entities), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id"
            )
            .bind(e.agency_id)
            .bind(&e.uscc)
            .bind(&e.name)
            .bind(&e.legal_rep)
            .bind(&e.address)
            .bind(&e.region_code)
            .bind(&e.domains)
            .bind(&e.risk_level)
            .bind(&e.credit_grade)
            .bind(&e.status)
            .bind(&e.permits_json)
            .bind(now_us)
            .fetch_one(&mut *c)
            .await?
            });
            Ok((id, Change::Inserted))
        }
    }
}

/// Rows per batched statement of [`upsert_entities`] (13 parameters a row).
/// Small on purpose: sqlx-sqlite looks each `$n` up by name, so binding costs
/// grow with the square of the parameter count — 500-row statements spent
/// 69 % of an import in `sqlite3_bind_parameter_name` (docs/benchmarks.md).
pub const ENTITY_ROWS_PER_STATEMENT: usize = 40;

/// Insert or update many entities by USCC, in batches: one `SELECT … IN` per
/// batch finds the existing rows, new rows go in one multi-row `INSERT`,
/// changed rows are updated one by one. Same outcome as [`upsert_entity`] per
/// row (USCCs must be distinct), at a fraction of the round trips.
/// `progress(done)` is called after each batch.
pub async fn upsert_entities(
    tx: &mut Tx,
    rows: &[EntityRow],
    now_us: i64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<Change>, StoreError> {
    let mut changes = Vec::with_capacity(rows.len());
    if let Tx::Postgres(c) = tx {
        // PostgreSQL caches a generic plan for the batch lookup after five
        // runs, planned while the table looked empty (a sequential scan);
        // as this transaction fills the table every lookup scans it, and a
        // province import (2 × 250,000 rows) went quadratic: minutes per
        // 10,000 rows. Planning each lookup for the table as it is now
        // keeps the unique index in use.
        sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
            .execute(&mut **c)
            .await?;
    }
    let mut next_id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM entities"
    )
    .fetch_one(&mut *c)
    .await?);
    for (batch_no, chunk) in rows.chunks(ENTITY_ROWS_PER_STATEMENT).enumerate() {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let select = format!(
            "SELECT id, agency_id, uscc, name, legal_rep, address, region_code, domains, risk_level, credit_grade, status, \
             permits_json FROM entities WHERE uscc IN ({})",
            placeholders.join(", ")
        );
        let existing: Vec<StoredEntity> = on_tx!(tx, |c| {
            // Only placeholders are formatted in; every value is bound.
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(select.clone()));
            for e in chunk {
                q = q.bind(&e.uscc);
            }
            q.fetch_all(&mut *c).await?
        });
        let existing: std::collections::HashMap<&str, &StoredEntity> =
            existing.iter().map(|s| (s.row.uscc.as_str(), s)).collect();
        let mut new_rows: Vec<&EntityRow> = Vec::new();
        for e in chunk {
            match existing.get(e.uscc.as_str()) {
                Some(s) if s.row == *e => changes.push(Change::Unchanged),
                Some(_) => {
                    upsert_entity(tx, e, now_us).await?;
                    changes.push(Change::Updated);
                }
                None => {
                    new_rows.push(e);
                    changes.push(Change::Inserted);
                }
            }
        }
        if !new_rows.is_empty() {
            let values: Vec<String> = (0..new_rows.len())
                .map(|i| {
                    let b = 13 * i;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 9,
                        b + 10,
                        b + 11,
                        b + 12,
                        b + 13,
                        b + 13
                    )
                })
                .collect();
            let insert = format!(
                "INSERT INTO entities (id, agency_id, uscc, name, legal_rep, address, region_code, domains, risk_level, \
                 credit_grade, status, permits_json, created_at_us, updated_at_us) VALUES {}",
                values.join(", ")
            );
            on_tx!(tx, |c| {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
                for e in &new_rows {
                    q = q
                        .bind(next_id)
                        .bind(e.agency_id)
                        .bind(&e.uscc)
                        .bind(&e.name)
                        .bind(&e.legal_rep)
                        .bind(&e.address)
                        .bind(&e.region_code)
                        .bind(&e.domains)
                        .bind(&e.risk_level)
                        .bind(&e.credit_grade)
                        .bind(&e.status)
                        .bind(&e.permits_json)
                        .bind(now_us);
                    next_id += 1;
                }
                q.execute(&mut *c).await?.rows_affected()
            });
        }
        progress((batch_no * ENTITY_ROWS_PER_STATEMENT + chunk.len()).min(rows.len()));
    }
    Ok(changes)
}

#[derive(sqlx::FromRow)]
struct EntityWithPermits {
    #[sqlx(flatten)]
    listed: EntityListed,
    permits_json: String,
}

/// One entity by USCC, if it lies in `scope`, with its permits (JSON).
pub async fn get_entity(
    db: &Db,
    scope: &AgencyPath,
    uscc: &str,
) -> Result<Option<(EntityListed, String)>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let row: Option<EntityWithPermits> = on_db!(db, |c| {
        sqlx::query_as(
            "SELECT e.id, a.name AS agency_name, e.uscc, e.name, e.legal_rep, e.address, e.region_code, e.domains, \
             e.risk_level, e.credit_grade, e.status, e.permits_json FROM entities e JOIN agencies a ON a.id = e.agency_id \
             WHERE e.uscc = $1 AND a.path LIKE $2",
        )
        .bind(uscc)
        .bind(&prefix)
        .fetch_optional(c)
        .await?
    });
    Ok(row.map(|r| (r.listed, r.permits_json)))
}

/// The stored row of an entity (edits start from it).
pub async fn entity_row(tx: &mut Tx, uscc: &str) -> Result<Option<EntityRow>, StoreError> {
    let s: Option<StoredEntity> = on_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT id, agency_id, uscc, name, legal_rep, address, region_code, domains, risk_level, credit_grade, status, \
             permits_json FROM entities WHERE uscc = $1",
        )
        .bind(uscc)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(s.map(|s| s.row))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EntityListed {
    pub id: i64,
    pub agency_name: String,
    pub uscc: String,
    pub name: String,
    pub legal_rep: String,
    pub address: String,
    pub region_code: String,
    pub domains: String,
    pub risk_level: String,
    pub credit_grade: String,
    pub status: String,
}

/// Entities in scope matching `search` (name, USCC or address) and, if given, one domain code.
pub async fn list_entities(
    db: &Db,
    scope: &AgencyPath,
    search: &str,
    domain: Option<&str>,
    offset_rows: i64,
    limit_rows: i64,
) -> Result<(Vec<EntityListed>, i64), StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let pattern = format!("%{}%", escape_like(search));
    let domain_pattern = domain.map_or_else(|| "%".to_owned(), |d| format!("%{}%", escape_like(d)));
    let rows: Vec<EntityListed> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT e.id, a.name AS agency_name, e.uscc, e.name, e.legal_rep, e.address, e.region_code, e.domains, e.risk_level, e.credit_grade, e.status \
         FROM entities e JOIN agencies a ON a.id = e.agency_id \
         WHERE a.path LIKE $1 AND (e.name LIKE $2 ESCAPE '\\' OR e.uscc LIKE $2 ESCAPE '\\' OR e.address LIKE $2 ESCAPE '\\') \
           AND e.domains LIKE $3 ESCAPE '\\' \
         ORDER BY e.name LIMIT $4 OFFSET $5"
    )
    .bind(&prefix)
    .bind(&pattern)
    .bind(&domain_pattern)
    .bind(limit_rows.clamp(1, ROWS_PER_QUERY_MAX))
    .bind(offset_rows.max(0))
    .fetch_all(c)
    .await?
    });
    let total: i64 = on_db!(db, |c| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM entities e JOIN agencies a ON a.id = e.agency_id \
         WHERE a.path LIKE $1 AND (e.name LIKE $2 ESCAPE '\\' OR e.uscc LIKE $2 ESCAPE '\\' OR e.address LIKE $2 ESCAPE '\\') \
           AND e.domains LIKE $3 ESCAPE '\\'"
    )
    .bind(&prefix)
    .bind(&pattern)
    .bind(&domain_pattern)
    .fetch_one(c)
    .await?
    });
    Ok((rows, total))
}

/// `LIKE` treats `%` and `_` as wildcards: escape them (and the escape) in user text.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// For every officer in scope: its newest credential's dates, review year and
/// training hours (all `None` without a credential).
pub async fn credential_summary(
    db: &Db,
    scope: &AgencyPath,
) -> Result<Vec<(Option<String>, Option<String>, Option<i64>, Option<i64>)>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| {
        sqlx::query_as(
        "SELECT cr.valid_from, cr.valid_to, cr.last_review_year, cr.training_hours \
         FROM officers o JOIN agencies a ON a.id = o.agency_id \
         LEFT JOIN credentials cr ON cr.id = (SELECT MAX(id) FROM credentials WHERE officer_id = o.id) \
         WHERE a.path LIKE $1"
    )
    .bind(&prefix)
    .fetch_all(c)
    .await?
    }))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PowerRow {
    pub agency_id: i64,
    pub code: String,
    pub kind: String,
    pub name: String,
    pub legal_basis: String,
    pub unit: String,
    pub status: String,
}

#[derive(sqlx::FromRow)]
struct StoredPower {
    id: i64,
    version: i64,
    #[sqlx(flatten)]
    row: PowerRow,
}

/// Insert or update a power item by (agency, code); a change raises its version.
pub async fn upsert_power(
    tx: &mut Tx,
    p: &PowerRow,
    reason: &str,
    document: &str,
    now_us: i64,
) -> Result<(i64, Change), StoreError> {
    let existing: Option<StoredPower> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT id, version, agency_id, code, kind, name, legal_basis, unit, status FROM power_items WHERE agency_id = $1 AND code = $2"
    )
    .bind(p.agency_id)
    .bind(&p.code)
    .fetch_optional(&mut *c)
    .await?
    });
    match existing {
        Some(s) if s.row == *p => Ok((s.id, Change::Unchanged)),
        Some(s) => {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE power_items SET kind = $1, name = $2, legal_basis = $3, unit = $4, status = $5, version = $6, \
                 last_reason = $7, last_document = $8, updated_at_us = $9 WHERE id = $10"
            )
            .bind(&p.kind)
            .bind(&p.name)
            .bind(&p.legal_basis)
            .bind(&p.unit)
            .bind(&p.status)
            .bind(s.version + 1)
            .bind(reason)
            .bind(document)
            .bind(now_us)
            .bind(s.id)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok((s.id, Change::Updated))
        }
        None => {
            let id: i64 = on_tx!(tx, |c| {
                sqlx::query_scalar(
                "INSERT INTO power_items (id, agency_id, code, kind, name, legal_basis, unit, status, version, last_reason, \
                 last_document, updated_at_us) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM power_items), $1, $2, $3, $4, $5, \
                 $6, $7, 1, $8, $9, $10) RETURNING id"
            )
            .bind(p.agency_id)
            .bind(&p.code)
            .bind(&p.kind)
            .bind(&p.name)
            .bind(&p.legal_basis)
            .bind(&p.unit)
            .bind(&p.status)
            .bind(reason)
            .bind(document)
            .bind(now_us)
            .fetch_one(&mut *c)
            .await?
            });
            Ok((id, Change::Inserted))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PowerListed {
    pub id: i64,
    pub agency_name: String,
    pub code: String,
    pub kind: String,
    pub name: String,
    pub legal_basis: String,
    pub unit: String,
    pub status: String,
    pub version: i64,
    pub last_document: String,
}

/// Power items in scope (all statuses), by kind then code.
pub async fn list_powers(
    db: &Db,
    scope: &AgencyPath,
    search: &str,
) -> Result<Vec<PowerListed>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let pattern = format!("%{}%", escape_like(search));
    Ok(on_db!(db, |c| {
        sqlx::query_as(
        "SELECT p.id, a.name AS agency_name, p.code, p.kind, p.name, p.legal_basis, p.unit, p.status, p.version, p.last_document \
         FROM power_items p JOIN agencies a ON a.id = p.agency_id \
         WHERE a.path LIKE $1 AND (p.name LIKE $2 ESCAPE '\\' OR p.code LIKE $2 ESCAPE '\\' OR p.legal_basis LIKE $2 ESCAPE '\\') \
         ORDER BY p.kind, p.code"
    )
    .bind(&prefix)
    .bind(&pattern)
    .fetch_all(c)
    .await?
    }))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DiscretionRow {
    pub agency_id: i64,
    pub power_code: String,
    pub circumstance: String,
    pub fine_min_fen: i64,
    pub fine_max_fen: i64,
    pub other_penalties: String,
    pub description: String,
    pub citation: String,
}

#[derive(sqlx::FromRow)]
struct StoredDiscretion {
    id: i64,
    version: i64,
    #[sqlx(flatten)]
    row: DiscretionRow,
}

/// Insert or update a discretion band by (agency, power, circumstance); a change raises its version.
pub async fn upsert_discretion(
    tx: &mut Tx,
    d: &DiscretionRow,
    now_us: i64,
) -> Result<Change, StoreError> {
    let existing: Option<StoredDiscretion> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT id, version, agency_id, power_code, circumstance, fine_min_fen, fine_max_fen, other_penalties, description, citation \
         FROM discretion_rules WHERE agency_id = $1 AND power_code = $2 AND circumstance = $3"
    )
    .bind(d.agency_id)
    .bind(&d.power_code)
    .bind(&d.circumstance)
    .fetch_optional(&mut *c)
    .await?
    });
    match existing {
        Some(s) if s.row == *d => Ok(Change::Unchanged),
        Some(s) => {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE discretion_rules SET fine_min_fen = $1, fine_max_fen = $2, other_penalties = $3, description = $4, \
                 citation = $5, version = $6, updated_at_us = $7 WHERE id = $8"
            )
            .bind(d.fine_min_fen)
            .bind(d.fine_max_fen)
            .bind(&d.other_penalties)
            .bind(&d.description)
            .bind(&d.citation)
            .bind(s.version + 1)
            .bind(now_us)
            .bind(s.id)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok(Change::Updated)
        }
        None => {
            on_tx!(tx, |c| {
                sqlx::query(
                "INSERT INTO discretion_rules (id, agency_id, power_code, circumstance, fine_min_fen, fine_max_fen, other_penalties, \
                 description, citation, version, updated_at_us) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM discretion_rules), \
                 $1, $2, $3, $4, $5, $6, $7, $8, 1, $9)"
            )
            .bind(d.agency_id)
            .bind(&d.power_code)
            .bind(&d.circumstance)
            .bind(d.fine_min_fen)
            .bind(d.fine_max_fen)
            .bind(&d.other_penalties)
            .bind(&d.description)
            .bind(&d.citation)
            .bind(now_us)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok(Change::Inserted)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DiscretionListed {
    pub agency_name: String,
    pub power_code: String,
    pub power_name: Option<String>,
    pub circumstance: String,
    pub fine_min_fen: i64,
    pub fine_max_fen: i64,
    pub other_penalties: String,
    pub description: String,
    pub citation: String,
    pub version: i64,
}

/// Discretion bands in scope, by power and circumstance.
pub async fn list_discretion(
    db: &Db,
    scope: &AgencyPath,
) -> Result<Vec<DiscretionListed>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| {
        sqlx::query_as(
        "SELECT a.name AS agency_name, d.power_code, p.name AS power_name, d.circumstance, d.fine_min_fen, d.fine_max_fen, \
                d.other_penalties, d.description, d.citation, d.version \
         FROM discretion_rules d JOIN agencies a ON a.id = d.agency_id \
         LEFT JOIN power_items p ON p.agency_id = d.agency_id AND p.code = d.power_code \
         WHERE a.path LIKE $1 ORDER BY d.power_code, d.fine_max_fen"
    )
    .bind(&prefix)
    .fetch_all(c)
    .await?
    }))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SpotCheckRow {
    pub agency_id: i64,
    pub code: String,
    pub name: String,
    pub domain: String,
    pub basis: String,
    pub object: String,
    pub content: String,
    pub method: String,
}

/// Insert or update a spot-check item by (agency, code).
pub async fn upsert_spot_check(
    tx: &mut Tx,
    s: &SpotCheckRow,
    now_us: i64,
) -> Result<Change, StoreError> {
    let existing: Option<SpotCheckRow> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT agency_id, code, name, domain, basis, object, content, method FROM spot_check_items WHERE agency_id = $1 AND code = $2"
    )
    .bind(s.agency_id)
    .bind(&s.code)
    .fetch_optional(&mut *c)
    .await?
    });
    match existing {
        Some(e) if e == *s => Ok(Change::Unchanged),
        Some(_) => {
            on_tx!(tx, |c| {
                sqlx::query(
                "UPDATE spot_check_items SET name = $1, domain = $2, basis = $3, object = $4, content = $5, method = $6, \
                 updated_at_us = $7 WHERE agency_id = $8 AND code = $9"
            )
            .bind(&s.name)
            .bind(&s.domain)
            .bind(&s.basis)
            .bind(&s.object)
            .bind(&s.content)
            .bind(&s.method)
            .bind(now_us)
            .bind(s.agency_id)
            .bind(&s.code)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok(Change::Updated)
        }
        None => {
            on_tx!(tx, |c| {
                sqlx::query(
                "INSERT INTO spot_check_items (id, agency_id, code, name, domain, basis, object, content, method, updated_at_us) \
                 VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM spot_check_items), $1, $2, $3, $4, $5, $6, $7, $8, $9)"
            )
            .bind(s.agency_id)
            .bind(&s.code)
            .bind(&s.name)
            .bind(&s.domain)
            .bind(&s.basis)
            .bind(&s.object)
            .bind(&s.content)
            .bind(&s.method)
            .bind(now_us)
            .execute(&mut *c)
            .await?
            .rows_affected()
            });
            Ok(Change::Inserted)
        }
    }
}

pub async fn list_spot_checks(
    db: &Db,
    scope: &AgencyPath,
) -> Result<Vec<SpotCheckRow>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| {
        sqlx::query_as(
        "SELECT s.agency_id, s.code, s.name, s.domain, s.basis, s.object, s.content, s.method FROM spot_check_items s \
         JOIN agencies a ON a.id = s.agency_id WHERE a.path LIKE $1 ORDER BY s.code"
    )
    .bind(&prefix)
    .fetch_all(c)
    .await?
    }))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RecusalRow {
    pub agency_id: i64,
    pub staff_no: String,
    /// `uscc:<code>` for an organisation, `person:<name>` for a natural person.
    pub party_key: String,
    pub reason: String,
}

pub async fn upsert_recusal(
    tx: &mut Tx,
    r: &RecusalRow,
    now_us: i64,
) -> Result<Change, StoreError> {
    let existing: Option<RecusalRow> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT agency_id, staff_no, party_key, reason FROM recusals WHERE staff_no = $1 AND party_key = $2"
    )
    .bind(&r.staff_no)
    .bind(&r.party_key)
    .fetch_optional(&mut *c)
    .await?
    });
    match existing {
        Some(e) if e == *r => Ok(Change::Unchanged),
        Some(_) => {
            on_tx!(tx, |c| {
                sqlx::query("UPDATE recusals SET agency_id = $1, reason = $2, updated_at_us = $3 WHERE staff_no = $4 AND party_key = $5")
                .bind(r.agency_id)
                .bind(&r.reason)
                .bind(now_us)
                .bind(&r.staff_no)
                .bind(&r.party_key)
                .execute(&mut *c)
                .await?
                .rows_affected()
            });
            Ok(Change::Updated)
        }
        None => {
            on_tx!(tx, |c| sqlx::query(
                "INSERT INTO recusals (id, agency_id, staff_no, party_key, reason, updated_at_us) \
                 VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM recusals), $1, $2, $3, $4, $5)"
            )
            .bind(r.agency_id)
            .bind(&r.staff_no)
            .bind(&r.party_key)
            .bind(&r.reason)
            .bind(now_us)
            .execute(&mut *c)
            .await?
            .rows_affected());
            Ok(Change::Inserted)
        }
    }
}

/// Recusal relations in scope (the draw and case filing check them).
pub async fn list_recusals(db: &Db, scope: &AgencyPath) -> Result<Vec<RecusalRow>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| {
        sqlx::query_as(
        "SELECT r.agency_id, r.staff_no, r.party_key, r.reason FROM recusals r JOIN agencies a ON a.id = r.agency_id \
         WHERE a.path LIKE $1 ORDER BY r.staff_no, r.party_key"
    )
    .bind(&prefix)
    .fetch_all(c)
    .await?
    }))
}

/// One officer by staff number, if it lies in `scope`, with its newest credential.
pub async fn get_officer(
    db: &Db,
    scope: &AgencyPath,
    staff_no: &str,
) -> Result<Option<OfficerListed>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| {
        sqlx::query_as(
            "SELECT o.id, o.agency_id, a.name AS agency_name, o.staff_no, o.name, o.posts, o.domains, \
                    cr.number AS credential_number, cr.issuing_body, cr.area, cr.valid_from, cr.valid_to, cr.last_review_year, cr.training_hours \
             FROM officers o JOIN agencies a ON a.id = o.agency_id \
             LEFT JOIN credentials cr ON cr.id = (SELECT MAX(id) FROM credentials WHERE officer_id = o.id) \
             WHERE o.staff_no = $1 AND a.path LIKE $2",
        )
        .bind(staff_no)
        .bind(&prefix)
        .fetch_optional(c)
        .await?
    }))
}

/// The stored row of an officer (edits start from it).
pub async fn officer_row(tx: &mut Tx, staff_no: &str) -> Result<Option<OfficerRow>, StoreError> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT agency_id, staff_no, name, posts, domains FROM officers WHERE staff_no = $1",
        )
        .bind(staff_no)
        .fetch_optional(&mut *c)
        .await?
    }))
}

/// A 不予处罚清单 item: a penalty power's conduct that is not penalised under
/// the stated conditions (首违不罚, 轻微不罚 or 无过错不罚).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct NoPenaltyRow {
    pub agency_id: i64,
    pub power_code: String,
    /// `first_violation`, `minor` or `no_fault`.
    pub kind: String,
    pub conduct: String,
    pub conditions: String,
    pub basis: String,
    /// `YYYY-MM-DD`: versions of an item differ by this date.
    pub effective_from: String,
}

/// Insert or update a no-penalty item by (agency, power, kind, effective date).
pub async fn upsert_no_penalty(
    tx: &mut Tx,
    n: &NoPenaltyRow,
    now_us: i64,
) -> Result<Change, StoreError> {
    let existing: Option<NoPenaltyRow> = on_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT agency_id, power_code, kind, conduct, conditions, basis, effective_from FROM no_penalty_items \
             WHERE agency_id = $1 AND power_code = $2 AND kind = $3 AND effective_from = $4",
        )
        .bind(n.agency_id)
        .bind(&n.power_code)
        .bind(&n.kind)
        .bind(&n.effective_from)
        .fetch_optional(&mut *c)
        .await?
    });
    match existing {
        Some(e) if e == *n => Ok(Change::Unchanged),
        Some(_) => {
            on_tx!(tx, |c| {
                sqlx::query(
                    "UPDATE no_penalty_items SET conduct = $1, conditions = $2, basis = $3, updated_at_us = $4 \
                     WHERE agency_id = $5 AND power_code = $6 AND kind = $7 AND effective_from = $8",
                )
                .bind(&n.conduct)
                .bind(&n.conditions)
                .bind(&n.basis)
                .bind(now_us)
                .bind(n.agency_id)
                .bind(&n.power_code)
                .bind(&n.kind)
                .bind(&n.effective_from)
                .execute(&mut *c)
                .await?
                .rows_affected()
            });
            Ok(Change::Updated)
        }
        None => {
            on_tx!(tx, |c| {
                sqlx::query(
                    "INSERT INTO no_penalty_items (id, agency_id, power_code, kind, conduct, conditions, basis, effective_from, updated_at_us) \
                     VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM no_penalty_items), $1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(n.agency_id)
                .bind(&n.power_code)
                .bind(&n.kind)
                .bind(&n.conduct)
                .bind(&n.conditions)
                .bind(&n.basis)
                .bind(&n.effective_from)
                .bind(now_us)
                .execute(&mut *c)
                .await?
                .rows_affected()
            });
            Ok(Change::Inserted)
        }
    }
}

/// No-penalty items in scope, by power and date.
pub async fn list_no_penalty(db: &Db, scope: &AgencyPath) -> Result<Vec<NoPenaltyRow>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    Ok(on_db!(db, |c| {
        sqlx::query_as(
            "SELECT n.agency_id, n.power_code, n.kind, n.conduct, n.conditions, n.basis, n.effective_from \
             FROM no_penalty_items n JOIN agencies a ON a.id = n.agency_id \
             WHERE a.path LIKE $1 ORDER BY n.power_code, n.kind, n.effective_from",
        )
        .bind(&prefix)
        .fetch_all(c)
        .await?
    }))
}

/// The discretion band of a power and circumstance that applies to an agency:
/// set by the agency itself or by one of its ancestors (a bureau's benchmark
/// binds its supervision body), the nearest one winning.
pub async fn discretion_band(
    db: &Db,
    agency_path: &AgencyPath,
    power_code: &str,
    circumstance: &str,
) -> Result<Option<DiscretionListed>, StoreError> {
    Ok(on_db!(db, |c| {
        sqlx::query_as(
            "SELECT a.name AS agency_name, d.power_code, p.name AS power_name, d.circumstance, d.fine_min_fen, d.fine_max_fen, \
             d.other_penalties, d.description, d.citation, d.version \
             FROM discretion_rules d JOIN agencies a ON a.id = d.agency_id \
             LEFT JOIN power_items p ON p.agency_id = d.agency_id AND p.code = d.power_code \
             WHERE $1 LIKE a.path || '%' AND d.power_code = $2 AND d.circumstance = $3 \
             ORDER BY LENGTH(a.path) DESC LIMIT 1",
        )
        .bind(agency_path.as_str())
        .bind(power_code)
        .bind(circumstance)
        .fetch_optional(c)
        .await?
    }))
}

/// Published penalty powers that apply to an agency (its own and its ancestors').
pub async fn penalty_powers_for(
    db: &Db,
    agency_path: &AgencyPath,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(on_db!(db, |c| {
        sqlx::query_as(
            "SELECT p.code, p.name FROM power_items p JOIN agencies a ON a.id = p.agency_id \
             WHERE $1 LIKE a.path || '%' AND p.kind = 'penalty' AND p.status = 'published' ORDER BY p.code",
        )
        .bind(agency_path.as_str())
        .fetch_all(c)
        .await?
    }))
}

/// A power item that applies to an agency (its own or an ancestor's) by
/// code and kind, whatever its status: `(name, legal basis)`.
pub async fn power_for(
    db: &Db,
    agency_path: &AgencyPath,
    code: &str,
    kind: &str,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(on_db!(db, |c| {
        sqlx::query_as(
            "SELECT p.name, p.legal_basis FROM power_items p JOIN agencies a ON a.id = p.agency_id \
             WHERE $1 LIKE a.path || '%' AND p.code = $2 AND p.kind = $3 ORDER BY LENGTH(a.path) DESC LIMIT 1",
        )
        .bind(agency_path.as_str())
        .bind(code)
        .bind(kind)
        .fetch_optional(c)
        .await?
    }))
}
