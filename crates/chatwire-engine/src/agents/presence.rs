//! Chat presence (SuperOffice `ChatPresence`): whether agents take chats, mapped onto
//! availability (present ⇔ Online), with each agent's ongoing chats and skills; and the list of
//! enabled agents with their load it is built from.
//!
//! What it must not do: decide routing; availability changes go through
//! [`Engine::set_availability`] like LivePerson's.

use chatwire_core::routing::AgentLoad;
use chatwire_core::{AccountId, Agent, AgentId, Availability};

use crate::{AgentPrincipal, Engine, EngineError, EngineResult};

/// One agent's presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// The agent.
    pub agent: Agent,
    /// Chats the agent is handling now.
    pub ongoing_chats: u32,
    /// Whether the agent takes new chats (availability Online).
    pub present: bool,
}

impl Engine {
    /// Every enabled agent of the account with its load (the chats it handles now), by id: the
    /// one list behind LivePerson `availableAgents` and SuperOffice presence.
    pub async fn enabled_agent_loads(&self, account: &AccountId) -> EngineResult<Vec<AgentLoad>> {
        let agents = self.agents(account).await?;
        let open = self.0.live.open_chats(account);
        Ok(agents
            .into_iter()
            .filter(|a| a.enabled)
            .map(|a| AgentLoad::count(a, &open))
            .collect())
    }

    /// The presence of every enabled agent of the account, by id.
    pub async fn presences(&self, account: &AccountId) -> EngineResult<Vec<Presence>> {
        let loads = self.enabled_agent_loads(account).await?;
        Ok(loads
            .into_iter()
            .map(|load| Presence {
                present: load.agent.availability == Availability::Online,
                ongoing_chats: load.active_chats,
                agent: load.agent,
            })
            .collect())
    }

    /// Sets `target`'s presence: present is Online, absent Offline. Agents set their own;
    /// admins anyone's. Another agent's presence is `Forbidden` for non-admins.
    pub async fn set_presence(
        &self,
        by: &AgentPrincipal,
        target: AgentId,
        present: bool,
    ) -> EngineResult<Agent> {
        let account = &by.account;
        if by.agent != target && !self.agent(account, by.agent).await?.is_admin {
            return Err(EngineError::Forbidden(
                "only admins set other agents' presence",
            ));
        }
        let to = if present {
            Availability::Online
        } else {
            Availability::Offline
        };
        self.set_availability(account, target, to).await
    }
}
