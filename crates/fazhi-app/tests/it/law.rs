//! Holiday imports on both backends: recorded once, persisted, open deadlines
//! recomputed, bad files change nothing.

use fazhi_app::App;
use fazhi_app::law::{compute_deadline, import_holidays, load_imports, track_deadline};
use fazhi_store::testing::{self, TestDb};
use jiff::civil::date;

use super::support::{DEMO_TODAY_US, app_at};

const Y2027: &str = r#"
[[year]]
year = 2027
notice = "国办发明电〔2026〕示例号"
holidays = [ { from = "2027-01-01", to = "2027-01-03", festival = "元旦" } ]
workdays = []
"#;

fn app_on(db: &TestDb) -> App {
    app_at(db, DEMO_TODAY_US).0
}

#[tokio::test]
async fn importing_next_years_schedule_recomputes_open_deadlines_and_survives_a_restart() {
    for t in testing::both().await {
        let app = app_on(&t);
        // Before 2027 is loaded, a 10-working-day deadline from 28 Dec 2026 is provisional.
        let provisional = compute_deadline(
            &app,
            "ac_court_application_demand",
            date(2026, 12, 28),
            "national",
            &[],
            &[],
        )
        .unwrap();
        assert!(provisional.computed.provisional);
        assert_eq!(provisional.computed.due, date(2027, 1, 12));
        // A deadline inside 2026 is tracked as usual.
        let mut tx = app.db.begin().await.unwrap();
        let (_, due_before) = track_deadline(
            &app,
            &mut tx,
            "case:1",
            "ap_payment_deadline",
            "national",
            None,
            date(2026, 12, 1),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(due_before, date(2026, 12, 16));
        let events_before = fazhi_store::events::size(&app.db).await.unwrap();
        let done = import_holidays(&app, None, Y2027, false).await.unwrap();
        assert_eq!(done.years, vec![2027]);
        assert_eq!(
            fazhi_store::events::size(&app.db).await.unwrap(),
            events_before + 1
        );
        let due = compute_deadline(
            &app,
            "ac_court_application_demand",
            date(2026, 12, 28),
            "national",
            &[],
            &[],
        )
        .unwrap();
        // 29–31 Dec (3); 1–3 Jan holiday; 4–8 Jan (8); 11–12 Jan (10).
        assert_eq!(due.computed.due, date(2027, 1, 12));
        assert!(!due.computed.provisional);
        // A fresh app on the same database loads the import.
        let again = app_on(&t);
        load_imports(&again).await.unwrap();
        assert!(
            again
                .law
                .calendar()
                .is_working_day(date(2027, 1, 4))
                .unwrap()
        );
        // Importing the same year again needs --replace.
        let e = import_holidays(&app, None, Y2027, false).await.unwrap_err();
        assert_eq!(e.field(), Some("file"));
    }
}

#[tokio::test]
async fn replacing_a_year_recomputes_the_open_deadlines_that_depend_on_it() {
    for t in testing::both().await {
        let app = app_on(&t);
        import_holidays(&app, None, Y2027, false).await.unwrap();
        let mut tx = app.db.begin().await.unwrap();
        // 5 working days from Wed 30 Dec 2026: 31 Dec; (1–3 Jan); 4, 5, 6, 7 Jan 2027.
        let (id, due) = track_deadline(
            &app,
            &mut tx,
            "case:2",
            "ap_hearing_procedure",
            "national",
            None,
            date(2026, 12, 30),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(due, date(2027, 1, 7));
        // The State Council adds 4 January as a holiday: the deadline moves to 8 January.
        let amended = Y2027.replace("to = \"2027-01-03\"", "to = \"2027-01-04\"");
        let done = import_holidays(&app, None, &amended, true).await.unwrap();
        assert_eq!(done.recomputed, 1);
        let rows = fazhi_store::law::for_subject(&app.db, "case:2")
            .await
            .unwrap();
        assert_eq!((rows[0].id, rows[0].due_date.as_str()), (id, "2027-01-08"));
    }
}

#[tokio::test]
async fn a_bad_holiday_file_changes_nothing() {
    for t in testing::both().await {
        let app = app_on(&t);
        let before = fazhi_store::events::size(&app.db).await.unwrap();
        let bad = Y2027.replace("2027-01-03", "2027-02-30");
        let e = import_holidays(&app, None, &bad, false).await.unwrap_err();
        assert!(e.message_en().contains("2027-02-30"), "{e}");
        assert_eq!(fazhi_store::events::size(&app.db).await.unwrap(), before);
        assert!(app.law.calendar().is_working_day(date(2027, 1, 4)).is_err());
        assert!(
            fazhi_store::law::calendar_imports(&app.db)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_regional_holiday_applies_to_the_agency_and_below_and_recomputes_their_deadlines() {
    for t in testing::both().await {
        let app = app_on(&t);
        fazhi_app::demo::seed_accounts(&app).await.unwrap();
        let all = fazhi_store::agencies::list_all(&app.db).await.unwrap();
        let district = all
            .iter()
            .find(|a| a.name == "示范市东湖区卫生健康局")
            .unwrap()
            .clone();
        let institute = all
            .iter()
            .find(|a| a.name == "示范市东湖区卫生监督所")
            .unwrap()
            .clone();
        let other = all
            .iter()
            .find(|a| a.name == "示范市西山区卫生健康局")
            .unwrap()
            .clone();
        let mut tx = app.db.begin().await.unwrap();
        // 3 working days from Mon 2 Mar 2026: 3, 4, 5 Mar.
        let (_, due) = track_deadline(
            &app,
            &mut tx,
            "case:3",
            "pub_withdraw_3d",
            "national",
            Some(&institute),
            date(2026, 3, 2),
        )
        .await
        .unwrap();
        let (_, other_due) = track_deadline(
            &app,
            &mut tx,
            "case:4",
            "pub_withdraw_3d",
            "national",
            Some(&other),
            date(2026, 3, 2),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!((due, other_due), (date(2026, 3, 5), date(2026, 3, 5)));
        let before = fazhi_store::events::size(&app.db).await.unwrap();
        let n = fazhi_app::law::add_regional_holiday(
            &app,
            None,
            district.id,
            "2026-03-04",
            "地方节日（示例）",
            "某自治县人民政府通知",
        )
        .await
        .unwrap();
        assert_eq!(n, 1, "only the deadline of the district's institute moves");
        // The regional holiday and the one moved date, each its own event.
        assert_eq!(
            fazhi_store::events::size(&app.db).await.unwrap(),
            before + 2
        );
        assert_eq!(
            fazhi_store::law::for_subject(&app.db, "case:3")
                .await
                .unwrap()[0]
                .due_date,
            "2026-03-06"
        );
        assert_eq!(
            fazhi_store::law::for_subject(&app.db, "case:4")
                .await
                .unwrap()[0]
                .due_date,
            "2026-03-05"
        );
        let cal = fazhi_app::law::calendar_for(&app, Some(&institute.path))
            .await
            .unwrap();
        assert!(!cal.is_working_day(date(2026, 3, 4)).unwrap());
        let e =
            fazhi_app::law::add_regional_holiday(&app, None, district.id, "2026-03-04", "x", "y")
                .await
                .unwrap_err();
        assert!(matches!(e, fazhi_app::AppError::Conflict { .. }));
        let e =
            fazhi_app::law::add_regional_holiday(&app, None, district.id, "2026-02-30", "x", "y")
                .await
                .unwrap_err();
        assert_eq!(e.field(), Some("date"));
    }
}
