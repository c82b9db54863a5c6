//! Public notices (双公示) through the use cases, on both backends: the
//! notices follow their cases, publication and withdrawal are case steps,
//! credit repair and the expiry sweep, permit registration, the public list
//! with search, and what the public never sees.

use fazhi_app::notices::{self, NoticeStep, PermitInput, PublicQuery};
use fazhi_app::{App, AppError, FixedClock};
use fazhi_domain::notice::NoticeState;
use fazhi_store::testing::{self, TestDb};
use std::sync::Arc;

use super::support::{DEMO_TODAY_US, actor, app_at, events};

const DAY_S: i64 = 86_400;

async fn setup(db: TestDb) -> (App, Arc<FixedClock>, TestDb) {
    let (app, clock) = app_at(&db, DEMO_TODAY_US);
    assert!(fazhi_app::demo::seed(&app).await.unwrap());
    (app, clock, db)
}

async fn public_ids(app: &App, q: PublicQuery) -> Vec<i64> {
    let mut out = Vec::new();
    let mut q = q;
    loop {
        let page = notices::public_page(app, &q).await.unwrap();
        out.extend(page.ids);
        match page.next_before {
            Some(b) => q.before_id = b,
            None => return out,
        }
    }
}

#[tokio::test]
async fn pub_permit_penalty_7wd_every_decision_marked_for_publication_has_a_notice_in_step_with_its_case()
 {
    for t in testing::both().await {
        let (app, _clock, _db) = setup(t).await;
        let head = actor(&app, "city.head").await;
        let all = notices::list(&app, &head, "").await.unwrap();
        assert!(!all.is_empty(), "the demo decides cases with publication");
        for v in all.iter().filter(|v| v.row.case_id > 0) {
            let case = fazhi_app::cases::get(&app, &head, v.row.case_id)
                .await
                .unwrap()
                .case;
            let p = case
                .publication
                .as_ref()
                .expect("a notice only for marked decisions");
            let expected = if case.alteration.is_some()
                && (p.withdrawn_on.is_some() || p.published_on.is_none())
            {
                NoticeState::Withdrawn
            } else if p.published_on.is_some() {
                NoticeState::Published
            } else {
                NoticeState::Pending
            };
            assert_eq!(v.notice.state, expected, "notice {}", v.row.id);
            assert_eq!(v.notice.due, p.due);
            assert_eq!(
                v.row.number,
                case.decision.as_ref().unwrap().number,
                "the decision's number"
            );
        }
        // The public sees the published ones and withdrawal statements only.
        let public = public_ids(&app, PublicQuery::default()).await;
        for v in &all {
            let shown = public.contains(&v.row.id);
            let should = v.public || v.notice.shows_withdrawal();
            assert_eq!(shown, should, "notice {} ({})", v.row.id, v.row.state);
        }
    }
}

#[tokio::test]
async fn publishing_a_penalty_notice_is_its_case_step_and_search_finds_it_in_traditional_script() {
    for t in testing::both().await {
        let (app, _clock, _db) = setup(t).await;
        let head = actor(&app, "dh.head").await;
        let pending: Vec<_> = notices::list(&app, &head, "pending")
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.row.case_id > 0)
            .collect();
        let today = fazhi_app::registry::today_cst(&app);
        // One whose period has ended cannot go up any more (tested in the domain).
        let v = pending
            .iter()
            .find(|v| v.notice.until.is_none_or(|u| u > today))
            .expect("the demo leaves a decision to publish");
        let before = events(&app).await;
        let published = notices::act(
            &app,
            &head,
            v.row.id,
            &NoticeStep {
                command: "publish".into(),
                version: v.row.version,
                text: String::new(),
            },
        )
        .await
        .unwrap();
        assert_eq!(published.notice.state, NoticeState::Published);
        assert_eq!(events(&app).await, before + 1, "one event: the case step");
        let case = fazhi_app::cases::get(&app, &head, v.row.case_id)
            .await
            .unwrap()
            .case;
        if case.stage != fazhi_domain::case::Stage::Archived {
            assert_eq!(
                case.publication.unwrap().published_on,
                published.notice.published_on,
                "published through the case"
            );
        }
        assert!(
            published.published_late,
            "the demo forgot it past its due date"
        );
        // A stale form changes nothing.
        let stale = notices::act(
            &app,
            &head,
            v.row.id,
            &NoticeStep {
                command: "reply".into(),
                version: v.row.version,
                text: "x".into(),
            },
        )
        .await;
        assert!(matches!(stale, Err(AppError::Conflict { .. })), "{stale:?}");

        // Found by a traditional-script query of its decision number's agency
        // and of a word of its subject.
        let word = fazhi_text::search_tokens(&v.row.title)
            .split(' ')
            .find(|w| w.chars().count() >= 2)
            .unwrap()
            .to_owned();
        let query = PublicQuery {
            q: fazhi_text::to_traditional(&word),
            ..PublicQuery::default()
        };
        let found = public_ids(&app, query).await;
        assert!(found.contains(&v.row.id), "{word} found {found:?}");
        let none = public_ids(
            &app,
            PublicQuery {
                q: "不存在的词语组合甲乙丙".into(),
                ..PublicQuery::default()
            },
        )
        .await;
        assert!(none.is_empty());
    }
}

