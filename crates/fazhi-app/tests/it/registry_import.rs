//! Registry imports on both backends: all-or-nothing, row/column/rule errors,
//! idempotent re-import, GB18030 files.

use fazhi_app::App;
use fazhi_app::registry::{ImportFailure, ImportKind, import};
use fazhi_domain::authz::Actor;
use fazhi_store::testing::{self, TestDb};

use super::support::{DEMO_TODAY_US, actor, app_at};

async fn setup(db: TestDb) -> (App, Actor, TestDb) {
    let (app, _clock) = app_at(&db, DEMO_TODAY_US);
    fazhi_app::demo::seed_accounts(&app).await.unwrap();
    let section = actor(&app, "dh.section").await;
    (app, section, db)
}

fn quiet(_: usize, _: usize) {}

const ENTITIES_OK: &str = "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业,风险等级,信用等级,经营状态\n\
91350100M000100Y43,示范市东湖区金桥诊所,张三,东湖路1号,990102,医疗卫生,中,B,在营\n\
91990102MA00000015,示范市东湖区锦绣宾馆,李四,东湖路2号,990102,公共场所卫生；生活饮用水卫生,低,A,在营\n";

fn uscc(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        fazhi_domain::ident::Uscc::check_character(prefix).unwrap()
    )
}

