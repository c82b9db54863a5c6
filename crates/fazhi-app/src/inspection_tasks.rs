//! Inspections (监督检查) after the draw: the officers' task lists, the
//! result with its 卫生监督意见书 and re-check, a case opened from a finding,
//! ad hoc inspections, joint visits (综合查一次) and burden warnings, the public
//! inspection code (亮码入企) with its anonymous rating, and statistics.

use crate::cases::jurisdiction_of;
use crate::law::parse_date;
use crate::registry::today_cst as today;
use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::indicators::{self, Period, TaskFacts};
use fazhi_domain::inspection::{self, BurdenLimits, Present, ResultInput, Verdict, Visit, Warning};
pub use fazhi_store::inspections::TaskRow;
use fazhi_store::inspections::{self as store, RatingRow, VisitRow};
use fazhi_store::registry::{OfficerListed, SpotCheckRow};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

const TASK_NOUN: (&str, &str) = ("检查任务", "inspection task");
/// Entropy of a public inspection code: 64 bits, as 16 hex characters, so
/// codes cannot be guessed to find other entities' inspections.
pub const CODE_BYTES: usize = 8;
/// Longest anonymous comment, in characters.
pub const COMMENT_CHARS_MAX: usize = 500;
/// Longest findings / opinion text, in characters.
pub const TEXT_CHARS_MAX: usize = 4000;
/// Most tasks listed on one page.
pub const TASKS_PER_PAGE_MAX: i64 = 500;

fn not_found() -> AppError {
    AppError::NotFound {
        zh: TASK_NOUN.0,
        en: TASK_NOUN.1,
    }
}

fn bounded(field: &'static str, text: &str, max: usize) -> Result<String, AppError> {
    let t = text.trim();
    if t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("不超过 {max} 个字符"),
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_owned())
}

/// May the actor see this task: it is in the actor's scope, or the actor is
/// one of its officers.
pub(crate) async fn visible(app: &App, actor: &Actor, task: &TaskRow) -> Result<bool, AppError> {
    let path = AgencyPath::parse(&task.agency_path)
        .ok_or_else(|| AppError::Internal("bad path".into()))?;
    if actor.agency_path.covers(&path) {
        return Ok(true);
    }
    Ok(
        match store::officer_of_user(&app.db, actor.user_id).await? {
            Some(me) => task.officers().contains(&me),
            None => false,
        },
    )
}

/// An officer on a task, as shown (name and credential number are public on
/// the inspection-code page).
#[derive(Debug, Clone, Serialize)]
pub struct TaskOfficer {
    pub id: i64,
    pub name: String,
    pub staff_no: String,
    pub credential_number: String,
    pub credential_valid: bool,
    pub domains: Vec<String>,
}

async fn task_officers(app: &App, ids: &[i64], on: Date) -> Result<Vec<TaskOfficer>, AppError> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(o) = store::officer_by_id(&app.db, *id).await? {
            out.push(officer_view(o, on));
        }
    }
    Ok(out)
}

fn officer_view(o: OfficerListed, on: Date) -> TaskOfficer {
    TaskOfficer {
        id: o.id,
        credential_valid: crate::registry::credential_status_of(
            o.valid_from.as_deref(),
            o.valid_to.as_deref(),
            o.last_review_year,
            on,
        )
        .is_some_and(|s| s.may_enforce()),
        name: o.name,
        staff_no: o.staff_no,
        credential_number: o.credential_number.unwrap_or_default(),
        domains: o
            .domains
            .split(',')
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

/// The officer's own task list (open first). `None` when the account is not
/// linked to an officer of the registry.
pub async fn my_tasks(app: &App, actor: &Actor) -> Result<Option<Vec<TaskRow>>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    match store::officer_of_user(&app.db, actor.user_id).await? {
        Some(me) => Ok(Some(store::tasks_of_officer(&app.db, me).await?)),
        None => Ok(None),
    }
}

/// Tasks of the actor's scope in a year (open ones only if asked).
pub async fn scope_tasks(
    app: &App,
    actor: &Actor,
    year: i16,
    open_only: bool,
) -> Result<Vec<TaskRow>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(store::tasks_in_scope(
        &app.db,
        &actor.agency_path,
        open_only,
        &format!("{year:04}-01-01"),
        &format!("{year:04}-12-31"),
        TASKS_PER_PAGE_MAX,
    )
    .await?)
}

