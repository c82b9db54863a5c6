//! Inspection pages after the draw: the officer's phone list, the scope's
//! task list, the task page with its result form, ad hoc inspections, burden
//! control (joint visits, caps), statistics, and the public inspection code
//! page (亮码入企) with its anonymous rating.

use crate::AppState;
use crate::auth::{LOGIN_CSRF_COOKIE, PageUser};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::views::{Nav, message, render};
use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fazhi_app::AppError;
use fazhi_app::inspection_tasks::TaskRow;
use fazhi_app::inspection_tasks::{self as tasks, AdHocForm, Counts, ResultForm, TaskView};
use fazhi_domain::authz::{Action, authorize, role_allows};
use fazhi_domain::inspection::Verdict;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inspections/mine", get(mine))
        .route("/inspections/tasks", get(scope_list))
        .route("/inspections/tasks/{id}", get(task_page))
        .route("/inspections/tasks/{id}/result", post(record))
        .route(
            "/inspections/tasks/{id}/evidence",
            // Streamed into the evidence store, which enforces its own size limit.
            post(upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/inspections/new", get(adhoc_form).post(create_adhoc))
        .route("/inspections/burden", get(burden_page))
        .route("/inspections/merge", post(merge))
        .route("/inspections/stats", get(stats_page))
        .route("/check/{code}", get(public_check))
        .route("/check/{code}/rate", post(rate))
}

/// A task as a line of a list.
pub struct TaskLine {
    pub id: i64,
    pub entity: String,
    pub address: String,
    pub basis: String,
    pub due: String,
    pub done: String,
    pub state: &'static str,
    pub result: &'static str,
    pub overdue: bool,
    pub source: &'static str,
    pub joint: bool,
}

fn source_name(tr: Tr, code: &str) -> &'static str {
    match code {
        "random" => tr.pick("双随机抽查", "random"),
        "complaint" => tr.pick("投诉举报", "complaint"),
        "recheck" => tr.pick("复查", "re-check"),
        _ => tr.pick("专项/其他", "ad hoc"),
    }
}

fn line(tr: Tr, t: TaskRow, today: &str) -> TaskLine {
    let open = t.state == "assigned";
    TaskLine {
        overdue: open && t.due_on.as_str() < today,
        state: if open {
            tr.pick("待检查", "open")
        } else {
            tr.pick("已完成", "done")
        },
        result: Verdict::parse(&t.result).map_or("", |v| tr.pick(v.name_zh(), v.name_en())),
        source: source_name(tr, &t.source),
        joint: t.visit != t.id,
        id: t.id,
        entity: t.entity_name,
        address: t.entity_address,
        basis: t.basis,
        due: t.due_on,
        done: t.done_on,
    }
}

fn today(state: &AppState) -> String {
    fazhi_app::registry::today_cst(&state.app).to_string()
}

#[derive(Template)]
#[template(path = "tasks_mine.html")]
pub struct MinePage {
    pub t: Tr,
    pub nav: Nav,
    pub linked: bool,
    pub open: Vec<TaskLine>,
    pub done: Vec<TaskLine>,
}

