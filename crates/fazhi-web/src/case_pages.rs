//! Case pages: the workbench (my cases, review queue, approvals), the forms
//! that open a case, the case page with its next-step forms, deadlines,
//! warnings and timeline, and the documents of each step for print.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::views::{Nav, render};
use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fazhi_app::AppError;
use fazhi_app::cases::{self, CaseView, OpenInput, Queue, StepInput, SummaryInput};
use fazhi_app::home::format_instant_cst;
use fazhi_domain::action_log::EventKind;
use fazhi_domain::authz::{Action, authorize, role_allows};
use fazhi_domain::case::{
    Case, EXTENSION_REASONS, EvidenceType, Flag, Outcome, PartyKind, REVIEW_CHECKLIST, ReviewState,
    ServiceMethod, Source, Stage,
};
use fazhi_domain::money::Money;
use fazhi_domain::registry::SupervisionDomain;
use fazhi_domain::role::Role;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(workbench).post(open_case))
        .route("/cases/new", get(new_case))
        .route("/cases/summary", post(open_summary))
        .route("/cases/summary/new", get(new_summary))
        .route("/cases/{id}", get(case_page))
        .route("/cases/{id}/steps", post(take_step))
        .route("/cases/{id}/documents/{kind}", get(document))
        .route("/static/document.css", get(document_stylesheet))
}

async fn document_stylesheet() -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/document.css"),
    )
        .into_response()
}

fn stage_name(tr: Tr, s: Stage) -> &'static str {
    tr.pick(s.name_zh(), s.name_en())
}

// ------------------------------------------------------------------ workbench

#[derive(Deserialize, Default)]
pub struct WorkbenchQuery {
    #[serde(default)]
    queue: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    page: crate::paging::PageNo,
}

pub struct CaseRow {
    pub id: i64,
    pub number: String,
    pub party: String,
    pub summary: String,
    pub stage: &'static str,
    pub stage_code: String,
    pub procedure: &'static str,
    pub due: String,
    /// 暂定: the date lies in a year without a loaded holiday schedule.
    pub due_provisional: bool,
    /// `ok`, `amber` (within 3 days), `red` (overdue) or empty.
    pub due_class: &'static str,
    pub fine: String,
    pub flags: i64,
}

#[derive(Template)]
#[template(path = "cases.html")]
pub struct WorkbenchPage {
    pub t: Tr,
    pub nav: Nav,
    pub tabs: Vec<(&'static str, &'static str, bool)>,
    pub queue: String,
    pub q: String,
    pub stage: String,
    pub stages: Vec<(&'static str, &'static str, i64)>,
    pub rows: Vec<CaseRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub can_open: bool,
}

impl WorkbenchPage {
    /// Whether any listed date is provisional (the page then says why).
    pub fn any_provisional(&self) -> bool {
        self.rows.iter().any(|r| r.due_provisional)
    }
}

/// How urgent a due date is on `today`: overdue, within 3 days, or later.
fn due_class(due: &str, today: jiff::civil::Date) -> &'static str {
    match due.parse::<jiff::civil::Date>() {
        Ok(d) if d < today => "red",
        Ok(d) if (d - today).get_days() <= 3 => "amber",
        Ok(_) => "ok",
        Err(_) => "",
    }
}

async fn workbench(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<WorkbenchQuery>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let default_queue = match actor.role {
        Role::LegalReviewer => Queue::Review,
        Role::AgencyHead | Role::SectionHead => Queue::Approval,
        Role::Officer => Queue::Mine,
        _ => Queue::All,
    };
    let queue = if q.queue.is_empty() {
        default_queue
    } else {
        Queue::parse(&q.queue).unwrap_or(default_queue)
    };
    let stage = Stage::parse(&q.stage);
    let page = q.page.get();
    let listed = cases::list(&state.app, &actor, queue, &q.q, stage, page).await;
    let counts = cases::stage_counts(&state.app, &actor).await;
    let ((rows, total), counts) = match (listed, counts) {
        (Ok(l), Ok(c)) => (l, c),
        (Err(e), _) | (_, Err(e)) => return PageError::new(e, tr.lang).into_response(),
    };
    let today = fazhi_app::registry::today_cst(&state.app);
    let pages = ((total + cases::CASE_PAGE_ROWS - 1) / cases::CASE_PAGE_ROWS).max(1);
    let href = |p: i64| {
        format!(
            "/cases?queue={}&q={}&stage={}&page={p}",
            queue.code(),
            crate::auth::percent_encode(&q.q),
            crate::auth::percent_encode(&q.stage)
        )
    };
    let view = WorkbenchPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/cases"),
        tabs: vec![
            (
                "mine",
                tr.pick("我的案件", "My cases"),
                queue == Queue::Mine,
            ),
            (
                "review",
                tr.pick("待法制审核", "Review queue"),
                queue == Queue::Review,
            ),
            (
                "approval",
                tr.pick("待负责人审批", "Awaiting a head"),
                queue == Queue::Approval,
            ),
            ("all", tr.pick("全部案件", "All cases"), queue == Queue::All),
        ],
        queue: queue.code().to_owned(),
        q: q.q.clone(),
        stage: q.stage.clone(),
        stages: Stage::ALL
            .iter()
            .map(|s| {
                let n = counts
                    .iter()
                    .find(|(c, _)| c == s.code())
                    .map_or(0, |(_, n)| *n);
                (s.code(), stage_name(tr, *s), n)
            })
            .filter(|(_, _, n)| *n > 0)
            .collect(),
        rows: rows
            .into_iter()
            .map(|c| {
                let stage = Stage::parse(&c.stage).unwrap_or(Stage::Intake);
                CaseRow {
                    id: c.id,
                    number: if c.decision_number.is_empty() {
                        format!("#{}", c.id)
                    } else {
                        c.decision_number.clone()
                    },
                    party: c.party_name,
                    summary: c.summary,
                    stage: stage_name(tr, stage),
                    stage_code: c.stage.clone(),
                    procedure: if c.procedure == "summary" {
                        tr.pick("简易", "summary")
                    } else {
                        tr.pick("普通", "ordinary")
                    },
                    due_class: due_class(&c.next_due, today),
                    due_provisional: fazhi_app::law::is_provisional_date(&state.app, &c.next_due),
                    due: c.next_due,
                    fine: if c.fine_fen > 0 {
                        Money::from_fen(c.fine_fen).to_string()
                    } else {
                        String::new()
                    },
                    flags: c.flag_count,
                }
            })
            .collect(),
        total,
        page,
        pages,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
        can_open: role_allows(actor.role, Action::HandleCases)
            && matches!(
                actor.role,
                Role::Officer | Role::SectionHead | Role::AgencyHead
            ),
    };
    render(&view, StatusCode::OK, tr)
}

// ------------------------------------------------------------------ opening

#[derive(Template)]
#[template(path = "case_new.html")]
pub struct NewCasePage {
    pub t: Tr,
    pub nav: Nav,
    pub summary_procedure: bool,
    pub action: &'static str,
    pub csrf: String,
    pub error: Option<String>,
    pub sources: Vec<(&'static str, &'static str)>,
    pub domains: Vec<(&'static str, &'static str)>,
    pub powers: Vec<(String, String)>,
    pub officers: Vec<(i64, String)>,
    pub values: std::collections::HashMap<&'static str, String>,
}

