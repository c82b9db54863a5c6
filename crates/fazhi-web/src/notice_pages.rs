//! Public notices (双公示): the portal's list with search and filters and a
//! notice's page (no login), and the back office's list, notice page with its
//! steps, and the permit-decision form.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::public_pages::{chrome, reading_for, render as render_public};
use crate::views::{Nav, message, render};
use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fazhi_app::AppError;
use fazhi_app::notices::{self, NoticeStep, NoticeView, PermitInput, PublicQuery};
use fazhi_app::public::Table;
use fazhi_domain::authz::{Action, authorize};
use fazhi_domain::notice::{NoticeKind, NoticeState};
use fazhi_domain::registry::SupervisionDomain;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/notices", get(public_list))
        .route("/public/notices/{id}", get(public_notice))
        .route("/notices", get(list))
        .route("/notices/new", get(new_form).post(register))
        .route("/notices/{id}", get(notice_page))
        .route("/notices/{id}/step", post(step))
}

// ------------------------------------------------------------------ public

#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    script: Option<String>,
    q: Option<String>,
    year: Option<String>,
    kind: Option<String>,
    domain: Option<String>,
    agency: Option<String>,
    before: Option<String>,
}

fn number(v: &Option<String>) -> i64 {
    v.as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(0)
}

/// A notice as a card of the public list: each field with its label.
pub struct Card {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub withdrawn: bool,
    pub fields: Vec<(&'static str, String)>,
}

fn cards(tr: Tr, table: &Table, ids: &[i64]) -> Vec<Card> {
    let cols = table.dataset.columns;
    let at = |row: &[String], key: &str| -> String {
        cols.iter()
            .position(|c| c.key == key)
            .and_then(|i| row.get(i))
            .cloned()
            .unwrap_or_default()
    };
    table
        .rows
        .iter()
        .zip(ids)
        .map(|(row, id)| {
            let withdrawn = !at(row, "statement").is_empty();
            let shown: &[&str] = if withdrawn {
                &[
                    "number",
                    "agency",
                    "decided_on",
                    "published_on",
                    "statement",
                ]
            } else {
                &[
                    "number",
                    "party",
                    "party_code",
                    "agency",
                    "decided_on",
                    "domain",
                    "content",
                    "published_on",
                    "until",
                ]
            };
            Card {
                id: *id,
                kind: at(row, "kind"),
                title: if withdrawn {
                    at(row, "number")
                } else {
                    at(row, "title")
                },
                withdrawn,
                fields: cols
                    .iter()
                    .zip(row)
                    .filter(|(c, v)| shown.contains(&c.key) && !v.is_empty())
                    .map(|(c, v)| (tr.pick(c.zh, c.en), v.clone()))
                    .collect(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "public_notices.html")]
pub struct PublicListPage {
    pub t: Tr,
    pub page: crate::public_pages::Chrome,
    pub q: String,
    pub year: i64,
    pub years: Vec<i64>,
    pub kind: String,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub domain: String,
    pub domains: Vec<(&'static str, &'static str)>,
    pub agency: i64,
    pub agencies: Vec<(i64, String)>,
    pub cards: Vec<Card>,
    pub next: Option<String>,
    pub first: Option<String>,
}

async fn public_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let r = reading_for(&headers, q.script.clone());
    let tr = r.tr;
    let query = PublicQuery {
        q: q.q.clone().unwrap_or_default(),
        year: number(&q.year),
        agency_id: number(&q.agency),
        domain: q.domain.clone().unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        before_id: number(&q.before),
    };
    let app = &state.app;
    let (page, years, agencies) = match tokio::try_join!(
        notices::public_page(app, &query),
        notices::public_years(app),
        notices::public_agencies(app)
    ) {
        Ok(x) => x,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let link = |before: i64| {
        let mut parts = Vec::new();
        let mut add = |k: &str, v: String| {
            if !v.is_empty() && v != "0" {
                parts.push(format!("{k}={}", crate::auth::percent_encode(&v)));
            }
        };
        add("q", query.q.clone());
        add("year", query.year.to_string());
        add("kind", query.kind.clone());
        add("domain", query.domain.clone());
        add("agency", query.agency_id.to_string());
        add("before", before.to_string());
        if parts.is_empty() {
            "/public/notices".to_owned()
        } else {
            format!("/public/notices?{}", parts.join("&"))
        }
    };
    let view = PublicListPage {
        t: tr,
        page: chrome(r, &uri, "notices", page.table.marks),
        cards: cards(tr, &page.table, &page.ids),
        next: page.next_before.map(&link),
        first: (query.before_id > 0).then(|| link(0)),
        q: query.q.clone(),
        year: query.year,
        years,
        kind: query.kind.clone(),
        kinds: NoticeKind::ALL
            .iter()
            .map(|k| (k.code(), tr.pick(k.name_zh(), k.name_en())))
            .collect(),
        domain: query.domain.clone(),
        domains: SupervisionDomain::ALL
            .iter()
            .map(|d| (d.code(), tr.pick(d.name_zh(), d.code())))
            .collect(),
        agency: query.agency_id,
        agencies,
    };
    render_public(&view, r)
}

#[derive(Template)]
#[template(path = "public_notice.html")]
pub struct PublicNoticePage {
    pub t: Tr,
    pub page: crate::public_pages::Chrome,
    pub card: Card,
    pub reply: String,
    pub basis: String,
    pub title: String,
}

async fn public_notice(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let r = reading_for(&headers, q.script.clone());
    let tr = r.tr;
    let table = match notices::public_get(&state.app, id).await {
        Ok(Some(t)) => t,
        Ok(None) => {
            return PageError::new(
                AppError::NotFound {
                    zh: "公示",
                    en: "notice",
                },
                tr.lang,
            )
            .into_response();
        }
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let cell = |key: &str| {
        table
            .dataset
            .columns
            .iter()
            .position(|c| c.key == key)
            .and_then(|i| table.rows.first().and_then(|r| r.get(i)))
            .cloned()
            .unwrap_or_default()
    };
    let reply = cell("reply");
    let basis = cell("basis");
    let mut card = cards(tr, &table, &[id]).pop().unwrap_or(Card {
        id,
        kind: String::new(),
        title: String::new(),
        withdrawn: false,
        fields: Vec::new(),
    });
    let title = card.title.clone();
    card.fields.retain(|(_, v)| *v != title);
    let view = PublicNoticePage {
        t: tr,
        page: chrome(r, &uri, "notices", table.marks),
        title,
        card,
        reply,
        basis,
    };
    render_public(&view, r)
}

// ------------------------------------------------------------ back office

/// A notice as a line of the back-office list.
pub struct Line {
    pub id: i64,
    pub kind: &'static str,
    pub number: String,
    pub party: String,
    pub agency: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub due: String,
    pub published_on: String,
    pub until: String,
    pub overdue: bool,
    pub late: bool,
}

fn line(tr: Tr, v: &NoticeView) -> Line {
    Line {
        id: v.row.id,
        kind: tr.pick(v.notice.kind.name_zh(), v.notice.kind.name_en()),
        number: v.row.number.clone(),
        party: v.row.party_name.clone(),
        agency: v.row.agency_name.clone(),
        state: tr.pick(v.notice.state.name_zh(), v.notice.state.name_en()),
        state_code: v.notice.state.code(),
        due: v.row.due_on.clone(),
        published_on: v.row.published_on.clone(),
        until: v.row.until_on.clone(),
        overdue: v.overdue,
        late: v.published_late || v.withdrawn_late,
    }
}

#[derive(Template)]
#[template(path = "notices.html")]
pub struct ListPage {
    pub t: Tr,
    pub nav: Nav,
    pub state: String,
    pub tabs: Vec<(&'static str, &'static str, i64)>,
    pub lines: Vec<Line>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    state: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let wanted = q.state.unwrap_or_default();
    let (views, counts) = match tokio::try_join!(
        notices::list(&state.app, &actor, &wanted),
        notices::counts(&state.app, &actor)
    ) {
        Ok(x) => x,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let count = |code: &str| {
        counts
            .iter()
            .find(|(s, _)| s == code)
            .map_or(0, |(_, n)| *n)
    };
    let mut tabs = vec![(
        "",
        tr.pick("全部", "All"),
        counts.iter().map(|(_, n)| n).sum(),
    )];
    tabs.extend(
        NoticeState::ALL
            .iter()
            .map(|s| (s.code(), tr.pick(s.name_zh(), s.name_en()), count(s.code()))),
    );
    let view = ListPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/notices"),
        state: wanted,
        tabs,
        lines: views.iter().map(|v| line(tr, v)).collect(),
    };
    render(&view, StatusCode::OK, tr)
}

#[derive(Template)]
#[template(path = "notice.html")]
pub struct NoticePage {
    pub t: Tr,
    pub nav: Nav,
    pub csrf: String,
    pub line: Line,
    pub row: notices::NoticeRow,
    pub public: bool,
    pub withdrawn_late: bool,
    pub can_publish: bool,
    pub can_withdraw: bool,
    pub can_repair: bool,
    pub can_reply: bool,
    pub is_penalty: bool,
    pub retimings: Vec<notices::Retiming>,
    pub error: Option<String>,
}

fn notice_view(
    user: &PageUser,
    v: &NoticeView,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let state = v.notice.state;
    let published = state == NoticeState::Published;
    let is_penalty = v.notice.kind == NoticeKind::Penalty;
    let view = NoticePage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/notices"),
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        line: line(tr, v),
        public: v.public,
        withdrawn_late: v.withdrawn_late,
        can_publish: state == NoticeState::Pending,
        // A penalty notice is withdrawn once its case's decision was altered
        // (the case gives the reason); a permit notice with a reason here.
        can_withdraw: matches!(state, NoticeState::Pending | NoticeState::Published) && !is_penalty,
        can_repair: published
            && is_penalty
            && fazhi_domain::authz::role_allows(user.auth.user.role, Action::RepairCredit),
        can_reply: published,
        is_penalty,
        row: v.row.clone(),
        retimings: v.retimings.clone(),
        error,
    };
    render(&view, status, tr)
}

async fn notice_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> Response {
    match notices::get(&state.app, &user.auth.actor(), id).await {
        Ok(v) => notice_view(&user, &v, None, StatusCode::OK),
        Err(e) => PageError::new(e, user.tr.lang).into_response(),
    }
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    command: String,
    version: i64,
    #[serde(default)]
    text: String,
}

async fn step(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    form: Result<Form<StepForm>, FormRejection>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    if let Err(e) = authorize(&actor, Action::ManageNotices, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Form(f)) = form else {
        return PageError::new(
            AppError::invalid("form", "表单字段不完整", "the form is incomplete"),
            tr.lang,
        )
        .into_response();
    };
    let input = NoticeStep {
        command: f.command,
        version: f.version,
        text: f.text,
    };
    match notices::act(&state.app, &actor, id, &input).await {
        Ok(_) => Redirect::to(&format!("/notices/{id}")).into_response(),
        Err(
            e @ (AppError::Invalid { .. } | AppError::Refused { .. } | AppError::Conflict { .. }),
        ) => {
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            match notices::get(&state.app, &actor, id).await {
                Ok(v) => notice_view(&user, &v, Some(message(tr, &e)), status),
                Err(e) => PageError::new(e, tr.lang).into_response(),
            }
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

#[derive(Deserialize, Default)]
pub struct PermitForm {
    #[serde(default)]
    power_code: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    party_name: String,
    #[serde(default)]
    party_kind: String,
    #[serde(default)]
    party_code: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    content: String,
}

#[derive(Template)]
#[template(path = "notice_new.html")]
pub struct NewPage {
    pub t: Tr,
    pub nav: Nav,
    pub csrf: String,
    pub form: PermitForm,
    pub domains: Vec<(&'static str, &'static str)>,
    pub error: Option<String>,
}

fn new_view(
    user: &PageUser,
    form: PermitForm,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let view = NewPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/notices"),
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        form,
        domains: SupervisionDomain::ALL
            .iter()
            .map(|d| (d.code(), tr.pick(d.name_zh(), d.code())))
            .collect(),
        error,
    };
    render(&view, status, tr)
}

async fn new_form(user: PageUser) -> Response {
    if let Err(e) = authorize(&user.auth.actor(), Action::ManageNotices, None) {
        return PageError::new(e.into(), user.tr.lang).into_response();
    }
    new_view(
        &user,
        PermitForm {
            party_kind: "organisation".into(),
            ..PermitForm::default()
        },
        None,
        StatusCode::OK,
    )
}

async fn register(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<PermitForm>, FormRejection>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::ManageNotices, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Form(f)) = form else {
        return new_view(
            &user,
            PermitForm::default(),
            Some(
                tr.pick("表单字段不完整", "the form is incomplete")
                    .to_owned(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let input = PermitInput {
        power_code: f.power_code.clone(),
        number: f.number.clone(),
        decided_on: f.decided_on.clone(),
        party_name: f.party_name.clone(),
        party_kind: f.party_kind.clone(),
        party_code: f.party_code.clone(),
        domain: f.domain.clone(),
        content: f.content.clone(),
    };
    match notices::register_permit(&state.app, &user.auth.actor(), &input).await {
        Ok(id) => Redirect::to(&format!("/notices/{id}")).into_response(),
        Err(
            e @ (AppError::Invalid { .. } | AppError::Refused { .. } | AppError::Conflict { .. }),
        ) => new_view(
            &user,
            f,
            Some(message(tr, &e)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}
