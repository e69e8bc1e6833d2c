//! [`AdminCaller`]: who may manage an account through chatwire's own admin API (and the CLI).
//!
//! Rules owned here: an admin caller is either an enabled agent whose record has the admin
//! right, acting on their own account (LivePerson login bearer), or the local operator (the
//! command line, which holds the database itself). Admin use cases take an [`AdminCaller`] and
//! call [`AdminCaller::check_account`] before touching an account; a caller for one account is
//! refused on another with `NotFound` (it must not learn which accounts exist).
//! The third kind is an admin API token (`cwadm_…`, made on the command line): server-wide
//! or for one account. Tokens are looked up in the store on every use (only their SHA-256 is
//! stored), never cached, so a revoked token is refused at once on every node.

use chatwire_core::admin_token::ADMIN_TOKEN_PREFIX;
use chatwire_core::{AccountId, AgentId};
use sha2::{Digest, Sha256};

use crate::{AgentPrincipal, Engine, EngineError, EngineResult};

/// Someone the engine found allowed to manage one account, or every account.
#[derive(Debug, Clone)]
pub struct AdminCaller {
    /// Private so that only the engine makes one (after checking the credential).
    scope: AdminScope,
    actor: AdminActor,
}

/// Which accounts an [`AdminCaller`] manages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminScope {
    /// Every account, and creating accounts.
    Server,
    /// This account only.
    Account(AccountId),
}

/// Who is behind an [`AdminCaller`] (for audit logs and for rules about oneself, such as not
/// disabling one's own login).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminActor {
    /// An admin agent with a login session.
    Agent(AgentPrincipal),
    /// The command line on the server's machine.
    Operator,
    /// An admin API token, by its public id.
    Token(String),
}

impl AdminCaller {
    /// The accounts this caller manages.
    pub fn scope(&self) -> &AdminScope {
        &self.scope
    }

    /// Who the caller is.
    pub fn actor(&self) -> &AdminActor {
        &self.actor
    }

    /// The admin agent behind the call, if it is one.
    pub fn agent(&self) -> Option<AgentId> {
        match &self.actor {
            AdminActor::Agent(p) => Some(p.agent()),
            AdminActor::Operator | AdminActor::Token(_) => None,
        }
    }

    /// `Ok` when the caller manages `account`; `NotFound("account")` otherwise (a caller of
    /// another account must not learn that it exists).
    pub fn check_account(&self, account: &AccountId) -> EngineResult<()> {
        match &self.scope {
            AdminScope::Server => Ok(()),
            AdminScope::Account(own) if own == account => Ok(()),
            AdminScope::Account(_) => Err(EngineError::NotFound("account")),
        }
    }

    /// `Ok` when the caller manages every account (creating and listing accounts).
    pub fn check_server(&self) -> EngineResult<()> {
        match self.scope {
            AdminScope::Server => Ok(()),
            AdminScope::Account(_) => Err(EngineError::Forbidden(
                "only a server-wide admin (the command line, or a server admin token) may do this",
            )),
        }
    }
}

impl Engine {
    /// The admin behind a LivePerson login bearer of `account`: the agent must be enabled and
    /// have the admin right (`Forbidden` otherwise; `Unauthorized` for a bad bearer).
    pub async fn admin_by_bearer(
        &self,
        account: &AccountId,
        bearer: &str,
    ) -> EngineResult<AdminCaller> {
        let who = self.bearer(account, bearer).await?;
        let agent = self.agent(account, who.agent()).await?;
        if !agent.enabled || !agent.is_admin {
            return Err(EngineError::Forbidden(
                "the admin API is for agents with the admin right",
            ));
        }
        Ok(AdminCaller {
            scope: AdminScope::Account(account.clone()),
            actor: AdminActor::Agent(who),
        })
    }

    /// The admin behind an admin API token (`cwadm_…`): server-wide or for its account.
    /// `Unauthorized` if no such token exists (never made, or revoked).
    pub async fn admin_by_token(&self, token: &str) -> EngineResult<AdminCaller> {
        let unknown = EngineError::Unauthorized("invalid or revoked admin token");
        if !Self::is_admin_token(token) {
            return Err(unknown);
        }
        let found = match self.0.store.find_admin_token(&token_hash(token)).await {
            Ok(t) => t,
            Err(chatwire_store::StoreError::NotFound(_)) => return Err(unknown),
            Err(e) => return Err(e.into()),
        };
        Ok(AdminCaller {
            scope: match found.account {
                Some(account) => AdminScope::Account(account),
                None => AdminScope::Server,
            },
            actor: AdminActor::Token(found.id),
        })
    }

    /// The admin behind a bearer on a server-wide route (no account in the path): only a
    /// server-wide admin token passes. A live login bearer is a known caller without the
    /// right (`Forbidden`); anything else is `Unauthorized`.
    pub async fn server_admin_by_bearer(&self, bearer: &str) -> EngineResult<AdminCaller> {
        if Self::is_admin_token(bearer) {
            let by = self.admin_by_token(bearer).await?;
            by.check_server()?;
            return Ok(by);
        }
        match self.login_of_bearer(bearer).await? {
            Some(_) => Err(EngineError::Forbidden(
                "only a server admin token may do this (chatwire admin-token create)",
            )),
            None => Err(EngineError::Unauthorized("invalid or expired bearer")),
        }
    }

    /// Whether `text` has the form of an admin API token (so it is not a login bearer).
    pub fn is_admin_token(text: &str) -> bool {
        text.starts_with(ADMIN_TOKEN_PREFIX)
    }

    /// The server's operator: the command line, which opened the database itself and so may
    /// do anything the store allows. Only the binary's admin commands call this; no HTTP
    /// request can reach it.
    pub fn local_operator(&self) -> AdminCaller {
        AdminCaller {
            scope: AdminScope::Server,
            actor: AdminActor::Operator,
        }
    }
}

/// The stored form of an admin token: lowercase hex SHA-256 of its text. A plain hash is
/// enough (no salt, no argon2): the token is 32 random bytes, not a password a person chose.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
