//! Authentication use cases: agent login (password or configured app credentials), refresh,
//! logout, bearer checks, LivePerson agent sessions.
//!
//! Secrets (bearer, CSRF token, cookie) are random 32-byte values shown to the client once;
//! the store keeps only their SHA-256. A login is one `Login` row keyed by the bearer, plus
//! `LoginAlias` rows keyed by the CSRF token and the cookie (LivePerson lets either identify
//! the login on refresh and logout). Bearer checks are cached for `directory_ttl`, so polling
//! agents do not hit the database on every request. A logout on another node is reported by a
//! wake-up and drops the login's cached sessions at once (`forget_session_family`); an epoch
//! counter keeps a lookup that raced the drop from caching the deleted session.
//!
//! - `cache`: bearer lookups kept for the directory TTL, bounded.
//! - `password`: argon2id hashing and verification.
//! - `guard`: bounded password checks, the verified-login cache, login and chat-request
//!   throttles (and the use cases that take the client address).

pub(crate) mod cache;
pub(crate) mod guard;
pub mod password;

use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use chatwire_core::{AccountId, Agent, AgentId, AuthSession, Availability, SessionKind};
use sha2::{Digest, Sha256};

use crate::{Engine, EngineError, EngineResult};

/// Credentials of a bot that logs in with an app key instead of a password (LivePerson
/// "application login"); configured by the operator, matched exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLogin {
    /// Account.
    pub account: AccountId,
    /// The agent's login name.
    pub username: String,
    /// `appKey`.
    pub app_key: String,
    /// `secret`.
    pub secret: String,
    /// `accessToken`.
    pub access_token: String,
    /// `accessTokenSecret`.
    pub access_token_secret: String,
}

/// What an application login sends.
#[derive(Debug, Clone, Default)]
pub struct AppCredentials {
    /// `appKey`.
    pub app_key: String,
    /// `secret`.
    pub secret: String,
    /// `accessToken`.
    pub access_token: String,
    /// `accessTokenSecret`.
    pub access_token_secret: String,
}

/// A successful login: the secrets, shown once.
#[derive(Debug, Clone)]
pub struct LoginGrant {
    /// Bearer token for `Authorization: Bearer`.
    pub bearer: String,
    /// CSRF token for refresh and logout.
    pub csrf: String,
    /// Value of the `Session_id` cookie.
    pub cookie: String,
    /// The agent.
    pub agent: Agent,
    /// Lifetime in milliseconds (LivePerson `sessionTTl`).
    pub ttl_ms: i64,
}

/// An authenticated agent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPrincipal {
    /// Account.
    pub account: AccountId,
    /// Agent.
    pub agent: AgentId,
    /// The login's key hash (agent sessions hang off it); `None` for a request that proved
    /// the password itself (SuperOffice Basic), which has no login session.
    pub login: Option<String>,
}

pub(crate) use cache::SessionCache;

/// SHA-256 hex of `kind:secret`; the kind prefix keeps a bearer from ever matching a CSRF row.
pub(crate) fn key_hash(kind: &str, secret: &str) -> String {
    let digest = Sha256::digest(format!("{kind}:{secret}").as_bytes());
    hex::encode(digest)
}

