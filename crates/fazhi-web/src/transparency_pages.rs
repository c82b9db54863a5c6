//! The public, login-free side of the transparency log: the verifier key, the
//! signed checkpoints, inclusion and consistency proofs. Hashes only.

use crate::AppState;
use crate::auth::PageLang;
use crate::error::{ApiError, PageError};
use crate::i18n::{Lang, Tr};
use crate::views::Nav;
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use fazhi_app::AppError;
use fazhi_app::home::format_instant_cst;
use fazhi_app::transparency::{self, ConsistencyAnswer, InclusionAnswer};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Checkpoints listed on the page and in the API.
const CHECKPOINTS_LISTED: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/transparency", get(page))
}

#[derive(Deserialize, IntoParams)]
pub struct EventQuery {
    /// The event number (1-based position in the log).
    pub event: Option<String>,
    /// Tree size to prove against (default: the latest checkpoint).
    pub size: Option<u64>,
}

#[derive(Template)]
#[template(path = "transparency.html")]
pub struct TransparencyPage {
    pub t: Tr,
    pub nav: Nav,
    pub verifier_key: String,
    /// (size, time, note, witness cosignature lines)
    pub checkpoints: Vec<(i64, String, String, Vec<String>)>,
    pub event: String,
    pub proof: Option<InclusionAnswer>,
    pub error: Option<String>,
}

fn parse_event(text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            AppError::invalid(
                "event",
                format!("“{}”不是有效的记录序号", text.trim()),
                format!("'{}' is not an event number", text.trim()),
            )
        })
}

async fn page(
    State(state): State<AppState>,
    PageLang(tr): PageLang,
    Extension(auth): Extension<crate::auth::RequestAuth>,
    Query(q): Query<EventQuery>,
) -> Response {
    let checkpoints = match transparency::checkpoints(&state.app, CHECKPOINTS_LISTED).await {
        Ok(c) => c,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let mut view = TransparencyPage {
        t: tr,
        nav: Nav::new(tr, auth.auth.as_ref(), "/transparency"),
        verifier_key: state
            .app
            .log_signer
            .as_ref()
            .map(|s| s.verifier_key())
            .unwrap_or_default(),
        checkpoints: checkpoints
            .into_iter()
            .map(|p| {
                (
                    p.checkpoint.size,
                    format_instant_cst(p.checkpoint.created_at_us),
                    p.checkpoint.note,
                    p.cosignatures,
                )
            })
            .collect(),
        event: q.event.clone().unwrap_or_default(),
        proof: None,
        error: None,
    };
    let mut status = StatusCode::OK;
    if let Some(event) = q.event.as_deref().filter(|e| !e.trim().is_empty()) {
        let result = match parse_event(event) {
            Ok(id) => transparency::inclusion(&state.app, id, q.size).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(p) => view.proof = Some(p),
            Err(e) => {
                status = crate::error::status_of(&e);
                view.error = Some(match tr.lang {
                    Lang::Zh => e.message_zh(),
                    Lang::En => e.message_en(),
                });
            }
        }
    }
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), tr.lang).into_response()
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointOut {
    pub size: i64,
    pub created_at_us: i64,
    /// The C2SP signed note.
    pub note: String,
    /// Witness cosignature lines.
    pub cosignatures: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointsOut {
    /// Verifier key (`name+hash+base64 key`) that checks the notes.
    pub verifier_key: String,
    pub checkpoints: Vec<CheckpointOut>,
}

/// The signed checkpoints, newest first, with the key that checks them. No login needed.
#[utoipa::path(get, path = "/api/v1/log/checkpoints", tag = "log", responses((status = 200, body = CheckpointsOut)))]
pub async fn checkpoints(State(state): State<AppState>) -> Result<Json<CheckpointsOut>, ApiError> {
    let out = transparency::checkpoints(&state.app, CHECKPOINTS_LISTED)
        .await?
        .into_iter()
        .map(|p| CheckpointOut {
            size: p.checkpoint.size,
            created_at_us: p.checkpoint.created_at_us,
            note: p.checkpoint.note,
            cosignatures: p.cosignatures,
        })
        .collect();
    Ok(Json(CheckpointsOut {
        verifier_key: state
            .app
            .log_signer
            .as_ref()
            .map(|s| s.verifier_key())
            .unwrap_or_default(),
        checkpoints: out,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct InclusionOut {
    pub event_id: i64,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub root: String,
    pub proof: Vec<String>,
    pub checkpoint: Option<String>,
    pub verified: bool,
}

/// Inclusion proof of an event (RFC 9162 §2.1.3). Hashes only. No login needed.
#[utoipa::path(get, path = "/api/v1/log/proof/inclusion", tag = "log", params(EventQuery),
    responses((status = 200, body = InclusionOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn inclusion(
    State(state): State<AppState>,
    crate::api::ApiQuery(q): crate::api::ApiQuery<EventQuery>,
) -> Result<Json<InclusionOut>, ApiError> {
    let id = parse_event(q.event.as_deref().unwrap_or(""))?;
    let a = transparency::inclusion(&state.app, id, q.size).await?;
    Ok(Json(InclusionOut {
        event_id: a.event_id,
        leaf_index: a.leaf_index,
        tree_size: a.tree_size,
        leaf_hash: a.leaf_hash,
        root: a.root,
        proof: a.proof,
        checkpoint: a.checkpoint,
        verified: a.verified,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ConsistencyQuery {
    pub from: Option<u64>,
    pub to: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsistencyOut {
    pub from_size: u64,
    pub to_size: u64,
    pub from_root: String,
    pub to_root: String,
    pub proof: Vec<String>,
}

impl From<ConsistencyAnswer> for ConsistencyOut {
    fn from(a: ConsistencyAnswer) -> Self {
        ConsistencyOut {
            from_size: a.from_size,
            to_size: a.to_size,
            from_root: a.from_root,
            to_root: a.to_root,
            proof: a.proof,
        }
    }
}

/// Consistency proof between two tree sizes (RFC 9162 §2.1.4). No login needed.
#[utoipa::path(get, path = "/api/v1/log/proof/consistency", tag = "log", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn consistency(
    State(state): State<AppState>,
    crate::api::ApiQuery(q): crate::api::ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyOut>, ApiError> {
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(ApiError(AppError::invalid(
            "from",
            "须给出 from 和 to 两个树大小",
            "give both tree sizes, from and to",
        )));
    };
    Ok(Json(
        transparency::consistency(&state.app, from, to)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CosignatureIn {
    /// Size of the cosigned checkpoint.
    pub size: i64,
    /// The witness's verifier key (`name+hash+base64 key`).
    pub witness_key: String,
    /// The cosignature line printed by `fazhi log cosign`.
    pub line: String,
}

/// Upload a witness cosignature; it is checked with the witness key and shown next to the checkpoint.
#[utoipa::path(post, path = "/api/v1/log/cosignatures", tag = "log", request_body = CosignatureIn,
    responses((status = 201), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_cosignature(
    State(state): State<AppState>,
    crate::auth::ApiUser(auth): crate::auth::ApiUser,
    crate::api::ApiJson(body): crate::api::ApiJson<CosignatureIn>,
) -> Result<StatusCode, ApiError> {
    transparency::add_cosignature(
        &state.app,
        &auth.actor(),
        body.size,
        &body.witness_key,
        &body.line,
    )
    .await?;
    Ok(StatusCode::CREATED)
}
