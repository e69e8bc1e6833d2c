//! Who is calling: the identities every use case takes and decides access on.
//!
//! HTTP code authenticates a request (bearer, Basic password, app key) through the engine and
//! gets one of these back; it then hands it, unchanged, to the use case. A caller is therefore
//! proof that the engine checked the credential: [`VisitorCaller`] can only be made by the
//! engine ([`Engine::visitor_caller`]), and [`AgentPrincipal`] comes from
//! [`Engine::bearer`] (a login session) or [`Engine::authenticate_caller_from`] (a password
//! sent with the request, no session). What the caller may do to a chat, the account feed or
//! the directory is decided by the use case, never by the dialect: visitor writes check the
//! app key in `visitor_writes`, agent use cases go through `access`, admin-only changes through
//! `topics`/`presence`, and the feed through [`Engine::check_feed_reader`].
//!
//! - [`AgentPrincipal`]: an agent of an account (human or bot login) with their login session;
//!   admins and topic managers are agents whose record says so (looked up by the use case).
//! - [`VisitorCaller`]: a visitor application holding an app key of an account; the chat it
//!   acts on is the use case's argument, and the use case checks the key may act on it.
//! - [`Caller`]: either, for use cases both may call (the account feed).

use chatwire_core::{AccountId, Agent, AppKey};

pub use crate::sessions::AgentPrincipal;
use crate::{Engine, EngineError, EngineResult};

/// A visitor application that presented a valid app key of [`VisitorCaller::account`].
#[derive(Debug, Clone)]
pub struct VisitorCaller {
    /// Private so that only the engine makes one (after checking the key).
    key: AppKey,
}

impl VisitorCaller {
    /// The account the key belongs to.
    pub fn account(&self) -> &AccountId {
        &self.key.account
    }

    /// The app key's record (as of the request).
    pub fn app_key(&self) -> &AppKey {
        &self.key
    }
}

/// The current record behind a [`Caller`]'s credential.
#[derive(Debug, Clone)]
pub(crate) enum Credential {
    /// The agent, enabled, with a live login.
    Agent(Agent),
    /// The app key, still existing.
    AppKey(AppKey),
}

/// Anyone who may call a use case open to agents and visitor applications alike.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A logged-in agent.
    Agent(AgentPrincipal),
    /// A visitor application with its app key.
    Visitor(VisitorCaller),
}

impl Caller {
    /// The account the caller belongs to.
    pub fn account(&self) -> &AccountId {
        match self {
            Self::Agent(a) => &a.account,
            Self::Visitor(v) => v.account(),
        }
    }
}

impl From<AgentPrincipal> for Caller {
    fn from(agent: AgentPrincipal) -> Self {
        Self::Agent(agent)
    }
}

impl From<VisitorCaller> for Caller {
    fn from(visitor: VisitorCaller) -> Self {
        Self::Visitor(visitor)
    }
}

impl Engine {
    /// Checks again, for a long-lived request (a stream, a long poll), that the credential
    /// `caller` was made from still holds: the agent is enabled and their login session
    /// exists; the app key exists. A revoked key or a disabled agent is then refused from the
    /// stream's next wait on, not only on new requests.
    pub async fn recheck_caller(&self, caller: &Caller) -> EngineResult<()> {
        self.current_credential(caller).await.map(|_| ())
    }

    /// The records behind `caller` as they are now (see [`Engine::recheck_caller`]), for
    /// use cases that then decide on them (the feed reads the admin right or the feed right).
    pub(crate) async fn current_credential(&self, caller: &Caller) -> EngineResult<Credential> {
        match caller {
            Caller::Agent(who) => {
                let agent = self.agent(&who.account, who.agent).await?;
                if !agent.enabled || !self.login_is_live(who).await? {
                    return Err(EngineError::Unauthorized("invalid or expired bearer"));
                }
                Ok(Credential::Agent(agent))
            }
            Caller::Visitor(v) => Ok(Credential::AppKey(
                self.check_app_key(v.account(), &v.app_key().key).await?,
            )),
        }
    }

    /// The visitor application holding `key` on `account`: unknown keys, and keys of another
    /// account, are `Unauthorized`.
    pub async fn visitor_caller(
        &self,
        account: &AccountId,
        key: &str,
    ) -> EngineResult<VisitorCaller> {
        let key = self.check_app_key(account, key).await?;
        Ok(VisitorCaller { key })
    }
}
