//! 法律依据 page, the deadline calculator, and their JSON API.

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, PageError};
use crate::i18n::{Lang, Tr};
use crate::views::Nav;
use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use fazhi_app::AppError;
use fazhi_domain::authz::{Action, authorize};
use fazhi_domain::calendar::EntryKind;
use fazhi_domain::rules::{NATIONAL, Rule, RuleKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/law", get(law_page))
        .route("/law/deadline", get(deadline_page))
}

pub struct RuleView {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub citation: String,
    pub numbers: String,
    pub effective: String,
    pub jurisdiction: String,
    pub confidence: &'static str,
    pub verified: bool,
}

pub struct YearView {
    pub year: i16,
    pub holidays: usize,
    pub workdays: usize,
    pub notices: String,
}

#[derive(Template)]
#[template(path = "law.html")]
pub struct LawPage {
    pub t: Tr,
    pub nav: Nav,
    pub rules: Vec<RuleView>,
    pub years: Vec<YearView>,
}

fn numbers(tr: Tr, r: &Rule) -> String {
    match (r.unit, r.count) {
        (Some(u), Some(c)) => tr
            .pick(
                &format!("{c}{}", u.name_zh()),
                &format!("{c} {}", u.name_en()),
            )
            .to_owned(),
        _ => r
            .params
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

pub fn rule_view(tr: Tr, r: &Rule) -> RuleView {
    RuleView {
        id: r.id.clone(),
        kind: tr.pick(r.kind.label_zh(), kind_en(r.kind)),
        title: r.title_zh.clone(),
        citation: r.citation.clone(),
        numbers: numbers(tr, r),
        effective: format!(
            "{} — {}",
            r.effective_from,
            r.effective_until.clone().unwrap_or_default()
        ),
        jurisdiction: if r.jurisdiction == NATIONAL {
            tr.pick("全国", "national").to_owned()
        } else {
            r.jurisdiction.clone()
        },
        confidence: tr.pick(
            r.confidence.label_zh(),
            match r.confidence {
                fazhi_domain::rules::Confidence::V => "verified",
                fazhi_domain::rules::Confidence::S => "unverified (secondary source)",
                fazhi_domain::rules::Confidence::M => "unverified (to confirm)",
            },
        ),
        verified: r.confidence.verified(),
    }
}

fn kind_en(k: RuleKind) -> &'static str {
    match k {
        RuleKind::Deadline => "deadline",
        RuleKind::Threshold => "threshold",
        RuleKind::Rate => "rate",
        RuleKind::Gate => "gate",
        RuleKind::Principle => "counting rule",
    }
}

async fn law_page(State(state): State<AppState>, user: PageUser) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::ViewLaw, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let cal = state.app.law.calendar();
    let years = cal
        .years()
        .map(|y| {
            let entries: Vec<_> = cal.entries_of_year(y).collect();
            let mut notices: Vec<String> = entries.iter().map(|e| e.notice.clone()).collect();
            notices.sort();
            notices.dedup();
            YearView {
                year: y,
                holidays: entries
                    .iter()
                    .filter(|e| e.kind == EntryKind::Holiday)
                    .count(),
                workdays: entries
                    .iter()
                    .filter(|e| e.kind == EntryKind::Workday)
                    .count(),
                notices: notices.join("；"),
            }
        })
        .collect();
    let page = LawPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/law"),
        rules: state
            .app
            .law
            .rules
            .all()
            .iter()
            .map(|r| rule_view(tr, r))
            .collect(),
        years,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct DeadlineQuery {
    /// Rule id, e.g. `ap_service`.
    pub rule: Option<String>,
    /// Day of the starting event, `YYYY-MM-DD` (not counted).
    pub from: Option<String>,
    /// `national` (default) or a 6-digit province code.
    pub jurisdiction: Option<String>,
}

#[derive(Template)]
#[template(path = "deadline.html")]
pub struct DeadlinePage {
    pub t: Tr,
    pub nav: Nav,
    pub deadline_rules: Vec<(String, String)>,
    pub rule: String,
    pub from: String,
    pub due: Option<String>,
    pub provisional: bool,
    pub verified: bool,
    pub explanation: Vec<String>,
    pub error: Option<String>,
}

async fn deadline_page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<DeadlineQuery>,
) -> Response {
    let tr = user.tr;
    if let Err(e) = authorize(&user.auth.actor(), Action::ViewLaw, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let mut deadline_rules: Vec<(String, String)> = state
        .app
        .law
        .rules
        .all()
        .iter()
        .filter(|r| {
            r.kind == RuleKind::Deadline && r.unit != Some(fazhi_domain::deadline::Unit::Hours)
        })
        .map(|r| (r.id.clone(), r.title_zh.clone()))
        .collect();
    deadline_rules.dedup_by(|a, b| a.0 == b.0);
    let mut page = DeadlinePage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/law/deadline"),
        deadline_rules,
        rule: q.rule.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        due: None,
        provisional: false,
        verified: true,
        explanation: Vec::new(),
        error: None,
    };
    let mut status = StatusCode::OK;
    if let (Some(rule), Some(from)) = (&q.rule, &q.from) {
        let jurisdiction = q.jurisdiction.as_deref().unwrap_or(NATIONAL);
        let result = fazhi_app::law::parse_date("from", from).and_then(|d| {
            fazhi_app::law::compute_deadline(&state.app, rule, d, jurisdiction, &[], &[])
                .map(|a| (a, d))
        });
        match result {
            Ok((answer, d)) => {
                page.due = Some(answer.computed.due.to_string());
                page.provisional = answer.computed.provisional;
                page.verified = state
                    .app
                    .law
                    .rules
                    .get(rule, jurisdiction, d)
                    .is_ok_and(|r| r.confidence.verified());
                page.explanation = match tr.lang {
                    Lang::Zh => answer.explanation_zh,
                    Lang::En => answer.explanation_en,
                };
            }
            Err(e) => {
                status = crate::error::status_of(&e);
                page.error = Some(match tr.lang {
                    Lang::Zh => e.message_zh(),
                    Lang::En => e.message_en(),
                });
            }
        }
    }
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RuleOut {
    pub id: String,
    /// deadline, threshold, rate, gate or principle.
    pub kind: String,
    pub title_zh: String,
    pub citation: String,
    /// V verified, S secondary source, M to be confirmed.
    pub confidence: String,
    pub verified: bool,
    pub effective_from: String,
    pub effective_until: Option<String>,
    pub jurisdiction: String,
    /// working_days, calendar_days, months, years or hours (deadlines only).
    pub unit: Option<String>,
    pub count: Option<u32>,
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
}

/// Every rule of law the platform applies, every version.
#[utoipa::path(get, path = "/api/v1/rules", tag = "law",
    responses((status = 200, body = Vec<RuleOut>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list_rules(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
) -> Result<Json<Vec<RuleOut>>, ApiError> {
    authorize(&auth.actor(), Action::ViewLaw, None).map_err(AppError::from)?;
    Ok(Json(
        state
            .app
            .law
            .rules
            .all()
            .iter()
            .map(|r| RuleOut {
                id: r.id.clone(),
                kind: kind_en(r.kind).replace("counting rule", "principle"),
                title_zh: r.title_zh.clone(),
                citation: r.citation.clone(),
                confidence: format!("{:?}", r.confidence),
                verified: r.confidence.verified(),
                effective_from: r.effective_from.clone(),
                effective_until: r.effective_until.clone(),
                jurisdiction: r.jurisdiction.clone(),
                unit: r.unit.map(|u| {
                    serde_json::to_value(u)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                }),
                count: r.count,
                params: serde_json::to_value(&r.params).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineOut {
    pub rule: String,
    pub citation: String,
    pub verified: bool,
    pub from: String,
    /// The due date, `YYYY-MM-DD` (inclusive).
    pub due: String,
    /// 暂定: counted on the provisional calendar of `provisional_years`, whose
    /// State Council holiday schedule is not loaded; the date may move when it is.
    pub provisional: bool,
    pub provisional_years: Vec<i16>,
    pub explanation_zh: Vec<String>,
    pub explanation_en: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub steps: serde_json::Value,
}

/// Compute a statutory deadline with its explanation.
#[utoipa::path(get, path = "/api/v1/deadlines", tag = "law", params(DeadlineQuery),
    responses((status = 200, body = DeadlineOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn compute_deadline(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    crate::api::ApiQuery(q): crate::api::ApiQuery<DeadlineQuery>,
) -> Result<Json<DeadlineOut>, ApiError> {
    authorize(&auth.actor(), Action::ViewLaw, None).map_err(AppError::from)?;
    let rule = q.rule.unwrap_or_default();
    let from = fazhi_app::law::parse_date("from", q.from.as_deref().unwrap_or(""))?;
    let jurisdiction = q.jurisdiction.unwrap_or_else(|| NATIONAL.to_owned());
    let answer =
        fazhi_app::law::compute_deadline(&state.app, &rule, from, &jurisdiction, &[], &[])?;
    Ok(Json(DeadlineOut {
        verified: state
            .app
            .law
            .rules
            .get(&rule, &jurisdiction, from)
            .is_ok_and(|r| r.confidence.verified()),
        rule: answer.rule.id.clone(),
        citation: answer.rule.citation.clone(),
        from: from.to_string(),
        due: answer.computed.due.to_string(),
        provisional: answer.computed.provisional,
        provisional_years: answer.computed.provisional_years.clone(),
        steps: serde_json::to_value(&answer.computed.steps).unwrap_or(serde_json::Value::Null),
        explanation_zh: answer.explanation_zh,
        explanation_en: answer.explanation_en,
    }))
}
