//! An in-memory [`Store`] for fast engine and API tests. Not durable; one process only.
//!
//! It follows the same contract as the real backends (the conformance suite runs on it) and can
//! simulate an outage ([`MemoryStore::set_unavailable`]) so tests can check the 503 path.
//! Built with [`MemoryStore::with_wakeups`] it also reports its writes as [`Wakeup`]s, like
//! PostgreSQL's `NOTIFY`, so two engines over one store behave like two nodes in one process.
//!
//! Submodules: `inner` (the tables and recording a commit), `directory` (accounts, skills,
//! agents, app keys), `admin` (the [`crate::AdminStore`] operations), `logins` (sessions, bots' application logins), `handle` (building one, the simulated outage, the lock), `chats` (commands and chat reads), `topics` (skill edits, topic
//! settings), `outbox` (mail queue, local mailbox, visitor and agent liveness), `staff_mail`
//! (staff addresses, offline-message notices, waiting alerts), `surveys`, `history` and `history_store` (history search, statistics, offline messages, deletion, retention), `webhooks` (subscriptions, claims, dead letters), `wakeups` (the broadcast
//! behind [`Store::wakeups`]).

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use async_trait::async_trait;
use chatwire_core::chat_query::ChatQuery;
use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, AppLoginRecord, AuthSession, Chat, ChatCommand,
    ChatEvent, ChatKey, ChatNum, EventId, GlobalSeq, MailId, MailboxId, MailboxMail, NewAgent,
    NewAppKey, NewAppLogin, NewChat, OutboxMail, Skill, SkillId, StaffAddresses, SurveyResponse,
    Timestamp, TopicSettings,
};
use futures::stream::BoxStream;

use crate::{Committed, FeedItem, NewSkill, Store, StoreError, StoreResult, Wakeup};

mod admin;
mod chats;
mod directory;
mod handle;
mod history;
mod history_store;
mod inner;
mod logins;
mod outbox;
mod staff_mail;
mod surveys;
mod topics;
pub mod wakeups;
mod webhooks;

use inner::Inner;

/// The in-memory store.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
    unavailable: AtomicBool,
    /// Where writes are reported, when built [`MemoryStore::with_wakeups`].
    wakeups: Option<wakeups::Sender>,
}

#[async_trait]
impl Store for MemoryStore {
    async fn create_account(&self, account: &Account) -> StoreResult<()> {
        self.insert_account(account)
    }

    async fn get_account(&self, id: &AccountId) -> StoreResult<Account> {
        self.lock()?
            .accounts
            .get(id)
            .cloned()
            .ok_or(StoreError::NotFound("account"))
    }

