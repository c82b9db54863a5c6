//! Checks every request passes before any handler reads it: body sizes by
//! kind of route, NUL characters in any text (PostgreSQL cannot store them,
//! SQLite would; both answer the same 400 naming the field), and the rate of
//! anonymous form posts. Also the Content-Security-Policy of every response.

use crate::AppState;
use crate::auth::{RequestAuth, form_bytes_max, lang_of};
use crate::client::ClientAddr;
use crate::error::{ApiError, ErrorBody, ErrorDetail, PageError};
use crate::i18n::Lang;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fazhi_app::AppError;
use fazhi_app::throttle;

/// The policy of every page: scripts and styles from our origin only (no
/// inline script anywhere), images also as `data:` URIs (SVG charts, the
/// API explorer's icons); inline styles stay allowed for the charts' SVG and
/// the bars of the statistics tables.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";

/// Where a request's body goes, which decides how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/x-www-form-urlencoded`: every HTML form.
    Form,
    /// Anything else (the API's JSON): JSON and extractor-sized.
    Json,
    /// File uploads (multipart imports, streamed evidence): each route sets
    /// its own limit (`registry::IMPORT_BYTES_MAX`, the evidence store's).
    Upload,
}

impl BodyKind {
    /// File routes (registry imports, evidence uploads) by path, any other
    /// by its content type.
    pub fn of(path: &str, content_type: &str) -> BodyKind {
        if path.ends_with("/import") || path.ends_with("/evidence") {
            return BodyKind::Upload;
        }
        let ct = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if ct == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else {
            BodyKind::Json
        }
    }

