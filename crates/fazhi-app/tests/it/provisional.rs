//! Deadlines that run into a year without a loaded holiday schedule, on both
//! backends: computed on the provisional calendar and marked, warned about
//! from 1 November, recomputed on import with each moved date logged.

use fazhi_app::law::{compute_deadline, import_holidays, next_year_missing};
use fazhi_app::requests::{self as req, SubmitInput};
use fazhi_store::testing;
use jiff::civil::date;

use super::support::{DEMO_TODAY_US, actor, app_at, events};

/// 10:00 Beijing time on Monday 7 December 2026.
const MON_7_DEC_2026: i64 = 1_796_608_800_000_000;

/// A made-up 2027 schedule whose 元旦 runs to Monday 4 January, so a
/// provisional date (which knows only 1 January) moves by one day.
const Y2027_LONG_NEW_YEAR: &str = r#"
[[year]]
year = 2027
notice = "测试用安排（非真实通知）"
holidays = [ { from = "2027-01-01", to = "2027-01-04", festival = "元旦" } ]
workdays = []
"#;

fn disclosure(agency_id: i64) -> SubmitInput {
    SubmitInput {
        kind: "disclosure".into(),
        agency_id: agency_id.to_string(),
        subject: "申请公开2026年抽查结果".into(),
        content: "2026年公共场所双随机抽查结果".into(),
        concerning: String::new(),
        name: "王五".into(),
        phone: "13912345678".into(),
        email: String::new(),
        address: String::new(),
        website: String::new(),
    }
}

#[tokio::test]
async fn cal_holiday_law_a_deadline_into_2027_is_provisional_and_the_cli_answer_is_a_marked_date() {
    for t in testing::both().await {
        let (app, _) = app_at(&t, MON_7_DEC_2026);
        let a = compute_deadline(
            &app,
            "ogi_reply_20_plus_20",
            date(2026, 12, 7),
            "national",
            &[],
            &[],
        )
        .unwrap();
        // 8–31 Dec: 18 working days; Fri 1 Jan 元旦 (holiday law); 4–5 Jan (20).
        assert_eq!(a.computed.due, date(2027, 1, 5));
        assert!(a.computed.provisional);
        assert!(a.explanation_zh.iter().any(|l| l.contains("暂定")));
        assert!(a.explanation_en.iter().any(|l| l.contains("provisional")));
    }
}

#[tokio::test]
async fn from_1_november_the_missing_schedule_of_next_year_is_reported() {
    for t in testing::both().await {
        // 18 November 2026: 2027 is not loaded.
        let (app, clock) = app_at(&t, DEMO_TODAY_US);
        assert_eq!(next_year_missing(&app), Some(2027));
        // Before 1 November: nothing to warn about yet.
        clock.advance_s(-(30 * 86_400));
        assert_eq!(next_year_missing(&app), None);
        clock.advance_s(30 * 86_400);
        import_holidays(&app, None, Y2027_LONG_NEW_YEAR, false)
            .await
            .unwrap();
        assert_eq!(next_year_missing(&app), None);
    }
}

#[tokio::test]
async fn importing_the_schedule_recomputes_a_provisional_request_and_logs_the_moved_date() {
    for t in testing::both().await {
        let (app, _) = app_at(&t, MON_7_DEC_2026);
        assert!(fazhi_app::demo::seed_accounts(&app).await.unwrap());
        let head = actor(&app, "dh.head").await;
        let admin = actor(&app, "dh.admin").await;
        let filed = req::submit(&app, &disclosure(head.agency_id), "client-p")
            .await
            .unwrap();
        assert_eq!(filed.due_on.as_deref(), Some("2027-01-05"));
        assert!(filed.due_provisional);
        let status = req::track(&app, &filed.tracking, "client-p").await.unwrap();
        assert!(status.due_provisional && status.due_changed_from.is_none());

        let before = events(&app).await;
        let done = import_holidays(&app, Some(&admin), Y2027_LONG_NEW_YEAR, false)
            .await
            .unwrap();
        assert_eq!(done.recomputed, 1);
        // One event for the moved date, one for the import.
        assert_eq!(events(&app).await, before + 2);
        let log = fazhi_store::events::range(&app.db, before + 1, 2)
            .await
            .unwrap();
        let moved = log
            .iter()
            .find(|e| e.kind == "deadline.recomputed")
            .expect("the moved date is logged");
        assert_eq!(moved.subject, format!("request:{}", filed.id));
        assert_eq!(moved.actor_user_id, Some(admin.user_id));
        let p: serde_json::Value = serde_json::from_str(&moved.payload_json).unwrap();
        assert_eq!(p["from"], "2027-01-05");
        assert_eq!(p["to"], "2027-01-06");
        assert_eq!(p["was_provisional"], true);
        assert_eq!(p["provisional"], false);
        assert!(
            !p.to_string().contains("王五"),
            "no personal data in the log"
        );
        assert!(log.iter().any(|e| e.kind == "calendar.imported"));

        let v = req::get(&app, &head, filed.id).await.unwrap();
        let due = v.request.due.unwrap();
        assert_eq!(due.on, date(2027, 1, 6));
        assert!(!due.provisional);
        assert_eq!(due.changed_from, Some(date(2027, 1, 5)));
        let status = req::track(&app, &filed.tracking, "client-p").await.unwrap();
        assert!(!status.due_provisional);
        assert_eq!(status.due_changed_from.as_deref(), Some("2027-01-05"));
        assert_eq!(status.due_on.as_deref(), Some("2027-01-06"));
    }
}

