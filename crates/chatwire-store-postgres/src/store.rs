//! [`Store`] for [`PgStore`]: plain reads and single-statement writes run on a pooled client
//! (autocommit, so committed on return); multi-statement writes open a transaction in their
//! module. Writes other nodes must hear about (directory, logout) run with their `wake`
//! notification in one transaction opened here. This file only routes: the SQL lives in the
//! modules it calls.

use async_trait::async_trait;
use chatwire_core::chat_query::ChatQuery;
use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, AppLoginRecord, AuthSession, Chat, ChatCommand,
    ChatEvent, ChatKey, ChatNum, EventId, GlobalSeq, MailId, MailboxId, MailboxMail, NewAgent,
    NewAppKey, NewAppLogin, NewChat, OutboxMail, Skill, SkillId, StaffAddresses, SurveyResponse,
    Timestamp, TopicSettings,
};
use chatwire_store::{Committed, FeedItem, NewSkill, Store, StoreResult, Wakeup};
use futures::stream::BoxStream;

use crate::batch::Write;
use crate::{
    PgStore, agent_seen, app_logins, db, directory, error, mailbox, outbox, queries, sessions,
    staff_mail, topics, visitors, wake,
};

use crate::wake::notifying;

#[async_trait]
impl Store for PgStore {
    fn pool_status(&self) -> Option<chatwire_store::PoolStatus> {
        Some(self.pool_figures())
    }

    async fn notify_queue_usage(&self) -> StoreResult<Option<f64>> {
        wake::queue_usage(&self.client().await?).await.map(Some)
    }

    async fn create_account(&self, account: &Account) -> StoreResult<()> {
        directory::create_account(&self.client().await?, account).await
    }

    async fn get_account(&self, id: &AccountId) -> StoreResult<Account> {
        queries::get_account(&self.client().await?, id).await
    }

