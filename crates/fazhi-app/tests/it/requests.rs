//! Complaints, reports and disclosure requests through the use cases, on both
//! backends: filing with validation, one event per change without personal
//! data, deadlines with correction and extension, scope, the tracking page,
//! statistics.

use fazhi_app::requests::{self as req, StepInput, SubmitInput};
use fazhi_app::{App, AppError, FixedClock};
use fazhi_domain::authz::Actor;
use fazhi_domain::request::State;
use fazhi_store::testing::{self, TestDb};
use std::sync::Arc;

use super::support::{actor, app_at, events};

/// 10:00 Beijing time on Monday 2 March 2026.
const MON_2_MARCH_2026: i64 = 1_772_416_800_000_000;
const DAY_S: i64 = 86_400;

async fn setup(db: TestDb) -> (App, Arc<FixedClock>, TestDb) {
    let (app, clock) = app_at(&db, MON_2_MARCH_2026);
    assert!(fazhi_app::demo::seed_accounts(&app).await.unwrap());
    (app, clock, db)
}

fn complaint(agency_id: i64) -> SubmitInput {
    SubmitInput {
        kind: "complaint".into(),
        agency_id: agency_id.to_string(),
        subject: "游泳馆池水浑浊".into(),
        content: "3月1日下午池水浑浊有异味。".into(),
        concerning: "某游泳馆".into(),
        name: "张三丰".into(),
        phone: "13912345678".into(),
        email: "zhang@example.com".into(),
        address: "示范市东湖区幸福路8号".into(),
        website: String::new(),
    }
}

fn cmd(command: &str, version: i64) -> StepInput {
    StepInput {
        command: command.into(),
        version: version.to_string(),
        ..Default::default()
    }
}

async fn version(app: &App, who: &Actor, id: i64) -> i64 {
    req::get(app, who, id).await.unwrap().version
}

async fn step(app: &App, who: &Actor, id: i64, mut input: StepInput) {
    input.version = version(app, who, id).await.to_string();
    req::step(app, who, id, &input)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", input.command));
}

fn personal_data_free(text: &str) {
    for secret in ["张三丰", "13912345678", "zhang@example.com", "幸福路"] {
        assert!(!text.contains(secret), "personal data {secret} in {text}");
    }
}

#[tokio::test]
async fn a_complaint_is_filed_accepted_concluded_and_rated_with_one_event_per_step_and_no_personal_data_in_the_log()
 {
    for db in testing::both().await {
        let (app, clock, _db) = setup(db).await;
        let officer = actor(&app, "dh.officer1").await;
        let before = events(&app).await;
        let filed = req::submit(&app, &complaint(officer.agency_id), "client-a")
            .await
            .unwrap();
        assert_eq!(events(&app).await, before + 1);
        assert!(filed.tracking.starts_with("TS-") && filed.tracking.len() == 23);
        // cmp_petition_intake_15d: 2 Mar + 15 days.
        assert_eq!(filed.due_on.as_deref(), Some("2026-03-17"));
        let status = req::track(&app, &filed.tracking.to_lowercase(), "client-a")
            .await
            .unwrap();
        assert_eq!(status.state, State::Received);
        personal_data_free(&serde_json::to_string(&status).unwrap());

        clock.advance_s(DAY_S);
        let id = filed.id;
        step(&app, &officer, id, cmd("accept", 0)).await;
        let v = req::get(&app, &officer, id).await.unwrap();
        assert_eq!(v.request.state, State::Accepted);
        assert_eq!(
            v.requester.requester_phone, "13912345678",
            "staff see the contact"
        );
        assert_eq!(
            v.request
                .due
                .as_ref()
                .map(|d| (d.rule_id.as_str(), d.on.to_string())),
            Some(("cmp_petition_conclude_60d", "2026-05-06".to_owned()))
        );
        // A stale form version is refused and writes nothing.
        let n = events(&app).await;
        let stale = req::step(
            &app,
            &officer,
            id,
            &StepInput {
                text: "已电话联系".into(),
                ..cmd("note", 1)
            },
        )
        .await;
        assert!(matches!(stale, Err(AppError::Conflict { .. })), "{stale:?}");
        assert_eq!(events(&app).await, n);

        clock.advance_s(10 * DAY_S);
        step(
            &app,
            &officer,
            id,
            StepInput {
                outcome: "substantiated".into(),
                text: "经查属实，已责令改正。".into(),
                ..cmd("conclude", 0)
            },
        )
        .await;
        let status = req::track(&app, &filed.tracking, "client-a").await.unwrap();
        assert_eq!(status.state, State::Concluded);
        assert_eq!(status.result_zh, Some("属实"));
        assert_eq!(status.reply.as_deref(), Some("经查属实，已责令改正。"));

        req::feedback(&app, &filed.tracking, "satisfied", "很好")
            .await
            .unwrap();
        let again = req::feedback(&app, &filed.tracking, "dissatisfied", "").await;
        assert!(matches!(again, Err(AppError::Refused { .. })), "{again:?}");
        assert_eq!(events(&app).await, before + 4);
        for e in fazhi_store::events::range(&app.db, before + 1, before + 4)
            .await
            .unwrap()
        {
            assert!(e.kind.starts_with("request."), "{}", e.kind);
            personal_data_free(&e.payload_json);
            assert!(
                !e.payload_json.contains(&filed.tracking[3..]),
                "no tracking number in the log"
            );
        }
    }
}

