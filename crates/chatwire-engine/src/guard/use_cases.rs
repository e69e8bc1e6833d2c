//! The guarded use cases: password logins and chat creation, each told the client's address
//! by the HTTP layer (`None` when unknown: then only the per-login and per-key limits apply).

use std::net::IpAddr;

use chatwire_core::{AccountId, Agent};
use chatwire_store::Committed;

use super::address_key;
use crate::auth::LoginGrant;
use crate::{ChatRequestInput, Engine, EngineError, EngineResult};

/// Turns a limiter refusal into the error the dialects render as 429 + `Retry-After`.
fn too_many(retry_after: std::time::Duration) -> EngineError {
    EngineError::TooManyRequests { retry_after }
}

impl Engine {
    /// Checks a login from `from`. Unknown login, disabled agent and wrong password all answer
    /// the same `Unauthorized` after the same argon2 work, so a caller cannot probe which
    /// logins exist. A login verified within `credential_cache_ttl` is answered from the cache
    /// (no argon2, no throttle: the caller proved the password). Too many failures for the
    /// login or the address: `TooManyRequests`. No free password worker: `Busy`.
    pub async fn authenticate_from(
        &self,
        account: &AccountId,
        login: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> EngineResult<Agent> {
        let guard = &self.0.guard;
        let tag = guard.credentials.tag(account, login, password);
        if let Some(hit) = guard.credentials.get(&tag, self.now().0) {
            match self.agent(account, hit.agent).await {
                Ok(agent)
                    if agent.enabled
                        && agent.password_hash == hit.password_hash
                        && agent.login_name.eq_ignore_ascii_case(login) =>
                {
                    return Ok(agent);
                }
                Ok(_) | Err(EngineError::NotFound(_)) => guard.credentials.remove(&tag),
                Err(e) => return Err(e),
            }
        }
        let config = &guard.config;
        // Hashed: login names an attacker makes up must not make the table's keys large.
        let user_key =
            crate::auth::key_hash("login", &format!("{account}:{}", login.to_lowercase()));
        let address = from.map(address_key);
        if config.throttle {
            let now = self.now().0;
            guard
                .failures
                .check(&user_key, config.login_failures_per_user, now)
                .map_err(too_many)?;
            if let Some(address) = &address {
                guard
                    .failures
                    .check(address, config.login_failures_per_address, now)
                    .map_err(too_many)?;
            }
        }
        let agent = match self.agent_by_login(account, login).await {
            Ok(agent) if agent.enabled => Some(agent),
            Ok(_) | Err(EngineError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let hash = agent
            .as_ref()
            .map_or(guard.dummy_hash.as_str(), |a| a.password_hash.as_str());
        let matches = guard.gate.verify(password, hash).await?;
        match agent {
            Some(agent) if matches => {
                guard.failures.clear(&user_key);
                guard
                    .credentials
                    .put(tag, agent.id, &agent.password_hash, self.now().0);
                Ok(agent)
            }
            _ => {
                if config.throttle {
                    // Counting past the limit is refused, which is what a lock means here:
                    // the error to return is still `Unauthorized` for this attempt.
                    let now = self.now().0;
                    let _ = guard
                        .failures
                        .hit(&user_key, config.login_failures_per_user, now);
                    if let Some(address) = &address {
                        let _ = guard
                            .failures
                            .hit(address, config.login_failures_per_address, now);
                    }
                }
                Err(EngineError::Unauthorized("invalid login name or password"))
            }
        }
    }

    /// Logs an agent in with login name and password, from `from` (see
    /// [`Engine::authenticate_from`] for the guards).
    pub async fn login_from(
        &self,
        account: &AccountId,
        username: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> EngineResult<LoginGrant> {
        let agent = self
            .authenticate_from(account, username, password, from)
            .await?;
        self.open_login(agent).await
    }

    /// Opens a chat asked for from `from`, counted per client address and per app key
    /// (`input.request.app_key`); over either limit: `TooManyRequests`, and no chat.
    pub async fn request_chat_from(
        &self,
        account: &AccountId,
        input: ChatRequestInput,
        from: Option<IpAddr>,
    ) -> EngineResult<Committed> {
        let guard = &self.0.guard;
        let config = &guard.config;
        if config.throttle {
            let now = self.now().0;
            if let Some(ip) = from {
                guard
                    .chats
                    .hit(&address_key(ip), config.chat_requests_per_address, now)
                    .map_err(too_many)?;
            }
            if let Some(key) = &input.request.app_key {
                guard
                    .chats
                    .hit(
                        &format!("{account}\u{0}{key}"),
                        config.chat_requests_per_app_key,
                        now,
                    )
                    .map_err(too_many)?;
            }
        }
        self.request_chat(account, input).await
    }
}