#[tokio::test]
async fn an_entity_file_imports_and_importing_it_again_changes_nothing() {
    for t in testing::both().await {
        let (app, actor, _db) = setup(t).await;
        let file = ENTITIES_OK.replace("91990102MA00000015", &uscc("91990102MA0000001"));
        let before = fazhi_store::events::size(&app.db).await.unwrap();
        let first = import(
            &app,
            &actor,
            ImportKind::Entities,
            "a.csv",
            file.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(
            (first.rows, first.inserted, first.updated, first.unchanged),
            (2, 2, 0, 0)
        );
        assert_eq!(
            fazhi_store::events::size(&app.db).await.unwrap(),
            before + 1,
            "one event for the whole import"
        );
        let again = import(
            &app,
            &actor,
            ImportKind::Entities,
            "a.csv",
            file.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2));
        assert_eq!(
            fazhi_store::events::size(&app.db).await.unwrap(),
            before + 1,
            "no change, no event"
        );
        let changed = file.replace("张三", "张三丰");
        let third = import(
            &app,
            &actor,
            ImportKind::Entities,
            "a.csv",
            changed.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!((third.inserted, third.updated, third.unchanged), (0, 1, 1));
        let (rows, total) = fazhi_app::registry::list_entities(&app, &actor, "宾馆", None, 1)
            .await
            .unwrap();
        assert_eq!(total, 1);
        assert_eq!(rows[0].domains, "public_places,drinking_water");
    }
}

async fn rejected(
    app: &App,
    actor: &Actor,
    kind: ImportKind,
    bytes: &[u8],
) -> Vec<(usize, String, String)> {
    match import(app, actor, kind, "bad.csv", bytes, &quiet).await {
        Err(ImportFailure::Rejected(errors)) => errors
            .into_iter()
            .map(|e| (e.row, e.column, e.message_zh))
            .collect(),
        other => panic!("expected a rejected file, got {other:?}"),
    }
}

#[tokio::test]
async fn every_bad_row_is_reported_with_row_column_and_rule_and_nothing_is_written() {
    for t in testing::both().await {
        let (app, actor, _db) = setup(t).await;
        let before = fazhi_store::events::size(&app.db).await.unwrap();
        let file = format!(
            "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业\n\
             91350100M000100Y43,甲诊所,张三,东湖路1号,990102,医疗卫生\n\
             91350100M000100Y44,乙诊所,李四,东湖路2号,990102,医疗卫生\n\
             91350100M000100Y43,丙诊所,王五,东湖路3号,990102,医疗卫生\n\
             {},丁公司,赵六,东湖路4号,990102,食品安全\n",
            uscc("91990102MA0000002")
        );
        let errors = rejected(&app, &actor, ImportKind::Entities, file.as_bytes()).await;
        assert!(
            errors
                .iter()
                .any(|(r, c, m)| *r == 3 && c == "统一社会信用代码" && m.contains("校验位")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|(r, _, m)| *r == 4 && m.contains("与第 2 行重复")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|(r, c, m)| *r == 5 && c == "专业" && m.contains("食品安全")),
            "{errors:?}"
        );
        assert_eq!(errors.len(), 3, "{errors:?}");

        let officers = "工号,姓名,执法领域,执法证号,发证机关,执法区域,有效期起,有效期止\n\
                        DH-1,张三,医疗卫生,9901,示范省人民政府,东湖区,2023-02-30,2027-01-01\n\
                        DH-2,李四,医疗卫生,9902,示范省人民政府,东湖区,2026-05-01,2025-05-01\n";
        let errors = rejected(&app, &actor, ImportKind::Officers, officers.as_bytes()).await;
        assert!(
            errors
                .iter()
                .any(|(r, c, m)| *r == 2 && c == "有效期起" && m.contains("2023-02-30")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|(r, c, m)| *r == 3 && c == "有效期止" && m.contains("早于")),
            "{errors:?}"
        );

        let (mut gbk, _, _) =
            encoding_rs::GB18030.encode("工号,姓名,执法领域\nDH-3,王五,医疗卫生\n");
        let mut bytes = gbk.to_mut().clone();
        bytes.extend_from_slice(b"DH-4,\xff\xfe,\xd5\n");
        let errors = rejected(&app, &actor, ImportKind::Officers, &bytes).await;
        assert_eq!(errors[0].0, 3, "{errors:?}");

        let missing = rejected(
            &app,
            &actor,
            ImportKind::Officers,
            "姓名\n张三\n".as_bytes(),
        )
        .await;
        assert!(
            missing.iter().any(|(r, c, _)| *r == 1 && c == "工号"),
            "{missing:?}"
        );

        assert_eq!(
            fazhi_store::events::size(&app.db).await.unwrap(),
            before,
            "nothing written"
        );
        let (_, total) = fazhi_app::registry::list_entities(&app, &actor, "", None, 1)
            .await
            .unwrap();
        assert_eq!(total, 0);
    }
}

#[tokio::test]
async fn a_gb18030_officer_file_imports_and_the_certified_rate_counts_valid_credentials() {
    for t in testing::both().await {
        let (app, actor, _db) = setup(t).await;
        let text = "工号,姓名,岗位,执法领域,执法证号,发证机关,执法区域,有效期起,有效期止,年审年度,培训学时\n\
                    DH-1,张三,监督员,医疗卫生,9901,示范省人民政府,东湖区,2024-01-01,2028-12-31,2025,40\n\
                    DH-2,李四,监督员,公共场所卫生,9902,示范省人民政府,东湖区,2022-01-01,2026-11-01,2025,20\n\
                    DH-3,王五,科员,学校卫生,,,,,,,\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let outcome = import(&app, &actor, ImportKind::Officers, "o.csv", &gbk, &quiet)
            .await
            .unwrap();
        assert_eq!(outcome.inserted, 3);
        let stats = fazhi_app::registry::officer_stats(&app, &actor)
            .await
            .unwrap();
        assert_eq!(
            (stats.officers, stats.certified),
            (3, 1),
            "expired and missing credentials are not certified"
        );
        assert!((stats.average_training_hours - 20.0).abs() < 1e-9);
        // An officer may not import.
        let officer = fazhi_store::users::credentials_by_username(&app.db, "dh.officer1")
            .await
            .unwrap()
            .unwrap()
            .user;
        let refused = import(
            &app,
            &fazhi_app::auth::actor_of(&officer),
            ImportKind::Officers,
            "o.csv",
            &gbk,
            &quiet,
        )
        .await;
        assert!(matches!(
            refused,
            Err(ImportFailure::App(fazhi_app::AppError::Denied(_)))
        ));
    }
}

#[tokio::test]
async fn power_list_adjustments_raise_versions_are_logged_with_reason_and_document_and_counted_by_kind()
 {
    for t in testing::both().await {
        let (app, _, _db) = setup(t).await;
        let actor = actor(&app, "dh.admin").await;
        let first = import(
            &app,
            &actor,
            ImportKind::Powers,
            "p.csv",
            fazhi_app::demo::DEMO_POWERS_CSV.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(first.inserted, 17);
        let counts = fazhi_app::registry::power_counts(&app, &actor)
            .await
            .unwrap();
        assert_eq!(
            fazhi_domain::registry::power_counts_sentence(&counts),
            "行政许可5项，行政处罚8项，行政检查2项，行政强制1项，行政确认1项"
        );
        let change = "事项编码,权力类型,事项名称,实施依据,承办机构,调整类型,调整理由,文号\n\
                      XK-004,行政许可,放射诊疗许可,《放射诊疗管理规定》第四条,示范市卫生健康委员会,下放,按省级目录调整,示卫发〔2026〕8号\n";
        let before = fazhi_store::events::size(&app.db).await.unwrap();
        let done = import(
            &app,
            &actor,
            ImportKind::Powers,
            "c.csv",
            change.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!((done.updated, done.unchanged), (1, 0));
        let event = fazhi_store::events::range(&app.db, before + 1, 1)
            .await
            .unwrap()
            .remove(0);
        assert!(
            event.payload_json.contains("delegated_down")
                && event.payload_json.contains("示卫发〔2026〕8号"),
            "{}",
            event.payload_json
        );
        let item = fazhi_app::registry::list_powers(&app, &actor, "XK-004")
            .await
            .unwrap()
            .remove(0);
        assert_eq!((item.version, item.status.as_str()), (2, "delegated"));
        let counts = fazhi_app::registry::power_counts(&app, &actor)
            .await
            .unwrap();
        assert!(fazhi_domain::registry::power_counts_sentence(&counts).starts_with("行政许可4项"));
        let bad = "事项编码,权力类型,事项名称,实施依据,承办机构,调整类型,调整理由,文号\nX-1,审批,甲,依据,单位,新增,理由,\n";
        match import(
            &app,
            &actor,
            ImportKind::Powers,
            "b.csv",
            bad.as_bytes(),
            &quiet,
        )
        .await
        {
            Err(ImportFailure::Rejected(errors)) => {
                assert!(errors.iter().any(|e| e.column == "权力类型"), "{errors:?}");
                assert!(errors.iter().any(|e| e.column == "文号"), "{errors:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn discretion_bands_attach_to_penalty_powers_and_bad_bands_are_named() {
    for t in testing::both().await {
        let (app, _, _db) = setup(t).await;
        let actor = actor(&app, "dh.admin").await;
        import(
            &app,
            &actor,
            ImportKind::Powers,
            "p.csv",
            fazhi_app::demo::DEMO_POWERS_CSV.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        let done = import(
            &app,
            &actor,
            ImportKind::Discretion,
            "d.csv",
            fazhi_app::demo::DEMO_DISCRETION_CSV.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(done.inserted, 9);
        let bands = fazhi_app::registry::list_discretion(&app, &actor)
            .await
            .unwrap();
        let grave = bands
            .iter()
            .find(|b| b.power_code == "CF-006" && b.circumstance == "grave")
            .unwrap();
        assert_eq!(
            (grave.fine_min_fen, grave.fine_max_fen),
            (15_000_000, 20_000_000)
        );
        assert_eq!(
            grave.power_name.as_deref(),
            Some("对用人单位未按规定组织职业健康检查的处罚")
        );
        let bad = "事项编码,情节,罚款下限（元）,罚款上限（元）,其他处罚,情节描述,依据\n\
                   XK-001,一般,100,200,,x,y\n\
                   CF-003,很重,100,200,,x,y\n\
                   CF-004,一般,5000,500.5,,x,y\n\
                   CF-004,较重,1.234,2000,,x,y\n";
        match import(
            &app,
            &actor,
            ImportKind::Discretion,
            "b.csv",
            bad.as_bytes(),
            &quiet,
        )
        .await
        {
            Err(ImportFailure::Rejected(errors)) => {
                let at =
                    |row: usize, col: &str| errors.iter().any(|e| e.row == row && e.column == col);
                assert!(
                    at(2, "事项编码"),
                    "a permit is not a penalty power: {errors:?}"
                );
                assert!(at(3, "情节"), "{errors:?}");
                assert!(at(4, "罚款上限（元）"), "maximum below minimum: {errors:?}");
                assert!(at(5, "罚款下限（元）"), "three decimals: {errors:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn spot_check_items_and_recusal_relations_import_with_their_checks() {
    for t in testing::both().await {
        let (app, actor, _db) = setup(t).await;
        let items = "事项编码,抽查事项,专业,检查依据,检查对象,检查内容,检查方式\n\
                     SC-01,公共场所卫生监督抽查,公共场所卫生,《公共场所卫生管理条例》第十条,住宿场所,卫生许可、从业人员健康证明、卫生检测,现场检查\n";
        let done = import(
            &app,
            &actor,
            ImportKind::SpotChecks,
            "s.csv",
            items.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(done.inserted, 1);
        assert_eq!(
            fazhi_app::registry::list_spot_checks(&app, &actor)
                .await
                .unwrap()[0]
                .domain,
            "public_places"
        );
        let officers = "工号,姓名,执法领域\nDH-9,张三,公共场所卫生\n";
        import(
            &app,
            &actor,
            ImportKind::Officers,
            "o.csv",
            officers.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        let recusals = format!(
            "工号,统一社会信用代码,自然人姓名,回避理由\nDH-9,{},,近亲属任法定代表人\nDH-9,,李四,同学关系\n",
            uscc("91990102MA0000003")
        );
        let done = import(
            &app,
            &actor,
            ImportKind::Recusals,
            "r.csv",
            recusals.as_bytes(),
            &quiet,
        )
        .await
        .unwrap();
        assert_eq!(done.inserted, 2);
        let listed = fazhi_app::registry::list_recusals(&app, &actor)
            .await
            .unwrap();
        assert!(listed.iter().any(|r| r.party_key == "person:李四"));
        let bad = "工号,统一社会信用代码,自然人姓名,回避理由\nDH-404,,王五,x\nDH-9,91350100M000100Y43,赵六,x\n";
        match import(
            &app,
            &actor,
            ImportKind::Recusals,
            "b.csv",
            bad.as_bytes(),
            &quiet,
        )
        .await
        {
            Err(ImportFailure::Rejected(errors)) => {
                assert!(
                    errors.iter().any(|e| e.row == 2 && e.column == "工号"),
                    "{errors:?}"
                );
                assert!(
                    errors
                        .iter()
                        .any(|e| e.row == 3 && e.message_en.contains("exactly one")),
                    "{errors:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