#[tokio::test]
async fn cred_publicity_period_2023_credit_repair_waits_for_the_shortest_period_and_the_sweep_takes_down_expired_notices()
 {
    for t in testing::both().await {
        let (app, clock, _db) = setup(t).await;
        let head = actor(&app, "dh.head").await;
        let officer = actor(&app, "dh.officer1").await;
        let v = notices::list(&app, &head, "published")
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.row.case_id > 0)
            .max_by_key(|v| v.row.decided_on.clone())
            .expect("a published penalty notice");
        let repair = |version| NoticeStep {
            command: "repair".into(),
            version,
            text: "当事人已整改并作出信用承诺".into(),
        };
        // Officers may not take a notice down.
        assert!(matches!(
            notices::act(&app, &officer, v.row.id, &repair(v.row.version)).await,
            Err(AppError::Denied(_))
        ));
        let shortest = v.notice.shortest_until.unwrap();
        let today = fazhi_app::registry::today_cst(&app);
        if today < shortest {
            match notices::act(&app, &head, v.row.id, &repair(v.row.version)).await {
                Err(AppError::Refused { rule_id, .. }) => {
                    // The rule in force on the decision date sets the period.
                    let expected = if v.row.decided_on.as_str() >= "2026-04-01" {
                        "cred_publicity_period_2026"
                    } else {
                        "cred_publicity_period_2023"
                    };
                    assert_eq!(rule_id, expected)
                }
                other => panic!("expected a refusal, got {other:?}"),
            }
            let days = (shortest - today).get_days() as i64;
            clock.advance_s(days * DAY_S);
        }
        let before = events(&app).await;
        let repaired = notices::act(&app, &head, v.row.id, &repair(v.row.version))
            .await
            .unwrap();
        assert_eq!(repaired.notice.state, NoticeState::Repaired);
        assert!(!repaired.public);
        assert_eq!(events(&app).await, before + 1);
        assert!(
            !public_ids(&app, PublicQuery::default())
                .await
                .contains(&v.row.id)
        );

        // Four years on, every notice with a period has come down.
        clock.advance_s(4 * 366 * DAY_S);
        let up: Vec<_> = notices::list(&app, &head, "published")
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.notice.until.is_some())
            .collect();
        assert!(!up.is_empty());
        assert!(
            public_ids(&app, PublicQuery::default())
                .await
                .iter()
                .all(|id| !up.iter().any(|v| v.row.id == *id)),
            "hidden by date before the sweep"
        );
        let before = events(&app).await;
        let n = notices::sweep_expired(&app).await.unwrap();
        let city = actor(&app, "admin").await;
        let left = notices::list(&app, &city, "published")
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.notice.until.is_some())
            .count();
        assert_eq!(left, 0);
        assert!(n >= up.len());
        assert_eq!(
            events(&app).await,
            before + n as i64,
            "one event per notice"
        );
        let expired = notices::get(&app, &head, up[0].row.id).await.unwrap();
        assert_eq!(expired.notice.state, NoticeState::Expired);
        assert_eq!(expired.notice.taken_down_on, up[0].notice.until);
    }
}

