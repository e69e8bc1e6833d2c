//! Visitor-side authentication (spec §0 rule 7): `Authorization: LivePerson appKey=<key>`, the
//! `appKey` query parameter, or `Authorization: Bearer <key>`. Unknown keys are 401.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chatwire_engine::VisitorCaller;
use chatwire_engine::core::AccountId;

use crate::http;
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// A visitor application with a valid app key for the path's account.
#[derive(Debug, Clone)]
pub struct LpVisitor {
    /// The account.
    pub account: AccountId,
    /// The caller the engine checked; visitor use cases take it and decide access.
    pub caller: VisitorCaller,
}

impl FromRequestParts<AppState> for LpVisitor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let account = http::path::request_account(parts, state).await?;
        state.engine.account(&account).await?;
        let query = Query::parse(parts.uri.query().unwrap_or(""));
        let key = http::auth::app_key(&parts.headers, &query, true).ok_or_else(|| {
            ApiError::Unauthorized(
                "missing app key (Authorization: LivePerson appKey=…, or ?appKey=)".into(),
            )
        })?;
        let caller = state.engine.visitor_caller(&account, &key).await?;
        Ok(Self { account, caller })
    }
}
