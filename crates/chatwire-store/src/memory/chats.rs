//! Chats for the in-memory store: opening one, running a command, reading chats, events and the feed.

use chatwire_core::{
    AccountId, AgentId, Chat, ChatCommand, ChatEvent, ChatKey, ChatNum, ChatState, DecisionContext,
    EventId, GlobalSeq, NewChat, Timestamp,
};

use crate::decide::decide_and_apply;
use crate::{Committed, FeedItem, StoreError, StoreResult, acting_agent};

use super::MemoryStore;

impl MemoryStore {
    /// What [`crate::Store::create_chat`] does.
    pub(super) fn insert_chat(&self, new: NewChat, now: Timestamp) -> StoreResult<Committed> {
        let mut inner = self.lock()?;
        if !inner.accounts.contains_key(&new.account) {
            return Err(StoreError::NotFound("account"));
        }
        if inner.chats.contains_key(&new.key) {
            return Err(StoreError::Conflict("chat key exists".into()));
        }
        let num = ChatNum(inner.next_id());
        let (mut chat, changes) = Chat::open(new, num, now)?;
        let events = chat.apply_changes(changes, now, GlobalSeq(inner.last_seq + 1));
        inner.chat_nums.insert(num, chat.key.clone());
        let committed = inner.record(chat, events);
        self.emit_chat(&committed.chat, &committed.events);
        Ok(committed)
    }

    /// What [`crate::Store::execute`] does.
    pub(super) fn run_command(
        &self,
        account: &AccountId,
        key: &ChatKey,
        cmd: ChatCommand,
        now: Timestamp,
    ) -> StoreResult<Committed> {
        let mut inner = self.lock()?;
        let mut chat = inner.chat(account, key)?.0.clone();
        let ctx = match acting_agent(&cmd) {
            Some(agent) => DecisionContext {
                agent: Some(inner.load_of(account, agent)?),
            },
            None => DecisionContext::default(),
        };
        let first_seq = GlobalSeq(inner.last_seq + 1);
        let events = decide_and_apply(&mut chat, cmd, &ctx, now, first_seq)?;
        let committed = inner.record(chat, events);
        self.emit_chat(&committed.chat, &committed.events);
        Ok(committed)
    }

    /// What [`crate::Store::get_chat_by_num`] does.
    pub(super) fn chat_by_num(&self, account: &AccountId, num: ChatNum) -> StoreResult<Chat> {
        let inner = self.lock()?;
        let key = inner
            .chat_nums
            .get(&num)
            .ok_or(StoreError::NotFound("chat"))?;
        Ok(inner.chat(account, key)?.0.clone())
    }

    /// What [`crate::Store::events_since`] does.
    pub(super) fn events_from(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<Vec<ChatEvent>> {
        let inner = self.lock()?;
        let (_, events) = inner.chat(account, key)?;
        let start = usize::try_from(from.0)
            .unwrap_or(usize::MAX)
            .min(events.len());
        Ok(events[start..]
            .iter()
            .take(limit as usize)
            .cloned()
            .collect())
    }

    /// What [`crate::Store::open_chats`] does.
    pub(super) fn all_open_chats(&self) -> StoreResult<Vec<Chat>> {
        let inner = self.lock()?;
        let mut open: Vec<Chat> = inner
            .chats
            .values()
            .map(|(c, _)| c)
            .filter(|c| c.state != ChatState::Ended)
            .cloned()
            .collect();
        open.sort_by_key(|c| c.num);
        Ok(open)
    }

    /// What [`crate::Store::chats_of_agent`] does.
    pub(super) fn handled_by(
        &self,
        account: &AccountId,
        agent: AgentId,
        limit: u32,
    ) -> StoreResult<Vec<Chat>> {
        let inner = self.lock()?;
        let mut chats: Vec<Chat> = inner
            .chats
            .values()
            .map(|(c, _)| c)
            .filter(|c| &c.account == account && c.agent.as_ref().is_some_and(|a| a.id == agent))
            .cloned()
            .collect();
        chats.sort_by_key(|c| std::cmp::Reverse(c.num));
        chats.truncate(limit as usize);
        Ok(chats)
    }

    /// What [`crate::Store::feed_since`] does.
    pub(super) fn feed_after(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>> {
        let inner = self.lock()?;
        let start = inner
            .feed
            .partition_point(|(_, item)| item.event.seq <= after);
        Ok(inner.feed[start..]
            .iter()
            .filter(|(a, _)| a == account)
            .take(limit as usize)
            .map(|(_, item)| item.clone())
            .collect())
    }
}
