//! The public portal (政务公开): login-free pages under `/public` with their own
//! layout, the standing lists, and every list as open data (CSV with BOM,
//! JSON) stamped with the log checkpoint it was cut from.
//!
//! Every row comes from `fazhi_app::public`, which masks personal data in one
//! place; pages only lay it out. Languages: 简体 (default), 繁體 (the rendered
//! page's text converted with OpenCC) and English.

use crate::AppState;
use crate::auth::{lang_of, percent_encode, safe_next};
use crate::error::PageError;
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use fazhi_app::AppError;
use fazhi_app::public::{self, Checkpoint, DATASETS, Dataset, Table};
use serde::Deserialize;

/// The cookie that remembers 繁體 (`hant`) or 简体 (`hans`).
pub const SCRIPT_COOKIE: &str = "fazhi_script";
const SCRIPT_COOKIE_MAX_AGE_S: i64 = 365 * 24 * 3600;
/// Inspection results per page.
pub const RESULTS_PER_PAGE: usize = 50;
/// Header naming the checkpoint an export was cut from: `<size> <root hex>` or `none`.
pub const CHECKPOINT_HEADER: &str = "x-fazhi-checkpoint";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public", get(home))
        .route(
            "/public/agencies",
            list_route("agencies", &[&public::AGENCIES]),
        )
        .route(
            "/public/powers",
            list_route("powers", &[&public::POWERS, &public::POWER_HISTORY]),
        )
        .route(
            "/public/officers",
            list_route("officers", &[&public::OFFICERS]),
        )
        .route(
            "/public/discretion",
            list_route("discretion", &[&public::DISCRETION, &public::NO_PENALTY]),
        )
        .route(
            "/public/spot-checks",
            list_route("spot-checks", &[&public::SPOT_CHECKS]),
        )
        .route("/public/plans", list_route("plans", &[&public::PLANS]))
        .route("/public/inspections", get(inspections_page))
        .route("/public/legal-review", get(legal_review_page))
        .route("/public/data", get(data_page))
        .route("/public/data/{file}", get(export))
        .route("/public/check", get(check_code))
        .route("/public/script/{script}", get(switch_script))
        .route("/static/public.css", get(stylesheet))
}

#[derive(Deserialize, Default)]
pub(crate) struct PublicQuery {
    script: Option<String>,
    year: Option<String>,
    #[serde(default)]
    page: crate::paging::PageNo,
    code: Option<String>,
}

/// The reader's language and script: `?script=hant|hans` wins over the cookie.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reading {
    pub(crate) tr: Tr,
    pub(crate) hant: bool,
}

pub(crate) fn reading(headers: &HeaderMap, q: &PublicQuery) -> Reading {
    reading_for(headers, q.script.clone())
}

/// [`reading`] for pages with their own query type.
pub(crate) fn reading_for(headers: &HeaderMap, script: Option<String>) -> Reading {
    let tr = Tr {
        lang: lang_of(headers),
    };
    let script = script.or_else(|| crate::auth::cookie(headers, SCRIPT_COOKIE));
    Reading {
        tr,
        hant: tr.lang == Lang::Zh && script.as_deref() == Some("hant"),
    }
}

/// What the portal layout needs besides the translator.
pub struct Chrome {
    pub html_lang: &'static str,
    /// `hans`, `hant` or `en`: the option the switcher marks current.
    pub current: &'static str,
    /// This page's path and query (without `script=`), percent-encoded, for the switcher.
    pub next: String,
    /// The section the page belongs to, for `aria-current` in the section nav.
    pub section: &'static str,
    /// Personal identifiers masked on this page.
    pub marks: usize,
}

pub(crate) fn chrome(r: Reading, uri: &Uri, section: &'static str, marks: usize) -> Chrome {
    let query: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("script="))
        .collect();
    let next = if query.is_empty() {
        uri.path().to_owned()
    } else {
        format!("{}?{}", uri.path(), query.join("&"))
    };
    Chrome {
        html_lang: match (r.tr.lang, r.hant) {
            (Lang::En, _) => "en",
            (Lang::Zh, true) => "zh-Hant",
            (Lang::Zh, false) => "zh-CN",
        },
        current: match (r.tr.lang, r.hant) {
            (Lang::En, _) => "en",
            (Lang::Zh, true) => "hant",
            (Lang::Zh, false) => "hans",
        },
        next: percent_encode(&next),
        section,
        marks,
    }
}

/// Marks the part of a page that is never converted to 繁體 (the switcher's labels).
const KEEP_START: &str = "<!--keep-script-->";
const KEEP_END: &str = "<!--/keep-script-->";

