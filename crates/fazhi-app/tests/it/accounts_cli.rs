//! The actor of a command-line operation, on both backends.

use crate::support::{DEMO_TODAY_US, app_at};
use fazhi_app::AppError;
use fazhi_store::testing;

#[tokio::test]
async fn an_unknown_or_disabled_account_cannot_act_on_the_command_line() {
    for db in testing::both().await {
        let (app, _clock) = app_at(&db, DEMO_TODAY_US);
        assert!(fazhi_app::demo::seed_accounts(&app).await.unwrap());
        let actor = fazhi_app::auth::actor_by_username(&app, "dh.admin")
            .await
            .unwrap();
        assert!(actor.user_id > 0);
        match fazhi_app::auth::actor_by_username(&app, "nobody").await {
            Err(e @ AppError::Invalid { .. }) => {
                assert_eq!(e.field(), Some("user"));
                assert!(e.message_zh().contains("nobody"), "{e}");
                assert!(e.message_en().contains("nobody"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }
}
