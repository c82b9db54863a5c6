//! About two years of penalty cases for the demo agency, in every stage,
//! made through the real use cases (each step at its own date, so deadlines,
//! warnings and the log are what a real agency would have), including a few
//! with problems: overdue decisions, a fine outside the band, late service.

use crate::cases::{self, OpenInput, StepInput, SummaryInput};
use crate::{App, AppError, FixedClock};
use fazhi_domain::authz::Actor;
use std::sync::Arc;

/// Demo officers linked to accounts: both enforce public-place hygiene.
pub const OFFICER_LINKS: [(&str, &str); 3] = [
    ("dh.officer1", "DH-0007"),
    ("dh.officer2", "DH-0012"),
    ("xs.officer1", "XS-0007"),
];

/// How far a demo case goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Intake,
    NotFiled,
    Investigation,
    Proposed,
    Review,
    Notice,
    Decided,
    Execution,
    Enforcement,
    Closed,
    Archived,
    NoPenalty,
    Transfer,
}

/// A mix weighted like a real year: most cases end archived.
const GOALS: [Goal; 20] = [
    Goal::Archived,
    Goal::Archived,
    Goal::Archived,
    Goal::Archived,
    Goal::Archived,
    Goal::Archived,
    Goal::Closed,
    Goal::NoPenalty,
    Goal::Archived,
    Goal::Execution,
    Goal::Archived,
    Goal::Enforcement,
    Goal::NotFiled,
    Goal::Archived,
    Goal::Transfer,
    Goal::Archived,
    Goal::Closed,
    Goal::Investigation,
    Goal::NoPenalty,
    Goal::Archived,
];

/// The running cases: how many days ago each started and where it stops.
const RUNNING: [(i64, Goal); 6] = [
    (45, Goal::Decided),
    (35, Goal::Notice),
    (30, Goal::Review),
    (25, Goal::Proposed),
    (20, Goal::Investigation),
    (3, Goal::Intake),
];

/// Beijing 10:00 on `date`, in microseconds since the epoch.
fn at(date: jiff::civil::Date) -> i64 {
    date.at(10, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(8)))
        .map(|z| z.timestamp().as_microsecond())
        .unwrap_or(0)
}

struct Cast {
    officer1: Actor,
    officer2: Actor,
    section: Actor,
    head: Actor,
    reviewer: Actor,
}

pub(crate) async fn actor(app: &App, username: &str) -> Result<Actor, AppError> {
    let user = fazhi_store::users::credentials_by_username(&app.db, username)
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {username} missing")))?
        .user;
    Ok(crate::auth::actor_of(&user))
}

/// The app as it was at 10:00 on `date`.
pub(crate) fn on(app: &App, date: jiff::civil::Date) -> App {
    let mut past = app.clone();
    past.clock = Arc::new(FixedClock::new(at(date)));
    past
}

pub(crate) fn plus(date: jiff::civil::Date, days: i64) -> jiff::civil::Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(date)
}

/// Link the demo officer accounts to their registry records.
pub async fn link_officers(app: &App) -> Result<(), AppError> {
    let admin = actor(app, "admin").await?;
    for (username, staff_no) in OFFICER_LINKS {
        let user = actor(app, username).await?;
        cases::link_officer(app, Some(&admin), user.user_id, staff_no).await?;
    }
    Ok(())
}

/// `count` cases over the two years before `today`, oldest first.
pub async fn seed_cases(app: &App, count: usize) -> Result<usize, AppError> {
    let today = crate::registry::today_cst(app);
    let cast = Cast {
        officer1: actor(app, "dh.officer1").await?,
        officer2: actor(app, "dh.officer2").await?,
        section: actor(app, "dh.section").await?,
        head: actor(app, "dh.head").await?,
        reviewer: actor(app, "dh.reviewer").await?,
    };
    let (entities, _) = fazhi_store::registry::list_entities(
        &app.db,
        &cast.officer1.agency_path,
        "",
        Some("public_places"),
        0,
        count as i64,
    )
    .await?;
    if entities.is_empty() {
        return Ok(0);
    }
    let span_days: i64 = 700;
    let mut made = 0;
    for i in 0..count {
        let e = &entities[i % entities.len()];
        let (start, goal) = if i + RUNNING.len() >= count {
            // The newest cases are still running, each at its own step.
            let (days_ago, goal) = RUNNING[i + RUNNING.len() - count];
            (plus(today, -days_ago), goal)
        } else {
            let start = plus(
                today,
                -span_days + (i as i64) * (span_days - 60) / count as i64,
            );
            (start, GOALS[i % GOALS.len()])
        };
        if i % 7 == 3 && i + RUNNING.len() < count {
            summary_case(app, &cast, e, start, i).await?;
        } else {
            ordinary_case(app, &cast, e, start, goal, i, today).await?;
        }
        made += 1;
    }
    Ok(made)
}

