//! The public's requests: the login-free complaint/report and disclosure
//! forms with their confirmation (the tracking number, shown once), the
//! tracking page with the satisfaction form, and the back office's list,
//! request page with the step forms, and statistics.
//!
//! The tracking number travels in POST bodies, never in URLs, so it does not
//! end up in logs, history or referrers.

use crate::AppState;
use crate::auth::{LOGIN_CSRF_COOKIE, PageUser, RequestAuth};
use crate::client::ClientAddr;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::public_pages::{Chrome, PublicQuery, chrome, reading};
use crate::views::{Nav, message};
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, routing::MethodRouter};
use fazhi_app::AppError;
use fazhi_app::requests::RequestFilter;
use fazhi_app::requests::{self as requests, PublicStatus, RequestView, StepInput, SubmitInput};
use fazhi_domain::request::{Answer, Kind, Link, Outcome, Result_, Satisfaction, State as RState};
use fazhi_domain::role::Role;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/complaints/new", form_route(false))
        .route("/public/disclosure/new", form_route(true))
        .route("/public/track", get(track_form).post(track))
        .route("/public/track/feedback", post(feedback))
        .route("/requests", get(list_page))
        .route("/requests/stats", get(stats_page))
        .route("/requests/{id}", get(request_page))
        .route("/requests/{id}/steps", post(step))
}

fn form_route(disclosure: bool) -> MethodRouter<AppState> {
    get(move |state, headers, auth, uri| new_form(state, headers, auth, uri, disclosure)).post(
        move |state, headers, auth, client, uri, form| {
            submit(state, headers, auth, client, uri, form, disclosure)
        },
    )
}

fn html<T: Template>(view: &T, status: StatusCode, tr: Tr, hant: bool) -> Response {
    match view.render() {
        Ok(h) => {
            let h = if hant {
                crate::public_pages::to_traditional_html(&h)
            } else {
                h
            };
            (status, Html(h)).into_response()
        }
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

/// The CSRF token a public form carries: the session's for a logged-in
/// visitor, else the login double-submit cookie's (set with the page).
fn public_csrf(
    state: &AppState,
    headers: &HeaderMap,
    auth: &RequestAuth,
) -> Result<(String, Option<String>), AppError> {
    if let Some(token) = auth.auth.as_ref().and_then(|a| a.csrf_token.clone()) {
        return Ok((token, None));
    }
    let token = crate::auth::cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|c| c.len() == 64)
        .map_or_else(|| fazhi_app::random_token(32), Ok)?;
    let cookie = crate::auth::set_cookie(LOGIN_CSRF_COOKIE, &token, 3600, state.secure_cookies);
    Ok((token, Some(cookie)))
}

fn with_cookie(cookie: Option<String>, resp: Response) -> Response {
    match cookie {
        Some(c) => ([(header::SET_COOKIE, c)], resp).into_response(),
        None => resp,
    }
}

// ------------------------------------------------------------------ public forms

#[derive(Template)]
#[template(path = "public_request_new.html")]
pub struct NewPage {
    pub t: Tr,
    pub page: Chrome,
    pub disclosure: bool,
    pub action: &'static str,
    pub csrf: String,
    pub agencies: Vec<(i64, String)>,
    pub input: SubmitInput,
    pub error: Option<String>,
    pub error_field: &'static str,
}

#[allow(clippy::too_many_arguments)] // the page's parts, gathered once
async fn render_new(
    state: &AppState,
    headers: &HeaderMap,
    auth: &RequestAuth,
    uri: &Uri,
    disclosure: bool,
    input: SubmitInput,
    error: Option<&AppError>,
    status: StatusCode,
) -> Response {
    let r = reading(headers, &PublicQuery::default());
    let (csrf, cookie) = match public_csrf(state, headers, auth) {
        Ok(x) => x,
        Err(e) => return PageError::new(e, r.tr.lang).into_response(),
    };
    let agencies = match requests::agencies(&state.app).await {
        Ok(a) => a,
        Err(e) => return PageError::new(e, r.tr.lang).into_response(),
    };
    let view = NewPage {
        t: r.tr,
        page: chrome(r, uri, "requests", 0),
        disclosure,
        action: if disclosure {
            "/public/disclosure/new"
        } else {
            "/public/complaints/new"
        },
        csrf,
        agencies,
        input,
        error: error.map(|e| message(r.tr, e)),
        error_field: error.and_then(AppError::field).unwrap_or(""),
    };
    with_cookie(cookie, html(&view, status, r.tr, r.hant))
}

async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(auth): Extension<RequestAuth>,
    uri: Uri,
    disclosure: bool,
) -> Response {
    let input = SubmitInput {
        kind: if disclosure {
            "disclosure"
        } else {
            "complaint"
        }
        .into(),
        ..Default::default()
    };
    render_new(
        &state,
        &headers,
        &auth,
        &uri,
        disclosure,
        input,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Template)]
