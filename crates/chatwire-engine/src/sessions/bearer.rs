//! Using a login: bearer checks (cached, see `cache`), refresh, logout, LivePerson agent
//! sessions, and dropping cached sessions when a logout happens on another node.
//!
//! Every accepted bearer counts as a sign of life of its agent (`agents::liveness`).
//!
//! Rules owned here: an expired or logged-out bearer is refused; refresh and logout accept the
//! bearer, CSRF token or cookie of the login; logout sets the agent Offline.

use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use chatwire_core::{AccountId, AuthSession, Availability, SessionKind};

use super::{AgentPrincipal, constant_time_eq, key_hash};
use crate::{Engine, EngineError, EngineResult};

impl Engine {
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

    /// Checks a bearer for `account`. The agent must still exist and be enabled: a disabled
    /// agent's logins stop at once even where a cached session outlives the deletion.
    pub async fn bearer(&self, account: &AccountId, bearer: &str) -> EngineResult<AgentPrincipal> {
        let login = self
            .session(&key_hash("bearer", bearer))
            .await?
            .filter(|s| s.kind == SessionKind::Login && &s.account == account)
            .ok_or(EngineError::Unauthorized("invalid or expired bearer"))?;
        if !self.agent_enabled(&login.account, login.agent).await? {
            return Err(EngineError::Unauthorized("invalid or expired bearer"));
        }
        self.touch_agent(&login.account, login.agent).await;
        Ok(AgentPrincipal {
            account: login.account,
            agent: login.agent,
            login: Some(login.key_hash),
        })
    }

    /// The live login a bearer names, of any account (server-wide admin routes, which have no
    /// account to check it against); `None` when there is none.
    pub(crate) async fn login_of_bearer(&self, bearer: &str) -> EngineResult<Option<AuthSession>> {
        Ok(self
            .session(&key_hash("bearer", bearer))
            .await?
            .filter(|s| s.kind == SessionKind::Login))
    }

    /// Whether the agent exists and is enabled (from the directory snapshot).
    async fn agent_enabled(
        &self,
        account: &AccountId,
        agent: chatwire_core::AgentId,
    ) -> EngineResult<bool> {
        match self.agent(account, agent).await {
            Ok(a) => Ok(a.enabled),
            Err(EngineError::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Drops every cached session of an agent (its sessions were deleted).
    pub(crate) fn forget_agent_sessions(&self, account: &AccountId, agent: chatwire_core::AgentId) {
        self.0.sessions.epoch.fetch_add(1, Ordering::SeqCst);
        self.0
            .sessions
            .entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, (s, _)| !(&s.account == account && s.agent == agent));
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
