//! 双随机 pages: plans, the plan page with its draws (commit, enter the
//! randomness, draw), and the public record of a draw with a live re-run.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::views::{Nav, render};
use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fazhi_app::AppError;
use fazhi_app::inspections::{self, LEVELS, PlanInput};
use fazhi_domain::authz::{Action, authorize, role_allows};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inspections", get(plans_page).post(create_plan))
        .route("/inspections/plans/{id}", get(plan_page))
        .route("/inspections/plans/{id}/draws", post(commit))
        .route("/inspections/draws/{id}/draw", post(run_draw))
        .route("/draws/{id}", get(public_draw))
        .route("/draws/{id}/record.json", get(public_record))
}

pub struct PlanLine {
    pub id: i64,
    pub year: i64,
    pub level: &'static str,
    pub name: String,
    pub item: String,
    pub agency: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "inspection_plans.html")]
pub struct PlansPage {
    pub t: Tr,
    pub nav: Nav,
    pub plans: Vec<PlanLine>,
    pub can_plan: bool,
    pub levels: Vec<(&'static str, &'static str)>,
    pub items: Vec<(String, String)>,
    pub csrf: String,
    pub error: Option<String>,
}

fn domain_names(tr: Tr, codes: &str) -> String {
    codes
        .split(',')
        .filter_map(fazhi_domain::registry::SupervisionDomain::parse)
        .map(|d| tr.pick(d.name_zh(), d.code()))
        .collect::<Vec<_>>()
        .join("、")
}

fn level_name(code: &str) -> &'static str {
    LEVELS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, n)| n)
}

async fn render_plans(state: &AppState, user: &PageUser, error: Option<String>) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let plans = match inspections::list_plans(&state.app, &actor).await {
        Ok(p) => p,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let items = fazhi_app::registry::list_spot_checks(&state.app, &actor)
        .await
        .unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let view = PlansPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/inspections"),
        plans: plans
            .into_iter()
            .map(|p| PlanLine {
                id: p.id,
                year: p.year,
                level: level_name(&p.level),
                name: p.name,
                item: p.item_code,
                agency: p.agency_name,
                due: p.due_on,
            })
            .collect(),
        can_plan: role_allows(actor.role, Action::PlanInspections),
        levels: LEVELS.to_vec(),
        items: items.into_iter().map(|i| (i.code, i.name)).collect(),
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error,
    };
    render(&view, status, tr)
}

async fn plans_page(State(state): State<AppState>, user: PageUser) -> Response {
    render_plans(&state, &user, None).await
}

