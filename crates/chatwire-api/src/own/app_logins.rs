//! Bots' application logins in chatwire's own admin API (LivePerson "application login"):
//! `GET|POST /chatwire/v1/accounts/{account}/appLogins`, `DELETE …/appLogins/{appLoginId}`.
//! Created and revoked at runtime; the secrets are shown once, in the creation's answer.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chatwire_engine::Engine;
use chatwire_engine::auth::{AppLoginGrant, AppLoginView};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::admin::admin_caller;
use super::json::JsonBody;
use super::page::{Page, PageParams};
use crate::http::query::Query;
use crate::http::time::iso_millis;
use crate::{ApiError, AppState};

/// The application-login routes.
#[derive(OpenApi)]
#[openapi(
    paths(list_app_logins, create_app_login, revoke_app_login),
    components(schemas(AppLoginDto, NewAppLoginBody, AppLoginCreated))
)]
pub struct AppLoginsApi;

/// An application login as admins see it (never its secrets).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppLoginDto {
    /// Id (revoke by it).
    pub id: i64,
    /// The bot agent's id.
    pub agent_id: i64,
    /// The bot agent's login name (the login's `username`).
    pub username: String,
    /// `appKey`, sent in clear by the bot.
    pub app_key: String,
    /// When it was created (ISO 8601).
    pub created_at: String,
    /// When it was revoked; null while it lets the bot log in.
    pub revoked_at: Option<String>,
}

impl From<&AppLoginView> for AppLoginDto {
    fn from(v: &AppLoginView) -> Self {
        Self {
            id: v.id,
            agent_id: v.agent.0,
            username: v.username.clone(),
            app_key: v.app_key.clone(),
            created_at: iso_millis(v.created_at),
            revoked_at: v.revoked_at.map(iso_millis),
        }
    }
}

/// The body of `POST …/appLogins`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAppLoginBody {
    /// The login name of the agent the bot logs in as.
    pub username: String,
    /// The app key to use; generated when absent.
    #[serde(default)]
    pub app_key: Option<String>,
}

/// A new application login with its secrets: the four values the bot sends to LivePerson's
/// `POST /api/account/{account}/login` with `username`. Shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppLoginCreated {
    /// The stored login.
    pub login: AppLoginDto,
    /// `appKey`.
    pub app_key: String,
    /// `secret`.
    pub secret: String,
    /// `accessToken`.
    pub access_token: String,
    /// `accessTokenSecret`.
    pub access_token_secret: String,
}

impl From<&AppLoginGrant> for AppLoginCreated {
    fn from(g: &AppLoginGrant) -> Self {
        Self {
            login: AppLoginDto::from(&g.login),
            app_key: g.credentials.app_key.clone(),
            secret: g.credentials.secret.clone(),
            access_token: g.credentials.access_token.clone(),
            access_token_secret: g.credentials.access_token_secret.clone(),
        }
    }
}

/// `GET …/appLogins`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/appLogins",
    tag = "appLogins",
    summary = "The account's application logins (revoked ones too), by id",
    params(
        ("account" = String, Path, description = "Account id"),
        ("limit" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page", body = Page<AppLoginDto>),
        (status = 400, description = "Bad parameter", body = super::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::ErrorBody),
        (status = 403, description = "Not an admin", body = super::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_app_logins(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<AppLoginDto>>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let params = PageParams::from_query(&q)?;
    let mut all = state.engine.app_logins(&by, &account).await?;
    all.sort_by_key(|l| l.id);
    let page = Page::of_sorted(
        all,
        &params,
        |l| l.id,
        |c| c.parse().ok(),
        |l| l.id.to_string(),
    )?;
    Ok(Json(Page {
        items: page.items.iter().map(AppLoginDto::from).collect(),
        next: page.next,
    }))
}

/// `POST …/appLogins`.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/appLogins",
    tag = "appLogins",
    summary = "Creates application credentials for a bot agent; the secrets are shown once",
    params(("account" = String, Path, description = "Account id")),
    request_body = NewAppLoginBody,
    responses(
        (status = 201, description = "Created, with the secrets", body = AppLoginCreated),
        (status = 400, description = "Bad body", body = super::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::ErrorBody),
        (status = 403, description = "Not an admin", body = super::ErrorBody),
        (status = 404, description = "No such agent", body = super::ErrorBody),
        (status = 409, description = "The app key is (or was) in use", body = super::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_app_login(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<(StatusCode, Json<AppLoginCreated>), ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: NewAppLoginBody = body.parse()?;
    let grant = state
        .engine
        .create_app_login(&by, &account, &body.username, body.app_key.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(AppLoginCreated::from(&grant))))
}

/// `DELETE …/appLogins/{appLoginId}`.
#[utoipa::path(
    delete,
    path = "/chatwire/v1/accounts/{account}/appLogins/{appLoginId}",
    tag = "appLogins",
    summary = "Revokes an application login: refused at once on every node, the bot's sessions end",
    params(
        ("account" = String, Path, description = "Account id"),
        ("appLoginId" = i64, Path, description = "Application login id"),
    ),
    responses(
        (status = 200, description = "Revoked (kept, so its app key is never reused)", body = AppLoginDto),
        (status = 400, description = "Bad id", body = super::ErrorBody),
        (status = 401, description = "No or bad credentials", body = super::ErrorBody),
        (status = 403, description = "Not an admin", body = super::ErrorBody),
        (status = 404, description = "No such application login", body = super::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_app_login(
    State(state): State<AppState>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<AppLoginDto>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| ApiError::field_error("appLoginId", "an application login id is a number"))?;
    let revoked = state.engine.revoke_app_login(&by, &account, id).await?;
    Ok(Json(AppLoginDto::from(&revoked)))
}