/// Equality of secrets in time independent of where they differ (`subtle`).
fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Engine {
    /// Logs an agent in with login name and password.
    pub async fn login(
        &self,
        account: &AccountId,
        username: &str,
        password: &str,
    ) -> EngineResult<LoginGrant> {
        self.login_from(account, username, password, None).await
    }

    /// Logs a bot in with configured application credentials (throttled like
    /// [`Engine::login_app_from`] with an unknown address).
    pub async fn login_app(
        &self,
        account: &AccountId,
        username: &str,
        creds: &AppCredentials,
    ) -> EngineResult<LoginGrant> {
        self.login_app_from(account, username, creds, None).await
    }

    /// The enabled agent configured application credentials name; anything else is
    /// `Unauthorized`.
    pub(crate) async fn check_app_login(
        &self,
        account: &AccountId,
        username: &str,
        creds: &AppCredentials,
    ) -> EngineResult<Agent> {
        let configured = self.0.config.app_logins.iter().find(|l| {
            &l.account == account
                && l.username.eq_ignore_ascii_case(username)
                && constant_time_eq(&l.app_key, &creds.app_key)
                && constant_time_eq(&l.secret, &creds.secret)
                && constant_time_eq(&l.access_token, &creds.access_token)
                && constant_time_eq(&l.access_token_secret, &creds.access_token_secret)
        });
        if configured.is_none() {
            return Err(EngineError::Unauthorized("invalid application credentials"));
        }
        let agent = match self.agent_by_login(account, username).await {
            Ok(agent) if agent.enabled => agent,
            Ok(_) | Err(EngineError::NotFound(_)) => {
                return Err(EngineError::Unauthorized("invalid application credentials"));
            }
            Err(e) => return Err(e),
        };
        Ok(agent)
    }

    pub(crate) async fn open_login(&self, agent: Agent) -> EngineResult<LoginGrant> {
        let (bearer, csrf, cookie) = (
            self.random_token(32)?,
            self.random_token(32)?,
            self.random_token(32)?,
        );
        let now = self.now();
        let ttl_ms = i64::try_from(self.0.config.login_ttl.as_millis()).unwrap_or(i64::MAX);
        let login_hash = key_hash("bearer", &bearer);
        let row = |key_hash: String, kind, parent: Option<String>| AuthSession {
            key_hash,
            kind,
            account: agent.account.clone(),
            agent: agent.id,
            parent,
            data: String::new(),
            created_at: now,
            expires_at: chatwire_core::Timestamp(now.0.saturating_add(ttl_ms)),
        };
        let mut login = row(login_hash.clone(), SessionKind::Login, None);
        login.data = key_hash("csrf", &csrf);
        self.0.store.put_session(&login).await?;
        self.0
            .store
            .put_session(&row(
                key_hash("csrf", &csrf),
                SessionKind::LoginAlias,
                Some(login_hash.clone()),
            ))
            .await?;
        self.0
            .store
            .put_session(&row(
                key_hash("cookie", &cookie),
                SessionKind::LoginAlias,
                Some(login_hash),
            ))
            .await?;
        Ok(LoginGrant {
            bearer,
            csrf,
            cookie,
            agent,
            ttl_ms,
        })
    }

    /// A live session by key hash, from the cache when fresh.
    async fn session(&self, key_hash: &str) -> EngineResult<Option<AuthSession>> {
        let cache = &self.0.sessions.entries;
        let hit = cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key_hash)
            .cloned();
        let epoch = self.0.sessions.epoch.load(Ordering::SeqCst);
        let session = match hit.filter(|(_, at)| at.elapsed() < self.0.config.directory_ttl) {
            Some((s, _)) => s,
            None => match self.0.store.get_session(key_hash).await {
                Ok(s) => {
                    let mut entries = cache.write().unwrap_or_else(PoisonError::into_inner);
                    if self.0.sessions.epoch.load(Ordering::SeqCst) == epoch {
                        let ttl = self.0.config.directory_ttl;
                        self.0
                            .sessions
                            .insert(&mut entries, key_hash, s.clone(), ttl);
                    }
                    s
                }
                Err(chatwire_store::StoreError::NotFound(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            },
        };
        Ok(Some(session).filter(|s| s.is_live(self.now())))
    }

    /// The login behind a refresh/logout: the cookie, else the CSRF token, names it; the CSRF
    /// token sent must be the login's. Unknown → `Unauthorized`; wrong CSRF → `InvalidCsrf`.
    async fn login_of(
        &self,
        account: &AccountId,
        cookie: Option<&str>,
        csrf: Option<&str>,
    ) -> EngineResult<AuthSession> {
        let alias = match (cookie, csrf) {
            (Some(c), _) => self.session(&key_hash("cookie", c)).await?,
            (None, Some(t)) => self.session(&key_hash("csrf", t)).await?,
            (None, None) => None,
        };
        let Some(parent) = alias.and_then(|a| a.parent) else {
            return Err(if csrf.is_some() {
                EngineError::InvalidCsrf
            } else {
                EngineError::Unauthorized("no login session")
            });
        };
        let login = self
            .session(&parent)
            .await?
            .filter(|l| &l.account == account)
            .ok_or(EngineError::Unauthorized("no login session"))?;
        let sent = csrf.map(|t| key_hash("csrf", t)).unwrap_or_default();
        if !constant_time_eq(&sent, &login.data) {
            return Err(EngineError::InvalidCsrf);
        }
        Ok(login)
    }

    /// Extends a login by its full lifetime.
    pub async fn refresh(
        &self,
        account: &AccountId,
        cookie: Option<&str>,
        csrf: Option<&str>,
    ) -> EngineResult<()> {
        let mut login = self.login_of(account, cookie, csrf).await?;
        let ttl_ms = i64::try_from(self.0.config.login_ttl.as_millis()).unwrap_or(i64::MAX);
        login.expires_at = chatwire_core::Timestamp(self.now().0.saturating_add(ttl_ms));
        self.0.store.put_session(&login).await?;
        self.forget_session(&login.key_hash);
        Ok(())
    }

    /// Ends a login: the bearer, its aliases and agent sessions stop working, and the agent
    /// goes Offline.
    pub async fn logout(
        &self,
        account: &AccountId,
        cookie: Option<&str>,
        csrf: Option<&str>,
    ) -> EngineResult<()> {
        let login = self.login_of(account, cookie, csrf).await?;
        self.0.store.delete_session_family(&login.key_hash).await?;
        self.forget_session_family(&login.key_hash);
        self.set_availability(account, login.agent, Availability::Offline)
            .await?;
        Ok(())
    }

    /// Checks a bearer for `account`.
    pub async fn bearer(&self, account: &AccountId, bearer: &str) -> EngineResult<AgentPrincipal> {
        let login = self
            .session(&key_hash("bearer", bearer))
            .await?
            .filter(|s| s.kind == SessionKind::Login && &s.account == account)
            .ok_or(EngineError::Unauthorized("invalid or expired bearer"))?;
        Ok(AgentPrincipal {
            account: login.account,
            agent: login.agent,
            login: Some(login.key_hash),
        })
    }

    /// Opens a LivePerson agent session for a logged-in agent; returns its numeric id.
    pub async fn open_agent_session(&self, who: &AgentPrincipal) -> EngineResult<i64> {
        let unauthorized = || EngineError::Unauthorized("invalid or expired bearer");
        let login_hash = who.login.as_deref().ok_or_else(unauthorized)?;
        let login = self.session(login_hash).await?.ok_or_else(unauthorized)?;
        let [a, b, c, d, e, f, g, h] = crate::random_bytes::<8>()?;
        // Ten digits, like LivePerson's (e.g. 1027882276); the id is not a secret, the bearer is.
        let id = 1_000_000_000
            + i64::try_from(u64::from_le_bytes([a, b, c, d, e, f, g, h]) % 9_000_000_000)
                .unwrap_or(0);
        let session = AuthSession {
            key_hash: key_hash("agent-session", &id.to_string()),
            kind: SessionKind::AgentSession,
            account: who.account.clone(),
            agent: who.agent,
            parent: Some(login_hash.to_owned()),
            data: String::new(),
            created_at: self.now(),
            expires_at: login.expires_at,
        };
        self.0.store.put_session(&session).await?;
        Ok(id)
    }

    /// Checks that agent session `id` exists and belongs to the caller's agent. Any other
    /// answer is `NotFound`, so session ids of other agents are not confirmed.
    pub async fn agent_session(&self, who: &AgentPrincipal, id: i64) -> EngineResult<()> {
        let session = self
            .session(&key_hash("agent-session", &id.to_string()))
            .await?;
        match session {
            Some(s)
                if s.kind == SessionKind::AgentSession
                    && s.agent == who.agent
                    && s.account == who.account =>
            {
                Ok(())
            }
            _ => Err(EngineError::NotFound("agent session")),
        }
    }

    /// Drops the cached session `key_hash` and those whose parent it is (a logout, here or on
    /// another node).
    pub(crate) fn forget_session_family(&self, key_hash: &str) {
        self.0.sessions.epoch.fetch_add(1, Ordering::SeqCst);
        self.0
            .sessions
            .entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|k, (s, _)| k != key_hash && s.parent.as_deref() != Some(key_hash));
    }

    /// Drops every cached session (wake-ups were lost).
    pub(crate) fn forget_sessions(&self) {
        self.0.sessions.epoch.fetch_add(1, Ordering::SeqCst);
        self.0
            .sessions
            .entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn forget_session(&self, key_hash: &str) {
        self.0
            .sessions
            .entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key_hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_hashes_differ_by_kind_and_are_hex() {
        let a = key_hash("bearer", "x");
        assert_eq!(a.len(), 64);
        assert_ne!(a, key_hash("csrf", "x"));
        assert!(constant_time_eq(&a, &key_hash("bearer", "x")));
        assert!(!constant_time_eq(&a, "short"));
        assert!(!constant_time_eq(&a, &key_hash("bearer", "y")));
    }

    #[test]
    fn key_hashes_are_unchanged_since_they_are_stored_in_databases() {
        // SHA-256 hex of "bearer:x" and of "csrf:" (as `sha256sum` gives), as stored before.
        assert_eq!(
            key_hash("bearer", "x"),
            "d4f1bc0d3b812e6da2ed51b35ccb64de039912aed2469fd3fa71ca1a3786cd90"
        );
        assert_eq!(
            key_hash("csrf", ""),
            "2a495861508453f25630a33e7c1b6816807bf2e8fdd380cd1dc02646f1436096"
        );
    }
}