impl NewCasePage {
    pub fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

async fn new_case_view(
    state: &AppState,
    user: &PageUser,
    summary_procedure: bool,
    error: Option<String>,
    values: std::collections::HashMap<&'static str, String>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    if let Err(e) = authorize(&actor, Action::HandleCases, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let powers = match cases::penalty_powers(&state.app, &actor).await {
        Ok(p) => p,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let officers = match cases::possible_handlers(&state.app, &actor).await {
        Ok(h) => h
            .into_iter()
            .filter(|h| h.user_id != actor.user_id)
            .map(|h| {
                (
                    h.user_id,
                    format!("{}（{}）", h.display_name, h.staff_no.unwrap_or_default()),
                )
            })
            .collect(),
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let view = NewCasePage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/cases"),
        summary_procedure,
        action: if summary_procedure {
            "/cases/summary"
        } else {
            "/cases"
        },
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error,
        sources: Source::ALL
            .iter()
            .map(|s| (s.code(), s.name_zh()))
            .collect(),
        domains: SupervisionDomain::ALL
            .iter()
            .map(|d| (d.code(), tr.pick(d.name_zh(), d.code())))
            .collect(),
        powers,
        officers,
        values,
    };
    render(&view, status, tr)
}

#[derive(Deserialize, Default)]
pub struct NewCaseQuery {
    /// An inspection whose finding becomes the case source.
    #[serde(default)]
    task: Option<i64>,
}

async fn new_case(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<NewCaseQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let mut values = std::collections::HashMap::new();
    if let Some(id) = q.ok().and_then(|Query(q)| q.task) {
        match fazhi_app::inspection_tasks::task(&state.app, &user.auth.actor(), id).await {
            Ok(v) => {
                let t = v.task;
                let domain = t
                    .entity_domains
                    .split(',')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                values.extend([
                    ("task_id", t.id.to_string()),
                    ("source", "inspection".to_owned()),
                    ("party_kind", "organisation".to_owned()),
                    ("party_name", t.entity_name),
                    ("party_id", t.entity_uscc),
                    ("party_address", t.entity_address),
                    ("domain", domain),
                    ("summary", t.findings),
                    ("act_date", t.done_on),
                ]);
            }
            Err(e) => return PageError::new(e, user.tr.lang).into_response(),
        }
    }
    new_case_view(&state, &user, false, None, values).await
}

async fn new_summary(State(state): State<AppState>, user: PageUser) -> Response {
    new_case_view(&state, &user, true, None, Default::default()).await
}

fn form_error(tr: Tr) -> PageError {
    PageError::new(
        AppError::invalid(
            "form",
            "表单字段不完整，请从页面提交",
            "the form is incomplete; submit it from the page",
        ),
        tr.lang,
    )
}

async fn open_case(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<OpenInput>, FormRejection>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::HandleCases, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Form(input)) = form else {
        return form_error(tr).into_response();
    };
    match cases::open(&state.app, &user.auth.actor(), &input).await {
        Ok(id) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Refused { .. })) => {
            let values = [
                ("source", input.source.clone()),
                ("party_kind", input.party_kind.clone()),
                ("party_name", input.party_name.clone()),
                ("party_id", input.party_id.clone()),
                ("party_address", input.party_address.clone()),
                ("domain", input.domain.clone()),
                ("power_code", input.power_code.clone()),
                ("summary", input.summary.clone()),
                ("act_date", input.act_date.clone()),
                ("task_id", input.task_id.clone()),
            ]
            .into_iter()
            .collect();
            new_case_view(
                &state,
                &user,
                false,
                Some(tr.pick(&e.message_zh(), &e.message_en()).to_owned()),
                values,
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

async fn open_summary(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<SummaryInput>, FormRejection>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::HandleCases, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Form(input)) = form else {
        return form_error(tr).into_response();
    };
    match cases::open_summary(&state.app, &user.auth.actor(), &input).await {
        Ok(id) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Refused { .. })) => {
            let values = [
                ("party_kind", input.party_kind.clone()),
                ("party_name", input.party_name.clone()),
                ("party_id", input.party_id.clone()),
                ("party_address", input.party_address.clone()),
                ("domain", input.domain.clone()),
                ("power_code", input.power_code.clone()),
                ("summary", input.summary.clone()),
                ("legal_basis", input.legal_basis.clone()),
                ("fine", input.fine.clone()),
            ]
            .into_iter()
            .collect();
            new_case_view(
                &state,
                &user,
                true,
                Some(tr.pick(&e.message_zh(), &e.message_en()).to_owned()),
                values,
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

// ------------------------------------------------------------------ case page

/// One input of a step form.
pub struct Input {
    pub name: &'static str,
    pub label: String,
    /// `text`, `textarea`, `date`, `money`, `select`, `checks`, `check`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String, bool)>,
    pub required: bool,
}

impl Input {
    fn new(name: &'static str, label: &str, kind: &'static str) -> Input {
        Input {
            name,
            label: label.to_owned(),
            kind,
            value: String::new(),
            options: Vec::new(),
            required: matches!(kind, "text" | "textarea" | "date" | "select"),
        }
    }
    fn value(mut self, v: impl Into<String>) -> Input {
        self.value = v.into();
        self
    }
    fn optional(mut self) -> Input {
        self.required = false;
        self
    }
    fn options(mut self, o: impl IntoIterator<Item = (String, String)>) -> Input {
        let value = self.value.clone();
        self.options = o
            .into_iter()
            .map(|(v, l)| {
                let sel = v == value;
                (v, l, sel)
            })
            .collect();
        self
    }
    fn checked_options(mut self, o: impl IntoIterator<Item = (String, String, bool)>) -> Input {
        self.options = o.into_iter().collect();
        self
    }
}

pub struct StepForm {
    pub command: &'static str,
    pub title: String,
    pub hint: String,
    pub inputs: Vec<Input>,
    /// Opened by default (the usual next step).
    pub primary: bool,
}

pub struct TimelineRow {
    pub id: i64,
    pub time: String,
    pub what: String,
    pub who: String,
    /// A live inclusion check against the latest signed checkpoint:
    /// `None` while the event is newer than every checkpoint.
    pub verified: Option<bool>,
}

pub struct Deadline {
    pub label: String,
    pub due: String,
    pub class: &'static str,
    pub rule: String,
    /// 暂定: computed on the provisional calendar (no holiday schedule loaded).
    pub provisional: bool,
    /// The rule version that set it is marked M (to be confirmed).
    pub unconfirmed: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub t: Tr,
    pub nav: Nav,
    pub id: i64,
    pub title: String,
    pub number: String,
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub procedure: &'static str,
    pub facts: Vec<(String, String)>,
    pub progress: Vec<(&'static str, &'static str)>,
    pub deadlines: Vec<Deadline>,
    pub flags: Vec<String>,
    pub forms: Vec<StepForm>,
    pub version: i64,
    pub csrf: String,
    pub error: Option<String>,
    pub evidence: Vec<(String, String, String)>,
    pub documents: Vec<(&'static str, &'static str)>,
    pub timeline: Vec<TimelineRow>,
}

fn yes_no(tr: Tr) -> Vec<(String, String)> {
    vec![
        ("yes".into(), tr.pick("是", "yes").into()),
        ("no".into(), tr.pick("否", "no").into()),
    ]
}

/// The step forms that make sense now, for this role. The machine still
/// decides: a form shown is no promise the step is allowed.
fn forms_for(
    tr: Tr,
    c: &Case,
    role: Role,
    me: i64,
    handlers: &[(i64, String)],
    today: &str,
) -> Vec<StepForm> {
    let is_handler = c.handlers.contains(&me);
    let head = matches!(role, Role::AgencyHead | Role::SectionHead);
    let agency_head = role == Role::AgencyHead;
    let mut f = Vec::new();
    let form =
        |command: &'static str, title: &str, hint: &str, inputs: Vec<Input>, primary: bool| {
            StepForm {
                command,
                title: title.to_owned(),
                hint: hint.to_owned(),
                inputs,
                primary,
            }
        };
    let penalty = c
        .proposal
        .as_ref()
        .is_some_and(|p| p.outcome == Outcome::Penalty);
    match c.stage {
        Stage::Intake if head => {
            f.push(form(
                "file",
                tr.pick("批准立案并指定办案人员", "Approve filing and assign handlers"),
                tr.pick("办案人员不少于两名，须持有效执法证并具备本专业执法资格；系统核对回避关系（《行政处罚法》第四十二、四十三条）。", "At least two certified officers of the domain; recusals are checked (Arts. 42–43)."),
                vec![Input::new("handlers", tr.pick("办案人员", "Handlers"), "checks").checked_options(handlers.iter().map(|(id, n)| (id.to_string(), n.clone(), false)))],
                true,
            ));
            f.push(form(
                "decline_filing",
                tr.pick("不予立案", "Decline to file"),
                "",
                vec![Input::new("reason", tr.pick("理由", "Reason"), "textarea")],
                false,
            ));
        }
        Stage::Investigation => {
            if is_handler {
                f.push(form(
                    "add_evidence",
                    tr.pick("登记证据", "Add evidence"),
                    tr.pick("证据种类以《行政处罚法》第四十六条为准；现场笔录、询问笔录须两名办案人员共同制作。附件先上传到证据库，再填其 SHA-256。", "Statutory evidence types (Art. 46); records need two handlers. Upload attachments to the evidence store first and give their SHA-256."),
                    vec![
                        Input::new("evidence_kind", tr.pick("证据种类", "Type"), "select").options(EvidenceType::ALL.iter().map(|t| (t.code().to_owned(), t.name_zh().to_owned()))),
                        Input::new("title", tr.pick("名称", "Title"), "text"),
                        Input::new("sha256", tr.pick("附件 SHA-256（可选）", "Attachment SHA-256 (optional)"), "text").optional(),
                        Input::new("officers", tr.pick("制作笔录的办案人员", "Officers making the record"), "checks")
                            .optional()
                            .checked_options(handlers.iter().filter(|(id, _)| c.handlers.contains(id)).map(|(id, n)| (id.to_string(), n.clone(), true))),
                    ],
                    c.evidence.is_empty(),
                ));
                let p = propose_inputs(tr);
                f.push(form("propose_outcome", tr.pick("调查终结，提出处理意见", "Finish investigating: propose the outcome"), tr.pick("选择情节后系统按裁量基准给出罚款幅度；超出幅度须书面说明理由并标记督查（《行政处罚法》第三十四条）。", "Pick the circumstance: the benchmark band applies; a fine outside it needs a written reason and is flagged (Art. 34)."), p, !c.evidence.is_empty()));
            }
            if agency_head {
                f.push(form(
                    "preserve",
                    tr.pick(
                        "先行登记保存证据（行政机关负责人批准）",
                        "Preserve evidence (the agency head's approval)",
                    ),
                    tr.pick(
                        "七个工作日内作出处理决定（第五十六条）。",
                        "Decide on it within 7 working days (Art. 56).",
                    ),
                    vec![Input::new(
                        "items",
                        tr.pick("物品清单", "Items"),
                        "textarea",
                    )],
                    false,
                ));
            }
            for (i, p) in c.preservations.iter().enumerate() {
                if p.handled_on.is_none() && (is_handler || head) {
                    f.push(form(
                        "handle_preservation",
                        &format!(
                            "{}：{}",
                            tr.pick("先行登记保存处理决定", "Decide on preserved evidence"),
                            p.items
                        ),
                        "",
                        vec![Input::new("index", "", "hidden").value(i.to_string())],
                        true,
                    ));
                }
            }
        }
        _ => {}
    }
    if matches!(
        c.stage,
        Stage::Investigation | Stage::Proposed | Stage::Review | Stage::Notice | Stage::Hearing
    ) && agency_head
    {
        f.push(form(
            "extend_decision_deadline",
            tr.pick("延长办案期限", "Extend the case period"),
            tr.pick(
                "须为法定事由；人手不足、工作量大不是延期事由。",
                "Only valid reasons; staffing and workload are not.",
            ),
            vec![
                Input::new("reason_code", tr.pick("延期事由", "Reason"), "select").options(
                    EXTENSION_REASONS
                        .iter()
                        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned())),
                ),
                Input::new("days", tr.pick("延长天数", "Days"), "text").value("30"),
            ],
            false,
        ));
    }
    match c.stage {
        Stage::Proposed | Stage::Notice => {
            let needs_review = c.review_required
                && c.review_state != ReviewState::Passed
                && c.review_state != ReviewState::Pending;
            if is_handler
                && (needs_review || (penalty && c.review_state == ReviewState::NotRequested))
            {
                f.push(form(
                    "submit_for_review",
                    tr.pick("提请法制审核", "Submit for legal review"),
                    if c.review_required {
                        tr.pick(
                            "本案依规定须经法制审核，未经审核不得作出决定（第五十八条）。",
                            "This case must be reviewed before any decision (Art. 58).",
                        )
                    } else {
                        tr.pick(
                            "本案不属必须审核情形，也可提请审核。",
                            "Review is optional for this case.",
                        )
                    },
                    vec![],
                    needs_review,
                ));
            }
            if agency_head && c.discussion_required && c.discussion.is_none() {
                f.push(form(
                    "record_discussion",
                    tr.pick("负责人集体讨论", "Collective discussion"),
                    tr.pick(
                        "情节复杂或重大违法行为须集体讨论决定（第五十七条）。",
                        "Complex or major cases are decided collectively (Art. 57).",
                    ),
                    vec![
                        Input::new(
                            "participants",
                            tr.pick(
                                "参加人员（每行一人，不少于三人）",
                                "Participants (one per line, at least three)",
                            ),
                            "textarea",
                        ),
                        Input::new("minutes", tr.pick("讨论记录", "Minutes"), "textarea"),
                        Input::new("conclusion", tr.pick("讨论结论", "Conclusion"), "textarea"),
                    ],
                    true,
                ));
            }
            if c.stage == Stage::Proposed && is_handler && penalty && c.notice.is_none() {
                f.push(form("send_notice", tr.pick("送达行政处罚事先告知书", "Serve the prior notice"), tr.pick("告知拟处罚内容及事实、理由、依据和陈述、申辩、听证权利（第四十四条）。", "Tell the party the proposed penalty, facts, reasons, basis and rights (Art. 44)."), vec![Input::new("date", tr.pick("送达日期", "Served on"), "date").value(today)], !c.review_required || c.review_state == ReviewState::Passed));
            }
            if c.stage == Stage::Notice && is_handler {
                f.push(form(
                    "record_statement",
                    tr.pick(
                        "记录陈述申辩及采纳情况",
                        "Record a statement and the answer",
                    ),
                    tr.pick(
                        "不得因当事人陈述、申辩而加重处罚（第四十五条）。",
                        "A defence may not lead to a heavier penalty (Art. 45).",
                    ),
                    vec![
                        Input::new("text", tr.pick("陈述申辩内容", "Statement"), "textarea"),
                        Input::new("answer", tr.pick("复核意见", "Answer"), "textarea"),
                        Input::new("adopted", tr.pick("采纳", "Adopted"), "check").optional(),
                    ],
                    false,
                ));
                f.push(form(
                    "waive_rights",
                    tr.pick(
                        "当事人书面放弃陈述申辩（及听证）",
                        "The party waives in writing",
                    ),
                    "",
                    vec![],
                    false,
                ));
                if c.notice.as_ref().is_some_and(|n| n.hearing_right) {
                    f.push(form(
                        "request_hearing",
                        tr.pick("当事人申请听证", "The party requests a hearing"),
                        tr.pick(
                            "须在告知后五个工作日内提出（第六十四条）。",
                            "Within 5 working days of the notice (Art. 64).",
                        ),
                        vec![
                            Input::new("date", tr.pick("申请日期", "Requested on"), "date")
                                .value(today),
                        ],
                        false,
                    ));
                }
            }
            if agency_head {
                f.push(form(
                    "decide",
                    tr.pick("作出决定", "Decide"),
                    tr.pick("决定书编号由系统按本机关年度文号自动生成。须经审核的案件未通过审核不得决定；罚款不得高于告知数额。", "The number is issued from the agency's register. No decision without a required review; the fine may not exceed the notified amount."),
                    if penalty {
                        vec![
                            Input::new("fine", tr.pick("罚款（元）", "Fine (yuan)"), "money")
                                .value(c.proposal.as_ref().map_or(String::new(), |p| p.fine.yuan_text()))
                                .optional(),
                            Input::new("publish", tr.pick("公示本决定（双公示：七个工作日内公开）", "Publish this decision (within 7 working days)"), "check")
                                .value("on")
                                .optional(),
                        ]
                    } else {
                        vec![]
                    },
                    c.review_state == ReviewState::Passed || !c.review_required,
                ));
            }
        }
        Stage::Review if role == Role::LegalReviewer => {
            f.push(form(
                "record_review",
                tr.pick("法制审核意见", "Legal review opinion"),
                tr.pick(
                    "逐项审核；办案人员不得审核本案（办审分离）。",
                    "Check every item; handlers may not review their own case.",
                ),
                vec![
                    Input::new(
                        "checklist",
                        tr.pick("审核要点（勾选通过项）", "Checklist (tick what passes)"),
                        "checks",
                    )
                    .optional()
                    .checked_options(
                        REVIEW_CHECKLIST
                            .iter()
                            .map(|(c, n)| ((*c).to_owned(), (*n).to_owned(), false)),
                    ),
                    Input::new("passed", tr.pick("审核结论", "Conclusion"), "select").options(
                        vec![
                            ("yes".into(), tr.pick("同意", "approve").into()),
                            (
                                "no".into(),
                                tr.pick("退回补正", "return for correction").into(),
                            ),
                        ],
                    ),
                    Input::new("opinion", tr.pick("审核意见", "Opinion"), "textarea"),
                ],
                true,
            ));
        }
        Stage::Hearing => {
            let scheduled = c.hearing.as_ref().is_some_and(|h| h.date.is_some());
            if !scheduled && (is_handler || head) {
                f.push(form(
                    "schedule_hearing",
                    tr.pick("发出听证通知", "Schedule the hearing"),
                    tr.pick(
                        "听证七个工作日前通知；主持人不得为本案调查人员。",
                        "Notify 7 working days ahead; the chair is not an investigator.",
                    ),
                    vec![
                        Input::new("date", tr.pick("听证日期", "Hearing date"), "date"),
                        Input::new(
                            "chair",
                            tr.pick("听证主持人（用户编号）", "Chair (user id)"),
                            "text",
                        ),
                    ],
                    true,
                ));
            }
            if scheduled {
                f.push(form(
                    "record_hearing",
                    tr.pick(
                        "听证笔录与听证报告（主持人提交）",
                        "Hearing record and report (by the chair)",
                    ),
                    "",
                    vec![
                        Input::new("record", tr.pick("听证笔录", "Record"), "textarea"),
                        Input::new("report", tr.pick("听证报告", "Report"), "textarea"),
                    ],
                    true,
                ));
            }
        }
        Stage::Decided if is_handler => {
            f.push(form(
                "serve",
                tr.pick("送达行政处罚决定书", "Serve the decision"),
                tr.pick(
                    "当事人不在场的，七个工作日内送达；电子送达须经当事人同意并签订确认书。",
                    "Serve within 7 working days; electronic service needs signed consent.",
                ),
                vec![
                    Input::new("method", tr.pick("送达方式", "Method"), "select").options(
                        ServiceMethod::ALL
                            .iter()
                            .map(|m| (m.code().to_owned(), m.name_zh().to_owned())),
                    ),
                    Input::new("date", tr.pick("送达日期", "Served on"), "date").value(today),
                    Input::new(
                        "receipt",
                        tr.pick(
                            "送达回执（签收人/见证人/录像）",
                            "Receipt (signer, witness or recording)",
                        ),
                        "text",
                    ),
                    Input::new(
                        "electronic_consent",
                        tr.pick(
                            "当事人已同意电子送达并签订确认书",
                            "Signed consent to electronic service",
                        ),
                        "check",
                    )
                    .optional(),
                ],
                true,
            ));
        }
        Stage::Execution | Stage::Enforcement | Stage::Summary if is_handler || head => {
            if c.fine().fen() > c.paid().fen() {
                f.push(form("record_payment", tr.pick("登记缴款", "Record a payment"), tr.pick("逾期每日按罚款数额 3% 加处罚款，总额不超过罚款数额，系统自动计算（第七十二条）。", "Late: 3% a day, at most the fine, computed (Art. 72)."), vec![
                    Input::new("date", tr.pick("缴款日期", "Paid on"), "date").value(today),
                    Input::new("amount", tr.pick("金额（元，含加处罚款）", "Amount (yuan, with late fee)"), "money"),
                    Input::new("collected_on_spot", tr.pick("边远、水上、交通不便地区经当事人提出当场收缴（第六十九条）", "Collected on the spot in a remote area at the party's request (Art. 69)"), "check").optional(),
                ], c.stage == Stage::Execution));
            }
            if c.stage == Stage::Summary {
                f.push(form(
                    "file_summary",
                    tr.pick("当场处罚决定报机关备案", "File the on-the-spot decision"),
                    "",
                    vec![],
                    true,
                ));
            }
            if c.stage == Stage::Execution {
                f.push(form(
                    "send_demand",
                    tr.pick("催告", "Send a demand"),
                    tr.pick(
                        "缴款期限届满未履行的，先催告。",
                        "After the payment period, demand first.",
                    ),
                    vec![],
                    false,
                ));
                if agency_head {
                    f.push(form(
                        "approve_deferral",
                        tr.pick("批准延期（分期）缴纳", "Approve deferral"),
                        "",
                        vec![Input::new("date", tr.pick("延至", "Until"), "date")],
                        false,
                    ));
                }
            }
            if c.stage == Stage::Enforcement {
                if c.court_application_on.is_none() {
                    f.push(form(
                        "apply_to_court",
                        tr.pick("申请人民法院强制执行", "Apply to court for enforcement"),
                        tr.pick(
                            "催告书送达十个工作日后仍未履行的，可以申请。",
                            "10 working days after the demand.",
                        ),
                        vec![],
                        true,
                    ));
                } else {
                    f.push(form(
                        "record_court_result",
                        tr.pick("登记法院执行结果", "Record the court's result"),
                        "",
                        vec![Input::new("result", tr.pick("结果", "Result"), "textarea")],
                        true,
                    ));
                }
            }
        }
        Stage::Transfer => {
            let t = c.transfer.as_ref();
            if agency_head && t.is_none_or(|t| t.approved_on.is_none()) {
                f.push(form(
                    "approve_transfer",
                    tr.pick("批准移送公安机关", "Approve the criminal transfer"),
                    tr.pick(
                        "负责人三日内批准；批准后二十四小时内移送。",
                        "Approve within 3 days; transfer within 24 hours.",
                    ),
                    vec![],
                    true,
                ));
            }
            if (is_handler || head)
                && t.is_some_and(|t| t.approved_on.is_some() && t.transferred_on.is_none())
            {
                f.push(form(
                    "record_transferred",
                    tr.pick("已移送公安机关", "Transferred to the police"),
                    "",
                    vec![],
                    true,
                ));
            }
            if (is_handler || head) && t.is_some_and(|t| t.transferred_on.is_some()) {
                f.push(form(
                    "record_police_feedback",
                    tr.pick("公安机关受理反馈", "Police feedback"),
                    "",
                    vec![
                        Input::new("accepted", tr.pick("已立案受理", "Accepted"), "select")
                            .options(yes_no(tr)),
                    ],
                    true,
                ));
            }
        }
        Stage::Closing if head => {
            f.push(form(
                "close",
                tr.pick("结案", "Close the case"),
                "",
                vec![Input::new(
                    "reason",
                    tr.pick("结案报告", "Closing report"),
                    "textarea",
                )],
                true,
            ));
        }
        Stage::Closed | Stage::NotFiled if is_handler || head => {
            f.push(form(
                "archive",
                tr.pick("归档（案卷只读）", "Archive (read-only afterwards)"),
                "",
                vec![],
                true,
            ));
        }
        _ => {}
    }
    // After a decision: remedies, publication, and a later change, revocation or annulment.
    if c.decision.is_some() && c.stage != Stage::Archived && (is_handler || head) {
        let pending = c.remedies.iter().any(|r| r.until.is_none());
        if !pending
            && matches!(
                c.stage,
                Stage::Decided
                    | Stage::Execution
                    | Stage::Enforcement
                    | Stage::Closing
                    | Stage::Closed
            )
        {
            f.push(form(
                "record_remedy",
                tr.pick(
                    "当事人申请复议或提起诉讼",
                    "The party applied for reconsideration or sued",
                ),
                tr.pick(
                    "复议、诉讼期间不计加处罚款（第七十三条）；处罚决定不停止执行。",
                    "No late fee accrues meanwhile (Art. 73); the decision is still executed.",
                ),
                vec![
                    Input::new("remedy_kind", tr.pick("类型", "Kind"), "select").options(vec![
                        ("reconsideration".to_owned(), "行政复议".to_owned()),
                        ("litigation".to_owned(), "行政诉讼".to_owned()),
                    ]),
                    Input::new("date", tr.pick("申请或起诉日期", "Filed on"), "date").value(today),
                ],
                false,
            ));
        }
        if pending {
            f.push(form(
                "record_remedy_concluded",
                tr.pick("复议或诉讼终结", "Reconsideration or lawsuit ended"),
                "",
                vec![
                    Input::new("date", tr.pick("终结日期", "Ended on"), "date").value(today),
                    Input::new("result", tr.pick("结果", "Result"), "textarea"),
                ],
                true,
            ));
        }
    }
    if c.decision.is_some() && c.stage != Stage::Archived {
        if let Some(p) = &c.publication {
            if p.published_on.is_none() && c.alteration.is_none() && (is_handler || head) {
                f.push(form(
                    "record_published",
                    tr.pick("已在门户公示", "Published on the portal"),
                    tr.pick(
                        "自作出决定之日起七个工作日内公示。",
                        "Publish within 7 working days of the decision.",
                    ),
                    vec![],
                    false,
                ));
            }
            if p.withdrawal_due.is_some() && p.withdrawn_on.is_none() && (is_handler || head) {
                f.push(form("record_withdrawn", tr.pick("已撤回公示", "Notice withdrawn"), tr.pick("决定被变更、撤销或确认违法、无效的，应在三个工作日内撤回并说明理由（第四十八条）。", "Withdraw within 3 working days with the reason (Art. 48)."), vec![], true));
            }
        }
        if c.alteration.is_none() && agency_head {
            f.push(form(
                "alter_decision",
                tr.pick("决定被变更、撤销或确认违法、无效", "The decision was changed, revoked or annulled"),
                tr.pick("复议、诉讼或自行纠错后登记；已公示的，系统开始三个工作日撤回期限。", "Record after reconsideration, litigation or self-correction; a published notice must then be withdrawn in 3 working days."),
                vec![
                    Input::new("alteration", tr.pick("情形", "What happened"), "select").options(
                        fazhi_domain::case::AlterationKind::ALL.iter().map(|k| (k.code().to_owned(), k.name_zh().to_owned())),
                    ),
                    Input::new("reason", tr.pick("理由（公开说明）", "Reason (published)"), "textarea"),
                ],
                false,
            ));
        }
    }
    f
}

