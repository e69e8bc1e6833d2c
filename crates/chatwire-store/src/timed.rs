//! [`Timed`]: a [`Store`] that times every call of the store it wraps and reports each
//! duration, by operation name, to a [`StoreObserver`] (the HTTP layer's `/metrics`). It
//! delegates every method, defaulted ones included, so wrapping changes nothing else.
//!
//! Keep it complete: a new `Store` method must be delegated here (one line in the
//! `timed_store!` list), or the wrapped backend's own implementation of it is bypassed for the
//! trait's default; `completeness::every_store_method_is_delegated` reads both sources and fails
//! until it is.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chatwire_core::chat_query::ChatQuery;
use chatwire_core::history::{ChatFact, Erased, HistoryQuery, OfflineMessage, VisitorRef};
use chatwire_core::{
    Account, AccountId, AdminToken, Agent, AgentId, AppKey, AppLoginRecord, AuthSession, Chat,
    ChatCommand, ChatEvent, ChatKey, ChatNum, EventId, GlobalSeq, MailId, MailboxId, MailboxMail,
    NewAgent, NewAppKey, NewAppLogin, NewChat, OutboxMail, Skill, SkillId, StaffAddresses, Survey,
    SurveyResponse, Timestamp, TopicSettings,
};
use futures::stream::BoxStream;

use crate::{
    AdminStore, Committed, FeedItem, HistoryStore, NewSkill, PoolStatus, Store, StoreResult,
    SurveyStore, Wakeup, WebhookStore,
};
use chatwire_core::{
    AccountEvent, AccountEventKind, DeadLetter, LogEntry, Webhook, WebhookId, WebhookKinds,
    WebhookProgress,
};

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

/// Writes `impl Store for Timed`: each listed method delegated and timed under its own name,
/// then the items given in braces verbatim. One list, so adding a `Store` method means adding
/// one line here (the test `every_store_method_is_delegated` fails until it is).
macro_rules! timed_store {
    (
        $trait:ident;
        $(async fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*
        { $($rest:tt)* }
    ) => {
        #[async_trait]
        impl $trait for Timed {
            $(
                async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    let started = Instant::now();
                    let result = self.inner.$name($($arg),*).await;
                    self.observer.observe(stringify!($name), started.elapsed());
                    result
                }
            )*
            $($rest)*
        }
    };
}

