//! Agents as an admin manages them: list, read, create, edit, enable, disable, delete and
//! password reset. Disabling, deleting and resetting a password end the agent's sessions at
//! once (`agent_end`); an admin may not disable, delete or demote themselves.

use chatwire_core::{AccountId, Agent, AgentId, Availability, MaxChats, NewAgent};

use super::agent_rules as rules;
use crate::{AdminCaller, Engine, EngineError, EngineResult, Topic};

/// What an admin supplies to create an agent.
#[derive(Debug, Clone)]
pub struct AdminAgentInput {
    /// Login name, unique in the account.
    pub login_name: String,
    /// Plain password ([`rules::MIN_PASSWORD`] characters or more).
    pub password: String,
    /// Name shown to visitors; the login name when absent.
    pub nickname: Option<String>,
    /// Name shown to colleagues; the nickname when absent.
    pub display_name: Option<String>,
    /// E-mail, may be empty.
    pub email: String,
    /// -1 for unlimited, else 0 to 1000.
    pub max_chats: i32,
    /// Skills, by name or id text; each must exist in the account.
    pub skills: Vec<String>,
    /// The admin right.
    pub is_admin: bool,
}

/// What an admin may change on an agent (absent fields stay). The password has its own
/// operation ([`Engine::reset_password_as`]).
#[derive(Debug, Clone, Default)]
pub struct AgentPatch {
    /// Login name.
    pub login_name: Option<String>,
    /// Name shown to visitors.
    pub nickname: Option<String>,
    /// Name shown to colleagues.
    pub display_name: Option<String>,
    /// E-mail (empty to clear).
    pub email: Option<String>,
    /// Concurrent chat limit, -1 for unlimited.
    pub max_chats: Option<i32>,
    /// The skills, replacing the present ones (by name or id text).
    pub skills: Option<Vec<String>>,
    /// The admin right.
    pub is_admin: Option<bool>,
    /// Enabled (false: the same as [`Engine::disable_agent_as`]).
    pub enabled: Option<bool>,
}

impl Engine {
    /// An account's agents, by id.
    pub async fn agents_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<Vec<Agent>> {
        by.check_account(account)?;
        self.agents(account).await
    }