    /// The largest body accepted on `path`, `None` where the route limits it itself.
    pub fn bytes_max(self, path: &str) -> Option<usize> {
        match self {
            BodyKind::Form => Some(form_bytes_max(path)),
            BodyKind::Json => Some(crate::REQUEST_BODY_BYTES_MAX),
            BodyKind::Upload => None,
        }
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// An error with an explicit status, as JSON for the API and as a page
/// otherwise; `field` overrides the JSON field (a name only known at run time).
fn refuse(
    status: StatusCode,
    error: AppError,
    field: Option<String>,
    lang: Lang,
    api: bool,
) -> Response {
    let mut response = if api {
        // The document's code for a body over its limit (as `api::ApiJson` answers it).
        let field = match status {
            StatusCode::PAYLOAD_TOO_LARGE => Some(field.unwrap_or_else(|| "body".to_owned())),
            _ => field,
        };
        match field {
            Some(field) => axum::Json(ErrorBody {
                error: ErrorDetail {
                    code: match status {
                        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large".to_owned(),
                        _ => error.code().to_owned(),
                    },
                    field: Some(field),
                    message_zh: error.message_zh(),
                    message_en: error.message_en(),
                },
            })
            .into_response(),
            None => ApiError(error).into_response(),
        }
    } else {
        PageError::new(error, lang).into_response()
    };
    *response.status_mut() = status;
    response
}

fn too_large(bytes_max: usize) -> AppError {
    AppError::invalid(
        "body",
        format!("请求内容过大：此类请求最多 {} KB", bytes_max / 1024),
        format!(
            "request body too large: at most {} KB for this kind of request",
            bytes_max / 1024
        ),
    )
}

fn nul_in(field: &str) -> AppError {
    AppError::invalid(
        "body",
        format!("“{field}”含有空字符（\\0），不能保存，请删除后重试"),
        format!(
            "'{field}' contains a NUL character (\\0), which cannot be stored; remove it and retry"
        ),
    )
}

/// `%XX` decoded, lossily; malformed escapes are kept as typed.
fn percent_decode_lossy(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first form field (name or value) holding a NUL, by name.
pub fn nul_field_in_form(body: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    pairs
        .into_iter()
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', "\\0"))
}

/// The first JSON member holding a NUL, as a path (`items[2].name`).
pub fn nul_field_in_json(value: &serde_json::Value, path: &str) -> Option<String> {
    let name = |path: &str| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => Some(name(path)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_field_in_json(v, &format!("{path}[{i}]"))),
        serde_json::Value::Object(members) => members.iter().find_map(|(k, v)| {
            let here = if path.is_empty() {
                k.replace('\0', "\\0")
            } else {
                format!("{path}.{}", k.replace('\0', "\\0"))
            };
            if k.contains('\0') {
                Some(here)
            } else {
                nul_field_in_json(v, &here)
            }
        }),
        _ => None,
    }
}

/// Body size by route kind, then NUL characters in the path, the query and
/// any form or JSON body: refused before a handler or the database sees them.
pub async fn guard(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let api = is_api(&path);
    let lang = lang_of(&parts.headers);
    let bad = |field: &str| {
        refuse(
            StatusCode::BAD_REQUEST,
            nul_in(field),
            Some(field.to_owned()),
            lang,
            api,
        )
    };
    if percent_decode_lossy(&path).contains('\0') {
        return bad("path");
    }
    if let Some(query) = parts.uri.query()
        && let Some(field) = nul_field_in_form(query.as_bytes())
    {
        return bad(&field);
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let kind = BodyKind::of(&path, content_type);
    let Some(bytes_max) = kind.bytes_max(&path) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > bytes_max as u64) {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            too_large(bytes_max),
            None,
            lang,
            api,
        );
    }
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) && declared.is_none() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Ok(bytes) = axum::body::to_bytes(body, bytes_max).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            too_large(bytes_max),
            None,
            lang,
            api,
        );
    };
    let nul = match kind {
        BodyKind::Form => nul_field_in_form(&bytes),
        BodyKind::Json => serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| nul_field_in_json(&v, "")),
        BodyKind::Upload => None,
    };
    if let Some(field) = nul {
        return bad(&field);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Anonymous form posts (complaints, disclosure requests, ratings, tracking
/// look-ups — anything without a login but the login form itself, which has
/// its own throttle) are limited per client and for everyone together.
pub async fn anonymous_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let anonymous = request
        .extensions()
        .get::<RequestAuth>()
        .is_none_or(|r| r.auth.is_none());
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !anonymous || !unsafe_method || is_api(path) || path == "/login" || path == "/logout" {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let client = ClientAddr::of(&parts, &state.trusted_proxies);
    let now_s = state.app.now_us() / 1_000_000;
    match state
        .app
        .throttle
        .reserve(&throttle::anonymous_post_limits(&client.0), now_s)
    {
        // Every anonymous post counts, whatever its outcome.
        Ok(_counted) => next.run(Request::from_parts(parts, body)).await,
        Err(retry_after_s) => {
            let error = AppError::Conflict {
                zh: format!("提交过于频繁，请 {retry_after_s} 秒后再试"),
                en: format!("too many submissions, retry in {retry_after_s} s"),
            };
            let mut response = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                error,
                None,
                lang_of(&parts.headers),
                false,
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_are_found_and_named() {
        assert_eq!(
            nul_field_in_form(b"a=1&summary=x%00y").as_deref(),
            Some("summary")
        );
        assert_eq!(nul_field_in_form(b"a=1&b=2"), None);
        let v = serde_json::json!({"a": "ok", "items": [{"name": "x\u{0}"}]});
        assert_eq!(nul_field_in_json(&v, "").as_deref(), Some("items[0].name"));
        assert_eq!(
            nul_field_in_json(&serde_json::json!("\u{0}"), "").as_deref(),
            Some("body")
        );
        assert_eq!(
            nul_field_in_json(&serde_json::json!({"a": [1, "b"]}), ""),
            None
        );
        assert!(percent_decode_lossy("/cases/%00").contains('\0'));
        assert_eq!(percent_decode_lossy("/a%zz%4"), "/a%zz%4");
    }

    #[test]
    fn body_kinds_follow_the_route_and_content_type() {
        assert_eq!(
            BodyKind::of("/login", "application/x-www-form-urlencoded; charset=utf-8"),
            BodyKind::Form
        );
        assert_eq!(
            BodyKind::of(
                "/registry/entities/import",
                "multipart/form-data; boundary=x"
            ),
            BodyKind::Upload
        );
        assert_eq!(
            BodyKind::of("/api/v1/evidence", "image/jpeg"),
            BodyKind::Upload
        );
        assert_eq!(
            BodyKind::of("/api/v1/cases", "application/json"),
            BodyKind::Json
        );
        assert_eq!(BodyKind::of("/api/v1/cases", ""), BodyKind::Json);
    }
}
