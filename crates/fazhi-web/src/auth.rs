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
/// Forms of long texts (the annual report's narratives: 20,000 characters,
/// up to 9 bytes each once percent-encoded).
pub const LONG_FORM_BYTES_MAX: usize = 256 * 1024;
/// Routes whose form is a long text.
pub const LONG_FORM_ROUTES: &[&str] = &["/report/narrative"];

/// The largest form body a route accepts.
pub fn form_bytes_max(path: &str) -> usize {
    if LONG_FORM_ROUTES.contains(&path) {
        LONG_FORM_BYTES_MAX
    } else {
        FORM_BYTES_MAX
    }
}

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
    if parts.method == Method::POST && path == "/login" && authenticated.is_some() {
        // Already logged in (the login form of another tab): nothing to do,
        // and the form's token is the login cookie's, not the session's.
        return Redirect::to("/").into_response();
    }
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
    let bytes = axum::body::to_bytes(body, form_bytes_max(path))
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

/// The one check of every redirect target a client supplies (`next` after
/// login or a language switch): only a same-origin path is followed, anything
/// else goes home. Accepted: one leading `/`, not `//` or `/\`, no backslash,
/// no control character or whitespace anywhere (browsers drop tabs and
/// newlines, so `/\t/host` would become `//host`), and the same once
/// percent-decoded. Characters beyond ASCII are percent-encoded so the
/// target is always a valid `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) && percent_decode(n).is_some_and(|d| is_local_path(&d)) => n
            .bytes()
            .map(|b| {
                if b.is_ascii() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect(),
        _ => "/".to_owned(),
    }
}

fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// `%XX` decoded (lossily as UTF-8); `None` for a malformed escape.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
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
        for evil in [
            "/\t/127.0.0.1:18999/x",
            "/%09/127.0.0.1:18999/x",
            "/\\evil.example",
            "/\\/evil.example",
            "/%5C%5Cevil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/ok\r\nSet-Cookie: x=1",
            "/ok%0d%0aSet-Cookie:%20x=1",
            "/a b",
            "/\u{3000}x",
            "/%zz",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_next(Some("/cases?q=%E6%A1%88")), "/cases?q=%E6%A1%88");
        assert_eq!(safe_next(Some("/cases?q=案")), "/cases?q=%E6%A1%88");
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
