//! The indicators dashboard, the drill-down from a figure to its records, and
//! the annual report editor with versions, on both backends.

use crate::helpers::{TestApp, apps};
use axum::http::StatusCode;
use fazhi_domain::indicators::Value;

async fn seeded() -> Vec<TestApp> {
    let mut out = Vec::new();
    for t in apps().await {
        fazhi_app::demo::seed_registries(&t.app).await.unwrap();
        fazhi_app::transparency::make_checkpoint(&t.app, true)
            .await
            .unwrap();
        out.push(t);
    }
    out
}

async fn agency_of(t: &TestApp, username: &str) -> i64 {
    let id = t.user_id(username).await;
    fazhi_store::users::get(&t.app.db, id)
        .await
        .unwrap()
        .unwrap()
        .agency_id
}

#[tokio::test]
async fn the_dashboard_draws_svg_charts_and_keeps_a_district_to_its_own_figures() {
    for t in seeded().await {
        let dh = agency_of(&t, "dh.head").await;
        let xs = agency_of(&t, "xs.admin").await;
        let city = agency_of(&t, "city.head").await;
        let mut head = t.login_ok("dh.head").await;
        let page = t.get(&mut head, "/dashboard").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("<svg"), "server-drawn charts");
        assert!(page.body.contains("id=\"chart-trend\""));
        assert!(page.body.contains("/dashboard/figure?id=insp.visits"));
        // Another district is outside a district head's scope; so is the city.
        for other in [xs, city] {
            let r = t
                .get(&mut head, &format!("/dashboard?agency={other}"))
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", t.backend());
            let r = t
                .get(
                    &mut head,
                    &format!("/dashboard/figure?id=insp.visits&agency={other}"),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", t.backend());
        }
        // The city head sees both districts, each with its own figures.
        let mut city_head = t.login_ok("city.head").await;
        for agency in [dh, xs, city] {
            let r = t
                .get(&mut city_head, &format!("/dashboard?agency={agency}"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        // Filters: a bad year or month range is refused with the field named.
        for bad in ["year=1999", "from=5&to=4", "from=13", "year=abc"] {
            let r = t.get(&mut head, &format!("/dashboard?{bad}")).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        let march = t.get(&mut head, "/dashboard?from=3&to=3").await;
        assert_eq!(march.status, StatusCode::OK);
        assert!(march.body.contains("3月"));
        // Officers work on tasks; the dashboard is for heads and legal staff.
        let mut officer = t.login_ok("dh.officer1").await;
        assert_eq!(
            t.get(&mut officer, "/dashboard").await.status,
            StatusCode::FORBIDDEN
        );
    }
}

/// Number of records a drill-down page lists.
fn rows(html: &str) -> usize {
    html.matches("class=\"drill-row\"").count()
}

#[tokio::test]
async fn a_figures_drill_down_lists_exactly_the_records_it_counts_with_its_checkpoint() {
    for t in seeded().await {
        let dh = agency_of(&t, "dh.head").await;
        let mut head = t.login_ok("dh.head").await;
        let today = fazhi_app::registry::today_cst(&t.app);
        let mut nonzero = 0;
        for year in [today.year() - 1, today.year()] {
            let f = fazhi_app::indicators::compute(&t.app, dh, year)
                .await
                .unwrap();
            for id in fazhi_domain::indicators::TASK_INDICATORS
                .iter()
                .chain(fazhi_domain::indicators::CASE_INDICATORS.iter())
            {
                let page = t
                    .get(
                        &mut head,
                        &format!("/dashboard/figure?id={id}&agency={dh}&year={year}"),
                    )
                    .await;
                assert_eq!(page.status, StatusCode::OK, "{id}: {}", page.body);
                assert!(page.body.contains("树大小"), "the checkpoint is shown");
                let listed = rows(&page.body);
                assert!(
                    page.body.contains(&format!("data-total=\"{listed}\"")) || listed == 100,
                    "{id}: every record on one page"
                );
                match f.get(id).and_then(|x| x.value.clone()) {
                    Some(Value::Count(n)) => {
                        assert_eq!(listed as i64, n.min(100), "{} {id} {year}", t.backend());
                        nonzero += usize::from(n > 0);
                    }
                    Some(Value::Permille(p)) => {
                        // A rate lists its denominator; ✓ marks the numerator.
                        assert_eq!(p.is_none(), listed == 0, "{id}");
                    }
                    Some(Value::Fen(fen)) => {
                        assert_eq!(fen == 0, listed == 0, "{id}");
                    }
                    other => panic!("{id}: {other:?}"),
                }
            }
        }
        assert!(nonzero >= 4, "the demo has records to drill into");
        // A domain filter lists only that domain's records.
        let all = t
            .get(
                &mut head,
                &format!("/dashboard/figure?id=insp.visits&agency={dh}"),
            )
            .await;
        let one = t
            .get(
                &mut head,
                &format!("/dashboard/figure?id=insp.visits&agency={dh}&domain=public_places"),
            )
            .await;
        assert_eq!(one.status, StatusCode::OK);
        assert!(rows(&one.body) <= rows(&all.body));
        // Registry figures and unknown ids have no records to list.
        let r = t
            .get(&mut head, "/dashboard/figure?id=officers.certified_rate")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = t.get(&mut head, "/dashboard/figure?id=nope").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = t
            .get(&mut head, "/dashboard/figure?id=insp.visits&domain=nowhere")
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn each_save_of_a_report_part_is_a_new_version_and_a_stale_form_writes_nothing() {
    for t in seeded().await {
        let dh = agency_of(&t, "dh.head").await;
        let year = (fazhi_app::registry::today_cst(&t.app).year() - 1).to_string();
        let agency = dh.to_string();
        let stored = || async {
            fazhi_store::narratives::count(&t.app.db, dh, year.parse().unwrap())
                .await
                .unwrap()
        };
        let mut adviser = t.login_ok("dh.adviser").await;
        let editor = t
            .get(&mut adviser, &format!("/report?agency={dh}&year={year}"))
            .await;
        assert_eq!(editor.status, StatusCode::OK, "{}", editor.body);
        assert!(
            editor
                .body
                .contains("主要负责人履行推进法治建设第一责任人职责情况")
        );
        assert!(
            editor.body.contains("附：数据指标核对表"),
            "figures checklist"
        );
        assert!(editor.body.contains("<code>insp.visits</code>"));
        let save = |version: &'static str, body: &'static str| {
            let (agency, year) = (agency.clone(), year.clone());
            move || {
                vec![
                    ("agency", agency.clone()),
                    ("year", year.clone()),
                    ("part", "2".to_owned()),
                    ("version", version.to_owned()),
                    ("body", body.to_owned()),
                ]
            }
        };
        let post = |fields: Vec<(&'static str, String)>| {
            fields
                .iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect::<Vec<(&str, String)>>()
        };
        let events = t.event_count().await;
        let first = post(save("0", "主要负责人主持召开专题会议研究法治建设。")());
        let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = t.post_form(&mut adviser, "/report/narrative", &first).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(t.event_count().await, events + 1, "one event per save");
        let second = post(save("1", "主要负责人带头述法，部署年度法治建设重点任务。")());
        let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = t
            .post_form(&mut adviser, "/report/narrative", &second)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(stored().await, 2);
        let events = t.event_count().await;
        // A form opened at version 1 is stale now: 409, nothing written.
        let r = t
            .post_form(&mut adviser, "/report/narrative", &second)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(
            r.body.contains("带头述法"),
            "the refused text is kept in the form"
        );
        assert_eq!((t.event_count().await, stored().await), (events, 2));
        // Empty text and a part that does not exist are refused by field.
        for (field, value) in [("body", "  "), ("part", "6")] {
            let mut bad: Vec<(&str, String)> = post(save("2", "x")());
            for f in bad.iter_mut().filter(|f| f.0 == field) {
                f.1 = value.to_owned();
            }
            let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = t.post_form(&mut adviser, "/report/narrative", &bad).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        }
        // Roles that may not write the report are refused; nothing is written.
        let mut others = vec![
            ("dh.readonly", t.login_ok("dh.readonly").await),
            ("dh.officer1", t.login_ok("dh.officer1").await),
        ];
        let events = t.event_count().await; // logging in is an event
        for (username, other) in &mut others {
            let third = post(save("2", "越权修改")());
            let third: Vec<(&str, &str)> = third.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = t.post_form(other, "/report/narrative", &third).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{username}");
        }
        // Another district's report is out of scope.
        let xs = agency_of(&t, "xs.admin").await.to_string();
        let mut out: Vec<(&str, String)> = post(save("0", "越界")());
        out[0].1 = xs;
        let out: Vec<(&str, &str)> = out.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = t.post_form(&mut adviser, "/report/narrative", &out).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!((t.event_count().await, stored().await), (events, 2));
        // The editor shows version 2 and the history; version 1 stays readable.
        let editor = t
            .get(&mut adviser, &format!("/report?agency={dh}&year={year}"))
            .await;
        assert!(
            editor.body.contains("<b class=\"version-no\">2</b>"),
            "{}",
            editor.body
        );
        assert!(editor.body.contains("&amp;version=1\"") || editor.body.contains("&version=1\""));
        let v1 = t
            .get(
                &mut adviser,
                &format!("/report/version?agency={dh}&year={year}&part=2&version=1"),
            )
            .await;
        assert_eq!(v1.status, StatusCode::OK);
        assert!(v1.body.contains("专题会议研究法治建设"));
        // The exports print the latest text; traditional converts it.
        let html = t
            .get(
                &mut adviser,
                &format!("/report/export?agency={dh}&year={year}&format=html"),
            )
            .await;
        assert_eq!(html.status, StatusCode::OK);
        assert!(html.body.contains("带头述法"));
        assert!(
            !html.body.contains("专题会议研究法治建设"),
            "older versions are not printed"
        );
        let hant = t
            .get(
                &mut adviser,
                &format!("/report/export?agency={dh}&year={year}&format=html&script=traditional"),
            )
            .await;
        assert!(hant.body.contains("帶頭述法"), "traditional characters");
        let docx = t
            .get(
                &mut adviser,
                &format!("/report/export?agency={dh}&year={year}&format=docx"),
            )
            .await;
        assert_eq!(docx.status, StatusCode::OK);
        assert!(docx.body.starts_with("PK"));
        // No renderer injected in these tests: PDF is not offered.
        let pdf = t
            .get(
                &mut adviser,
                &format!("/report/export?agency={dh}&year={year}&format=pdf"),
            )
            .await;
        assert_eq!(pdf.status, StatusCode::NOT_FOUND);
    }
}
