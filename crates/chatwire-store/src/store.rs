//! The [`Store`] trait: the domain operations chatwire persists.

use async_trait::async_trait;
use chatwire_core::chat_query::ChatQuery;
use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, AppLoginRecord, AuthSession, Chat, ChatCommand,
    ChatEvent, ChatKey, ChatNum, EventId, GlobalSeq, MailId, MailboxId, MailboxMail, NewAgent,
    NewAppKey, NewAppLogin, NewChat, OutboxMail, Skill, SkillId, StaffAddresses, SurveyResponse,
    Timestamp, TopicSettings,
};
use futures::stream::BoxStream;

use crate::{AdminStore, HistoryStore, StoreResult, SurveyStore, Wakeup, WebhookStore};

pub use chatwire_core::{Committed, FeedItem};

/// What an admin supplies to create a skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSkill {
    /// Owning account.
    pub account: AccountId,
    /// Name, unique within the account (case-insensitively).
    pub name: String,
    /// Operator description.
    pub description: String,
    /// Welcome line sent when an agent accepts; empty for none.
    pub welcome_message: String,
}

/// A connection pool's use at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Most connections the pool opens.
    pub max_size: usize,
    /// Connections open now.
    pub size: usize,
    /// Open connections idle now.
    pub available: usize,
    /// Callers waiting for a connection now.
    pub waiting: usize,
}