#[template(path = "public_request_done.html")]
pub struct DonePage {
    pub t: Tr,
    pub page: Chrome,
    pub tracking: String,
    pub kind: String,
    pub due_on: String,
    pub due_provisional: bool,
    pub csrf: String,
}

async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(auth): Extension<RequestAuth>,
    ClientAddr(client): ClientAddr,
    uri: Uri,
    form: Result<Form<SubmitInput>, FormRejection>,
    disclosure: bool,
) -> Response {
    let mut input = form.map(|Form(f)| f).unwrap_or_default();
    // The form decides between disclosure and complaints: a complaint form
    // cannot file a disclosure request and the other way round.
    if disclosure {
        input.kind = "disclosure".into();
    } else if input.kind == "disclosure" {
        input.kind.clear();
    }
    match requests::submit(&state.app, &input, &client).await {
        Ok(done) => {
            let r = reading(&headers, &PublicQuery::default());
            let (csrf, cookie) = match public_csrf(&state, &headers, &auth) {
                Ok(x) => x,
                Err(e) => return PageError::new(e, r.tr.lang).into_response(),
            };
            let view = DonePage {
                t: r.tr,
                page: chrome(r, &uri, "requests", 0),
                tracking: done.tracking,
                kind: r.tr.pick(done.kind.name_zh(), done.kind.name_en()).into(),
                due_on: done.due_on.unwrap_or_default(),
                due_provisional: done.due_provisional,
                csrf,
            };
            with_cookie(cookie, html(&view, StatusCode::OK, r.tr, r.hant))
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render_new(
                &state,
                &headers,
                &auth,
                &uri,
                disclosure,
                input,
                Some(&e),
                status,
            )
            .await
        }
        Err(e) => PageError::new(e, crate::auth::lang_of(&headers)).into_response(),
    }
}

// ------------------------------------------------------------------ tracking

/// The status as the page shows it, with names in the reader's language.
pub struct StatusView {
    pub s: PublicStatus,
    pub kind: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub result: &'static str,
    pub feedback: &'static str,
    pub concluded: bool,
}