/// Everything the task page shows.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub task: TaskRow,
    pub officers: Vec<TaskOfficer>,
    /// The spot-check item (its content is the checklist).
    pub item: Option<SpotCheckRow>,
    pub verdict: Option<Verdict>,
    /// Other tasks merged into the same visit.
    pub joint: Vec<TaskRow>,
    pub warnings: Vec<Warning>,
    /// Only for supervisors (`ViewRatings`).
    pub rating: Option<RatingRow>,
    pub may_record: bool,
    pub may_open_case: bool,
    pub attachments: Vec<fazhi_store::attachments::Attachment>,
    pub overdue: bool,
}

pub async fn task(app: &App, actor: &Actor, id: i64) -> Result<TaskView, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let task = store::get_task(&app.db, id).await?.ok_or_else(not_found)?;
    if !visible(app, actor, &task).await? {
        return Err(not_found());
    }
    let on = if task.done_on.is_empty() {
        today(app)
    } else {
        parse_date("done_on", &task.done_on)?
    };
    let officers = task_officers(app, &task.officers(), on).await?;
    let item = if task.item_code.is_empty() {
        None
    } else {
        fazhi_store::registry::list_spot_checks(&app.db, &AgencyPath::whole_tree())
            .await?
            .into_iter()
            .find(|i| i.code == task.item_code)
    };
    let joint = store::tasks_of_visit(&app.db, task.visit)
        .await?
        .into_iter()
        .filter(|t| t.id != task.id)
        .collect();
    let warnings = entity_warnings(app, actor, &task).await?;
    let rating = if fazhi_domain::authz::role_allows(actor.role, Action::ViewRatings) {
        store::rating_of(&app.db, id).await?
    } else {
        None
    };
    let me = store::officer_of_user(&app.db, actor.user_id).await?;
    // The officers record their own visit; a head of the agency may enter a
    // result from the paper record on their behalf (补录, logged as such).
    let task_path = AgencyPath::parse(&task.agency_path)
        .ok_or_else(|| AppError::Internal("bad path".into()))?;
    let may_record = task.state == "assigned"
        && fazhi_domain::authz::role_allows(actor.role, Action::Inspect)
        && (me.is_some_and(|m| task.officers().contains(&m))
            || (fazhi_domain::authz::role_allows(actor.role, Action::PlanInspections)
                && actor.agency_path.covers(&task_path)));
    let verdict = Verdict::parse(&task.result);
    let may_open_case = task.case_id == 0
        && verdict.is_some_and(Verdict::found_problems)
        && fazhi_domain::authz::role_allows(actor.role, Action::HandleCases);
    let attachments =
        fazhi_store::attachments::for_subject(&app.db, &format!("inspection:{id}")).await?;
    let overdue =
        task.state == "assigned" && task.due_on.as_str() < today(app).to_string().as_str();
    Ok(TaskView {
        officers,
        item,
        verdict,
        joint,
        warnings,
        rating,
        may_record,
        may_open_case,
        attachments,
        overdue,
        task,
    })
}

/// A stored task as burden control sees it: on its inspection date when
/// done, else on its due date.
pub(crate) fn visit_of(v: &VisitRow) -> Option<Visit> {
    let on = if v.done_on.is_empty() {
        &v.due_on
    } else {
        &v.done_on
    };
    Some(Visit {
        task_id: v.id,
        entity_id: v.entity_id,
        on: on.parse().ok()?,
        visit: v.visit,
        done: v.state == "done",
    })
}

