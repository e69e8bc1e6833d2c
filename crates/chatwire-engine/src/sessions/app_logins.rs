//! Bots' application logins (LivePerson "application login": `appKey`, `secret`,
//! `accessToken`, `accessTokenSecret`) kept in the store, so that an admin creates and revokes
//! them without a restart.
//!
//! Rules owned here:
//! - only admins of an account manage its application logins ([`Engine::create_app_login`],
//!   [`Engine::app_logins`], [`Engine::revoke_app_login`] take an [`AdminCaller`]: an admin
//!   agent of the account, or the local operator);
//! - the app key names the credentials; the three secret parts are generated here (32 random
//!   bytes each, hex), shown once, and stored only as one SHA-256 ([`secret_hash`]). A fast
//!   hash is enough: generated secrets carry 256 bits of entropy, so there is nothing to
//!   brute-force, and a bot's login costs no argon2 run;
//! - a revoked login refuses every login at once, on every node (logins read the store, no
//!   cache), and the bot's sessions end with it (the store deletes them in the revoking
//!   transaction; nodes drop cached sessions on the directory wake-up);
//! - `[[auth.app_logins]]` entries of the configuration are a seed: imported at start when
//!   their agent exists, else at their first login; an app key already in the store (active
//!   or revoked) is left as it is, so a revocation survives restarts and the store stays the
//!   authority once an entry is imported.

use chatwire_core::{AccountId, AgentId, AppLoginRecord, NewAppLogin, Timestamp};
use chatwire_store::StoreError;

use super::{AppCredentials, AppLogin, constant_time_eq, key_hash};
use crate::{AdminCaller, Engine, EngineError, EngineResult};

/// An application login as an admin sees it (never its secrets or their hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLoginView {
    /// Id to revoke it by.
    pub id: i64,
    /// The bot agent.
    pub agent: AgentId,
    /// The bot's login name (`username` of the application login).
    pub username: String,
    /// `appKey`.
    pub app_key: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked; `None` while it lets the bot log in.
    pub revoked_at: Option<Timestamp>,
}

/// A new application login with its secrets, shown once (the store keeps only their hash).
#[derive(Debug, Clone)]
pub struct AppLoginGrant {
    /// The stored login.
    pub login: AppLoginView,
    /// The four values the bot sends to `/login` (with `username`).
    pub credentials: AppCredentials,
}

/// The stored hash of an application login's secret parts: SHA-256 (hex) of the three,
/// length-prefixed so that no two different triples hash alike.
pub(crate) fn secret_hash(creds: &AppCredentials) -> String {
    let parts = [
        &creds.secret,
        &creds.access_token,
        &creds.access_token_secret,
    ];
    let joined: String = parts
        .iter()
        .map(|p| format!("{}:{p}", p.len()))
        .collect::<Vec<_>>()
        .join("|");
    key_hash("app-login", &joined)
}

impl Engine {
    /// Creates application credentials for the bot agent `username` of `account`, on behalf
    /// of an admin of it (admin API, command line), with `app_key` (or a generated one) and
    /// generated secrets, returned once. `NotFound` for an account the caller does not manage
    /// or an unknown agent, `Conflict` for an app key the account has (or had), invalid input
    /// (field `appKey`) for a malformed app key.
    pub async fn create_app_login(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        username: &str,
        app_key: Option<&str>,
    ) -> EngineResult<AppLoginGrant> {
        by.check_account(account)?;
        let agent = self.agent_by_login(account, username).await?;
        let credentials = AppCredentials {
            app_key: match app_key {
                Some(key) => key.trim().to_owned(),
                None => self.random_token(16)?,
            },
            secret: self.random_token(32)?,
            access_token: self.random_token(32)?,
            access_token_secret: self.random_token(32)?,
        };
        let new = NewAppLogin {
            account: account.clone(),
            agent: agent.id,
            app_key: credentials.app_key.clone(),
            secret_hash: secret_hash(&credentials),
            created_at: self.now(),
        };
        new.validate()?;
        let record = self.0.store.create_app_login(&new).await?;
        tracing::info!(account = %account, agent.id = agent.id.0, by.agent = ?by.agent(), "application login created");
        Ok(AppLoginGrant {
            login: view(record, agent.login_name),
            credentials,
        })
    }