    async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        queries::list_accounts(&self.client().await?).await
    }

    async fn create_skill(&self, new: &NewSkill) -> StoreResult<Skill> {
        notifying!(
            self.client().await?,
            |tx| directory::create_skill(&tx, new),
            wake::notify_directory(&tx, &self.origin, &new.account)
        )
    }

    async fn list_skills(&self, account: &AccountId) -> StoreResult<Vec<Skill>> {
        queries::list_skills(&self.client().await?, account).await
    }

    async fn update_skill(&self, skill: &Skill) -> StoreResult<()> {
        notifying!(
            self.client().await?,
            |tx| topics::update_skill(&tx, skill),
            wake::notify_directory(&tx, &self.origin, &skill.account)
        )
    }

    async fn delete_skill(&self, account: &AccountId, id: SkillId) -> StoreResult<()> {
        topics::delete_skill(&self.pool, &self.origin, account, id).await
    }

    async fn topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
    ) -> StoreResult<Option<TopicSettings>> {
        topics::settings(&self.client().await?, account, id).await
    }

    async fn put_topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
        settings: &TopicSettings,
    ) -> StoreResult<()> {
        notifying!(
            self.client().await?,
            |tx| topics::put_settings(&tx, account, id, settings),
            wake::notify_directory(&tx, &self.origin, account)
        )
    }

    async fn create_agent(&self, new: &NewAgent) -> StoreResult<Agent> {
        notifying!(
            self.client().await?,
            |tx| directory::create_agent(&tx, new),
            wake::notify_directory(&tx, &self.origin, &new.account)
        )
    }

    async fn update_agent(&self, agent: &Agent, at: Timestamp) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        let (hint, change) = directory::update_agent(&tx, agent).await?;
        wake::notify_agent(&tx, &self.origin, &hint).await?;
        // The availability event takes the global counter, so it is the last statement.
        if let Some(kind) = change {
            crate::account_events::append(&tx, &agent.account, at, None, kind).await?;
        }
        tx.commit().await.map_err(error::pg)
    }

    async fn get_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<Agent> {
        queries::get_agent(&self.client().await?, account, id).await
    }

    async fn find_agent_by_login(&self, account: &AccountId, login: &str) -> StoreResult<Agent> {
        queries::find_agent_by_login(&self.client().await?, account, login).await
    }

    async fn list_agents(&self, account: &AccountId) -> StoreResult<Vec<Agent>> {
        queries::list_agents(&self.client().await?, account).await
    }

    async fn create_app_key(&self, new: &NewAppKey, now: Timestamp) -> StoreResult<AppKey> {
        // Validate before touching the database: a malformed key needs no round trip.
        new.validate()?;
        notifying!(
            self.client().await?,
            |tx| directory::create_app_key(&tx, new, now),
            wake::notify_directory(&tx, &self.origin, &new.account)
        )
    }

    async fn set_app_key_feed(
        &self,
        account: &AccountId,
        key: &str,
        feed: bool,
    ) -> StoreResult<()> {
        notifying!(
            self.client().await?,
            |tx| directory::set_app_key_feed(&tx, account, key, feed),
            wake::notify_directory(&tx, &self.origin, account)
        )
    }

    async fn create_app_login(&self, new: &NewAppLogin) -> StoreResult<AppLoginRecord> {
        new.validate()?;
        notifying!(
            self.client().await?,
            |tx| app_logins::create(&tx, new),
            wake::notify_directory(&tx, &self.origin, &new.account)
        )
    }

    async fn list_app_logins(&self, account: &AccountId) -> StoreResult<Vec<AppLoginRecord>> {
        app_logins::list(&self.client().await?, account).await
    }

    async fn find_app_login(&self, account: &AccountId, key: &str) -> StoreResult<AppLoginRecord> {
        app_logins::find(&self.client().await?, account, key).await
    }

    async fn revoke_app_login(
        &self,
        account: &AccountId,
        id: i64,
        at: Timestamp,
    ) -> StoreResult<AppLoginRecord> {
        notifying!(
            self.client().await?,
            |tx| app_logins::revoke(&tx, account, id, at),
            wake::notify_directory(&tx, &self.origin, account)
        )
    }

    async fn find_app_key(&self, key: &str) -> StoreResult<AppKey> {
        queries::find_app_key(&self.client().await?, key).await
    }

    #[tracing::instrument(skip_all, fields(account.id = %new.account, chat.id = %new.key))]
    async fn create_chat(&self, new: NewChat, now: Timestamp) -> StoreResult<Committed> {
        self.batcher.run(Write::Create(Box::new(new)), now).await
    }

    #[tracing::instrument(skip_all, fields(account.id = %account, chat.id = %key))]
    async fn execute(
        &self,
        account: &AccountId,
        key: &ChatKey,
        cmd: ChatCommand,
        now: Timestamp,
    ) -> StoreResult<Committed> {
        let write = Write::Execute {
            account: account.clone(),
            key: key.clone(),
            cmd,
        };
        self.batcher.run(write, now).await
    }

    async fn get_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Chat> {
        queries::get_chat(&self.client().await?, account, key).await
    }

    async fn get_chat_by_num(&self, account: &AccountId, num: ChatNum) -> StoreResult<Chat> {
        queries::get_chat_by_num(&self.client().await?, account, num).await
    }

    async fn events_since(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<Vec<ChatEvent>> {
        queries::events_since(&self.client().await?, account, key, from, limit).await
    }

    async fn chat_since(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<(Chat, Vec<ChatEvent>)> {
        queries::chat_since(&self.wake_client().await?, account, key, from, limit).await
    }

    async fn open_chats(&self) -> StoreResult<Vec<Chat>> {
        queries::open_chats(&self.client().await?).await
    }

    async fn chats_of_agent(
        &self,
        account: &AccountId,
        agent: AgentId,
        limit: u32,
    ) -> StoreResult<Vec<Chat>> {
        queries::chats_of_agent(&self.client().await?, account, agent, limit).await
    }

    async fn query_chats(&self, query: &ChatQuery) -> StoreResult<Vec<Chat>> {
        crate::chat_query::query_chats(&self.client().await?, query).await
    }

    async fn feed_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>> {
        queries::feed_since(&self.client().await?, account, after, limit).await
    }

    async fn put_session(&self, session: &AuthSession) -> StoreResult<()> {
        sessions::put(&self.client().await?, session).await
    }

    async fn get_session(&self, key_hash: &str) -> StoreResult<AuthSession> {
        sessions::get(&self.client().await?, key_hash).await
    }

    async fn delete_session_family(&self, key_hash: &str) -> StoreResult<()> {
        notifying!(
            self.client().await?,
            |tx| sessions::delete_family(&tx, key_hash),
            wake::notify_session(&tx, &self.origin, key_hash)
        )
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        sessions::delete_expired(&self.client().await?, now).await
    }

    async fn enqueue_mail(&self, mail: &OutboxMail) -> StoreResult<MailId> {
        outbox::enqueue(&self.client().await?, mail).await
    }

    async fn due_mail(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>> {
        outbox::due(&self.client().await?, now, limit).await
    }

    async fn claim_due_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMail>> {
        outbox::claim(&self.client().await?, now, lease_until, limit).await
    }

    async fn mark_mail_sent(&self, id: MailId, at: Timestamp) -> StoreResult<()> {
        outbox::mark_sent(&self.client().await?, id, at).await
    }

    async fn mark_mail_failed(
        &self,
        id: MailId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> StoreResult<()> {
        outbox::mark_failed(&self.client().await?, id, attempts, retry_at, error).await
    }

    async fn mail_of_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Vec<OutboxMail>> {
        outbox::of_chat(&self.client().await?, account, key).await
    }

    async fn deliver_to_mailbox(&self, mail: &MailboxMail) -> StoreResult<MailboxId> {
        mailbox::deliver(&self.client().await?, mail).await
    }

    async fn mailbox(
        &self,
        account: &AccountId,
        after: MailboxId,
        limit: u32,
    ) -> StoreResult<Vec<MailboxMail>> {
        mailbox::page(&self.client().await?, account, after, limit).await
    }

    async fn save_offline_with_notice(
        &self,
        response: &SurveyResponse,
        notice: &OutboxMail,
    ) -> StoreResult<i64> {
        staff_mail::save_offline_in_tx(self, response, notice).await
    }

    async fn raise_waiting_alert(&self, alert: &OutboxMail) -> StoreResult<Option<MailId>> {
        staff_mail::raise_in_tx(self, alert).await
    }

    async fn set_staff_address(
        &self,
        account: &AccountId,
        skill: Option<SkillId>,
        address: Option<&str>,
    ) -> StoreResult<()> {
        staff_mail::set_address(&self.client().await?, account, skill, address).await
    }

    async fn staff_addresses(&self, account: &AccountId) -> StoreResult<StaffAddresses> {
        staff_mail::addresses(&self.client().await?, account).await
    }

    async fn record_visitor_seen(
        &self,
        account: &AccountId,
        key: &ChatKey,
        at: Timestamp,
    ) -> StoreResult<()> {
        visitors::record(&self.client().await?, account, key, at).await
    }

    async fn visitor_seen(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Option<Timestamp>> {
        visitors::seen(&self.client().await?, account, key).await
    }

    async fn record_agent_seen(
        &self,
        account: &AccountId,
        agent: AgentId,
        at: Timestamp,
    ) -> StoreResult<()> {
        agent_seen::record(&self.client().await?, account, agent, at).await
    }

    async fn agents_seen(&self, account: &AccountId) -> StoreResult<Vec<(AgentId, Timestamp)>> {
        agent_seen::all(&self.client().await?, account).await
    }

    async fn add_ring_out(&self, account: &AccountId, agent: AgentId) -> StoreResult<u32> {
        agent_seen::add_ring_out(&self.client().await?, account, agent).await
    }

    async fn clear_ring_outs(&self, account: &AccountId, agent: AgentId) -> StoreResult<()> {
        agent_seen::clear_ring_outs(&self.client().await?, account, agent).await
    }

    async fn ping(&self) -> StoreResult<()> {
        db::ping(&self.client().await?).await
    }

    /// A new dedicated LISTEN connection per call; see the `listen` module.
    async fn wakeups(&self) -> StoreResult<Option<BoxStream<'static, Wakeup>>> {
        Ok(Some(self.listener.subscribe().await))
    }
}
