//! [`Timed`]: a [`Store`] that times every call of the store it wraps and reports each
//! duration, by operation name, to a [`StoreObserver`] (the HTTP layer's `/metrics`). It
//! delegates every method, defaulted ones included, so wrapping changes nothing else.
//!
//! Keep it complete: a new `Store` method must be delegated here, or the wrapped backend's own
//! implementation of it is bypassed for the trait's default.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, AuthSession, Chat, ChatCommand, ChatEvent, ChatKey,
    ChatNum, EventId, GlobalSeq, MailId, NewAgent, NewAppKey, NewChat, OutboxMail, Skill, SkillId,
    Survey, SurveyResponse, Timestamp, TopicSettings,
};
use futures::stream::BoxStream;

use crate::{Committed, FeedItem, NewSkill, PoolStatus, Store, StoreResult, Wakeup};

/// Receives the duration of every store call.
pub trait StoreObserver: Send + Sync + std::fmt::Debug + 'static {
    /// `operation` (the `Store` method's name) took `elapsed`, whether it succeeded or not.
    fn observe(&self, operation: &'static str, elapsed: Duration);
}

/// A store whose calls are timed.
pub struct Timed {
    inner: Arc<dyn Store>,
    observer: Arc<dyn StoreObserver>,
}

impl Timed {
    /// Wraps `inner`, reporting to `observer`.
    pub fn new(inner: Arc<dyn Store>, observer: Arc<dyn StoreObserver>) -> Self {
        Self { inner, observer }
    }
}