    /// The application logins of `account`, revoked ones included, by id, for an admin of it.
    /// `NotFound` for an account the caller does not manage.
    pub async fn app_logins(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<Vec<AppLoginView>> {
        by.check_account(account)?;
        let records = self.0.store.list_app_logins(account).await?;
        let agents = self.agents(account).await?;
        Ok(records
            .into_iter()
            .map(|r| {
                let name = agents
                    .iter()
                    .find(|a| a.id == r.agent)
                    .map(|a| a.login_name.clone())
                    .unwrap_or_default();
                view(r, name)
            })
            .collect())
    }

    /// Revokes application login `id` of `account`, for an admin of it: its credentials are
    /// refused from now on, on every node, and the bot's sessions end. Revoking twice is not
    /// an error (the first time stays). `NotFound` for an account the caller does not manage
    /// or an id not of the account.
    pub async fn revoke_app_login(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: i64,
    ) -> EngineResult<AppLoginView> {
        by.check_account(account)?;
        let record = self
            .0
            .store
            .revoke_app_login(account, id, self.now())
            .await?;
        // The store deleted the bot's sessions; this node's cache must not keep them either
        // (other nodes drop theirs on the directory wake-up).
        self.forget_account_sessions(account);
        tracing::info!(account = %account, agent.id = record.agent.0, by.agent = ?by.agent(), "application login revoked");
        let name = self
            .agent(account, record.agent)
            .await
            .map(|a| a.login_name)
            .unwrap_or_default();
        Ok(view(record, name))
    }

    /// The stored application login `creds` name, imported from the configuration seed at its
    /// first use; `None` when neither has it.
    pub(crate) async fn stored_app_login(
        &self,
        account: &AccountId,
        username: &str,
        creds: &AppCredentials,
    ) -> EngineResult<Option<AppLoginRecord>> {
        match self.0.store.find_app_login(account, &creds.app_key).await {
            Ok(record) => return Ok(Some(record)),
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let seeded = self.0.config.app_logins.iter().find(|l| {
            &l.account == account
                && l.username.eq_ignore_ascii_case(username)
                && constant_time_eq(&l.app_key, &creds.app_key)
        });
        match seeded {
            Some(seed) => self.import_app_login(seed).await,
            None => Ok(None),
        }
    }

    /// Imports the configuration's application logins whose agents exist (at start); the
    /// others are imported at their first login. Failures are logged, never fatal.
    pub(crate) async fn seed_app_logins(&self) {
        for seed in &self.0.config.app_logins {
            if let Err(e) = self.import_app_login(seed).await {
                tracing::warn!(account = %seed.account, error = %e, "application login seed");
            }
        }
    }

    /// Stores one configured application login unless its app key is already stored (then
    /// the stored one is returned, whatever it says). `None` when its agent does not exist.
    async fn import_app_login(&self, seed: &AppLogin) -> EngineResult<Option<AppLoginRecord>> {
        match self
            .0
            .store
            .find_app_login(&seed.account, &seed.app_key)
            .await
        {
            Ok(record) => return Ok(Some(record)),
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let agent = match self.agent_by_login(&seed.account, &seed.username).await {
            Ok(agent) => agent,
            Err(EngineError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let creds = AppCredentials {
            app_key: seed.app_key.clone(),
            secret: seed.secret.clone(),
            access_token: seed.access_token.clone(),
            access_token_secret: seed.access_token_secret.clone(),
        };
        let new = NewAppLogin {
            account: seed.account.clone(),
            agent: agent.id,
            app_key: seed.app_key.clone(),
            secret_hash: secret_hash(&creds),
            created_at: self.now(),
        };
        match self.0.store.create_app_login(&new).await {
            Ok(record) => {
                tracing::info!(account = %seed.account, agent.id = agent.id.0, "application login imported from the configuration");
                Ok(Some(record))
            }
            // Another node imported it first.
            Err(StoreError::Conflict(_)) => Ok(Some(
                self.0
                    .store
                    .find_app_login(&seed.account, &seed.app_key)
                    .await?,
            )),
            Err(e) => Err(e.into()),
        }
    }
}

fn view(record: AppLoginRecord, username: String) -> AppLoginView {
    AppLoginView {
        id: record.id,
        agent: record.agent,
        username,
        app_key: record.app_key,
        created_at: record.created_at,
        revoked_at: record.revoked_at,
    }
}