async fn summary_case(
    app: &App,
    cast: &Cast,
    e: &fazhi_store::registry::EntityListed,
    date: jiff::civil::Date,
    i: usize,
) -> Result<(), AppError> {
    let input = SummaryInput {
        party_kind: "organisation".into(),
        party_name: e.name.clone(),
        party_id: e.uscc.clone(),
        party_address: e.address.clone(),
        domain: "public_places".into(),
        power_code: "CF-004".into(),
        summary: "现场检查发现一名从业人员未取得有效健康合格证明从事服务工作".into(),
        legal_basis: "《公共场所卫生管理条例实施细则》第三十八条".into(),
        second_officer: cast.officer2.user_id.to_string(),
        fine: if i.is_multiple_of(2) {
            "500".into()
        } else {
            "100".into()
        },
        warning: Some("on".into()),
        collected_on_spot: (i % 2 == 1).then(|| "on".into()),
        collection_ground: String::new(),
    };
    let id = cases::open_summary(&on(app, date), &cast.officer1, &input).await?;
    let c = cases::get(app, &cast.officer1, id).await?;
    let c = step(
        app,
        &cast.officer2,
        plus(date, 1),
        id,
        c.version,
        "file_summary",
        |_| {},
    )
    .await?;
    let mut version = c.version;
    if c.case.stage == fazhi_domain::case::Stage::Execution {
        version = step(
            app,
            &cast.officer1,
            plus(date, 5),
            id,
            version,
            "record_payment",
            |s| {
                s.date = plus(date, 5).to_string();
                s.amount = "500".into();
            },
        )
        .await?
        .version;
    }
    let v = step(
        app,
        &cast.section,
        plus(date, 7),
        id,
        version,
        "close",
        |s| s.reason = "罚款已缴清，当场处罚已备案，结案".into(),
    )
    .await?;
    step(
        app,
        &cast.officer1,
        plus(date, 8),
        id,
        v.version,
        "archive",
        |_| {},
    )
    .await?;
    Ok(())
}

async fn step(
    app: &App,
    who: &Actor,
    date: jiff::civil::Date,
    id: i64,
    version: i64,
    command: &str,
    fill: impl FnOnce(&mut StepInput),
) -> Result<cases::CaseView, AppError> {
    let mut input = StepInput {
        command: command.to_owned(),
        version,
        ..StepInput::default()
    };
    fill(&mut input);
    cases::act(&on(app, date), who, id, &input).await
}