impl std::fmt::Debug for Timed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timed")
            .field("observer", &self.observer)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Store for Timed {
    async fn create_account(&self, account: &Account) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.create_account(account).await;
        self.observer.observe("create_account", started.elapsed());
        result
    }

    async fn get_account(&self, id: &AccountId) -> StoreResult<Account> {
        let started = Instant::now();
        let result = self.inner.get_account(id).await;
        self.observer.observe("get_account", started.elapsed());
        result
    }

    async fn list_accounts(&self) -> StoreResult<Vec<Account>> {
        let started = Instant::now();
        let result = self.inner.list_accounts().await;
        self.observer.observe("list_accounts", started.elapsed());
        result
    }

    async fn create_skill(&self, new: &NewSkill) -> StoreResult<Skill> {
        let started = Instant::now();
        let result = self.inner.create_skill(new).await;
        self.observer.observe("create_skill", started.elapsed());
        result
    }

    async fn list_skills(&self, account: &AccountId) -> StoreResult<Vec<Skill>> {
        let started = Instant::now();
        let result = self.inner.list_skills(account).await;
        self.observer.observe("list_skills", started.elapsed());
        result
    }

    async fn update_skill(&self, skill: &Skill) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.update_skill(skill).await;
        self.observer.observe("update_skill", started.elapsed());
        result
    }

    async fn delete_skill(&self, account: &AccountId, id: SkillId) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.delete_skill(account, id).await;
        self.observer.observe("delete_skill", started.elapsed());
        result
    }

    async fn topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
    ) -> StoreResult<Option<TopicSettings>> {
        let started = Instant::now();
        let result = self.inner.topic_settings(account, id).await;
        self.observer.observe("topic_settings", started.elapsed());
        result
    }

    async fn put_topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
        settings: &TopicSettings,
    ) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.put_topic_settings(account, id, settings).await;
        self.observer
            .observe("put_topic_settings", started.elapsed());
        result
    }

    async fn create_agent(&self, new: &NewAgent) -> StoreResult<Agent> {
        let started = Instant::now();
        let result = self.inner.create_agent(new).await;
        self.observer.observe("create_agent", started.elapsed());
        result
    }

    async fn update_agent(&self, agent: &Agent) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.update_agent(agent).await;
        self.observer.observe("update_agent", started.elapsed());
        result
    }

    async fn get_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<Agent> {
        let started = Instant::now();
        let result = self.inner.get_agent(account, id).await;
        self.observer.observe("get_agent", started.elapsed());
        result
    }

    async fn find_agent_by_login(&self, account: &AccountId, login: &str) -> StoreResult<Agent> {
        let started = Instant::now();
        let result = self.inner.find_agent_by_login(account, login).await;
        self.observer
            .observe("find_agent_by_login", started.elapsed());
        result
    }

    async fn list_agents(&self, account: &AccountId) -> StoreResult<Vec<Agent>> {
        let started = Instant::now();
        let result = self.inner.list_agents(account).await;
        self.observer.observe("list_agents", started.elapsed());
        result
    }

    async fn create_app_key(&self, new: &NewAppKey, now: Timestamp) -> StoreResult<AppKey> {
        let started = Instant::now();
        let result = self.inner.create_app_key(new, now).await;
        self.observer.observe("create_app_key", started.elapsed());
        result
    }

    async fn set_app_key_feed(
        &self,
        account: &AccountId,
        key: &str,
        feed: bool,
    ) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.set_app_key_feed(account, key, feed).await;
        self.observer.observe("set_app_key_feed", started.elapsed());
        result
    }

    async fn find_app_key(&self, key: &str) -> StoreResult<AppKey> {
        let started = Instant::now();
        let result = self.inner.find_app_key(key).await;
        self.observer.observe("find_app_key", started.elapsed());
        result
    }

    async fn create_chat(&self, new: NewChat, now: Timestamp) -> StoreResult<Committed> {
        let started = Instant::now();
        let result = self.inner.create_chat(new, now).await;
        self.observer.observe("create_chat", started.elapsed());
        result
    }

    async fn execute(
        &self,
        account: &AccountId,
        key: &ChatKey,
        cmd: ChatCommand,
        now: Timestamp,
    ) -> StoreResult<Committed> {
        let started = Instant::now();
        let result = self.inner.execute(account, key, cmd, now).await;
        self.observer.observe("execute", started.elapsed());
        result
    }

    async fn get_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Chat> {
        let started = Instant::now();
        let result = self.inner.get_chat(account, key).await;
        self.observer.observe("get_chat", started.elapsed());
        result
    }

    async fn get_chat_by_num(&self, account: &AccountId, num: ChatNum) -> StoreResult<Chat> {
        let started = Instant::now();
        let result = self.inner.get_chat_by_num(account, num).await;
        self.observer.observe("get_chat_by_num", started.elapsed());
        result
    }

    async fn events_since(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<Vec<ChatEvent>> {
        let started = Instant::now();
        let result = self.inner.events_since(account, key, from, limit).await;
        self.observer.observe("events_since", started.elapsed());
        result
    }

    async fn open_chats(&self) -> StoreResult<Vec<Chat>> {
        let started = Instant::now();
        let result = self.inner.open_chats().await;
        self.observer.observe("open_chats", started.elapsed());
        result
    }

    async fn chats_of_agent(
        &self,
        account: &AccountId,
        agent: AgentId,
        limit: u32,
    ) -> StoreResult<Vec<Chat>> {
        let started = Instant::now();
        let result = self.inner.chats_of_agent(account, agent, limit).await;
        self.observer.observe("chats_of_agent", started.elapsed());
        result
    }

    async fn feed_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>> {
        let started = Instant::now();
        let result = self.inner.feed_since(account, after, limit).await;
        self.observer.observe("feed_since", started.elapsed());
        result
    }

    async fn put_session(&self, session: &AuthSession) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.put_session(session).await;
        self.observer.observe("put_session", started.elapsed());
        result
    }

    async fn get_session(&self, key_hash: &str) -> StoreResult<AuthSession> {
        let started = Instant::now();
        let result = self.inner.get_session(key_hash).await;
        self.observer.observe("get_session", started.elapsed());
        result
    }

    async fn delete_session_family(&self, key_hash: &str) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.delete_session_family(key_hash).await;
        self.observer
            .observe("delete_session_family", started.elapsed());
        result
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let started = Instant::now();
        let result = self.inner.delete_expired_sessions(now).await;
        self.observer
            .observe("delete_expired_sessions", started.elapsed());
        result
    }

    async fn create_survey(&self, survey: &Survey) -> StoreResult<Survey> {
        let started = Instant::now();
        let result = self.inner.create_survey(survey).await;
        self.observer.observe("create_survey", started.elapsed());
        result
    }

    async fn list_surveys(&self, account: &AccountId) -> StoreResult<Vec<Survey>> {
        let started = Instant::now();
        let result = self.inner.list_surveys(account).await;
        self.observer.observe("list_surveys", started.elapsed());
        result
    }

    async fn save_survey_response(&self, response: &SurveyResponse) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.save_survey_response(response).await;
        self.observer
            .observe("save_survey_response", started.elapsed());
        result
    }

    async fn survey_responses(
        &self,
        account: &AccountId,
        chat: Option<&ChatKey>,
    ) -> StoreResult<Vec<SurveyResponse>> {
        let started = Instant::now();
        let result = self.inner.survey_responses(account, chat).await;
        self.observer.observe("survey_responses", started.elapsed());
        result
    }

    async fn enqueue_mail(&self, mail: &OutboxMail) -> StoreResult<MailId> {
        let started = Instant::now();
        let result = self.inner.enqueue_mail(mail).await;
        self.observer.observe("enqueue_mail", started.elapsed());
        result
    }

    async fn due_mail(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>> {
        let started = Instant::now();
        let result = self.inner.due_mail(now, limit).await;
        self.observer.observe("due_mail", started.elapsed());
        result
    }

    async fn claim_due_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMail>> {
        let started = Instant::now();
        let result = self.inner.claim_due_mail(now, lease_until, limit).await;
        self.observer.observe("claim_due_mail", started.elapsed());
        result
    }

    async fn mark_mail_sent(&self, id: MailId, at: Timestamp) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.mark_mail_sent(id, at).await;
        self.observer.observe("mark_mail_sent", started.elapsed());
        result
    }

    async fn mark_mail_failed(
        &self,
        id: MailId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> StoreResult<()> {
        let started = Instant::now();
        let result = self
            .inner
            .mark_mail_failed(id, attempts, retry_at, error)
            .await;
        self.observer.observe("mark_mail_failed", started.elapsed());
        result
    }

    async fn mail_of_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Vec<OutboxMail>> {
        let started = Instant::now();
        let result = self.inner.mail_of_chat(account, key).await;
        self.observer.observe("mail_of_chat", started.elapsed());
        result
    }

    async fn record_visitor_seen(
        &self,
        account: &AccountId,
        key: &ChatKey,
        at: Timestamp,
    ) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.record_visitor_seen(account, key, at).await;
        self.observer
            .observe("record_visitor_seen", started.elapsed());
        result
    }

    async fn visitor_seen(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Option<Timestamp>> {
        let started = Instant::now();
        let result = self.inner.visitor_seen(account, key).await;
        self.observer.observe("visitor_seen", started.elapsed());
        result
    }

    async fn ping(&self) -> StoreResult<()> {
        let started = Instant::now();
        let result = self.inner.ping().await;
        self.observer.observe("ping", started.elapsed());
        result
    }

    async fn wakeups(&self) -> StoreResult<Option<BoxStream<'static, Wakeup>>> {
        // A stream, not a call: nothing to time.
        self.inner.wakeups().await
    }

    fn pool_status(&self) -> Option<PoolStatus> {
        self.inner.pool_status()
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;
    use crate::conformance;
    use crate::memory::MemoryStore;

    /// Counts calls by operation.
    #[derive(Debug, Default)]
    struct Counts(Mutex<HashMap<&'static str, usize>>);

    impl StoreObserver for Counts {
        fn observe(&self, operation: &'static str, _elapsed: Duration) {
            *self.0.lock().expect("counts").entry(operation).or_default() += 1;
        }
    }

    #[tokio::test]
    async fn a_timed_store_passes_the_conformance_suite_and_reports_every_call() {
        let counts = Arc::new(Counts::default());
        let timed = Timed::new(Arc::new(MemoryStore::new()), counts.clone());
        conformance::run_story(&timed).await;
        conformance::run_outbox(&timed).await;
        conformance::run_sessions(&timed).await;
        let counts = counts.0.lock().expect("counts");
        for operation in ["create_chat", "execute", "events_since", "enqueue_mail"] {
            assert!(
                counts.get(operation).is_some_and(|n| *n > 0),
                "{operation}: {counts:?}"
            );
        }
        assert_eq!(
            timed.pool_status(),
            None,
            "delegated: the memory store has no pool"
        );
    }
}
