//! The guarded use cases: password logins and chat creation, each told the client's address
//! by the HTTP layer (`None` when unknown: then only the per-login and per-key limits apply).

use std::net::IpAddr;

use chatwire_core::{AccountId, Agent};
use chatwire_store::Committed;

use super::address_key;
use super::credentials::Lookup;
use crate::sessions::{AgentPrincipal, AppCredentials, LoginGrant};
use crate::{ChatRequestInput, Engine, EngineError, EngineResult};

/// Turns a limiter refusal into the error the dialects render as 429 + `Retry-After`.
fn too_many(retry_after: std::time::Duration) -> EngineError {
    EngineError::TooManyRequests { retry_after }
}

/// A login attempt counted as a failure in advance (before the check runs, so concurrent
/// guesses beyond the limit are refused); settled once the outcome is known.
struct Attempt {
    /// The per-login key; `None` when not counted (throttle off, or verified before).
    user: Option<String>,
    /// The per-address key, when counted.
    address: Option<String>,
}

impl Engine {
    /// Counts a login attempt on `login` from `from` before it is checked; over either limit:
    /// `TooManyRequests`, and nothing stays counted. `exempt`: the credentials verified before
    /// in this process, so the attempt passes the lock uncounted.
    fn reserve_login(
        &self,
        account: &AccountId,
        login: &str,
        from: Option<IpAddr>,
        exempt: bool,
    ) -> EngineResult<Attempt> {
        let guard = &self.0.guard;
        let config = &guard.config;
        if !config.throttle || exempt {
            return Ok(Attempt {
                user: None,
                address: None,
            });
        }
        let now = self.now().0;
        // Hashed: login names an attacker makes up must not make the table's keys large.
        let user =
            crate::sessions::key_hash("login", &format!("{account}:{}", login.to_lowercase()));
        guard
            .user_failures
            .hit(&user, config.login_failures_per_user, now)
            .map_err(too_many)?;
        let address = match from.map(address_key) {
            Some(address) => {
                if let Err(retry) =
                    guard
                        .address_failures
                        .hit(&address, config.login_failures_per_address, now)
                {
                    guard.user_failures.release(&user, now);
                    return Err(too_many(retry));
                }
                Some(address)
            }
            None => None,
        };
        Ok(Attempt {
            user: Some(user),
            address,
        })
    }

    /// Settles a reserved attempt: a failure stays counted; a success clears the login's count
    /// and gives the address its event back; anything else (no worker free, a store error)
    /// is not a failure either and gives both back.
    fn settle_login<T>(&self, attempt: &Attempt, outcome: &EngineResult<T>) {
        let guard = &self.0.guard;
        let now = self.now().0;
        let failed = matches!(outcome, Err(EngineError::Unauthorized(_)));
        if failed {
            return;
        }
        if let Some(user) = &attempt.user {
            if outcome.is_ok() {
                guard.user_failures.clear(user);
            } else {
                guard.user_failures.release(user, now);
            }
        }
        if let Some(address) = &attempt.address {
            guard.address_failures.release(address, now);
        }
    }

    /// Checks a login from `from`. Unknown login, disabled agent and wrong password all answer
    /// the same `Unauthorized` after the same argon2 work, so a caller cannot probe which
    /// logins exist. A login used within `credential_cache_ttl` (sliding) is answered from the
    /// cache (no argon2, no throttle: the caller proved the password); one that verified
    /// before is checked again but not refused by the lock. Too many failures for the login or
    /// the address: `TooManyRequests`. No free password worker: `Busy`.
    pub async fn authenticate_from(
        &self,
        account: &AccountId,
        login: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> EngineResult<Agent> {
        let guard = &self.0.guard;
        let tag = guard.credentials.tag(account, login, password);
        let mut known = false;
        let lookup = guard.credentials.get(&tag, self.now().0);
        if let Lookup::Fresh(hit) | Lookup::Stale(hit) = &lookup {
            match self.agent(account, hit.agent).await {
                Ok(agent)
                    if agent.enabled
                        && agent.password_hash == hit.password_hash
                        && agent.login_name.eq_ignore_ascii_case(login) =>
                {
                    if matches!(lookup, Lookup::Fresh(_)) {
                        return Ok(agent);
                    }
                    known = true;
                }
                Ok(_) | Err(EngineError::NotFound(_)) => guard.credentials.remove(&tag),
                Err(e) => return Err(e),
            }
        }
        let attempt = self.reserve_login(account, login, from, known)?;
        let outcome = self.verify_password(account, login, password, tag).await;
        self.settle_login(&attempt, &outcome);
        outcome
    }

    /// Like [`Engine::authenticate_from`], as the caller the agent's use cases take (with no
    /// login session: the request proved the password itself) and the agent's record.
    pub async fn authenticate_caller_from(
        &self,
        account: &AccountId,
        login: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> EngineResult<(AgentPrincipal, Agent)> {
        let agent = self
            .authenticate_from(account, login, password, from)
            .await?;
        // Each SuperOffice call carries the password: every one is a sign of life.
        self.touch_agent(&agent.account, agent.id).await;
        let caller = AgentPrincipal {
            account: agent.account.clone(),
            agent: agent.id,
            login: None,
        };
        Ok((caller, agent))
    }

    /// The argon2 check of a login (against the dummy hash when there is no such enabled
    /// agent); a success is cached under `tag`.
    async fn verify_password(
        &self,
        account: &AccountId,
        login: &str,
        password: &str,
        tag: [u8; 32],
    ) -> EngineResult<Agent> {
        let guard = &self.0.guard;
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
                guard
                    .credentials
                    .put(tag, agent.id, &agent.password_hash, self.now().0);
                Ok(agent)
            }
            _ => Err(EngineError::Unauthorized("invalid login name or password")),
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

    /// Logs a bot in with configured application credentials, from `from`; failures are
    /// counted and locked exactly like password failures of the same login.
    pub async fn login_app_from(
        &self,
        account: &AccountId,
        username: &str,
        creds: &AppCredentials,
        from: Option<IpAddr>,
    ) -> EngineResult<LoginGrant> {
        let attempt = self.reserve_login(account, username, from, false)?;
        let outcome = self.check_app_login(account, username, creds).await;
        self.settle_login(&attempt, &outcome);
        self.open_login(outcome?).await
    }

    /// Opens a chat asked for from `from`, counted per client address and per app key
    /// (`input.request.app_key`); over either limit: `TooManyRequests`, and no chat. This is
    /// the only way the HTTP layer opens chats.
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
                    .address_chats
                    .hit(&address_key(ip), config.chat_requests_per_address, now)
                    .map_err(too_many)?;
            }
            if let Some(key) = &input.request.app_key {
                guard
                    .app_key_chats
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
