//! The public portal: every public route answers without login, and nothing it
//! shows or exports holds an unmasked personal identifier (the redaction scan)
//! or anything of a non-public record.

use crate::helpers::{Client, Resp, TestApp, apps};
use axum::http::{Method, StatusCode};
use fazhi_domain::redact::find_personal_identifiers;
use fazhi_web::routes::ROUTES;

/// A seeded demo with a signed checkpoint, so exports are stamped.
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

/// Hashes (checkpoint roots, 32+ hex characters) are not personal data but can
/// hold digit runs that look like one; they are cut out before the scan.
fn without_hashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) {
            run.push(c);
            continue;
        }
        if run.len() >= 32 {
            out.push('#');
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

fn assert_no_identifiers(t: &TestApp, uri: &str, body: &str) {
    let found = find_personal_identifiers(&without_hashes(body));
    assert!(
        found.is_empty(),
        "{} {uri}: unmasked personal identifiers {found:?}",
        t.backend()
    );
}

/// Every concrete URL of the public portal's routes.
fn public_urls(pattern: &str) -> Vec<String> {
    match pattern {
        "/public/data/{file}" => fazhi_app::public::DATASETS
            .iter()
            .flat_map(|d| {
                [
                    format!("/public/data/{}.csv", d.id),
                    format!("/public/data/{}.json", d.id),
                ]
            })
            .collect(),
        "/public/script/{script}" => ["hans", "hant", "en"]
            .iter()
            .map(|s| format!("/public/script/{s}?next=/public/officers"))
            .collect(),
        "/public/check" => vec!["/public/check?code=0123456789abcdef".to_owned()],
        "/public/inspections" => vec![
            "/public/inspections".to_owned(),
            "/public/inspections?page=2".to_owned(),
            "/public/inspections?year=2025".to_owned(),
            "/public/inspections?year=2026&page=99".to_owned(),
        ],
        "/public/notices" => vec![
            "/public/notices".to_owned(),
            "/public/notices?q=%E8%A1%9B%E7%94%9F".to_owned(),
            "/public/notices?kind=penalty&year=2025".to_owned(),
            "/public/notices?domain=public_places&before=50".to_owned(),
        ],
        // Every notice page is scanned in notice_pages.rs.
        "/public/notices/{id}" => Vec::new(),
        other => vec![other.to_owned()],
    }
}

async fn anonymous_get(t: &TestApp, client: &mut Client, uri: &str) -> Resp {
    t.send(Some(client), Method::GET, uri, None, String::new(), &[])
        .await
}

#[tokio::test]
async fn every_public_portal_route_answers_without_login_and_shows_no_unmasked_personal_identifier()
{
    for t in seeded().await {
        let mut scanned = 0;
        let patterns: Vec<_> = ROUTES
            .iter()
            .filter(|r| r.action.is_none() && r.pattern.starts_with("/public"))
            // The request forms' posts are covered by the requests tests.
            .filter(|r| r.method == "GET")
            .collect();
        assert!(patterns.len() >= 13, "{patterns:?}");
        for spec in patterns {
            for uri in public_urls(spec.pattern) {
                for lang in ["hans", "hant", "en"] {
                    let mut client = Client::default();
                    let switched = anonymous_get(
                        &t,
                        &mut client,
                        &format!("/public/script/{lang}?next=/public"),
                    )
                    .await;
                    assert_eq!(switched.status, StatusCode::SEE_OTHER);
                    let r = anonymous_get(&t, &mut client, &uri).await;
                    let redirects =
                        uri.starts_with("/public/script/") || uri.starts_with("/public/check?");
                    if redirects {
                        assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}: {}", r.body);
                        let to = r.location().to_owned();
                        assert!(
                            to.starts_with("/public") || to.starts_with("/check/"),
                            "{uri} → {to}"
                        );
                        let landed = anonymous_get(&t, &mut client, &to).await;
                        assert!(
                            landed.status == StatusCode::OK
                                || landed.status == StatusCode::NOT_FOUND,
                            "{to}: {}",
                            landed.status
                        );
                        assert_no_identifiers(&t, &to, &landed.body);
                    } else {
                        assert_eq!(
                            r.status,
                            StatusCode::OK,
                            "{} {uri} ({lang}): {}",
                            t.backend(),
                            r.body
                        );
                        assert!(!r.body.is_empty(), "{uri}");
                    }
                    assert_no_identifiers(&t, &uri, &r.body);
                    scanned += 1;
                }
            }
        }
        // Every page of the results too.
        let mut client = Client::default();
        let mut page = 1;
        loop {
            let uri = format!("/public/inspections?page={page}");
            let r = anonymous_get(&t, &mut client, &uri).await;
            assert_eq!(r.status, StatusCode::OK);
            assert_no_identifiers(&t, &uri, &r.body);
            scanned += 1;
            if !r.body.contains("id=\"next\"") {
                break;
            }
            page += 1;
        }
        assert!(page > 1, "the demo's results fill more than one page");
        assert!(scanned > 60, "{scanned}");
    }
}

