//! Penalty cases through the use cases, on both backends: a whole ordinary
//! case, one event per step, document numbers, optimistic concurrency, scope,
//! and the demo's two years of cases.

use fazhi_app::cases::{self, OpenInput, Queue, StepInput};
use fazhi_app::{App, AppError, FixedClock};
use fazhi_domain::case::{Stage, violations};
use fazhi_store::testing::{self, TestDb};
use std::sync::Arc;

use super::support::{actor, app_at, events};

/// 10:00 Beijing time on 2025-03-03 (a Monday).
const MON_3_MARCH_2025: i64 = 1_740_967_200_000_000;

async fn setup(db: TestDb) -> (App, Arc<FixedClock>, TestDb) {
    let (app, clock) = app_at(&db, MON_3_MARCH_2025);
    assert!(fazhi_app::demo::seed(&app).await.unwrap());
    (app, clock, db)
}

fn input(command: &str, version: i64) -> StepInput {
    StepInput {
        command: command.into(),
        version,
        ..StepInput::default()
    }
}

const DAY_S: i64 = 86_400;

#[tokio::test]
async fn an_ordinary_case_runs_from_intake_to_archive_with_one_event_per_step() {
    for t in testing::both().await {
        let (app, clock, _db) = setup(t).await;
        let o1 = actor(&app, "dh.officer1").await;
        let o2 = actor(&app, "dh.officer2").await;
        let section = actor(&app, "dh.section").await;
        let head = actor(&app, "dh.head").await;
        let reviewer = actor(&app, "dh.reviewer").await;
        let (entities, _) = fazhi_app::registry::list_entities(&app, &o1, "宾馆", None, 1)
            .await
            .unwrap();
        let e = &entities[0];
        let before = events(&app).await;
        let id = cases::open(
            &app,
            &o1,
            &OpenInput {
                source: "complaint".into(),
                party_kind: "organisation".into(),
                party_name: e.name.clone(),
                party_id: e.uscc.clone(),
                party_address: e.address.clone(),
                domain: "public_places".into(),
                power_code: "CF-003".into(),
                summary: "群众举报该宾馆无证营业".into(),
                act_date: "2025-02-20".into(),
                life_health_harm: None,
                task_id: String::new(),
            },
        )
        .await
        .unwrap();
        assert_eq!(events(&app).await, before + 1);

        let mut v = cases::get(&app, &o1, id).await.unwrap().version;
        let mut file = input("file", v);
        file.handlers = vec![o1.user_id.to_string(), o2.user_id.to_string()];
        v = cases::act(&app, &section, id, &file).await.unwrap().version;
        // Evidence that points at an attachment must find it in the evidence store.
        let mut missing = input("add_evidence", v);
        missing.evidence_kind = "audio_visual".into();
        missing.title = "执法记录仪视频".into();
        missing.sha256 = "0".repeat(64);
        assert!(matches!(
            cases::act(&app, &o1, id, &missing).await,
            Err(AppError::Invalid {
                field: "sha256",
                ..
            })
        ));
        let mut ev = input("add_evidence", v);
        ev.evidence_kind = "record".into();
        ev.title = "现场笔录".into();
        ev.officers = vec![o1.user_id.to_string(), o2.user_id.to_string()];
        v = cases::act(&app, &o1, id, &ev).await.unwrap().version;
        let mut p = input("propose_outcome", v);
        p.outcome = "penalty".into();
        p.facts = "经查，当事人未取得卫生许可证擅自营业".into();
        p.legal_basis = "《公共场所卫生管理条例实施细则》第三十五条".into();
        p.circumstance = "ordinary".into();
        p.fine = "5000".into();
        p.other_penalties = "警告".into();
        // The demo benchmark for CF-003 "一般" is 500–2,000 yuan: 5,000 needs a reason.
        match cases::act(&app, &o1, id, &p).await {
            Err(AppError::Refused { rule_id, .. }) => {
                assert_eq!(rule_id, "ap_discretion_benchmark_public")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        p.fine = "1500".into();
        let proposed = cases::act(&app, &o1, id, &p).await.unwrap();
        assert_eq!(
            proposed
                .case
                .proposal
                .as_ref()
                .unwrap()
                .band
                .as_ref()
                .unwrap()
                .max
                .fen(),
            200_000
        );
        v = proposed.version;
        v = cases::act(&app, &o1, id, &input("submit_for_review", v))
            .await
            .unwrap()
            .version;
        let mut r = input("record_review", v);
        r.passed = "yes".into();
        r.checklist = fazhi_domain::case::REVIEW_CHECKLIST
            .iter()
            .map(|(c, _)| (*c).to_owned())
            .collect();
        r.opinion = "同意".into();
        v = cases::act(&app, &reviewer, id, &r).await.unwrap().version;
        let mut n = input("send_notice", v);
        n.date = "2025-03-03".into();
        v = cases::act(&app, &o1, id, &n).await.unwrap().version;
        v = cases::act(&app, &o1, id, &input("waive_rights", v))
            .await
            .unwrap()
            .version;
        clock.advance_s(2 * DAY_S);
        let decided = cases::act(&app, &head, id, &input("decide", v))
            .await
            .unwrap();
        let number = &decided.case.decision.as_ref().unwrap().number;
        let serial = number
            .strip_prefix("东卫罚〔2025〕")
            .and_then(|n| n.strip_suffix('号'))
            .unwrap_or_default();
        assert!(serial.parse::<u32>().is_ok_and(|n| n > 0), "{number}");
        v = decided.version;
        let mut s = input("serve", v);
        s.method = "direct".into();
        s.date = "2025-03-05".into();
        s.receipt = "法定代表人签收".into();
        v = cases::act(&app, &o1, id, &s).await.unwrap().version;
        let mut pay = input("record_payment", v);
        pay.date = "2025-03-05".into();
        pay.amount = "1500".into();
        v = cases::act(&app, &o1, id, &pay).await.unwrap().version;
        let mut close = input("close", v);
        close.reason = "罚款已缴清，结案".into();
        v = cases::act(&app, &section, id, &close)
            .await
            .unwrap()
            .version;
        let archived = cases::act(&app, &o1, id, &input("archive", v))
            .await
            .unwrap();
        assert_eq!(archived.case.stage, Stage::Archived);
        assert!(violations(&archived.case).is_empty());
        // open + 12 steps, one event each (the refused proposal logged nothing).
        assert_eq!(events(&app).await, before + 13);
        let timeline = cases::timeline(&app, &o1, id).await.unwrap();
        assert_eq!(timeline.len(), 13);
        assert!(timeline.iter().all(|e| e.subject == format!("case:{id}")));
    }
}

#[tokio::test]
async fn two_people_acting_on_the_same_version_one_wins_and_the_other_gets_a_conflict() {
    for t in testing::both().await {
        let (app, _clock, _db) = setup(t).await;
        let o1 = actor(&app, "dh.officer1").await;
        let o2 = actor(&app, "dh.officer2").await;
        let section = actor(&app, "dh.section").await;
        let (rows, _) = cases::list(&app, &section, Queue::Approval, "", Some(Stage::Intake), 1)
            .await
            .unwrap();
        let listed = rows.first().expect("the demo has a case awaiting filing");
        let v = listed.version;
        let mut file = input("file", v);
        file.handlers = vec![o1.user_id.to_string(), o2.user_id.to_string()];
        let before = events(&app).await;
        cases::act(&app, &section, listed.id, &file).await.unwrap();
        let mut decline = input("decline_filing", v);
        decline.reason = "不属于本机关管辖".into();
        assert!(matches!(
            cases::act(&app, &section, listed.id, &decline).await,
            Err(AppError::Conflict { .. })
        ));
        assert_eq!(events(&app).await, before + 1);

        // Another district's officer does not see the case at all.
        let other = actor(&app, "xs.officer1").await;
        assert!(matches!(
            cases::get(&app, &other, listed.id).await,
            Err(AppError::NotFound { .. })
        ));
        // A read-only user sees it but may not act.
        let reader = actor(&app, "dh.readonly").await;
        assert!(cases::get(&app, &reader, listed.id).await.is_ok());
        assert!(matches!(
            cases::act(&app, &reader, listed.id, &input("archive", v + 1)).await,
            Err(AppError::Denied(_))
        ));
    }
}

#[tokio::test]
async fn the_demo_has_two_years_of_cases_in_many_stages_and_none_breaks_the_law() {
    for t in testing::both().await {
        let (app, _clock, _db) = setup(t).await;
        let head = actor(&app, "dh.head").await;
        let counts = cases::stage_counts(&app, &head).await.unwrap();
        let stages: Vec<&str> = counts.iter().map(|(s, _)| s.as_str()).collect();
        for s in [
            "archived",
            "closed",
            "execution",
            "enforcement",
            "intake",
            "investigation",
            "proposed",
            "review",
            "notice",
            "decided",
        ] {
            assert!(stages.contains(&s), "no demo case in {s}: {counts:?}");
        }
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        // The demo's cases, and the one its inspections may open from a finding.
        let from_inspections = fazhi_store::inspections::tasks_in_scope(
            &app.db,
            &fazhi_domain::agency::AgencyPath::whole_tree(),
            false,
            "0000-01-01",
            "9999-12-31",
            10_000,
        )
        .await
        .unwrap()
        .iter()
        .filter(|t| t.case_id != 0)
        .count() as i64;
        assert!(from_inspections <= 1);
        assert_eq!(total, fazhi_app::demo::DEMO_CASES as i64 + from_inspections);
        let (all, _) = cases::list(&app, &head, Queue::All, "", None, 1)
            .await
            .unwrap();
        for listed in all {
            let c = cases::get(&app, &head, listed.id).await.unwrap();
            assert!(
                violations(&c.case).is_empty(),
                "case {}: {:?}",
                listed.id,
                violations(&c.case)
            );
        }
    }
}

#[tokio::test]
async fn ap_legal_review_needs_the_reviewers_legal_qualification_recorded_on_the_account() {
    for t in testing::both().await {
        let (app, _clock, _db) = setup(t).await;
        let reviewer = actor(&app, "dh.reviewer").await;
        let officer = actor(&app, "dh.officer1").await;
        let admin = actor(&app, "dh.admin").await;
        let (rows, _) = cases::list(&app, &reviewer, Queue::Review, "", None, 1)
            .await
            .unwrap();
        let listed = rows.first().expect("the demo has a case awaiting review");
        // Only account managers record it, and only on a legal reviewer's account.
        assert!(matches!(
            fazhi_app::accounts::set_legal_qualification(
                &app,
                Some(&officer),
                reviewer.user_id,
                "",
                false
            )
            .await,
            Err(AppError::Denied(_))
        ));
        assert!(matches!(
            fazhi_app::accounts::set_legal_qualification(
                &app,
                Some(&admin),
                officer.user_id,
                "A1",
                false
            )
            .await,
            Err(AppError::Invalid {
                field: "legal_qualification",
                ..
            })
        ));
        let before = events(&app).await;
        let cleared = fazhi_app::accounts::set_legal_qualification(
            &app,
            Some(&admin),
            reviewer.user_id,
            "",
            false,
        )
        .await
        .unwrap();
        assert!(cleared.legal_qualification.is_empty());
        assert_eq!(events(&app).await, before + 1, "one event");
        let mut r = input("record_review", listed.version);
        r.passed = "yes".into();
        r.checklist = fazhi_domain::case::REVIEW_CHECKLIST
            .iter()
            .map(|(c, _)| (*c).to_owned())
            .collect();
        r.opinion = "同意".into();
        match cases::act(&app, &reviewer, listed.id, &r).await {
            Err(AppError::Refused { rule_id, .. }) => assert_eq!(rule_id, "ap_legal_review"),
            other => panic!("a first-time reviewer without the qualification: {other:?}"),
        }
        assert_eq!(events(&app).await, before + 1, "nothing changed");
        // Legal review before 2021-07-15 (not a first-timer) is enough too.
        fazhi_app::accounts::set_legal_qualification(
            &app,
            Some(&admin),
            reviewer.user_id,
            "",
            true,
        )
        .await
        .unwrap();
        let done = cases::act(&app, &reviewer, listed.id, &r).await.unwrap();
        let last = done.case.reviews.last().expect("the review is recorded");
        assert_eq!(last.reviewer, reviewer.user_id);
        assert!(last.passed);
    }
}