    /// One agent of the account.
    pub async fn agent_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: AgentId,
    ) -> EngineResult<Agent> {
        by.check_account(account)?;
        self.agent(account, id).await
    }

    /// Creates an agent (enabled, Offline). `Conflict` if the login name is taken.
    pub async fn create_agent_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        input: AdminAgentInput,
    ) -> EngineResult<Agent> {
        by.check_account(account)?;
        let login_name = rules::login_name(&input.login_name)?;
        rules::password(&input.password)?;
        let nickname = match &input.nickname {
            Some(n) => rules::name("nickname", n)?,
            None => login_name.clone(),
        };
        let display_name = match &input.display_name {
            Some(n) => rules::name("displayName", n)?,
            None => nickname.clone(),
        };
        let email = rules::email(&input.email)?;
        let max_chats = rules::max_chats(input.max_chats)?;
        let skills = rules::skills(&self.skills(account).await?, &input.skills)?;
        let hash = self.hash_password(input.password).await?;
        let new = NewAgent {
            account: account.clone(),
            login_name,
            password_hash: hash,
            nickname,
            display_name,
            email,
            max_chats: MaxChats::from(max_chats),
            skills,
            is_admin: input.is_admin,
        };
        new.validate()?;
        let agent = self.0.store.create_agent(&new).await?;
        self.edit_dir(account, |d| {
            d.agents.insert(agent.id, agent.clone());
        });
        Ok(agent)
    }

    /// Changes an agent's record. Turning `enabled` off disables them (sessions end, chats
    /// requeue); an admin may not demote or disable themselves (409).
    pub async fn update_agent_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: AgentId,
        patch: AgentPatch,
    ) -> EngineResult<Agent> {
        by.check_account(account)?;
        let mut agent = self.agent(account, id).await?;
        if patch.is_admin == Some(false) && agent.is_admin {
            rules::not_oneself(by, account, id, "remove the admin right from")?;
        }
        if patch.enabled == Some(false) {
            rules::not_oneself(by, account, id, "disable")?;
        }
        if let Some(v) = &patch.login_name {
            agent.login_name = rules::login_name(v)?;
        }
        if let Some(v) = &patch.nickname {
            agent.nickname = rules::name("nickname", v)?;
        }
        if let Some(v) = &patch.display_name {
            agent.display_name = rules::name("displayName", v)?;
        }
        if let Some(v) = &patch.email {
            agent.email = rules::email(v)?;
        }
        if let Some(v) = patch.max_chats {
            agent.max_chats = MaxChats::from(rules::max_chats(v)?);
        }
        if let Some(v) = &patch.skills {
            agent.skills = rules::skills(&self.skills(account).await?, v)?;
        }
        let demoting = patch.is_admin == Some(false) && agent.is_admin;
        if let Some(v) = patch.is_admin {
            agent.is_admin = v;
        }
        let disabling = patch.enabled == Some(false) && agent.enabled;
        if let Some(v) = patch.enabled {
            agent.enabled = v;
        }
        if disabling {
            agent.availability = Availability::Offline;
        }
        self.update_agent(&agent).await?;
        if disabling {
            self.end_agent(account, id).await?;
        } else if demoting {
            self.end_collaborations(account, id).await?;
        }
        Ok(agent)
    }

    /// Disables an agent: they cannot log in, their sessions end at once (on every node) and
    /// their open chats go back to the queue. Disabling a disabled agent changes nothing.
    pub async fn disable_agent_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: AgentId,
    ) -> EngineResult<Agent> {
        let patch = AgentPatch {
            enabled: Some(false),
            ..AgentPatch::default()
        };
        self.update_agent_as(by, account, id, patch).await
    }

    /// Enables an agent again (they log in anew; old sessions stay ended).
    pub async fn enable_agent_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: AgentId,
    ) -> EngineResult<Agent> {
        let patch = AgentPatch {
            enabled: Some(true),
            ..AgentPatch::default()
        };
        self.update_agent_as(by, account, id, patch).await
    }

    /// Deletes an agent no chat names as its handler (open or ended), no open chat involves
    /// (transfer, collaboration) and no application login names; 409 otherwise: disable them
    /// instead, so transcripts keep naming a known agent. Their sessions end at once.
    pub async fn delete_agent_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: AgentId,
    ) -> EngineResult<()> {
        by.check_account(account)?;
        self.agent(account, id).await?;
        rules::not_oneself(by, account, id, "delete")?;
        let involved = self.open_chats(account).iter().any(|c| {
            let (from, to) = chatwire_core::chat_query::transfer_agents(c);
            c.agent.as_ref().is_some_and(|a| a.id == id)
                || from == Some(id)
                || to == Some(id)
                || c.collaborators.iter().any(|k| k.agent.id == id)
        });
        if involved
            || !self
                .0
                .store
                .chats_of_agent(account, id, 1)
                .await?
                .is_empty()
        {
            return Err(EngineError::Conflict(
                "the agent has handled chats: disable them instead (transcripts keep their name)"
                    .into(),
            ));
        }
        // Application logins are kept after revocation (their app keys are never reused), and
        // they name the agent: such an agent is disabled, never deleted.
        if self
            .0
            .store
            .list_app_logins(account)
            .await?
            .iter()
            .any(|l| l.agent == id)
        {
            return Err(EngineError::Conflict(
                "the agent has application logins (kept after revocation): disable them instead"
                    .into(),
            ));
        }
        self.0.store.delete_agent(account, id).await?;
        self.edit_dir(account, |d| {
            d.agents.remove(&id);
        });
        self.forget_agent_sessions(account, id);
        self.0.notifier.notify(&Topic::Account(account.clone()));
        Ok(())
    }

    /// Sets an agent's password: `new` when given, else a generated one, which is returned
    /// (the only time it is shown). The agent's sessions end: they log in with the new one.
    pub async fn reset_password_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: AgentId,
        new: Option<String>,
    ) -> EngineResult<Option<String>> {
        by.check_account(account)?;
        let mut agent = self.agent(account, id).await?;
        let (password, generated) = match new {
            Some(p) => {
                rules::password(&p)?;
                (p, false)
            }
            None => (self.random_token(12)?, true),
        };
        agent.password_hash = self.hash_password(password.clone()).await?;
        self.update_agent(&agent).await?;
        self.end_sessions(account, id).await?;
        Ok(generated.then_some(password))
    }

    /// Hashes a password through the bounded password gate (off the async threads, in the
    /// gate's reused memory).
    async fn hash_password(&self, plain: String) -> EngineResult<String> {
        self.hash_new_password(&plain).await
    }
}
