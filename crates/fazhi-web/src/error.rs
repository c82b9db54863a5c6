//! Mapping use-case errors to HTTP: one place decides status codes, and users
//! see a bilingual message naming the problem, never SQL or a stack.

use crate::i18n::{Lang, Tr};
use crate::views::ErrorPage;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use fazhi_app::AppError;
use serde::Serialize;

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid { .. } | AppError::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::BadCredentials | AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Denied(_) | AppError::Csrf => StatusCode::FORBIDDEN,
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log_if_internal(e: &AppError) {
    if matches!(e, AppError::Store(_) | AppError::Internal(_)) {
        tracing::error!(error = %e, "internal error");
    }
}

/// The JSON error body of the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_input`, `forbidden_scope`.
    pub code: String,
    /// The field at fault, for `invalid_input`.
    pub field: Option<String>,
    pub message_zh: String,
    pub message_en: String,
}

pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_if_internal(&self.0);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().to_owned(),
                field: self.0.field().map(str::to_owned),
                message_zh: self.0.message_zh(),
                message_en: self.0.message_en(),
            },
        };
        (status_of(&self.0), axum::Json(body)).into_response()
    }
}

/// An error shown as an HTML page in the request's language.
pub struct PageError {
    pub error: AppError,
    pub lang: Lang,
}

impl PageError {
    pub fn new(error: AppError, lang: Lang) -> Self {
        PageError { error, lang }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_if_internal(&self.error);
        let tr = Tr { lang: self.lang };
        let status = status_of(&self.error);
        let message = match self.lang {
            Lang::Zh => self.error.message_zh(),
            Lang::En => self.error.message_en(),
        };
        let page = ErrorPage {
            t: tr,
            status: status.as_u16(),
            message,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, tr.get("error.title")).into_response(),
        }
    }
}
