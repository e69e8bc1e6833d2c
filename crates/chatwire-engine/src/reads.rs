//! Reading chats: single and multi-chat polls, ring counts, agent chat lists, long-poll waits.
//!
//! Polls are answered from the live tail when they can be (nothing new, or inside the window)
//! and from the store otherwise; either way a poll's cost is O(chats asked + events returned).
//! Access rules (who may read which chat) and visibility (agent-only events) are decided here,
//! once for both dialects.

use std::sync::Arc;

use std::time::Duration;

use chatwire_core::access::ChatAction;
use chatwire_core::routing;
use chatwire_core::{AccountId, AgentId, Chat, ChatEvent, ChatKey, EventId};

use crate::live::{TailRead, lock};
use crate::{AgentPrincipal, Engine, EngineError, EngineResult, Topic};

/// Who is reading, which decides access and which events are visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// The visitor of the chat (the dialect has checked that it is theirs).
    Visitor,
    /// An agent of the account.
    Agent(AgentId),
}

/// A chat and a page of its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatView {
    /// The chat as of this read (shared with the engine's memory: cheap to take).
    pub chat: Arc<Chat>,
    /// Events with id `>= from` visible to the viewer, oldest first.
    pub events: Vec<ChatEvent>,
    /// The cursor for the next read: one past the last event scanned (visible or not), or the
    /// requested `from` when nothing new exists.
    pub next: EventId,
}

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

    /// A chat by its SuperOffice number.
    pub async fn chat_by_num(
        &self,
        account: &AccountId,
        num: chatwire_core::ChatNum,
    ) -> EngineResult<Chat> {
        let chat = self.0.store.get_chat_by_num(account, num).await?;
        self.chat(account, &chat.key).await
    }

    /// Reads a chat and its events from `from`, as `viewer` may see them.
    pub async fn read_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        viewer: Viewer,
    ) -> EngineResult<ChatView> {
        self.read_chat_at(account, key, from, viewer, self.now())
            .await
    }

    /// [`Self::read_chat`] at a given `now` (a multi-chat read takes the clock once, not once
    /// per chat).
    async fn read_chat_at(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        viewer: Viewer,
        now: chatwire_core::Timestamp,
    ) -> EngineResult<ChatView> {
        let tail = match self.0.live.get(account, key) {
            Some(tail) => tail,
            None => {
                let chat = self.0.store.get_chat(account, key).await?;
                self.0.live.upsert(&chat, now)
            }
        };
        let limit = self.0.config.max_events_per_read;
        let (chat, read) = {
            let mut t = lock(&tail);
            t.last_access = now;
            (t.chat.clone(), t.read(from, limit as usize))
        };
        self.check_access(account, &chat, viewer).await?;
        let events = match read {
            TailRead::Hit(events) => events,
            TailRead::Miss => {
                // Single-flight: readers of a cold chat share one store read of the window.
                self.fill_tail(account, key, &tail).await?;
                let second = lock(&tail).read(from, limit as usize);
                match second {
                    TailRead::Hit(events) => events,
                    TailRead::Miss => self.0.store.events_since(account, key, from, limit).await?,
                }
            }
        };
        let next = events.last().map_or(from, |e| e.id.next());
        let events = match viewer {
            Viewer::Visitor => events
                .into_iter()
                .filter(ChatEvent::visible_to_visitor)
                .collect(),
            Viewer::Agent(_) => events,
        };
        Ok(ChatView { chat, events, next })
    }

    /// Reads many chats at once (LivePerson multi-chat retrieve): one result per request, in
    /// order, so one unknown or foreign key fails alone.
    pub async fn read_chats(
        &self,
        account: &AccountId,
        requests: &[(ChatKey, EventId)],
        viewer: Viewer,
    ) -> Vec<EngineResult<ChatView>> {
        let now = self.now();
        let mut out = Vec::with_capacity(requests.len());
        for (key, from) in requests {
            out.push(self.read_chat_at(account, key, *from, viewer, now).await);
        }
        out
    }

    /// Whether `viewer` may read `chat` (`chatwire_core::access::may_read`): agents read chats
    /// they handle or handled, chats ringing for or transferred to them, and chats they
    /// transferred away; admins read every chat of the account. Any other chat is `Forbidden`
    /// and nothing of it is returned.
    async fn check_access(
        &self,
        account: &AccountId,
        chat: &Chat,
        viewer: Viewer,
    ) -> EngineResult<()> {
        let Viewer::Agent(agent) = viewer else {
            return Ok(());
        };
        self.authorize(account, chat, agent, ChatAction::Read)
            .await
            .map(|_| ())
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
                .check_access(account, &chat, Viewer::Agent(agent))
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

    /// Like [`Engine::read_chat`], but when nothing is new waits up to `wait` for an event.
    /// Registers before sampling, so an event committed in between is never missed; returns
    /// early (empty) at shutdown.
    pub async fn wait_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        viewer: Viewer,
        wait: Duration,
    ) -> EngineResult<ChatView> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let mut woken = self.0.notifier.subscribe(Topic::Chat(key.clone()));
            let view = self.read_chat(account, key, from, viewer).await?;
            if !view.events.is_empty() || view.next > from || wait.is_zero() {
                return Ok(view);
            }
            tokio::select! {
                changed = tokio::time::timeout_at(deadline, woken.changed()) => {
                    if !matches!(changed, Ok(Ok(()))) {
                        return Ok(view);
                    }
                }
                () = self.0.shutdown.cancelled() => return Ok(view),
            }
        }
    }
}
