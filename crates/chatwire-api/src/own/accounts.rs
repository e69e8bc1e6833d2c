//! Accounts in chatwire's own admin API: `GET|POST /chatwire/v1/accounts` (server-wide admin
//! tokens only) and `GET|PATCH /chatwire/v1/accounts/{account}` (admins of the account).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chatwire_engine::core::Account;
use chatwire_engine::{AccountPatch, Engine};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::admin::{admin_caller, admin_error, server_admin_caller};
use super::json::JsonBody;
use super::openapi::ErrorBody;
use super::page::{Page, PageParams};
use crate::http::query::Query;
use crate::http::time::iso_millis;
use crate::{ApiError, AppState};

/// An account as the admin API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// The id (`/api/account/{id}` in LivePerson).
    pub id: String,
    /// A human-readable name.
    pub name: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// Where the account's staff notices go (offline messages, waiting alerts) when their
    /// skill has no address of its own; `null`: nowhere.
    pub notify_email: Option<String>,
}

impl AccountView {
    /// The view of `a` with its staff address.
    fn of(a: &Account, notify_email: Option<String>) -> Self {
        Self {
            id: a.id.to_string(),
            name: a.name.clone(),
            created_at: iso_millis(a.created_at),
            notify_email,
        }
    }
}

/// The account's own staff address.
async fn notify_email(
    state: &AppState,
    by: &chatwire_engine::AdminCaller,
    account: &chatwire_engine::core::AccountId,
) -> Result<Option<String>, ApiError> {
    Ok(state.engine.staff_addresses_as(by, account).await?.account)
}

/// The body of `POST /chatwire/v1/accounts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAccountBody {
    /// 1 to 20 letters, digits or `_`.
    pub id: String,
    /// A human-readable name (at most 200 characters).
    #[serde(default)]
    pub name: String,
}

/// The body of `PATCH /chatwire/v1/accounts/{account}`: members given are changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountPatchBody {
    /// A human-readable name (at most 200 characters).
    pub name: Option<String>,
    /// Where the account's staff notices go; `null` or blank clears it (no notices then,
    /// unless a skill has an address).
    #[serde(default, deserialize_with = "super::json::present")]
    #[schema(value_type = Option<String>, nullable)]
    pub notify_email: Option<Option<String>>,
}

/// `GET /chatwire/v1/accounts`: every account by id, a page at a time.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts",
    tag = "accounts",
    params(
        ("limit" = Option<u32>, Query, description = "Items per page, 1 to 500 (default 50)"),
        ("cursor" = Option<String>, Query, description = "`next` of the previous page"),
    ),
    responses(
        (status = 200, description = "One page of accounts", body = Page<AccountView>),
        (status = 400, description = "Bad parameter", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not a server-wide admin token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<Page<AccountView>>, ApiError> {
    let by = server_admin_caller(&state, &headers).await?;
    let params = PageParams::from_query(&q)?;
    let all = state.engine.accounts_as(&by).await?;
    let page = Page::of_sorted(
        all,
        &params,
        |a| a.id.to_string(),
        |c| Some(c.to_owned()),
        |a| a.id.to_string(),
    )?;
    let mut items = Vec::with_capacity(page.items.len());
    for a in &page.items {
        items.push(AccountView::of(a, notify_email(&state, &by, &a.id).await?));
    }
    Ok(Json(Page {
        items,
        next: page.next,
    }))
}

/// `POST /chatwire/v1/accounts`: creates an account.
#[utoipa::path(
    post,
    path = "/chatwire/v1/accounts",
    tag = "accounts",
    request_body = NewAccountBody,
    responses(
        (status = 201, description = "Created", body = AccountView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not a server-wide admin token", body = ErrorBody),
        (status = 409, description = "The id is taken", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let by = server_admin_caller(&state, &headers).await?;
    let body: NewAccountBody = body.parse()?;
    let account = state
        .engine
        .create_account_as(&by, &body.id, &body.name)
        .await
        .map_err(admin_error)?;
    Ok((StatusCode::CREATED, Json(AccountView::of(&account, None))))
}

/// `GET /chatwire/v1/accounts/{account}`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}",
    tag = "accounts",
    params(("account" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_account(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Result<Json<AccountView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let found = state.engine.account_as(&by, &account).await?;
    let notify = notify_email(&state, &by, &account).await?;
    Ok(Json(AccountView::of(&found, notify)))
}

/// `PATCH /chatwire/v1/accounts/{account}`: renames an account, sets its staff address.
#[utoipa::path(
    patch,
    path = "/chatwire/v1/accounts/{account}",
    tag = "accounts",
    params(("account" = String, Path, description = "Account id")),
    request_body = AccountPatchBody,
    responses(
        (status = 200, description = "The account as changed", body = AccountView),
        (status = 400, description = "Bad body", body = ErrorBody),
        (status = 401, description = "No or bad credentials", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_account(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<AccountView>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let by = admin_caller(&state, &account, &headers).await?;
    let body: AccountPatchBody = body.parse()?;
    // Checked before anything is written: a bad address changes nothing.
    let notify = body.notify_email.map(Option::unwrap_or_default);
    if let Some(n) = &notify {
        Engine::check_staff_address(n).map_err(admin_error)?;
    }
    let patch = AccountPatch { name: body.name };
    let changed = state
        .engine
        .update_account_as(&by, &account, patch)
        .await
        .map_err(admin_error)?;
    if let Some(n) = &notify {
        state
            .engine
            .set_staff_address_as(&by, &account, None, n)
            .await
            .map_err(admin_error)?;
    }
    let notify = notify_email(&state, &by, &account).await?;
    Ok(Json(AccountView::of(&changed, notify)))
}
