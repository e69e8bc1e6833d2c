//! The agents of an account: creating them (the password hashed off the async threads),
//! finding one by id, login name or either, updating records and availability.
//!
//! Rules owned here: login names match case-insensitively; agents set themselves Online, Away
//! or Occupied, never Offline (that is what logout sets); a record change wakes the account's
//! waiters (ring counts follow availability).

use chatwire_core::{AccountId, Agent, AgentId, Availability, DomainError, MaxChats, NewAgent};

use crate::{Engine, EngineError, EngineResult, Topic};

/// What an admin supplies to create an agent (plain password; the engine hashes it).
#[derive(Debug, Clone)]
pub struct NewAgentInput {
    /// Login name, unique in the account.
    pub login_name: String,
    /// Plain password.
    pub password: String,
    /// Name shown to visitors.
    pub nickname: String,
    /// Name shown to colleagues.
    pub display_name: String,
    /// E-mail, may be empty.
    pub email: String,
    /// -1 for unlimited.
    pub max_chats: i32,
    /// Skill names; each must exist in the account.
    pub skills: Vec<String>,
    /// Supervisor rights.
    pub is_admin: bool,
}

impl Engine {
    /// Creates an agent, hashing the password through the bounded password gate.
    pub async fn create_agent(
        &self,
        account: &AccountId,
        input: NewAgentInput,
    ) -> EngineResult<Agent> {
        let mut skills = Vec::new();
        for name in &input.skills {
            skills.push(self.skill_by_name_or_id(account, name).await?.id);
        }
        let hash = self.hash_new_password(&input.password).await?;
        let new = NewAgent {
            account: account.clone(),
            login_name: input.login_name,
            password_hash: hash,
            nickname: input.nickname,
            display_name: input.display_name,
            email: input.email,
            max_chats: MaxChats::from(input.max_chats),
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

    /// An agent of the account.
    pub async fn agent(&self, account: &AccountId, id: AgentId) -> EngineResult<Agent> {
        let dir = self.dir(account).await?;
        dir.agents
            .get(&id)
            .cloned()
            .ok_or(EngineError::NotFound("agent"))
    }

    /// An agent by login name (case-insensitive).
    pub async fn agent_by_login(&self, account: &AccountId, login: &str) -> EngineResult<Agent> {
        let dir = self.dir(account).await?;
        let found = dir
            .agents
            .values()
            .find(|a| a.login_name.eq_ignore_ascii_case(login));
        found.cloned().ok_or(EngineError::NotFound("agent"))
    }

    /// An agent by login name (case-insensitive) or, failing that, by numeric id text.
    pub async fn agent_by_login_or_id(
        &self,
        account: &AccountId,
        name_or_id: &str,
    ) -> EngineResult<Agent> {
        let text = name_or_id.trim();
        match self.agent_by_login(account, text).await {
            Err(EngineError::NotFound(_)) => match text.parse::<i64>() {
                Ok(id) => self.agent(account, AgentId(id)).await,
                Err(_) => Err(EngineError::NotFound("agent")),
            },
            other => other,
        }
    }

    /// An account's agents, by id.
    pub async fn agents(&self, account: &AccountId) -> EngineResult<Vec<Agent>> {
        let mut agents: Vec<Agent> = self.dir(account).await?.agents.values().cloned().collect();
        agents.sort_by_key(|a| a.id);
        Ok(agents)
    }

    /// Checks a login with no client address known (see [`Engine::authenticate_from`]).
    pub async fn authenticate(
        &self,
        account: &AccountId,
        login: &str,
        password: &str,
    ) -> EngineResult<Agent> {
        self.authenticate_from(account, login, password, None).await
    }

    /// Replaces an agent's record (availability, limits, skills, names) and wakes the account.
    /// An availability change is recorded by the store in the same transaction (an account
    /// event, for `agent.availability` webhooks); every path that changes one comes here.
    pub async fn update_agent(&self, agent: &Agent) -> EngineResult<()> {
        self.0.store.update_agent(agent, self.now()).await?;
        self.webhooks_on_account_commit(&agent.account);
        self.edit_dir(&agent.account, |d| {
            d.agents.insert(agent.id, agent.clone());
        });
        self.0
            .notifier
            .notify(&Topic::Account(agent.account.clone()));
        Ok(())
    }

    /// Sets an agent's chat availability. Agents set Online, Away or Occupied; Offline is
    /// what logout sets.
    pub async fn set_availability(
        &self,
        account: &AccountId,
        id: AgentId,
        to: Availability,
    ) -> EngineResult<Agent> {
        let mut agent = self.agent(account, id).await?;
        if to != Availability::Offline {
            // Becoming available (by the agent or an admin) starts a fresh idle timeout.
            self.touch_agent(account, id).await;
        }
        if agent.availability != to {
            agent.availability = to;
            self.update_agent(&agent).await?;
        }
        Ok(agent)
    }

    /// Refuses availability values agents may not set themselves.
    pub fn settable_availability(value: &str) -> EngineResult<Availability> {
        match value.parse::<Availability>()? {
            Availability::Offline => {
                Err(DomainError::invalid("availability", "must be Online, Away or Occupied").into())
            }
            ok => Ok(ok),
        }
    }
}
