//! Visitor-side authentication (spec §0 rule 7): `Authorization: LivePerson appKey=<key>`, the
//! `appKey` query parameter, or `Authorization: Bearer <key>`. Unknown keys are 401.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use chatwire_engine::VisitorCaller;
use chatwire_engine::core::{AccountId, AppKey};

use super::auth::{authorization, path_account};
use super::query::LpQuery;
use crate::{ApiError, AppState};

/// A visitor application with a valid app key for the path's account.
#[derive(Debug, Clone)]
pub struct LpVisitor {
    /// The account.
    pub account: AccountId,
    /// The key used (the record of `caller`, for the chat reads that take the raw key).
    pub key: AppKey,
    /// The caller the engine checked; visitor use cases take it and decide access.
    pub caller: VisitorCaller,
}

fn app_key_of(parts: &Parts) -> Option<String> {
    if let Some(v) = authorization(&parts.headers, "LivePerson") {
        let key = v.split(',').find_map(|p| {
            p.trim()
                .strip_prefix("appKey=")
                .map(|k| k.trim_matches('"').to_owned())
        });
        if key.is_some() {
            return key;
        }
    }
    if let Some(v) = authorization(&parts.headers, "Bearer") {
        return Some(v);
    }
    LpQuery::parse(parts.uri.query().unwrap_or(""))
        .get("appKey")
        .map(str::to_owned)
        .filter(|k| !k.is_empty())
}

impl FromRequestParts<AppState> for LpVisitor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("no such resource".into()))?;
        let account = path_account(&params)?;
        state.engine.account(&account).await?;
        let key = app_key_of(parts).ok_or_else(|| {
            ApiError::Unauthorized(
                "missing app key (Authorization: LivePerson appKey=…, or ?appKey=)".into(),
            )
        })?;
        let caller = state.engine.visitor_caller(&account, &key).await?;
        Ok(Self {
            account,
            key: caller.app_key().clone(),
            caller,
        })
    }
}
