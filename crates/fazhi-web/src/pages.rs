//! HTML pages. Each handler: extract → one use case → render a view.

use crate::AppState;
use crate::auth::{
    self, LOGIN_CSRF_COOKIE, PageLang, PageUser, RequestAuth, SESSION_COOKIE, safe_next, set_cookie,
};
use crate::client::ClientAddr;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::views::*;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use fazhi_app::{AppError, accounts, home};
use fazhi_domain::authz::{Action, role_allows};
use fazhi_domain::role::Role;
use serde::Deserialize;

/// Events shown on the log page.
const LOG_PAGE_ROWS: i64 = 100;
/// A year, for the language cookie.
const LANG_COOKIE_MAX_AGE_S: i64 = 365 * 24 * 3600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(stylesheet))
        .route("/lang/{code}", get(switch_language))
        .route("/login", get(login_form).post(login_submit))
        .route("/logout", post(logout))
        .route("/", get(home_page))
        .route("/log", get(log_page))
        .route("/admin/agencies", get(agencies_page).post(agencies_create))
        .route("/admin/users", get(users_page).post(users_create))
        .route("/admin/users/{id}/active", post(users_set_active))
        .route("/admin/tokens", get(tokens_page).post(tokens_create))
        .route("/admin/tokens/{id}/revoke", post(tokens_revoke))
}

fn render(page: impl Template, status: StatusCode, lang: Lang) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), lang).into_response()
        }
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.health().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn switch_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or(Lang::Zh);
    let cookie = format!(
        "{}={}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE_S}; SameSite=Lax{}",
        Lang::COOKIE,
        lang.code(),
        if state.secure_cookies { "; Secure" } else { "" }
    );
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(&safe_next(q.next.as_deref())),
    )
        .into_response()
}

