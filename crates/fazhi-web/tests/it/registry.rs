//! Registry pages: import through the upload form, errors on screen, search.

use crate::helpers::{TestApp, apps};
use axum::http::{Method, StatusCode};

const BOUNDARY: &str = "----fazhi-test-boundary";

async fn upload(
    t: &TestApp,
    client: &mut crate::helpers::Client,
    path: &str,
    csv: &str,
    csrf_in_url: bool,
) -> crate::helpers::Resp {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{BOUNDARY}--\r\n"
    );
    let uri = if csrf_in_url {
        format!("{path}?csrf={}", client.csrf)
    } else {
        path.to_owned()
    };
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    t.send(
        Some(client),
        Method::POST,
        &uri,
        Some(&content_type),
        body,
        &[],
    )
    .await
}

fn uscc(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        fazhi_domain::ident::Uscc::check_character(prefix).unwrap()
    )
}

#[tokio::test]
async fn a_section_head_imports_entities_through_the_form_and_finds_them() {
    for t in apps().await {
        let mut head = t.login_ok("dh.section").await;
        let csv = format!(
            "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业\n{},示范市东湖区浏览器宾馆,张三,东湖路1号,990102,公共场所卫生\n",
            uscc("91990102MA0000009")
        );
        let r = upload(&t, &mut head, "/registry/entities/import", &csv, true).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("已导入 1 行：新增 1"), "{}", r.body);
        let list = t
            .get(
                &mut head,
                "/registry/entities?q=%E6%B5%8F%E8%A7%88%E5%99%A8",
            )
            .await;
        assert!(list.body.contains("示范市东湖区浏览器宾馆"));
        assert!(
            list.body
                .contains(r#"<small class="muted" id="total">1</small>"#)
        );
        // The other district does not see it.
        let mut other = t.login_ok("xs.admin").await;
        let list = t
            .get(
                &mut other,
                "/registry/entities?q=%E6%B5%8F%E8%A7%88%E5%99%A8",
            )
            .await;
        assert!(!list.body.contains("浏览器宾馆"));
        // Export is UTF-8 with BOM.
        let export = t.get(&mut head, "/registry/entities.csv").await;
        assert!(export.body.starts_with('\u{feff}'));
        assert!(export.body.contains("浏览器宾馆"));
    }
}

#[tokio::test]
async fn a_bad_file_shows_its_errors_on_screen_and_imports_nothing() {
    for t in apps().await {
        let mut head = t.login_ok("dh.section").await;
        let before = t.event_count().await;
        let csv = "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业\n91350100M000100Y44,甲诊所,张三,东湖路1号,990102,医疗卫生\n";
        let r = upload(&t, &mut head, "/registry/entities/import", csv, true).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("id=\"import-errors\"") && r.body.contains("校验位"),
            "{}",
            r.body
        );
        assert_eq!(t.event_count().await, before);
        // Without the token in the form's URL the upload is refused.
        let r = upload(&t, &mut head, "/registry/entities/import", csv, false).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // An officer may look but not import.
        let mut officer = t.login_ok("dh.officer1").await;
        assert_eq!(
            t.get(&mut officer, "/registry/officers").await.status,
            StatusCode::OK
        );
        let r = upload(
            &t,
            &mut officer,
            "/registry/officers/import",
            "工号\n",
            true,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let _ = t.api(&mut officer, Method::GET, "/api/v1/me", None).await;
    }
}

#[tokio::test]
async fn another_districts_entity_in_an_upload_is_refused_on_screen_and_an_export_uploads_back_as_no_change()
 {
    for t in apps().await {
        let mut dh = t.login_ok("dh.section").await;
        let csv = format!(
            "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业\n{},示范市东湖区范围宾馆,张三,东湖路1号,990102,公共场所卫生\n",
            uscc("91990102MA0000008")
        );
        let r = upload(&t, &mut dh, "/registry/entities/import", &csv, true).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // 西山's administrator uploads the same row: refused, named by row and column.
        let mut xs = t.login_ok("xs.admin").await;
        let mut head = t.login_ok("dh.head").await;
        let before = t.event_count().await;
        let r = upload(&t, &mut xs, "/registry/entities/import", &csv, true).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("id=\"import-errors\"") && r.body.contains("不在您的管辖范围内"),
            "{}",
            r.body
        );
        assert_eq!(t.event_count().await, before);
        // 东湖's head downloads the export and uploads it again: nothing changes.
        let export = t.get(&mut head, "/registry/entities.csv").await;
        assert!(export.body.contains("所属机构"));
        let r = upload(
            &t,
            &mut head,
            "/registry/entities/import",
            &export.body,
            true,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(t.event_count().await, before);
        let list = t
            .get(&mut dh, "/registry/entities?q=%E8%8C%83%E5%9B%B4")
            .await;
        assert!(
            list.body.contains("示范市东湖区范围宾馆"),
            "still the 监督所's"
        );
    }
}
