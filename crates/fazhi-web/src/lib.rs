//! Fazhi's HTTP adapter: server-rendered pages and the JSON API.
//!
//! Architecture invariants:
//! - Handlers are thin: extract → call one `fazhi-app` use case (which
//!   authorizes) → render. No SQL here.
//! - Every request passes the [`auth::middleware`]: it resolves the session
//!   or bearer token and refuses any state-changing request whose CSRF token
//!   does not match, before a handler runs.
//! - Every route is listed in [`routes::ROUTES`] with the action it needs; a
//!   test drives each route with each role.

pub mod api;
pub mod auth;
pub mod case_api;
pub mod case_pages;
pub mod client;
pub mod edge;
pub mod error;
pub mod holiday_pages;
pub mod i18n;
pub mod inspection_pages;
pub mod law_pages;
pub mod notice_pages;
pub mod pages;
pub mod paging;
pub mod public_pages;
pub mod record_pages;
pub mod registry_pages;
pub mod report_pages;
pub mod request_pages;
pub mod routes;
pub mod task_pages;
pub mod transparency_pages;
pub mod views;

use axum::Router;
use axum::http::{HeaderValue, header};
use fazhi_app::App;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest body an extractor buffers (forms and JSON).
pub const REQUEST_BODY_BYTES_MAX: usize = 1024 * 1024;

/// Renders an annual report as PDF. The binary provides one (typst lives in
/// its own crate, linked only by the binary); without one the PDF export
/// answers 404 and the editor hides its button.
pub type PdfRenderer = std::sync::Arc<
    dyn Fn(&fazhi_report::model::AnnualReport) -> Result<Vec<u8>, String> + Send + Sync,
>;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Mark cookies `Secure` (behind HTTPS). Off for plain-HTTP local use.
    pub secure_cookies: bool,
    /// The annual report's PDF renderer, if the binary injected one.
    pub pdf: Option<PdfRenderer>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for
    /// throttling); from anyone else the header is ignored.
    pub trusted_proxies: client::TrustedProxies,
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api::split();
    Router::new()
        .merge(pages::router())
        .merge(registry_pages::router())
        .merge(record_pages::router())
        .merge(case_pages::router())
        .merge(inspection_pages::router())
        .merge(task_pages::router())
        .merge(report_pages::router())
        .merge(law_pages::router())
        .merge(holiday_pages::router())
        .merge(transparency_pages::router())
        .merge(public_pages::router())
        .merge(notice_pages::router())
        .merge(request_pages::router())
        .merge(api_router)
        // Serves the document at /api/openapi.json, and the Swagger UI at
        // /api/docs/ reading it from there.
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            edge::anonymous_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::middleware,
        ))
        // Body sizes and NUL characters, before anything reads the request.
        .layer(axum::middleware::from_fn(edge::guard))
        // Limits what extractors (JSON, forms) buffer; streamed evidence uploads
        // are limited by the evidence store instead.
        .layer(axum::extract::DefaultBodyLimit::max(REQUEST_BODY_BYTES_MAX))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(edge::CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}

/// The OpenAPI document, for tests and `fazhi` to print.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::split().1
}

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address keys the login and form throttles.
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
