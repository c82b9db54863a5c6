//! Registry imports stay inside the importer's agency scope, on both
//! backends: a row matching another district's record, or naming an agency
//! outside the scope, rejects the whole file with its row and column; the
//! 所属机构 column is honoured; and every registry's export, imported again
//! unchanged, changes nothing.

use fazhi_app::App;
use fazhi_app::registry::{self, ImportFailure, ImportKind, ImportOutcome, RowError, import};
use fazhi_app::sheets::{Format, Sheet};
use fazhi_domain::authz::Actor;
use fazhi_store::testing::{self, TestDb};

use super::support::{DEMO_TODAY_US, actor, app_at, events};

fn quiet(_: usize, _: usize) {}

/// A valid USCC from its first 17 characters.
fn uscc(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        fazhi_domain::ident::Uscc::check_character(prefix).unwrap()
    )
}

async fn setup(db: TestDb) -> (App, TestDb) {
    let (app, _clock) = app_at(&db, DEMO_TODAY_US);
    fazhi_app::demo::seed_accounts(&app).await.unwrap();
    (app, db)
}

async fn imported(app: &App, actor: &Actor, kind: ImportKind, file: &[u8]) -> ImportOutcome {
    match import(app, actor, kind, "f.csv", file, &quiet).await {
        Ok(o) => o,
        Err(e) => panic!("{} import refused: {e:?}", kind.code()),
    }
}

async fn refused(app: &App, actor: &Actor, kind: ImportKind, file: &[u8]) -> Vec<RowError> {
    match import(app, actor, kind, "f.csv", file, &quiet).await {
        Err(ImportFailure::Rejected(errors)) => errors,
        other => panic!("{} import should be refused, got {other:?}", kind.code()),
    }
}

/// The agency an entity is listed under, seen from the whole tree.
async fn entity_agency(app: &App, uscc: &str) -> String {
    let admin = actor(app, "admin").await;
    let (rows, _) = registry::list_entities(app, &admin, uscc, None, 1)
        .await
        .unwrap();
    rows.into_iter()
        .find(|e| e.uscc == uscc)
        .map(|e| e.agency_name)
        .unwrap_or_default()
}

const DH_ENTITY: &str = "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业\n\
    91350100M000100Y43,示范市东湖区金桥诊所,张三,东湖路1号,990102,医疗卫生\n";

