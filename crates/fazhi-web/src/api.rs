//! JSON API under `/api/v1`, described by OpenAPI (utoipa). Every API route is
//! registered through `OpenApiRouter::routes`, so it cannot be missing from
//! `/api/openapi.json` (a test compares them with `routes::ROUTES`).

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fazhi_app::{AppError, accounts, home};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Fazhi API", description = "法治 · 卫生健康行政执法平台接口 / Fazhi health enforcement platform API. \
        Authenticate with a session cookie (send its CSRF token in `X-CSRF-Token` on writes) or `Authorization: Bearer fz_…`."),
    tags((name = "accounts", description = "机构、用户与令牌 / agencies, users, tokens"), (name = "log", description = "执法全过程记录 / action log"), (name = "law", description = "法律依据与期限 / rules of law and deadlines"), (name = "cases", description = "行政处罚案件 / penalty cases")),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The API's router and its OpenAPI document, with the error answers every
/// operation can give documented (see [`document_errors`]).
pub fn split() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut openapi) = router().split_for_parts();
    document_errors(&mut openapi);
    (router, openapi)
}

/// Error answers shared by the operations, as `#/components/responses/…`:
/// `(status, name, description, applies to (method, path, has request body))`.
type ErrorUse = fn(&str, &str, bool) -> bool;
const SHARED_ERRORS: [(&str, &str, &str, ErrorUse); 8] = [
    (
        "400",
        "BadRequest",
        "请求格式无效（查询参数、路径或请求体无法解析）/ malformed request (query, path or body cannot be parsed)",
        |_, _, _| true,
    ),
    (
        "401",
        "Unauthenticated",
        "未登录或令牌无效 / no session or an invalid bearer token",
        |_, _, _| true,
    ),
    (
        "403",
        "Forbidden",
        "无权操作或 CSRF 校验失败 / not allowed for this role or scope, or CSRF check failed",
        |_, _, _| true,
    ),
    (
        "404",
        "NotFound",
        "记录不存在或不在本机关范围内 / no such record in the caller's scope",
        |_, path, _| path.contains('{'),
    ),
    (
        "409",
        "Conflict",
        "与现有数据冲突（如版本已变化、名称已存在）/ conflicts with existing data (stale version, name taken)",
        |method, _, _| method != "get",
    ),
    (
        "413",
        "PayloadTooLarge",
        "请求体过大 / request body too large",
        |_, _, body| body,
    ),
    (
        "422",
        "Invalid",
        "输入不符合规则，错误指明字段与规则 / input breaks a rule; the error names the field and the rule",
        |_, _, _| true,
    ),
    (
        "429",
        "TooManyRequests",
        "请求过于频繁，请稍后再试 / too many requests, try again later",
        |_, _, _| true,
    ),
];

/// Adds to every operation the error answers it can give and does not list
/// yet (each an [`ErrorBody`]), so a client — and schemathesis — finds every
/// status the server sends in the document.
fn document_errors(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{
        ContentBuilder, Ref, RefOr, ResponseBuilder,
        security::{Http, HttpAuthScheme, SecurityScheme},
    };
    let components = openapi.components.get_or_insert_with(Default::default);
    for (_, name, description, _) in SHARED_ERRORS {
        let body = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        components.responses.insert(
            name.to_owned(),
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", body)
                    .build(),
            ),
        );
    }
    components.security_schemes.insert(
        "bearer".to_owned(),
        RefOr::T(SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer))),
    );
    for (path, item) in openapi.paths.paths.iter_mut() {
        let operations = [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("put", &mut item.put),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            let has_body = operation.request_body.is_some();
            for (status, name, _, applies) in SHARED_ERRORS {
                if applies(method, path, has_body) {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            RefOr::Ref(Ref::new(format!("#/components/responses/{name}")))
                        });
                }
            }
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me))
        .routes(routes!(home_stats))
        .routes(routes!(list_agencies, create_agency))
        .routes(routes!(list_users, create_user))
        .routes(routes!(set_user_active))
        .routes(routes!(list_events))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(upload_evidence))
        .routes(routes!(download_evidence))
        .routes(routes!(crate::law_pages::list_rules))
        .routes(routes!(crate::law_pages::compute_deadline))
        .routes(routes!(crate::transparency_pages::checkpoints))
        .routes(routes!(crate::transparency_pages::inclusion))
        .routes(routes!(crate::transparency_pages::consistency))
        .routes(routes!(crate::transparency_pages::add_cosignature))
        .routes(routes!(
            crate::case_api::list_cases,
            crate::case_api::open_case
        ))
        .routes(routes!(crate::case_api::get_case))
        .routes(routes!(crate::case_api::take_step))
}