#[tokio::test]
async fn bad_input_names_the_field_in_both_languages_and_writes_nothing() {
    for db in testing::both().await {
        let (app, _clock, _db) = setup(db).await;
        let agency = actor(&app, "dh.officer1").await.agency_id;
        let before = events(&app).await;
        let cases: Vec<(SubmitInput, &str)> = vec![
            (
                SubmitInput {
                    kind: "petition".into(),
                    ..complaint(agency)
                },
                "kind",
            ),
            (
                SubmitInput {
                    subject: "  ".into(),
                    ..complaint(agency)
                },
                "subject",
            ),
            (
                SubmitInput {
                    content: String::new(),
                    ..complaint(agency)
                },
                "content",
            ),
            (
                SubmitInput {
                    phone: "12345".into(),
                    ..complaint(agency)
                },
                "phone",
            ),
            (
                SubmitInput {
                    name: String::new(),
                    ..complaint(agency)
                },
                "name",
            ),
            (
                SubmitInput {
                    email: "not-an-email".into(),
                    ..complaint(agency)
                },
                "email",
            ),
            (
                SubmitInput {
                    agency_id: "999999".into(),
                    ..complaint(agency)
                },
                "agency_id",
            ),
            (
                SubmitInput {
                    website: "http://spam.example".into(),
                    ..complaint(agency)
                },
                "website",
            ),
        ];
        for (input, field) in cases {
            match req::submit(&app, &input, "client-b").await {
                Err(e @ AppError::Invalid { .. }) => {
                    assert_eq!(e.field(), Some(field));
                    assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
                }
                other => panic!("{field}: {other:?}"),
            }
        }
        assert_eq!(events(&app).await, before, "nothing written");
        let officer = actor(&app, "dh.officer1").await;
        assert!(
            req::list(&app, &officer, &Default::default())
                .await
                .unwrap()
                .is_empty()
        );
        // An anonymous report needs neither name nor phone.
        let anonymous = SubmitInput {
            kind: "report".into(),
            name: String::new(),
            phone: String::new(),
            ..complaint(agency)
        };
        req::submit(&app, &anonymous, "client-b").await.unwrap();
    }
}

