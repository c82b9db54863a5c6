//! Who is asking, and CSRF protection, for every request.

use crate::AppState;
use crate::error::{ApiError, PageError};
use crate::i18n::{Lang, Tr};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use fazhi_app::AppError;
use fazhi_app::auth::{self, Authenticated};

pub const SESSION_COOKIE: &str = "fazhi_session";
pub const LOGIN_CSRF_COOKIE: &str = "fazhi_login_csrf";
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Forms are small; a larger form body is refused before parsing.
pub const FORM_BYTES_MAX: usize = 64 * 1024;

/// What the middleware found, stored in request extensions.
#[derive(Clone)]
pub struct RequestAuth {
    pub auth: Option<Authenticated>,
    pub session_token: Option<String>,
    pub via_bearer: bool,
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, Lang::COOKIE)
        .and_then(|c| Lang::parse(&c))
        .unwrap_or(Lang::Zh)
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_owned())
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// A `Set-Cookie` value with the flags every cookie of ours carries.
pub fn set_cookie(name: &str, value: &str, max_age_s: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Resolve the caller, then refuse unsafe requests without a matching CSRF token.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let lang = lang_of(&parts.headers);
    let session_token = cookie(&parts.headers, SESSION_COOKIE);
    let bearer_token = if is_api(&path) {
        bearer(&parts.headers)
    } else {
        None
    };
    let resolved = match (&bearer_token, &session_token) {
        (Some(t), _) => auth::resolve_bearer(&state.app, t).await.map(|a| (a, true)),
        (None, Some(t)) => auth::resolve_session(&state.app, t)
            .await
            .map(|a| (a, false)),
        (None, None) => Ok((None, false)),
    };
    let (authenticated, via_bearer) = match resolved {
        Ok(r) => r,
        Err(e) if is_api(&path) => return ApiError(e).into_response(),
        Err(e) => return PageError::new(e, lang).into_response(),
    };
    if bearer_token.is_some() && authenticated.is_none() {
        return ApiError(AppError::Unauthenticated).into_response();
    }
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut request = Request::from_parts(parts, body);
    if unsafe_method && !via_bearer {
        request = match check_csrf(request, authenticated.as_ref(), &path).await {
            Ok(r) => r,
            Err(e) if is_api(&path) => return ApiError(e).into_response(),
            Err(e) => return PageError::new(e, lang).into_response(),
        };
    }
    request.extensions_mut().insert(RequestAuth {
        auth: authenticated,
        session_token,
        via_bearer,
    });
    next.run(request).await
}

fn csrf_error() -> AppError {
    AppError::Csrf
}

/// Origin must be ours when present; the token must match the session's
/// (or, for the login form, the login cookie's: double submit).
async fn check_csrf(
    request: Request,
    authenticated: Option<&Authenticated>,
    path: &str,
) -> Result<Request, AppError> {
    let headers = request.headers();
    if let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        let origin = origin.to_str().unwrap_or("");
        let host = host.to_str().unwrap_or("");
        let origin_host = origin.split_once("://").map_or("", |(_, h)| h);
        if origin_host != host {
            return Err(csrf_error());
        }
    }
    let expected = match authenticated {
        Some(a) => a.csrf_token.clone(),
        None => cookie(headers, LOGIN_CSRF_COOKIE),
    };
    if is_api(path) {
        // Unauthenticated API writes fail later with 401; authenticated ones need the header.
        let Some(expected) = expected.filter(|_| authenticated.is_some()) else {
            return Ok(request);
        };
        let given = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        return if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            Ok(request)
        } else {
            Err(csrf_error())
        };
    }
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        // File uploads carry the token in the form's action URL, so the
        // (possibly large) body is not buffered here.
        let given = request
            .uri()
            .query()
            .and_then(|q| url_form_field(q.as_bytes(), CSRF_FIELD))
            .unwrap_or_default();
        return match expected {
            Some(expected)
                if !expected.is_empty()
                    && constant_time_eq(given.as_bytes(), expected.as_bytes()) =>
            {
                Ok(request)
            }
            _ => Err(csrf_error()),
        };
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_BYTES_MAX)
        .await
        .map_err(|_| AppError::invalid("body", "表单内容过大", "form body too large"))?;
    let given = url_form_field(&bytes, CSRF_FIELD).unwrap_or_default();
    match expected {
        Some(expected)
            if !expected.is_empty() && constant_time_eq(given.as_bytes(), expected.as_bytes()) =>
        {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(csrf_error()),
    }
}

fn url_form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A logged-in user on an HTML page; otherwise a redirect to the login page.
pub struct PageUser {
    pub auth: Authenticated,
    pub tr: Tr,
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Response> {
        let tr = Tr {
            lang: lang_of(&parts.headers),
        };
        match parts
            .extensions
            .get::<RequestAuth>()
            .and_then(|r| r.auth.clone())
        {
            Some(auth) => Ok(PageUser { auth, tr }),
            None => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let target = format!("/login?next={}", percent_encode(next));
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// An authenticated API caller; otherwise 401 with a JSON error.
pub struct ApiUser(pub Authenticated);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<RequestAuth>()
            .and_then(|r| r.auth.clone())
            .map(ApiUser)
            .ok_or(ApiError(AppError::Unauthenticated))
    }
}

/// The request's language, for pages that need no login.
pub struct PageLang(pub Tr);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = StatusCode;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, StatusCode> {
        Ok(PageLang(Tr {
            lang: lang_of(&parts.headers),
        }))
    }
}

pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Only local paths are followed after login (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_parameter_cannot_redirect_off_site() {
        assert_eq!(safe_next(Some("/admin/users")), "/admin/users");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(
            url_form_field(b"a=1&csrf=ab%2Bc&b=2", "csrf").as_deref(),
            Some("ab+c")
        );
        assert_eq!(url_form_field(b"a=1", "csrf"), None);
    }
}
