//! The indicators dashboard (charts drawn as SVG on the server, filters by
//! agency and period, overdue items), the drill-down from a figure to the
//! records it counts, and the annual report's editor: each part's narrative
//! saved as a new version, the version history, the figures checklist and
//! the exports (HTML, DOCX, PDF when the binary provides a renderer), in
//! simplified or traditional Chinese.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::views::{Nav, render};
use askama::Template;
use axum::Router;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fazhi_app::AppError;
use fazhi_app::annual_report::NarrativeRow;
use fazhi_app::annual_report::{self as ar, Editor};
use fazhi_app::indicators::{self as ind, Dashboard, Drill, DrillQuery, Filter};
use fazhi_domain::authz::{Action, authorize, role_allows};
use fazhi_domain::indicators::{SourceModule, Value};
use fazhi_domain::registry::SupervisionDomain;
use fazhi_report::model::{AnnualReport, Chart, ChartKind, Script};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/dashboard/figure", get(drill))
        .route("/report", get(editor))
        .route("/report/narrative", post(save))
        .route("/report/version", get(version))
        .route("/report/export", get(export))
}

/// An agency the caller may pick in the filter.
pub struct AgencyOption {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

async fn agency_options(state: &AppState, user: &PageUser, selected: i64) -> Vec<AgencyOption> {
    fazhi_app::accounts::list_agencies(&state.app, &user.auth.actor())
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|a| AgencyOption {
            selected: a.id == selected,
            id: a.id,
            name: a.name,
        })
        .collect()
}

/// One figure as a dashboard card or table row.
pub struct FigureLine {
    pub id: &'static str,
    pub name: String,
    pub value: String,
    pub previous: String,
    pub change: String,
    pub unit: String,
    /// The drill-down link, for figures made of records.
    pub href: Option<String>,
    pub no_source: bool,
}

/// A table cell: the figure and the link to its records.
pub type Cell = (String, Option<String>);

/// A bar or pie with its data table (each cell linking to its records).
pub struct ChartView {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
    pub header: Vec<String>,
    pub rows: Vec<(String, Vec<Cell>)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub t: Tr,
    pub nav: Nav,
    pub agencies: Vec<AgencyOption>,
    pub year: i16,
    pub from: i8,
    pub to: i8,
    pub agency_name: String,
    pub period: String,
    pub checkpoint: String,
    pub headline: Vec<FigureLine>,
    pub charts: Vec<ChartView>,
    pub overdue: Vec<ind::Overdue>,
    pub figures: Vec<FigureLine>,
    pub report_href: String,
}

fn query_string(agency: i64, year: i16, from: i8, to: i8) -> String {
    format!("agency={agency}&year={year}&from={from}&to={to}")
}

fn figure_line(f: &ind::Figure, q: &str) -> FigureLine {
    let id = f.definition.id;
    FigureLine {
        id,
        name: f.definition.name_zh.to_owned(),
        value: f
            .value
            .as_ref()
            .map_or_else(|| "—".to_owned(), Value::display),
        previous: f
            .previous
            .as_ref()
            .map_or_else(|| "—".to_owned(), Value::display),
        change: f.change().unwrap_or_default(),
        unit: f.definition.unit_zh.to_owned(),
        href: ind::drillable(id).then(|| format!("/dashboard/figure?id={id}&{q}")),
        no_source: f.definition.source == SourceModule::NotYet,
    }
}

fn domain_name(tr: Tr, code: &str) -> String {
    SupervisionDomain::parse(code).map_or_else(
        || code.to_owned(),
        |d| tr.pick(d.name_zh(), d.code()).to_owned(),
    )
}

