//! The remaining registers as tables (spot-check items, recusals, discretion
//! bands, no-penalty items) with import; CSV/XLSX export of every register
//! list; and the detail page of an entity or officer with its edit form and
//! its history from the action log.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::views::Nav;
use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fazhi_app::AppError;
use fazhi_app::home::format_instant_cst;
use fazhi_app::registry::{self as reg, ImportFailure, ImportKind};
use fazhi_app::sheets::{Format, Sheet};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::authz::{Action, authorize, role_allows};
use fazhi_domain::registry::{CredentialStatus, EntityStatus, RiskLevel, SupervisionDomain};
use serde::Deserialize;

/// The registers that are shown as one table each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    SpotChecks,
    Recusals,
    Discretion,
    NoPenalty,
}

impl Register {
    fn path(self) -> &'static str {
        match self {
            Register::SpotChecks => "/registry/spot-checks",
            Register::Recusals => "/registry/recusals",
            Register::Discretion => "/registry/discretion",
            Register::NoPenalty => "/registry/no-penalty",
        }
    }
    fn import_kind(self) -> ImportKind {
        match self {
            Register::SpotChecks => ImportKind::SpotChecks,
            Register::Recusals => ImportKind::Recusals,
            Register::Discretion => ImportKind::Discretion,
            Register::NoPenalty => ImportKind::NoPenalty,
        }
    }
    fn title(self, tr: Tr) -> &'static str {
        match self {
            Register::SpotChecks => tr.pick("随机抽查事项清单", "Spot-check item list"),
            Register::Recusals => tr.pick("回避关系", "Recusal relations"),
            Register::Discretion => tr.pick("行政处罚裁量基准", "Penalty discretion benchmarks"),
            Register::NoPenalty => tr.pick(
                "不予处罚清单（首违不罚等）",
                "No-penalty list (first violation etc.)",
            ),
        }
    }
    fn hint(self, tr: Tr) -> &'static str {
        match self {
            Register::SpotChecks => tr.pick(
                "“双随机、一公开”抽查只能从本清单的事项中抽取。",
                "Random inspections draw only from the items on this list.",
            ),
            Register::Recusals => tr.pick(
                "立案和随机抽取执法人员时，系统按本表排除须回避的人员（《行政处罚法》第四十三条）。",
                "Case filing and random officer assignment exclude these officers (Administrative Penalty Law Art. 43).",
            ),
            Register::Discretion => tr.pick(
                "办案人员选择情节后，系统显示对应罚款幅度；超出幅度须书面说明理由。",
                "Officers pick the circumstance; the case shows its fine band, and a fine outside it needs a written reason.",
            ),
            Register::NoPenalty => tr.pick(
                "符合条件的，依法不予行政处罚，并对当事人进行教育（《行政处罚法》第三十三条）。",
                "Where the conditions are met, no penalty is imposed and the party is educated (Administrative Penalty Law Art. 33).",
            ),
        }
    }
}

/// Lists that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportList {
    Entities,
    Officers,
    Powers,
    Register(Register),
}

impl ExportList {
    fn file_stem(self) -> &'static str {
        match self {
            ExportList::Entities => "entities",
            ExportList::Officers => "officers",
            ExportList::Powers => "powers",
            ExportList::Register(Register::SpotChecks) => "spot-checks",
            ExportList::Register(Register::Recusals) => "recusals",
            ExportList::Register(Register::Discretion) => "discretion",
            ExportList::Register(Register::NoPenalty) => "no-penalty",
        }
    }
}

pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route(
            "/registry/entities/{uscc}",
            get(entity_page).post(entity_edit),
        )
        .route(
            "/registry/officers/{staff_no}",
            get(officer_page).post(officer_edit),
        )
        .route(
            "/registry/entities.csv",
            get(|s, u, q| export(s, u, q, ExportList::Entities, Format::Csv)),
        )
        .route(
            "/registry/officers.csv",
            get(|s, u, q| export(s, u, q, ExportList::Officers, Format::Csv)),
        )
        .route(
            "/registry/entities.xlsx",
            get(|s, u, q| export(s, u, q, ExportList::Entities, Format::Xlsx)),
        )
        .route(
            "/registry/officers.xlsx",
            get(|s, u, q| export(s, u, q, ExportList::Officers, Format::Xlsx)),
        )
        .route(
            "/registry/powers.csv",
            get(|s, u, q| export(s, u, q, ExportList::Powers, Format::Csv)),
        )
        .route(
            "/registry/powers.xlsx",
            get(|s, u, q| export(s, u, q, ExportList::Powers, Format::Xlsx)),
        );
    for register in [
        Register::SpotChecks,
        Register::Recusals,
        Register::Discretion,
        Register::NoPenalty,
    ] {
        let base = register.path();
        router = router
            .route(base, get(move |s, u| register_page(s, u, register)))
            .route(
                &format!("{base}.csv"),
                get(move |s, u, q| export(s, u, q, ExportList::Register(register), Format::Csv)),
            )
            .route(
                &format!("{base}.xlsx"),
                get(move |s, u, q| export(s, u, q, ExportList::Register(register), Format::Xlsx)),
            )
            .route(
                &format!("{base}/import"),
                post(move |s, u, m| register_import(s, u, m, register))
                    .layer(axum::extract::DefaultBodyLimit::max(reg::IMPORT_BYTES_MAX)),
            );
    }
    router
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    domain: String,
}

async fn sheet_of(
    state: &AppState,
    user: &PageUser,
    list: ExportList,
    q: &ExportQuery,
) -> Result<Sheet, AppError> {
    let app = &state.app;
    let actor = user.auth.actor();
    match list {
        ExportList::Entities => {
            reg::export_entities(app, &actor, &q.q, SupervisionDomain::parse(&q.domain)).await
        }
        ExportList::Officers => reg::export_officers(app, &actor, &q.q).await,
        ExportList::Powers => reg::export_powers(app, &actor, &q.q).await,
        ExportList::Register(Register::SpotChecks) => reg::export_spot_checks(app, &actor).await,
        ExportList::Register(Register::Recusals) => reg::export_recusals(app, &actor).await,
        ExportList::Register(Register::Discretion) => reg::export_discretion(app, &actor).await,
        ExportList::Register(Register::NoPenalty) => reg::export_no_penalty(app, &actor).await,
    }
}

/// Any register list, filtered as on screen, as CSV or XLSX.
async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ExportQuery>,
    list: ExportList,
    format: Format,
) -> Response {
    let bytes = match sheet_of(&state, &user, list, &q).await {
        Ok(sheet) => sheet.to_bytes(format),
        Err(e) => Err(e),
    };
    match bytes {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, format.media_type().to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}.{}\"",
                        list.file_stem(),
                        format.extension()
                    ),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => PageError::new(e, user.tr.lang).into_response(),
    }
}

#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    pub t: Tr,
    pub nav: Nav,
    pub title: &'static str,
    pub hint: &'static str,
    pub table_id: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub csv_href: String,
    pub xlsx_href: String,
    pub can_import: bool,
    pub import_action: String,
    pub import_outcome: Option<String>,
    pub import_errors: Vec<(usize, String, String)>,
    pub csrf: String,
}

async fn render_register(
    state: &AppState,
    user: &PageUser,
    register: Register,
    result: Option<Result<reg::ImportOutcome, ImportFailure>>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let sheet = match sheet_of(
        state,
        user,
        ExportList::Register(register),
        &ExportQuery::default(),
    )
    .await
    {
        Ok(s) => s,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let (import_outcome, import_errors) = match crate::registry_pages::import_view(tr, result) {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let status = if import_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let base = register.path();
    let csrf = user.auth.csrf_token.clone().unwrap_or_default();
    let view = RegisterPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), base),
        title: register.title(tr),
        hint: register.hint(tr),
        table_id: ExportList::Register(register).file_stem(),
        header: sheet.header,
        rows: sheet.rows,
        csv_href: format!("{base}.csv"),
        xlsx_href: format!("{base}.xlsx"),
        can_import: role_allows(actor.role, Action::ManageRegistry),
        import_action: format!("{base}/import?csrf={csrf}"),
        import_outcome,
        import_errors,
        csrf,
    };
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

async fn register_page(
    State(state): State<AppState>,
    user: PageUser,
    register: Register,
) -> Response {
    render_register(&state, &user, register, None).await
}