#[allow(clippy::too_many_lines)] // one linear story per case, easier to read whole
async fn ordinary_case(
    app: &App,
    cast: &Cast,
    e: &fazhi_store::registry::EntityListed,
    start: jiff::civil::Date,
    goal: Goal,
    i: usize,
    today: jiff::civil::Date,
) -> Result<(), AppError> {
    let (power, summary, fine) = if i.is_multiple_of(3) {
        ("CF-004", "从业人员未取得有效健康合格证明从事服务工作", 1000)
    } else {
        ("CF-003", "未取得公共场所卫生许可证擅自营业", 1500)
    };
    let open = OpenInput {
        source: ["inspection", "complaint", "assigned", "inspection"][i % 4].into(),
        party_kind: "organisation".into(),
        party_name: e.name.clone(),
        party_id: e.uscc.clone(),
        party_address: e.address.clone(),
        domain: "public_places".into(),
        power_code: power.into(),
        summary: summary.into(),
        act_date: plus(start, -10).to_string(),
        life_health_harm: None,
        task_id: String::new(),
    };
    let id = cases::open(&on(app, start), &cast.officer1, &open).await?;
    let v = cases::get(app, &cast.officer1, id).await?.version;
    let done = |d: jiff::civil::Date| d > today;
    if goal == Goal::Intake {
        return Ok(());
    }
    if goal == Goal::NotFiled {
        let v = step(
            app,
            &cast.section,
            plus(start, 1),
            id,
            v,
            "decline_filing",
            |s| s.reason = "经核查，不属于本机关管辖，已告知举报人向有关部门反映".into(),
        )
        .await?;
        step(
            app,
            &cast.section,
            plus(start, 2),
            id,
            v.version,
            "archive",
            |_| {},
        )
        .await?;
        return Ok(());
    }
    let handlers = vec![
        cast.officer1.user_id.to_string(),
        cast.officer2.user_id.to_string(),
    ];
    let v = step(app, &cast.section, plus(start, 1), id, v, "file", |s| {
        s.handlers = handlers
    })
    .await?
    .version;
    let officers = vec![
        cast.officer1.user_id.to_string(),
        cast.officer2.user_id.to_string(),
    ];
    let v = step(
        app,
        &cast.officer1,
        plus(start, 2),
        id,
        v,
        "add_evidence",
        |s| {
            s.evidence_kind = "record".into();
            s.title = "现场笔录".into();
            s.officers = officers;
        },
    )
    .await?
    .version;
    let v = step(
        app,
        &cast.officer1,
        plus(start, 3),
        id,
        v,
        "add_evidence",
        |s| {
            s.evidence_kind = "documentary".into();
            s.title = "营业执照复印件".into();
        },
    )
    .await?
    .version;
    // An old investigation left open: its 90-day decision deadline has passed.
    if goal == Goal::Investigation || done(plus(start, 10)) {
        return Ok(());
    }
    let transfer = goal == Goal::Transfer;
    let no_penalty = goal == Goal::NoPenalty;
    let out_of_band = i % 10 == 4;
    let v = step(
        app,
        &cast.officer1,
        plus(start, 10),
        id,
        v,
        "propose_outcome",
        |s| {
            s.outcome = if transfer {
                "transfer"
            } else if no_penalty {
                "no_penalty"
            } else {
                "penalty"
            }
            .into();
            s.facts = format!("经查，{}，{}。", e.name, summary);
            s.legal_basis = if power == "CF-003" {
                "《公共场所卫生管理条例实施细则》第三十五条"
            } else {
                "《公共场所卫生管理条例实施细则》第三十八条"
            }
            .into();
            if no_penalty {
                s.circumstance = "minor".into();
                s.education_record =
                    "初次违法，危害后果轻微并已及时改正；已对负责人进行法治宣传教育并签字确认"
                        .into();
            } else if !transfer {
                s.circumstance = "ordinary".into();
                s.fine = if out_of_band {
                    "2500".into()
                } else {
                    fine.to_string()
                };
                s.other_penalties = "警告".into();
                if out_of_band {
                    s.out_of_band_reason = "擅自营业期间接待顾客逾千人次，社会影响较大".into();
                }
            }
        },
    )
    .await?
    .version;
    if goal == Goal::Proposed || done(plus(start, 11)) {
        return Ok(());
    }
    if transfer {
        let v = step(
            app,
            &cast.head,
            plus(start, 11),
            id,
            v,
            "approve_transfer",
            |_| {},
        )
        .await?
        .version;
        let v = step(
            app,
            &cast.officer1,
            plus(start, 12),
            id,
            v,
            "record_transferred",
            |_| {},
        )
        .await?
        .version;
        if done(plus(start, 25)) {
            return Ok(());
        }
        let v = step(
            app,
            &cast.officer1,
            plus(start, 25),
            id,
            v,
            "record_police_feedback",
            |s| s.accepted = "yes".into(),
        )
        .await?
        .version;
        let v = step(app, &cast.section, plus(start, 26), id, v, "close", |s| {
            s.reason = "公安机关已立案侦查，结案".into()
        })
        .await?
        .version;
        step(
            app,
            &cast.officer1,
            plus(start, 27),
            id,
            v,
            "archive",
            |_| {},
        )
        .await?;
        return Ok(());
    }
    let v = if no_penalty {
        v
    } else {
        let v = step(
            app,
            &cast.officer1,
            plus(start, 11),
            id,
            v,
            "submit_for_review",
            |_| {},
        )
        .await?
        .version;
        if goal == Goal::Review || done(plus(start, 13)) {
            return Ok(());
        }
        let v = step(app, &cast.reviewer, plus(start, 13), id, v, "record_review", |s| {
            s.passed = "yes".into();
            s.checklist = fazhi_domain::case::REVIEW_CHECKLIST.iter().map(|(c, _)| (*c).to_owned()).collect();
            s.opinion = "主体合法，事实清楚，证据确凿，定性准确，适用法律正确，程序合法，裁量适当，同意".into();
        })
        .await?
        .version;
        if done(plus(start, 15)) {
            return Ok(());
        }
        let noticed = step(
            app,
            &cast.officer1,
            plus(start, 14),
            id,
            v,
            "send_notice",
            |s| s.date = plus(start, 14).to_string(),
        )
        .await?;
        let statement_until = noticed.case.notice.as_ref().and_then(|n| n.statement_until);
        let v = step(
            app,
            &cast.officer1,
            plus(start, 15),
            id,
            noticed.version,
            "record_statement",
            |s| {
                s.text = "初次经营，请求从轻处罚".into();
                s.answer = "已在裁量基准幅度内综合考虑".into();
            },
        )
        .await?
        .version;
        let decide_on =
            statement_until.map_or(plus(start, 22), |u| plus(u, 1).max(plus(start, 22)));
        if goal == Goal::Notice || done(decide_on) {
            return Ok(());
        }
        v
    };
    let decide_on = match cases::get(app, &cast.officer1, id)
        .await?
        .case
        .notice
        .and_then(|n| n.statement_until)
    {
        Some(u) => plus(u, 1).max(plus(start, 22)),
        None => plus(start, 22),
    };
    if done(decide_on) {
        return Ok(());
    }
    let v = step(app, &cast.head, decide_on, id, v, "decide", |s| {
        s.publish = (!no_penalty).then(|| "on".to_owned());
    })
    .await?
    .version;
    // Every tenth decision's notice is forgotten: the oversight pages
    // show it overdue (pub_permit_penalty_7wd).
    let v = if !no_penalty && i % 10 != 4 && !done(plus(decide_on, 1)) {
        step(
            app,
            &cast.officer1,
            plus(decide_on, 1),
            id,
            v,
            "record_published",
            |_| {},
        )
        .await?
        .version
    } else {
        v
    };
    if no_penalty {
        if done(plus(decide_on, 2)) {
            return Ok(());
        }
        let v = step(
            app,
            &cast.section,
            plus(decide_on, 1),
            id,
            v,
            "close",
            |s| s.reason = "依法不予行政处罚，已对当事人进行教育，结案".into(),
        )
        .await?
        .version;
        step(
            app,
            &cast.officer1,
            plus(decide_on, 2),
            id,
            v,
            "archive",
            |_| {},
        )
        .await?;
        return Ok(());
    }
    // One in nine is served late (the oversight view shows it).
    let served = if i % 9 == 5 {
        plus(decide_on, 13)
    } else {
        plus(decide_on, 2)
    };
    if goal == Goal::Decided || done(served) {
        return Ok(());
    }
    let v = step(app, &cast.officer1, served, id, v, "serve", |s| {
        s.method = "direct".into();
        s.date = served.to_string();
        s.receipt = "法定代表人签收".into();
    })
    .await?
    .version;
    if goal == Goal::Execution && i % 40 == 9 && !done(plus(served, 6)) {
        // Revoked on reconsideration: the published notice comes down.
        let v = step(
            app,
            &cast.head,
            plus(served, 5),
            id,
            v,
            "alter_decision",
            |s| {
                s.alteration = "revoked".into();
                s.reason = "经行政复议，复议机关以事实不清为由撤销该处罚决定".into();
            },
        )
        .await?
        .version;
        step(
            app,
            &cast.officer1,
            plus(served, 6),
            id,
            v,
            "record_withdrawn",
            |_| {},
        )
        .await?;
        return Ok(());
    }
    if goal == Goal::Execution || done(plus(served, 10)) {
        return Ok(());
    }
    if goal == Goal::Enforcement {
        let demand = plus(served, 30);
        if done(demand) {
            return Ok(());
        }
        step(app, &cast.officer1, demand, id, v, "send_demand", |_| {}).await?;
        return Ok(());
    }
    let paid_fine = if out_of_band { 2500 } else { fine };
    let v = step(
        app,
        &cast.officer1,
        plus(served, 10),
        id,
        v,
        "record_payment",
        |s| {
            s.date = plus(served, 10).to_string();
            s.amount = paid_fine.to_string();
        },
    )
    .await?
    .version;
    if done(plus(served, 14)) {
        return Ok(());
    }
    let v = step(app, &cast.section, plus(served, 14), id, v, "close", |s| {
        s.reason = "罚款已缴清，结案".into()
    })
    .await?
    .version;
    if goal == Goal::Closed || done(plus(served, 15)) {
        return Ok(());
    }
    step(
        app,
        &cast.officer1,
        plus(served, 15),
        id,
        v,
        "archive",
        |_| {},
    )
    .await?;
    Ok(())
}