fn propose_inputs(tr: Tr) -> Vec<Input> {
    vec![
        Input::new("outcome", tr.pick("处理意见", "Outcome"), "select").options(
            [
                Outcome::Penalty,
                Outcome::NoPenalty,
                Outcome::NotEstablished,
                Outcome::TransferToPolice,
            ]
            .iter()
            .map(|o| (o.code().to_owned(), o.name_zh().to_owned())),
        ),
        Input::new("facts", tr.pick("违法事实", "Facts"), "textarea"),
        Input::new("legal_basis", tr.pick("处罚依据", "Legal basis"), "text").optional(),
        Input::new(
            "circumstance",
            tr.pick("情节（裁量基准）", "Circumstance (benchmark)"),
            "select",
        )
        .optional()
        .options(vec![
            (String::new(), tr.pick("—", "—").to_owned()),
            ("minor".into(), "轻微".into()),
            ("ordinary".into(), "一般".into()),
            ("serious".into(), "较重".into()),
            ("grave".into(), "严重".into()),
        ]),
        Input::new("fine", tr.pick("罚款（元）", "Fine (yuan)"), "money").optional(),
        Input::new(
            "confiscation",
            tr.pick("没收违法所得（元）", "Confiscation (yuan)"),
            "money",
        )
        .optional(),
        Input::new(
            "other_penalties",
            tr.pick("其他处罚（警告、吊销许可证等）", "Other penalties"),
            "text",
        )
        .optional(),
        Input::new(
            "heavy_penalty",
            tr.pick(
                "属吊销许可证、责令停产停业等较重处罚",
                "A heavy penalty (revocation, closure …)",
            ),
            "check",
        )
        .optional(),
        Input::new(
            "out_of_band_reason",
            tr.pick("超出裁量幅度的理由", "Reason for a fine outside the band"),
            "textarea",
        )
        .optional(),
        Input::new(
            "education_record",
            tr.pick(
                "教育记录（不予处罚时必填）",
                "Education record (for no penalty)",
            ),
            "textarea",
        )
        .optional(),
        Input::new(
            "major",
            tr.pick(
                "情节复杂或重大违法（须集体讨论）",
                "Complex or major (collective discussion)",
            ),
            "check",
        )
        .optional(),
    ]
}