async fn create_plan(
    State(state): State<AppState>,
    user: PageUser,
    form: Result<Form<PlanInput>, FormRejection>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::PlanInspections, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let Ok(Form(input)) = form else {
        return render_plans(
            &state,
            &user,
            Some(
                tr.pick("表单字段不完整", "the form is incomplete")
                    .to_owned(),
            ),
        )
        .await;
    };
    match inspections::create_plan(&state.app, &user.auth.actor(), &input).await {
        Ok(id) => Redirect::to(&format!("/inspections/plans/{id}")).into_response(),
        Err(e @ AppError::Invalid { .. }) => {
            render_plans(
                &state,
                &user,
                Some(tr.pick(&e.message_zh(), &e.message_en()).to_owned()),
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

pub struct DrawView {
    pub id: i64,
    pub state: String,
    pub commitment: String,
    pub randomness: String,
    pub source: String,
    pub committed_event: i64,
    pub rows: Vec<(i64, String, String)>,
    pub strata: Vec<String>,
}

#[derive(Template)]
#[template(path = "inspection_plan.html")]
pub struct PlanPage {
    pub t: Tr,
    pub nav: Nav,
    pub id: i64,
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub draws: Vec<DrawView>,
    pub can_plan: bool,
    pub csrf: String,
    pub error: Option<String>,
}

async fn render_plan(
    state: &AppState,
    user: &PageUser,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let (plan, draws) = match inspections::plan(&state.app, &actor, id).await {
        Ok(p) => p,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let params: fazhi_domain::draw::Params = serde_json::from_str(&plan.params_json)
        .unwrap_or_else(|_| fazhi_domain::draw::Params {
            quota: 0,
            rates_bp: Default::default(),
            exclude_inspected_within_days: 0,
            officers_per_entity: 2,
            workload_cap: 0,
            same_region: false,
        });
    let names = entity_and_officer_names(state, &actor).await;
    let view = PlanPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/inspections"),
        id,
        title: plan.name.clone(),
        facts: vec![
            (tr.pick("年度", "Year").into(), plan.year.to_string()),
            (
                tr.pick("层级", "Level").into(),
                level_name(&plan.level).into(),
            ),
            (
                tr.pick("抽查事项", "Spot-check item").into(),
                plan.item_code.clone(),
            ),
            (
                tr.pick("专业", "Domains").into(),
                domain_names(tr, &plan.domains),
            ),
            (
                tr.pick("抽取户数", "Quota").into(),
                params.quota.to_string(),
            ),
            (
                tr.pick("信用等级抽取权重", "Weights by credit grade")
                    .into(),
                params
                    .rates_bp
                    .iter()
                    .map(|(g, r)| format!("{g} {}%", r / 100))
                    .collect::<Vec<_>>()
                    .join("，"),
            ),
            (
                tr.pick("每户执法人员", "Officers per entity").into(),
                params.officers_per_entity.to_string(),
            ),
            (
                tr.pick("每人工作量上限", "Workload cap").into(),
                params.workload_cap.to_string(),
            ),
            (tr.pick("完成期限", "Due").into(), plan.due_on.clone()),
            (
                tr.pick("制定机关", "Agency").into(),
                plan.agency_name.clone(),
            ),
        ],
        draws: draws
            .into_iter()
            .map(|d| {
                let record: Option<fazhi_domain::draw::Record> =
                    serde_json::from_str(&d.record_json).ok();
                DrawView {
                    id: d.id,
                    state: d.state,
                    commitment: d.commitment,
                    randomness: d.randomness,
                    source: d.randomness_source,
                    committed_event: d.committed_event,
                    rows: record
                        .as_ref()
                        .map(|r| {
                            r.outcome
                                .assignments
                                .iter()
                                .map(|a| {
                                    (
                                        a.entity,
                                        names
                                            .0
                                            .get(&a.entity)
                                            .cloned()
                                            .unwrap_or_else(|| format!("#{}", a.entity)),
                                        a.officers
                                            .iter()
                                            .map(|o| {
                                                names
                                                    .1
                                                    .get(o)
                                                    .cloned()
                                                    .unwrap_or_else(|| format!("#{o}"))
                                            })
                                            .collect::<Vec<_>>()
                                            .join("、"),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    strata: record
                        .map(|r| {
                            r.outcome
                                .strata
                                .iter()
                                .filter(|s| s.drawn > 0)
                                .map(|s| {
                                    format!(
                                        "{} {} {}：{}/{}",
                                        domain_names(tr, &s.domain),
                                        s.region,
                                        s.grade,
                                        s.drawn,
                                        s.members
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect(),
        can_plan: role_allows(actor.role, Action::PlanInspections),
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error,
    };
    render(&view, status, tr)
}

/// Names for the result table: entity ids → names, officer ids → names and credential numbers.
async fn entity_and_officer_names(
    state: &AppState,
    actor: &fazhi_domain::authz::Actor,
) -> (
    std::collections::HashMap<i64, String>,
    std::collections::HashMap<i64, String>,
) {
    (
        fazhi_app::registry::entity_names(&state.app, actor)
            .await
            .unwrap_or_default(),
        fazhi_app::registry::officer_names(&state.app, actor)
            .await
            .unwrap_or_default(),
    )
}

async fn plan_page(State(state): State<AppState>, user: PageUser, Path(id): Path<i64>) -> Response {
    render_plan(&state, &user, id, None, StatusCode::OK).await
}

async fn commit(State(state): State<AppState>, user: PageUser, Path(id): Path<i64>) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::PlanInspections, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    match inspections::commit(&state.app, &user.auth.actor(), id).await {
        Ok(_) => Redirect::to(&format!("/inspections/plans/{id}")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            render_plan(
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

#[derive(Deserialize, Default)]
pub struct DrawForm {
    #[serde(default)]
    randomness: String,
    #[serde(default)]
    source: String,
}

async fn run_draw(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    form: Result<Form<DrawForm>, FormRejection>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::PlanInspections, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let input = form.map(|Form(f)| f).unwrap_or_default();
    let plan_id = match inspections::plan_of_draw(&state.app, id).await {
        Ok(p) => p,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    match inspections::run(
        &state.app,
        &user.auth.actor(),
        id,
        &input.randomness,
        &input.source,
    )
    .await
    {
        Ok(_) => Redirect::to(&format!("/inspections/plans/{plan_id}")).into_response(),
        Err(
            e @ (AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::Refused { .. }),
        ) => {
            render_plan(
                &state,
                &user,
                plan_id,
                Some(tr.pick(&e.message_zh(), &e.message_en()).to_owned()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

#[derive(Template)]
#[template(path = "draw_public.html")]
pub struct PublicDrawPage {
    pub t: Tr,
    pub nav: Nav,
    pub id: i64,
    pub verdict: Result<(), String>,
    pub algorithm: String,
    pub commitment: String,
    pub randomness: String,
    pub source: String,
    pub drawn: usize,
    pub strata: Vec<String>,
}

/// Public: the record of a draw and a live re-run of it.
async fn public_draw(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let tr = Tr {
        lang: crate::auth::lang_of(&headers),
    };
    let record = match inspections::record(&state.app, id).await {
        Ok(r) => r,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let verdict = fazhi_domain::draw::verify(&record).map_err(|e| e.to_string());
    let view = PublicDrawPage {
        t: tr,
        nav: Nav::new(tr, None, &format!("/draws/{id}")),
        id,
        verdict,
        algorithm: record.pool.algorithm.clone(),
        commitment: record.commitment.clone(),
        randomness: record.randomness.clone(),
        source: record.randomness_source.clone(),
        drawn: record.outcome.assignments.len(),
        strata: record
            .outcome
            .strata
            .iter()
            .map(|s| {
                format!(
                    "{} · {} · {}：{}/{}",
                    domain_names(tr, &s.domain),
                    s.region,
                    s.grade,
                    s.drawn,
                    s.members
                )
            })
            .collect(),
    };
    render(&view, StatusCode::OK, tr)
}

/// Public: the record as JSON, for `fazhi draw verify` or any re-implementation.
async fn public_record(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let lang = crate::auth::lang_of(&headers);
    match inspections::record(&state.app, id).await {
        Ok(r) => (
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"draw-{id}.json\""),
                ),
            ],
            serde_json::to_string_pretty(&r).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => PageError::new(e, lang).into_response(),
    }
}
