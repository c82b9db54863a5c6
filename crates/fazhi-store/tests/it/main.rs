//! Store integration tests. Every test runs on SQLite and PostgreSQL
//! (`fazhi_store::testing::both`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod action_log;
mod agencies_users;
mod schema_parity;

use fazhi_domain::action_log::{EventKind, NewEvent};

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