#[tokio::test]
async fn a_row_of_another_districts_entity_is_refused_with_its_row_and_column_and_nothing_is_imported()
 {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let dh = actor(&app, "dh.section").await;
        imported(&app, &dh, ImportKind::Entities, DH_ENTITY.as_bytes()).await;
        assert_eq!(
            entity_agency(&app, "91350100M000100Y43").await,
            "示范市东湖区卫生监督所"
        );
        let before = events(&app).await;
        let xs = actor(&app, "xs.admin").await;
        let new = uscc("91990103MA0000001");
        let file = format!(
            "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业\n\
             {new},示范市西山区新诊所,王五,西山路1号,990103,医疗卫生\n\
             91350100M000100Y43,示范市东湖区金桥诊所,张三,西山路9号,990103,医疗卫生\n"
        );
        let errors = refused(&app, &xs, ImportKind::Entities, file.as_bytes()).await;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            (errors[0].row, errors[0].column.as_str()),
            (3, "统一社会信用代码")
        );
        assert!(
            errors[0].message_zh.contains("示范市东湖区卫生监督所"),
            "{errors:?}"
        );
        assert!(
            errors[0].message_en.contains("outside your scope"),
            "{errors:?}"
        );
        assert_eq!(
            events(&app).await,
            before,
            "nothing imported, nothing logged"
        );
        assert_eq!(
            entity_agency(&app, "91350100M000100Y43").await,
            "示范市东湖区卫生监督所"
        );
        assert_eq!(entity_agency(&app, &new).await, "");
        // 东湖's head still sees it.
        let head = actor(&app, "dh.head").await;
        assert!(
            registry::entity_page(&app, &head, "91350100M000100Y43")
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn another_districts_officer_or_credential_is_neither_moved_nor_overwritten() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let dh = actor(&app, "dh.section").await;
        let file = "工号,姓名,执法领域,执法证号,发证机关,执法区域,有效期起,有效期止\n\
            DH-1,李执法,医疗卫生,350100000001,示范市人民政府,东湖区,2024-01-01,2029-12-31\n";
        imported(&app, &dh, ImportKind::Officers, file.as_bytes()).await;
        let before = events(&app).await;
        let xs = actor(&app, "xs.admin").await;
        let same_staff = "工号,姓名,执法领域\nXS-1,陈执法,医疗卫生\nDH-1,李执法,医疗卫生\n";
        let errors = refused(&app, &xs, ImportKind::Officers, same_staff.as_bytes()).await;
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.row, e.column.as_str()))
                .collect::<Vec<_>>(),
            [(3, "工号")],
            "{errors:?}"
        );
        let same_credential = "工号,姓名,执法领域,执法证号,发证机关,执法区域,有效期起,有效期止\n\
            XS-2,陈执法,医疗卫生,350100000001,伪造机关,西山区,2020-01-01,2020-12-31\n";
        let errors = refused(&app, &xs, ImportKind::Officers, same_credential.as_bytes()).await;
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.row, e.column.as_str()))
                .collect::<Vec<_>>(),
            [(2, "执法证号")],
            "{errors:?}"
        );
        assert_eq!(events(&app).await, before);
        let page = registry::officer_page(&app, &dh, "DH-1").await.unwrap();
        assert_eq!(page.record.agency_name, "示范市东湖区卫生监督所");
        assert_eq!(page.record.issuing_body.as_deref(), Some("示范市人民政府"));
        assert_eq!(page.record.valid_to.as_deref(), Some("2029-12-31"));
    }
}

#[tokio::test]
async fn the_agency_column_is_honoured_and_checked_against_the_scope() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let head = actor(&app, "dh.head").await;
        let file = format!(
            "{}所属机构\n91350100M000100Y43,示范市东湖区金桥诊所,张三,东湖路1号,990102,医疗卫生,示范市东湖区卫生监督所\n",
            DH_ENTITY.lines().next().unwrap().to_owned() + ","
        );
        imported(&app, &head, ImportKind::Entities, file.as_bytes()).await;
        assert_eq!(
            entity_agency(&app, "91350100M000100Y43").await,
            "示范市东湖区卫生监督所",
            "placed where the file says"
        );
        // Without the column a known record keeps its agency.
        let changed = DH_ENTITY.replace("张三", "张三丰");
        let done = imported(&app, &head, ImportKind::Entities, changed.as_bytes()).await;
        assert_eq!(done.updated, 1);
        assert_eq!(
            entity_agency(&app, "91350100M000100Y43").await,
            "示范市东湖区卫生监督所"
        );
        let before = events(&app).await;
        for (agency, needle) in [
            ("示范市西山区卫生监督所", "outside your scope"),
            ("示范市北湖区卫生监督所", "no agency named"),
        ] {
            let file = format!(
                "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业,所属机构\n\
                 {},甲诊所,王五,东湖路3号,990102,医疗卫生,\n\
                 {},乙诊所,赵六,东湖路4号,990102,医疗卫生,{agency}\n",
                uscc("91990102MA0000004"),
                uscc("91990102MA0000005"),
            );
            let errors = refused(&app, &head, ImportKind::Entities, file.as_bytes()).await;
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!((errors[0].row, errors[0].column.as_str()), (3, "所属机构"));
            assert!(errors[0].message_en.contains(needle), "{errors:?}");
            assert!(!errors[0].message_zh.is_empty());
        }
        // Registries keyed by agency too: a spot-check item for another district.
        let items = "事项编码,抽查事项,专业,检查依据,检查对象,检查内容,检查方式,所属机构\n\
            SC-01,公共场所卫生监督抽查,公共场所卫生,《公共场所卫生管理条例》第十条,住宿场所,卫生许可,现场检查,示范市西山区卫生健康局\n";
        let errors = refused(&app, &head, ImportKind::SpotChecks, items.as_bytes()).await;
        assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "所属机构"));
        assert_eq!(events(&app).await, before);
    }
}

