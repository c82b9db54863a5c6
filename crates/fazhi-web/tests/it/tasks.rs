//! After the draw: tasks per drawn entity, the result with its opinion and
//! re-check, a case from a finding, the public inspection code with its
//! anonymous rating, ad hoc inspections under the yearly cap, joint visits.

use crate::helpers::{Client, TestApp, apps, extract_csrf};
use axum::http::StatusCode;
use fazhi_app::inspection_tasks as tasks;

async fn actor(t: &TestApp, username: &str) -> fazhi_domain::authz::Actor {
    let user = fazhi_store::users::credentials_by_username(&t.app.db, username)
        .await
        .unwrap()
        .unwrap()
        .user;
    fazhi_app::auth::actor_of(&user)
}

/// The demo (registries, cases, two years of plans and inspections).
async fn seeded() -> Vec<TestApp> {
    let mut out = Vec::new();
    for t in apps().await {
        fazhi_app::demo::seed_registries(&t.app).await.unwrap();
        out.push(t);
    }
    out
}

/// A drawn plan of `quota` entities; returns the draw id.
async fn drawn_plan(t: &TestApp, quota: u32, yearly_cap: &str) -> i64 {
    let head = actor(t, "dh.head").await;
    let today = fazhi_app::registry::today_cst(&t.app);
    let plan = fazhi_app::inspections::create_plan(
        &t.app,
        &head,
        &fazhi_app::inspections::PlanInput {
            year: today.year().to_string(),
            level: "provincial".into(),
            name: "公共场所卫生抽查".into(),
            item_code: "SC-GG-01".into(),
            quota: quota.to_string(),
            rate_a: "3".into(),
            rate_b: "5".into(),
            rate_c: "10".into(),
            rate_d: "20".into(),
            due_on: format!("{}-12-31", today.year()),
            partners: "示范市市场监督管理局".into(),
            yearly_cap: yearly_cap.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let draw = fazhi_app::inspections::commit(&t.app, &head, plan)
        .await
        .unwrap();
    fazhi_app::inspections::run(&t.app, &head, draw, "12345", "测试")
        .await
        .unwrap();
    draw
}

async fn draw_tasks(t: &TestApp, draw: i64) -> Vec<tasks::TaskRow> {
    fazhi_store::inspections::tasks_of_draw(&t.app.db, draw)
        .await
        .unwrap()
}

async fn kinds(t: &TestApp) -> Vec<String> {
    fazhi_store::events::range(&t.app.db, 1, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind.clone())
        .collect()
}

#[tokio::test]
async fn a_draw_hands_out_one_task_per_entity_and_a_correction_order_creates_its_recheck() {
    for t in seeded().await {
        let draw = drawn_plan(&t, 6, "").await;
        let list = draw_tasks(&t, draw).await;
        assert_eq!(list.len(), 6, "one task per drawn entity");
        assert!(
            list.iter()
                .all(|x| x.code.len() == 16 && x.officers().len() == 2)
        );
        let task = &list[0];
        let mut head = t.login_ok("dh.head").await;
        let page = t
            .get(&mut head, &format!("/inspections/tasks/{}", task.id))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("id=\"result-form\""),
            "a head may enter the paper record"
        );
        assert!(
            page.body.contains("示范市市场监督管理局"),
            "joint plan partners shown"
        );
        head.csrf = extract_csrf(&page.body);
        let before = t.event_count().await;
        let today = fazhi_app::registry::today_cst(&t.app);
        let version = task.version.to_string();
        let done_on = today.to_string();
        let rectify_by = today
            .checked_add(jiff::Span::new().days(14))
            .unwrap()
            .to_string();
        // insp_rectify_opinion: no opinion → refused, nothing written.
        let refused = t
            .post_form(
                &mut head,
                &format!("/inspections/tasks/{}/result", task.id),
                &[
                    ("version", &version),
                    ("done_on", &done_on),
                    ("result", "rectify"),
                    ("findings", "公共用品用具未清洗消毒"),
                    ("rectify_by", &rectify_by),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert!(refused.body.contains("卫生监督意见书"), "{}", refused.body);
        assert_eq!(t.event_count().await, before);
        let ok = t
            .post_form(
                &mut head,
                &format!("/inspections/tasks/{}/result", task.id),
                &[
                    ("version", &version),
                    ("done_on", &done_on),
                    ("result", "rectify"),
                    ("findings", "公共用品用具未清洗消毒"),
                    ("opinion", "责令限期改正"),
                    ("rectify_by", &rectify_by),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(
            t.event_count().await,
            before + 1,
            "one event for result and re-check"
        );
        assert_eq!(kinds(&t).await.last().unwrap(), "inspection.recorded");
        let done = fazhi_store::inspections::get_task(&t.app.db, task.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (done.state.as_str(), done.result.as_str()),
            ("done", "rectify")
        );
        assert!(!done.publish_by.is_empty(), "insp_result_20wd deadline set");
        let visits =
            fazhi_store::inspections::visits_of_entity(&t.app.db, task.entity_id, "2000-01-01")
                .await
                .unwrap();
        let recheck = visits
            .iter()
            .find(|v| v.id != task.id)
            .expect("a re-check task");
        assert!(recheck.due_on > rectify_by, "re-check after the deadline");
        // The same form again (stale version) is a conflict.
        let again = t
            .post_form(
                &mut head,
                &format!("/inspections/tasks/{}/result", task.id),
                &[
                    ("version", &version),
                    ("done_on", &done_on),
                    ("result", "pass"),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

        // Public inspection code: officers with credential numbers, no login.
        let mut anyone = Client::default();
        let check = t.get(&mut anyone, &format!("/check/{}", task.code)).await;
        assert_eq!(check.status, StatusCode::OK, "{}", check.body);
        assert!(check.body.contains(&task.entity_name));
        assert!(check.body.contains("id=\"rate-form\""));
        assert!(
            !check.body.contains("公共用品用具未清洗消毒"),
            "findings stay internal"
        );
        anyone.csrf = extract_csrf(&check.body);
        let rated = t
            .post_form(
                &mut anyone,
                &format!("/check/{}/rate", task.code),
                &[("stars", "4"), ("comment", "执法规范，态度很好")],
            )
            .await;
        assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
        assert!(rated.body.contains("id=\"thanks\""));
        let twice = t
            .post_form(
                &mut anyone,
                &format!("/check/{}/rate", task.code),
                &[("stars", "1")],
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        let bad = t.get(&mut anyone, "/check/zzzz").await;
        assert_eq!(bad.status, StatusCode::NOT_FOUND);
        // Ratings: supervisors see them, officers do not.
        let page = t
            .get(&mut head, &format!("/inspections/tasks/{}", task.id))
            .await;
        assert!(page.body.contains("执法规范，态度很好"));
        let mut officer = t.login_ok("dh.officer1").await;
        let page = t
            .get(&mut officer, &format!("/inspections/tasks/{}", task.id))
            .await;
        assert!(!page.body.contains("执法规范，态度很好"));
    }
}

#[tokio::test]
async fn a_failed_inspection_opens_one_case_as_its_source() {
    for t in seeded().await {
        let draw = drawn_plan(&t, 3, "").await;
        let task = draw_tasks(&t, draw).await.remove(0);
        let head = actor(&t, "dh.head").await;
        let today = fazhi_app::registry::today_cst(&t.app).to_string();
        // A passed inspection is no case source.
        let pass_form = tasks::ResultForm {
            version: task.version.to_string(),
            done_on: today.clone(),
            result: "fail".into(),
            findings: "从业人员未取得健康合格证明".into(),
            ..Default::default()
        };
        tasks::record(&t.app, &head, task.id, &pass_form)
            .await
            .unwrap();
        let mut officer = t.login_ok("dh.officer1").await;
        let page = t
            .get(&mut officer, &format!("/cases/new?task={}", task.id))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("id=\"from-task\""));
        assert!(page.body.contains(&task.entity_uscc));
        officer.csrf = extract_csrf(&page.body);
        let fields = |tid: String| {
            vec![
                ("task_id".to_owned(), tid),
                ("source".to_owned(), "inspection".to_owned()),
                ("party_kind".to_owned(), "organisation".to_owned()),
                ("party_name".to_owned(), task.entity_name.clone()),
                ("party_id".to_owned(), task.entity_uscc.clone()),
                ("domain".to_owned(), "public_places".to_owned()),
                ("power_code".to_owned(), "CF-004".to_owned()),
                (
                    "summary".to_owned(),
                    "从业人员未取得健康合格证明".to_owned(),
                ),
                ("act_date".to_owned(), today.clone()),
            ]
        };
        let f = fields(task.id.to_string());
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let opened = t.post_form(&mut officer, "/cases", &f).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        let linked = fazhi_store::inspections::get_task(&t.app.db, task.id)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(linked.case_id, 0);
        assert_eq!(opened.location(), format!("/cases/{}", linked.case_id));
        let before = t.event_count().await;
        let second = t.post_form(&mut officer, "/cases", &f).await;
        assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
        assert_eq!(t.event_count().await, before, "nothing written");
    }
}

#[tokio::test]
async fn insp_yearly_cap_an_ad_hoc_visit_over_the_cap_needs_a_reason_and_joint_visits_merge() {
    for t in seeded().await {
        let year = fazhi_app::registry::today_cst(&t.app).year();
        let head = actor(&t, "dh.head").await;
        // The demo has inspections of its own this year.
        let s0 = tasks::stats(&t.app, &head, year).await.unwrap();
        let draw = drawn_plan(&t, 4, "1").await;
        let task = draw_tasks(&t, draw).await.remove(0);
        let uscc = task.entity_uscc.clone();
        let officer = actor(&t, "dh.officer1").await;
        let due = fazhi_app::registry::today_cst(&t.app)
            .checked_add(jiff::Span::new().days(30))
            .unwrap()
            .to_string();
        let mut form = tasks::AdHocForm {
            uscc: uscc.clone(),
            source: "complaint".into(),
            basis: "投诉举报 2026-001".into(),
            second_officer: "DH-0012".into(),
            due_on: due,
            over_cap_reason: String::new(),
        };
        let before = t.event_count().await;
        match tasks::create_adhoc(&t.app, &officer, &form).await {
            Err(fazhi_app::AppError::Refused { rule_id, .. }) => {
                assert_eq!(rule_id, "insp_yearly_cap")
            }
            other => panic!("expected the cap refusal, got {other:?}"),
        }
        assert_eq!(t.event_count().await, before);
        form.over_cap_reason = "投诉反映池水浑浊，须现场核查".into();
        let adhoc = tasks::create_adhoc(&t.app, &officer, &form).await.unwrap();
        // The burden page proposes merging the two open visits.
        let b = tasks::burden(&t.app, &head).await.unwrap();
        assert!(
            b.proposals
                .iter()
                .any(|g| g.iter().any(|x| x.id == adhoc) && g.iter().any(|x| x.id == task.id)),
            "{:?}",
            b.proposals
        );
        assert!(
            b.warnings
                .iter()
                .any(|(w, _)| w.rule_id() == "insp_repeat_30d")
        );
        let mut client = t.login_ok("dh.head").await;
        let page = t.get(&mut client, "/inspections/burden").await;
        assert_eq!(page.status, StatusCode::OK);
        client.csrf = extract_csrf(&page.body);
        let merged = t
            .post_form(
                &mut client,
                "/inspections/merge",
                &[("tasks", &format!("{},{}", task.id, adhoc))],
            )
            .await;
        assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
        // One result closes both tasks of the visit.
        let lead_id: i64 = merged
            .location()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let lead = fazhi_store::inspections::get_task(&t.app.db, lead_id)
            .await
            .unwrap()
            .unwrap();
        tasks::record(
            &t.app,
            &head,
            lead_id,
            &tasks::ResultForm {
                version: lead.version.to_string(),
                done_on: fazhi_app::registry::today_cst(&t.app).to_string(),
                result: "pass".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        for id in [task.id, adhoc] {
            let x = fazhi_store::inspections::get_task(&t.app.db, id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(x.state, "done", "task {id}");
        }
        let s = tasks::stats(&t.app, &head, year).await.unwrap();
        assert_eq!(s.all.tasks, s0.all.tasks + 5);
        assert_eq!(s.all.done, s0.all.done + 2);
        assert_eq!(
            s.all.visits,
            s0.all.visits + 1,
            "a joint visit counts once (户次)"
        );
        let page = t.get(&mut client, "/inspections/stats").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body
                .contains(&format!("id=\"all-tasks\">{}<", s.all.tasks)),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn an_officer_sees_only_the_tasks_of_the_scope_or_assigned_to_them() {
    for t in seeded().await {
        let draw = drawn_plan(&t, 6, "").await;
        let list = draw_tasks(&t, draw).await;
        // A 西山 officer is outside 东湖's scope and not on these tasks.
        let mut other = t.login_ok("xs.officer1").await;
        for task in &list {
            let officer7 = fazhi_store::inspections::officer_of_user(
                &t.app.db,
                t.user_id("xs.officer1").await,
            )
            .await
            .unwrap();
            if officer7.is_some_and(|o| task.officers().contains(&o)) {
                continue;
            }
            let page = t
                .get(&mut other, &format!("/inspections/tasks/{}", task.id))
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND);
        }
        let mut mine = t.login_ok("dh.officer1").await;
        let page = t.get(&mut mine, "/inspections/mine").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("id=\"not-linked\""));
        let page = t.get(&mut other, "/inspections/mine").await;
        assert_eq!(page.status, StatusCode::OK);
    }
}
