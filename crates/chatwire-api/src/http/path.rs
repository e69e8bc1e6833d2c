//! Path parameters every surface names the same way: `{account}` and chat keys.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use chatwire_engine::Engine;
use chatwire_engine::core::{AccountId, ChatKey};

use crate::ApiError;

/// The path parameters of a request, for the auth extractors; none (no route) is 404.
pub async fn params<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<RawPathParams, ApiError> {
    RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::NotFound("no such resource".into()))
}

/// The account a request's path names, for the auth extractors (404 when missing or malformed).
pub async fn request_account<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<AccountId, ApiError> {
    account(&params(parts, state).await?)
}

/// The account named in the path (`{account}`); a missing or malformed one is 404.
pub fn account(params: &RawPathParams) -> Result<AccountId, ApiError> {
    let raw = params
        .iter()
        .find(|(k, _)| *k == "account")
        .map(|(_, v)| v)
        .ok_or_else(|| ApiError::NotFound("account not found".into()))?;
    Ok(Engine::parse_account(raw)?)
}

/// A chat key from a path segment; a malformed one is a chat that does not exist (404).
pub fn chat_key(raw: &str) -> Result<ChatKey, ApiError> {
    ChatKey::parse(raw).map_err(|_| ApiError::NotFound("chat not found".into()))
}