fn flag_text(tr: Tr, f: &Flag) -> String {
    match f {
        Flag::LimitationNear { ends } => format!(
            "{} {ends}",
            tr.pick("追责时效临近，届满日", "limitation period ends")
        ),
        Flag::OutOfBand => tr
            .pick(
                "罚款超出裁量基准幅度（已书面说明理由）",
                "fine outside the benchmark band (reason given)",
            )
            .to_owned(),
        Flag::DecisionLate { due } => format!(
            "{} {due}",
            tr.pick("超期作出决定，办案期限为", "decided late; due")
        ),
        Flag::ServiceLate { due } => format!(
            "{} {due}",
            tr.pick("超期送达，送达期限为", "served late; due")
        ),
        Flag::PreservationLate { due } => format!(
            "{} {due}",
            tr.pick(
                "先行登记保存超期处理，期限为",
                "preservation handled late; due"
            )
        ),
        Flag::CalendarMissing { rule_id } => format!(
            "{}（{rule_id}）",
            tr.pick(
                "期限所在年度的节假日安排尚未导入，期限待定",
                "the holiday calendar of the deadline's year is not loaded; deadline pending"
            )
        ),
        Flag::ProvisionalDeadline {
            rule_id,
            due,
            years,
        } => format!(
            "{} {due}（{rule_id}，{}）：{}",
            tr.get("deadline.provisional"),
            years
                .iter()
                .map(i16::to_string)
                .collect::<Vec<_>>()
                .join("、"),
            tr.get("deadline.provisional_why")
        ),
        Flag::DeadlineMoved { rule_id, from, to } => format!(
            "{}（{rule_id}）：{from} → {to}",
            tr.pick(
                "节假日安排导入后期限已重新计算",
                "deadline recomputed after the holiday schedule was imported"
            )
        ),
        Flag::TransferCheck { reason } => reason.clone(),
        Flag::CourtApplicationLate { due } => format!(
            "{} {due}",
            tr.pick(
                "申请法院强制执行超过三个月期限，期限为",
                "court enforcement sought after its 3-month window; due"
            )
        ),
        Flag::TransferLate { approved } => format!(
            "{} {approved}",
            tr.pick(
                "批准移送后超过二十四小时才移送，批准日",
                "transferred more than 24 hours after approval on"
            )
        ),
        Flag::WithdrawalLate { due } => format!(
            "{} {due}",
            tr.pick("超期撤回公示，期限为", "notice withdrawn late; due")
        ),
    }
}