/// A JSON body whose parse errors become our bilingual 422 error, and a body
/// over the size limit our bilingual 413 (both JSON, as documented).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let body = crate::error::ErrorBody {
                    error: crate::error::ErrorDetail {
                        code: "payload_too_large".to_owned(),
                        field: Some("body".to_owned()),
                        message_zh: format!(
                            "请求体超过 {} 字节的上限",
                            crate::REQUEST_BODY_BYTES_MAX
                        ),
                        message_en: format!(
                            "the request body exceeds the limit of {} bytes",
                            crate::REQUEST_BODY_BYTES_MAX
                        ),
                    },
                };
                Err((StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response())
            }
            Err(rejection) => {
                let detail = rejection.body_text();
                Err(ApiError(AppError::invalid(
                    "body",
                    format!("请求体不是有效的 JSON 或缺少字段：{detail}"),
                    format!("request body is not valid JSON for this endpoint: {detail}"),
                ))
                .into_response())
            }
        }
    }
}

/// A query string whose parse errors become our bilingual JSON error (422,
/// naming the parameter), not axum's plain-text 400.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => {
                let text = rejection.body_text();
                let detail = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text);
                Err(ApiError(AppError::invalid(
                    "query",
                    format!("查询参数无效：{detail}"),
                    format!("invalid query parameter: {detail}"),
                )))
            }
        }
    }
}

fn parse_path_id(text: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| {
        ApiError(AppError::invalid(
            "id",
            format!("“{text}”不是有效的编号"),
            format!("'{text}' is not a valid id"),
        ))
    })
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// Role code, e.g. `officer`.
    pub role: String,
    pub role_name_zh: String,
    pub agency_id: i64,
    pub agency_name: String,
    pub active: bool,
}

impl From<&accounts::User> for UserOut {
    fn from(u: &accounts::User) -> Self {
        UserOut {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.code().to_owned(),
            role_name_zh: u.role.name_zh().to_owned(),
            agency_id: u.agency_id,
            agency_name: u.agency_name.clone(),
            active: u.active,
        }
    }
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = UserOut), (status = 401, body = ErrorBody)))]
async fn me(ApiUser(auth): ApiUser) -> Json<UserOut> {
    Json(UserOut::from(&auth.user))
}

#[derive(Serialize, ToSchema)]
pub struct HomeOut {
    pub agency_name: String,
    pub agencies: i64,
    pub users: i64,
    pub active_users: i64,
    pub officers: i64,
    pub events: i64,
    /// `[date, events]` for each of the last 14 days (Beijing time).
    #[schema(schema_with = day_counts_schema)]
    pub events_by_day: Vec<(String, i64)>,
}

/// `[["2026-12-07", 12], …]`: pairs of a date and a count. utoipa writes a
/// tuple as `items: [..]`, which is no valid OpenAPI 3.1 schema; `prefixItems`
/// would be exact but tools (schemathesis) still misread it, so each pair is an
/// array of two items, each a date or a count.
fn day_counts_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Type};
    use utoipa::openapi::{KnownFormat, SchemaFormat};
    let date_or_count = AnyOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0)),
        );
    let pair = ArrayBuilder::new()
        .items(date_or_count)
        .min_items(Some(2))
        .max_items(Some(2))
        .description(Some("[date, events]"))
        .build();
    ArrayBuilder::new()
        .items(utoipa::openapi::schema::ArrayItems::RefOrSchema(Box::new(
            utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Array(pair)),
        )))
        .build()
}