timed_store! {
    Store;
    async fn create_account(&self, account: &Account) -> StoreResult<()>;
    async fn get_account(&self, id: &AccountId) -> StoreResult<Account>;
    async fn list_accounts(&self) -> StoreResult<Vec<Account>>;
    async fn create_skill(&self, new: &NewSkill) -> StoreResult<Skill>;
    async fn list_skills(&self, account: &AccountId) -> StoreResult<Vec<Skill>>;
    async fn update_skill(&self, skill: &Skill) -> StoreResult<()>;
    async fn delete_skill(&self, account: &AccountId, id: SkillId) -> StoreResult<()>;
    async fn topic_settings(&self, account: &AccountId, id: SkillId) -> StoreResult<Option<TopicSettings>>;
    async fn put_topic_settings(&self, account: &AccountId, id: SkillId, settings: &TopicSettings) -> StoreResult<()>;
    async fn create_agent(&self, new: &NewAgent) -> StoreResult<Agent>;
    async fn update_agent(&self, agent: &Agent, at: Timestamp) -> StoreResult<()>;
    async fn get_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<Agent>;
    async fn find_agent_by_login(&self, account: &AccountId, login: &str) -> StoreResult<Agent>;
    async fn list_agents(&self, account: &AccountId) -> StoreResult<Vec<Agent>>;
    async fn create_app_key(&self, new: &NewAppKey, now: Timestamp) -> StoreResult<AppKey>;
    async fn set_app_key_feed(&self, account: &AccountId, key: &str, can_read_feed: bool) -> StoreResult<()>;
    async fn find_app_key(&self, key: &str) -> StoreResult<AppKey>;
    async fn create_chat(&self, new: NewChat, now: Timestamp) -> StoreResult<Committed>;
    async fn execute(&self, account: &AccountId, key: &ChatKey, cmd: ChatCommand, now: Timestamp) -> StoreResult<Committed>;
    async fn get_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Chat>;
    async fn get_chat_by_num(&self, account: &AccountId, num: ChatNum) -> StoreResult<Chat>;
    async fn events_since(&self, account: &AccountId, key: &ChatKey, from: EventId, limit: u32) -> StoreResult<Vec<ChatEvent>>;
    async fn chat_since(&self, account: &AccountId, key: &ChatKey, from: EventId, limit: u32) -> StoreResult<(Chat, Vec<ChatEvent>)>;
    async fn open_chats(&self) -> StoreResult<Vec<Chat>>;
    async fn chats_of_agent(&self, account: &AccountId, agent: AgentId, limit: u32) -> StoreResult<Vec<Chat>>;
    async fn query_chats(&self, query: &ChatQuery) -> StoreResult<Vec<Chat>>;
    async fn feed_since(&self, account: &AccountId, after: GlobalSeq, limit: u32) -> StoreResult<Vec<FeedItem>>;
    async fn put_session(&self, session: &AuthSession) -> StoreResult<()>;
    async fn get_session(&self, key_hash: &str) -> StoreResult<AuthSession>;
    async fn delete_session_family(&self, key_hash: &str) -> StoreResult<()>;
    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64>;
    async fn create_app_login(&self, new: &NewAppLogin) -> StoreResult<AppLoginRecord>;
    async fn list_app_logins(&self, account: &AccountId) -> StoreResult<Vec<AppLoginRecord>>;
    async fn find_app_login(&self, account: &AccountId, app_key: &str) -> StoreResult<AppLoginRecord>;
    async fn revoke_app_login(&self, account: &AccountId, id: i64, at: Timestamp) -> StoreResult<AppLoginRecord>;
    async fn enqueue_mail(&self, mail: &OutboxMail) -> StoreResult<MailId>;
    async fn due_mail(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>>;
    async fn claim_due_mail(&self, now: Timestamp, lease_until: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>>;
    async fn mark_mail_sent(&self, id: MailId, at: Timestamp) -> StoreResult<()>;
    async fn mark_mail_failed(&self, id: MailId, attempts: u32, retry_at: Option<Timestamp>, error: &str) -> StoreResult<()>;
    async fn mail_of_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Vec<OutboxMail>>;
    async fn deliver_to_mailbox(&self, mail: &MailboxMail) -> StoreResult<MailboxId>;
    async fn mailbox(&self, account: &AccountId, after: MailboxId, limit: u32) -> StoreResult<Vec<MailboxMail>>;
    async fn save_offline_with_notice(&self, response: &SurveyResponse, notice: &OutboxMail) -> StoreResult<i64>;
    async fn raise_waiting_alert(&self, alert: &OutboxMail) -> StoreResult<Option<MailId>>;
    async fn set_staff_address(&self, account: &AccountId, skill: Option<SkillId>, address: Option<&str>) -> StoreResult<()>;
    async fn staff_addresses(&self, account: &AccountId) -> StoreResult<StaffAddresses>;
    async fn record_visitor_seen(&self, account: &AccountId, key: &ChatKey, at: Timestamp) -> StoreResult<()>;
    async fn visitor_seen(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Option<Timestamp>>;
    async fn record_agent_seen(&self, account: &AccountId, agent: AgentId, at: Timestamp) -> StoreResult<()>;
    async fn agents_seen(&self, account: &AccountId) -> StoreResult<Vec<(AgentId, Timestamp)>>;
    async fn add_ring_out(&self, account: &AccountId, agent: AgentId) -> StoreResult<u32>;
    async fn clear_ring_outs(&self, account: &AccountId, agent: AgentId) -> StoreResult<()>;
    async fn ping(&self) -> StoreResult<()>;
    {
        async fn wakeups(&self) -> StoreResult<Option<BoxStream<'static, Wakeup>>> {
            // A stream, not a call: nothing to time.
            self.inner.wakeups().await
        }

        fn pool_status(&self) -> Option<PoolStatus> {
            self.inner.pool_status()
        }

        async fn notify_queue_usage(&self) -> StoreResult<Option<f64>> {
            // A gauge read at scrape time, not a chat operation: not timed.
            self.inner.notify_queue_usage().await
        }
    }
}

timed_store! {
    HistoryStore;
    async fn search_chats(&self, query: &HistoryQuery) -> StoreResult<Vec<Chat>>;
    async fn chat_facts(&self, account: &AccountId, from: Timestamp, to: Timestamp) -> StoreResult<Vec<ChatFact>>;
    async fn offline_messages(&self, account: &AccountId, unhandled_only: bool, before: Option<i64>, limit: u32) -> StoreResult<Vec<OfflineMessage>>;
    async fn mark_offline_handled(&self, account: &AccountId, id: i64, by: AgentId, at: Timestamp) -> StoreResult<OfflineMessage>;
    async fn delete_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Erased>;
    async fn erase_visitor(&self, account: &AccountId, who: &VisitorRef) -> StoreResult<Erased>;
    async fn set_retention(&self, account: &AccountId, days: Option<u32>) -> StoreResult<()>;
    async fn retention(&self, account: &AccountId) -> StoreResult<Option<u32>>;
    async fn retention_policies(&self) -> StoreResult<Vec<(AccountId, u32)>>;
    async fn sweep_retention(&self, account: &AccountId, ended_before: Timestamp, max_chats: u32) -> StoreResult<Erased>;
    {}
}

timed_store! {
    SurveyStore;
    async fn create_survey(&self, survey: &Survey) -> StoreResult<Survey>;
    async fn list_surveys(&self, account: &AccountId) -> StoreResult<Vec<Survey>>;
    async fn update_survey(&self, survey: &Survey) -> StoreResult<()>;
    async fn delete_survey(&self, account: &AccountId, id: i64) -> StoreResult<()>;
    async fn save_survey_response(&self, response: &SurveyResponse) -> StoreResult<()>;
    async fn survey_responses(&self, account: &AccountId, chat: Option<&ChatKey>) -> StoreResult<Vec<SurveyResponse>>;
    {}
}

timed_store! {
    AdminStore;
    async fn update_account(&self, account: &Account) -> StoreResult<()>;
    async fn delete_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<()>;
    async fn delete_agent_sessions(&self, account: &AccountId, agent: AgentId) -> StoreResult<u64>;
    async fn list_app_keys(&self, account: &AccountId) -> StoreResult<Vec<AppKey>>;
    async fn update_app_key(&self, key: &AppKey) -> StoreResult<()>;
    async fn delete_app_key(&self, account: &AccountId, key: &str) -> StoreResult<()>;
    async fn create_admin_token(&self, token: &AdminToken) -> StoreResult<()>;
    async fn find_admin_token(&self, token_hash: &str) -> StoreResult<AdminToken>;
    async fn list_admin_tokens(&self) -> StoreResult<Vec<AdminToken>>;
    async fn delete_admin_token(&self, id: &str) -> StoreResult<()>;
    {}
}

timed_store! {
    WebhookStore;
    async fn create_webhook(&self, new: &Webhook) -> StoreResult<Webhook>;
    async fn list_webhooks(&self, account: &AccountId) -> StoreResult<Vec<Webhook>>;
    async fn enabled_webhooks(&self) -> StoreResult<Vec<(AccountId, WebhookId, WebhookKinds)>>;
    async fn get_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<Webhook>;
    async fn update_webhook(&self, webhook: &Webhook) -> StoreResult<()>;
    async fn delete_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<()>;
    async fn claim_due_webhooks(&self, now: Timestamp, lease_until: Timestamp, limit: u32) -> StoreResult<Vec<Webhook>>;
    async fn settle_webhook(&self, id: WebhookId, from: GlobalSeq, progress: &WebhookProgress, dead: Option<&DeadLetter>) -> StoreResult<bool>;
    async fn list_dead_letters(&self, account: &AccountId, webhook: WebhookId) -> StoreResult<Vec<DeadLetter>>;
    async fn delete_dead_letter(&self, account: &AccountId, webhook: WebhookId, id: i64) -> StoreResult<()>;
    async fn webhook_log_since(&self, account: &AccountId, after: GlobalSeq, limit: u32) -> StoreResult<Vec<LogEntry>>;
    async fn append_account_event(&self, account: &AccountId, at: Timestamp, kind: &AccountEventKind) -> StoreResult<Option<AccountEvent>>;
    {}
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
        conformance::run_mailbox(&timed).await;
        conformance::run_staff_mail(&timed).await;
        conformance::run_sessions(&timed).await;
        assert_eq!(
            timed.notify_queue_usage().await.expect("usage"),
            None,
            "delegated: the memory store has no notification queue"
        );
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

#[cfg(test)]
mod completeness {
    /// The names of the methods declared in `trait Store` and `trait HistoryStore`.
    fn store_methods() -> Vec<&'static str> {
        let mut all = trait_methods(include_str!("store.rs"), "pub trait Store");
        all.extend(trait_methods(
            include_str!("history.rs"),
            "pub trait HistoryStore",
        ));
        all.extend(trait_methods(
            include_str!("webhook_store.rs"),
            "pub trait WebhookStore",
        ));
        all
    }

    fn trait_methods(src: &'static str, header: &str) -> Vec<&'static str> {
        let start = src.find(header).expect("trait");
        let body = &src[start..];
        let body = &body[..body.find("\n}\n").expect("end of trait")];
        body.lines()
            .filter_map(|line| {
                let line = line.trim_start();
                line.strip_prefix("async fn ")
                    .or_else(|| line.strip_prefix("fn "))
            })
            .filter_map(|rest| rest.split('(').next())
            .collect()
    }

    #[test]
    fn every_store_method_is_delegated() {
        let src = include_str!("timed.rs");
        // Every invocation of the macro (one per trait), up to the tests.
        let delegations = &src[src.find("timed_store! {").expect("invocation")..];
        let delegations = &delegations[..delegations.find("#[cfg(").expect("end")];
        let methods = store_methods();
        assert!(methods.len() > 40, "parsed the trait: {methods:?}");
        for name in methods {
            assert!(
                delegations.contains(&format!("fn {name}(&self")),
                "Timed does not delegate Store::{name}; it would fall back to the default"
            );
        }
    }
}
