//! Store integration tests. Every test runs on SQLite and PostgreSQL
//! (`fazhi_store::testing::both`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod action_log;
mod agencies_users;
mod notices;
mod schema_parity;

use fazhi_domain::action_log::{EventKind, NewEvent};
use fazhi_domain::agency::{AgencyKind, AgencyLevel};
use fazhi_store::Db;
use fazhi_store::agencies::{self, NewAgency};

pub fn event(kind: EventKind, agency_id: Option<i64>, subject: &str, at_us: i64) -> NewEvent {
    NewEvent {
        at_us,
        actor_user_id: None,
        agency_id,
        kind,
        subject: subject.to_owned(),
        payload: serde_json::json!({"subject": subject}),
        salt: [7u8; 16],
    }
}

/// province → city → two districts; returns (province, city, d1, d2).
pub async fn tree(
    db: &Db,
) -> (
    agencies::Agency,
    agencies::Agency,
    agencies::Agency,
    agencies::Agency,
) {
    let mut tx = db.begin().await.unwrap();
    let mk = |parent, name: &'static str, level| NewAgency {
        parent,
        name,
        kind: AgencyKind::HealthCommission,
        level,
        region_code: "330000",
        at_us: 1,
    };
    let p = agencies::insert(&mut tx, &mk(None, "省卫健委", AgencyLevel::Province))
        .await
        .unwrap();
    let c = agencies::insert(&mut tx, &mk(Some(&p), "市卫健委", AgencyLevel::City))
        .await
        .unwrap();
    let d1 = agencies::insert(&mut tx, &mk(Some(&c), "甲区卫健局", AgencyLevel::District))
        .await
        .unwrap();
    let d2 = agencies::insert(&mut tx, &mk(Some(&c), "乙区卫健局", AgencyLevel::District))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (p, c, d1, d2)
}