/// Counts of the caller's scope, as on the home page.
#[utoipa::path(get, path = "/api/v1/home", tag = "accounts",
    responses((status = 200, body = HomeOut), (status = 401, body = ErrorBody)))]
async fn home_stats(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
) -> Result<Json<HomeOut>, ApiError> {
    let s = home::home(&state.app, &auth.actor()).await?;
    Ok(Json(HomeOut {
        agency_name: s.agency_name,
        agencies: s.counts.agencies,
        users: s.counts.users,
        active_users: s.counts.active_users,
        officers: s.counts.officers,
        events: s.counts.events,
        events_by_day: s.events_by_day,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AgencyOut {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// `health_commission` or `supervision_institute`.
    pub kind: String,
    /// `province`, `city` or `district`.
    pub level: String,
    pub region_code: String,
}

impl From<&accounts::Agency> for AgencyOut {
    fn from(a: &accounts::Agency) -> Self {
        AgencyOut {
            id: a.id,
            parent_id: a.parent_id,
            name: a.name.clone(),
            kind: a.kind.code().to_owned(),
            level: a.level.code().to_owned(),
            region_code: a.region_code.clone(),
        }
    }
}

/// Agencies of the caller's scope (its own and those below).
#[utoipa::path(get, path = "/api/v1/agencies", tag = "accounts",
    responses((status = 200, body = Vec<AgencyOut>), (status = 401, body = ErrorBody)))]
async fn list_agencies(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
) -> Result<Json<Vec<AgencyOut>>, ApiError> {
    let list = accounts::list_agencies(&state.app, &auth.actor()).await?;
    Ok(Json(list.iter().map(AgencyOut::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateAgencyIn {
    pub parent_id: i64,
    pub name: String,
    /// `health_commission` or `supervision_institute`.
    pub kind: String,
    /// 6-digit administrative division code (GB/T 2260).
    pub region_code: String,
}

/// Create an agency below one of the caller's scope (system admin only).
#[utoipa::path(post, path = "/api/v1/agencies", tag = "accounts", request_body = CreateAgencyIn,
    responses((status = 201, body = AgencyOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_agency(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiJson(body): ApiJson<CreateAgencyIn>,
) -> Result<Response, ApiError> {
    let input = accounts::CreateAgency {
        parent_id: Some(body.parent_id),
        name: body.name,
        kind: body.kind,
        region_code: body.region_code,
    };
    let created = accounts::create_agency(&state.app, Some(&auth.actor()), &input).await?;
    Ok((StatusCode::CREATED, Json(AgencyOut::from(&created))).into_response())
}

/// Accounts of the caller's scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<UserOut>), (status = 403, body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
) -> Result<Json<Vec<UserOut>>, ApiError> {
    let list = accounts::list_users(&state.app, &auth.actor()).await?;
    Ok(Json(list.iter().map(UserOut::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateUserIn {
    pub username: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    /// Role code: system_admin, officer, legal_reviewer, section_head, agency_head, legal_adviser, read_only.
    pub role: String,
    pub agency_id: i64,
}

/// Create an account in the caller's scope (system admin only).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = CreateUserIn,
    responses((status = 201, body = UserOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiJson(body): ApiJson<CreateUserIn>,
) -> Result<Response, ApiError> {
    let input = accounts::CreateUser {
        username: body.username,
        display_name: body.display_name,
        password: body.password,
        role: body.role,
        agency_id: body.agency_id,
    };
    let created = accounts::create_user(&state.app, Some(&auth.actor()), &input).await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(&created))).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ActiveIn {
    pub active: bool,
}

/// Enable or disable an account (disabling ends its sessions).
#[utoipa::path(post, path = "/api/v1/users/{id}/active", tag = "accounts", request_body = ActiveIn,
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = UserOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_user_active(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActiveIn>,
) -> Result<Json<UserOut>, ApiError> {
    let actor = auth.actor();
    fazhi_domain::authz::authorize(&actor, fazhi_domain::authz::Action::ManageUsers, None)
        .map_err(AppError::from)?;
    let id = parse_path_id(&id)?;
    let user = accounts::set_user_active(&state.app, &actor, id, body.active).await?;
    Ok(Json(UserOut::from(&user)))
}

#[derive(Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Rows to return, 1–1000 (default 100).
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    /// Position in the log (1-based).
    pub id: i64,
    /// Microseconds since the Unix epoch (UTC).
    pub at_us: i64,
    pub actor_user_id: Option<i64>,
    pub agency_id: Option<i64>,
    pub kind: String,
    pub subject: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

/// The newest action-log events of the caller's scope.
#[utoipa::path(get, path = "/api/v1/events", tag = "log", params(EventsQuery),
    responses((status = 200, body = Vec<EventOut>), (status = 401, body = ErrorBody)))]
async fn list_events(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Json<Vec<EventOut>>, ApiError> {
    let events = home::recent_events(&state.app, &auth.actor(), q.limit.unwrap_or(100)).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| EventOut {
                id: e.id,
                at_us: e.at_us,
                actor_user_id: e.actor_user_id,
                agency_id: e.agency_id,
                payload: serde_json::from_str(&e.payload_json).unwrap_or(serde_json::Value::Null),
                kind: e.kind,
                subject: e.subject,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub created_at_us: i64,
    pub revoked_at_us: Option<i64>,
}

impl From<&accounts::ApiToken> for TokenOut {
    fn from(t: &accounts::ApiToken) -> Self {
        TokenOut {
            id: t.id,
            user_id: t.user_id,
            username: t.username.clone(),
            name: t.name.clone(),
            created_at_us: t.created_at_us,
            revoked_at_us: t.revoked_at_us,
        }
    }
}

/// API tokens of the caller's scope (system admin only).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = Vec<TokenOut>), (status = 403, body = ErrorBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
) -> Result<Json<Vec<TokenOut>>, ApiError> {
    let list = accounts::list_api_tokens(&state.app, &auth.actor()).await?;
    Ok(Json(list.iter().map(TokenOut::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateTokenIn {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedTokenOut {
    pub token: TokenOut,
    /// The bearer secret, shown only in this response.
    pub secret: String,
}

/// Create a bearer token for the caller's own account.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = CreateTokenIn,
    responses((status = 201, body = CreatedTokenOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiJson(body): ApiJson<CreateTokenIn>,
) -> Result<Response, ApiError> {
    let (token, secret) = accounts::create_api_token(&state.app, &auth.actor(), &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenOut {
            token: TokenOut::from(&token),
            secret,
        }),
    )
        .into_response())
}

/// Revoke a token.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "token id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let actor = auth.actor();
    fazhi_domain::authz::authorize(&actor, fazhi_domain::authz::Action::ManageApiTokens, None)
        .map_err(AppError::from)?;
    let id = parse_path_id(&id)?;
    accounts::revoke_api_token(&state.app, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub file_name: String,
    pub device_id: Option<String>,
    pub captured_at_us: Option<i64>,
    pub subject: String,
}

#[derive(Deserialize, IntoParams)]
pub struct EvidenceQuery {
    /// The record the evidence belongs to, `kind:id` (e.g. `case:12`).
    pub subject: Option<String>,
    /// e.g. `image/jpeg`, `video/mp4`.
    pub media_type: Option<String>,
    pub file_name: Option<String>,
    /// Recorder (执法记录仪) or camera id.
    pub device_id: Option<String>,
    /// RFC 3339 capture time.
    pub captured_at: Option<String>,
}

/// Upload one evidence file as the raw request body (streamed to disk, hashed
/// with SHA-256 on the way; never held in memory whole).
#[utoipa::path(post, path = "/api/v1/evidence", tag = "log", params(EvidenceQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_evidence(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    use futures_util::StreamExt;
    let meta = fazhi_app::evidence::EvidenceMeta {
        subject: q.subject.unwrap_or_default(),
        media_type: q.media_type.unwrap_or_default(),
        file_name: q.file_name.unwrap_or_default(),
        device_id: q.device_id,
        captured_at: q.captured_at,
    };
    let mut upload = fazhi_app::evidence::begin_upload(&state.app, &auth.actor(), &meta).await?;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|_| AppError::invalid("body", "上传中断", "the upload was interrupted"))?;
        upload.write(&chunk).await?;
    }
    let a = upload.finish(&state.app).await?;
    Ok((
        StatusCode::CREATED,
        Json(AttachmentOut {
            id: a.id,
            sha256: a.sha256,
            size_bytes: a.size_bytes,
            media_type: a.media_type,
            file_name: a.file_name,
            device_id: a.device_id,
            captured_at_us: a.captured_at_us,
            subject: a.subject,
        }),
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct EvidenceDownloadQuery {
    /// The attachment (one upload of these bytes) whose name and media type
    /// to serve; by default the newest upload the caller may read.
    #[param(value_type = Option<i64>)]
    pub attachment: Option<String>,
}

/// Download an evidence file by its SHA-256 (streamed). Who may read it, and
/// the name and media type it is served with, follow one attachment of these
/// bytes and the record it belongs to. Always a download (`attachment`),
/// under a sandboxing CSP and `nosniff`.
#[utoipa::path(get, path = "/api/v1/evidence/{sha256}", tag = "log",
    params(("sha256" = String, Path, description = "hex SHA-256 of the file"), EvidenceDownloadQuery),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn download_evidence(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(sha256): Path<String>,
    ApiQuery(q): ApiQuery<EvidenceDownloadQuery>,
) -> Result<Response, ApiError> {
    fazhi_domain::authz::authorize(
        &auth.actor(),
        fazhi_domain::authz::Action::ViewEvidence,
        None,
    )
    .map_err(AppError::from)?;
    if sha256.len() != 64
        || !sha256
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(ApiError(AppError::invalid(
            "sha256",
            "须为 64 位小写十六进制",
            "must be 64 lowercase hex digits",
        )));
    }
    let attachment = match q.attachment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            AppError::invalid(
                "attachment",
                "附件编号须为整数",
                "the attachment id must be a whole number",
            )
        })?),
    };
    let (record, path) =
        fazhi_app::evidence::open(&state.app, &auth.actor(), &sha256, attachment).await?;
    let file = tokio::fs::File::open(&path).await.map_err(|_| {
        ApiError(AppError::NotFound {
            zh: "证据文件",
            en: "evidence file",
        })
    })?;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok((
        evidence_headers(&record.media_type, &record.file_name, &record.sha256),
        body,
    )
        .into_response())
}

/// The headers every evidence download goes out with: the attachment's media
/// type (markup as bytes), always a download, a sandbox that runs nothing,
/// and no type sniffing.
pub fn evidence_headers(
    media_type: &str,
    file_name: &str,
    sha256: &str,
) -> [(axum::http::HeaderName, String); 5] {
    use axum::http::header;
    let name = fazhi_app::evidence::clean_file_name(file_name);
    [
        (
            header::CONTENT_TYPE,
            fazhi_app::evidence::served_media_type(media_type).to_owned(),
        ),
        (
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename*=UTF-8''{}",
                crate::auth::percent_encode(&name)
            ),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'".to_owned(),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (
            axum::http::HeaderName::from_static("x-content-sha256"),
            sha256.to_owned(),
        ),
    ]
}