fn charts(tr: Tr, d: &Dashboard, q: &str, year: i16) -> Vec<ChartView> {
    let link = |id: &str, extra: &str| Some(format!("/dashboard/figure?id={id}&{q}{extra}"));
    let month_q = |m: i8| {
        format!(
            "/dashboard/figure?agency={}&year={year}&from={m}&to={m}",
            d.figures.agency_id
        )
    };
    let months: Vec<String> = d.monthly.iter().map(|p| format!("{}月", p.month)).collect();
    let trend = Chart {
        title: tr.get("dash.trend").to_owned(),
        kind: ChartKind::Line,
        labels: months.clone(),
        series: vec![
            (
                tr.get("dash.visits").to_owned(),
                d.monthly.iter().map(|p| p.visits as f64).collect(),
            ),
            (
                tr.get("dash.filed").to_owned(),
                d.monthly.iter().map(|p| p.filed as f64).collect(),
            ),
            (
                tr.get("dash.penalties").to_owned(),
                d.monthly.iter().map(|p| p.penalties as f64).collect(),
            ),
        ],
    };
    let trend_rows = d
        .monthly
        .iter()
        .map(|p| {
            let base = month_q(p.month);
            (
                format!("{}月", p.month),
                vec![
                    (p.visits.to_string(), Some(format!("{base}&id=insp.visits"))),
                    (p.filed.to_string(), Some(format!("{base}&id=cases.filed"))),
                    (
                        p.penalties.to_string(),
                        Some(format!("{base}&id=cases.penalties")),
                    ),
                ],
            )
        })
        .collect();
    let domains = Chart {
        title: tr.get("dash.by_domain").to_owned(),
        kind: ChartKind::Bar,
        labels: d
            .by_domain
            .iter()
            .map(|s| domain_name(tr, &s.key))
            .collect(),
        series: vec![
            (
                tr.get("dash.visits").to_owned(),
                d.by_domain.iter().map(|s| s.visits as f64).collect(),
            ),
            (
                tr.get("dash.cases").to_owned(),
                d.by_domain.iter().map(|s| s.cases as f64).collect(),
            ),
        ],
    };
    let domain_rows = d
        .by_domain
        .iter()
        .map(|s| {
            let extra = format!("&domain={}", s.key);
            (
                domain_name(tr, &s.key),
                vec![
                    (s.visits.to_string(), link("insp.visits", &extra)),
                    (s.cases.to_string(), None),
                ],
            )
        })
        .collect();
    let count = |id: &str| match d.figures.get(id).and_then(|f| f.value.as_ref()) {
        Some(Value::Count(n)) => *n,
        _ => 0,
    };
    let procedures = [
        ("cases.summary", tr.get("dash.summary")),
        ("cases.filed", tr.get("dash.ordinary")),
        ("cases.no_penalty", tr.get("dash.no_penalty")),
        ("cases.transfers", tr.get("dash.transfers")),
    ];
    let kinds = Chart {
        title: tr.get("dash.by_procedure").to_owned(),
        kind: ChartKind::Pie,
        labels: procedures.iter().map(|(_, l)| (*l).to_owned()).collect(),
        series: vec![(
            tr.get("dash.cases").to_owned(),
            procedures.iter().map(|(id, _)| count(id) as f64).collect(),
        )],
    };
    let kind_rows = procedures
        .iter()
        .map(|(id, l)| ((*l).to_owned(), vec![(count(id).to_string(), link(id, ""))]))
        .collect();
    let levels = [
        ("random.national.completion", tr.get("dash.national")),
        ("random.provincial.completion", tr.get("dash.provincial")),
        ("random.local.completion", tr.get("dash.local")),
    ];
    let rate = |id: &str| match d.figures.get(id).and_then(|f| f.value.as_ref()) {
        Some(Value::Permille(Some(p))) => *p as f64 / 10.0,
        _ => 0.0,
    };
    let completion = Chart {
        title: tr.get("dash.completion").to_owned(),
        kind: ChartKind::Bar,
        labels: levels.iter().map(|(_, l)| (*l).to_owned()).collect(),
        series: vec![(
            tr.get("dash.on_time_rate").to_owned(),
            levels.iter().map(|(id, _)| rate(id)).collect(),
        )],
    };
    let completion_rows = levels
        .iter()
        .map(|(id, l)| ((*l).to_owned(), vec![(d.figures.text(id), link(id, ""))]))
        .collect();
    vec![
        ChartView {
            id: "chart-trend",
            svg: fazhi_report::chart::svg(&trend),
            title: trend.title,
            header: trend.series.iter().map(|s| s.0.clone()).collect(),
            rows: trend_rows,
        },
        ChartView {
            id: "chart-domain",
            svg: fazhi_report::chart::svg(&domains),
            title: domains.title,
            header: domains.series.iter().map(|s| s.0.clone()).collect(),
            rows: domain_rows,
        },
        ChartView {
            id: "chart-procedure",
            svg: fazhi_report::chart::svg(&kinds),
            title: kinds.title,
            header: vec![tr.get("dash.cases").to_owned()],
            rows: kind_rows,
        },
        ChartView {
            id: "chart-completion",
            svg: fazhi_report::chart::svg(&completion),
            title: completion.title,
            header: vec![tr.get("dash.on_time_rate").to_owned()],
            rows: completion_rows,
        },
    ]
}

