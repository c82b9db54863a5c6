//! Registry records on both backends: XLSX import, batched upserts, each
//! record's history from the action log, edits (validation, conflicts,
//! scope), and the no-penalty list (《行政处罚法》第三十三条).

use fazhi_app::registry::{
    self as reg, Change, EntityEdit, ImportFailure, ImportKind, OfficerEdit, import,
};
use fazhi_app::sheets::Sheet;
use fazhi_app::{App, AppError};
use fazhi_store::testing::{self, TestDb};

use super::support::{DEMO_TODAY_US, actor, app_at, events};

async fn setup(db: TestDb) -> (App, TestDb) {
    let (app, _clock) = app_at(&db, DEMO_TODAY_US);
    fazhi_app::demo::seed_accounts(&app).await.unwrap();
    (app, db)
}

fn quiet(_: usize, _: usize) {}

fn uscc(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        fazhi_domain::ident::Uscc::check_character(prefix).unwrap()
    )
}

const ENTITY_HEADER: [&str; 9] = [
    "统一社会信用代码",
    "单位名称",
    "法定代表人",
    "地址",
    "行政区划代码",
    "专业",
    "风险等级",
    "信用等级",
    "经营状态",
];

fn entity_row(i: usize) -> Vec<String> {
    vec![
        uscc(&format!("91990102MA{i:07}")),
        format!("示范市东湖区第{i}诊所"),
        "张三".into(),
        format!("东湖路{i}号"),
        "990102".into(),
        "医疗卫生".into(),
        "中".into(),
        "B".into(),
        "在营".into(),
    ]
}

fn entities_csv(rows: &[Vec<String>]) -> String {
    let mut out = ENTITY_HEADER.join(",") + "\n";
    for r in rows {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn an_xlsx_file_imports_like_its_csv_and_a_bad_cell_names_row_and_column() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let section = actor(&app, "dh.section").await;
        let mut sheet = Sheet {
            name: "单位",
            header: ENTITY_HEADER.to_vec(),
            rows: vec![entity_row(1), entity_row(2)],
        };
        let bytes = sheet.to_xlsx().unwrap();
        let first = import(
            &app,
            &section,
            ImportKind::Entities,
            "a.xlsx",
            &bytes,
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!((first.inserted, first.updated, first.unchanged), (2, 0, 0));
        let again = import(
            &app,
            &section,
            ImportKind::Entities,
            "a.xlsx",
            &bytes,
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2));

        sheet.rows[1][0] = "91990102MA00000029".into(); // wrong check character
        let before = events(&app).await;
        let bad = sheet.to_xlsx().unwrap();
        match import(&app, &section, ImportKind::Entities, "b.xlsx", &bad, &quiet).await {
            Err(ImportFailure::Rejected(errors)) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert_eq!(errors[0].row, 3);
                assert_eq!(errors[0].column, "统一社会信用代码");
            }
            other => panic!("{}: expected rejection, got {other:?}", t_name(&app)),
        }
        assert_eq!(events(&app).await, before, "a rejected file logs nothing");
    }
}

fn t_name(app: &App) -> &'static str {
    app.db.backend().name()
}

#[tokio::test]
async fn a_large_import_upserts_in_batches_and_each_record_keeps_its_own_history() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let section = actor(&app, "dh.section").await;
        // More rows than one batched statement holds.
        let rows: Vec<Vec<String>> = (1..=1_203).map(entity_row).collect();
        let first = import(
            &app,
            &section,
            ImportKind::Entities,
            "all.csv",
            entities_csv(&rows).as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(first.inserted, 1_203);
        let (listed, total) = reg::list_entities(&app, &section, "", None, 1)
            .await
            .unwrap();
        assert_eq!(total, 1_203);
        assert!(!listed.is_empty());

        let mut changed = rows.clone();
        changed[700][7] = "D".into(); // credit grade of one entity
        changed.push(entity_row(5_000));
        let second = import(
            &app,
            &section,
            ImportKind::Entities,
            "changed.csv",
            entities_csv(&changed).as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(
            (second.inserted, second.updated, second.unchanged),
            (1, 1, 1_202)
        );

        let edited = reg::entity_page(&app, &section, &changed[700][0])
            .await
            .unwrap();
        assert_eq!(edited.record.credit_grade, "D");
        let lines: Vec<&str> = edited.history.iter().map(|h| h.change.as_str()).collect();
        assert_eq!(lines, ["inserted", "updated"]);
        let untouched = reg::entity_page(&app, &section, &changed[0][0])
            .await
            .unwrap();
        assert_eq!(
            untouched.history.len(),
            1,
            "an unchanged row is not in the second import's history"
        );
        assert!(untouched.history[0].event.payload_json.contains("all.csv"));
    }
}