/// Two years of random-inspection plans, each frozen and drawn with a
/// (demo) lottery value, so the plan pages and public records have content.
pub async fn seed_draws(app: &App) -> Result<usize, AppError> {
    let today = crate::registry::today_cst(app);
    let head = actor(app, "dh.head").await?;
    let plans = [
        (
            i64::from(today.year()) - 1,
            "SC-GG-01",
            "公共场所卫生",
            300,
            40,
        ),
        (
            i64::from(today.year()) - 1,
            "SC-YL-01",
            "医疗机构依法执业",
            280,
            20,
        ),
        (i64::from(today.year()), "SC-GG-01", "公共场所卫生", 60, 40),
    ];
    let mut made = 0;
    for (n, (year, item, topic, days_ago, quota)) in plans.into_iter().enumerate() {
        let when = plus(today, -days_ago);
        let past = on(app, when);
        let input = crate::inspections::PlanInput {
            year: year.to_string(),
            level: if n == 1 { "provincial" } else { "county" }.into(),
            name: format!("{year}年{topic}“双随机、一公开”抽查"),
            item_code: item.into(),
            quota: quota.to_string(),
            rate_a: "3".into(),
            rate_b: "5".into(),
            rate_c: "10".into(),
            rate_d: "20".into(),
            exclude_days: String::new(),
            officers_per_entity: "2".into(),
            workload_cap: "40".into(),
            same_region: None,
            due_on: format!("{year}-11-30"),
            partners: if n == 1 {
                "示范市市场监督管理局".into()
            } else {
                String::new()
            },
            yearly_cap: String::new(),
        };
        let plan = crate::inspections::create_plan(&past, &head, &input).await?;
        let draw = crate::inspections::commit(&past, &head, plan).await?;
        let later = on(app, plus(when, 2));
        let lottery = format!(
            "双色球 {year}{:03}期 开奖号码 {:02} {:02} {:02} {:02} {:02} {:02} + {:02}（演示数据）",
            100 + n,
            3 + n,
            8 + n,
            12,
            19 + n,
            25,
            31,
            6 + n
        );
        // A plan whose officers cannot cover it is reported, not hidden: skip it in the demo.
        match crate::inspections::run(
            &later,
            &head,
            draw,
            &lottery,
            "中国福利彩票发行管理中心（演示）",
        )
        .await
        {
            Ok(_) => made += 1,
            Err(AppError::Refused { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(made)
}

/// Results for the drawn tasks: last year's all carried out (a few late,
/// some correction orders with their re-checks, failures, one of them opened
/// as a case), this year's partly; one complaint-driven inspection on an
/// entity that also has a random task, so the burden page proposes a joint visit.
pub async fn seed_inspections(app: &App) -> Result<usize, AppError> {
    use crate::inspection_tasks::{self as tasks, ResultForm};
    let today = crate::registry::today_cst(app);
    let head = actor(app, "dh.head").await?;
    let all = fazhi_store::inspections::tasks_in_scope(
        &app.db,
        &fazhi_domain::agency::AgencyPath::whole_tree(),
        false,
        "0000-01-01",
        "9999-12-31",
        10_000,
    )
    .await?;
    let mut done = 0;
    let mut case_opened = false;
    let mut order: Vec<_> = all.into_iter().filter(|t| t.source == "random").collect();
    order.sort_by_key(|t| t.id);
    for (i, t) in order.iter().enumerate() {
        let due: jiff::civil::Date = t.due_on.parse().unwrap_or(today);
        let this_year = due.year() == today.year();
        if this_year && i % 3 == 0 {
            continue; // still open
        }
        let mut when = plus(due, -200 + i64::try_from(i * 7 % 190).unwrap_or(0));
        if i % 25 == 0 {
            when = plus(due, 5); // late
        }
        if when >= today {
            continue;
        }
        let (result, findings, opinion, rectify_by) = match i % 10 {
            3 => (
                "rectify",
                "公共用品用具未按规定清洗消毒；消毒记录不全",
                "责令你单位于整改期限前按照《公共场所卫生管理条例实施细则》规定对公共用品用具清洗消毒并建立消毒记录。",
                plus(when, 14).to_string(),
            ),
            7 => (
                "fail",
                "从业人员未取得有效健康合格证明从事直接为顾客服务的工作",
                "",
                String::new(),
            ),
            _ => ("pass", "", "", String::new()),
        };
        let form = ResultForm {
            version: t.version.to_string(),
            done_on: when.to_string(),
            result: result.into(),
            findings: findings.into(),
            opinion: opinion.into(),
            rectify_by,
            present: String::new(),
        };
        let past = on(app, when);
        match tasks::record(&past, &head, t.id, &form).await {
            Ok(recheck) => {
                done += 1;
                if let Some(r) = recheck
                    && let Some(rt) = fazhi_store::inspections::get_task(&app.db, r).await?
                    && let Ok(rdue) = rt.due_on.parse::<jiff::civil::Date>()
                    && rdue < today
                {
                    let form = ResultForm {
                        version: rt.version.to_string(),
                        done_on: rdue.to_string(),
                        result: "pass".into(),
                        findings: String::new(),
                        opinion: String::new(),
                        rectify_by: String::new(),
                        present: String::new(),
                    };
                    if tasks::record(&on(app, rdue), &head, r, &form).await.is_ok() {
                        done += 1;
                    }
                }
                if result == "fail" && !case_opened {
                    case_opened = open_case_from(app, &on(app, plus(when, 1)), t.id).await?;
                }
            }
            // An officer whose credential lapsed before the visit: the task stays open (overdue).
            Err(AppError::Refused { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    // A complaint on an entity that has an open random task this year.
    let officer = actor(app, "dh.officer1").await?;
    // (The rows in `order` were read before the results above: read each again.)
    let mut open_task = None;
    for t in &order {
        if let Some(now) = fazhi_store::inspections::get_task(&app.db, t.id).await?
            && now.state == "assigned"
            && now.due_on.starts_with(&today.year().to_string())
        {
            open_task = Some(now);
            break;
        }
    }
    if let Some(t) = open_task {
        let form = tasks::AdHocForm {
            uscc: t.entity_uscc,
            source: "complaint".into(),
            basis: "群众投诉：游泳场所池水浑浊（演示）".into(),
            second_officer: "DH-0012".into(),
            due_on: plus(today, 3).to_string(),
            over_cap_reason: String::new(),
        };
        match tasks::create_adhoc(app, &officer, &form).await {
            Ok(_) | Err(AppError::Refused { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

async fn open_case_from(app: &App, past: &App, task_id: i64) -> Result<bool, AppError> {
    let Some(t) = fazhi_store::inspections::get_task(&app.db, task_id).await? else {
        return Ok(false);
    };
    let officer = actor(app, "dh.officer1").await?;
    let input = OpenInput {
        source: "inspection".into(),
        party_kind: "organisation".into(),
        party_name: t.entity_name.clone(),
        party_id: t.entity_uscc.clone(),
        party_address: t.entity_address.clone(),
        domain: "public_places".into(),
        power_code: "CF-004".into(),
        summary: t.findings.clone(),
        act_date: t.done_on.clone(),
        life_health_harm: None,
        task_id: task_id.to_string(),
    };
    match cases::open(past, &officer, &input).await {
        Ok(_) => Ok(true),
        Err(AppError::Refused { .. } | AppError::Denied(_)) => Ok(false),
        Err(e) => Err(e),
    }
}