async fn register_import(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    register: Register,
) -> Response {
    match crate::registry_pages::run_import(&state, &user, register.import_kind(), multipart).await
    {
        Ok(result) => render_register(&state, &user, register, Some(result)).await,
        Err(e) => PageError::new(e, user.tr.lang).into_response(),
    }
}

// ------------------------------------------------------------ record pages

pub struct FieldView {
    pub label: &'static str,
    pub name: &'static str,
    pub value: String,
    /// `(value, label)`; empty for a text input.
    pub options: Vec<(String, String)>,
    /// Shown, never sent (the record's key).
    pub fixed: bool,
}

pub struct HistoryView {
    pub verified: Option<bool>,
    pub id: i64,
    pub time: String,
    pub kind: String,
    pub change: &'static str,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "record.html")]
pub struct RecordPage {
    pub t: Tr,
    pub nav: Nav,
    pub title: String,
    pub subtitle: String,
    pub badges: Vec<(String, &'static str)>,
    pub back_href: &'static str,
    pub back_label: &'static str,
    pub fields: Vec<FieldView>,
    pub can_edit: bool,
    pub action: String,
    pub csrf: String,
    pub version: i64,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub history: Vec<HistoryView>,
}

#[derive(Deserialize, Default)]
pub struct RecordQuery {
    saved: Option<String>,
}

fn text(label: &'static str, name: &'static str, value: impl Into<String>) -> FieldView {
    FieldView {
        label,
        name,
        value: value.into(),
        options: Vec::new(),
        fixed: false,
    }
}

fn select(
    label: &'static str,
    name: &'static str,
    value: &str,
    options: &[(&'static str, &'static str)],
) -> FieldView {
    FieldView {
        label,
        name,
        value: value.to_owned(),
        options: options
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect(),
        fixed: false,
    }
}

fn history_views(tr: Tr, history: &[reg::HistoryEntry]) -> Vec<HistoryView> {
    history
        .iter()
        .rev()
        .map(|h| {
            let payload: serde_json::Value =
                serde_json::from_str(&h.event.payload_json).unwrap_or_default();
            let summary = match payload.get("file_name").and_then(|v| v.as_str()) {
                Some(file) => format!(
                    "{} {file}（{} {}）",
                    tr.pick("导入文件", "imported file"),
                    payload["rows"],
                    tr.pick("行", "rows")
                ),
                None => changed_fields(&payload),
            };
            HistoryView {
                verified: None,
                id: h.event.id,
                time: format_instant_cst(h.event.at_us),
                kind: match EventKind::parse(&h.event.kind) {
                    Some(k) => tr.pick(k.name_zh(), k.code()).to_owned(),
                    None => h.event.kind.clone(),
                },
                change: match h.change.as_str() {
                    "inserted" => tr.pick("新增", "created"),
                    _ => tr.pick("修改", "changed"),
                },
                summary,
            }
        })
        .collect()
}

/// A live inclusion check of each history event against the latest checkpoint.
async fn mark_verified(state: &AppState, history: &mut [HistoryView]) {
    for h in history {
        h.verified = fazhi_app::transparency::inclusion(&state.app, h.id, None)
            .await
            .ok()
            .map(|p| p.verified);
    }
}

/// "field: before → after" for each field an edit event changed.
fn changed_fields(payload: &serde_json::Value) -> String {
    fn flat(v: &serde_json::Value, prefix: &str, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flat(v, &key, out);
                }
            }
            serde_json::Value::String(s) => out.push((prefix.to_owned(), s.clone())),
            serde_json::Value::Null => out.push((prefix.to_owned(), String::new())),
            other => out.push((prefix.to_owned(), other.to_string())),
        }
    }
    let (mut before, mut after) = (Vec::new(), Vec::new());
    flat(&payload["before"], "", &mut before);
    flat(&payload["after"], "", &mut after);
    after
        .iter()
        .filter_map(|(k, v)| {
            let old = before
                .iter()
                .find(|(bk, _)| bk == k)
                .map_or("", |(_, bv)| bv.as_str());
            (old != v).then(|| format!("{}: {old} → {v}", k.rsplit('.').next().unwrap_or(k)))
        })
        .collect::<Vec<_>>()
        .join("；")
}

