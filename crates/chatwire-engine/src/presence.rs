//! Chat presence (SuperOffice `ChatPresence`): whether agents take chats, mapped onto
//! availability (present ⇔ Online), with each agent's ongoing chats and skills.
//!
//! What it must not do: decide routing; availability changes go through
//! [`Engine::set_availability`] like LivePerson's.

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
    /// The presence of every enabled agent of the account, by id.
    pub async fn presences(&self, account: &AccountId) -> EngineResult<Vec<Presence>> {
        let mut out = Vec::new();
        for agent in self.agents(account).await? {
            if !agent.enabled {
                continue;
            }
            let load = self.agent_load(account, agent.id).await?;
            out.push(Presence {
                present: agent.availability == Availability::Online,
                ongoing_chats: load.active_chats,
                agent,
            });
        }
        Ok(out)
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