/// The burden-control limits of the rules in force for `actor`'s province
/// (a plan's own cap first).
async fn limits(
    app: &App,
    actor: &Actor,
    agency_id: i64,
    plan_cap: i64,
) -> Result<BurdenLimits, AppError> {
    let jurisdiction = jurisdiction_of(app, agency_id).await?;
    let cal = crate::law::calendar_for(app, None).await?;
    let ctx = crate::cases::ctx(app, actor, &cal, &jurisdiction);
    BurdenLimits::from_rules(&ctx, u32::try_from(plan_cap).unwrap_or(0))
        .map_err(|e| AppError::Internal(format!("burden rules: {e}")))
}

/// Burden warnings for the task's entity this year and last.
async fn entity_warnings(
    app: &App,
    actor: &Actor,
    task: &TaskRow,
) -> Result<Vec<Warning>, AppError> {
    let from = format!("{:04}-01-01", today(app).year() - 1);
    let visits: Vec<Visit> = store::visits_of_entity(&app.db, task.entity_id, &from)
        .await?
        .iter()
        .filter_map(visit_of)
        .collect();
    let cap = match task.yearly_cap {
        0 => store::plan_cap_of_entity(&app.db, task.entity_id, &from).await?,
        c => c,
    };
    Ok(inspection::warnings(
        &visits,
        limits(app, actor, task.agency_id, cap).await?,
    ))
}

/// The result form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ResultForm {
    pub version: String,
    pub done_on: String,
    pub result: String,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub opinion: String,
    #[serde(default)]
    pub rectify_by: String,
    /// Officer ids present, comma-separated (the task's officers by default).
    #[serde(default)]
    pub present: String,
}