#[tokio::test]
async fn a_disclosure_deadline_restarts_on_correction_and_grows_with_the_heads_extension() {
    for db in testing::both().await {
        let (app, clock, _db) = setup(db).await;
        let head = actor(&app, "dh.head").await;
        let reviewer = actor(&app, "dh.reviewer").await;
        let filed = req::submit(
            &app,
            &SubmitInput {
                kind: "disclosure".into(),
                concerning: String::new(),
                ..complaint(head.agency_id)
            },
            "client-c",
        )
        .await
        .unwrap();
        assert!(filed.tracking.starts_with("GK-"));
        // ogi_reply_20_plus_20: 20 working days from Mon 2 Mar.
        assert_eq!(filed.due_on.as_deref(), Some("2026-03-30"));
        let id = filed.id;
        let due = |v: &req::RequestView| v.request.due.as_ref().map(|d| d.on.to_string());
        clock.advance_s(3 * DAY_S); // Thu 5 Mar
        step(
            &app,
            &head,
            id,
            StepInput {
                text: "请明确所需信息的年份".into(),
                days: "15".into(),
                ..cmd("request_correction", 0)
            },
        )
        .await;
        let status = req::track(&app, &filed.tracking, "client-c").await.unwrap();
        assert_eq!(status.state, State::CorrectionRequested);
        assert_eq!(
            status.correction_note.as_deref(),
            Some("请明确所需信息的年份")
        );
        assert_eq!(status.due_on, None);
        clock.advance_s(11 * DAY_S); // Mon 16 Mar
        step(&app, &head, id, cmd("corrected", 0)).await;
        // ogi_clarify_7wd: the 20 working days restart on 16 Mar (清明 skipped).
        assert_eq!(
            due(&req::get(&app, &head, id).await.unwrap()).as_deref(),
            Some("2026-04-14")
        );
        clock.advance_s(4 * DAY_S); // Fri 20 Mar
        // A reviewer may read but not handle requests.
        let refused = req::step(
            &app,
            &reviewer,
            id,
            &cmd("note", version(&app, &head, id).await),
        )
        .await;
        assert!(matches!(refused, Err(AppError::Denied(_))), "{refused:?}");
        let too_long = req::step(
            &app,
            &head,
            id,
            &StepInput {
                days: "21".into(),
                text: "档案多".into(),
                ..cmd("extend", version(&app, &head, id).await)
            },
        )
        .await;
        assert!(
            matches!(
                too_long,
                Err(AppError::Refused {
                    rule_id: "ogi_reply_20_plus_20",
                    ..
                })
            ),
            "{too_long:?}"
        );
        step(
            &app,
            &head,
            id,
            StepInput {
                days: "5".into(),
                text: "需调取历年档案".into(),
                ..cmd("extend", 0)
            },
        )
        .await;
        // 14 Apr + 5 working days: 15, 16, 17, 20, 21 Apr.
        assert_eq!(
            due(&req::get(&app, &head, id).await.unwrap()).as_deref(),
            Some("2026-04-21")
        );
        assert_eq!(
            req::track(&app, &filed.tracking, "client-c")
                .await
                .unwrap()
                .extended_days,
            Some(5)
        );
        let bad_answer = req::step(
            &app,
            &head,
            id,
            &StepInput {
                answer: "maybe".into(),
                text: "x".into(),
                ..cmd("reply", version(&app, &head, id).await)
            },
        )
        .await;
        assert!(
            matches!(
                bad_answer,
                Err(AppError::Invalid {
                    field: "answer",
                    ..
                })
            ),
            "{bad_answer:?}"
        );
        step(
            &app,
            &head,
            id,
            StepInput {
                answer: "provided".into(),
                text: "所需信息见附件。".into(),
                ..cmd("reply", 0)
            },
        )
        .await;
        let v = req::get(&app, &head, id).await.unwrap();
        assert!(v.request.conclusion.as_ref().unwrap().on_time);
        let stats = req::stats(&app, &head, 2026).await.unwrap();
        assert_eq!(stats.disclosure.received, 1);
        assert_eq!(stats.disclosure.concluded, 1);
        assert_eq!(stats.disclosure.on_time, 1);
        assert_eq!(stats.disclosure.by_result.get("provided"), Some(&1));
        assert_eq!(stats.complaints.received, 0);
    }
}

#[tokio::test]
async fn another_agency_cannot_see_or_handle_a_request_and_a_wrong_tracking_number_reveals_nothing()
{
    for db in testing::both().await {
        let (app, _clock, _db) = setup(db).await;
        let officer = actor(&app, "dh.officer1").await;
        let other = actor(&app, "xs.officer1").await;
        let filed = req::submit(&app, &complaint(officer.agency_id), "client-d")
            .await
            .unwrap();
        let seen = req::get(&app, &other, filed.id).await;
        assert!(matches!(seen, Err(AppError::Denied(_))), "{seen:?}");
        let handled = req::step(&app, &other, filed.id, &cmd("accept", 1)).await;
        assert!(matches!(handled, Err(AppError::Denied(_))), "{handled:?}");
        assert!(
            req::list(&app, &other, &Default::default())
                .await
                .unwrap()
                .is_empty()
        );
        // A linked record must be one the actor may see.
        let link = req::step(
            &app,
            &officer,
            filed.id,
            &StepInput {
                link_kind: "inspection".into(),
                link_id: "424242".into(),
                ..cmd("link", 1)
            },
        )
        .await;
        assert!(
            matches!(
                link,
                Err(AppError::Invalid {
                    field: "link_id",
                    ..
                })
            ),
            "{link:?}"
        );
        // Unknown and malformed tracking numbers fail alike.
        let mut wrong = filed.tracking.clone();
        wrong.replace_range(5..6, if &wrong[5..6] == "0" { "1" } else { "0" });
        for t in [wrong.as_str(), "TS-zz", "", "GK-0123456789abcdef0123"] {
            let e = req::track(&app, t, "client-e").await.unwrap_err();
            assert_eq!(e.message_en(), "tracking number not found", "{t}");
        }
        let e = req::feedback(&app, &wrong, "satisfied", "")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::NotFound { .. }));
        // After five misses a client is throttled, even with a right number.
        req::track(&app, "TS-00", "client-e").await.unwrap_err();
        let t = req::track(&app, &filed.tracking, "client-e").await;
        assert!(matches!(t, Err(AppError::Throttled { .. })), "{t:?}");
        assert!(req::track(&app, &filed.tracking, "client-f").await.is_ok());
    }
}
