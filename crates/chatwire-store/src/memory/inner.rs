//! The in-memory store's state: every table behind one mutex, the id and sequence counters,
//! and recording a commit (chat, events, feed) the way the real backends do in one transaction.

use std::collections::{BTreeMap, HashMap};

use chatwire_core::routing::AgentLoad;
use chatwire_core::{
    Account, AccountId, AdminToken, Agent, AgentId, AppKey, AppLoginRecord, AuthSession, Chat,
    ChatEvent, ChatKey, ChatNum, MailId, MailboxId, MailboxMail, OutboxMail, Skill, SkillId,
    Survey, SurveyResponse, Timestamp, TopicSettings,
};

use crate::{Committed, FeedItem, StoreError, StoreResult};

/// Every table of the store, behind the store's one mutex.
#[derive(Default)]
pub(super) struct Inner {
    pub(super) accounts: BTreeMap<AccountId, Account>,
    pub(super) skills: BTreeMap<SkillId, Skill>,
    pub(super) agents: BTreeMap<AgentId, Agent>,
    pub(super) app_keys: HashMap<String, AppKey>,
    pub(super) app_logins: BTreeMap<i64, AppLoginRecord>,
    pub(super) chats: HashMap<ChatKey, (Chat, Vec<ChatEvent>)>,
    pub(super) chat_nums: HashMap<ChatNum, ChatKey>,
    pub(super) feed: Vec<(AccountId, FeedItem)>,
    pub(super) sessions: HashMap<String, AuthSession>,
    pub(super) surveys: BTreeMap<i64, Survey>,
    pub(super) topic_settings: BTreeMap<SkillId, TopicSettings>,
    /// Submitted surveys with their ids (offline messages are those of kind offline).
    pub(super) survey_responses: Vec<(i64, SurveyResponse)>,
    /// Offline messages marked handled: id → (when, by whom).
    pub(super) offline_handled: HashMap<i64, (Timestamp, AgentId)>,
    /// Accounts' retention periods in days.
    pub(super) retention: BTreeMap<AccountId, u32>,
    pub(super) outbox: BTreeMap<MailId, OutboxMail>,
    pub(super) mailbox: BTreeMap<MailboxId, MailboxMail>,
    /// Accounts' staff-mail addresses.
    pub(super) staff_account: HashMap<AccountId, String>,
    /// Skills' staff-mail addresses (dropped with the skill).
    pub(super) staff_skill: BTreeMap<SkillId, String>,
    pub(super) visitor_seen: HashMap<ChatKey, Timestamp>,
    pub(super) agent_seen: BTreeMap<AgentId, Timestamp>,
    pub(super) admin_tokens: BTreeMap<String, AdminToken>,
    pub(super) ring_outs: BTreeMap<AgentId, u32>,
    pub(super) webhooks: BTreeMap<chatwire_core::WebhookId, chatwire_core::Webhook>,
    /// Dead letters by id.
    pub(super) dead_letters: BTreeMap<i64, chatwire_core::DeadLetter>,
    /// The account event log, in seq order (numbered from `last_seq`, like the feed).
    pub(super) account_events: Vec<chatwire_core::AccountEvent>,
    pub(super) last_id: i64,
    pub(super) last_seq: i64,
}

impl Inner {
    pub(super) fn next_id(&mut self) -> i64 {
        self.last_id += 1;
        self.last_id
    }

    /// Appends an account event with the next global seq (the chat events' counter), if a
    /// subscription of the account (enabled or paused) takes its kind; `None` otherwise.
    pub(super) fn append_account_event(
        &mut self,
        account: &AccountId,
        at: Timestamp,
        kind: chatwire_core::AccountEventKind,
    ) -> Option<chatwire_core::AccountEvent> {
        let wanted = kind.webhook_kind();
        if !self
            .webhooks
            .values()
            .any(|w| &w.account == account && w.kinds.contains(wanted))
        {
            return None;
        }
        self.last_seq += 1;
        let event = chatwire_core::AccountEvent {
            seq: chatwire_core::GlobalSeq(self.last_seq),
            account: account.clone(),
            at,
            kind,
        };
        self.account_events.push(event.clone());
        Some(event)
    }

    /// Drops the account events of survey responses that are gone (erasure, retention), as
    /// the SQL backends' `ON DELETE CASCADE` does.
    pub(super) fn forget_erased_responses(&mut self) {
        let kept: std::collections::HashSet<i64> =
            self.survey_responses.iter().map(|(id, _)| *id).collect();
        self.account_events
            .retain(|e| e.kind.response().is_none_or(|id| kept.contains(&id)));
    }

    pub(super) fn chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<&(Chat, Vec<ChatEvent>)> {
        self.chats
            .get(key)
            .filter(|(c, _)| &c.account == account)
            .ok_or(StoreError::NotFound("chat"))
    }

    pub(super) fn load_of(&self, account: &AccountId, agent: AgentId) -> StoreResult<AgentLoad> {
        let agent = self
            .agents
            .get(&agent)
            .filter(|a| &a.account == account)
            .ok_or(StoreError::NotFound("agent"))?
            .clone();
        let active = self
            .chats
            .values()
            .filter(|(c, _)| c.is_handled_by(agent.id))
            .count();
        Ok(AgentLoad {
            agent,
            active_chats: u32::try_from(active).unwrap_or(u32::MAX),
        })
    }

    pub(super) fn record(&mut self, chat: Chat, events: Vec<ChatEvent>) -> Committed {
        if let Some(last) = events.last() {
            self.last_seq = last.seq.0;
        }
        for e in &events {
            let item = FeedItem {
                chat: chat.key.clone(),
                event: e.clone(),
            };
            self.feed.push((chat.account.clone(), item));
        }
        let entry = self
            .chats
            .entry(chat.key.clone())
            .or_insert_with(|| (chat.clone(), Vec::new()));
        entry.0 = chat.clone();
        entry.1.extend(events.iter().cloned());
        Committed { chat, events }
    }
}
