//! Reading chats and the queue: a chat's snapshot, ring counts, free slots, transfer skills,
//! agent chat lists. Reading a chat's *events* (polls and waits) is `cursor`'s.

use chatwire_core::access::ChatAction;
use chatwire_core::routing;
use chatwire_core::{AccountId, AgentId, Chat, ChatKey};

use crate::live::lock;
use crate::{AgentPrincipal, Engine, EngineError, EngineResult};

impl Engine {
    /// A chat, from memory when held (loaded into memory otherwise).
    pub async fn chat(&self, account: &AccountId, key: &ChatKey) -> EngineResult<Chat> {
        if let Some(tail) = self.0.live.get(account, key) {
            return Ok(Chat::clone(&lock(&tail).chat));
        }
        let chat = self.0.store.get_chat(account, key).await?;
        self.0.live.upsert(&chat, self.now());
        Ok(chat)
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
    /// `None` means unlimited (some such agent has `maxChats` -1).
    pub async fn available_slots(
        &self,
        account: &AccountId,
        skill: Option<chatwire_core::SkillId>,
        agent: Option<AgentId>,
    ) -> EngineResult<Option<u32>> {
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

    /// The chat behind a LivePerson visit id (`H…K…`, derived from the chat key) that `agent`
    /// may read: among the agent's chats, the chats ringing for them and the open chats.
    pub async fn chat_of_visit(&self, who: &AgentPrincipal, visit: &str) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        let mut candidates = self.chats_of_agent(who, 200).await?;
        candidates.extend(self.ringing_chats(who).await?);
        candidates.extend(self.open_chats(account));
        for chat in candidates.into_iter().filter(|c| c.key.visit_id() == visit) {
            if self
                .authorize(account, &chat, agent, ChatAction::Read)
                .await
                .is_ok()
            {
                return Ok(chat);
            }
        }
        Err(EngineError::NotFound("visit"))
    }

    /// Every open chat of the account (queue and in progress).
    pub fn open_chats(&self, account: &AccountId) -> Vec<Chat> {
        let mut chats = self.0.live.open_chats(account);
        chats.sort_by_key(|c| c.num);
        chats
    }

    /// Chats the agent handled, most recent first.
    pub async fn chats_of_agent(
        &self,
        who: &AgentPrincipal,
        limit: u32,
    ) -> EngineResult<Vec<Chat>> {
        let (account, agent) = (&who.account, who.agent);
        Ok(self.0.store.chats_of_agent(account, agent, limit).await?)
    }
}