#[derive(Template)]
#[template(path = "public_track.html")]
pub struct TrackPage {
    pub t: Tr,
    pub page: Chrome,
    pub csrf: String,
    pub status: Option<StatusView>,
    pub error: Option<String>,
    pub thanks: bool,
    pub levels: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
pub struct TrackForm {
    #[serde(default)]
    tracking: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    comment: String,
}

#[allow(clippy::too_many_arguments)] // the page's parts, gathered once
async fn render_track(
    state: &AppState,
    headers: &HeaderMap,
    auth: &RequestAuth,
    uri: &Uri,
    client: &str,
    tracking: Option<&str>,
    error: Option<String>,
    thanks: bool,
    status_code: StatusCode,
) -> Response {
    let r = reading(headers, &PublicQuery::default());
    let tr = r.tr;
    let (csrf, cookie) = match public_csrf(state, headers, auth) {
        Ok(x) => x,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let (status, error, status_code) = match tracking {
        None => (None, error, status_code),
        Some(t) => match requests::track(&state.app, t, client).await {
            Ok(s) => (
                Some(StatusView {
                    kind: tr.pick(s.kind.name_zh(), s.kind.name_en()),
                    state: tr.pick(s.state.name_zh(), s.state.name_en()),
                    state_code: s.state.code(),
                    result: match (s.result_zh, s.result_en) {
                        (Some(zh), Some(en)) => tr.pick(zh, en),
                        _ => "",
                    },
                    feedback: s.feedback.map_or("", |f| tr.pick(f.name_zh(), f.name_en())),
                    concluded: s.state == RState::Concluded,
                    s,
                }),
                error,
                status_code,
            ),
            Err(e @ (AppError::NotFound { .. } | AppError::Throttled { .. })) => {
                let code = if matches!(e, AppError::Throttled { .. }) {
                    StatusCode::TOO_MANY_REQUESTS
                } else {
                    StatusCode::NOT_FOUND
                };
                (None, Some(message(tr, &e)), code)
            }
            Err(e) => return PageError::new(e, tr.lang).into_response(),
        },
    };
    let view = TrackPage {
        t: tr,
        page: chrome(r, uri, "requests", 0),
        csrf,
        status,
        error,
        thanks,
        levels: Satisfaction::ALL
            .iter()
            .map(|l| (l.code(), tr.pick(l.name_zh(), l.name_en())))
            .collect(),
    };
    with_cookie(cookie, html(&view, status_code, tr, r.hant))
}

async fn track_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(auth): Extension<RequestAuth>,
    uri: Uri,
) -> Response {
    render_track(
        &state,
        &headers,
        &auth,
        &uri,
        "",
        None,
        None,
        false,
        StatusCode::OK,
    )
    .await
}

async fn track(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(auth): Extension<RequestAuth>,
    ClientAddr(client): ClientAddr,
    uri: Uri,
    form: Result<Form<TrackForm>, FormRejection>,
) -> Response {
    let input = form.map(|Form(f)| f).unwrap_or_default();
    render_track(
        &state,
        &headers,
        &auth,
        &uri,
        &client,
        Some(&input.tracking),
        None,
        false,
        StatusCode::OK,
    )
    .await
}

async fn feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(auth): Extension<RequestAuth>,
    ClientAddr(client): ClientAddr,
    uri: Uri,
    form: Result<Form<TrackForm>, FormRejection>,
) -> Response {
    let input = form.map(|Form(f)| f).unwrap_or_default();
    let tr = Tr {
        lang: crate::auth::lang_of(&headers),
    };
    let (error, thanks, code) =
        match requests::feedback(&state.app, &input.tracking, &input.level, &input.comment).await {
            Ok(()) => (None, true, StatusCode::OK),
            Err(e @ AppError::NotFound { .. }) => {
                (Some(message(tr, &e)), false, StatusCode::NOT_FOUND)
            }
            Err(
                e @ (AppError::Invalid { .. }
                | AppError::Refused { .. }
                | AppError::Conflict { .. }),
            ) => (
                Some(message(tr, &e)),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return PageError::new(e, tr.lang).into_response(),
        };
    let tracking = (code != StatusCode::NOT_FOUND).then_some(input.tracking.as_str());
    render_track(
        &state, &headers, &auth, &uri, &client, tracking, error, thanks, code,
    )
    .await
}

// ------------------------------------------------------------------ back office

fn due_class(due: &str, today: jiff::civil::Date) -> &'static str {
    match due.parse::<jiff::civil::Date>() {
        Ok(d) if d < today => "red",
        Ok(d) if (d - today).get_days() <= 3 => "amber",
        Ok(_) => "ok",
        Err(_) => "",
    }
}

fn kind_name(tr: Tr, code: &str) -> &'static str {
    Kind::parse(code).map_or("", |k| tr.pick(k.name_zh(), k.name_en()))
}

fn state_name(tr: Tr, code: &str) -> &'static str {
    RState::parse(code).map_or("", |s| tr.pick(s.name_zh(), s.name_en()))
}

fn result_name(tr: Tr, code: &str) -> &'static str {
    Answer::parse(code)
        .map(|a| tr.pick(a.name_zh(), a.name_en()))
        .or_else(|| Outcome::parse(code).map(|o| tr.pick(o.name_zh(), o.name_en())))
        .unwrap_or("")
}

pub struct Line {
    pub id: i64,
    pub hint: String,
    pub kind: &'static str,
    pub subject: String,
    pub agency: String,
    pub requester: String,
    pub received_on: String,
    pub state: &'static str,
    pub state_code: String,
    pub due: String,
    /// 暂定: the date lies in a year without a loaded holiday schedule.
    pub due_provisional: bool,
    pub due_class: &'static str,
    pub result: &'static str,
}