/// Converts the text between tags to traditional script, leaving tags,
/// attributes, comments and the `KEEP_*` regions untouched.
pub fn to_traditional_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    let mut keep = false;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let end = if rest.starts_with("<!--") {
                    rest.find("-->").map(|i| i + 3)
                } else {
                    rest.find('>').map(|i| i + 1)
                }
                .unwrap_or(rest.len());
                let tag = &rest[..end];
                if tag == KEEP_START {
                    keep = true;
                } else if tag == KEEP_END {
                    keep = false;
                }
                out.push_str(tag);
                rest = &rest[end..];
            }
            found => {
                let end = found.unwrap_or(rest.len());
                let text = &rest[..end];
                if keep {
                    out.push_str(text);
                } else {
                    out.push_str(&fazhi_text::to_traditional(text));
                }
                rest = &rest[end..];
            }
        }
    }
    out
}

pub(crate) fn render<T: Template>(view: &T, r: Reading) -> Response {
    match view.render() {
        Ok(html) => {
            let html = if r.hant {
                to_traditional_html(&html)
            } else {
                html
            };
            (StatusCode::OK, Html(html)).into_response()
        }
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), r.tr.lang).into_response()
        }
    }
}

/// One cell as a page shows it (the column name repeats for narrow screens).
pub struct CellView {
    pub label: &'static str,
    pub text: String,
    /// Links instead of text (a plan's draws).
    pub links: Vec<(String, String)>,
}

pub struct TableView {
    pub id: &'static str,
    pub caption: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<CellView>>,
    /// Rows in the whole dataset (more than `rows` when paginated).
    pub total: usize,
}

fn table_view(tr: Tr, table: &Table, rows: &[Vec<String>]) -> TableView {
    let d = table.dataset;
    TableView {
        id: d.id,
        caption: tr.pick(d.zh, d.en).to_owned(),
        columns: d.columns.iter().map(|c| tr.pick(c.zh, c.en)).collect(),
        rows: rows
            .iter()
            .map(|row| {
                d.columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| CellView {
                        label: tr.pick(c.zh, c.en),
                        links: if c.key == "draws" {
                            v.split_whitespace()
                                .map(|id| (format!("/draws/{id}"), format!("#{id}")))
                                .collect()
                        } else {
                            Vec::new()
                        },
                        text: v.clone(),
                    })
                    .collect()
            })
            .collect(),
        total: table.rows.len(),
    }
}

pub struct YearFilter {
    pub years: Vec<i16>,
    pub selected: Option<i16>,
}

pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "public_list.html")]
pub struct ListPage {
    pub t: Tr,
    pub page: Chrome,
    pub title: String,
    pub intro: String,
    pub tables: Vec<TableView>,
    pub filter: Option<YearFilter>,
    pub pager: Option<Pager>,
    pub no_source: bool,
}

/// A standing list: one page showing `tables` (the first names it).
fn list_route(
    section: &'static str,
    tables: &'static [&'static Dataset],
) -> axum::routing::MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>,
              headers: HeaderMap,
              uri: Uri,
              Query(q): Query<PublicQuery>| async move {
            list_page(&state, &headers, &uri, &q, section, tables).await
        },
    )
}

async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    q: &PublicQuery,
    section: &'static str,
    tables: &'static [&'static Dataset],
) -> Response {
    let r = reading(headers, q);
    let tr = r.tr;
    let mut views = Vec::new();
    let mut marks = 0;
    for d in tables {
        let table = match public::table(&state.app, d.id).await {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(e) => return PageError::new(e, tr.lang).into_response(),
        };
        marks += table.marks;
        views.push(table_view(tr, &table, &table.rows));
    }
    let intro = views
        .first()
        .and_then(|v| public::dataset(v.id))
        .map(|d| tr.pick(d.about_zh, d.about_en).to_owned())
        .unwrap_or_default();
    let view = ListPage {
        t: tr,
        page: chrome(r, uri, section, marks),
        // The first dataset names the page.
        title: tables
            .first()
            .map(|d| tr.pick(d.zh, d.en).to_owned())
            .unwrap_or_default(),
        intro,
        tables: views,
        filter: None,
        pager: None,
        no_source: false,
    };
    render(&view, r)
}