/// A made-up 2027 schedule that makes Monday 8 March a rest day, so a
/// decision deadline that ended there provisionally moves to 9 March.
const Y2027_REST_ON_8_MARCH: &str = r#"
[[year]]
year = 2027
notice = "测试用安排（非真实通知）"
holidays = [ { from = "2027-03-08", to = "2027-03-08", festival = "测试" } ]
workdays = []
"#;

#[tokio::test]
async fn hp_decision_deadline_of_an_open_case_is_recomputed_on_import_logged_and_shown_as_moved() {
    for t in testing::both().await {
        let (app, _) = app_at(&t, MON_7_DEC_2026);
        assert!(fazhi_app::demo::seed(&app).await.unwrap());
        let o1 = actor(&app, "dh.officer1").await;
        let o2 = actor(&app, "dh.officer2").await;
        let section = actor(&app, "dh.section").await;
        let admin = actor(&app, "dh.admin").await;
        let id = super::support::a_case(&app, "dh.admin", "dh.officer1").await;
        let v = fazhi_app::cases::get(&app, &o1, id).await.unwrap().version;
        let mut file = fazhi_app::cases::StepInput {
            command: "file".into(),
            version: v,
            ..Default::default()
        };
        file.handlers = vec![o1.user_id.to_string(), o2.user_id.to_string()];
        fazhi_app::cases::act(&app, &section, id, &file)
            .await
            .unwrap();
        let case = fazhi_app::cases::get(&app, &o1, id).await.unwrap().case;
        assert_eq!(case.decision_due, Some(date(2027, 3, 8)));

        let before = events(&app).await;
        let done = import_holidays(&app, Some(&admin), Y2027_REST_ON_8_MARCH, false)
            .await
            .unwrap();
        assert!(done.recomputed >= 1);
        let size = events(&app).await;
        let log = fazhi_store::events::range(&app.db, before + 1, size - before)
            .await
            .unwrap();
        let moved: Vec<_> = log
            .iter()
            .filter(|e| e.kind == "deadline.recomputed" && e.subject == format!("case:{id}"))
            .collect();
        assert_eq!(moved.len(), 1, "one event for the case");
        assert_eq!(moved[0].actor_user_id, Some(admin.user_id));
        let p: serde_json::Value = serde_json::from_str(&moved[0].payload_json).unwrap();
        assert_eq!(p["moved"][0]["rule"], "hp_decision_deadline");
        assert_eq!(p["moved"][0]["from"], "2027-03-08");
        assert_eq!(p["moved"][0]["to"], "2027-03-09");

        let case = fazhi_app::cases::get(&app, &o1, id).await.unwrap().case;
        assert_eq!(case.decision_due, Some(date(2027, 3, 9)));
        assert!(
            case.flags
                .contains(&fazhi_domain::case::Flag::DeadlineMoved {
                    rule_id: "hp_decision_deadline".into(),
                    from: date(2027, 3, 8),
                    to: date(2027, 3, 9),
                })
        );
        assert!(
            !case
                .flags
                .iter()
                .any(|f| matches!(f, fazhi_domain::case::Flag::ProvisionalDeadline { .. }))
        );
    }
}