#[tokio::test]
async fn cred_publicity_period_2026_notices_up_under_the_2023_period_are_retimed_each_change_logged_and_shown()
 {
    for t in testing::both().await {
        let (app, _clock, _db) = setup(t).await;
        let head = actor(&app, "city.head").await;
        let open: Vec<_> = notices::list(&app, &head, "")
            .await
            .unwrap()
            .into_iter()
            .filter(|v| {
                v.row.case_id > 0
                    && matches!(
                        v.notice.state,
                        NoticeState::Published | NoticeState::Pending
                    )
            })
            .collect();
        let after = open
            .iter()
            .find(|v| v.row.decided_on.as_str() >= "2026-04-01")
            .expect("the demo publishes decisions made after April 2026");
        let before_april = open
            .iter()
            .find(|v| v.row.decided_on.as_str() < "2026-04-01")
            .expect("and decisions made before");
        // Nothing to do on a database whose periods were set by the rules in force.
        assert_eq!(notices::retime_periods(&app).await.unwrap(), 0);
        // As the old code set them: three years from the decision, repair after three months.
        let decided: jiff::civil::Date = after.row.decided_on.parse().unwrap();
        let wrong_until = decided.checked_add(jiff::Span::new().years(3)).unwrap();
        let wrong_shortest = decided.checked_add(jiff::Span::new().months(3)).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let life = fazhi_store::notices::Lifecycle {
            state: after.row.state.clone(),
            due_on: after.row.due_on.clone(),
            published_on: after.row.published_on.clone(),
            shortest_until: wrong_shortest.to_string(),
            until_on: wrong_until.to_string(),
            withdrawal_due: after.row.withdrawal_due.clone(),
            taken_down_on: after.row.taken_down_on.clone(),
            reason: after.row.reason.clone(),
            reply: after.row.reply.clone(),
        };
        assert!(
            fazhi_store::notices::update_lifecycle(
                &mut tx,
                after.row.id,
                after.row.version,
                &life,
                app.now_us()
            )
            .await
            .unwrap()
        );
        tx.commit().await.unwrap();

        let events_before = events(&app).await;
        assert_eq!(notices::retime_periods(&app).await.unwrap(), 1);
        assert_eq!(
            events(&app).await,
            events_before + 1,
            "one event per change"
        );
        let v = notices::get(&app, &head, after.row.id).await.unwrap();
        assert!(
            v.notice.until.unwrap() <= decided.checked_add(jiff::Span::new().years(1)).unwrap(),
            "at most one year under 《信用修复管理办法》: {:?}",
            v.notice.until
        );
        assert_eq!(v.retimings.len(), 1, "shown on the notice");
        assert_eq!(v.retimings[0].rule_id, "cred_publicity_period_2026");
        assert_eq!(v.retimings[0].until_from, wrong_until.to_string());
        // The notice decided before April 2026 keeps its 2023 period.
        let kept = notices::get(&app, &head, before_april.row.id)
            .await
            .unwrap();
        assert_eq!(kept.notice.until, before_april.notice.until);
        assert!(kept.retimings.is_empty());
        // Running again changes nothing.
        assert_eq!(notices::retime_periods(&app).await.unwrap(), 0);
        assert_eq!(events(&app).await, events_before + 1);
    }
}