/// Persistence of chatwire's domain. Implementations: in-memory (tests), SQLite, PostgreSQL.
/// The history, statistics and erasure operations are its supertrait [`HistoryStore`].
///
/// Every method is scoped by account where the domain is; asking for another account's object
/// answers [`crate::StoreError::NotFound`], never the object.
#[async_trait]
pub trait Store:
    AdminStore + HistoryStore + SurveyStore + WebhookStore + Send + Sync + 'static
{
    /// Creates an account. `Conflict` if the id exists.
    async fn create_account(&self, account: &Account) -> StoreResult<()>;
    /// Reads an account.
    async fn get_account(&self, id: &AccountId) -> StoreResult<Account>;
    /// All accounts, by id.
    async fn list_accounts(&self) -> StoreResult<Vec<Account>>;

    /// Creates a skill. `Conflict` if the account has one with that name (case-insensitive).
    async fn create_skill(&self, new: &NewSkill) -> StoreResult<Skill>;
    /// An account's skills, by id.
    async fn list_skills(&self, account: &AccountId) -> StoreResult<Vec<Skill>>;
    /// Replaces a skill's name, description and welcome message. `NotFound` if it does not
    /// exist in that account; `Conflict` if another skill of the account has the name
    /// (case-insensitive).
    async fn update_skill(&self, skill: &Skill) -> StoreResult<()>;
    /// Deletes a skill with its topic settings and removes it from every agent's skills, in one
    /// transaction. Chats keep the id. `NotFound` if it does not exist in that account.
    async fn delete_skill(&self, account: &AccountId, id: SkillId) -> StoreResult<()>;
    /// The skill's SuperOffice topic settings, `None` if never saved. `NotFound` if the skill
    /// does not exist in that account.
    async fn topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
    ) -> StoreResult<Option<TopicSettings>>;
    /// Replaces the skill's topic settings. `NotFound` if the skill does not exist in that
    /// account.
    async fn put_topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
        settings: &TopicSettings,
    ) -> StoreResult<()>;

    /// Creates an agent. `Conflict` if the login name is taken in the account (case-insensitive).
    async fn create_agent(&self, new: &NewAgent) -> StoreResult<Agent>;
    /// Replaces an agent's mutable fields (names, password hash, limits, skills, availability,
    /// flags). `NotFound` if it does not exist in that account. When the availability differs
    /// from the stored one, the same transaction appends an `AgentAvailability` account event
    /// (old and new, at `at`) with the next global seq: every path that changes an availability goes
    /// through here, so webhooks see each change once, in commit order.
    async fn update_agent(&self, agent: &Agent, at: Timestamp) -> StoreResult<()>;
    /// Reads an agent of an account.
    async fn get_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<Agent>;
    /// Finds an agent by login name (case-insensitive).
    async fn find_agent_by_login(&self, account: &AccountId, login: &str) -> StoreResult<Agent>;
    /// An account's agents, by id.
    async fn list_agents(&self, account: &AccountId) -> StoreResult<Vec<Agent>>;

    /// Creates a visitor app key. `Conflict` if the key exists.
    async fn create_app_key(&self, new: &NewAppKey, now: Timestamp) -> StoreResult<AppKey>;
    /// Finds an app key by its text.
    async fn find_app_key(&self, key: &str) -> StoreResult<AppKey>;
    /// Grants or withdraws an app key's feed right; `NotFound` if the key is not `account`'s.
    async fn set_app_key_feed(
        &self,
        account: &AccountId,
        key: &str,
        can_read_feed: bool,
    ) -> StoreResult<()>;

    /// Opens a chat: assigns its number, writes the opening events. Durable on return.
    async fn create_chat(&self, new: NewChat, now: Timestamp) -> StoreResult<Committed>;
    /// Decides `cmd` against the chat as committed and appends the outcome atomically.
    /// Refusals come back as `StoreError::Domain`. Durable on return.
    async fn execute(
        &self,
        account: &AccountId,
        key: &ChatKey,
        cmd: ChatCommand,
        now: Timestamp,
    ) -> StoreResult<Committed>;
    /// Reads a chat by key.
    async fn get_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Chat>;
    /// Reads a chat by its SuperOffice number.
    async fn get_chat_by_num(&self, account: &AccountId, num: ChatNum) -> StoreResult<Chat>;
    /// Events with id `>= from`, oldest first, at most `limit`.
    async fn events_since(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<Vec<ChatEvent>>;
    /// A chat and its events with id `>= from` (at most `limit`) as of one moment: what a node
    /// catching up with another node's write needs, in one round trip where the backend can.
    /// The default reads the chat, then at most the events it counts (two calls).
    async fn chat_since(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        limit: u32,
    ) -> StoreResult<(Chat, Vec<ChatEvent>)> {
        let chat = self.get_chat(account, key).await?;
        let counted = chat.next_event_id.0.saturating_sub(from.0);
        let limit = counted.min(limit);
        let events = if limit == 0 {
            Vec::new()
        } else {
            self.events_since(account, key, from, limit).await?
        };
        Ok((chat, events))
    }
    /// Every chat not yet ended, server-wide (the engine warms its in-memory index from it).
    async fn open_chats(&self) -> StoreResult<Vec<Chat>>;
    /// Chats of an account that `agent` handled, most recent first, at most `limit`.
    async fn chats_of_agent(
        &self,
        account: &AccountId,
        agent: AgentId,
        limit: u32,
    ) -> StoreResult<Vec<Chat>>;
    /// One page of an account's chats, open and ended, as `query` asks (scope, filter, order,
    /// page; semantics in `chatwire_core::chat_query`). SQL backends answer from indexed
    /// columns with bound parameters, never by reading every chat.
    async fn query_chats(&self, query: &ChatQuery) -> StoreResult<Vec<Chat>>;
    /// Events of every chat of an account with seq `> after`, in seq order, at most `limit`.
    async fn feed_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>>;

    /// Inserts or replaces a session (keyed by `key_hash`). Durable on return.
    async fn put_session(&self, session: &AuthSession) -> StoreResult<()>;
    /// Reads a session by key hash, expired or not (callers check expiry).
    async fn get_session(&self, key_hash: &str) -> StoreResult<AuthSession>;
    /// Deletes a session and every session whose `parent` it is (a login with its aliases and
    /// agent sessions). Deleting nothing is not an error.
    async fn delete_session_family(&self, key_hash: &str) -> StoreResult<()>;
    /// Deletes sessions expired at `now`; returns how many.
    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64>;

    /// Stores a bot's application login (its secrets already hashed by the engine), assigning
    /// the id. `Conflict` when the account has (or had: revoked ones are kept) that app key;
    /// `NotFound` for an agent outside the account. A directory change for other nodes.
    async fn create_app_login(&self, new: &NewAppLogin) -> StoreResult<AppLoginRecord>;
    /// The account's application logins, revoked ones included, by id.
    async fn list_app_logins(&self, account: &AccountId) -> StoreResult<Vec<AppLoginRecord>>;
    /// The account's application login with this app key, revoked or not; `NotFound` if none.
    async fn find_app_login(
        &self,
        account: &AccountId,
        app_key: &str,
    ) -> StoreResult<AppLoginRecord>;
    /// Revokes an application login at `at` (kept, marked revoked; revoking again keeps the
    /// first time) and, in the same transaction, deletes every session of its agent (the bot's
    /// logins, their aliases and agent sessions). Returns the record. `NotFound` outside the
    /// account. A directory change for other nodes, so they drop cached sessions at once.
    async fn revoke_app_login(
        &self,
        account: &AccountId,
        id: i64,
        at: Timestamp,
    ) -> StoreResult<AppLoginRecord>;

    /// Queues a mail (its `id`, `status`, `attempts`, `sent_at` and `last_error` are ignored: it
    /// starts pending with no attempts) and returns its id. `NotFound` if the account, or the
    /// chat in that account, does not exist. Durable on return.
    async fn enqueue_mail(&self, mail: &OutboxMail) -> StoreResult<MailId>;
    /// Mails due at `now`, server-wide: pending, their chat has ended, and `next_attempt_at <=
    /// now`; earliest `next_attempt_at` first (then by id), at most `limit`. Whether the chat has
    /// ended is read from the chat as committed, so a mail queued just before (or after) its
    /// chat ends is never missed.
    async fn due_mail(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>>;
    /// Claims up to `limit` of the mails [`Store::due_mail`] would return at `now` (same order)
    /// for one delivery attempt, and returns them as stored after the claim: each one's
    /// `next_attempt_at` becomes `lease_until`, atomically with the selection, so no other
    /// caller (another node's mailer) gets it again before the lease ends. The claimer then
    /// records the outcome with [`Store::mark_mail_sent`] or [`Store::mark_mail_failed`]; if it
    /// dies first, the mail is due again at `lease_until`. So the lease must outlast one delivery
    /// attempt, or two mailers may both send it (delivery stays at least once).
    async fn claim_due_mail(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMail>>;
    /// Records that an SMTP server accepted the mail. `NotFound` if there is no such mail.
    async fn mark_mail_sent(&self, id: MailId, at: Timestamp) -> StoreResult<()>;
    /// Records a failed attempt: the mail's attempt count becomes `attempts` and its last error
    /// `error`; with `retry_at` it stays pending until then, without it the mail is given up
    /// (`Failed`). `NotFound` if there is no such mail.
    async fn mark_mail_failed(
        &self,
        id: MailId,
        attempts: u32,
        retry_at: Option<Timestamp>,
        error: &str,
    ) -> StoreResult<()>;
    /// The mails queued for a chat, in any status, oldest first.
    async fn mail_of_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
    ) -> StoreResult<Vec<OutboxMail>>;
    /// Delivers an outbox mail to the local mailbox (no SMTP server configured): stores `mail`
    /// and marks its outbox mail (`mail.outbox`) sent at `mail.delivered_at`, in one
    /// transaction, so a crash leaves it either pending or delivered once. Returns the new
    /// message's id (ids ascend in delivery order). `NotFound` if there is no such outbox mail
    /// in `mail.account`. Durable on return.
    async fn deliver_to_mailbox(&self, mail: &MailboxMail) -> StoreResult<MailboxId>;
    /// An account's mailbox: messages with an id above `after`, oldest first, at most `limit`.
    async fn mailbox(
        &self,
        account: &AccountId,
        after: MailboxId,
        limit: u32,
    ) -> StoreResult<Vec<MailboxMail>>;

    /// Saves an offline message (`response`: an offline survey's answers, about no chat) and
    /// queues `notice` (a [`chatwire_core::MailKind::OfflineMessage`] notice, its `offline`
    /// ignored) naming it, in one transaction: never a message without its notice, never a
    /// notice of a message that did not commit. Returns the message's id (the one the offline
    /// list shows), which the stored notice's `offline` holds. Errors as
    /// [`SurveyStore::save_survey_response`]'s; `NotFound` also for an unknown account.
    /// Durable on return.
    async fn save_offline_with_notice(
        &self,
        response: &SurveyResponse,
        notice: &OutboxMail,
    ) -> StoreResult<i64>;
    /// Queues `alert` (a [`chatwire_core::MailKind::WaitingAlert`] notice about its chat) if
    /// that chat is still waiting and has never had a waiting alert, checked and written in
    /// one transaction; the alert itself is the durable marker (one per chat, ever, whoever
    /// races: another node, a restart). Returns the new mail's id, `None` when nothing was
    /// queued. `NotFound` if the chat is not the account's. Durable on return.
    async fn raise_waiting_alert(&self, alert: &OutboxMail) -> StoreResult<Option<MailId>>;
    /// Sets (`Some`) or clears (`None`) where staff mail goes: the skill's address when
    /// `skill` is given, else the account's. The address is stored as given (the engine
    /// validates it). `NotFound` for an unknown account, or a skill outside it.
    async fn set_staff_address(
        &self,
        account: &AccountId,
        skill: Option<SkillId>,
        address: Option<&str>,
    ) -> StoreResult<()>;
    /// The account's staff addresses: its own and those of its skills that have one.
    /// `NotFound` for an unknown account.
    async fn staff_addresses(&self, account: &AccountId) -> StoreResult<StaffAddresses>;

    /// Records that the chat's visitor was seen (made a request) at `at`, on some node; the
    /// stored time only moves forward. Several nodes then agree on when a silent visitor's chat
    /// times out although each sees only the polls that reach it. Callers throttle it (it is
    /// a write per call). The default does nothing: a store that only one process uses (it has
    /// no [`Store::wakeups`]) needs no shared record, the engine's memory is the whole truth.
    async fn record_visitor_seen(
        &self,
        _account: &AccountId,
        _key: &ChatKey,
        _at: Timestamp,
    ) -> StoreResult<()> {
        Ok(())
    }

    /// The latest time [`Store::record_visitor_seen`] recorded for the chat; `None` if never
    /// (or if the store does not record it, the default).
    async fn visitor_seen(
        &self,
        _account: &AccountId,
        _key: &ChatKey,
    ) -> StoreResult<Option<Timestamp>> {
        Ok(None)
    }

    /// Records that the agent made a request at `at`, on some node; the stored time only moves
    /// forward. Several nodes then agree on when an agent is idle although each sees only the
    /// requests that reach it. Callers throttle it (a heartbeat, not a write per request).
    /// `NotFound` for an agent outside the account. The default does nothing: a store that
    /// only one process uses (no [`Store::wakeups`]) needs no shared record.
    async fn record_agent_seen(
        &self,
        _account: &AccountId,
        _agent: AgentId,
        _at: Timestamp,
    ) -> StoreResult<()> {
        Ok(())
    }

    /// Every sighting [`Store::record_agent_seen`] recorded for the account's agents, by agent
    /// id (agents never recorded are absent; the default records nothing).
    async fn agents_seen(&self, _account: &AccountId) -> StoreResult<Vec<(AgentId, Timestamp)>> {
        Ok(Vec::new())
    }

    /// Counts one more chat the agent let ring out (ring timeout) since they last took one, and
    /// returns the new count, so that nodes agree on "N ring-outs in a row" whichever node saw
    /// each. `NotFound` for an agent outside the account. The default counts nothing (returns
    /// 0): a store only one process uses (no [`Store::wakeups`]) needs no shared count, the
    /// engine keeps it in memory.
    async fn add_ring_out(&self, _account: &AccountId, _agent: AgentId) -> StoreResult<u32> {
        Ok(0)
    }

    /// Resets the agent's ring-out count (they took a chat, or went Away for it). Resetting a
    /// count that is 0 is not an error. The default does nothing.
    async fn clear_ring_outs(&self, _account: &AccountId, _agent: AgentId) -> StoreResult<()> {
        Ok(())
    }

    /// Checks that the database answers (health checks). Backends may override with a cheaper
    /// query.
    async fn ping(&self) -> StoreResult<()> {
        self.list_accounts().await.map(|_| ())
    }

    /// Cross-process change hints (PostgreSQL `LISTEN`); `None` for single-process backends.
    /// Returning `Some` also tells the engine that other processes write this store, so it
    /// records shared state (visitor liveness) there. The stream is listening when this
    /// returns: any write committed afterwards is reported.
    async fn wakeups(&self) -> StoreResult<Option<BoxStream<'static, Wakeup>>> {
        Ok(None)
    }

    /// How the backend's connection pool is used now, for `/metrics`; `None` for a backend
    /// without one (SQLite has one writer thread and a fixed read pool).
    fn pool_status(&self) -> Option<PoolStatus> {
        None
    }

    /// How full the database's queue of cross-process wake-ups is, from 0 to 1 (PostgreSQL's
    /// `pg_notification_queue_usage()`), for `/metrics`; `None` for a backend without one.
    /// A node that stops reading its wake-ups fills it, and a full queue fails every write.
    async fn notify_queue_usage(&self) -> StoreResult<Option<f64>> {
        Ok(None)
    }
}