async fn login_form(
    State(state): State<AppState>,
    PageLang(tr): PageLang,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let csrf = auth::cookie(&headers, LOGIN_CSRF_COOKIE)
        .filter(|c| c.len() == 64)
        .map_or_else(|| fazhi_app::random_token(32), Ok);
    let csrf = match csrf {
        Ok(c) => c,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let page = LoginPage {
        t: tr,
        nav: Nav::new(tr, None, "/login"),
        csrf: csrf.clone(),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    };
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.secure_cookies);
    (
        [(header::SET_COOKIE, cookie)],
        render(page, StatusCode::OK, tr.lang),
    )
        .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

async fn login_submit(
    State(state): State<AppState>,
    PageLang(tr): PageLang,
    ClientAddr(client): ClientAddr,
    Extension(request_auth): Extension<RequestAuth>,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return PageError::new(
            AppError::invalid("body", "表单格式错误", "malformed form"),
            tr.lang,
        )
        .into_response();
    };
    let outcome = fazhi_app::auth::login(
        &state.app,
        &form.username,
        &form.password,
        &client,
        request_auth.session_token.as_deref(),
    )
    .await;
    match outcome {
        Ok(ok) => {
            let cookie = set_cookie(
                SESSION_COOKIE,
                &ok.session_token,
                state.app.session_ttl_s,
                state.secure_cookies,
            );
            let clear = set_cookie(LOGIN_CSRF_COOKIE, "", 0, state.secure_cookies);
            let mut response = Redirect::to(&safe_next(Some(&form.next))).into_response();
            for c in [cookie, clear] {
                if let Ok(v) = c.parse() {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(e) => {
            let status = crate::error::status_of(&e);
            let page = LoginPage {
                t: tr,
                nav: Nav::new(tr, None, "/login"),
                csrf: form.csrf,
                next: safe_next(Some(&form.next)),
                username: form.username,
                error: Some(message(tr, &e)),
            };
            render(page, status, tr.lang)
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    Extension(request_auth): Extension<RequestAuth>,
    PageLang(tr): PageLang,
) -> Response {
    if let Some(token) = &request_auth.session_token
        && let Err(e) = fazhi_app::auth::logout(&state.app, token).await
    {
        return PageError::new(e, tr.lang).into_response();
    }
    let clear = set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies);
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}

async fn home_page(State(state): State<AppState>, user: PageUser) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let stats = match home::home(&state.app, &actor).await {
        Ok(s) => s,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let c = &stats.counts;
    let cards = vec![
        StatCard {
            key: "agencies",
            label: tr.get("home.agencies"),
            value: c.agencies,
        },
        StatCard {
            key: "users",
            label: tr.get("home.users"),
            value: c.users,
        },
        StatCard {
            key: "active_users",
            label: tr.get("home.active_users"),
            value: c.active_users,
        },
        StatCard {
            key: "officers",
            label: tr.get("home.officers"),
            value: c.officers,
        },
        StatCard {
            key: "events",
            label: tr.get("home.events"),
            value: c.events,
        },
    ];
    let page = HomePage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/"),
        agency_name: stats.agency_name,
        cards,
        chart_svg: bar_chart_svg(&stats.events_by_day, tr.get("home.events_by_day")),
        recent: stats
            .recent_events
            .iter()
            .map(|e| EventRow::new(e, tr.lang))
            .collect(),
        holidays_missing: if role_allows(actor.role, Action::ManageAgencies) {
            fazhi_app::law::next_year_missing(&state.app)
        } else {
            None
        },
    };
    render(page, StatusCode::OK, tr.lang)
}

async fn log_page(State(state): State<AppState>, user: PageUser) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    match home::recent_events(&state.app, &actor, LOG_PAGE_ROWS).await {
        Ok(events) => {
            let mut rows: Vec<EventRow> =
                events.iter().map(|e| EventRow::new(e, tr.lang)).collect();
            // A live check per row: the proof is computed from the stored tree and verified here.
            for row in &mut rows {
                row.verified = fazhi_app::transparency::inclusion(&state.app, row.id, None)
                    .await
                    .ok()
                    .map(|p| p.verified);
            }
            render(
                LogPage {
                    t: tr,
                    nav: Nav::new(tr, Some(&user.auth), "/log"),
                    events: rows,
                },
                StatusCode::OK,
                tr.lang,
            )
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

async fn render_agencies(state: &AppState, user: &PageUser, error: Option<AppError>) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let list = match accounts::list_agencies(&state.app, &actor).await {
        Ok(l) => l,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let base_depth = actor.agency_path.depth();
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, crate::error::status_of);
    let page = AgenciesPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/admin/agencies"),
        agencies: list
            .iter()
            .map(|a| AgencyRow {
                id: a.id,
                name: a.name.clone(),
                kind: tr.get(&format!("agency.kind.{}", a.kind.code())),
                level: tr.pick(a.level.name_zh(), a.level.code()),
                region_code: a.region_code.clone(),
                depth: a.path.depth().saturating_sub(base_depth) + 1,
            })
            .collect(),
        can_create: role_allows(actor.role, Action::ManageAgencies),
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error: error.map(|e| message(tr, &e)),
    };
    render(page, status, tr.lang)
}

async fn agencies_page(State(state): State<AppState>, user: PageUser) -> Response {
    render_agencies(&state, &user, None).await
}

#[derive(Deserialize)]
struct AgencyForm {
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region_code: String,
}

fn parse_id(field: &'static str, text: &str) -> Result<i64, AppError> {
    text.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            field,
            format!("“{text}”不是有效的编号"),
            format!("'{text}' is not a valid id"),
        )
    })
}

async fn agencies_create(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<AgencyForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let result = async {
        let Form(form) =
            form.map_err(|_| AppError::invalid("body", "表单格式错误", "malformed form"))?;
        let actor = user.auth.actor();
        fazhi_domain::authz::authorize(&actor, Action::ManageAgencies, None)?;
        let input = accounts::CreateAgency {
            parent_id: Some(parse_id("parent_id", &form.parent_id)?),
            name: form.name,
            kind: form.kind,
            region_code: form.region_code,
        };
        accounts::create_agency(&state.app, Some(&actor), &input).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/admin/agencies").into_response(),
        Err(e @ AppError::Denied(_)) => PageError::new(e, user.tr.lang).into_response(),
        Err(e) => render_agencies(&state, &user, Some(e)).await,
    }
}