/// Every registry with an export, as `who` exports it.
async fn exports(app: &App, who: &Actor) -> Vec<(ImportKind, Sheet)> {
    vec![
        (
            ImportKind::Entities,
            registry::export_entities(app, who, "", None).await.unwrap(),
        ),
        (
            ImportKind::Officers,
            registry::export_officers(app, who, "").await.unwrap(),
        ),
        (
            ImportKind::Powers,
            registry::export_powers(app, who, "").await.unwrap(),
        ),
        (
            ImportKind::Discretion,
            registry::export_discretion(app, who).await.unwrap(),
        ),
        (
            ImportKind::NoPenalty,
            registry::export_no_penalty(app, who).await.unwrap(),
        ),
        (
            ImportKind::SpotChecks,
            registry::export_spot_checks(app, who).await.unwrap(),
        ),
        (
            ImportKind::Recusals,
            registry::export_recusals(app, who).await.unwrap(),
        ),
    ]
}

#[tokio::test]
async fn every_registry_export_imported_again_unchanged_changes_nothing() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        fazhi_app::demo::seed_registries(&app).await.unwrap();
        for who in ["dh.head", "dh.section", "xs.admin", "admin"] {
            let actor = actor(&app, who).await;
            let before = exports(&app, &actor).await;
            for (kind, sheet) in &before {
                assert!(
                    !sheet.rows.is_empty() || who != "dh.head",
                    "{who}: the demo has {} rows",
                    kind.code()
                );
                for format in [Format::Csv, Format::Xlsx] {
                    let log = events(&app).await;
                    let bytes = sheet.to_bytes(format).unwrap();
                    let done = imported(&app, &actor, *kind, &bytes).await;
                    assert_eq!(
                        (done.rows, done.inserted, done.updated),
                        (sheet.rows.len(), 0, 0),
                        "{who} {} {format:?}",
                        kind.code()
                    );
                    assert_eq!(events(&app).await, log, "{who} {}: no event", kind.code());
                }
            }
            // Every record is where it was, as it was.
            let after = exports(&app, &actor).await;
            assert_eq!(before.len(), after.len());
            for ((kind, a), (_, b)) in before.iter().zip(&after) {
                assert_eq!(a, b, "{who} {}", kind.code());
            }
        }
        // The 监督所's entities are still the 监督所's.
        let section = actor(&app, "dh.section").await;
        let (_, total) = registry::list_entities(&app, &section, "", None, 1)
            .await
            .unwrap();
        assert_eq!(total, 1200);
    }
}

#[tokio::test]
async fn an_exported_power_row_must_leave_its_item_as_it_is_and_a_change_needs_its_adjustment() {
    for t in testing::both().await {
        let (app, _db) = setup(t).await;
        let admin = actor(&app, "dh.admin").await;
        imported(
            &app,
            &admin,
            ImportKind::Powers,
            fazhi_app::demo::DEMO_POWERS_CSV.as_bytes(),
        )
        .await;
        let sheet = registry::export_powers(&app, &admin, "").await.unwrap();
        let before = events(&app).await;
        // The export renamed one item but without an adjustment: refused.
        let mut edited = sheet.clone();
        edited.rows[1][2] = format!("{}（改）", edited.rows[1][2]);
        let bytes = edited.to_bytes(Format::Csv).unwrap();
        let errors = refused(&app, &admin, ImportKind::Powers, &bytes).await;
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.row, e.column.as_str()))
                .collect::<Vec<_>>(),
            [(3, "调整类型")],
            "{errors:?}"
        );
        // Nor may an exported row state another status than the item has.
        let mut edited = sheet.clone();
        edited.rows[0][5] = "已取消".into();
        let bytes = edited.to_bytes(Format::Csv).unwrap();
        let errors = refused(&app, &admin, ImportKind::Powers, &bytes).await;
        assert_eq!(errors[0].row, 2, "{errors:?}");
        assert_eq!(events(&app).await, before);
    }
}
