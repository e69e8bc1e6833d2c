//! A [`Store`] for tests that forwards to a [`MemoryStore`] and counts the reads the live tails
//! exist to avoid (`get_chat`, `get_chat_by_num`, `events_since`) and every call in all (each
//! is at least one database round trip on PostgreSQL); it can also slow those reads down, or
//! hold one history read open, so tests can line readers and commits up deterministically.
//! Several counting stores can share one memory store ([`CountingStore::over`]): one per node.
//!
//! `Store` is an `async_trait`, which the engine does not depend on; the forwarding methods
//! spell out the signatures that macro generates (one lifetime per reference, all outliving the
//! future's), so the impl matches without it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chatwire_core::chat_query::ChatQuery;
use chatwire_core::history::{ChatFact, Erased, HistoryQuery, OfflineMessage, VisitorRef};
use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, AppLoginRecord, AuthSession, Chat, ChatCommand,
    ChatEvent, ChatKey, ChatNum, EventId, GlobalSeq, MailId, MailboxId, MailboxMail, NewAgent,
    NewAppKey, NewAppLogin, NewChat, OutboxMail, Skill, SkillId, Survey, SurveyResponse, Timestamp,
    TopicSettings,
};
use chatwire_store::memory::MemoryStore;
use chatwire_store::{Committed, FeedItem, HistoryStore, NewSkill, Store, StoreResult, Wakeup};
use futures::stream::BoxStream;
use tokio::sync::oneshot;

use crate::{Engine, EngineConfig};

/// The future every forwarded method returns (what `async_trait` boxes).
type Fut<'a, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'a>>;

/// A held history read: `reached` fires once the read has its answer, which it returns only
/// when `release` fires.
type Hold = (oneshot::Sender<()>, oneshot::Receiver<()>);

/// The counting store.
#[derive(Default)]
pub(super) struct CountingStore {
    inner: Arc<MemoryStore>,
    calls: AtomicUsize,
    /// The name of every call, in order (for failure messages).
    log: Mutex<Vec<&'static str>>,
    get_chat: AtomicUsize,
    get_chat_by_num: AtomicUsize,
    events_since: AtomicUsize,
    delay_ms: AtomicU64,
    hold_from_start: Mutex<Option<Hold>>,
}

impl CountingStore {
    /// A counting view of `inner`, which other views (nodes) may share.
    pub(super) fn over(inner: Arc<MemoryStore>) -> Self {
        Self {
            inner,
            ..Self::default()
        }
    }

    /// How many store calls were made in all, of any method.
    pub(super) fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The methods called from call number `from` on (see [`CountingStore::calls`]).
    pub(super) fn calls_from(&self, from: usize) -> Vec<&'static str> {
        let log = self.log.lock().expect("log");
        log.get(from..).unwrap_or_default().to_vec()
    }

    fn count(&self, name: &'static str) {
        self.log.lock().expect("log").push(name);
        self.calls.fetch_add(1, Ordering::SeqCst);
    }

    /// How many `events_since` calls were made.
    pub(super) fn events_since_calls(&self) -> usize {
        self.events_since.load(Ordering::SeqCst)
    }

    /// How many `get_chat` calls were made.
    pub(super) fn get_chat_calls(&self) -> usize {
        self.get_chat.load(Ordering::SeqCst)
    }

    /// How many `get_chat_by_num` calls were made.
    pub(super) fn get_chat_by_num_calls(&self) -> usize {
        self.get_chat_by_num.load(Ordering::SeqCst)
    }

    /// Makes every later `get_chat` / `events_since` / `chat_since` take this long (so concurrent readers
    /// overlap inside the store).
    pub(super) fn delay_reads(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.delay_ms.store(ms, Ordering::SeqCst);
    }

    /// Holds the next `events_since` from event 0 (a full history page) after it has read its
    /// answer: `reached` fires then, and the answer is returned when `release` fires.
    pub(super) fn hold_next_full_read(&self) -> (oneshot::Receiver<()>, oneshot::Sender<()>) {
        let (reached_tx, reached_rx) = oneshot::channel();
        let (release_tx, release_rx) = oneshot::channel();
        *self.hold_from_start.lock().expect("hold") = Some((reached_tx, release_rx));
        (reached_rx, release_tx)
    }

    async fn delay(&self) {
        let ms = self.delay_ms.load(Ordering::SeqCst);
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
}

