//! [`Store`] for [`SqliteStore`]: writes go to the writer thread, reads to the read pool.
//!
//! This file only routes: the SQL lives in `ops` (writes) and `queries` (reads). Arguments are
//! cloned into the jobs because both sides run on other threads ('static closures).

use async_trait::async_trait;
use chatwire_core::chat_query::ChatQuery;
use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, AppLoginRecord, AuthSession, Chat, ChatCommand,
    ChatEvent, ChatKey, ChatNum, EventId, GlobalSeq, MailId, MailboxId, MailboxMail, NewAgent,
    NewAppKey, NewAppLogin, NewChat, OutboxMail, Skill, SkillId, StaffAddresses, SurveyResponse,
    Timestamp, TopicSettings,
};
use chatwire_store::{Committed, FeedItem, NewSkill, Store, StoreResult};

use crate::{
    SqliteStore, app_logins, chat_writes, mailbox, ops, outbox, queries, sessions, staff_mail,
    topics,
};

#[async_trait]
impl Store for SqliteStore {
    async fn create_account(&self, account: &Account) -> StoreResult<()> {
        let account = account.clone();
        self.writer
            .run(move |cx| ops::create_account(cx, &account))
            .await
    }

    async fn get_account(&self, id: &AccountId) -> StoreResult<Account> {
        let id = id.clone();
        self.readers
            .run(move |c| queries::get_account(c, &id))
            .await
    }