/// Record the result of an inspection (and of every task merged into the same
/// visit). A correction order creates the re-check task. Returns the re-check
/// task id, if any.
pub async fn record(
    app: &App,
    actor: &Actor,
    id: i64,
    form: &ResultForm,
) -> Result<Option<i64>, AppError> {
    authorize(actor, Action::Inspect, None)?;
    let view = task(app, actor, id).await?;
    let task = &view.task;
    if !view.may_record {
        return Err(AppError::Conflict {
            zh: "只有执行本次检查的执法人员（或补录纸质记录的本机关负责人）可以记录检查结果".into(),
            en: "only the inspection's officers (or a head of the agency entering paper records) may record its result".into(),
        });
    }
    if task.state != "assigned" {
        return Err(AppError::Conflict {
            zh: "本次检查已记录结果".into(),
            en: "this inspection has a result already".into(),
        });
    }
    let version: i64 = form.version.trim().parse().map_err(|_| {
        AppError::invalid(
            "version",
            "表单缺少版本号，请刷新页面",
            "the form has no version; reload the page",
        )
    })?;
    let done_on = parse_date("done_on", &form.done_on)?;
    let verdict = Verdict::parse(form.result.trim()).ok_or_else(|| {
        AppError::invalid(
            "result",
            "请选择检查结果（合格、不合格、责令整改）",
            "choose the result",
        )
    })?;
    let findings = bounded("findings", &form.findings, TEXT_CHARS_MAX)?;
    let opinion = bounded("opinion", &form.opinion, TEXT_CHARS_MAX)?;
    let rectify_by = if form.rectify_by.trim().is_empty() {
        None
    } else {
        Some(parse_date("rectify_by", &form.rectify_by)?)
    };
    let present_ids: Vec<i64> = if form.present.trim().is_empty() {
        task.officers()
    } else {
        form.present
            .split(',')
            .map(|s| {
                s.trim().parse::<i64>().map_err(|_| {
                    AppError::invalid(
                        "present",
                        "在场执法人员编号无效",
                        "bad officer id in the present list",
                    )
                })
            })
            .collect::<Result<_, _>>()?
    };
    let domains: Vec<&str> = task.entity_domains.split(',').collect();
    let item_domain = view.item.as_ref().map(|i| i.domain.clone());
    let mut present = Vec::new();
    for pid in &present_ids {
        let o = store::officer_by_id(&app.db, *pid).await?.ok_or_else(|| {
            AppError::invalid(
                "present",
                format!("执法人员 {pid} 不存在"),
                format!("no officer {pid}"),
            )
        })?;
        let v = officer_view(o, done_on);
        let covered = v.domains.iter().any(|d| match &item_domain {
            Some(item) => item.split(',').any(|i| i == d),
            None => domains.contains(&d.as_str()),
        });
        present.push(Present {
            officer_id: v.id,
            name: v.name,
            credential_valid: v.credential_valid,
            domain_covered: covered,
        });
    }
    let jurisdiction = jurisdiction_of(app, task.agency_id).await?;
    let cal = crate::law::calendar_for(app, AgencyPath::parse(&task.agency_path).as_ref()).await?;
    let ctx = crate::cases::ctx(app, actor, &cal, &jurisdiction);
    let accepted = inspection::check_result(
        &ResultInput {
            done_on,
            verdict,
            findings: findings.clone(),
            opinion: opinion.clone(),
            rectify_by,
            present,
        },
        &ctx,
    )
    .map_err(|r| AppError::Refused {
        rule_id: r.rule_id,
        citation: r.citation,
        zh: r.message_zh,
        en: r.message_en,
    })?;
    let evidence: Vec<String> = view.attachments.iter().map(|a| a.sha256.clone()).collect();
    let evidence_text = evidence.join(",");
    let publish_by = accepted
        .publish_by
        .map(|d| d.to_string())
        .unwrap_or_default();
    let rectify_text = rectify_by.map(|d| d.to_string()).unwrap_or_default();
    let now = app.now_us();
    let mut tx = app.db.begin().await?;
    // The lead task and every task merged into its visit get the same result;
    // any of them changed meanwhile rolls the whole visit back.
    let done_text = done_on.to_string();
    let result = store::TaskResult {
        done_on: &done_text,
        result: verdict.code(),
        findings: &findings,
        opinion: &opinion,
        rectify_by: &rectify_text,
        evidence: &evidence_text,
        publish_by: &publish_by,
        officer_ids: &present_ids,
    };
    let mut recorded = Vec::new();
    let visit = std::iter::once((task.id, version)).chain(
        view.joint
            .iter()
            .filter(|t| t.state == "assigned")
            .map(|t| (t.id, t.version)),
    );
    for (tid, tversion) in visit {
        if !store::record_result(&mut tx, tid, tversion, &result, now).await? {
            return Err(AppError::Conflict {
                zh: "检查任务已被他人修改，请刷新后重新填写".into(),
                en: "the task changed meanwhile; reload and fill in again".into(),
            });
        }
        recorded.push(tid);
    }
    let mut recheck = None;
    if let Some(due) = accepted.recheck_due {
        let code = crate::random_token(CODE_BYTES)?;
        let rid = store::insert_task(
            &mut tx,
            &store::NewTask {
                agency_id: task.agency_id,
                plan_id: task.plan_id,
                draw_id: task.draw_id,
                entity_id: task.entity_id,
                source: "recheck",
                basis: &format!(
                    "复查：{}（卫生监督意见书整改期限 {}）",
                    task.basis, rectify_text
                ),
                officer_ids: &present_ids,
                due_on: &due.to_string(),
                recheck_of: task.id,
                code: &code,
            },
            now,
        )
        .await?;
        recheck = Some(rid);
    }
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(task.agency_id),
        EventKind::InspectionRecorded,
        format!("inspection:{}", task.id),
        serde_json::json!({ "tasks": recorded, "entity": task.entity_id, "done_on": done_on.to_string(),
            "result": verdict.code(), "findings": findings, "opinion": opinion, "rectify_by": rectify_text,
            "officers": present_ids, "evidence": evidence,
            "entered_by_officer": store::officer_of_user(&app.db, actor.user_id).await?.is_some_and(|m| present_ids.contains(&m)), "publish_by": publish_by, "recheck_task": recheck }),
    )
    .await?;
    tx.commit().await?;
    Ok(recheck)
}