#[derive(Template)]
#[template(path = "requests.html")]
pub struct ListPage {
    pub t: Tr,
    pub nav: Nav,
    pub rows: Vec<Line>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub states: Vec<(&'static str, &'static str)>,
    pub kind: String,
    pub state: String,
    pub q: String,
    pub mine: bool,
}

impl ListPage {
    /// Whether any listed date is provisional (the page then says why).
    pub fn any_provisional(&self) -> bool {
        self.rows.iter().any(|r| r.due_provisional)
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    kind: Option<String>,
    state: Option<String>,
    q: Option<String>,
    mine: Option<String>,
    year: Option<i16>,
}

async fn list_page(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let tr = user.tr;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let kind = q.kind.unwrap_or_default();
    let st = q.state.unwrap_or_else(|| "open".into());
    let search = q.q.unwrap_or_default();
    let mine = q.mine.is_some_and(|m| m == "1");
    let actor = user.auth.actor();
    let filter = RequestFilter {
        kind: Kind::parse(&kind).map_or("", Kind::code),
        state: if st == "open" || RState::parse(&st).is_some() {
            &st
        } else {
            ""
        },
        search: &search,
        assignee: mine.then_some(actor.user_id),
    };
    let rows = match requests::list(&state.app, &actor, &filter).await {
        Ok(r) => r,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let today = fazhi_app::registry::today_cst(&state.app);
    let view = ListPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/requests"),
        rows: rows
            .into_iter()
            .map(|r| Line {
                id: r.id,
                kind: kind_name(tr, &r.kind),
                state: state_name(tr, &r.state),
                due_class: if r.state == "concluded" {
                    ""
                } else {
                    due_class(&r.due_on, today)
                },
                result: result_name(tr, &r.result),
                hint: r.tracking_hint,
                subject: r.subject,
                agency: r.agency_name,
                requester: if r.requester_name.is_empty() {
                    tr.pick("匿名", "anonymous").into()
                } else {
                    r.requester_name
                },
                received_on: r.received_on,
                state_code: r.state,
                due_provisional: fazhi_app::law::is_provisional_date(&state.app, &r.due_on),
                due: r.due_on,
            })
            .collect(),
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.code(), tr.pick(k.name_zh(), k.name_en())))
            .collect(),
        states: std::iter::once(("open", tr.pick("未办结", "open")))
            .chain(
                RState::ALL
                    .iter()
                    .map(|s| (s.code(), tr.pick(s.name_zh(), s.name_en()))),
            )
            .collect(),
        kind,
        state: st,
        q: search,
        mine,
    };
    html(&view, StatusCode::OK, tr, false)
}

/// One input of a step form.
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `textarea`, `number` or `select`.
    pub kind: &'static str,
    pub options: Vec<(String, String)>,
}

pub struct StepForm {
    pub command: &'static str,
    pub title: &'static str,
    pub fields: Vec<Field>,
}

fn field(name: &'static str, label: &'static str, kind: &'static str) -> Field {
    Field {
        name,
        label,
        kind,
        options: Vec::new(),
    }
}

fn select(name: &'static str, label: &'static str, options: Vec<(String, String)>) -> Field {
    Field {
        name,
        label,
        kind: "select",
        options,
    }
}