    async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        self.readers.run(queries::list_accounts).await
    }

    async fn create_skill(&self, new: &NewSkill) -> StoreResult<Skill> {
        let new = new.clone();
        self.writer.run(move |cx| ops::create_skill(cx, &new)).await
    }

    async fn list_skills(&self, account: &AccountId) -> StoreResult<Vec<Skill>> {
        let account = account.clone();
        self.readers
            .run(move |c| queries::list_skills(c, &account))
            .await
    }

    async fn update_skill(&self, skill: &Skill) -> StoreResult<()> {
        let skill = skill.clone();
        self.writer
            .run(move |cx| topics::update_skill(cx, &skill))
            .await
    }

    async fn delete_skill(&self, account: &AccountId, id: SkillId) -> StoreResult<()> {
        let account = account.clone();
        self.writer
            .run(move |cx| topics::delete_skill(cx, &account, id))
            .await
    }

    async fn topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
    ) -> StoreResult<Option<TopicSettings>> {
        let account = account.clone();
        self.readers
            .run(move |c| topics::settings(c, &account, id))
            .await
    }

    async fn put_topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
        settings: &TopicSettings,
    ) -> StoreResult<()> {
        let (account, settings) = (account.clone(), settings.clone());
        self.writer
            .run(move |cx| topics::put_settings(cx, &account, id, &settings))
            .await
    }

    async fn create_agent(&self, new: &NewAgent) -> StoreResult<Agent> {
        let new = new.clone();
        self.writer.run(move |cx| ops::create_agent(cx, &new)).await
    }

    async fn update_agent(&self, agent: &Agent, at: Timestamp) -> StoreResult<()> {
        let agent = agent.clone();
        self.writer
            .run(move |cx| ops::update_agent(cx, &agent, at))
            .await
    }

    async fn get_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<Agent> {
        let account = account.clone();
        self.readers
            .run(move |c| queries::get_agent(c, &account, id))
            .await
    }

    async fn find_agent_by_login(&self, account: &AccountId, login: &str) -> StoreResult<Agent> {
        let (account, login) = (account.clone(), login.to_owned());
        self.readers
            .run(move |c| queries::find_agent_by_login(c, &account, &login))
            .await
    }

    async fn list_agents(&self, account: &AccountId) -> StoreResult<Vec<Agent>> {
        let account = account.clone();
        self.readers
            .run(move |c| queries::list_agents(c, &account))
            .await
    }

    async fn create_app_key(&self, new: &NewAppKey, now: Timestamp) -> StoreResult<AppKey> {
        // Validate before queueing: a malformed key needs no transaction.
        new.validate()?;
        let new = new.clone();
        self.writer
            .run(move |cx| ops::create_app_key(cx, &new, now))
            .await
    }

    async fn set_app_key_feed(
        &self,
        account: &AccountId,
        key: &str,
        feed: bool,
    ) -> StoreResult<()> {
        let (account, key) = (account.clone(), key.to_owned());
        self.writer
            .run(move |cx| ops::set_app_key_feed(cx, &account, &key, feed))
            .await
    }

    async fn create_app_login(&self, new: &NewAppLogin) -> StoreResult<AppLoginRecord> {
        new.validate()?;
        let new = new.clone();
        self.writer
            .run(move |cx| app_logins::create(cx, &new))
            .await
    }

    async fn list_app_logins(&self, account: &AccountId) -> StoreResult<Vec<AppLoginRecord>> {
        let account = account.clone();
        self.readers
            .run(move |c| app_logins::list(c, &account))
            .await
    }

    async fn find_app_login(&self, account: &AccountId, key: &str) -> StoreResult<AppLoginRecord> {
        let (account, key) = (account.clone(), key.to_owned());
        self.readers
            .run(move |c| app_logins::find(c, &account, &key))
            .await
    }

    async fn revoke_app_login(
        &self,
        account: &AccountId,
        id: i64,
        at: Timestamp,
    ) -> StoreResult<AppLoginRecord> {
        let account = account.clone();
        self.writer
            .run(move |cx| app_logins::revoke(cx, &account, id, at))
            .await
    }

    async fn find_app_key(&self, key: &str) -> StoreResult<AppKey> {
        let key = key.to_owned();
        self.readers
            .run(move |c| queries::find_app_key(c, &key))
            .await
    }

    #[tracing::instrument(skip_all, fields(account.id = %new.account, chat.id = %new.key))]
    async fn create_chat(&self, new: NewChat, now: Timestamp) -> StoreResult<Committed> {
        self.writer
            .run(move |cx| chat_writes::create_chat(cx, new, now))
            .await
    }

    #[tracing::instrument(skip_all, fields(account.id = %account, chat.id = %key))]
    async fn execute(
        &self,
        account: &AccountId,
        key: &ChatKey,
        cmd: ChatCommand,
        now: Timestamp,
    ) -> StoreResult<Committed> {
        let (account, key) = (account.clone(), key.clone());
        self.writer
            .run(move |cx| chat_writes::execute(cx, &account, &key, cmd, now))
            .await
    }

    async fn get_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Chat> {
        let (account, key) = (account.clone(), key.clone());
        self.readers
            .run(move |c| queries::get_chat(c, &account, &key))
            .await
    }

    async fn get_chat_by_num(&self, account: &AccountId, num: ChatNum) -> StoreResult<Chat> {
        let account = account.clone();
        self.readers
            .run(move |c| queries::get_chat_by_num(c, &account, num))
            .await
    }

    async fn events_since(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<Vec<ChatEvent>> {
        let (account, key) = (account.clone(), key.clone());
        self.readers
            .run(move |c| queries::events_since(c, &account, &key, from, limit))
            .await
    }

    async fn open_chats(&self) -> StoreResult<Vec<Chat>> {
        self.readers.run(queries::open_chats).await
    }

    async fn chats_of_agent(
        &self,
        account: &AccountId,
        agent: AgentId,
        limit: u32,
    ) -> StoreResult<Vec<Chat>> {
        let account = account.clone();
        self.readers
            .run(move |c| queries::chats_of_agent(c, &account, agent, limit))
            .await
    }

    async fn query_chats(&self, query: &ChatQuery) -> StoreResult<Vec<Chat>> {
        let query = query.clone();
        self.readers
            .run(move |c| crate::chat_query::query_chats(c, &query))
            .await
    }

    async fn feed_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>> {
        let account = account.clone();
        self.readers
            .run(move |c| queries::feed_since(c, &account, after, limit))
            .await
    }

    async fn put_session(&self, session: &AuthSession) -> StoreResult<()> {
        let session = session.clone();
        self.writer.run(move |cx| sessions::put(cx, &session)).await
    }

    async fn get_session(&self, key_hash: &str) -> StoreResult<AuthSession> {
        let key_hash = key_hash.to_owned();
        self.readers.run(move |c| sessions::get(c, &key_hash)).await
    }

    async fn delete_session_family(&self, key_hash: &str) -> StoreResult<()> {
        let key_hash = key_hash.to_owned();
        self.writer
            .run(move |cx| sessions::delete_family(cx, &key_hash))
            .await
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        self.writer
            .run(move |cx| sessions::delete_expired(cx, now))
            .await
    }

    async fn enqueue_mail(&self, mail: &OutboxMail) -> StoreResult<MailId> {
        let mail = mail.clone();
        self.writer.run(move |cx| outbox::enqueue(cx, &mail)).await
    }

    async fn due_mail(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>> {
        self.readers.run(move |c| outbox::due(c, now, limit)).await
    }

    async fn claim_due_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMail>> {
        // Most scans find nothing: answer those from the read pool, without a write
        // transaction on the writer thread. The claim itself re-scans on the writer.
        if self.due_mail(now, 1).await?.is_empty() {
            return Ok(Vec::new());
        }
        self.writer
            .run(move |cx| outbox::claim(cx, now, lease_until, limit))
            .await
    }

    async fn mark_mail_sent(&self, id: MailId, at: Timestamp) -> StoreResult<()> {
        self.writer
            .run(move |cx| outbox::mark_sent(cx, id, at))
            .await
    }

    async fn mark_mail_failed(
        &self,
        id: MailId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> StoreResult<()> {
        let error = error.to_owned();
        self.writer
            .run(move |cx| outbox::mark_failed(cx, id, attempts, retry_at, &error))
            .await
    }

    async fn mail_of_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Vec<OutboxMail>> {
        let (account, key) = (account.clone(), key.clone());
        self.readers
            .run(move |c| outbox::of_chat(c, &account, &key))
            .await
    }

    async fn deliver_to_mailbox(&self, mail: &MailboxMail) -> StoreResult<MailboxId> {
        let mail = mail.clone();
        self.writer.run(move |cx| mailbox::deliver(cx, &mail)).await
    }

    async fn mailbox(
        &self,
        account: &AccountId,
        after: MailboxId,
        limit: u32,
    ) -> StoreResult<Vec<MailboxMail>> {
        let account = account.clone();
        self.readers
            .run(move |c| mailbox::page(c, &account, after, limit))
            .await
    }

    async fn save_offline_with_notice(
        &self,
        response: &SurveyResponse,
        notice: &OutboxMail,
    ) -> StoreResult<i64> {
        let (response, notice) = (response.clone(), notice.clone());
        self.writer
            .run(move |cx| staff_mail::save_offline_with_notice(cx, &response, &notice))
            .await
    }

    async fn raise_waiting_alert(&self, alert: &OutboxMail) -> StoreResult<Option<MailId>> {
        let alert = alert.clone();
        self.writer
            .run(move |cx| staff_mail::raise_waiting_alert(cx, &alert))
            .await
    }

    async fn set_staff_address(
        &self,
        account: &AccountId,
        skill: Option<SkillId>,
        address: Option<&str>,
    ) -> StoreResult<()> {
        let (account, address) = (account.clone(), address.map(str::to_owned));
        self.writer
            .run(move |cx| staff_mail::set_address(cx, &account, skill, address.as_deref()))
            .await
    }

    async fn staff_addresses(&self, account: &AccountId) -> StoreResult<StaffAddresses> {
        let account = account.clone();
        self.readers
            .run(move |c| staff_mail::addresses(c, &account))
            .await
    }
}