fn checkpoint_text(tr: Tr, c: &Option<(i64, String)>) -> String {
    match c {
        Some((size, root)) => format!("{} {size} · {root}", tr.get("dash.checkpoint_at")),
        None => tr.get("dash.no_checkpoint").to_owned(),
    }
}

async fn dashboard(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<Filter>, QueryRejection>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let filter = match q {
        Ok(Query(f)) => f,
        Err(_) => {
            return PageError::new(
                AppError::invalid(
                    "year",
                    "筛选条件无效：年度、月份和机构应为数字",
                    "bad filter: year, months and agency are numbers",
                ),
                tr.lang,
            )
            .into_response();
        }
    };
    let d = match ind::dashboard(&state.app, &actor, &filter).await {
        Ok(d) => d,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let year = d.figures.year;
    let (from, to) = (filter.from.unwrap_or(1), filter.to.unwrap_or(12));
    let q = query_string(d.figures.agency_id, year, from, to);
    let headline = [
        "insp.visits",
        "insp.problems",
        "cases.filed",
        "cases.penalties",
        "cases.fines",
        "random.national.completion",
    ]
    .iter()
    .filter_map(|id| d.figures.get(id))
    .map(|f| figure_line(f, &q))
    .collect();
    let view = DashboardPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/dashboard"),
        agencies: agency_options(&state, &user, d.figures.agency_id).await,
        year,
        from,
        to,
        agency_name: d.figures.agency_name.clone(),
        period: format!("{} — {}", d.figures.from, d.figures.to),
        checkpoint: checkpoint_text(tr, &d.figures.checkpoint),
        headline,
        charts: charts(tr, &d, &q, year),
        overdue: d.overdue.clone(),
        figures: d
            .figures
            .figures
            .iter()
            .map(|f| figure_line(f, &q))
            .collect(),
        report_href: format!("/report?agency={}&year={year}", d.figures.agency_id),
    };
    render(&view, StatusCode::OK, tr)
}

