//! Who is calling: [`LpAgent`] (bearer + agent session). The `Authorization` header name and
//! scheme are matched case-insensitively (clients send `AUTHORIZATION: bearer …`).

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chatwire_engine::Engine;
use chatwire_engine::auth::AgentPrincipal;
use chatwire_engine::core::AccountId;

use crate::{ApiError, AppState};

/// The credential in `Authorization: <scheme> <value>` when the scheme matches.
pub fn authorization(headers: &HeaderMap, scheme: &str) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (s, rest) = value.split_once(char::is_whitespace)?;
    s.eq_ignore_ascii_case(scheme)
        .then(|| rest.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The account named in the path.
pub fn path_account(params: &RawPathParams) -> Result<AccountId, ApiError> {
    let raw = params
        .iter()
        .find(|(k, _)| *k == "account")
        .map(|(_, v)| v)
        .ok_or_else(|| ApiError::NotFound("account not found".into()))?;
    Ok(Engine::parse_account(raw)?)
}

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
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("no such resource".into()))?;
        let account = path_account(&params)?;
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
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("no such resource".into()))?;
        let asid = params
            .iter()
            .find(|(k, _)| *k == "asid")
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .ok_or_else(|| ApiError::NotFound("agent session not found".into()))?;
        state.engine.agent_session(&who, asid).await?;
        Ok(Self { who, asid })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_is_case_insensitive_and_the_value_kept() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            "bearer abc123".parse().expect("value"),
        );
        assert_eq!(authorization(&h, "Bearer").as_deref(), Some("abc123"));
        h.insert(
            header::AUTHORIZATION,
            "LivePerson appKey=xyz".parse().expect("value"),
        );
        assert_eq!(authorization(&h, "Bearer"), None);
        assert_eq!(
            authorization(&h, "liveperson").as_deref(),
            Some("appKey=xyz")
        );
        h.insert(header::AUTHORIZATION, "Bearer ".parse().expect("value"));
        assert_eq!(authorization(&h, "Bearer"), None);
    }
}