/// The officer's own list, made for a phone.
async fn mine(State(state): State<AppState>, user: PageUser) -> Response {
    let tr = user.tr;
    let list = match tasks::my_tasks(&state.app, &user.auth.actor()).await {
        Ok(l) => l,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let today = today(&state);
    let linked = list.is_some();
    let (open, done): (Vec<TaskLine>, Vec<TaskLine>) = list
        .unwrap_or_default()
        .into_iter()
        .map(|t| line(tr, t, &today))
        .partition(|l| l.done.is_empty());
    let view = MinePage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/inspections/mine"),
        linked,
        open,
        done,
    };
    render(&view, StatusCode::OK, tr)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    year: Option<i16>,
    #[serde(default)]
    open: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
pub struct ScopePage {
    pub t: Tr,
    pub nav: Nav,
    pub year: i16,
    pub open_only: bool,
    pub lines: Vec<TaskLine>,
    pub can_inspect: bool,
}

async fn scope_list(
    State(state): State<AppState>,
    user: PageUser,
    q: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let tr = user.tr;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let year = q
        .year
        .unwrap_or_else(|| fazhi_app::registry::today_cst(&state.app).year());
    let open_only = q.open.as_deref().is_some_and(|v| v == "1");
    let actor = user.auth.actor();
    let list = match tasks::scope_tasks(&state.app, &actor, year, open_only).await {
        Ok(l) => l,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let today = today(&state);
    let view = ScopePage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/inspections/tasks"),
        year,
        open_only,
        lines: list.into_iter().map(|t| line(tr, t, &today)).collect(),
        can_inspect: role_allows(actor.role, Action::Inspect),
    };
    render(&view, StatusCode::OK, tr)
}

#[derive(Template)]
#[template(path = "task.html")]
pub struct TaskPage {
    pub t: Tr,
    pub nav: Nav,
    pub v: TaskView,
    pub facts: Vec<(String, String)>,
    pub checklist: Vec<String>,
    pub warnings: Vec<String>,
    pub verdicts: Vec<(&'static str, &'static str)>,
    pub result_name: &'static str,
    pub check_url: String,
    pub csrf: String,
    pub error: Option<String>,
    pub form: ResultForm,
    pub today: String,
    pub upload_action: String,
}

async fn render_task(
    state: &AppState,
    user: &PageUser,
    id: i64,
    error: Option<String>,
    form: Option<ResultForm>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let v = match tasks::task(&state.app, &user.auth.actor(), id).await {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let t = &v.task;
    let mut facts = vec![
        (
            tr.pick("检查对象", "Entity").to_owned(),
            format!("{}（{}）", t.entity_name, t.entity_uscc),
        ),
        (
            tr.pick("地址", "Address").to_owned(),
            t.entity_address.clone(),
        ),
        (
            tr.pick("检查来源", "Source").to_owned(),
            source_name(tr, &t.source).to_owned(),
        ),
        (tr.pick("检查依据", "Basis").to_owned(), t.basis.clone()),
        (
            tr.pick("承办机关", "Agency").to_owned(),
            t.agency_name.clone(),
        ),
        (tr.pick("完成期限", "Due").to_owned(), t.due_on.clone()),
    ];
    if !t.partners.is_empty() {
        facts.push((
            tr.pick("联合抽查部门", "Joint with").to_owned(),
            t.partners.clone(),
        ));
    }
    if !t.done_on.is_empty() {
        facts.push((
            tr.pick("检查日期", "Inspected on").to_owned(),
            t.done_on.clone(),
        ));
    }
    if !t.publish_by.is_empty() {
        facts.push((
            // The period is the rule's (insp_result_20wd), not this label's.
            tr.pick("结果公示期限", "Publish result by").to_owned(),
            t.publish_by.clone(),
        ));
    }
    let checklist = v
        .item
        .as_ref()
        .map(|i| {
            i.content
                .split(['；', ';', '\n', '、'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let warnings = v
        .warnings
        .iter()
        .map(|w| format!("{}（{}）", tr.pick(&w.text_zh(), &w.text_en()), w.rule_id()))
        .collect();
    let form = form.unwrap_or_else(|| ResultForm {
        version: t.version.to_string(),
        done_on: fazhi_app::registry::today_cst(&state.app).to_string(),
        result: "pass".into(),
        ..ResultForm::default()
    });
    let csrf = user.auth.csrf_token.clone().unwrap_or_default();
    let view = TaskPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/inspections/mine"),
        facts,
        checklist,
        warnings,
        verdicts: Verdict::ALL
            .iter()
            .map(|v| (v.code(), tr.pick(v.name_zh(), v.name_en())))
            .collect(),
        result_name: v.verdict.map_or("", |x| tr.pick(x.name_zh(), x.name_en())),
        check_url: format!("/check/{}", t.code),
        upload_action: format!("/inspections/tasks/{id}/evidence?csrf={csrf}"),
        csrf,
        error,
        form,
        today: today(state),
        v,
    };
    render(&view, status, tr)
}

async fn task_page(State(state): State<AppState>, user: PageUser, Path(id): Path<i64>) -> Response {
    render_task(&state, &user, id, None, None, StatusCode::OK).await
}

async fn record(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    form: Result<Form<ResultForm>, FormRejection>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::Inspect, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Form(input)) = form else {
        return render_task(
            &state,
            &user,
            id,
            Some(
                tr.pick("表单字段不完整", "the form is incomplete")
                    .to_owned(),
            ),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match tasks::record(&state.app, &user.auth.actor(), id, &input).await {
        Ok(_) => Redirect::to(&format!("/inspections/tasks/{id}")).into_response(),
        Err(
            e @ (AppError::Invalid { .. } | AppError::Refused { .. } | AppError::Conflict { .. }),
        ) => {
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render_task(
                &state,
                &user,
                id,
                Some(message(tr, &e)),
                Some(input),
                status,
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

#[derive(Template)]
#[template(path = "task_new.html")]
pub struct AdHocPage {
    pub t: Tr,
    pub nav: Nav,
    pub csrf: String,
    pub error: Option<String>,
    pub form: AdHocForm,
}

fn adhoc_view(
    user: &PageUser,
    error: Option<String>,
    form: AdHocForm,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let view = AdHocPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/inspections/tasks"),
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error,
        form,
    };
    render(&view, status, tr)
}

async fn adhoc_form(user: PageUser) -> Response {
    if let Err(e) = authorize(&user.auth.actor(), Action::Inspect, None) {
        return PageError::new(e.into(), user.tr.lang).into_response();
    }
    adhoc_view(
        &user,
        None,
        AdHocForm {
            source: "complaint".into(),
            ..AdHocForm::default()
        },
        StatusCode::OK,
    )
}

async fn create_adhoc(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<AdHocForm>, FormRejection>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::Inspect, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Form(input)) = form else {
        return adhoc_view(
            &user,
            Some(
                tr.pick("表单字段不完整", "the form is incomplete")
                    .to_owned(),
            ),
            AdHocForm::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    match tasks::create_adhoc(&state.app, &user.auth.actor(), &input).await {
        Ok(id) => Redirect::to(&format!("/inspections/tasks/{id}")).into_response(),
        Err(
            e @ (AppError::Invalid { .. } | AppError::Refused { .. } | AppError::Conflict { .. }),
        ) => adhoc_view(
            &user,
            Some(message(tr, &e)),
            input,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

#[derive(Template)]
#[template(path = "tasks_burden.html")]
pub struct BurdenPage {
    pub t: Tr,
    pub nav: Nav,
    pub csrf: String,
    pub cap: String,
    pub window: String,
    pub proposals: Vec<(String, String, Vec<TaskLine>)>,
    pub warnings: Vec<(String, String, &'static str)>,
    pub can_merge: bool,
    pub error: Option<String>,
}

async fn render_burden(
    state: &AppState,
    user: &PageUser,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let b = match tasks::burden(&state.app, &actor).await {
        Ok(b) => b,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let today = today(state);
    let view = BurdenPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/inspections/tasks"),
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        cap: b
            .limits_cap
            .map_or_else(|| "—".to_owned(), |c| c.to_string()),
        window: b
            .window_days
            .map_or_else(|| "—".to_owned(), |w| w.to_string()),
        proposals: b
            .proposals
            .into_iter()
            .map(|g| {
                let ids = g
                    .iter()
                    .map(|t| t.id.to_string())
                    .collect::<Vec<_>>()
                    .join(",");
                let entity = g.first().map(|t| t.entity_name.clone()).unwrap_or_default();
                (
                    ids,
                    entity,
                    g.into_iter().map(|t| line(tr, t, &today)).collect(),
                )
            })
            .collect(),
        warnings: b
            .warnings
            .into_iter()
            .map(|(w, name)| {
                (
                    name,
                    tr.pick(&w.text_zh(), &w.text_en()).to_owned(),
                    w.rule_id(),
                )
            })
            .collect(),
        can_merge: role_allows(actor.role, Action::PlanInspections),
        error,
    };
    render(&view, status, tr)
}

async fn burden_page(State(state): State<AppState>, user: PageUser) -> Response {
    render_burden(&state, &user, None, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
pub struct MergeForm {
    #[serde(default)]
    tasks: String,
}

async fn merge(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<MergeForm>, FormRejection>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::PlanInspections, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let input = form.map(|Form(f)| f).unwrap_or_default();
    let ids: Result<Vec<i64>, _> = input
        .tasks
        .split(',')
        .map(|s| s.trim().parse::<i64>())
        .collect();
    let Ok(ids) = ids else {
        return render_burden(
            &state,
            &user,
            Some(tr.pick("任务编号无效", "bad task ids").to_owned()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match tasks::merge(&state.app, &user.auth.actor(), &ids).await {
        Ok(lead) => Redirect::to(&format!("/inspections/tasks/{lead}")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            render_burden(&state, &user, Some(message(tr, &e)), StatusCode::CONFLICT).await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

/// One row of the statistics table, with the completion rate as text and as
/// a bar width (per cent).
pub struct StatLine {
    pub label: String,
    pub c: Counts,
    pub rate: String,
    pub bar: u64,
}

fn stat_line(label: String, c: Counts) -> StatLine {
    let permille = c.completion_permille();
    StatLine {
        label,
        rate: format!("{}.{}%", permille / 10, permille % 10),
        bar: permille / 10,
        c,
    }
}

#[derive(Template)]
#[template(path = "tasks_stats.html")]
pub struct StatsPage {
    pub t: Tr,
    pub nav: Nav,
    pub year: i16,
    pub all: StatLine,
    pub by_level: Vec<StatLine>,
    pub by_domain: Vec<StatLine>,
}

impl StatsPage {
    /// The two tables: (title key, rows, element id).
    pub fn groups(&self) -> Vec<(&'static str, &[StatLine], &'static str)> {
        vec![
            ("tasks.by_level", &self.by_level, "by-level"),
            ("tasks.by_domain", &self.by_domain, "by-domain"),
        ]
    }
}

fn level_label(tr: Tr, code: &str) -> String {
    match code {
        "national" => tr.pick("国家双随机抽查（国抽）", "national").into(),
        "provincial" => tr.pick("省级双随机抽查（省抽）", "provincial").into(),
        "city" => tr.pick("市级双随机抽查（市抽）", "city").into(),
        "county" => tr.pick("县级双随机抽查", "county").into(),
        "recheck" => tr.pick("复查", "re-checks").into(),
        "complaint" => tr.pick("投诉举报核查", "complaints").into(),
        _ => tr.pick("专项及其他检查", "ad hoc").into(),
    }
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
    let s = match tasks::stats(&state.app, &user.auth.actor(), year).await {
        Ok(s) => s,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let view = StatsPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/inspections/tasks"),
        year,
        all: stat_line(tr.pick("合计", "All").into(), s.all),
        by_level: s
            .by_level
            .into_iter()
            .map(|(k, c)| stat_line(level_label(tr, &k), c))
            .collect(),
        by_domain: s
            .by_domain
            .into_iter()
            .map(|(k, c)| {
                let label = fazhi_domain::registry::SupervisionDomain::parse(&k)
                    .map_or(k.clone(), |d| tr.pick(d.name_zh(), d.code()).to_owned());
                stat_line(label, c)
            })
            .collect(),
    };
    render(&view, StatusCode::OK, tr)
}

#[derive(Template)]
#[template(path = "check_public.html")]
pub struct CheckPage {
    pub t: Tr,
    pub nav: Nav,
    pub c: tasks::PublicCheck,
    pub result_name: &'static str,
    pub csrf: String,
    pub error: Option<String>,
    pub thanks: bool,
}

fn login_csrf(headers: &HeaderMap) -> Result<String, AppError> {
    crate::auth::cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|c| c.len() == 64)
        .map_or_else(|| fazhi_app::random_token(32), Ok)
}

async fn render_check(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
    error: Option<String>,
    thanks: bool,
    status: StatusCode,
) -> Response {
    let tr = Tr {
        lang: crate::auth::lang_of(headers),
    };
    let c = match tasks::public_check(&state.app, code).await {
        Ok(c) => c,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let csrf = match login_csrf(headers) {
        Ok(c) => c,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let view = CheckPage {
        t: tr,
        nav: Nav::new(tr, None, &format!("/check/{code}")),
        result_name: c.result.map_or("", |v| tr.pick(v.name_zh(), v.name_en())),
        c,
        csrf: csrf.clone(),
        error,
        thanks,
    };
    let cookie = crate::auth::set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.secure_cookies);
    ([(header::SET_COOKIE, cookie)], render(&view, status, tr)).into_response()
}

/// Public, no login: what the inspection code on the officers' papers shows.
async fn public_check(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    render_check(&state, &headers, &code, None, false, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
pub struct RateForm {
    #[serde(default)]
    stars: String,
    #[serde(default)]
    comment: String,
}

async fn rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    form: Result<Form<RateForm>, FormRejection>,
) -> Response {
    let input = form.map(|Form(f)| f).unwrap_or_default();
    match tasks::rate(&state.app, &code, &input.stars, &input.comment).await {
        Ok(()) => render_check(&state, &headers, &code, None, true, StatusCode::OK).await,
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let tr = Tr {
                lang: crate::auth::lang_of(&headers),
            };
            let status = if matches!(e, AppError::Conflict { .. }) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render_check(
                &state,
                &headers,
                &code,
                Some(message(tr, &e)),
                false,
                status,
            )
            .await
        }
        Err(e) => PageError::new(e, crate::auth::lang_of(&headers)).into_response(),
    }
}

/// Photos, recorder video and scans of an inspection, streamed into the
/// evidence store under the subject `inspection:{id}`.
async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    if let Err(e) = authorize(&actor, Action::AddEvidence, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    if let Err(e) = tasks::task(&state.app, &actor, id).await {
        return PageError::new(e, tr.lang).into_response();
    }
    let result: Result<(), AppError> =
        async {
            let mut multipart = multipart.map_err(|_| {
                AppError::invalid("file", "请选择要上传的文件", "choose a file to upload")
            })?;
            let mut any = false;
            while let Some(mut field) = multipart
                .next_field()
                .await
                .map_err(|_| AppError::invalid("file", "上传中断", "the upload was interrupted"))?
            {
                if field.name() != Some("file") {
                    continue;
                }
                let meta = fazhi_app::evidence::EvidenceMeta {
                    subject: format!("inspection:{id}"),
                    media_type: field.content_type().unwrap_or_default().to_owned(),
                    file_name: field.file_name().unwrap_or_default().to_owned(),
                    device_id: None,
                    captured_at: None,
                };
                let mut up = fazhi_app::evidence::begin_upload(&state.app, &actor, &meta).await?;
                while let Some(chunk) = field.chunk().await.map_err(|_| {
                    AppError::invalid("file", "上传中断", "the upload was interrupted")
                })? {
                    up.write(&chunk).await?;
                }
                up.finish(&state.app).await?;
                any = true;
            }
            if any {
                Ok(())
            } else {
                Err(AppError::invalid(
                    "file",
                    "请选择要上传的文件",
                    "choose a file to upload",
                ))
            }
        }
        .await;
    match result {
        Ok(()) => Redirect::to(&format!("/inspections/tasks/{id}#evidence")).into_response(),
        Err(e @ AppError::Invalid { .. }) => {
            render_task(
                &state,
                &user,
                id,
                Some(message(tr, &e)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}
