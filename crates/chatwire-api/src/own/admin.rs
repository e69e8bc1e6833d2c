//! Who calls an admin route of chatwire's own API: the credential in the request, checked by
//! the engine into an [`AdminCaller`]. What the caller may then do is the use case's decision.
//!
//! Accepted: `Authorization: Bearer <login bearer>` of an admin agent of the account in the
//! path (LivePerson login).

use axum::http::HeaderMap;
use chatwire_engine::AdminCaller;
use chatwire_engine::core::AccountId;

use crate::http::auth::authorization;
use crate::{ApiError, AppState};

/// The admin calling about `account`, from the request's `Authorization` header.
pub async fn admin_caller(
    state: &AppState,
    account: &AccountId,
    headers: &HeaderMap,
) -> Result<AdminCaller, ApiError> {
    let bearer = authorization(headers, "Bearer").ok_or_else(|| {
        ApiError::Unauthorized(
            "send Authorization: Bearer <login bearer of an admin agent> or an admin token".into(),
        )
    })?;
    Ok(state.engine.admin_by_bearer(account, &bearer).await?)
}