/// The ad hoc inspection form (complaint-driven or targeted; not random).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct AdHocForm {
    pub uscc: String,
    /// `adhoc` or `complaint`.
    pub source: String,
    pub basis: String,
    /// Staff number of the second officer (the actor's own officer is first).
    pub second_officer: String,
    pub due_on: String,
    /// Needed when the entity reaches its yearly cap.
    #[serde(default)]
    pub over_cap_reason: String,
}

/// Arrange an ad hoc inspection. Refused past the yearly cap unless a reason
/// is given (the reason is logged).
pub async fn create_adhoc(app: &App, actor: &Actor, form: &AdHocForm) -> Result<i64, AppError> {
    authorize(actor, Action::Inspect, None)?;
    let source = match form.source.trim() {
        "adhoc" | "complaint" => form.source.trim(),
        _ => {
            return Err(AppError::invalid(
                "source",
                "请选择检查来源（投诉举报、专项或其他）",
                "choose why the entity is inspected",
            ));
        }
    };
    let basis = bounded("basis", &form.basis, 200)?;
    if basis.is_empty() {
        return Err(AppError::invalid(
            "basis",
            "请写明检查依据（投诉举报编号、专项任务等）",
            "give the basis of the inspection",
        ));
    }
    let entity = store::entity_brief(&app.db, form.uscc.trim())
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "uscc",
                "名录中没有这个统一社会信用代码的单位",
                "no entity with this USCC in the registry",
            )
        })?;
    let entity_path = AgencyPath::parse(&entity.agency_path)
        .ok_or_else(|| AppError::Internal("bad path".into()))?;
    authorize(actor, Action::Inspect, Some(&entity_path))?;
    let me = store::officer_of_user(&app.db, actor.user_id)
        .await?
        .ok_or_else(|| AppError::Conflict {
            zh: "您的账号尚未关联执法人员名录，不能安排检查".into(),
            en: "your account is not linked to an officer of the registry".into(),
        })?;
    let second = fazhi_store::registry::get_officer(
        &app.db,
        &AgencyPath::whole_tree(),
        form.second_officer.trim(),
    )
    .await?
    .ok_or_else(|| {
        AppError::invalid(
            "second_officer",
            "请填写另一名执法人员的工号（检查须两名以上执法人员，《行政处罚法》第四十二条）",
            "give the staff number of the second officer (two officers, Art. 42)",
        )
    })?;
    let second_id = second.id;
    if second_id == me {
        return Err(AppError::invalid(
            "second_officer",
            "另一名执法人员不能是您本人",
            "the second officer must be someone else",
        ));
    }
    let due = parse_date("due_on", &form.due_on)?;
    if due < today(app) {
        return Err(AppError::invalid(
            "due_on",
            "检查日期不能早于今天",
            "the date cannot be in the past",
        ));
    }
    // Burden control: the yearly cap, counting this visit.
    let from = format!("{:04}-01-01", due.year());
    let mut visits: Vec<Visit> = store::visits_of_entity(&app.db, entity.id, &from)
        .await?
        .iter()
        .filter_map(visit_of)
        .collect();
    visits.push(Visit {
        task_id: 0,
        entity_id: entity.id,
        on: due,
        visit: 0,
        done: false,
    });
    let plan_cap = store::plan_cap_of_entity(&app.db, entity.id, &from).await?;
    let lim = limits(app, actor, entity.agency_id, plan_cap).await?;
    let over = inspection::warnings(&visits, lim)
        .into_iter()
        .find(|w| matches!(w, Warning::YearlyCapExceeded { .. }));
    let over_reason = form.over_cap_reason.trim().to_owned();
    if let Some(w) = &over
        && over_reason.is_empty()
    {
        let citation = app
            .law
            .rules
            .get(
                "insp_yearly_cap",
                &jurisdiction_of(app, entity.agency_id).await?,
                today(app),
            )
            .map(|r| r.citation.clone())
            .map_err(|e| AppError::Internal(format!("rule: {e}")))?;
        return Err(AppError::Refused {
            rule_id: "insp_yearly_cap",
            citation,
            zh: format!("{}；确需检查的，请填写超出上限的理由", w.text_zh()),
            en: format!(
                "{}; give the reason if the inspection is necessary",
                w.text_en()
            ),
        });
    }
    let code = crate::random_token(CODE_BYTES)?;
    let mut tx = app.db.begin().await?;
    let id = store::insert_task(
        &mut tx,
        &store::NewTask {
            agency_id: entity.agency_id,
            plan_id: 0,
            draw_id: 0,
            entity_id: entity.id,
            source,
            basis: &basis,
            officer_ids: &[me, second_id],
            due_on: &due.to_string(),
            recheck_of: 0,
            code: &code,
        },
        app.now_us(),
    )
    .await?;
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(entity.agency_id),
        EventKind::InspectionCreated,
        format!("inspection:{id}"),
        serde_json::json!({ "entity": entity.id, "source": source, "basis": basis, "officers": [me, second_id],
            "due_on": due.to_string(), "over_cap_reason": over.map(|_| over_reason) }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Merge open tasks on one entity into one joint visit (综合查一次), led by
/// the earliest task. Its officers carry it out; one result closes them all.
pub async fn merge(app: &App, actor: &Actor, ids: &[i64]) -> Result<i64, AppError> {
    authorize(actor, Action::PlanInspections, None)?;
    if ids.len() < 2 {
        return Err(AppError::invalid(
            "tasks",
            "至少选择两项任务合并",
            "choose two or more tasks",
        ));
    }
    let mut tasks = Vec::new();
    for id in ids {
        let t = store::get_task(&app.db, *id).await?.ok_or_else(not_found)?;
        let path = AgencyPath::parse(&t.agency_path)
            .ok_or_else(|| AppError::Internal("bad path".into()))?;
        authorize(actor, Action::PlanInspections, Some(&path))?;
        tasks.push(t);
    }
    if tasks.iter().any(|t| t.entity_id != tasks[0].entity_id) {
        return Err(AppError::invalid(
            "tasks",
            "只能合并同一单位的检查任务",
            "only tasks on the same entity can be merged",
        ));
    }
    tasks.sort_by(|a, b| (&a.due_on, a.id).cmp(&(&b.due_on, b.id)));
    let lead = tasks[0].id;
    let all: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    let mut tx = app.db.begin().await?;
    if !store::merge_visit(&mut tx, &all, lead, app.now_us()).await? {
        return Err(AppError::Conflict {
            zh: "只能合并尚未完成的检查任务".into(),
            en: "only open tasks can be merged".into(),
        });
    }
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(tasks[0].agency_id),
        EventKind::InspectionMerged,
        format!("inspection:{lead}"),
        serde_json::json!({ "lead": lead, "tasks": all, "entity": tasks[0].entity_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(lead)
}

/// The burden page: merge proposals and warnings for the scope.
#[derive(Debug, Clone, Serialize)]
pub struct Burden {
    pub proposals: Vec<Vec<TaskRow>>,
    pub warnings: Vec<(Warning, String)>,
    pub limits_cap: Option<u32>,
    pub window_days: Option<u32>,
}

pub async fn burden(app: &App, actor: &Actor) -> Result<Burden, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let today = today(app);
    let from = format!("{:04}-01-01", today.year());
    let rows = store::visits_since(&app.db, &actor.agency_path, &from).await?;
    let visits: Vec<Visit> = rows.iter().filter_map(visit_of).collect();
    let lim = limits(app, actor, actor.agency_id, 0).await?;
    let open: Vec<Visit> = visits
        .iter()
        .filter(|v| !v.done && v.on >= today)
        .cloned()
        .collect();
    let mut proposals = Vec::new();
    let groups = match lim.joint_window_days {
        Some(window) => inspection::merge_proposals(&open, window),
        None => Vec::new(),
    };
    for group in groups {
        let mut tasks = Vec::new();
        for id in group {
            if let Some(t) = store::get_task(&app.db, id).await? {
                tasks.push(t);
            }
        }
        proposals.push(tasks);
    }
    let names: HashMap<i64, String> = crate::registry::entity_names(app, actor).await?;
    let warnings = inspection::warnings(&visits, lim)
        .into_iter()
        .map(|w| {
            let name = names.get(&w.entity_id()).cloned().unwrap_or_default();
            (w, name)
        })
        .collect();
    Ok(Burden {
        proposals,
        warnings,
        limits_cap: lim.yearly_cap,
        window_days: lim.joint_window_days,
    })
}

/// What the inspection code shows to anyone (亮码入企): who inspects, on what
/// basis, when. No findings before publication, no personal data beyond the
/// officers' names and credential numbers.
#[derive(Debug, Clone, Serialize)]
pub struct PublicCheck {
    pub code: String,
    pub agency_name: String,
    pub entity_name: String,
    pub basis: String,
    pub plan_name: String,
    pub item_code: String,
    pub officers: Vec<TaskOfficer>,
    pub due_on: String,
    pub done_on: String,
    pub state: String,
    pub result: Option<Verdict>,
    pub rated: bool,
}

/// Inspection codes are 16 lowercase hex characters.
fn parse_code(code: &str) -> Option<String> {
    let c = code.trim().to_ascii_lowercase();
    (c.len() == CODE_BYTES * 2 && c.bytes().all(|b| b.is_ascii_hexdigit())).then_some(c)
}

pub async fn public_check(app: &App, code: &str) -> Result<PublicCheck, AppError> {
    let code = parse_code(code).ok_or(AppError::NotFound {
        zh: "检查码",
        en: "inspection code",
    })?;
    let task = store::task_by_code(&app.db, &code)
        .await?
        .ok_or(AppError::NotFound {
            zh: "检查码",
            en: "inspection code",
        })?;
    let on = task.done_on.parse().unwrap_or_else(|_| today(app));
    let officers = task_officers(app, &task.officers(), on).await?;
    let rated = store::rating_of(&app.db, task.id).await?.is_some();
    // The result is public once recorded (一公开); findings stay in the back office.
    let result = Verdict::parse(&task.result);
    Ok(PublicCheck {
        code,
        agency_name: task.agency_name,
        entity_name: task.entity_name,
        basis: task.basis,
        plan_name: task.plan_name,
        item_code: task.item_code,
        officers,
        due_on: task.due_on,
        done_on: task.done_on,
        state: task.state,
        result,
        rated,
    })
}

/// An anonymous rating of a visit by the entity holding its code; once per code.
pub async fn rate(app: &App, code: &str, stars: &str, comment: &str) -> Result<(), AppError> {
    let check = public_check(app, code).await?;
    let stars: i64 = match stars.trim().parse() {
        Ok(n @ 1..=5) => n,
        _ => {
            return Err(AppError::invalid(
                "stars",
                "请选择 1 到 5 星",
                "choose 1 to 5 stars",
            ));
        }
    };
    let comment = bounded("comment", comment, COMMENT_CHARS_MAX)?;
    let task = store::task_by_code(&app.db, &check.code)
        .await?
        .ok_or_else(not_found)?;
    let mut tx = app.db.begin().await?;
    if !store::insert_rating(&mut tx, task.id, stars, &comment, app.now_us()).await? {
        return Err(AppError::Conflict {
            zh: "本次检查已评价过".into(),
            en: "this inspection was rated already".into(),
        });
    }
    // The log carries the stars only: the comment stays with the supervisors.
    app.log(
        &mut tx,
        None,
        Some(task.agency_id),
        EventKind::InspectionRated,
        format!("inspection:{}", task.id),
        serde_json::json!({ "stars": stars, "comment_chars": comment.chars().count() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Link a case opened from a finding (called in the case's transaction).
pub(crate) async fn check_case_source(
    app: &App,
    actor: &Actor,
    task_id: i64,
) -> Result<TaskRow, AppError> {
    let t = store::get_task(&app.db, task_id)
        .await?
        .ok_or_else(not_found)?;
    let path =
        AgencyPath::parse(&t.agency_path).ok_or_else(|| AppError::Internal("bad path".into()))?;
    authorize(actor, Action::HandleCases, Some(&path))?;
    if !Verdict::parse(&t.result).is_some_and(Verdict::found_problems) {
        return Err(AppError::invalid(
            "task_id",
            "只有发现问题的检查可以作为案源立案",
            "only an inspection that found problems can open a case",
        ));
    }
    if t.case_id != 0 {
        return Err(AppError::Conflict {
            zh: format!("该检查已立案（案件 {}）", t.case_id),
            en: format!("this inspection opened case {} already", t.case_id),
        });
    }
    Ok(t)
}

pub use fazhi_domain::indicators::Counts;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub year: i16,
    pub all: Counts,
    pub by_level: Vec<(String, Counts)>,
    pub by_domain: Vec<(String, Counts)>,
}

/// Statistics of the tasks of the actor's scope due or done in `year`.
pub async fn stats(app: &App, actor: &Actor, year: i16) -> Result<Stats, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let period =
        Period::year(year).ok_or_else(|| AppError::invalid("year", "年度无效", "bad year"))?;
    let facts = task_facts(app, &actor.agency_path, period.from, period.to).await?;
    let today = today(app);
    let mut by_level: BTreeMap<String, Vec<&TaskFacts>> = BTreeMap::new();
    let mut by_domain: BTreeMap<String, Vec<&TaskFacts>> = BTreeMap::new();
    for t in &facts {
        let level = if t.level.is_empty() {
            match &*t.source {
                "recheck" | "complaint" => t.source.to_string(),
                _ => "adhoc".to_owned(),
            }
        } else {
            t.level.to_string()
        };
        by_level.entry(level).or_default().push(t);
        by_domain.entry(t.domain.to_string()).or_default().push(t);
    }
    let tally = |m: BTreeMap<String, Vec<&TaskFacts>>| {
        m.into_iter()
            .map(|(k, v)| (k, indicators::tally(v, today)))
            .collect()
    };
    Ok(Stats {
        year,
        all: indicators::tally(&facts, today),
        by_level: tally(by_level),
        by_domain: tally(by_domain),
    })
}

/// The tasks of a scope due or done in `[from, to]`, as statistics and
/// indicators count them.
pub(crate) async fn task_facts(
    app: &App,
    scope: &AgencyPath,
    from: Date,
    to: Date,
) -> Result<Vec<TaskFacts>, AppError> {
    let rows = store::stat_rows(&app.db, scope, &from.to_string(), &to.to_string()).await?;
    // The first domain of each distinct list, shared like the lists are.
    let mut first_domain: HashMap<Arc<str>, Arc<str>> = HashMap::new();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let done_on = r.done_on.parse().ok();
            let domain = match r.item_domain.split_once(',') {
                None => Arc::clone(&r.item_domain),
                Some((first, _)) => Arc::clone(
                    first_domain
                        .entry(Arc::clone(&r.item_domain))
                        .or_insert_with(|| first.into()),
                ),
            };
            Some(TaskFacts {
                id: r.id,
                level: r.plan_level,
                source: r.source,
                domain,
                entity_id: r.entity_id,
                visit: r.visit,
                due_on: r.due_on.parse().ok()?,
                verdict: Verdict::parse(&r.result),
                opinion_issued: r.opinion_issued > 0,
                case_opened: r.case_id != 0,
                // A result is published on the public site once recorded (一公开).
                published: done_on.is_some(),
                done_on,
            })
        })
        .collect())
}

/// The yearly cap of visits per entity for a plan: its own, or the rule's default.
pub async fn yearly_cap(
    app: &App,
    actor: &Actor,
    plan: &store::PlanRow,
) -> Result<Option<u32>, AppError> {
    Ok(limits(app, actor, plan.agency_id, plan.yearly_cap)
        .await?
        .yearly_cap)
}
