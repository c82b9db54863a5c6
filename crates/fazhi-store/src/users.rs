//! 用户 — accounts.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::role::Role;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_path: AgencyPath,
    pub active: bool,
    /// Certificate number of the reviewer's 法律职业资格 ('' when none recorded).
    pub legal_qualification: String,
    /// Did legal review before 2021-07-15 (第五十八条第二款 binds first-timers only).
    pub legal_review_before_2021: bool,
}

/// A user with the stored password hash, only for login.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    agency_id: i64,
    agency_name: String,
    agency_path: String,
    active: i64,
    password_hash: String,
    legal_qualification: String,
    legal_review_before_2021: i64,
}

impl Row {
    fn into_credentials(self) -> Result<Credentials, StoreError> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| StoreError::Corrupt(format!("user {} role {}", self.id, self.role)))?;
        let agency_path = AgencyPath::parse(&self.agency_path)
            .ok_or_else(|| StoreError::Corrupt(format!("user {} agency path", self.id)))?;
        Ok(Credentials {
            user: User {
                id: self.id,
                username: self.username,
                display_name: self.display_name,
                role,
                agency_id: self.agency_id,
                agency_name: self.agency_name,
                agency_path,
                active: self.active != 0,
                legal_qualification: self.legal_qualification,
                legal_review_before_2021: self.legal_review_before_2021 != 0,
            },
            password_hash: self.password_hash,
        })
    }
}

const SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, u.agency_id, a.name AS agency_name, \
     a.path AS agency_path, u.active, u.password_hash, u.legal_qualification, u.legal_review_before_2021 \
     FROM users u JOIN agencies a ON a.id = u.agency_id";

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub agency_id: i64,
    pub at_us: i64,
}

pub async fn insert(tx: &mut Tx, new: &NewUser<'_>) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) + 1 FROM users"
    )
    .fetch_one(&mut *c)
    .await?);
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO users (id, username, display_name, password_hash, role, agency_id, active, created_at_us) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7)"
    )
    .bind(id)
    .bind(new.username)
    .bind(new.display_name)
    .bind(new.password_hash)
    .bind(new.role.code())
    .bind(new.agency_id)
    .bind(new.at_us)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(id)
}

pub async fn credentials_by_username(
    db: &Db,
    username: &str,
) -> Result<Option<Credentials>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE u.username = $1"));
    let row: Option<Row> = on_db!(db, |c| sqlx::query_as(sql)
        .bind(username)
        .fetch_optional(c)
        .await?);
    row.map(Row::into_credentials).transpose()
}

pub async fn get(db: &Db, id: i64) -> Result<Option<User>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE u.id = $1"));
    let row: Option<Row> = on_db!(db, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await?);
    Ok(row.map(Row::into_credentials).transpose()?.map(|c| c.user))
}

/// Users whose agency lies in `scope`, by agency path then username.
pub async fn list_in_scope(db: &Db, scope: &AgencyPath) -> Result<Vec<User>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.path LIKE $1 ORDER BY a.path, u.username"
    ));
    let prefix = format!("{}%", scope.as_str());
    let rows: Vec<Row> = on_db!(db, |c| sqlx::query_as(sql)
        .bind(&prefix)
        .fetch_all(c)
        .await?);
    rows.into_iter()
        .map(|r| r.into_credentials().map(|c| c.user))
        .collect()
}

pub async fn set_active(tx: &mut Tx, id: i64, active: bool) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET active = $1 WHERE id = $2"
    )
    .bind(i64::from(active))
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

pub async fn set_password_hash(tx: &mut Tx, id: i64, hash: &str) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET password_hash = $1 WHERE id = $2"
    )
    .bind(hash)
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// Record a reviewer's 法律职业资格 (certificate number, '' for none) and
/// whether they did legal review before 2021-07-15.
pub async fn set_legal_qualification(
    tx: &mut Tx,
    id: i64,
    certificate: &str,
    before_2021: bool,
) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET legal_qualification = $1, legal_review_before_2021 = $2 WHERE id = $3"
    )
    .bind(certificate)
    .bind(i64::from(before_2021))
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}
