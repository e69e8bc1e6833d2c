//! Who is calling a SuperOffice route ([`SoAgent`]) and for which account.
//!
//! - Account: the `{account}` path segment (`/Cust12345/api/v1/…`), else the configured
//!   default account (`[superoffice] default_account`) for plain `/api/v1/…`.
//! - `Authorization: Basic base64(login:password)` checks the agent's password
//!   ([`chatwire_engine::Engine::authenticate_caller_from`], with the client's address for the
//!   throttles; a login verified recently is answered from the engine's cache); `Bearer <token>` and `SOTicket <token>` take
//!   the bearer of a chatwire agent login (`POST /api/account/{account}/login`). Schemes are
//!   case-insensitive. Anything else, or nothing, is 401.
//! - `SO-AppToken`, when sent, must be a visitor app key of the account (401 otherwise).

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use chatwire_engine::core::{AccountId, Agent};
use chatwire_engine::{AgentPrincipal, Caller, Engine};

use crate::client_addr::ClientAddr;
use crate::http::auth::{authorization, basic_credentials};
use crate::http::path;
use crate::{ApiError, AppState};

/// An authenticated agent of the request's account.
#[derive(Debug, Clone)]
pub struct SoAgent {
    /// The account (path or default).
    pub account: AccountId,
    /// The agent's record as of this request.
    pub agent: Agent,
    /// The caller the engine checked (bearer or password); agent use cases take it.
    pub caller: AgentPrincipal,
    /// The client's address (throttles count chats it opens).
    pub from: Option<std::net::IpAddr>,
}

impl SoAgent {
    /// The engine caller of this request, for the use cases every kind of caller may call
    /// (the cursor read).
    pub fn engine_caller(&self) -> Caller {
        Caller::Agent(self.caller.clone())
    }
}

/// The account of a SuperOffice request.
pub fn request_account(params: &RawPathParams, state: &AppState) -> Result<AccountId, ApiError> {
    match params.iter().find(|(k, _)| *k == "account") {
        Some((_, raw)) => Ok(Engine::parse_account(raw)?),
        None => {
            let default = state.http.superoffice_default_account.trim();
            if default.is_empty() {
                return Err(ApiError::NotFound(
                    "no default account is configured: use /{account}/api/v1/…".into(),
                ));
            }
            Ok(Engine::parse_account(default)?)
        }
    }
}

impl FromRequestParts<AppState> for SoAgent {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let account = request_account(&path::params(parts, state).await?, state)?;
        let ClientAddr(from) = match ClientAddr::from_request_parts(parts, state).await {
            Ok(addr) => addr,
            Err(never) => match never {},
        };
        let engine = &state.engine;
        let (caller, agent) = if let Some(basic) = authorization(&parts.headers, "Basic") {
            let (login, password) = basic_credentials(&basic)
                .ok_or_else(|| ApiError::Unauthorized("malformed Basic credentials".into()))?;
            // Verified logins are cached in the engine: a polling client costs no argon2.
            engine
                .authenticate_caller_from(&account, &login, &password, from)
                .await?
        } else if let Some(token) = authorization(&parts.headers, "Bearer")
            .or_else(|| authorization(&parts.headers, "SOTicket"))
        {
            let who = engine.bearer(&account, &token).await?;
            let agent = engine.agent(&account, who.agent()).await?;
            (who, agent)
        } else {
            return Err(ApiError::Unauthorized(
                "missing Authorization (Basic, Bearer or SOTicket)".into(),
            ));
        };
        if let Some(app) = parts.headers.get("so-apptoken") {
            let app = app
                .to_str()
                .map_err(|_| ApiError::Unauthorized("unknown SO-AppToken".into()))?;
            engine
                .check_app_key(&account, app.trim())
                .await
                .map_err(|_| ApiError::Unauthorized("unknown SO-AppToken".into()))?;
        }
        Ok(Self {
            account,
            agent,
            caller,
            from,
        })
    }
}
