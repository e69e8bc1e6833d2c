//! Who is calling: [`LpAgent`] (bearer + agent session). The `Authorization` header name and
//! scheme are matched case-insensitively (clients send `AUTHORIZATION: bearer …`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chatwire_engine::auth::AgentPrincipal;

use crate::http::auth::authorization;
use crate::http::path;
use crate::{ApiError, AppState};

/// An agent with a valid bearer for the path's account (no agent session needed).
#[derive(Debug, Clone)]
pub struct LpLogin {
    /// The authenticated agent.
    pub who: AgentPrincipal,
}

impl FromRequestParts<AppState> for LpLogin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let account = path::request_account(parts, state).await?;
        let bearer = authorization(&parts.headers, "Bearer")
            .ok_or_else(|| ApiError::Unauthorized("missing Authorization: Bearer header".into()))?;
        let who = state.engine.bearer(&account, &bearer).await?;
        Ok(Self { who })
    }
}

/// An agent calling within one of their agent sessions (`/agentSession/{asid}/…`).
#[derive(Debug, Clone)]
pub struct LpAgent {
    /// The authenticated agent.
    pub who: AgentPrincipal,
    /// The agent session id from the path.
    pub asid: i64,
}

impl FromRequestParts<AppState> for LpAgent {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let LpLogin { who } = LpLogin::from_request_parts(parts, state).await?;
        let params = path::params(parts, state).await?;
        let asid = params
            .iter()
            .find(|(k, _)| *k == "asid")
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .ok_or_else(|| ApiError::NotFound("agent session not found".into()))?;
        state.engine.agent_session(&who, asid).await?;
        Ok(Self { who, asid })
    }
}