/// Results, newest first, 50 a page, optionally of one year.
async fn inspections_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<PublicQuery>,
) -> Response {
    let r = reading(&headers, &q);
    let tr = r.tr;
    let year: Option<i16> = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse().ok())
        .filter(|y| (1900..=2999).contains(y));
    let years = match public::inspection_years(&state.app).await {
        Ok(y) => y,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let table = match public::inspections(&state.app, year).await {
        Ok(t) => t,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let pages = table.rows.len().div_ceil(RESULTS_PER_PAGE).max(1);
    let page = q.page.as_usize().clamp(1, pages);
    let start = (page - 1) * RESULTS_PER_PAGE;
    let end = (start + RESULTS_PER_PAGE).min(table.rows.len());
    let shown = &table.rows[start..end];
    let marks: usize = table
        .row_marks
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .sum();
    let link = |p: usize| {
        let mut s = format!("/public/inspections?page={p}");
        if let Some(y) = year {
            s.push_str(&format!("&year={y}"));
        }
        s
    };
    let view = ListPage {
        t: tr,
        page: chrome(r, &uri, "inspections", marks),
        title: tr
            .pick(public::INSPECTIONS.zh, public::INSPECTIONS.en)
            .to_owned(),
        intro: tr
            .pick(public::INSPECTIONS.about_zh, public::INSPECTIONS.about_en)
            .to_owned(),
        tables: vec![table_view(tr, &table, shown)],
        filter: Some(YearFilter {
            years,
            selected: year,
        }),
        pager: Some(Pager {
            page,
            pages,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }),
        no_source: false,
    };
    render(&view, r)
}

/// 法制审核目录: no data source in Fazhi yet, and the page says so.
async fn legal_review_page(headers: HeaderMap, uri: Uri, Query(q): Query<PublicQuery>) -> Response {
    let r = reading(&headers, &q);
    let tr = r.tr;
    let view = ListPage {
        t: tr,
        page: chrome(r, &uri, "legal-review", 0),
        title: tr.get("public.legal_review").to_owned(),
        intro: String::new(),
        tables: Vec::new(),
        filter: None,
        pager: None,
        no_source: true,
    };
    render(&view, r)
}

pub struct ListLink {
    pub href: &'static str,
    pub name: String,
    pub about: String,
}

#[derive(Template)]
#[template(path = "public_home.html")]
pub struct HomePage {
    pub t: Tr,
    pub page: Chrome,
    pub lists: Vec<ListLink>,
    pub latest_draws: Vec<String>,
    pub checkpoint: Option<Checkpoint>,
}

/// The pages the home page and the section nav link to, with their key names.
const SECTIONS: &[(&str, &str, &str)] = &[
    ("/public/agencies", "agencies", "public.nav_agencies"),
    ("/public/powers", "powers", "public.nav_powers"),
    ("/public/officers", "officers", "public.nav_officers"),
    ("/public/discretion", "discretion", "public.nav_discretion"),
    (
        "/public/spot-checks",
        "spot-checks",
        "public.nav_spot_checks",
    ),
    ("/public/notices", "notices", "public.nav_notices"),
    ("/public/plans", "plans", "public.nav_plans"),
    (
        "/public/inspections",
        "inspections",
        "public.nav_inspections",
    ),
    (
        "/public/legal-review",
        "legal-review",
        "public.nav_legal_review",
    ),
    ("/public/data", "data", "public.nav_data"),
];

async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<PublicQuery>,
) -> Response {
    let r = reading(&headers, &q);
    let tr = r.tr;
    let checkpoint = match public::checkpoint(&state.app).await {
        Ok(c) => c,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let plans = match public::plans(&state.app).await {
        Ok(p) => p,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let latest_draws: Vec<String> = plans
        .rows
        .iter()
        .flat_map(|row| row.last().map(|d| d.split_whitespace().map(str::to_owned)))
        .flatten()
        .take(5)
        .collect();
    let lists = SECTIONS
        .iter()
        .map(|(href, section, key)| ListLink {
            href,
            name: tr.get(key).to_owned(),
            about: DATASETS
                .iter()
                .find(|d| d.id == *section)
                .map(|d| tr.pick(d.about_zh, d.about_en).to_owned())
                .unwrap_or_else(|| match *section {
                    "legal-review" => tr.get("public.no_source").to_owned(),
                    _ => tr.get("public.data_about").to_owned(),
                }),
        })
        .collect();
    let view = HomePage {
        t: tr,
        page: chrome(r, &uri, "home", 0),
        lists,
        latest_draws,
        checkpoint,
    };
    render(&view, r)
}

pub struct DatasetView {
    pub id: &'static str,
    pub name: String,
    pub about: String,
    pub page: &'static str,
    /// (key, name, type, meaning)
    pub fields: Vec<(&'static str, &'static str, &'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "public_data.html")]
pub struct DataPage {
    pub t: Tr,
    pub page: Chrome,
    pub datasets: Vec<DatasetView>,
    pub checkpoint: Option<Checkpoint>,
}

/// The documented schema of every dataset, with its stable URLs.
async fn data_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<PublicQuery>,
) -> Response {
    let r = reading(&headers, &q);
    let tr = r.tr;
    let checkpoint = match public::checkpoint(&state.app).await {
        Ok(c) => c,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let datasets = DATASETS
        .iter()
        .map(|d| DatasetView {
            id: d.id,
            name: tr.pick(d.zh, d.en).to_owned(),
            about: tr.pick(d.about_zh, d.about_en).to_owned(),
            page: d.page,
            fields: d
                .columns
                .iter()
                .map(|c| {
                    (
                        c.key,
                        tr.pick(c.zh, c.en),
                        c.ty,
                        tr.pick(c.about_zh, c.about_en),
                    )
                })
                .collect(),
        })
        .collect();
    let view = DataPage {
        t: tr,
        page: chrome(r, &uri, "data", 0),
        datasets,
        checkpoint,
    };
    render(&view, r)
}

fn checkpoint_header(c: Option<&Checkpoint>) -> String {
    c.map_or_else(
        || "none".to_owned(),
        |c| format!("{} {}", c.size, c.root_hex),
    )
}

/// `/public/data/{dataset}.csv` (UTF-8 with BOM) or `.json`.
async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let lang = lang_of(&headers);
    let not_found = || {
        PageError::new(
            AppError::NotFound {
                zh: "数据集",
                en: "dataset",
            },
            lang,
        )
        .into_response()
    };
    let Some((id, ext)) = file.rsplit_once('.') else {
        return not_found();
    };
    if ext != "csv" && ext != "json" {
        return not_found();
    }
    // The checkpoint is read first: every row exported is at least as new as it.
    let checkpoint = match public::checkpoint(&state.app).await {
        Ok(c) => c,
        Err(e) => return PageError::new(e, lang).into_response(),
    };
    let table = match public::table(&state.app, id).await {
        Ok(Some(t)) => t,
        Ok(None) => return not_found(),
        Err(e) => return PageError::new(e, lang).into_response(),
    };
    let stamp = checkpoint_header(checkpoint.as_ref());
    let disposition = format!("inline; filename=\"{id}.{ext}\"");
    if ext == "csv" {
        return match table.sheet().to_csv() {
            Ok(bytes) => (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::HeaderName::from_static(CHECKPOINT_HEADER), stamp),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => PageError::new(e, lang).into_response(),
        };
    }
    let generated_at = jiff::Timestamp::from_microsecond(state.app.now_us())
        .map(|t| t.to_string())
        .unwrap_or_default();
    let body = serde_json::json!({
        "dataset": id,
        "schema": format!("/public/data#{id}"),
        "checkpoint": checkpoint.as_ref().map(|c| serde_json::json!({
            "size": c.size, "root_hex": c.root_hex, "created_at": c.created_at,
        })),
        "generated_at": generated_at,
        "redactions": table.marks,
        "rows": table.json_rows(),
    });
    (
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::HeaderName::from_static(CHECKPOINT_HEADER), stamp),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response()
}

/// The home page's code form: on to the inspection-code page.
async fn check_code(Query(q): Query<PublicQuery>) -> Response {
    let code: String = q
        .code
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(64)
        .collect();
    if code.is_empty() {
        return Redirect::to("/public").into_response();
    }
    Redirect::to(&format!("/check/{code}")).into_response()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `hans`, `hant` or `en`: sets the language (and script) cookies and goes back.
async fn switch_script(
    State(state): State<AppState>,
    Path(script): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let (lang, script) = match script.as_str() {
        "hant" => (Lang::Zh, "hant"),
        "en" => (Lang::En, "hans"),
        _ => (Lang::Zh, "hans"),
    };
    let next = match q.next.as_deref() {
        Some(n) if n.starts_with("/public") || n.starts_with("/check/") => safe_next(Some(n)),
        _ => "/public".to_owned(),
    };
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let lang_cookie = format!(
        "{}={}; Path=/; Max-Age={SCRIPT_COOKIE_MAX_AGE_S}; SameSite=Lax{secure}",
        Lang::COOKIE,
        lang.code(),
    );
    let script_cookie = format!(
        "{SCRIPT_COOKIE}={script}; Path=/; Max-Age={SCRIPT_COOKIE_MAX_AGE_S}; SameSite=Lax{secure}"
    );
    (
        axum::response::AppendHeaders([
            (header::SET_COOKIE, lang_cookie),
            (header::SET_COOKIE, script_cookie),
        ]),
        Redirect::to(&next),
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/public.css"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_conversion_leaves_tags_attributes_and_kept_regions() {
        let html = "<a href=\"/public\" title=\"卫生\">卫生监督</a><!--keep-script-->简体<!--/keep-script--><p>简体</p>";
        let out = to_traditional_html(html);
        assert_eq!(
            out,
            "<a href=\"/public\" title=\"卫生\">衛生監督</a><!--keep-script-->简体<!--/keep-script--><p>簡體</p>"
        );
    }
}
