//! Visitor app keys in chatwire's own admin API: `GET|POST
//! /chatwire/v1/accounts/{account}/appKeys` and `GET|PATCH|DELETE …/appKeys/{key}` (DELETE
//! revokes: the key is refused from the next request on, on every node).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chatwire_engine::core::AppKey;
use chatwire_engine::{AppKeyInput, AppKeyPatch, Engine};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::admin::{admin_caller, admin_error};
use super::json::JsonBody;
use super::openapi::ErrorBody;
use super::page::{Page, PageParams};
use crate::http::query::Query;
use crate::http::time::iso_millis;
use crate::{ApiError, AppState};

/// An app key as the admin API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppKeyView {
    /// The key text (`appKey=` of visitor requests).
    pub key: String,
    /// A label for operators.
    pub name: String,
    /// Whether the key may read the account feed.
    pub can_read_feed: bool,
    /// Web origins whose pages may use the key from a browser.
    pub allowed_origins: Vec<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl From<&AppKey> for AppKeyView {
    fn from(k: &AppKey) -> Self {
        Self {
            key: k.key.clone(),
            name: k.name.clone(),
            can_read_feed: k.can_read_feed,
            allowed_origins: k.allowed_origins.clone(),
            created_at: iso_millis(k.created_at),
        }
    }
}

/// The body of `POST …/appKeys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAppKeyBody {
    /// The key text (8 to 128 printable ASCII characters); generated when absent.
    pub key: Option<String>,
    /// A label for operators.
    #[serde(default)]
    pub name: String,
    /// The feed right.
    #[serde(default)]
    pub can_read_feed: bool,
    /// Web origins (`https://shop.example.com`: scheme, host, optional port, no path).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

/// The body of `PATCH …/appKeys/{key}`: members given are changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppKeyPatchBody {
    /// A label for operators.
    pub name: Option<String>,
    /// The feed right.
    pub can_read_feed: Option<bool>,
    /// Web origins, replacing the present list.
    pub allowed_origins: Option<Vec<String>>,
}

/// `GET …/appKeys`: the account's keys by key text, a page at a time.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/appKeys",
    tag = "appKeys",
    params(
        ("account" = String, Path, description = "Account id"),
        ("limit" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of app keys", body = Page<AppKeyView>),
        (status = 400, description = "Bad parameter", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_app_keys(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<AppKeyView>>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let params = PageParams::from_query(&q)?;
    let keys = state.engine.app_keys_as(&by, &account).await?;
    let page = Page::of_sorted(
        keys,
        &params,
        |k| k.key.clone(),
        |c| Some(c.to_owned()),
        |k| k.key.clone(),
    )?;
    Ok(Json(Page {
        items: page.items.iter().map(AppKeyView::from).collect(),
        next: page.next,
    }))
}

/// `POST …/appKeys`: creates an app key.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts/{account}/appKeys",
    tag = "appKeys",
    params(("account" = String, Path, description = "Account id")),
    request_body = NewAppKeyBody,
    responses(
        (status = 201, description = "Created", body = AppKeyView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The key exists", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_app_key(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<(StatusCode, Json<AppKeyView>), ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: NewAppKeyBody = body.parse()?;
    let input = AppKeyInput {
        key: body.key,
        name: body.name,
        can_read_feed: body.can_read_feed,
        allowed_origins: body.allowed_origins,
    };
    let key = state
        .engine
        .create_app_key_as(&by, &account, input)
        .await
        .map_err(admin_error)?;
    Ok((StatusCode::CREATED, Json(AppKeyView::from(&key))))
}

/// `GET …/appKeys/{key}`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/appKeys/{key}",
    tag = "appKeys",
    params(
        ("account" = String, Path, description = "Account id"),
        ("key" = String, Path, description = "The key text"),
    ),
    responses(
        (status = 200, description = "The app key", body = AppKeyView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such key in the account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_app_key(
    State(state): State<AppState>,
    Path((account, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<AppKeyView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let found = state.engine.app_key_as(&by, &account, &key).await?;
    Ok(Json(AppKeyView::from(&found)))
}

/// `PATCH …/appKeys/{key}`: changes the name, feed right or allowed origins.
#[utoipa::path(
    patch,
    path = "/chatwire/v1/accounts/{account}/appKeys/{key}",
    tag = "appKeys",
    params(
        ("account" = String, Path, description = "Account id"),
        ("key" = String, Path, description = "The key text"),
    ),
    request_body = AppKeyPatchBody,
    responses(
        (status = 200, description = "The key as changed", body = AppKeyView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such key in the account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_app_key(
    State(state): State<AppState>,
    Path((account, key)): Path<(String, String)>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<AppKeyView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: AppKeyPatchBody = body.parse()?;
    let patch = AppKeyPatch {
        name: body.name,
        can_read_feed: body.can_read_feed,
        allowed_origins: body.allowed_origins,
    };
    let changed = state
        .engine
        .update_app_key_as(&by, &account, &key, patch)
        .await
        .map_err(admin_error)?;
    Ok(Json(AppKeyView::from(&changed)))
}

/// `DELETE …/appKeys/{key}`: revokes the key.
#[utoipa::path(
    delete,
    path = "/chatwire/v1/accounts/{account}/appKeys/{key}",
    tag = "appKeys",
    params(
        ("account" = String, Path, description = "Account id"),
        ("key" = String, Path, description = "The key text"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such key in the account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_app_key(
    State(state): State<AppState>,
    Path((account, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    state.engine.revoke_app_key_as(&by, &account, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}