fn edit_of(page: &reg::RecordPage<fazhi_store::registry::EntityListed>) -> EntityEdit {
    let e = &page.record;
    EntityEdit {
        name: e.name.clone(),
        legal_rep: e.legal_rep.clone(),
        address: e.address.clone(),
        region_code: e.region_code.clone(),
        domains: "医疗卫生".into(),
        risk_level: e.risk_level.clone(),
        credit_grade: e.credit_grade.clone(),
        status: e.status.clone(),
        version: page.version,
        ..EntityEdit::default()
    }
}

#[tokio::test]
async fn an_entity_edit_is_validated_like_an_import_logged_once_and_refused_when_stale() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let section = actor(&app, "dh.section").await;
        let rows = vec![entity_row(1)];
        import(
            &app,
            &section,
            ImportKind::Entities,
            "a.csv",
            entities_csv(&rows).as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        let key = &rows[0][0];
        let page = reg::entity_page(&app, &section, key).await.unwrap();

        // Unchanged form: nothing saved, nothing logged.
        let before = events(&app).await;
        assert_eq!(
            reg::edit_entity(&app, &section, key, &edit_of(&page))
                .await
                .unwrap(),
            Change::Unchanged
        );
        assert_eq!(events(&app).await, before);

        // A region code that is not 6 digits (GB/T 2260) names the field; nothing changes.
        let mut bad = edit_of(&page);
        bad.region_code = "99010".into();
        match reg::edit_entity(&app, &section, key, &bad).await {
            Err(AppError::Invalid { field, zh, .. }) => {
                assert_eq!(field, "region_code");
                assert!(zh.contains("GB/T 2260"), "{zh}");
            }
            other => panic!("expected invalid region code, got {other:?}"),
        }
        assert_eq!(events(&app).await, before);

        let mut good = edit_of(&page);
        good.risk_level = "high".into();
        good.name = "示范市东湖区第1诊所（迁址）".into();
        assert_eq!(
            reg::edit_entity(&app, &section, key, &good).await.unwrap(),
            Change::Updated
        );
        assert_eq!(events(&app).await, before + 1, "one event per edit");
        let after = reg::entity_page(&app, &section, key).await.unwrap();
        assert_eq!(after.record.risk_level, "high");
        assert_eq!(after.history.len(), 2);
        assert_eq!(after.history[1].event.subject, format!("entity:{key}"));
        assert!(after.history[1].event.payload_json.contains("\"before\""));

        // The same form again carries the old version: someone else's change wins.
        let mut stale = good.clone();
        stale.address = "西湖路9号".into();
        assert!(matches!(
            reg::edit_entity(&app, &section, key, &stale).await,
            Err(AppError::Conflict { .. })
        ));
        assert_eq!(events(&app).await, before + 1);

        // Another district's administrator cannot see or edit it.
        let other = actor(&app, "xs.admin").await;
        assert!(matches!(
            reg::entity_page(&app, &other, key).await,
            Err(AppError::NotFound { .. })
        ));
        let mut fresh = edit_of(&after);
        fresh.address = "西湖路9号".into();
        assert!(matches!(
            reg::edit_entity(&app, &other, key, &fresh).await,
            Err(AppError::NotFound { .. })
        ));
        // A read-only role may look but not edit.
        let reader = actor(&app, "dh.readonly").await;
        assert!(matches!(
            reg::edit_entity(&app, &reader, key, &fresh).await,
            Err(AppError::Denied(_))
        ));
    }
}

