//! [`AdminCaller`]: who may manage an account through chatwire's own admin API (and the CLI).
//!
//! Rules owned here: an admin caller is either an enabled agent whose record has the admin
//! right, acting on their own account (LivePerson login bearer), or the local operator (the
//! command line, which holds the database itself). Admin use cases take an [`AdminCaller`] and
//! call [`AdminCaller::check_account`] before touching an account; a caller for one account is
//! refused on another with `NotFound` (it must not learn which accounts exist).
//! Admin API tokens (server-wide or for one account) add a third kind here.

use chatwire_core::{AccountId, AgentId};

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
            AdminActor::Operator => None,
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
