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

mod documents;
mod forms;
mod view;

use documents::*;
pub use documents::{DocQuery, DocumentPage};
use forms::*;
pub use forms::{Input, StepForm};
use view::*;
pub use view::{CasePage, CaseQuery, Deadline, TimelineRow, parse_step_form};

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
