//! 节假日安排 — the system administrator imports next year's State Council
//! holiday schedule through the web: the same file format, validation and
//! recompute of open deadlines as `fazhi holidays import`.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::i18n::{Lang, Tr};
use crate::views::Nav;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use fazhi_app::AppError;
use fazhi_domain::authz::{Action, authorize};

/// A schedule file is a few kilobytes; anything far larger is refused.
pub const SCHEDULE_BYTES_MAX: usize = 256 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/holidays", get(holidays_page))
        .route(
            "/admin/holidays/import",
            post(holidays_import).layer(axum::extract::DefaultBodyLimit::max(SCHEDULE_BYTES_MAX)),
        )
}

#[derive(Template)]
#[template(path = "holidays.html")]
pub struct HolidaysPage {
    pub t: Tr,
    pub nav: Nav,
    pub loaded_years: String,
    pub missing: Option<i16>,
    pub import_action: String,
    pub outcome: Option<String>,
    pub error: Option<String>,
}

fn page(state: &AppState, user: &PageUser) -> HolidaysPage {
    let tr = user.tr;
    HolidaysPage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/admin/holidays"),
        loaded_years: fazhi_app::law::loaded_years(&state.app)
            .iter()
            .map(i16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        missing: fazhi_app::law::next_year_missing(&state.app),
        import_action: format!(
            "/admin/holidays/import?csrf={}",
            user.auth.csrf_token.clone().unwrap_or_default()
        ),
        outcome: None,
        error: None,
    }
}

fn render(view: &HolidaysPage, status: StatusCode, lang: Lang) -> Response {
    match view.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            PageError::new(AppError::Internal(format!("template: {e}")), lang).into_response()
        }
    }
}

async fn holidays_page(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(e) = authorize(&user.auth.actor(), Action::ManageAgencies, None) {
        return PageError::new(e.into(), user.tr.lang).into_response();
    }
    render(&page(&state, &user), StatusCode::OK, user.tr.lang)
}

/// The form's fields: the file and the `replace` checkbox.
async fn read_form(mut multipart: Multipart) -> Result<(String, bool), AppError> {
    let mut text = None;
    let mut replace = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Err(AppError::invalid(
                    "file",
                    "文件上传中断或过大",
                    "the upload was interrupted or too large",
                ));
            }
        };
        match field.name() {
            Some("file") => {
                let bytes = field.bytes().await.map_err(|_| {
                    AppError::invalid(
                        "file",
                        "文件上传中断或过大",
                        "the upload was interrupted or too large",
                    )
                })?;
                let t = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    AppError::invalid(
                        "file",
                        "安排文件须为 UTF-8 编码的 TOML 文本",
                        "the schedule file must be UTF-8 TOML text",
                    )
                })?;
                text = Some(t);
            }
            Some("replace") => replace = field.text().await.is_ok_and(|v| !v.is_empty()),
            _ => {}
        }
    }
    match text {
        Some(t) if !t.trim().is_empty() => Ok((t, replace)),
        _ => Err(AppError::invalid(
            "file",
            "请选择要导入的安排文件",
            "choose the schedule file to import",
        )),
    }
}

async fn holidays_import(
    State(state): State<AppState>,
    user: PageUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    if let Err(e) = authorize(&actor, Action::ManageAgencies, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    let result = match multipart {
        Ok(m) => read_form(m).await,
        Err(_) => Err(AppError::invalid(
            "file",
            "请以文件上传表单提交",
            "submit the file with the upload form",
        )),
    };
    let result = match result {
        Ok((text, replace)) => {
            fazhi_app::law::import_holidays(&state.app, Some(&actor), &text, replace).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => {
            let mut view = page(&state, &user);
            view.outcome = Some(format!(
                "{} {:?} · {}",
                tr.get("holidays.imported"),
                done.years,
                done.recomputed
            ));
            render(&view, StatusCode::OK, tr.lang)
        }
        Err(e @ AppError::Invalid { .. }) => {
            let mut view = page(&state, &user);
            view.error = Some(match tr.lang {
                Lang::Zh => e.message_zh(),
                Lang::En => e.message_en(),
            });
            render(&view, StatusCode::UNPROCESSABLE_ENTITY, tr.lang)
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}