fn step_forms(tr: Tr, v: &RequestView, role: Role) -> Vec<StepForm> {
    // Who may approve an extension (the domain decides per kind; never a system administrator).
    let head = matches!(role, Role::AgencyHead | Role::SectionHead);
    let text = |label| field("text", label, "textarea");
    v.available
        .iter()
        .filter(|c| **c != "extend" || head)
        .filter_map(|c| {
            let (title, fields) = match *c {
                "assign" => (
                    tr.pick("指定承办人", "Assign"),
                    vec![select(
                        "user_id",
                        tr.pick("承办人", "Handler"),
                        v.assignable
                            .iter()
                            .map(|(id, n)| (id.to_string(), n.clone()))
                            .collect(),
                    )],
                ),
                "accept" => (tr.pick("受理", "Accept"), Vec::new()),
                "not_accept" => (
                    tr.pick("不予受理", "Do not accept"),
                    vec![text(tr.pick(
                        "理由（告知诉求人）",
                        "Reason (told to the requester)",
                    ))],
                ),
                "request_correction" => (
                    tr.pick("一次性告知补正", "Ask for a correction (once)"),
                    vec![
                        text(tr.pick("需补正的全部内容", "Everything to correct")),
                        field(
                            "days",
                            tr.pick(
                                "补正期限（天，逾期未补正视为放弃申请）",
                                "Days to correct (not corrected by then: abandoned)",
                            ),
                            "number",
                        ),
                    ],
                ),
                "corrected" => (tr.pick("已收到补正", "Correction received"), Vec::new()),
                "start_consultation" => (
                    tr.pick("征求第三方意见", "Consult a third party"),
                    vec![
                        field(
                            "text",
                            tr.pick("征求意见对象", "Consulted party"),
                            "text",
                        ),
                        field(
                            "received_on",
                            tr.pick(
                                "第三方收到征求意见书之日（十五个工作日自此起算）",
                                "Day the third party received the letter (its 15 working days run from it)",
                            ),
                            "date",
                        ),
                    ],
                ),
                "end_consultation" => (
                    tr.pick(
                        "第三方意见已回复或期满",
                        "Third party answered or time ran out",
                    ),
                    Vec::new(),
                ),
                "extend" => (
                    tr.pick("批准延长答复/办理期限", "Approve an extension"),
                    vec![
                        field("days", tr.pick("延长天数", "Days"), "number"),
                        text(tr.pick("延长理由（告知诉求人）", "Reason (told to the requester)")),
                    ],
                ),
                "reply" => (
                    tr.pick("答复", "Reply"),
                    vec![
                        select(
                            "answer",
                            tr.pick("答复类型（第三十六条）", "Answer type (art. 36)"),
                            Answer::ALL
                                .iter()
                                .map(|a| {
                                    (a.code().into(), tr.pick(a.name_zh(), a.name_en()).into())
                                })
                                .collect(),
                        ),
                        text(tr.pick("答复内容", "Reply")),
                    ],
                ),
                "conclude" => (
                    tr.pick("办结", "Conclude"),
                    vec![
                        select(
                            "outcome",
                            tr.pick("办理结果", "Outcome"),
                            Outcome::ALL
                                .iter()
                                .filter(|o| **o != Outcome::NotAccepted)
                                .map(|o| {
                                    (o.code().into(), tr.pick(o.name_zh(), o.name_en()).into())
                                })
                                .collect(),
                        ),
                        text(tr.pick("答复内容（告知诉求人）", "Reply (told to the requester)")),
                    ],
                ),
                "link" => (
                    tr.pick("关联检查任务或案件", "Link an inspection or case"),
                    vec![
                        select(
                            "link_kind",
                            tr.pick("类型", "Type"),
                            vec![
                                (
                                    "inspection".into(),
                                    tr.pick("检查任务", "Inspection task").into(),
                                ),
                                ("case".into(), tr.pick("案件", "Case").into()),
                            ],
                        ),
                        field("link_id", tr.pick("编号", "Number"), "number"),
                    ],
                ),
                "note" => (
                    tr.pick("内部备注", "Internal note"),
                    vec![text(tr.pick("备注（不对外公开）", "Note (never public)"))],
                ),
                _ => return None,
            };
            Some(StepForm {
                command: c,
                title,
                fields,
            })
        })
        .collect()
}

pub struct Detail {
    pub kind: &'static str,
    pub state: &'static str,
    pub state_code: &'static str,
    pub due: String,
    pub due_class: &'static str,
    pub result: &'static str,
    pub link: Option<(String, String)>,
    pub feedback: &'static str,
}

#[derive(Template)]
#[template(path = "request.html")]
pub struct RequestPage {
    pub t: Tr,
    pub nav: Nav,
    pub v: RequestView,
    pub d: Detail,
    pub forms: Vec<StepForm>,
    pub csrf: String,
    pub error: Option<String>,
}