#[tokio::test]
async fn a_permit_decision_is_registered_validated_published_and_withdrawn_with_a_public_reason() {
    for t in testing::both().await {
        let (app, _clock, _db) = setup(t).await;
        let officer = actor(&app, "dh.officer1").await;
        let (entities, _) = fazhi_app::registry::list_entities(&app, &officer, "宾馆", None, 1)
            .await
            .unwrap();
        let good = PermitInput {
            power_code: "XK-002".into(),
            number: "东卫公许〔2025〕8号".into(),
            decided_on: "2025-02-28".into(),
            party_name: entities[0].name.clone(),
            party_kind: "organisation".into(),
            party_code: entities[0].uscc.clone(),
            domain: "public_places".into(),
            content: "准予公共场所卫生许可（住宿），有效期四年".into(),
        };
        let before = events(&app).await;
        for (bad, field) in [
            (
                PermitInput {
                    party_code: "91350100M000100Y3!".into(),
                    ..good.clone()
                },
                "party_code",
            ),
            (
                PermitInput {
                    power_code: "CF-003".into(),
                    ..good.clone()
                },
                "power_code",
            ),
            (
                PermitInput {
                    decided_on: "2025-02-30".into(),
                    ..good.clone()
                },
                "decided_on",
            ),
            (
                PermitInput {
                    content: " ".into(),
                    ..good.clone()
                },
                "content",
            ),
        ] {
            match notices::register_permit(&app, &officer, &bad).await {
                Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("expected {field} refused, got {other:?}"),
            }
        }
        assert_eq!(events(&app).await, before, "nothing written");

        let id = notices::register_permit(&app, &officer, &good)
            .await
            .unwrap();
        assert_eq!(events(&app).await, before + 1);
        let v = notices::get(&app, &officer, id).await.unwrap();
        assert_eq!(v.notice.state, NoticeState::Pending);
        assert!(v.notice.due.is_some());
        assert!(
            notices::public_get(&app, id).await.unwrap().is_none(),
            "pending is not public"
        );
        let v = notices::act(
            &app,
            &officer,
            id,
            &NoticeStep {
                command: "publish".into(),
                version: v.row.version,
                text: String::new(),
            },
        )
        .await
        .unwrap();
        assert!(v.public);
        let table = notices::public_get(&app, id).await.unwrap().unwrap();
        assert!(
            table.rows[0].iter().any(|c| c.contains(&entities[0].uscc)),
            "USCC stays"
        );
        let no_reason = notices::act(
            &app,
            &officer,
            id,
            &NoticeStep {
                command: "withdraw".into(),
                version: v.row.version,
                text: String::new(),
            },
        )
        .await;
        assert!(matches!(
            no_reason,
            Err(AppError::Refused {
                rule_id: "pub_withdraw_3d",
                ..
            })
        ));
        let w = notices::act(
            &app,
            &officer,
            id,
            &NoticeStep {
                command: "withdraw".into(),
                version: v.row.version,
                text: "许可决定依法撤销".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(w.notice.state, NoticeState::Withdrawn);
        let table = notices::public_get(&app, id).await.unwrap().unwrap();
        let row = &table.rows[0];
        assert!(
            row.iter().any(|c| c == "许可决定依法撤销"),
            "the statement is public"
        );
        assert!(
            !row.iter().any(|c| c.contains(&entities[0].name)),
            "the content is not"
        );
    }
}

#[tokio::test]
async fn a_citizens_name_is_masked_on_the_public_side_and_cannot_be_searched_for() {
    for t in testing::both().await {
        let (app, _clock, _db) = setup(t).await;
        let officer = actor(&app, "dh.officer1").await;
        let id = notices::register_permit(
            &app,
            &officer,
            &PermitInput {
                power_code: "XK-001".into(),
                number: "东卫医许〔2025〕3号".into(),
                decided_on: "2025-03-03".into(),
                party_name: "欧阳明远".into(),
                party_kind: "citizen".into(),
                party_code: "350102199001011234".into(),
                domain: "medical".into(),
                content: "准予欧阳明远诊所执业登记".into(),
            },
        )
        .await
        .unwrap();
        let v = notices::get(&app, &officer, id).await.unwrap();
        assert_eq!(
            v.row.party_code, "",
            "a citizen's ID number is never kept on the notice"
        );
        notices::act(
            &app,
            &officer,
            id,
            &NoticeStep {
                command: "publish".into(),
                version: v.row.version,
                text: String::new(),
            },
        )
        .await
        .unwrap();
        let table = notices::public_get(&app, id).await.unwrap().unwrap();
        assert!(table.marks >= 2, "name masked in party and content");
        for cell in &table.rows[0] {
            assert!(!cell.contains("明远"), "{cell}");
        }
        let found = public_ids(
            &app,
            PublicQuery {
                q: "欧阳明远".into(),
                ..PublicQuery::default()
            },
        )
        .await;
        assert!(!found.contains(&id));
        let by_item = public_ids(
            &app,
            PublicQuery {
                q: "执业登记".into(),
                ..PublicQuery::default()
            },
        )
        .await;
        assert!(by_item.contains(&id));
    }
}
