//! Opening a login: with a password (through the guard) or with application credentials
//! (bots; stored, see `app_logins`), and minting its secrets.
//!
//! Rules owned here: application credentials match by hash and in constant time; a login's
//! secrets are random, shown once, and stored only as keyed hashes.

use chatwire_core::{AccountId, Agent, AppLoginRecord, AuthSession, SessionKind};

use super::app_logins::secret_hash;
use super::{AppCredentials, LoginGrant, constant_time_eq, key_hash};
use crate::{Engine, EngineError, EngineResult};

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

    /// The enabled agent that stored (or configured, `app_logins`) application credentials
    /// name: active, the same secrets, and `username` the bot's login name; anything else is
    /// `Unauthorized`, with one message whichever part was wrong.
    pub(crate) async fn check_app_login(
        &self,
        account: &AccountId,
        username: &str,
        creds: &AppCredentials,
    ) -> EngineResult<Agent> {
        let refused = || EngineError::Unauthorized("invalid application credentials");
        let record = self
            .stored_app_login(account, username, creds)
            .await?
            .filter(AppLoginRecord::is_active)
            .ok_or_else(refused)?;
        if !constant_time_eq(&record.secret_hash, &secret_hash(creds)) {
            return Err(refused());
        }
        let agent = match self.agent(account, record.agent).await {
            Ok(agent) if agent.enabled && agent.login_name.eq_ignore_ascii_case(username) => agent,
            Ok(_) | Err(EngineError::NotFound(_)) => return Err(refused()),
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
}