    async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        Ok(self.lock()?.accounts.values().cloned().collect())
    }

    async fn create_skill(&self, new: &NewSkill) -> StoreResult<Skill> {
        self.insert_skill(new)
    }

    async fn list_skills(&self, account: &AccountId) -> StoreResult<Vec<Skill>> {
        Ok(self
            .lock()?
            .skills
            .values()
            .filter(|s| &s.account == account)
            .cloned()
            .collect())
    }

    async fn update_skill(&self, skill: &Skill) -> StoreResult<()> {
        let mut inner = self.lock()?;
        inner.update_skill(skill)?;
        self.emit(Wakeup::Directory(skill.account.clone()));
        Ok(())
    }

    async fn delete_skill(&self, account: &AccountId, id: SkillId) -> StoreResult<()> {
        let mut inner = self.lock()?;
        inner.delete_skill(account, id)?;
        self.emit(Wakeup::Directory(account.clone()));
        Ok(())
    }

    async fn topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
    ) -> StoreResult<Option<TopicSettings>> {
        let inner = self.lock()?;
        inner.skill_of(account, id)?;
        Ok(inner.topic_settings.get(&id).cloned())
    }

    async fn put_topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
        settings: &TopicSettings,
    ) -> StoreResult<()> {
        let mut inner = self.lock()?;
        inner.skill_of(account, id)?;
        inner.topic_settings.insert(id, settings.clone());
        self.emit(Wakeup::Directory(account.clone()));
        Ok(())
    }

    async fn create_agent(&self, new: &NewAgent) -> StoreResult<Agent> {
        self.insert_agent(new)
    }

    async fn update_agent(&self, agent: &Agent, at: Timestamp) -> StoreResult<()> {
        self.replace_agent(agent, at)
    }

    async fn get_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<Agent> {
        let inner = self.lock()?;
        inner
            .agents
            .get(&id)
            .filter(|a| &a.account == account)
            .cloned()
            .ok_or(StoreError::NotFound("agent"))
    }

    async fn find_agent_by_login(&self, account: &AccountId, login: &str) -> StoreResult<Agent> {
        let inner = self.lock()?;
        inner
            .agents
            .values()
            .find(|a| &a.account == account && a.login_name.eq_ignore_ascii_case(login))
            .cloned()
            .ok_or(StoreError::NotFound("agent"))
    }

    async fn list_agents(&self, account: &AccountId) -> StoreResult<Vec<Agent>> {
        Ok(self
            .lock()?
            .agents
            .values()
            .filter(|a| &a.account == account)
            .cloned()
            .collect())
    }

    async fn create_app_key(&self, new: &NewAppKey, now: Timestamp) -> StoreResult<AppKey> {
        self.insert_app_key(new, now)
    }

    async fn set_app_key_feed(
        &self,
        account: &AccountId,
        key: &str,
        feed: bool,
    ) -> StoreResult<()> {
        self.grant_feed(account, key, feed)
    }

    async fn create_app_login(&self, new: &NewAppLogin) -> StoreResult<AppLoginRecord> {
        self.insert_app_login(new)
    }

    async fn list_app_logins(&self, account: &AccountId) -> StoreResult<Vec<AppLoginRecord>> {
        self.app_logins_of(account)
    }

    async fn find_app_login(&self, account: &AccountId, key: &str) -> StoreResult<AppLoginRecord> {
        self.app_login_by_key(account, key)
    }

    async fn revoke_app_login(
        &self,
        account: &AccountId,
        id: i64,
        at: Timestamp,
    ) -> StoreResult<AppLoginRecord> {
        self.revoke_login(account, id, at)
    }

    async fn find_app_key(&self, key: &str) -> StoreResult<AppKey> {
        self.lock()?
            .app_keys
            .get(key)
            .cloned()
            .ok_or(StoreError::NotFound("app key"))
    }

    async fn create_chat(&self, new: NewChat, now: Timestamp) -> StoreResult<Committed> {
        self.insert_chat(new, now)
    }

    async fn execute(
        &self,
        account: &AccountId,
        key: &ChatKey,
        cmd: ChatCommand,
        now: Timestamp,
    ) -> StoreResult<Committed> {
        self.run_command(account, key, cmd, now)
    }

    async fn get_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Chat> {
        Ok(self.lock()?.chat(account, key)?.0.clone())
    }

    async fn get_chat_by_num(&self, account: &AccountId, num: ChatNum) -> StoreResult<Chat> {
        self.chat_by_num(account, num)
    }

    async fn events_since(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<Vec<ChatEvent>> {
        self.events_from(account, key, from, limit)
    }

    async fn open_chats(&self) -> StoreResult<Vec<Chat>> {
        self.all_open_chats()
    }

    async fn chats_of_agent(
        &self,
        account: &AccountId,
        agent: AgentId,
        limit: u32,
    ) -> StoreResult<Vec<Chat>> {
        self.handled_by(account, agent, limit)
    }

    async fn query_chats(&self, query: &ChatQuery) -> StoreResult<Vec<Chat>> {
        let inner = self.lock()?;
        Ok(query.run(inner.chats.values().map(|(chat, _)| chat)))
    }

    async fn feed_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>> {
        self.feed_after(account, after, limit)
    }

    async fn put_session(&self, session: &AuthSession) -> StoreResult<()> {
        self.insert_session(session)
    }

    async fn get_session(&self, key_hash: &str) -> StoreResult<AuthSession> {
        self.session(key_hash)
    }

    async fn delete_session_family(&self, key_hash: &str) -> StoreResult<()> {
        self.remove_session_family(key_hash)
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        self.remove_expired_sessions(now)
    }

    async fn enqueue_mail(&self, mail: &OutboxMail) -> StoreResult<MailId> {
        self.lock()?.enqueue_mail(mail)
    }

    async fn due_mail(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>> {
        Ok(self.lock()?.due_mail(now, limit))
    }

    async fn claim_due_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMail>> {
        Ok(self.lock()?.claim_due_mail(now, lease_until, limit))
    }

    async fn mark_mail_sent(&self, id: MailId, at: Timestamp) -> StoreResult<()> {
        self.lock()?.mark_mail_sent(id, at)
    }

    async fn mark_mail_failed(
        &self,
        id: MailId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> StoreResult<()> {
        self.lock()?.mark_mail_failed(id, attempts, retry_at, error)
    }

    async fn deliver_to_mailbox(&self, mail: &MailboxMail) -> StoreResult<MailboxId> {
        self.lock()?.deliver_to_mailbox(mail)
    }

    async fn save_offline_with_notice(
        &self,
        response: &SurveyResponse,
        notice: &OutboxMail,
    ) -> StoreResult<i64> {
        self.lock()?.save_offline_with_notice(response, notice)
    }

    async fn raise_waiting_alert(&self, alert: &OutboxMail) -> StoreResult<Option<MailId>> {
        self.lock()?.raise_waiting_alert(alert)
    }

    async fn set_staff_address(
        &self,
        account: &AccountId,
        skill: Option<SkillId>,
        address: Option<&str>,
    ) -> StoreResult<()> {
        self.lock()?.set_staff_address(account, skill, address)
    }

    async fn staff_addresses(&self, account: &AccountId) -> StoreResult<StaffAddresses> {
        self.lock()?.staff_addresses(account)
    }

    async fn mailbox(
        &self,
        account: &AccountId,
        after: MailboxId,
        limit: u32,
    ) -> StoreResult<Vec<MailboxMail>> {
        Ok(self.lock()?.mailbox(account, after, limit))
    }

    async fn mail_of_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Vec<OutboxMail>> {
        Ok(self.lock()?.mail_of_chat(account, key))
    }

    async fn record_visitor_seen(
        &self,
        account: &AccountId,
        key: &ChatKey,
        at: Timestamp,
    ) -> StoreResult<()> {
        self.lock()?.record_visitor_seen(account, key, at)
    }

    async fn visitor_seen(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Option<Timestamp>> {
        self.lock()?.visitor_seen(account, key)
    }

    async fn record_agent_seen(
        &self,
        account: &AccountId,
        agent: AgentId,
        at: Timestamp,
    ) -> StoreResult<()> {
        self.lock()?.record_agent_seen(account, agent, at)
    }

    async fn agents_seen(&self, account: &AccountId) -> StoreResult<Vec<(AgentId, Timestamp)>> {
        Ok(self.lock()?.agents_seen(account))
    }

    async fn add_ring_out(&self, account: &AccountId, agent: AgentId) -> StoreResult<u32> {
        self.lock()?.add_ring_out(account, agent)
    }

    async fn clear_ring_outs(&self, account: &AccountId, agent: AgentId) -> StoreResult<()> {
        self.lock()?.clear_ring_outs(account, agent)
    }

    async fn wakeups(&self) -> StoreResult<Option<BoxStream<'static, Wakeup>>> {
        Ok(self.wakeups.as_ref().map(wakeups::Sender::subscribe))
    }
}

#[cfg(test)]
mod tests;