async fn render_users(state: &AppState, user: &PageUser, error: Option<AppError>) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let list = match accounts::list_users(&state.app, &actor).await {
        Ok(l) => l,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let agencies = accounts::list_agencies(&state.app, &actor)
        .await
        .unwrap_or_default();
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, crate::error::status_of);
    let page = UsersPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/admin/users"),
        users: list
            .iter()
            .map(|u| UserRow {
                id: u.id,
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role: tr.pick(u.role.name_zh(), u.role.name_en()),
                agency: u.agency_name.clone(),
                active: u.active,
                reviewer: u.role == Role::LegalReviewer,
                legal_qualification: u.legal_qualification.clone(),
                legal_review_before_2021: u.legal_review_before_2021,
            })
            .collect(),
        can_manage: role_allows(actor.role, Action::ManageUsers),
        roles: Role::ALL
            .iter()
            .map(|r| (r.code(), tr.pick(r.name_zh(), r.name_en())))
            .collect(),
        agencies: agencies.into_iter().map(|a| (a.id, a.name)).collect(),
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error: error.map(|e| message(tr, &e)),
    };
    render(page, status, tr.lang)
}

async fn users_page(State(state): State<AppState>, user: PageUser) -> Response {
    render_users(&state, &user, None).await
}

#[derive(Deserialize)]
struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency_id: String,
}

async fn users_create(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let result = async {
        let Form(form) =
            form.map_err(|_| AppError::invalid("body", "表单格式错误", "malformed form"))?;
        let actor = user.auth.actor();
        fazhi_domain::authz::authorize(&actor, Action::ManageUsers, None)?;
        let input = accounts::CreateUser {
            username: form.username,
            display_name: form.display_name,
            password: form.password,
            role: form.role,
            agency_id: parse_id("agency_id", &form.agency_id)?,
        };
        accounts::create_user(&state.app, Some(&actor), &input).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e @ AppError::Denied(_)) => PageError::new(e, user.tr.lang).into_response(),
        Err(e) => render_users(&state, &user, Some(e)).await,
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    #[serde(default)]
    active: String,
}

async fn users_set_active(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    form: Result<Form<ActiveForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let result = async {
        let actor = user.auth.actor();
        fazhi_domain::authz::authorize(&actor, Action::ManageUsers, None)?;
        let id = parse_id("id", &id)?;
        let Form(form) =
            form.map_err(|_| AppError::invalid("body", "表单格式错误", "malformed form"))?;
        let active = match form.active.as_str() {
            "true" => true,
            "false" => false,
            other => {
                return Err(AppError::invalid(
                    "active",
                    format!("“{other}”须为 true 或 false"),
                    format!("'{other}' must be true or false"),
                ));
            }
        };
        accounts::set_user_active(&state.app, &actor, id, active).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e @ (AppError::Denied(_) | AppError::NotFound { .. })) => {
            PageError::new(e, user.tr.lang).into_response()
        }
        Err(e) => render_users(&state, &user, Some(e)).await,
    }
}

async fn render_tokens(
    state: &AppState,
    user: &PageUser,
    created: Option<String>,
    error: Option<AppError>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let list = match accounts::list_api_tokens(&state.app, &actor).await {
        Ok(l) => l,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, crate::error::status_of);
    let page = TokensPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/admin/tokens"),
        tokens: list
            .iter()
            .map(|k| TokenRow {
                id: k.id,
                name: k.name.clone(),
                username: k.username.clone(),
                created: home::format_instant_cst(k.created_at_us),
                revoked: k.revoked_at_us.is_some(),
            })
            .collect(),
        created,
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error: error.map(|e| message(tr, &e)),
    };
    render(page, status, tr.lang)
}

async fn tokens_page(State(state): State<AppState>, user: PageUser) -> Response {
    render_tokens(&state, &user, None, None).await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn tokens_create(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let actor = user.auth.actor();
    let result = async {
        fazhi_domain::authz::authorize(&actor, Action::ManageApiTokens, None)?;
        let Form(form) =
            form.map_err(|_| AppError::invalid("body", "表单格式错误", "malformed form"))?;
        accounts::create_api_token(&state.app, &actor, &form.name).await
    }
    .await;
    match result {
        Ok((_, token)) => render_tokens(&state, &user, Some(token), None).await,
        Err(e @ AppError::Denied(_)) => PageError::new(e, user.tr.lang).into_response(),
        Err(e) => render_tokens(&state, &user, None, Some(e)).await,
    }
}

async fn tokens_revoke(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Response {
    let actor = user.auth.actor();
    let result = async {
        fazhi_domain::authz::authorize(&actor, Action::ManageApiTokens, None)?;
        let id = parse_id("id", &id)?;
        accounts::revoke_api_token(&state.app, &actor, id).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/admin/tokens").into_response(),
        Err(e) => PageError::new(e, user.tr.lang).into_response(),
    }
}
