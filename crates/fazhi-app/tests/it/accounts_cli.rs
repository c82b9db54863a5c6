//! The actor of a command-line operation, and NUL characters in imported files, on both backends.

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

#[tokio::test]
async fn a_registry_file_with_a_nul_character_is_refused_alike_on_both_databases() {
    use fazhi_app::registry::{ImportFailure, ImportKind};
    for db in testing::both().await {
        let (app, _clock) = app_at(&db, DEMO_TODAY_US);
        assert!(fazhi_app::demo::seed_accounts(&app).await.unwrap());
        let admin = crate::support::actor(&app, "dh.admin").await;
        let before = crate::support::events(&app).await;
        let csv = "统一社会信用代码,名称\n91350100M000100Y43,测试\0宾馆\n";
        let result = fazhi_app::registry::import(
            &app,
            &admin,
            ImportKind::Entities,
            "entities.csv",
            csv.as_bytes(),
            &|_, _| {},
        )
        .await;
        match result {
            Err(ImportFailure::Rejected(errors)) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert_eq!(errors[0].row, 2);
                assert!(errors[0].message_zh.contains("空字符"));
                assert!(errors[0].message_en.contains("NUL"));
            }
            Err(ImportFailure::App(e)) => panic!("{}: {e}", db.db.backend().name()),
            Ok(_) => panic!("imported a NUL"),
        }
        assert_eq!(crate::support::events(&app).await, before);
    }
}