#[derive(Template)]
#[template(path = "drill.html")]
pub struct DrillPage {
    pub t: Tr,
    pub nav: Nav,
    pub d: Drill,
    pub value: String,
    pub domain_name: String,
    pub checkpoint: String,
    pub is_rate: bool,
    pub back: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// The drill-down's query, flat: `serde(flatten)` would hand the numbers to
/// serde as strings, which a query string cannot then parse.
#[derive(Deserialize)]
struct DrillParams {
    id: Option<String>,
    agency: Option<i64>,
    year: Option<i16>,
    from: Option<i8>,
    to: Option<i8>,
    domain: Option<String>,
    #[serde(default)]
    page: crate::paging::PageNo,
}

async fn drill(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<DrillParams>, QueryRejection>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    if let Err(e) = authorize(&actor, Action::ViewStatistics, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Query(p)) = q else {
        return PageError::new(
            AppError::invalid(
                "id",
                "追溯条件无效：请从统计看板上的数字进入",
                "bad drill-down query: follow a figure on the dashboard",
            ),
            tr.lang,
        )
        .into_response();
    };
    let id = p.id.unwrap_or_default();
    let q = DrillQuery {
        filter: Filter {
            agency: p.agency,
            year: p.year,
            from: p.from,
            to: p.to,
        },
        domain: p.domain,
        page: Some(p.page.as_usize()),
    };
    let d = match ind::drill(&state.app, &actor, &id, &q).await {
        Ok(d) => d,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let base = format!(
        "/dashboard/figure?id={id}&agency={}&year={}&from={}&to={}{}",
        d.agency_id,
        q.filter
            .year
            .unwrap_or_else(|| d.from[..4].parse().unwrap_or(2000)),
        q.filter.from.unwrap_or(1),
        q.filter.to.unwrap_or(12),
        d.domain
            .as_ref()
            .map_or_else(String::new, |x| format!("&domain={x}"))
    );
    let view = DrillPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/dashboard"),
        value: d.value.display(),
        domain_name: d
            .domain
            .as_ref()
            .map_or_else(String::new, |x| domain_name(tr, x)),
        checkpoint: checkpoint_text(tr, &d.checkpoint),
        is_rate: matches!(d.value, Value::Permille(_)),
        back: format!(
            "/dashboard?agency={}&year={}&from={}&to={}",
            d.agency_id,
            q.filter.year.unwrap_or_default(),
            q.filter.from.unwrap_or(1),
            q.filter.to.unwrap_or(12)
        ),
        prev: (d.page > 1).then(|| format!("{base}&page={}", d.page - 1)),
        next: (d.page < d.pages).then(|| format!("{base}&page={}", d.page + 1)),
        d,
    };
    render(&view, StatusCode::OK, tr)
}

#[derive(Deserialize)]
struct ReportQuery {
    agency: Option<i64>,
    year: Option<i16>,
}

#[derive(Template)]
#[template(path = "report_editor.html")]
pub struct EditorPage {
    pub t: Tr,
    pub nav: Nav,
    pub e: Editor,
    pub agency_id: i64,
    pub agencies: Vec<AgencyOption>,
    pub can_edit: bool,
    pub checkpoint: String,
    pub error: Option<(i64, String)>,
    /// The text a refused form carried, so it is not lost.
    pub kept: Option<(i64, String)>,
    pub checklist: fazhi_report::model::Table,
    pub pdf: bool,
}

impl EditorPage {
    pub fn text_of(&self, p: &ar::PartView) -> String {
        match &self.kept {
            Some((part, body)) if *part == p.part => body.clone(),
            _ => p
                .current
                .as_ref()
                .map_or_else(String::new, |c| c.body.clone()),
        }
    }
    pub fn history_of(&self, part: &i64) -> Vec<&NarrativeRow> {
        self.e.history.iter().filter(|h| h.part == *part).collect()
    }
    pub fn time(&self, us: &i64) -> String {
        fazhi_app::home::format_instant_cst(*us)
    }
}

async fn render_editor(
    state: &AppState,
    user: &PageUser,
    q: &ReportQuery,
    error: Option<(i64, String)>,
    kept: Option<(i64, String)>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let year = q
        .year
        .unwrap_or_else(|| fazhi_app::registry::today_cst(&state.app).year() - 1);
    let e = match ar::editor(&state.app, &actor, q.agency, year).await {
        Ok(e) => e,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let view = EditorPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/report"),
        agency_id: e.scope_agency_id,
        agencies: agency_options(state, user, e.scope_agency_id).await,
        can_edit: role_allows(actor.role, Action::EditReport),
        checkpoint: checkpoint_text(tr, &e.figures.checkpoint),
        checklist: e.report.figures_checklist(),
        pdf: state.pdf.is_some(),
        error,
        kept,
        e,
    };
    render(&view, status, tr)
}

async fn editor(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<ReportQuery>, QueryRejection>,
) -> Response {
    let q = q.map_or(
        ReportQuery {
            agency: None,
            year: None,
        },
        |Query(q)| q,
    );
    render_editor(&state, &user, &q, None, None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct SaveForm {
    agency: i64,
    year: i16,
    part: i64,
    version: i64,
    body: String,
}

async fn save(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<SaveForm>, FormRejection>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    if let Err(e) = authorize(&actor, Action::EditReport, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Form(f)) = form else {
        return PageError::new(
            AppError::invalid(
                "body",
                "表单字段不完整（机构、年度、部分、版本、正文）",
                "the form is incomplete (agency, year, part, version, text)",
            ),
            tr.lang,
        )
        .into_response();
    };
    let q = ReportQuery {
        agency: Some(f.agency),
        year: Some(f.year),
    };
    match ar::save_narrative(
        &state.app,
        &actor,
        Some(f.agency),
        f.year,
        f.part,
        f.version,
        &f.body,
    )
    .await
    {
        Ok(_) => Redirect::to(&format!(
            "/report?agency={}&year={}#part-{}",
            f.agency, f.year, f.part
        ))
        .into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let status = crate::error::status_of(&e);
            let msg = tr.pick(&e.message_zh(), &e.message_en()).to_owned();
            render_editor(
                &state,
                &user,
                &q,
                Some((f.part, msg)),
                Some((f.part, f.body)),
                status,
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

#[derive(Deserialize)]
struct VersionQuery {
    agency: Option<i64>,
    year: i16,
    part: i64,
    version: i64,
}

#[derive(Template)]
#[template(path = "report_version.html")]
pub struct VersionPage {
    pub t: Tr,
    pub nav: Nav,
    pub v: NarrativeRow,
    pub heading: String,
    pub year: i16,
    pub saved_at: String,
    pub back: String,
}

async fn version(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<VersionQuery>, QueryRejection>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    if let Err(e) = authorize(&actor, Action::ViewStatistics, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Query(q)) = q else {
        return PageError::new(
            AppError::invalid(
                "version",
                "请指定年度、部分和版本",
                "give the year, part and version",
            ),
            tr.lang,
        )
        .into_response();
    };
    match ar::narrative_version(&state.app, &actor, q.agency, q.year, q.part, q.version).await {
        Ok(v) => {
            let view = VersionPage {
                t: tr,
                nav: Nav::new(tr, Some(&user.auth), "/report"),
                heading: usize::try_from(q.part - 1)
                    .ok()
                    .and_then(|i| ar::PARTS.get(i))
                    .map_or_else(String::new, |h| (*h).to_owned()),
                year: q.year,
                saved_at: fazhi_app::home::format_instant_cst(v.saved_at_us),
                back: format!(
                    "/report?agency={}&year={}#part-{}",
                    q.agency.unwrap_or(actor.agency_id),
                    q.year,
                    q.part
                ),
                v,
            };
            render(&view, StatusCode::OK, tr)
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

#[derive(Deserialize)]
struct ExportQuery {
    agency: Option<i64>,
    year: Option<i16>,
    format: Option<String>,
    script: Option<String>,
}

/// The report in traditional characters: every text converted by OpenCC
/// through the model's JSON, so no renderer needs to know.
pub fn to_traditional(report: AnnualReport) -> AnnualReport {
    let Ok(json) = serde_json::to_string(&report) else {
        return report;
    };
    match serde_json::from_str::<AnnualReport>(&fazhi_text::to_traditional(&json)) {
        Ok(mut r) => {
            r.script = Script::Traditional;
            r
        }
        Err(_) => report,
    }
}

async fn export(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<ExportQuery>, QueryRejection>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    if let Err(e) = authorize(&actor, Action::ViewStatistics, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let q = q.map_or(
        ExportQuery {
            agency: None,
            year: None,
            format: None,
            script: None,
        },
        |Query(q)| q,
    );
    let script = match q.script.as_deref() {
        None | Some("simplified") => Script::Simplified,
        Some("traditional") => Script::Traditional,
        Some(_) => {
            return PageError::new(
                AppError::invalid(
                    "script",
                    "字形应为 simplified（简体）或 traditional（繁體）",
                    "script must be simplified or traditional",
                ),
                tr.lang,
            )
            .into_response();
        }
    };
    let format = q.format.as_deref().unwrap_or("html");
    if !matches!(format, "html" | "docx" | "pdf") {
        return PageError::new(
            AppError::invalid(
                "format",
                "格式应为 html、docx 或 pdf",
                "format must be html, docx or pdf",
            ),
            tr.lang,
        )
        .into_response();
    }
    let year = q
        .year
        .unwrap_or_else(|| fazhi_app::registry::today_cst(&state.app).year() - 1);
    let report = match ar::report(&state.app, &actor, q.agency, year, Script::Simplified).await {
        Ok(r) => r,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let report = match script {
        Script::Traditional => to_traditional(report),
        Script::Simplified => report,
    };
    let agency = q.agency.unwrap_or(actor.agency_id);
    let file = format!(
        "report-{agency}-{year}-{}",
        if script == Script::Traditional {
            "zh-Hant"
        } else {
            "zh-CN"
        }
    );
    let q_base = format!("agency={agency}&year={year}&from=1&to=12");
    match format {
        "html" => {
            let html = fazhi_report::html::to_html(&report, &|id| {
                ind::drillable(id).then(|| format!("/dashboard/figure?id={id}&{q_base}"))
            });
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        "docx" => match fazhi_report::docx::to_docx(&report) {
            Ok(bytes) => download(
                bytes,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                &format!("{file}.docx"),
            ),
            Err(e) => PageError::new(AppError::Internal(e.to_string()), tr.lang).into_response(),
        },
        _ => {
            let Some(render) = state.pdf.clone() else {
                return PageError::new(
                    AppError::NotFound {
                        zh: "PDF 导出（本服务未配置 PDF 渲染）",
                        en: "PDF export (this server has no PDF renderer)",
                    },
                    tr.lang,
                )
                .into_response();
            };
            // Typesetting is CPU work: keep it off the async workers.
            match tokio::task::spawn_blocking(move || render(&report)).await {
                Ok(Ok(bytes)) => download(bytes, "application/pdf", &format!("{file}.pdf")),
                Ok(Err(e)) => PageError::new(AppError::Internal(e), tr.lang).into_response(),
                Err(e) => {
                    PageError::new(AppError::Internal(e.to_string()), tr.lang).into_response()
                }
            }
        }
    }
}

fn download(bytes: Vec<u8>, media_type: &'static str, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
