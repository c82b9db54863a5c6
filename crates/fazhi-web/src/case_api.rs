//! `/api/v1/cases…`: the same case use cases as the pages, as JSON.

use crate::AppState;
use crate::api::{ApiJson, ApiQuery};
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fazhi_app::AppError;
use fazhi_app::cases::{self, OpenInput, Queue, StepInput};
use fazhi_domain::case::Stage;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct CaseListedOut {
    pub id: i64,
    pub agency_name: String,
    pub procedure: String,
    pub stage: String,
    pub party_name: String,
    pub power_code: String,
    pub summary: String,
    pub decision_number: String,
    pub fine_fen: i64,
    pub opened_on: String,
    pub next_due: String,
    pub next_due_rule: String,
    pub flag_count: i64,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CaseListOut {
    pub total: i64,
    pub cases: Vec<CaseListedOut>,
}

#[derive(Deserialize, IntoParams)]
pub struct CaseListQuery {
    /// `mine`, `review`, `approval` or `all` (default).
    #[serde(default)]
    pub queue: String,
    #[serde(default)]
    pub q: String,
    /// A stage code (`intake`, `investigation`, …).
    #[serde(default)]
    pub stage: String,
    /// 1-based; any number is clamped to 1…100000.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: crate::paging::PageNo,
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseListQuery),
    responses((status = 200, body = CaseListOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_cases(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<CaseListQuery>,
) -> Result<Json<CaseListOut>, ApiError> {
    let queue = Queue::parse(&q.queue).ok_or_else(|| {
        AppError::invalid(
            "queue",
            "queue 须为 mine/review/approval/all",
            "queue must be mine, review, approval or all",
        )
    })?;
    let stage = match q.stage.as_str() {
        "" => None,
        s => Some(Stage::parse(s).ok_or_else(|| {
            AppError::invalid(
                "stage",
                format!("未知阶段“{s}”"),
                format!("unknown stage '{s}'"),
            )
        })?),
    };
    let (rows, total) =
        cases::list(&state.app, &auth.actor(), queue, &q.q, stage, q.page.get()).await?;
    Ok(Json(CaseListOut {
        total,
        cases: rows
            .into_iter()
            .map(|c| CaseListedOut {
                id: c.id,
                agency_name: c.agency_name,
                procedure: c.procedure,
                stage: c.stage,
                party_name: c.party_name,
                power_code: c.power_code,
                summary: c.summary,
                decision_number: c.decision_number,
                fine_fen: c.fine_fen,
                opened_on: c.opened_on,
                next_due: c.next_due,
                next_due_rule: c.next_due_rule,
                flag_count: c.flag_count,
                version: c.version,
            })
            .collect(),
    }))
}

/// A case: its version (send it back with the next step) and the whole case record.
#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    pub agency_name: String,
    pub version: i64,
    /// The domain's case record (stage, party, handlers, proposal, reviews, notice, decision, service, payments, flags …).
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
}

fn case_out(v: cases::CaseView) -> Result<CaseOut, ApiError> {
    Ok(CaseOut {
        id: v.id,
        agency_name: v.agency_name,
        version: v.version,
        case: serde_json::to_value(&v.case)
            .map_err(|e| AppError::Internal(format!("case json: {e}")))?,
    })
}

fn parse_id(text: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| {
        ApiError(AppError::invalid(
            "id",
            format!("“{text}”不是有效的编号"),
            format!("'{text}' is not a valid id"),
        ))
    })
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseOut), (status = 404, body = ErrorBody)))]
pub async fn get_case(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<CaseOut>, ApiError> {
    let id = parse_id(&id)?;
    Ok(Json(case_out(
        cases::get(&state.app, &auth.actor(), id).await?,
    )?))
}

/// Open an ordinary case (案件受理).
#[derive(Deserialize, ToSchema)]
pub struct OpenCaseIn {
    /// `inspection`, `complaint`, `assigned`, `reported`, `transferred` or `other`.
    pub source: String,
    /// `organisation` or `citizen`.
    pub party_kind: String,
    pub party_name: String,
    /// USCC or ID card number.
    pub party_id: String,
    #[serde(default)]
    pub party_address: String,
    /// Domain code (`public_places`, `medical`, …).
    pub domain: String,
    pub power_code: String,
    pub summary: String,
    /// `YYYY-MM-DD`
    pub act_date: String,
    #[serde(default)]
    pub life_health_harm: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedCase {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = OpenCaseIn,
    responses((status = 201, body = CreatedCase), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open_case(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiJson(body): ApiJson<OpenCaseIn>,
) -> Result<Response, ApiError> {
    let input = OpenInput {
        source: body.source,
        party_kind: body.party_kind,
        party_name: body.party_name,
        party_id: body.party_id,
        party_address: body.party_address,
        domain: body.domain,
        power_code: body.power_code,
        summary: body.summary,
        act_date: body.act_date,
        life_health_harm: body.life_health_harm.then(|| "on".to_owned()),
        task_id: String::new(),
    };
    let id = cases::open(&state.app, &auth.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedCase { id })).into_response())
}

/// One step. `command` names it; the other fields are those the step uses
/// (see the case page's forms). A step the law forbids answers 422 with the
/// rule and citation; a stale `version` answers 409.
#[derive(Deserialize, ToSchema)]
pub struct StepIn {
    pub command: String,
    pub version: i64,
    /// Every other field of the step, as strings (lists for `handlers`, `officers`, `checklist`).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/steps", tag = "cases", request_body = StepIn,
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn take_step(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let id = parse_id(&id)?;
    let mut map = body.fields;
    map.insert("command".into(), body.command.into());
    map.insert("version".into(), body.version.into());
    let input: StepInput = serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
        AppError::invalid(
            "body",
            format!("步骤字段无效：{e}"),
            format!("invalid step fields: {e}"),
        )
    })?;
    Ok(Json(case_out(
        cases::act(&state.app, &auth.actor(), id, &input).await?,
    )?))
}
