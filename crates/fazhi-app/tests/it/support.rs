//! What every use-case test starts from, written once: an app on a fixed
//! clock over a scratch database, and the two readers most tests need.

use fazhi_app::password::PasswordParams;
use fazhi_app::{App, FixedClock};
use fazhi_domain::authz::Actor;
use fazhi_store::testing::TestDb;
use std::sync::Arc;

/// 2026-11-18, Beijing time: the demo's "today" (its two years of records end here).
pub const DEMO_TODAY_US: i64 = 1_795_000_000_000_000;

/// An app over `db` whose clock stands at `now_us`, with its own evidence
/// directory and fast password hashing. Nothing is seeded.
pub fn app_at(db: &TestDb, now_us: i64) -> (App, Arc<FixedClock>) {
    let files = std::env::temp_dir().join(format!(
        "fazhi-app-test-{}",
        fazhi_app::random_token(8).unwrap()
    ));
    let clock = Arc::new(FixedClock::new(now_us));
    let app = App::new(
        db.db.clone(),
        clock.clone(),
        PasswordParams::FAST_FOR_TESTS,
        &files,
    );
    (app, clock)
}

/// The acting party behind a demo account.
pub async fn actor(app: &App, username: &str) -> Actor {
    let user = fazhi_store::users::credentials_by_username(&app.db, username)
        .await
        .unwrap()
        .unwrap()
        .user;
    fazhi_app::auth::actor_of(&user)
}

/// The size of the action log: every change adds exactly one.
pub async fn events(app: &App) -> i64 {
    fazhi_store::events::size(&app.db).await.unwrap()
}

/// A penalty case opened by `officer` (after the district's administrator
/// `admin` loaded the demo power list): a record evidence can belong to.
pub async fn a_case(app: &App, admin: &str, officer: &str) -> i64 {
    let admin = actor(app, admin).await;
    let powers = fazhi_app::registry::import(
        app,
        &admin,
        fazhi_app::registry::ImportKind::Powers,
        "powers.csv",
        fazhi_app::demo::DEMO_POWERS_CSV.as_bytes(),
        &|_, _| {},
    )
    .await;
    assert!(powers.is_ok(), "{powers:?}");
    let officer = actor(app, officer).await;
    fazhi_app::cases::open(
        app,
        &officer,
        &fazhi_app::cases::OpenInput {
            source: "complaint".into(),
            party_kind: "organisation".into(),
            party_name: "示范市锦绣宾馆".into(),
            party_id: "91350100M000100Y43".into(),
            party_address: "东湖路2号".into(),
            domain: "public_places".into(),
            power_code: "CF-003".into(),
            summary: "群众举报该宾馆无证营业".into(),
            act_date: "2026-11-10".into(),
            life_health_harm: None,
            task_id: String::new(),
        },
    )
    .await
    .unwrap()
}
