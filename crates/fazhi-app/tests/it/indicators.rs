//! Indicators from the demo records on both backends, and the annual report
//! built from them: every figure carries its indicator id; modules that do
//! not exist yet are reported as such, never as zero.

use fazhi_domain::indicators::{SourceModule, Value};
use fazhi_store::testing;

use super::support::{DEMO_TODAY_US, app_at};

#[tokio::test]
async fn the_demo_year_has_figures_from_every_built_module_and_none_for_the_rest() {
    for db in testing::both().await {
        let (app, _clock) = app_at(&db, DEMO_TODAY_US);
        let app = app.with_log_key("fazhi.test/action-log", fazhi_app::log_key::Seed([7u8; 32]));
        assert!(fazhi_app::demo::seed(&app).await.unwrap());
        fazhi_app::transparency::make_checkpoint(&app, true)
            .await
            .unwrap();
        let year = fazhi_app::registry::today_cst(&app).year();
        // Agency 2 is the city commission: the whole demo tree below it.
        let f = fazhi_app::indicators::compute(&app, 2, year).await.unwrap();
        assert!(
            f.checkpoint.is_some(),
            "figures name the checkpoint they were cut at"
        );
        for x in &f.figures {
            match x.definition.source {
                SourceModule::NotYet => assert_eq!(x.value, None, "{}", x.definition.id),
                _ => assert!(x.value.is_some(), "{}", x.definition.id),
            }
        }
        let Some(Value::Count(visits)) = f.get("insp.visits").and_then(|x| x.value.clone()) else {
            panic!("visits")
        };
        assert!(visits > 0, "the demo inspects this year");
        let Some(Value::Count(penalties)) = f.get("cases.penalties").and_then(|x| x.value.clone())
        else {
            panic!("penalties")
        };
        assert!(penalties > 0);
        let Some(Value::Count(complaints)) =
            f.get("complaints.received").and_then(|x| x.value.clone())
        else {
            panic!("complaints")
        };
        assert!(complaints > 0, "the demo files complaints this year");
        assert!(
            matches!(f.get("disclosure.by_answer").and_then(|x| x.value.clone()), Some(Value::Text(t)) if !t.is_empty())
        );
        // The report quotes the figures by id; the DOCX holds them.
        let report = fazhi_app::annual_report::build(
            &f,
            &Default::default(),
            fazhi_report::model::Script::Simplified,
            "2026-11-23 10:00",
        );
        assert_eq!(report.sections.len(), 5);
        assert!(report.sections[0].full_heading().contains("主要举措和成效"));
        let uses = report.figure_uses();
        assert!(uses.iter().any(|u| u.indicator_id == "insp.visits"));
        let docx = fazhi_report::docx::to_docx(&report).unwrap();
        assert!(docx.starts_with(b"PK"));
        let html = fazhi_report::html::to_html(&report, &|_| None);
        assert!(
            html.contains(&format!("{}户次", f.text("insp.visits"))),
            "{html}"
        );
        assert!(
            html.contains("暂无平台数据来源"),
            "missing modules are named"
        );
    }
}

#[tokio::test]
async fn the_bulk_readers_of_tasks_and_cases_give_the_same_rows_as_the_portable_statements() {
    use fazhi_store::bulk_read::ReadPath;
    for db in testing::both().await {
        let (app, _clock) = app_at(&db, DEMO_TODAY_US);
        assert!(fazhi_app::demo::seed(&app).await.unwrap());
        let agencies = fazhi_store::agencies::list_all(&app.db).await.unwrap();
        let root = agencies
            .iter()
            .min_by_key(|a| a.path.as_str().len())
            .unwrap();
        let leaf = agencies
            .iter()
            .max_by_key(|a| a.path.as_str().len())
            .unwrap();
        // The root reads the tables in rowid order, a district through the
        // agency index.
        let mut seen_tasks = 0;
        for scope in [&root.path, &leaf.path] {
            let bulk = fazhi_store::inspections::stat_rows_via(
                &app.db,
                scope,
                "2000-01-01",
                "2100-12-31",
                ReadPath::Bulk,
            )
            .await
            .unwrap();
            let rows = fazhi_store::inspections::stat_rows_via(
                &app.db,
                scope,
                "2000-01-01",
                "2100-12-31",
                ReadPath::Rows,
            )
            .await
            .unwrap();
            assert_eq!(bulk, rows, "tasks of {scope:?}");
            seen_tasks += bulk.len();
            let bulk = fazhi_store::cases::states_in_scope_via(&app.db, scope, ReadPath::Bulk)
                .await
                .unwrap();
            let rows = fazhi_store::cases::states_in_scope_via(&app.db, scope, ReadPath::Rows)
                .await
                .unwrap();
            assert_eq!(bulk, rows, "cases of {scope:?}");
        }
        let all =
            fazhi_store::inspections::stat_rows(&app.db, &root.path, "2000-01-01", "2100-12-31")
                .await
                .unwrap();
        assert!(
            seen_tasks > 0
                && all.iter().any(|t| t.plan_level.is_empty())
                && all.iter().any(|t| !t.plan_level.is_empty()),
            "the demo has tasks with and without a plan"
        );
    }
}