const RISK_OPTIONS: [(&str, &str); 3] = [("low", "低"), ("medium", "中"), ("high", "高")];
const CREDIT_OPTIONS: [(&str, &str); 4] = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")];
const STATUS_OPTIONS: [(&str, &str); 3] = [
    ("operating", "在营"),
    ("suspended", "停业"),
    ("closed", "注销"),
];

fn render(view: RecordPage, status: StatusCode) -> Response {
    let lang = view.t.lang;
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), lang).into_response()
        }
    }
}

fn domain_text(codes: &str) -> String {
    codes
        .split(',')
        .filter_map(SupervisionDomain::parse)
        .map(|d| d.name_zh())
        .collect::<Vec<_>>()
        .join("、")
}

async fn render_entity(
    state: &AppState,
    user: &PageUser,
    uscc: &str,
    form: Option<(&reg::EntityEdit, String)>,
    notice: Option<String>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let page = match reg::entity_page(&state.app, &actor, uscc).await {
        Ok(p) => p,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let e = &page.record;
    let permit: serde_json::Value = serde_json::from_str::<serde_json::Value>(&page.extra)
        .ok()
        .and_then(|v| v.get(0).cloned())
        .unwrap_or_default();
    let permit_field = |k: &str| {
        permit
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let mut fields = vec![
        FieldView {
            fixed: true,
            ..text(tr.pick("统一社会信用代码", "USCC"), "uscc", e.uscc.clone())
        },
        text(tr.pick("单位名称", "Name"), "name", e.name.clone()),
        text(
            tr.pick("法定代表人", "Legal representative"),
            "legal_rep",
            e.legal_rep.clone(),
        ),
        text(tr.pick("地址", "Address"), "address", e.address.clone()),
        text(
            tr.pick("行政区划代码", "Region code"),
            "region_code",
            e.region_code.clone(),
        ),
        text(
            tr.pick("专业（以、分隔）", "Domains (separated by 、)"),
            "domains",
            domain_text(&e.domains),
        ),
        select(
            tr.pick("风险等级", "Risk level"),
            "risk_level",
            &e.risk_level,
            &RISK_OPTIONS,
        ),
        select(
            tr.pick("信用等级", "Credit grade"),
            "credit_grade",
            &e.credit_grade,
            &CREDIT_OPTIONS,
        ),
        select(
            tr.pick("经营状态", "Status"),
            "status",
            &e.status,
            &STATUS_OPTIONS,
        ),
        text(
            tr.pick("许可证号", "Permit number"),
            "permit_no",
            permit_field("number"),
        ),
        text(
            tr.pick("许可项目", "Permit item"),
            "permit_item",
            permit_field("item"),
        ),
        text(
            tr.pick("许可有效期至", "Permit valid to"),
            "permit_valid_to",
            permit_field("valid_to"),
        ),
    ];
    let (error, version) = match form {
        Some((f, message)) => {
            // Show what the user typed, not the stored values.
            for field in &mut fields {
                let typed = match field.name {
                    "name" => &f.name,
                    "legal_rep" => &f.legal_rep,
                    "address" => &f.address,
                    "region_code" => &f.region_code,
                    "domains" => &f.domains,
                    "risk_level" => &f.risk_level,
                    "credit_grade" => &f.credit_grade,
                    "status" => &f.status,
                    "permit_no" => &f.permit_no,
                    "permit_item" => &f.permit_item,
                    "permit_valid_to" => &f.permit_valid_to,
                    _ => continue,
                };
                field.value = typed.clone();
            }
            (Some(message), f.version)
        }
        None => (None, page.version),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let badges = vec![
        (
            RiskLevel::parse(&e.risk_level).map_or(String::new(), |r| {
                format!(
                    "{}{}",
                    tr.pick("风险 ", "risk "),
                    tr.pick(r.name_zh(), r.code())
                )
            }),
            "neutral",
        ),
        (
            format!("{}{}", tr.pick("信用 ", "credit "), e.credit_grade),
            "neutral",
        ),
        (
            EntityStatus::parse(&e.status)
                .map_or(String::new(), |s| tr.pick(s.name_zh(), s.code()).to_owned()),
            if e.status == "operating" {
                "ok"
            } else {
                "warn"
            },
        ),
    ];
    let mut history = history_views(tr, &page.history);
    mark_verified(state, &mut history).await;
    let csrf = user.auth.csrf_token.clone().unwrap_or_default();
    render(
        RecordPage {
            t: tr,
            nav: Nav::new(tr, Some(&user.auth), "/registry/entities"),
            title: e.name.clone(),
            subtitle: format!("{} · {}", e.uscc, e.agency_name),
            badges,
            back_href: "/registry/entities",
            back_label: tr.pick("单位名录", "Entities"),
            fields,
            can_edit: role_allows(actor.role, Action::ManageRegistry),
            action: format!("/registry/entities/{}", crate::auth::percent_encode(uscc)),
            csrf,
            version,
            error,
            notice,
            history,
        },
        status,
    )
}

fn saved_notice(tr: Tr, q: &RecordQuery) -> Option<String> {
    match q.saved.as_deref() {
        Some("1") => Some(tr.pick("已保存。", "Saved.").to_owned()),
        Some("0") => Some(
            tr.pick("没有改动，未保存。", "Nothing changed; nothing saved.")
                .to_owned(),
        ),
        _ => None,
    }
}

async fn entity_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(uscc): Path<String>,
    Query(q): Query<RecordQuery>,
) -> Response {
    let notice = saved_notice(user.tr, &q);
    render_entity(&state, &user, &uscc, None, notice).await
}

fn form_rejected(tr: Tr) -> AppError {
    let _ = tr;
    AppError::invalid(
        "form",
        "表单字段不完整，请从记录页面提交",
        "the form is incomplete; submit it from the record page",
    )
}

/// The form of an edit, or the error page when the role may not edit or
/// the form is malformed. Authorization comes first: a refused role learns
/// nothing about the form.
fn edit_form<T>(user: &PageUser, form: Result<Form<T>, FormRejection>) -> Result<T, PageError> {
    let tr = user.tr;
    authorize(&user.auth.actor(), Action::ManageRegistry, None)
        .map_err(|e| PageError::new(e.into(), tr.lang))?;
    form.map(|Form(f)| f)
        .map_err(|_| PageError::new(form_rejected(tr), tr.lang))
}

/// After an edit: back to the record page (saved or unchanged), or the form
/// again with the message — 422 for invalid input, 409 for a lost race.
async fn after_edit<F, Fut>(
    tr: Tr,
    result: Result<reg::Change, AppError>,
    record_path: &str,
    rerender: F,
) -> Response
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    match result {
        Ok(change) => Redirect::to(&format!(
            "{record_path}?saved={}",
            u8::from(change != reg::Change::Unchanged)
        ))
        .into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let message = tr.pick(&e.message_zh(), &e.message_en()).to_owned();
            let mut response = rerender(message).await;
            if matches!(e, AppError::Conflict { .. }) {
                *response.status_mut() = StatusCode::CONFLICT;
            }
            response
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

async fn entity_edit(
    State(state): State<AppState>,
    user: PageUser,
    Path(uscc): Path<String>,
    form: Result<Form<reg::EntityEdit>, FormRejection>,
) -> Response {
    let form = match edit_form(&user, form) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let result = reg::edit_entity(&state.app, &user.auth.actor(), &uscc, &form).await;
    let path = format!("/registry/entities/{}", crate::auth::percent_encode(&uscc));
    after_edit(user.tr, result, &path, |message| {
        render_entity(&state, &user, &uscc, Some((&form, message)), None)
    })
    .await
}

async fn render_officer(
    state: &AppState,
    user: &PageUser,
    staff_no: &str,
    form: Option<(&reg::OfficerEdit, String)>,
    notice: Option<String>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let page = match reg::officer_page(&state.app, &actor, staff_no).await {
        Ok(p) => p,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let o = &page.record;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut fields = vec![
        FieldView {
            fixed: true,
            ..text(
                tr.pick("工号", "Staff number"),
                "staff_no",
                o.staff_no.clone(),
            )
        },
        text(tr.pick("姓名", "Name"), "name", o.name.clone()),
        text(tr.pick("岗位", "Posts"), "posts", o.posts.clone()),
        text(
            tr.pick("执法领域（以、分隔）", "Domains (separated by 、)"),
            "domains",
            domain_text(&o.domains),
        ),
        text(
            tr.pick("执法证号", "Credential number"),
            "credential_number",
            opt(&o.credential_number),
        ),
        text(
            tr.pick("发证机关", "Issuing body"),
            "issuing_body",
            opt(&o.issuing_body),
        ),
        text(tr.pick("执法区域", "Area"), "area", opt(&o.area)),
        text(
            tr.pick("有效期起", "Valid from"),
            "valid_from",
            opt(&o.valid_from),
        ),
        text(
            tr.pick("有效期止", "Valid to"),
            "valid_to",
            opt(&o.valid_to),
        ),
        text(
            tr.pick("年审年度", "Last annual review"),
            "last_review_year",
            o.last_review_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
        ),
        text(
            tr.pick("培训学时", "Training hours"),
            "training_hours",
            o.training_hours.map(|h| h.to_string()).unwrap_or_default(),
        ),
    ];
    let (error, version) = match form {
        Some((f, message)) => {
            for field in &mut fields {
                let typed = match field.name {
                    "name" => &f.name,
                    "posts" => &f.posts,
                    "domains" => &f.domains,
                    "credential_number" => &f.credential_number,
                    "issuing_body" => &f.issuing_body,
                    "area" => &f.area,
                    "valid_from" => &f.valid_from,
                    "valid_to" => &f.valid_to,
                    "last_review_year" => &f.last_review_year,
                    "training_hours" => &f.training_hours,
                    _ => continue,
                };
                field.value = typed.clone();
            }
            (Some(message), f.version)
        }
        None => (None, page.version),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let credential = reg::credential_status_of(
        o.valid_from.as_deref(),
        o.valid_to.as_deref(),
        o.last_review_year,
        reg::today_cst(&state.app),
    );
    let badges = vec![match credential {
        Some(s) => (
            tr.pick(s.name_zh(), s.code()).to_owned(),
            match s {
                CredentialStatus::Valid => "ok",
                CredentialStatus::Expiring => "warn",
                CredentialStatus::Expired | CredentialStatus::ReviewOverdue => "bad",
            },
        ),
        None => (tr.pick("无执法证", "no credential").to_owned(), "bad"),
    }];
    let mut history = history_views(tr, &page.history);
    mark_verified(state, &mut history).await;
    let csrf = user.auth.csrf_token.clone().unwrap_or_default();
    render(
        RecordPage {
            t: tr,
            nav: Nav::new(tr, Some(&user.auth), "/registry/officers"),
            title: o.name.clone(),
            subtitle: format!("{} · {}", o.staff_no, o.agency_name),
            badges,
            back_href: "/registry/officers",
            back_label: tr.pick("执法人员", "Officers"),
            fields,
            can_edit: role_allows(actor.role, Action::ManageRegistry),
            action: format!(
                "/registry/officers/{}",
                crate::auth::percent_encode(staff_no)
            ),
            csrf,
            version,
            error,
            notice,
            history,
        },
        status,
    )
}

async fn officer_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(staff_no): Path<String>,
    Query(q): Query<RecordQuery>,
) -> Response {
    let notice = saved_notice(user.tr, &q);
    render_officer(&state, &user, &staff_no, None, notice).await
}

async fn officer_edit(
    State(state): State<AppState>,
    user: PageUser,
    Path(staff_no): Path<String>,
    form: Result<Form<reg::OfficerEdit>, FormRejection>,
) -> Response {
    let form = match edit_form(&user, form) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let result = reg::edit_officer(&state.app, &user.auth.actor(), &staff_no, &form).await;
    let path = format!(
        "/registry/officers/{}",
        crate::auth::percent_encode(&staff_no)
    );
    after_edit(user.tr, result, &path, |message| {
        render_officer(&state, &user, &staff_no, Some((&form, message)), None)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_summary_names_each_changed_field_with_old_and_new_value() {
        let payload = serde_json::json!({
            "before": {"name": "甲诊所", "risk_level": "low", "agency_id": 3},
            "after": {"name": "甲诊所", "risk_level": "high", "agency_id": 3},
        });
        assert_eq!(changed_fields(&payload), "risk_level: low → high");
    }
}
