//! Using a login: bearer checks (cached, see `cache`), refresh, logout, LivePerson agent
//! sessions, and dropping cached sessions when a logout happens on another node.
//!
//! Every accepted bearer counts as a sign of life of its agent (`agents::liveness`).
//!
//! Rules owned here: an expired or logged-out bearer is refused; refresh and logout accept the
//! bearer, CSRF token or cookie of the login; logout sets the agent Offline.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use chatwire_core::{AccountId, AuthSession, Availability, SessionKind};

use super::{AgentPrincipal, constant_time_eq, key_hash};
use crate::{Engine, EngineError, EngineResult};

impl Engine {
    /// A live session by key hash, from the cache when fresh. Shared with the cache: every
    /// polling request looks up its bearer and agent session, and copying a session's
    /// strings out each time showed in profiles (docs/performance.md, "session 15").
    async fn session(&self, key_hash: &str) -> EngineResult<Option<Arc<AuthSession>>> {
        let cache = &self.0.sessions.entries;
        let hit = cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key_hash)
            .cloned();
        let epoch = self.0.sessions.epoch.load(Ordering::SeqCst);
        let session = match hit.filter(|(_, at)| at.elapsed() < self.0.config.directory_ttl) {
            Some((s, _)) => s,
            None => match self.0.store.get_session(key_hash).await.map(Arc::new) {
                Ok(s) => {
                    let mut entries = cache.write().unwrap_or_else(PoisonError::into_inner);
                    if self.0.sessions.epoch.load(Ordering::SeqCst) == epoch {
                        let ttl = self.0.config.directory_ttl;
                        self.0
                            .sessions
                            .insert(&mut entries, key_hash, Arc::clone(&s), ttl);
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
        let Some(parent) = alias.and_then(|a| a.parent.clone()) else {
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
        Ok(Arc::unwrap_or_clone(login))
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
            account: login.account.clone(),
            agent: login.agent,
            login: Some(login.key_hash.clone()),
        })
    }

    /// The live login a bearer names, of any account (server-wide admin routes, which have no
    /// account to check it against); `None` when there is none.
    pub(crate) async fn login_of_bearer(&self, bearer: &str) -> EngineResult<Option<AuthSession>> {
        Ok(self
            .session(&key_hash("bearer", bearer))
            .await?
            .filter(|s| s.kind == SessionKind::Login)
            .map(Arc::unwrap_or_clone))
    }

    /// Whether the agent exists and is enabled (from the directory snapshot).
    async fn agent_enabled(
        &self,
        account: &AccountId,
        agent: chatwire_core::AgentId,
    ) -> EngineResult<bool> {
        // Read in place: copying the agent out for one flag showed in profiles of polling.
        match self.dir(account).await {
            Ok(dir) => Ok(dir.agents.get(&agent).is_some_and(|a| a.enabled)),
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

    /// Whether the login session `who` came with still exists (`true` for a request that
    /// proved a password and has none). A disabled agent's sessions are deleted, so a stream
    /// opened before that must stop.
    pub(crate) async fn login_is_live(&self, who: &AgentPrincipal) -> EngineResult<bool> {
        match &who.login {
            Some(hash) => Ok(self.session(hash).await?.is_some()),
            None => Ok(true),
        }
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
            expires_at: self.agent_session_expiry(login.expires_at),
        };
        self.0.store.put_session(&session).await?;
        Ok(id)
    }

    /// When an agent session used now expires: a TTL and a quarter from now with
    /// `agent_session_ttl` (module docs: the quarter spares a store write per request), else
    /// with its login.
    fn agent_session_expiry(
        &self,
        login_expires: chatwire_core::Timestamp,
    ) -> chatwire_core::Timestamp {
        match self.agent_session_ttl_ms() {
            Some(ttl) => chatwire_core::Timestamp(self.now().0.saturating_add(ttl + ttl / 4)),
            None => login_expires,
        }
    }

    /// The agent-session TTL in milliseconds; `None` when it is off (0).
    fn agent_session_ttl_ms(&self) -> Option<i64> {
        let ttl = i64::try_from(self.0.config.agent_session_ttl.as_millis()).unwrap_or(i64::MAX);
        (ttl > 0).then_some(ttl)
    }

    /// Checks that agent session `id` exists and belongs to the caller's agent, and counts the
    /// request as a use of it. An agent session of the caller's that expired (unused for
    /// `agent_session_ttl`) is `Unauthorized` (401); any other answer is `NotFound`, so session
    /// ids of other agents are not confirmed.
    pub async fn agent_session(&self, who: &AgentPrincipal, id: i64) -> EngineResult<()> {
        let hash = key_hash("agent-session", &id.to_string());
        let mine = |s: &AuthSession| {
            s.kind == SessionKind::AgentSession && s.agent == who.agent && s.account == who.account
        };
        let session = match self.session(&hash).await?.filter(|s| mine(s)) {
            Some(s) => s,
            None => {
                // Not live by this node's cache: the store has the last word (another node may
                // have extended it since it was cached here).
                self.forget_session(&hash);
                match self.stored_session(&hash).await? {
                    Some(s) if mine(&s) && s.is_live(self.now()) => Arc::new(s),
                    Some(s) if mine(&s) => {
                        return Err(EngineError::Unauthorized("agent session expired"));
                    }
                    _ => return Err(EngineError::NotFound("agent session")),
                }
            }
        };
        self.use_agent_session(session).await
    }

    /// The stored session, live or expired (the sweeper deletes sessions only a day after they
    /// expire, so an expired agent session answers 401 meanwhile, not 404).
    async fn stored_session(&self, hash: &str) -> EngineResult<Option<AuthSession>> {
        match self.0.store.get_session(hash).await {
            Ok(s) => Ok(Some(s)),
            Err(chatwire_store::StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Counts a request as a use of an agent session: once less than a TTL is left, the stored
    /// expiry moves to a TTL and a quarter from now (so at most one write per quarter TTL of
    /// polling, on whichever node serves it).
    async fn use_agent_session(&self, session: Arc<AuthSession>) -> EngineResult<()> {
        let Some(ttl) = self.agent_session_ttl_ms() else {
            return Ok(());
        };
        let now = self.now();
        if session.expires_at.0.saturating_sub(now.0) >= ttl {
            return Ok(());
        }
        let mut session = Arc::unwrap_or_clone(session);
        session.expires_at = self.agent_session_expiry(session.expires_at);
        self.0.store.put_session(&session).await?;
        self.forget_session(&session.key_hash);
        Ok(())
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

    /// Drops the cached sessions of `account` (a directory change, here or on another node:
    /// a revoked application login's sessions must stop working at once).
    pub(crate) fn forget_account_sessions(&self, account: &AccountId) {
        self.0.sessions.epoch.fetch_add(1, Ordering::SeqCst);
        self.0
            .sessions
            .entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, (s, _)| &s.account != account);
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
