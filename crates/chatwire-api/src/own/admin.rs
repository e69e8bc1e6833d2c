//! Who calls an admin route of chatwire's own API: the credential in the request, checked by
//! the engine into an [`AdminCaller`]. What the caller may then do is the use case's decision.
//!
//! Accepted: `Authorization: Bearer <token>`, where the token is either an admin API token
//! (`cwadm_…`, made with `chatwire admin-token create`; server-wide or for one account) or the
//! login bearer of an admin agent of the account in the path (LivePerson login). Server-wide
//! routes (`/chatwire/v1/accounts`) take a server-wide admin token only.
//!
//! Also here: [`admin_error`], which turns the engine's validation errors into
//! `invalid_field` errors naming the body member.

use axum::http::HeaderMap;
use chatwire_engine::core::{AccountId, DomainError};
use chatwire_engine::{AdminCaller, Engine, EngineError};

use crate::http::auth::authorization;
use crate::{ApiError, AppState};

fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
    authorization(headers, "Bearer").ok_or_else(|| {
        ApiError::Unauthorized(
            "send Authorization: Bearer <login bearer of an admin agent> or an admin token".into(),
        )
    })
}

/// The admin calling about `account`, from the request's `Authorization` header.
pub async fn admin_caller(
    state: &AppState,
    account: &AccountId,
    headers: &HeaderMap,
) -> Result<AdminCaller, ApiError> {
    let bearer = bearer(headers)?;
    if Engine::is_admin_token(&bearer) {
        return Ok(state.engine.admin_by_token(&bearer).await?);
    }
    Ok(state.engine.admin_by_bearer(account, &bearer).await?)
}

/// The server-wide admin calling a route about no one account (creating and listing
/// accounts): a server-wide admin token.
pub async fn server_admin_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<AdminCaller, ApiError> {
    let bearer = bearer(headers)?;
    Ok(state.engine.server_admin_by_bearer(&bearer).await?)
}

/// An engine error as chatwire's own API reports it: a refused value names the body member
/// at fault (`invalid_field`) as the API spells it (the domain's older names, such as
/// `login name`, become `loginName`), everything else maps as usual.
pub fn admin_error(e: EngineError) -> ApiError {
    match e {
        EngineError::Domain(DomainError::Invalid { what, why }) => {
            let field = match what {
                "login name" => "loginName",
                "display name" => "displayName",
                "app key" => "key",
                "account id" => "id",
                "skill name" | "topic name" => "name",
                other => other,
            };
            ApiError::field_error(field, format!("invalid {field}: {why}"))
        }
        other => other.into(),
    }
}
