//! Registry pages: entity and officer lists with search, filters, pages,
//! CSV export, and CSV import with the row-by-row error report on screen.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::views::Nav;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use fazhi_app::AppError;
use fazhi_app::registry::{self as reg, ImportFailure, ImportKind, REGISTRY_PAGE_ROWS};
use fazhi_domain::authz::{Action, role_allows};
use fazhi_domain::registry::{EntityStatus, RiskLevel, SupervisionDomain};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/registry/entities", get(entities_page))
        .route(
            "/registry/entities/import",
            post(entities_import)
                .layer(axum::extract::DefaultBodyLimit::max(reg::IMPORT_BYTES_MAX)),
        )
        .route("/registry/powers", get(powers_page))
        .route(
            "/registry/powers/import",
            post(powers_import).layer(axum::extract::DefaultBodyLimit::max(reg::IMPORT_BYTES_MAX)),
        )
        .route("/registry/officers", get(officers_page))
        .route(
            "/registry/officers/import",
            post(officers_import)
                .layer(axum::extract::DefaultBodyLimit::max(reg::IMPORT_BYTES_MAX)),
        )
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    page: crate::paging::PageNo,
}

pub struct EntityView {
    pub name: String,
    pub uscc: String,
    pub legal_rep: String,
    pub domains: String,
    pub risk: &'static str,
    pub credit: String,
    pub status: &'static str,
    pub agency: String,
}

#[derive(Template)]
#[template(path = "entities.html")]
pub struct EntitiesPage {
    pub t: Tr,
    pub nav: Nav,
    pub q: String,
    pub domain: String,
    pub domains: Vec<(&'static str, &'static str)>,
    pub rows: Vec<EntityView>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub export_href: String,
    pub export_xlsx_href: String,
    pub can_import: bool,
    pub import_action: String,
    pub import_outcome: Option<String>,
    pub import_errors: Vec<(usize, String, String)>,
    pub csrf: String,
}

pub struct OfficerView {
    pub staff_no: String,
    pub name: String,
    pub domains: String,
    pub credential: String,
    pub valid_to: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub training: String,
    pub agency: String,
}

#[derive(Template)]
#[template(path = "officers.html")]
pub struct OfficersPage {
    pub t: Tr,
    pub nav: Nav,
    pub q: String,
    pub rows: Vec<OfficerView>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub export_href: String,
    pub export_xlsx_href: String,
    pub certified_rate: String,
    pub avg_training: String,
    pub can_import: bool,
    pub import_action: String,
    pub import_outcome: Option<String>,
    pub import_errors: Vec<(usize, String, String)>,
    pub csrf: String,
}

fn domain_names(tr: Tr, codes: &str) -> String {
    codes
        .split(',')
        .filter_map(SupervisionDomain::parse)
        .map(|d| tr.pick(d.name_zh(), d.code()))
        .collect::<Vec<_>>()
        .join("、")
}

fn page_href(base: &str, q: &str, domain: &str, page: i64) -> String {
    format!(
        "{base}?q={}&domain={}&page={page}",
        crate::auth::percent_encode(q),
        crate::auth::percent_encode(domain)
    )
}

fn pages_of(total: i64) -> i64 {
    ((total + REGISTRY_PAGE_ROWS - 1) / REGISTRY_PAGE_ROWS).max(1)
}

/// Outcome text or the error table of an import, for the page.
type ImportResult = (Option<String>, Vec<(usize, String, String)>);

pub(crate) fn import_view(
    tr: Tr,
    result: Option<Result<reg::ImportOutcome, ImportFailure>>,
) -> Result<ImportResult, AppError> {
    match result {
        None => Ok((None, Vec::new())),
        Some(Ok(o)) => Ok((
            Some(match tr.lang {
                crate::i18n::Lang::Zh => format!(
                    "已导入 {} 行：新增 {}，更新 {}，未变 {}。",
                    o.rows, o.inserted, o.updated, o.unchanged
                ),
                crate::i18n::Lang::En => format!(
                    "Imported {} rows: {} new, {} updated, {} unchanged.",
                    o.rows, o.inserted, o.updated, o.unchanged
                ),
            }),
            Vec::new(),
        )),
        Some(Err(ImportFailure::Rejected(errors))) => Ok((
            None,
            errors
                .into_iter()
                .map(|e| {
                    (
                        e.row,
                        e.column,
                        tr.pick(&e.message_zh, &e.message_en).to_owned(),
                    )
                })
                .collect(),
        )),
        Some(Err(ImportFailure::App(e))) => Err(e),
    }
}