#[tokio::test]
async fn an_officer_edit_checks_credential_dates_and_raises_the_version() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let section = actor(&app, "dh.section").await;
        let today = jiff::civil::date(2026, 11, 18);
        let csv = fazhi_app::demo::demo_officers_csv("T", "示范市东湖区", 4, today, 7);
        import(
            &app,
            &section,
            ImportKind::Officers,
            "o.csv",
            csv.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        let page = reg::officer_page(&app, &section, "T-0004").await.unwrap();
        let o = &page.record;
        let form = OfficerEdit {
            name: o.name.clone(),
            posts: o.posts.clone(),
            domains: "医疗卫生".into(),
            credential_number: o.credential_number.clone().unwrap(),
            issuing_body: o.issuing_body.clone().unwrap(),
            area: o.area.clone().unwrap(),
            valid_from: o.valid_from.clone().unwrap(),
            valid_to: o.valid_to.clone().unwrap(),
            last_review_year: o.last_review_year.unwrap().to_string(),
            training_hours: "96".into(),
            version: page.version,
        };
        let mut backwards = form.clone();
        backwards.valid_to = "2000-01-01".into();
        let before = events(&app).await;
        assert!(matches!(
            reg::edit_officer(&app, &section, "T-0004", &backwards).await,
            Err(AppError::Invalid {
                field: "valid_to",
                ..
            })
        ));
        assert_eq!(events(&app).await, before);
        assert_eq!(
            reg::edit_officer(&app, &section, "T-0004", &form)
                .await
                .unwrap(),
            Change::Updated
        );
        let after = reg::officer_page(&app, &section, "T-0004").await.unwrap();
        assert_eq!(after.record.training_hours, Some(96));
        assert!(after.version > page.version, "an edit raises the version");
        assert_eq!(after.history.len(), 2);
        assert!(matches!(
            reg::edit_officer(&app, &section, "T-0004", &form).await,
            Err(AppError::Conflict { .. })
        ));
    }
}

#[tokio::test]
async fn no_penalty_items_belong_to_published_penalty_powers_art_33() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let section = actor(&app, "dh.section").await;
        import(
            &app,
            &section,
            ImportKind::Powers,
            "p.csv",
            fazhi_app::demo::DEMO_POWERS_CSV.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        let bad = "权力编码,清单类型,违法行为,适用条件,依据,生效日期\n\
XK-001,首违不罚,某行为,某条件,《行政处罚法》第三十三条,2024-01-01\n\
CF-004,先罚后改,某行为,某条件,《行政处罚法》第三十三条,2024-02-30\n";
        match import(
            &app,
            &section,
            ImportKind::NoPenalty,
            "n.csv",
            bad.as_bytes(),
            &quiet,
        )
        .await
        {
            Err(ImportFailure::Rejected(errors)) => {
                let found: Vec<(usize, &str)> =
                    errors.iter().map(|e| (e.row, e.column.as_str())).collect();
                assert_eq!(found, [(2, "权力编码"), (3, "清单类型"), (3, "生效日期")]);
                assert!(errors[0].message_zh.contains("第三十三条"));
            }
            other => panic!("expected rejection, got {other:?}"),
        }
        let good = fazhi_app::demo::DEMO_NO_PENALTY_CSV.as_bytes();
        let first = import(&app, &section, ImportKind::NoPenalty, "n.csv", good, &quiet)
            .await
            .unwrap();
        assert_eq!(first.inserted, 3);
        let again = import(&app, &section, ImportKind::NoPenalty, "n.csv", good, &quiet)
            .await
            .unwrap();
        assert_eq!(again.unchanged, 3);
        let items = reg::list_no_penalty(&app, &section).await.unwrap();
        assert_eq!(
            items.iter().map(|n| n.kind.as_str()).collect::<Vec<_>>(),
            ["minor", "first_violation", "no_fault"]
        );
        let sheet = reg::export_no_penalty(&app, &section).await.unwrap();
        assert_eq!(sheet.rows[1][1], "首违不罚");
    }
}