#[tokio::test]
async fn the_officers_list_shows_names_and_credential_numbers_but_no_staff_numbers_or_other_personal_data()
 {
    for t in seeded().await {
        let (officers, total) = fazhi_store::registry::list_officers(
            &t.app.db,
            &fazhi_domain::agency::AgencyPath::whole_tree(),
            "",
            0,
            1000,
        )
        .await
        .unwrap();
        assert!(total >= 20, "{total}");
        let mut client = Client::default();
        for uri in [
            "/public/officers",
            "/public/data/officers.csv",
            "/public/data/officers.json",
        ] {
            let r = anonymous_get(&t, &mut client, uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}");
            for o in officers.iter().take(10) {
                assert!(r.body.contains(&o.name), "{uri}: {}", o.name);
                let number = o.credential_number.clone().unwrap();
                assert!(r.body.contains(&number), "{uri}: {number}");
                assert!(!r.body.contains(&o.staff_no), "{uri}: {}", o.staff_no);
            }
            // The demo's staff numbers look like DH-0007; posts, issuing body,
            // validity dates and training hours are not on the list either.
            for private in [
                "DH-0",
                "XS-0",
                "工号",
                "监督员",
                "科长",
                "科员",
                "示范省人民政府",
                "培训",
                "staff",
            ] {
                assert!(!r.body.contains(private), "{uri} shows {private}");
            }
            for o in officers.iter().take(10) {
                let from = o.valid_from.clone().unwrap();
                assert!(
                    !r.body.contains(&from),
                    "{uri} shows a validity date {from}"
                );
            }
        }
        let json: serde_json::Value = anonymous_get(&t, &mut client, "/public/data/officers.json")
            .await
            .json();
        let keys: Vec<String> = json["rows"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            keys.iter().map(String::as_str).collect::<Vec<_>>(),
            ["agency", "credential_number", "domains", "name", "status"]
        );
    }
}

fn tags(html: &str) -> Vec<&str> {
    html.split('<')
        .skip(1)
        .map(|s| s.split('>').next().unwrap())
        .collect()
}

#[tokio::test]
async fn the_traditional_script_switch_converts_the_text_and_keeps_the_markup() {
    for t in seeded().await {
        let mut client = Client::default();
        let simplified = anonymous_get(&t, &mut client, "/public").await;
        assert_eq!(simplified.status, StatusCode::OK);
        assert!(simplified.body.contains("lang=\"zh-CN\""));
        assert!(simplified.body.contains("卫生"));
        assert!(!simplified.body.contains("衛生"));

        // By the switcher's cookie…
        let switched = anonymous_get(&t, &mut client, "/public/script/hant?next=/public").await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER);
        assert_eq!(switched.location(), "/public");
        let traditional = anonymous_get(&t, &mut client, "/public").await;
        assert_eq!(traditional.status, StatusCode::OK);
        assert!(traditional.body.contains("lang=\"zh-Hant\""));
        assert!(traditional.body.contains("衛生"), "{}", traditional.body);
        assert!(!traditional.body.contains("卫生健康行政执法公示平台"));
        // The switcher keeps its own labels.
        assert!(traditional.body.contains(">简体<"));
        assert!(traditional.body.contains(">繁體<"));
        // Same markup: only text between tags changed.
        let a = tags(&simplified.body);
        let b = tags(&traditional.body);
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            if !x.contains("lang=") && !x.contains("aria-current") {
                assert_eq!(x, y);
            }
        }
        // …and by the query parameter, on a list page.
        let mut fresh = Client::default();
        let powers = anonymous_get(&t, &mut fresh, "/public/powers?script=hant").await;
        assert!(powers.body.contains("醫療機構"), "{}", powers.body);
        // Back to simplified; English stays English.
        anonymous_get(&t, &mut client, "/public/script/hans?next=/public").await;
        let back = anonymous_get(&t, &mut client, "/public").await;
        assert!(back.body.contains("卫生") && !back.body.contains("衛生"));
        anonymous_get(&t, &mut client, "/public/script/en?next=/public").await;
        let english = anonymous_get(&t, &mut client, "/public").await;
        assert!(english.body.contains("lang=\"en\""));
        assert!(english.body.contains("Health Enforcement Public Portal"));
        // An off-site `next` is not followed.
        let off = anonymous_get(&t, &mut client, "/public/script/hant?next=//evil.example").await;
        assert_eq!(off.location(), "/public");
    }
}

