//! The queue and routing as agents and visitors see it: an agent's load and ring count (with
//! its wait), the chats ringing for an agent, free slots, transfer skills, availability and
//! estimated wait (`availability`), taking chats from the queue (`claim`), and chat requests
//! that name an agent (`named_agent`: that agent first, the skill after a wait), and the ring
//! timeout (`ring`: one agent at a time, Away after repeated ring-outs).
//!
//! Rules owned here: which queued chats ring for whom and in which order (applying
//! `chatwire_core::routing`), how free slots and the estimated wait are counted, and which
//! pick-up refusals mean "nothing happened". Committing an accept is `chats`'.

mod availability;
mod claim;
mod named_agent;
mod ring;

pub(crate) use availability::WaitStats;
pub(crate) use ring::RingOuts;
pub use ring::RingSweep;

use std::time::Duration;

use chatwire_core::routing::{self, AgentLoad};
use chatwire_core::{AccountId, AgentId, Chat, ChatKey};

use crate::{AgentPrincipal, Caller, Engine, EngineResult, Topic};

impl Engine {
    /// The agent's record and current load, from memory.
    pub async fn agent_load(&self, account: &AccountId, agent: AgentId) -> EngineResult<AgentLoad> {
        let agent = self.agent(account, agent).await?;
        Ok(AgentLoad::count(agent, &self.0.live.open_chats(account)))
    }

    /// How many chats this agent may accept now (LivePerson ring count).
    pub async fn ring_count(&self, account: &AccountId, agent: AgentId) -> EngineResult<u32> {
        let load = self.agent_load(account, agent).await?;
        Ok(routing::ring_count(&load, &self.0.live.open_chats(account)))
    }

    /// The chats ringing for this agent now, in pick order.
    pub async fn ringing_chats(&self, who: &AgentPrincipal) -> EngineResult<Vec<Chat>> {
        let (account, agent) = (&who.account, who.agent);
        let load = self.agent_load(account, agent).await?;
        let open = self.0.live.open_chats(account);
        Ok(routing::pick_order(&load, &open)
            .into_iter()
            .cloned()
            .collect())
    }

    /// Free chat slots (LivePerson `availableSlots`): the free capacity of Online agents with
    /// the skill (or the one agent asked for), less the chats already waiting for them.
    /// `None` means unlimited (some such agent has `maxChats` -1). A skill outside its opening
    /// hours has none.
    pub async fn available_slots(
        &self,
        account: &AccountId,
        skill: Option<chatwire_core::SkillId>,
        agent: Option<AgentId>,
    ) -> EngineResult<Option<u32>> {
        if agent.is_none() && self.is_closed_now(account, skill).await? {
            return Ok(Some(0));
        }
        let open = self.0.live.open_chats(account);
        let mut free: u64 = 0;
        let mut waiting: u64 = 0;
        // One agent asked for: that agent whatever its skills; else anyone with the skill.
        let skill_asked = if agent.is_some() { None } else { skill };
        for a in self.agents(account).await? {
            if agent.is_some_and(|id| id != a.id) || !routing::is_available_for(&a, skill_asked) {
                continue;
            }
            let load = self.agent_load(account, a.id).await?;
            match load.free_slots() {
                None => return Ok(None),
                Some(n) => free += u64::from(n),
            }
        }
        for chat in open
            .iter()
            .filter(|c| c.state == chatwire_core::ChatState::Waiting)
        {
            let matches = match agent {
                Some(id) => chat.transfer.as_ref().is_some_and(|t| matches!(t.target, chatwire_core::TransferTarget::Agent { id: a, .. } if a == id)),
                None => skill.is_none_or(|s| chat.skill == Some(s)),
            };
            waiting += u64::from(matches);
        }
        Ok(Some(
            u32::try_from(free.saturating_sub(waiting)).unwrap_or(u32::MAX),
        ))
    }

    /// The skills `who` may transfer the chat `key` to (refused when they may not read it): the
    /// LivePerson `transfer` resource of a chat.
    pub async fn transfer_skills_of_chat(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
    ) -> EngineResult<Vec<(chatwire_core::Skill, u32)>> {
        self.check_chat_access(&Caller::Agent(who.clone()), key)
            .await?;
        self.transfer_skills(who).await
    }

    /// Skills a chat can be transferred to by `agent`: those with at least one Online agent
    /// other than `agent`, with that count.
    pub async fn transfer_skills(
        &self,
        who: &AgentPrincipal,
    ) -> EngineResult<Vec<(chatwire_core::Skill, u32)>> {
        let (account, agent) = (&who.account, who.agent);
        let agents = self.agents(account).await?;
        let mut out = Vec::new();
        for skill in self.skills(account).await? {
            let online = agents
                .iter()
                .filter(|a| a.id != agent && routing::is_available_for(a, Some(skill.id)))
                .count();
            if online > 0 {
                out.push((skill, u32::try_from(online).unwrap_or(u32::MAX)));
            }
        }
        Ok(out)
    }

    /// The ring count; when nothing rings, waits up to `wait` for something to.
    pub async fn wait_ring_count(
        &self,
        account: &AccountId,
        agent: AgentId,
        wait: Duration,
    ) -> EngineResult<u32> {
        let deadline = tokio::time::Instant::now() + self.clamp_wait(wait);
        loop {
            let mut receivers = [self.0.notifier.subscribe(Topic::Account(account.clone()))];
            let count = self.ring_count(account, agent).await?;
            if count > 0 || wait.is_zero() || !self.wait_any(&mut receivers, deadline).await {
                return Ok(count);
            }
        }
    }
}
