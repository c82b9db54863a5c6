//! Random-inspection plans and draws on both backends: commit then draw,
//! each logged; the record re-runs; randomness from a later checkpoint.

use fazhi_app::inspections::{self, PlanInput};
use fazhi_app::{App, AppError};
use fazhi_store::testing::{self, TestDb};

use super::support::{DEMO_TODAY_US, actor, app_at};

async fn setup(db: TestDb) -> (App, TestDb) {
    let (app, _clock) = app_at(&db, DEMO_TODAY_US);
    let app = app.with_log_key("fazhi.test/action-log", fazhi_app::log_key::Seed([7u8; 32]));
    assert!(fazhi_app::demo::seed(&app).await.unwrap());
    (app, db)
}

fn plan_input() -> PlanInput {
    PlanInput {
        year: "2026".into(),
        level: "county".into(),
        name: "2026年公共场所卫生双随机抽查".into(),
        item_code: "SC-GG-01".into(),
        quota: "20".into(),
        rate_a: "3".into(),
        rate_b: "5".into(),
        rate_c: "10".into(),
        rate_d: "20".into(),
        exclude_days: String::new(),
        officers_per_entity: "2".into(),
        workload_cap: "30".into(),
        same_region: None,
        due_on: "2026-12-20".into(),
        partners: String::new(),
        yearly_cap: String::new(),
    }
}

#[tokio::test]
async fn a_plan_is_committed_then_drawn_with_later_randomness_and_its_record_re_runs() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let head = actor(&app, "dh.head").await;
        let officer = actor(&app, "dh.officer1").await;
        assert!(matches!(
            inspections::create_plan(&app, &officer, &plan_input()).await,
            Err(AppError::Denied(_))
        ));
        let mut bad = plan_input();
        bad.item_code = "NOPE".into();
        assert!(matches!(
            inspections::create_plan(&app, &head, &bad).await,
            Err(AppError::Invalid {
                field: "item_code",
                ..
            })
        ));
        let plan = inspections::create_plan(&app, &head, &plan_input())
            .await
            .unwrap();

        let before = fazhi_store::events::size(&app.db).await.unwrap();
        let draw_id = inspections::commit(&app, &head, plan).await.unwrap();
        assert_eq!(
            fazhi_store::events::size(&app.db).await.unwrap(),
            before + 1,
            "the commitment is logged"
        );
        assert!(matches!(
            inspections::commit(&app, &head, plan).await,
            Err(AppError::Conflict { .. })
        ));

        let lottery = "福利彩票双色球 2026135期 开奖号码 02 09 14 21 27 33 + 08";
        assert!(matches!(
            inspections::run(&app, &head, draw_id, lottery, "").await,
            Err(AppError::Invalid {
                field: "source",
                ..
            })
        ));
        let record = inspections::run(&app, &head, draw_id, lottery, "中国福利彩票发行管理中心")
            .await
            .unwrap();
        assert_eq!(record.outcome.assignments.len(), 20);
        assert_eq!(fazhi_domain::draw::verify(&record), Ok(()));
        assert_eq!(inspections::record(&app, draw_id).await.unwrap(), record);
        assert!(matches!(
            inspections::run(&app, &head, draw_id, lottery, "x").await,
            Err(AppError::Conflict { .. })
        ));

        // Without a lottery value, the root of the checkpoint covering the commit is the randomness.
        let second = inspections::commit(&app, &head, plan).await.unwrap();
        let auto = inspections::run(&app, &head, second, "", "").await.unwrap();
        assert_eq!(auto.randomness.len(), 64);
        assert!(auto.randomness_source.contains("检查点"));
        assert_eq!(fazhi_domain::draw::verify(&auto), Ok(()));
    }
}