#[tokio::test]
async fn exports_are_csv_with_bom_and_json_stamped_with_the_latest_checkpoint() {
    for t in seeded().await {
        let latest = fazhi_app::public::checkpoint(&t.app)
            .await
            .unwrap()
            .unwrap();
        let mut client = Client::default();
        for d in fazhi_app::public::DATASETS {
            let csv = anonymous_get(&t, &mut client, &format!("/public/data/{}.csv", d.id)).await;
            assert_eq!(csv.status, StatusCode::OK, "{}", d.id);
            assert!(csv.body.starts_with('\u{feff}'), "{}: no BOM", d.id);
            assert!(
                csv.headers["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            let stamp = csv.headers["x-fazhi-checkpoint"].to_str().unwrap();
            assert_eq!(stamp, format!("{} {}", latest.size, latest.root_hex));
            let header = csv
                .body
                .trim_start_matches('\u{feff}')
                .lines()
                .next()
                .unwrap();
            let keys: Vec<&str> = d.columns.iter().map(|c| c.key).collect();
            assert_eq!(header, keys.join(","), "{}", d.id);

            let json = anonymous_get(&t, &mut client, &format!("/public/data/{}.json", d.id)).await;
            assert_eq!(json.status, StatusCode::OK, "{}", d.id);
            let v = json.json();
            assert_eq!(v["dataset"], d.id);
            assert_eq!(v["checkpoint"]["size"], latest.size);
            assert_eq!(v["checkpoint"]["root_hex"], latest.root_hex.as_str());
            assert!(
                v["generated_at"]
                    .as_str()
                    .unwrap()
                    .starts_with("2026-11-18")
            );
            let rows = v["rows"].as_array().unwrap();
            assert!(!rows.is_empty(), "{}: the demo has rows", d.id);
            let csv_rows = csv.body.lines().count() - 1;
            assert!(csv_rows >= rows.len(), "{}", d.id);
        }
        // The schema page documents each dataset's fields and URLs and the checkpoint.
        let schema = anonymous_get(&t, &mut client, "/public/data").await;
        for d in fazhi_app::public::DATASETS {
            assert!(schema.body.contains(&format!("/public/data/{}.csv", d.id)));
            for c in d.columns {
                assert!(schema.body.contains(c.key), "{} {}", d.id, c.key);
            }
        }
        assert!(schema.body.contains(&latest.root_hex));
        let unknown = anonymous_get(&t, &mut client, "/public/data/users.csv").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let bad = anonymous_get(&t, &mut client, "/public/data/officers.xlsx").await;
        assert_eq!(bad.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn inspection_results_never_reveal_findings_and_the_back_office_stays_closed() {
    const FINDINGS: &str = "公共用品用具未按规定清洗消毒";
    for t in seeded().await {
        let tasks = fazhi_store::inspections::tasks_in_scope(
            &t.app.db,
            &fazhi_domain::agency::AgencyPath::whole_tree(),
            false,
            "0000-01-01",
            "9999-12-31",
            10_000,
        )
        .await
        .unwrap();
        let rectified = tasks
            .iter()
            .find(|x| x.findings.contains(FINDINGS) && x.state == "done")
            .expect("the demo has a task with these findings");
        let mut client = Client::default();
        let mut seen_entity = false;
        let mut page = 1;
        loop {
            let r =
                anonymous_get(&t, &mut client, &format!("/public/inspections?page={page}")).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(!r.body.contains(FINDINGS));
            assert!(!r.body.contains(&rectified.opinion));
            assert!(
                !r.body.contains(&rectified.code),
                "inspection codes stay private"
            );
            seen_entity |= r.body.contains(&rectified.entity_uscc);
            if !r.body.contains("id=\"next\"") {
                break;
            }
            page += 1;
        }
        assert!(seen_entity, "the result itself is public");
        for uri in [
            "/public/data/inspections.csv",
            "/public/data/inspections.json",
        ] {
            let r = anonymous_get(&t, &mut client, uri).await;
            assert!(r.body.contains("责令整改") && r.body.contains(&rectified.entity_uscc));
            assert!(!r.body.contains(FINDINGS), "{uri}");
            assert!(!r.body.contains(&rectified.entity_address), "{uri}");
        }
        // The year filter keeps only that year's results.
        let year = &rectified.done_on[..4];
        let r = anonymous_get(&t, &mut client, &format!("/public/inspections?year={year}")).await;
        assert!(
            r.body.contains(&format!("value=\"{year}\" selected")),
            "{}",
            r.body
        );
        // Recusals (with a natural person's name) are not a public list.
        for d in fazhi_app::public::DATASETS {
            let r = anonymous_get(&t, &mut client, &format!("/public/data/{}.json", d.id)).await;
            assert!(
                !r.body.contains("王某某") && !r.body.contains("近亲属"),
                "{}",
                d.id
            );
        }
        // The back office still needs a login.
        for uri in [
            "/inspections/tasks",
            "/registry/officers",
            "/registry/recusals",
            "/cases",
        ] {
            let r = anonymous_get(&t, &mut client, uri).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}");
        }
        let api = anonymous_get(&t, &mut client, "/api/v1/cases").await;
        assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn the_home_page_links_every_list_and_its_code_form_leads_to_the_code_page() {
    for t in seeded().await {
        let mut client = Client::default();
        let home = anonymous_get(&t, &mut client, "/public").await;
        assert_eq!(home.status, StatusCode::OK);
        for spec in ROUTES
            .iter()
            .filter(|r| r.pattern.starts_with("/public/") && !r.pattern.contains('{'))
            .filter(|r| r.method == "GET" && r.pattern != "/public/check")
        {
            assert!(
                home.body.contains(&format!("href=\"{}\"", spec.pattern)),
                "home does not link {}",
                spec.pattern
            );
        }
        assert!(home.body.contains("href=\"/transparency\""));
        assert!(home.body.contains("href=\"/draws/"));
        assert!(home.body.contains("<label for=\"code\""));
        let code = fazhi_store::inspections::tasks_in_scope(
            &t.app.db,
            &fazhi_domain::agency::AgencyPath::whole_tree(),
            false,
            "0000-01-01",
            "9999-12-31",
            1,
        )
        .await
        .unwrap()[0]
            .code
            .clone();
        let go = anonymous_get(&t, &mut client, &format!("/public/check?code=+{code}+")).await;
        assert_eq!(go.status, StatusCode::SEE_OTHER);
        assert_eq!(go.location(), format!("/check/{code}"));
        let page = anonymous_get(&t, &mut client, go.location()).await;
        assert_eq!(page.status, StatusCode::OK);
        let bad = anonymous_get(&t, &mut client, "/public/check?code=nope").await;
        let page = anonymous_get(&t, &mut client, bad.location()).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let css = anonymous_get(&t, &mut client, "/static/public.css").await;
        assert!(css.body.contains(":focus-visible"));
    }
}

#[tokio::test]
async fn a_personal_identifier_typed_into_a_public_list_is_masked_and_the_page_says_so() {
    for t in seeded().await {
        let admin = fazhi_store::users::credentials_by_username(&t.app.db, "dh.admin")
            .await
            .unwrap()
            .unwrap()
            .user;
        let csv = "事项编码,抽查事项,专业,检查依据,检查对象,检查内容,检查方式\n\
                   SC-QT-09,投诉联系人抽查,公共场所卫生,《公共场所卫生管理条例》第十条,住宿场所,联系人手机13812345678，身份证110101199003071234,现场检查\n";
        fazhi_app::registry::import(
            &t.app,
            &fazhi_app::auth::actor_of(&admin),
            fazhi_app::registry::ImportKind::SpotChecks,
            "extra.csv",
            csv.as_bytes(),
            &|_, _| {},
        )
        .await
        .unwrap_or_else(|_| panic!("import refused"));
        let mut client = Client::default();
        for uri in [
            "/public/spot-checks",
            "/public/data/spot-checks.csv",
            "/public/data/spot-checks.json",
        ] {
            let r = anonymous_get(&t, &mut client, uri).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains("SC-QT-09"), "{uri}");
            assert!(!r.body.contains("13812345678"), "{uri}");
            assert!(!r.body.contains("110101199003071234"), "{uri}");
            assert_no_identifiers(&t, uri, &r.body);
        }
        let page = anonymous_get(&t, &mut client, "/public/spot-checks").await;
        assert!(
            page.body.contains("已按规定隐去个人信息 2 处"),
            "{}",
            page.body
        );
        let json = anonymous_get(&t, &mut client, "/public/data/spot-checks.json").await;
        assert_eq!(json.json()["redactions"], 2);
        let other = anonymous_get(&t, &mut client, "/public/officers").await;
        assert!(!other.body.contains("id=\"redacted\""));
    }
}
