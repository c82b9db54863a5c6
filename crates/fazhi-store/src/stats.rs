//! Counts for the agency home page.

use crate::{Db, StoreError, on_db};
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::role::Role;

/// Microseconds in a day, and China Standard Time's offset (UTC+8, no DST):
/// days are counted in Beijing time, as officers see them.
pub const DAY_US: i64 = 86_400_000_000;
pub const CST_OFFSET_US: i64 = 8 * 3_600_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeCounts {
    pub agencies: i64,
    pub users: i64,
    pub active_users: i64,
    pub officers: i64,
    pub events: i64,
}

pub async fn scope_counts(db: &Db, scope: &AgencyPath) -> Result<ScopeCounts, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let (agencies, users, active_users, officers, events): (i64, i64, i64, i64, i64) = on_db!(
        db,
        |c| {
            sqlx::query_as(
        "SELECT \
           (SELECT COUNT(*) FROM agencies a WHERE a.path LIKE $1), \
           (SELECT COUNT(*) FROM users u JOIN agencies a ON a.id = u.agency_id WHERE a.path LIKE $1), \
           (SELECT COUNT(*) FROM users u JOIN agencies a ON a.id = u.agency_id WHERE a.path LIKE $1 AND u.active = 1), \
           (SELECT COUNT(*) FROM users u JOIN agencies a ON a.id = u.agency_id WHERE a.path LIKE $1 AND u.role = $2), \
           (SELECT COUNT(*) FROM events e JOIN agencies a ON a.id = e.agency_id WHERE a.path LIKE $1)"
    )
    .bind(&prefix)
    .bind(Role::Officer.code())
    .fetch_one(c)
    .await?
        }
    );
    Ok(ScopeCounts {
        agencies,
        users,
        active_users,
        officers,
        events,
    })
}

/// Events per Beijing-time day (days since 1970-01-01) in the scope, for days
/// `>= since_day`, ascending. Days without events are absent.
pub async fn events_by_day(
    db: &Db,
    scope: &AgencyPath,
    since_day: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let prefix = format!("{}%", scope.as_str());
    let rows: Vec<(i64, i64)> = on_db!(db, |c| {
        sqlx::query_as(
        "SELECT (e.at_us + $2) / $3 AS day, COUNT(*) FROM events e JOIN agencies a ON a.id = e.agency_id \
         WHERE a.path LIKE $1 AND e.at_us >= $4 GROUP BY 1 ORDER BY 1"
    )
    .bind(&prefix)
    .bind(CST_OFFSET_US)
    .bind(DAY_US)
    .bind(since_day * DAY_US - CST_OFFSET_US)
    .fetch_all(c)
    .await?
    });
    Ok(rows)
}