fn progress(c: &Case) -> Vec<(&'static str, &'static str)> {
    let order: &[(Stage, &str)] = match c.procedure {
        fazhi_domain::case::Procedure::Summary => &[
            (Stage::Summary, "当场处罚"),
            (Stage::Execution, "执行"),
            (Stage::Closing, "结案"),
            (Stage::Archived, "归档"),
        ],
        fazhi_domain::case::Procedure::Ordinary => &[
            (Stage::Intake, "受理"),
            (Stage::Investigation, "立案调查"),
            (Stage::Proposed, "处理意见"),
            (Stage::Review, "法制审核"),
            (Stage::Notice, "事先告知"),
            (Stage::Decided, "决定"),
            (Stage::Served, "送达"),
            (Stage::Execution, "执行"),
            (Stage::Closing, "结案"),
            (Stage::Archived, "归档"),
        ],
    };
    let rank = |s: Stage| match s {
        Stage::Intake | Stage::NotFiled => 0,
        Stage::Investigation => 1,
        Stage::Proposed | Stage::Transfer => 2,
        Stage::Review => 3,
        Stage::Notice | Stage::Hearing => 4,
        Stage::Decided | Stage::Summary => 5,
        Stage::Served => 6,
        Stage::Execution | Stage::Enforcement => 7,
        Stage::Closing | Stage::Closed => 8,
        Stage::Archived => 9,
    };
    let now = rank(c.stage);
    order
        .iter()
        .map(|(s, name)| {
            let r = rank(*s);
            (
                *name,
                if r < now {
                    "done"
                } else if r == now {
                    "now"
                } else {
                    "todo"
                },
            )
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    #[serde(default)]
    done: String,
}

async fn render_case(
    state: &AppState,
    user: &PageUser,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let view = match cases::get(&state.app, &actor, id).await {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let events = cases::timeline(&state.app, &actor, id)
        .await
        .unwrap_or_default();
    let handlers: Vec<(i64, String)> = match cases::possible_handlers(&state.app, &actor).await {
        Ok(h) => h
            .into_iter()
            .map(|h| {
                (
                    h.user_id,
                    format!("{}（{}）", h.display_name, h.staff_no.unwrap_or_default()),
                )
            })
            .collect(),
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    // Reviewers and heads above the case's agency are named too.
    let names = cases::account_names(&state.app, &actor)
        .await
        .unwrap_or_default();
    let today = fazhi_app::registry::today_cst(&state.app);
    let mut page = case_view(tr, &view, &actor, &handlers, &events, today, user, error);
    // A deadline set by a rule still to be confirmed (M) says so.
    let jurisdiction = fazhi_app::cases::province_of(&view.agency_region);
    let rules = &state.app.law.rules;
    let on = view.case.filed_on.unwrap_or(view.case.opened_on);
    for d in &mut page.deadlines {
        d.unconfirmed = rules
            .get(&d.rule, &jurisdiction, on)
            .is_ok_and(|r| r.confidence == fazhi_domain::rules::Confidence::M);
    }
    for (row, e) in page.timeline.iter_mut().zip(events.iter().rev()) {
        if let Some(id) = e.actor_user_id
            && let Some((_, n)) = names.iter().find(|(u, _)| *u == id)
        {
            row.who = n.clone();
        }
        // The proof is computed from the stored tree and verified here, per event.
        row.verified = fazhi_app::transparency::inclusion(&state.app, row.id, None)
            .await
            .ok()
            .map(|p| p.verified);
    }
    render(&page, status, tr)
}

#[allow(clippy::too_many_arguments)] // the page gathers everything it shows in one place
fn case_view(
    tr: Tr,
    view: &CaseView,
    actor: &fazhi_domain::authz::Actor,
    handlers: &[(i64, String)],
    events: &[fazhi_domain::action_log::Event],
    today: jiff::civil::Date,
    user: &PageUser,
    error: Option<String>,
) -> CasePage {
    let c = &view.case;
    let name_of = |id: i64| {
        handlers
            .iter()
            .find(|(h, _)| *h == id)
            .map_or_else(|| format!("#{id}"), |(_, n)| n.clone())
    };
    let mut facts = vec![
        (
            tr.pick("当事人", "Party").to_owned(),
            format!(
                "{}（{}）",
                c.party.name,
                if c.party.kind == PartyKind::Organisation {
                    c.party.id_number.clone()
                } else {
                    fazhi_domain::ident::IdCardNumber::parse(&c.party.id_number)
                        .map(|i| i.masked())
                        .unwrap_or_default()
                }
            ),
        ),
        (tr.pick("案由", "Matter").to_owned(), c.summary.clone()),
        (
            tr.pick("权力事项", "Power").to_owned(),
            c.power_code.clone(),
        ),
        (
            tr.pick("专业", "Domain").to_owned(),
            tr.pick(c.domain.name_zh(), c.domain.code()).to_owned(),
        ),
        (
            tr.pick("案源", "Source").to_owned(),
            c.source.name_zh().to_owned(),
        ),
        (
            tr.pick("违法行为日期", "Act date").to_owned(),
            c.act_date.to_string(),
        ),
        (
            tr.pick("承办机构", "Agency").to_owned(),
            view.agency_name.clone(),
        ),
    ];
    if !c.handlers.is_empty() {
        facts.push((
            tr.pick("办案人员", "Handlers").to_owned(),
            c.handlers
                .iter()
                .map(|h| name_of(*h))
                .collect::<Vec<_>>()
                .join("、"),
        ));
    }
    if let Some(p) = &c.proposal {
        facts.push((
            tr.pick("处理意见", "Proposal").to_owned(),
            format!(
                "{}；{}",
                p.outcome.name_zh(),
                if p.fine.fen() > 0 {
                    format!("罚款 {}", p.fine)
                } else {
                    p.other_penalties.clone()
                }
            ),
        ));
        if let Some(b) = &p.band {
            facts.push((
                tr.pick("裁量基准", "Benchmark").to_owned(),
                format!(
                    "{} {} – {}（第 {} 版，{}）",
                    b.circumstance.name_zh(),
                    b.min,
                    b.max,
                    b.version,
                    b.citation
                ),
            ));
        }
    }
    facts.push((
        tr.pick("法制审核", "Legal review").to_owned(),
        match (c.review_required, c.review_state) {
            (_, ReviewState::Passed) => tr.pick("已通过", "passed").to_owned(),
            (_, ReviewState::Pending) => tr.pick("审核中", "pending").to_owned(),
            (_, ReviewState::Returned) => tr.pick("已退回补正", "returned").to_owned(),
            (true, ReviewState::NotRequested) => tr
                .pick("须审核，尚未提请", "required, not yet requested")
                .to_owned(),
            (false, ReviewState::NotRequested) => tr.pick("非必须", "not required").to_owned(),
        },
    ));
    if let Some(d) = &c.decision {
        facts.push((
            tr.pick("决定", "Decision").to_owned(),
            format!(
                "{} {}（{}）",
                d.number,
                if d.fine.fen() > 0 {
                    format!("罚款 {}", d.fine)
                } else {
                    d.other_penalties.clone()
                },
                d.on
            ),
        ));
    }
    if c.fine().fen() > 0 {
        facts.push((
            tr.pick("已缴", "Paid").to_owned(),
            format!("{} / {}", c.paid(), c.fine()),
        ));
    }
    let mut deadlines = Vec::new();
    let mut push = |label: &str, due: Option<jiff::civil::Date>, rule: &str, open: bool| {
        if let Some(d) = due {
            let s = d.to_string();
            let provisional = c.flags.iter().any(|f| {
                matches!(f, Flag::ProvisionalDeadline { rule_id, due, .. } if rule_id == rule && *due == d)
            });
            deadlines.push(Deadline {
                label: label.to_owned(),
                class: if open { due_class(&s, today) } else { "ok" },
                due: s,
                rule: rule.to_owned(),
                provisional,
                unconfirmed: false,
            });
        }
    };
    let deciding = matches!(
        c.stage,
        Stage::Investigation | Stage::Proposed | Stage::Review | Stage::Notice | Stage::Hearing
    );
    push(
        tr.pick("追责时效", "Limitation"),
        c.limitation_ends.filter(|_| c.filed_on.is_none()),
        "ap_limitation",
        c.stage == Stage::Intake,
    );
    push(
        tr.pick("作出决定", "Decision due"),
        c.decision_due,
        "hp_decision_deadline",
        deciding,
    );
    for p in &c.preservations {
        push(
            tr.pick("先行登记保存处理", "Preservation decision"),
            p.due,
            "ap_evidence_preservation",
            p.handled_on.is_none(),
        );
    }
    if let Some(n) = &c.notice {
        push(
            tr.pick("陈述申辩期", "Statement period"),
            n.statement_until,
            "ap_statement_period",
            c.stage == Stage::Notice,
        );
        push(
            tr.pick("听证申请期", "Hearing request period"),
            n.hearing_request_until,
            "ap_hearing_request",
            c.stage == Stage::Notice,
        );
    }
    push(
        tr.pick("送达", "Service due"),
        c.service_due,
        "ap_service",
        c.stage == Stage::Decided,
    );
    push(
        tr.pick("缴款", "Payment due"),
        c.deferral_until.or(c.payment_due),
        "ap_payment_deadline",
        c.stage == Stage::Execution,
    );
    push(
        tr.pick("当场处罚备案", "Summary filing"),
        c.summary_filing_due,
        "ap_summary_filing",
        c.stage == Stage::Summary,
    );
    push(
        tr.pick("申请强制执行", "Court enforcement by"),
        c.court_application_due,
        "ac_court_application",
        matches!(c.stage, Stage::Execution | Stage::Enforcement)
            && c.court_application_on.is_none(),
    );
    if let Some(p) = &c.publication {
        push(
            tr.pick("公示", "Publication"),
            p.due,
            "pub_permit_penalty_7wd",
            p.published_on.is_none() && c.alteration.is_none(),
        );
        push(
            tr.pick("撤回公示", "Withdrawal"),
            p.withdrawal_due,
            "pub_withdraw_3d",
            p.withdrawn_on.is_none(),
        );
    }
    if let Some(a) = &c.alteration {
        facts.push((
            tr.pick("决定变动", "Decision altered").to_owned(),
            format!("{}：{}（{}）", a.kind.name_zh(), a.reason, a.on),
        ));
    }
    let number = c
        .decision
        .as_ref()
        .map_or_else(|| format!("#{}", view.id), |d| d.number.clone());
    let documents = documents_of(c);
    CasePage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/cases"),
        id: view.id,
        title: format!("{} · {}", c.party.name, c.summary),
        number,
        stage: stage_name(tr, c.stage),
        stage_code: c.stage.code(),
        procedure: tr.pick(
            c.procedure.name_zh(),
            if c.procedure == fazhi_domain::case::Procedure::Summary {
                "summary procedure"
            } else {
                "ordinary procedure"
            },
        ),
        facts,
        progress: progress(c),
        deadlines,
        flags: c.flags.iter().map(|f| flag_text(tr, f)).collect(),
        forms: if cases::acts_on_cases(actor.role) {
            forms_for(
                tr,
                c,
                actor.role,
                actor.user_id,
                handlers,
                &today.to_string(),
            )
        } else {
            Vec::new()
        },
        version: view.version,
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error,
        evidence: c
            .evidence
            .iter()
            .map(|e| {
                (
                    e.kind.name_zh().to_owned(),
                    e.title.clone(),
                    e.sha256.clone().unwrap_or_default(),
                )
            })
            .collect(),
        documents: documents
            .into_iter()
            .map(|d| (d.code(), d.title()))
            .collect(),
        timeline: events
            .iter()
            .rev()
            .map(|e| {
                let payload: serde_json::Value =
                    serde_json::from_str(&e.payload_json).unwrap_or_default();
                let command = payload["command"].as_str().unwrap_or_default();
                let what = match (EventKind::parse(&e.kind), command) {
                    (Some(EventKind::CaseOpened), _) => {
                        tr.pick("案件受理/当场处罚", "opened").to_owned()
                    }
                    (_, code) => step_name(code).to_owned(),
                };
                TimelineRow {
                    id: e.id,
                    time: format_instant_cst(e.at_us),
                    what,
                    who: e.actor_user_id.map(&name_of).unwrap_or_default(),
                    verified: None,
                }
            })
            .collect(),
    }
}

fn step_name(code: &str) -> &'static str {
    match code {
        "file" => "立案",
        "decline_filing" => "不予立案",
        "add_evidence" => "调查取证",
        "preserve" => "先行登记保存",
        "handle_preservation" => "先行登记保存处理",
        "propose_outcome" => "提出处理意见",
        "submit_for_review" => "提请法制审核",
        "record_review" => "法制审核意见",
        "record_discussion" => "集体讨论",
        "send_notice" => "送达事先告知书",
        "record_statement" => "陈述申辩",
        "waive_rights" => "放弃陈述申辩",
        "request_hearing" => "申请听证",
        "schedule_hearing" => "听证通知",
        "record_hearing" => "听证",
        "extend_decision_deadline" => "延长办案期限",
        "decide" => "作出决定",
        "serve" => "送达决定书",
        "record_payment" => "缴纳罚款",
        "approve_deferral" => "批准延期缴纳",
        "send_demand" => "催告",
        "apply_to_court" => "申请强制执行",
        "record_court_result" => "法院执行结果",
        "approve_transfer" => "批准移送",
        "record_transferred" => "移送公安机关",
        "record_police_feedback" => "公安机关受理反馈",
        "file_summary" => "当场处罚备案",
        "close" => "结案",
        "archive" => "归档",
        _ => "办案步骤",
    }
}

async fn case_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let _ = q.done;
    render_case(&state, &user, id, None, StatusCode::OK).await
}

async fn take_step(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: String,
) -> Response {
    let tr = user.tr;
    // Authorization first: a refused role learns nothing about the case.
    if let Err(e) = authorize(&user.auth.actor(), Action::HandleCases, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    // Repeated fields (handlers, officers, checklist) need a parser that keeps them all.
    let input = match parse_step_form(&body) {
        Ok(i) => i,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    match cases::act(&state.app, &user.auth.actor(), id, &input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Refused { .. })) => {
            render_case(
                &state,
                &user,
                id,
                Some(tr.pick(&e.message_zh(), &e.message_en()).to_owned()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ AppError::Conflict { .. }) => {
            render_case(
                &state,
                &user,
                id,
                Some(tr.pick(&e.message_zh(), &e.message_en()).to_owned()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

/// A urlencoded step form into [`StepInput`], keeping repeated fields.
pub fn parse_step_form(body: &str) -> Result<StepInput, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body)
        .map_err(|_| AppError::invalid("form", "表单无法解析", "the form cannot be read"))?;
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        if k == "csrf" {
            continue;
        }
        if matches!(k.as_str(), "handlers" | "officers" | "checklist") {
            let entry = map
                .entry(k)
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
            if let serde_json::Value::Array(a) = entry {
                a.push(serde_json::Value::String(v));
            }
        } else if k == "version" {
            let n: i64 = v
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("version", "版本号无效", "bad version"))?;
            map.insert(k, serde_json::Value::from(n));
        } else {
            map.insert(k, serde_json::Value::String(v));
        }
    }
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
        AppError::invalid(
            "form",
            format!("表单字段不完整：{e}"),
            format!("the form is incomplete: {e}"),
        )
    })
}

// ------------------------------------------------------------------ documents

/// The documents a case has produced so far, in case-file order.
fn documents_of(c: &Case) -> Vec<fazhi_app::documents::DocKind> {
    fazhi_app::documents::DocKind::ALL
        .into_iter()
        .filter(|d| d.exists_for(c))
        .collect()
}

#[derive(Template)]
#[template(path = "document.html")]
pub struct DocumentPage {
    pub t: Tr,
    pub doc: fazhi_app::documents::Document,
}

#[derive(Deserialize, Default)]
pub struct DocQuery {
    /// `docx` for Word; anything else prints HTML.
    #[serde(default)]
    format: String,
}

async fn document(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, kind)): Path<(i64, String)>,
    Query(q): Query<DocQuery>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let view = match cases::get(&state.app, &actor, id).await {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let Some(kind) = fazhi_app::documents::DocKind::parse(&kind) else {
        return PageError::new(
            AppError::NotFound {
                zh: "文书",
                en: "document",
            },
            tr.lang,
        )
        .into_response();
    };
    let doc = match fazhi_app::documents::render(&state.app, &view, kind).await {
        Ok(doc) => doc,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    if q.format == "docx" {
        return match fazhi_app::documents::to_docx(&doc) {
            Ok(bytes) => (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                            .to_owned(),
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"case-{id}-{}.docx\"", kind.code()),
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => PageError::new(e, tr.lang).into_response(),
        };
    }
    render(&DocumentPage { t: tr, doc }, StatusCode::OK, tr)
}