async fn render_entities(
    state: &AppState,
    user: &PageUser,
    query: &ListQuery,
    result: Option<Result<reg::ImportOutcome, ImportFailure>>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let domain = SupervisionDomain::parse(&query.domain);
    let page = query.page.get();
    let (rows, total) = match reg::list_entities(&state.app, &actor, &query.q, domain, page).await {
        Ok(r) => r,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let (import_outcome, import_errors) = match import_view(tr, result) {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let status = if import_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let domain_code = domain.map_or("", |d| d.code()).to_owned();
    let pages = pages_of(total);
    let view = EntitiesPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/registry/entities"),
        q: query.q.clone(),
        domains: SupervisionDomain::ALL
            .iter()
            .map(|d| (d.code(), tr.pick(d.name_zh(), d.code())))
            .collect(),
        rows: rows
            .into_iter()
            .map(|e| EntityView {
                domains: domain_names(tr, &e.domains),
                risk: RiskLevel::parse(&e.risk_level)
                    .map_or("", |r| tr.pick(r.name_zh(), r.code())),
                status: EntityStatus::parse(&e.status)
                    .map_or("", |s| tr.pick(s.name_zh(), s.code())),
                name: e.name,
                uscc: e.uscc,
                legal_rep: e.legal_rep,
                credit: e.credit_grade,
                agency: e.agency_name,
            })
            .collect(),
        total,
        page,
        pages,
        prev_href: (page > 1)
            .then(|| page_href("/registry/entities", &query.q, &domain_code, page - 1)),
        next_href: (page < pages)
            .then(|| page_href("/registry/entities", &query.q, &domain_code, page + 1)),
        export_href: page_href("/registry/entities.csv", &query.q, &domain_code, 1),
        export_xlsx_href: page_href("/registry/entities.xlsx", &query.q, &domain_code, 1),
        can_import: role_allows(actor.role, Action::ManageRegistry),
        import_action: format!(
            "/registry/entities/import?csrf={}",
            user.auth.csrf_token.clone().unwrap_or_default()
        ),
        import_outcome,
        import_errors,
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        domain: domain_code,
    };
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

async fn entities_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Response {
    render_entities(&state, &user, &q, None).await
}

/// The uploaded file of an import form (field `file`).
async fn read_upload(mut multipart: Multipart) -> Result<(String, Vec<u8>), AppError> {
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.csv").to_owned();
            let bytes = field.bytes().await.map_err(|_| {
                AppError::invalid(
                    "file",
                    "文件上传中断或过大",
                    "the upload was interrupted or too large",
                )
            })?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(AppError::invalid(
        "file",
        "请选择要导入的文件",
        "choose a file to import",
    ))
}

pub(crate) async fn run_import(
    state: &AppState,
    user: &PageUser,
    kind: ImportKind,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Result<reg::ImportOutcome, ImportFailure>, AppError> {
    let actor = user.auth.actor();
    fazhi_domain::authz::authorize(&actor, Action::ManageRegistry, None)?;
    let multipart = multipart.map_err(|_| {
        AppError::invalid(
            "file",
            "请以文件上传表单提交",
            "submit the file with the upload form",
        )
    })?;
    let (name, bytes) = read_upload(multipart).await?;
    let quiet = |_: usize, _: usize| {};
    Ok(reg::import(&state.app, &actor, kind, &name, &bytes, &quiet).await)
}

async fn entities_import(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    match run_import(&state, &user, ImportKind::Entities, multipart).await {
        Ok(result) => render_entities(&state, &user, &ListQuery::default(), Some(result)).await,
        Err(e) => PageError::new(e, user.tr.lang).into_response(),
    }
}

async fn render_officers(
    state: &AppState,
    user: &PageUser,
    query: &ListQuery,
    result: Option<Result<reg::ImportOutcome, ImportFailure>>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let page = query.page.get();
    let listed = reg::list_officers(&state.app, &actor, &query.q, page).await;
    let stats = reg::officer_stats(&state.app, &actor).await;
    let ((rows, total), stats) = match (listed, stats) {
        (Ok(l), Ok(s)) => (l, s),
        (Err(e), _) | (_, Err(e)) => return PageError::new(e, tr.lang).into_response(),
    };
    let (import_outcome, import_errors) = match import_view(tr, result) {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let status = if import_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let today = reg::today_cst(&state.app);
    let pages = pages_of(total);
    let view = OfficersPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/registry/officers"),
        q: query.q.clone(),
        rows: rows
            .into_iter()
            .map(|o| {
                let st = reg::credential_status_of(
                    o.valid_from.as_deref(),
                    o.valid_to.as_deref(),
                    o.last_review_year,
                    today,
                );
                OfficerView {
                    domains: domain_names(tr, &o.domains),
                    credential: o.credential_number.unwrap_or_default(),
                    valid_to: o.valid_to.unwrap_or_default(),
                    status: st.map_or(tr.pick("无证", "none"), |s| {
                        tr.pick(s.name_zh(), s.code())
                    }),
                    status_code: st.map_or("none", |s| s.code()),
                    training: o.training_hours.map(|h| h.to_string()).unwrap_or_default(),
                    staff_no: o.staff_no,
                    name: o.name,
                    agency: o.agency_name,
                }
            })
            .collect(),
        total,
        page,
        pages,
        prev_href: (page > 1).then(|| page_href("/registry/officers", &query.q, "", page - 1)),
        next_href: (page < pages).then(|| page_href("/registry/officers", &query.q, "", page + 1)),
        export_href: page_href("/registry/officers.csv", &query.q, "", 1),
        export_xlsx_href: page_href("/registry/officers.xlsx", &query.q, "", 1),
        certified_rate: format!("{:.1}%", stats.certified_rate() * 100.0),
        avg_training: format!("{:.1}", stats.average_training_hours),
        can_import: role_allows(actor.role, Action::ManageRegistry),
        import_action: format!(
            "/registry/officers/import?csrf={}",
            user.auth.csrf_token.clone().unwrap_or_default()
        ),
        import_outcome,
        import_errors,
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
    };
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

async fn officers_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Response {
    render_officers(&state, &user, &q, None).await
}

async fn officers_import(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    match run_import(&state, &user, ImportKind::Officers, multipart).await {
        Ok(result) => render_officers(&state, &user, &ListQuery::default(), Some(result)).await,
        Err(e) => PageError::new(e, user.tr.lang).into_response(),
    }
}

pub struct PowerView {
    pub code: String,
    pub kind: &'static str,
    pub name: String,
    pub legal_basis: String,
    pub unit: String,
    pub status: &'static str,
    pub version: i64,
    pub last_document: String,
}

pub struct BandView {
    pub power: String,
    pub circumstance: &'static str,
    pub fine: String,
    pub other: String,
    pub description: String,
    pub citation: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "powers.html")]
pub struct PowersPage {
    pub t: Tr,
    pub nav: Nav,
    pub q: String,
    pub counts: String,
    pub rows: Vec<PowerView>,
    pub bands: Vec<BandView>,
    pub can_import: bool,
    pub import_action: String,
    pub import_outcome: Option<String>,
    pub import_errors: Vec<(usize, String, String)>,
    pub csrf: String,
}

async fn render_powers(
    state: &AppState,
    user: &PageUser,
    query: &ListQuery,
    result: Option<Result<reg::ImportOutcome, ImportFailure>>,
) -> Response {
    use fazhi_domain::registry::{PowerKind, power_counts_sentence};
    let tr = user.tr;
    let actor = user.auth.actor();
    let (rows, counts) = match (
        reg::list_powers(&state.app, &actor, &query.q).await,
        reg::power_counts(&state.app, &actor).await,
    ) {
        (Ok(r), Ok(c)) => (r, c),
        (Err(e), _) | (_, Err(e)) => return PageError::new(e, tr.lang).into_response(),
    };
    let bands = match reg::list_discretion(&state.app, &actor).await {
        Ok(b) => b,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let (import_outcome, import_errors) = match import_view(tr, result) {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let status = if import_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = PowersPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/registry/powers"),
        q: query.q.clone(),
        counts: power_counts_sentence(&counts),
        bands: bands
            .into_iter()
            .map(|b| BandView {
                power: format!("{} {}", b.power_code, b.power_name.unwrap_or_default()),
                circumstance: fazhi_domain::registry::Circumstance::parse(&b.circumstance)
                    .map_or("", |c| tr.pick(c.name_zh(), c.code())),
                fine: if b.fine_max_fen == 0 {
                    tr.pick("不罚款", "no fine").to_owned()
                } else {
                    format!(
                        "{} – {}",
                        fazhi_domain::money::Money::from_fen(b.fine_min_fen),
                        fazhi_domain::money::Money::from_fen(b.fine_max_fen)
                    )
                },
                other: b.other_penalties,
                description: b.description,
                citation: b.citation,
                version: b.version,
            })
            .collect(),
        rows: rows
            .into_iter()
            .map(|p| PowerView {
                kind: PowerKind::parse(&p.kind).map_or("", |k| tr.pick(k.name_zh(), k.code())),
                status: match p.status.as_str() {
                    "published" => tr.pick("有效", "in force"),
                    "delegated" => tr.pick("已下放", "delegated down"),
                    _ => tr.pick("已取消", "removed"),
                },
                code: p.code,
                name: p.name,
                legal_basis: p.legal_basis,
                unit: p.unit,
                version: p.version,
                last_document: p.last_document,
            })
            .collect(),
        can_import: role_allows(actor.role, Action::ManageRegistry),
        import_action: format!(
            "/registry/powers/import?csrf={}",
            user.auth.csrf_token.clone().unwrap_or_default()
        ),
        import_outcome,
        import_errors,
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
    };
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

async fn powers_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Response {
    render_powers(&state, &user, &q, None).await
}

async fn powers_import(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    match run_import(&state, &user, ImportKind::Powers, multipart).await {
        Ok(result) => render_powers(&state, &user, &ListQuery::default(), Some(result)).await,
        Err(e) => PageError::new(e, user.tr.lang).into_response(),
    }
}
