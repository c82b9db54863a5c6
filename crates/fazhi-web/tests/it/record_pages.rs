//! Record pages (detail, edit, history), the table registers and exports.

use crate::helpers::{TestApp, apps, extract_csrf};
use axum::http::StatusCode;
use fazhi_app::registry::{ImportKind, import};

fn quiet(_: usize, _: usize) {}

async fn seed(t: &TestApp) -> String {
    let user = fazhi_store::users::credentials_by_username(&t.app.db, "dh.section")
        .await
        .unwrap()
        .unwrap()
        .user;
    let actor = fazhi_app::auth::actor_of(&user);
    let uscc = {
        let prefix = "91990102MA0000077";
        format!(
            "{prefix}{}",
            fazhi_domain::ident::Uscc::check_character(prefix).unwrap()
        )
    };
    let csv = format!(
        "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业,风险等级,信用等级,经营状态\n\
{uscc},示范市东湖区页面测试诊所,张三,东湖路7号,990102,医疗卫生,中,B,在营\n"
    );
    import(
        &t.app,
        &actor,
        ImportKind::Entities,
        "e.csv",
        csv.as_bytes(),
        &quiet,
    )
    .await
    .unwrap();
    for (kind, csv) in [
        (ImportKind::Powers, fazhi_app::demo::DEMO_POWERS_CSV),
        (ImportKind::NoPenalty, fazhi_app::demo::DEMO_NO_PENALTY_CSV),
        (
            ImportKind::SpotChecks,
            fazhi_app::demo::DEMO_SPOT_CHECKS_CSV,
        ),
    ] {
        import(&t.app, &actor, kind, "d.csv", csv.as_bytes(), &quiet)
            .await
            .unwrap();
    }
    uscc
}

fn version_of(html: &str) -> String {
    let at = html
        .find("name=\"version\" value=\"")
        .expect("version field");
    html[at + 22..].split('"').next().unwrap().to_owned()
}

fn entity_form<'a>(
    version: &'a str,
    region: &'a str,
    risk: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("name", "示范市东湖区页面测试诊所"),
        ("legal_rep", "张三"),
        ("address", "东湖路7号"),
        ("region_code", region),
        ("domains", "医疗卫生"),
        ("risk_level", risk),
        ("credit_grade", "B"),
        ("status", "operating"),
        ("version", version),
    ]
}

#[tokio::test]
async fn an_entity_page_edits_with_validation_conflict_check_and_history() {
    for t in apps().await {
        let uscc = seed(&t).await;
        let mut head = t.login_ok("dh.section").await;
        let path = format!("/registry/entities/{uscc}");
        let page = t.get(&mut head, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("示范市东湖区页面测试诊所"));
        assert!(page.body.contains("e.csv"), "history names the import file");
        head.csrf = extract_csrf(&page.body);
        let version = version_of(&page.body);

        let bad = t
            .post_form(&mut head, &path, &entity_form(&version, "9901", "high"))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("GB/T 2260"), "{}", bad.body);
        assert!(
            bad.body.contains("value=\"9901\""),
            "the form keeps what was typed"
        );

        let events = t.event_count().await;
        let ok = t
            .post_form(&mut head, &path, &entity_form(&version, "990102", "high"))
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(t.event_count().await, events + 1);
        let after = t.get(&mut head, ok.location()).await;
        assert!(after.body.contains("id=\"record-notice\""));
        assert!(
            after.body.contains("risk_level: medium → high"),
            "{}",
            after.body
        );

        let stale = t
            .post_form(&mut head, &path, &entity_form(&version, "990102", "low"))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
        assert!(stale.body.contains("已被他人修改"));
        assert_eq!(t.event_count().await, events + 1);

        // Read-only users see the values without a form.
        let mut reader = t.login_ok("dh.readonly").await;
        let view = t.get(&mut reader, &path).await;
        assert_eq!(view.status, StatusCode::OK);
        assert!(!view.body.contains("id=\"record-form\""));
        // Outside the district the record does not exist.
        let mut other = t.login_ok("xs.admin").await;
        assert_eq!(t.get(&mut other, &path).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn every_register_exports_as_csv_and_xlsx_with_the_import_columns() {
    for t in apps().await {
        seed(&t).await;
        let mut head = t.login_ok("dh.section").await;
        let csv = t.get(&mut head, "/registry/no-penalty.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.starts_with('\u{feff}'), "BOM for Excel");
        assert!(csv.body.contains("权力编码,清单类型,违法行为"));
        assert!(csv.body.contains("首违不罚"));
        for path in [
            "/registry/entities.xlsx",
            "/registry/officers.xlsx",
            "/registry/powers.xlsx",
            "/registry/spot-checks.xlsx",
            "/registry/recusals.xlsx",
            "/registry/discretion.xlsx",
            "/registry/no-penalty.xlsx",
        ] {
            let r = t.get(&mut head, path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert_eq!(
                r.headers["content-type"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "{path}"
            );
        }
        let page = t.get(&mut head, "/registry/spot-checks").await;
        assert!(page.body.contains("SC-GG-01"));
        assert!(page.body.contains("公共场所卫生监督抽查"));
    }
}