async fn render_request(
    state: &AppState,
    user: &PageUser,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let v = match requests::get(&state.app, &actor, id).await {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let today = fazhi_app::registry::today_cst(&state.app);
    let r = &v.request;
    let due = r.due.as_ref().map(|d| d.on.to_string()).unwrap_or_default();
    let d = Detail {
        kind: tr.pick(r.kind.name_zh(), r.kind.name_en()),
        state: tr.pick(r.state.name_zh(), r.state.name_en()),
        state_code: r.state.code(),
        due_class: due_class(&due, today),
        due,
        result: match r.conclusion.as_ref().map(|c| &c.result) {
            Some(Result_::Answer(a)) => tr.pick(a.name_zh(), a.name_en()),
            Some(Result_::Outcome(o)) => tr.pick(o.name_zh(), o.name_en()),
            None => "",
        },
        link: r.link.map(|l| match l {
            Link::Inspection(id) => (
                format!("/inspections/tasks/{id}"),
                format!("{} #{id}", tr.pick("检查任务", "inspection task")),
            ),
            Link::Case(id) => (
                format!("/cases/{id}"),
                format!("{} #{id}", tr.pick("案件", "case")),
            ),
        }),
        feedback: r
            .feedback
            .as_ref()
            .map_or("", |f| tr.pick(f.level.name_zh(), f.level.name_en())),
    };
    let view = RequestPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), &format!("/requests/{id}")),
        forms: step_forms(tr, &v, actor.role),
        d,
        v,
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error,
    };
    html(&view, status, tr, false)
}

async fn request_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> Response {
    render_request(&state, &user, id, None, StatusCode::OK).await
}

async fn step(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    form: Result<Form<StepInput>, FormRejection>,
) -> Response {
    let tr = user.tr;
    let input = form.map(|Form(f)| f).unwrap_or_default();
    match requests::step(&state.app, &user.auth.actor(), id, &input).await {
        Ok(()) => Redirect::to(&format!("/requests/{id}")).into_response(),
        Err(
            e @ (AppError::Invalid { .. } | AppError::Refused { .. } | AppError::Conflict { .. }),
        ) => {
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render_request(&state, &user, id, Some(message(tr, &e)), status).await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

pub struct StatColumn {
    pub label: &'static str,
    pub received: u64,
    pub concluded: u64,
    pub on_time: u64,
    pub on_time_rate: String,
    pub overdue_open: u64,
    pub feedback: u64,
    pub satisfied_rate: String,
    pub by_result: Vec<(&'static str, u64)>,
    pub by_satisfaction: Vec<(&'static str, u64)>,
}

fn permille(p: Option<u64>) -> String {
    p.map_or_else(|| "—".into(), |p| format!("{}.{}%", p / 10, p % 10))
}

fn stat_column(tr: Tr, label: &'static str, t: &fazhi_domain::request::Tally) -> StatColumn {
    StatColumn {
        label,
        received: t.received,
        concluded: t.concluded,
        on_time: t.on_time,
        on_time_rate: permille(t.on_time_permille()),
        overdue_open: t.overdue_open,
        feedback: t.feedback,
        satisfied_rate: permille(t.satisfied_permille()),
        by_result: t
            .by_result
            .iter()
            .map(|(k, n)| (result_name(tr, k), *n))
            .collect(),
        by_satisfaction: t
            .by_satisfaction
            .iter()
            .map(|(k, n)| {
                (
                    Satisfaction::parse(k).map_or("", |s| tr.pick(s.name_zh(), s.name_en())),
                    *n,
                )
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "requests_stats.html")]
pub struct StatsPage {
    pub t: Tr,
    pub nav: Nav,
    pub year: i16,
    pub columns: Vec<StatColumn>,
}

async fn stats_page(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let tr = user.tr;
    let year = q
        .ok()
        .and_then(|Query(q)| q.year)
        .unwrap_or_else(|| fazhi_app::registry::today_cst(&state.app).year());
    let s = match requests::stats(&state.app, &user.auth.actor(), year).await {
        Ok(s) => s,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let view = StatsPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/requests/stats"),
        year,
        columns: vec![
            stat_column(
                tr,
                tr.pick("投诉举报", "Complaints and reports"),
                &s.complaints,
            ),
            stat_column(
                tr,
                tr.pick("政府信息公开申请", "Disclosure requests"),
                &s.disclosure,
            ),
        ],
    };
    html(&view, StatusCode::OK, tr, false)
}