/// Forwards methods unchanged: `name['a, 'b](arg: &'a T, …) -> R;`.
macro_rules! forward {
    ($($name:ident [$($lt:lifetime),*] ($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {$(
        fn $name<'s, $($lt,)* 'at>(&'s self, $($arg: $ty),*) -> Fut<'at, $ret>
        where
            's: 'at,
            $($lt: 'at,)*
            Self: 'at,
        {
            self.count(stringify!($name));
            self.inner.$name($($arg),*)
        }
    )*};
}

impl chatwire_store::SurveyStore for CountingStore {
    forward! {
        create_survey['a](survey: &'a Survey) -> Survey;
        list_surveys['a](account: &'a AccountId) -> Vec<Survey>;
        update_survey['a](survey: &'a Survey) -> ();
        delete_survey['a](account: &'a AccountId, id: i64) -> ();
        save_survey_response['a](response: &'a SurveyResponse) -> ();
        survey_responses['a, 'b](account: &'a AccountId, chat: Option<&'b ChatKey>) -> Vec<SurveyResponse>;
    }
}

impl chatwire_store::WebhookStore for CountingStore {
    forward! {
        create_webhook['a](new: &'a chatwire_core::Webhook) -> chatwire_core::Webhook;
        list_webhooks['a](account: &'a AccountId) -> Vec<chatwire_core::Webhook>;
        enabled_webhooks[]() -> Vec<(AccountId, chatwire_core::WebhookId, chatwire_core::WebhookKinds)>;
        get_webhook['a](account: &'a AccountId, id: chatwire_core::WebhookId) -> chatwire_core::Webhook;
        update_webhook['a](webhook: &'a chatwire_core::Webhook) -> ();
        delete_webhook['a](account: &'a AccountId, id: chatwire_core::WebhookId) -> ();
        claim_due_webhooks[](now: Timestamp, lease_until: Timestamp, limit: u32) -> Vec<chatwire_core::Webhook>;
        settle_webhook['a, 'b](id: chatwire_core::WebhookId, from: GlobalSeq, progress: &'a chatwire_core::WebhookProgress, dead: Option<&'b chatwire_core::DeadLetter>) -> bool;
        list_dead_letters['a](account: &'a AccountId, webhook: chatwire_core::WebhookId) -> Vec<chatwire_core::DeadLetter>;
        delete_dead_letter['a](account: &'a AccountId, webhook: chatwire_core::WebhookId, id: i64) -> ();
        webhook_log_since['a](account: &'a AccountId, after: GlobalSeq, limit: u32) -> Vec<chatwire_core::LogEntry>;
        append_account_event['a, 'b](account: &'a AccountId, at: Timestamp, kind: &'b chatwire_core::AccountEventKind) -> Option<chatwire_core::AccountEvent>;
    }
}

impl chatwire_store::AdminStore for CountingStore {
    forward! {
        update_account['a](account: &'a Account) -> ();
        delete_agent['a](account: &'a AccountId, id: AgentId) -> ();
        delete_agent_sessions['a](account: &'a AccountId, agent: AgentId) -> u64;
        list_app_keys['a](account: &'a AccountId) -> Vec<AppKey>;
        update_app_key['a](key: &'a AppKey) -> ();
        delete_app_key['a, 'b](account: &'a AccountId, key: &'b str) -> ();
        create_admin_token['a](token: &'a chatwire_core::AdminToken) -> ();
        find_admin_token['a](token_hash: &'a str) -> chatwire_core::AdminToken;
        list_admin_tokens[]() -> Vec<chatwire_core::AdminToken>;
        delete_admin_token['a](id: &'a str) -> ();
    }
}

impl Store for CountingStore {
    forward! {
        create_account['a](account: &'a Account) -> ();
        get_account['a](id: &'a AccountId) -> Account;
        list_accounts[]() -> Vec<Account>;
        create_skill['a](new: &'a NewSkill) -> Skill;
        list_skills['a](account: &'a AccountId) -> Vec<Skill>;
        update_skill['a](skill: &'a Skill) -> ();
        delete_skill['a](account: &'a AccountId, id: SkillId) -> ();
        topic_settings['a](account: &'a AccountId, id: SkillId) -> Option<TopicSettings>;
        put_topic_settings['a, 'b](account: &'a AccountId, id: SkillId, settings: &'b TopicSettings) -> ();
        create_agent['a](new: &'a NewAgent) -> Agent;
        update_agent['a](agent: &'a Agent, at: Timestamp) -> ();
        get_agent['a](account: &'a AccountId, id: AgentId) -> Agent;
        find_agent_by_login['a, 'b](account: &'a AccountId, login: &'b str) -> Agent;
        list_agents['a](account: &'a AccountId) -> Vec<Agent>;
        create_app_key['a](new: &'a NewAppKey, now: Timestamp) -> AppKey;
        create_app_login['a](new: &'a NewAppLogin) -> AppLoginRecord;
        list_app_logins['a](account: &'a AccountId) -> Vec<AppLoginRecord>;
        find_app_login['a, 'b](account: &'a AccountId, key: &'b str) -> AppLoginRecord;
        revoke_app_login['a](account: &'a AccountId, id: i64, at: Timestamp) -> AppLoginRecord;
        find_app_key['a](key: &'a str) -> AppKey;
        set_app_key_feed['a, 'b](account: &'a AccountId, key: &'b str, feed: bool) -> ();
        create_chat[](new: NewChat, now: Timestamp) -> Committed;
        execute['a, 'b](account: &'a AccountId, key: &'b ChatKey, cmd: ChatCommand, now: Timestamp) -> Committed;
        open_chats[]() -> Vec<Chat>;
        chats_of_agent['a](account: &'a AccountId, agent: AgentId, limit: u32) -> Vec<Chat>;
        query_chats['a](query: &'a ChatQuery) -> Vec<Chat>;
        feed_since['a](account: &'a AccountId, after: GlobalSeq, limit: u32) -> Vec<FeedItem>;
        put_session['a](session: &'a AuthSession) -> ();
        get_session['a](key_hash: &'a str) -> AuthSession;
        delete_session_family['a](key_hash: &'a str) -> ();
        delete_expired_sessions[](now: Timestamp) -> u64;
        enqueue_mail['a](mail: &'a OutboxMail) -> MailId;
        due_mail[](now: Timestamp, limit: u32) -> Vec<OutboxMail>;
        claim_due_mail[](now: Timestamp, lease_until: Timestamp, limit: u32) -> Vec<OutboxMail>;
        mark_mail_sent[](id: MailId, at: Timestamp) -> ();
        mark_mail_failed['a](id: MailId, attempts: u32, retry_at: Option<Timestamp>, error: &'a str) -> ();
        mail_of_chat['a, 'b](account: &'a AccountId, key: &'b ChatKey) -> Vec<OutboxMail>;
        deliver_to_mailbox['a](mail: &'a MailboxMail) -> MailboxId;
        mailbox['a](account: &'a AccountId, after: MailboxId, limit: u32) -> Vec<MailboxMail>;
        save_offline_with_notice['a, 'b](response: &'a SurveyResponse, notice: &'b OutboxMail) -> i64;
        raise_waiting_alert['a](alert: &'a OutboxMail) -> Option<MailId>;
        set_staff_address['a, 'b](account: &'a AccountId, skill: Option<SkillId>, address: Option<&'b str>) -> ();
        staff_addresses['a](account: &'a AccountId) -> chatwire_core::StaffAddresses;
        wakeups[]() -> Option<BoxStream<'static, Wakeup>>;
    }

    fn get_chat<'s, 'a, 'b, 'at>(
        &'s self,
        account: &'a AccountId,
        key: &'b ChatKey,
    ) -> Fut<'at, Chat>
    where
        's: 'at,
        'a: 'at,
        'b: 'at,
        Self: 'at,
    {
        Box::pin(async move {
            self.count("get_chat");
            self.get_chat.fetch_add(1, Ordering::SeqCst);
            self.delay().await;
            self.inner.get_chat(account, key).await
        })
    }

    fn chat_since<'s, 'a, 'b, 'at>(
        &'s self,
        account: &'a AccountId,
        key: &'b ChatKey,
        from: EventId,
        limit: u32,
    ) -> Fut<'at, (Chat, Vec<ChatEvent>)>
    where
        's: 'at,
        'a: 'at,
        'b: 'at,
        Self: 'at,
    {
        Box::pin(async move {
            self.count("chat_since");
            self.delay().await;
            self.inner.chat_since(account, key, from, limit).await
        })
    }

    fn get_chat_by_num<'s, 'a, 'at>(
        &'s self,
        account: &'a AccountId,
        num: ChatNum,
    ) -> Fut<'at, Chat>
    where
        's: 'at,
        'a: 'at,
        Self: 'at,
    {
        Box::pin(async move {
            self.count("get_chat_by_num");
            self.get_chat_by_num.fetch_add(1, Ordering::SeqCst);
            self.inner.get_chat_by_num(account, num).await
        })
    }

    fn events_since<'s, 'a, 'b, 'at>(
        &'s self,
        account: &'a AccountId,
        key: &'b ChatKey,
        from: EventId,
        limit: u32,
    ) -> Fut<'at, Vec<ChatEvent>>
    where
        's: 'at,
        'a: 'at,
        'b: 'at,
        Self: 'at,
    {
        Box::pin(async move {
            self.count("events_since");
            self.events_since.fetch_add(1, Ordering::SeqCst);
            self.delay().await;
            let answer = self.inner.events_since(account, key, from, limit).await;
            let hold = if from == EventId(0) {
                self.hold_from_start.lock().expect("hold").take()
            } else {
                None
            };
            if let Some((reached, release)) = hold {
                let _ = reached.send(());
                let _ = release.await;
            }
            answer
        })
    }
}

/// An engine over a fresh counting store, populated like [`super::fixture`].
pub(super) struct Counted {
    pub(super) engine: Engine,
    pub(super) store: Arc<CountingStore>,
    pub(super) account: AccountId,
    pub(super) agents: Vec<AgentId>,
}

/// The fixture's account, skills and agents over a [`CountingStore`].
pub(super) async fn counted() -> Counted {
    let store = Arc::new(CountingStore::default());
    let engine = Engine::new(store.clone(), EngineConfig::default());
    let (account, agents) = super::populate(&engine).await;
    Counted {
        engine,
        store,
        account,
        agents,
    }
}

impl HistoryStore for CountingStore {
    forward! {
        search_chats['a](query: &'a HistoryQuery) -> Vec<Chat>;
        chat_facts['a](account: &'a AccountId, from: Timestamp, to: Timestamp) -> Vec<ChatFact>;
        offline_messages['a](account: &'a AccountId, unhandled_only: bool, before: Option<i64>, limit: u32) -> Vec<OfflineMessage>;
        mark_offline_handled['a](account: &'a AccountId, id: i64, by: AgentId, at: Timestamp) -> OfflineMessage;
        delete_chat['a, 'b](account: &'a AccountId, key: &'b ChatKey) -> Erased;
        erase_visitor['a, 'b](account: &'a AccountId, who: &'b VisitorRef) -> Erased;
        set_retention['a](account: &'a AccountId, days: Option<u32>) -> ();
        retention['a](account: &'a AccountId) -> Option<u32>;
        retention_policies[]() -> Vec<(AccountId, u32)>;
        sweep_retention['a](account: &'a AccountId, ended_before: Timestamp, max_chats: u32) -> Erased;
    }
}
