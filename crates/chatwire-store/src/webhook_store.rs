//! [`WebhookStore`]: outbound webhook subscriptions, their delivery cursor, the claim that
//! hands a due subscription to one delivery worker (one node) at a time, and dead letters.
//! A supertrait of [`crate::Store`], so every backend has it and `dyn Store` reaches it.
//!
//! Why a cursor and not a delivery row per event: a subscription's pending deliveries are the
//! account's events after its cursor (`chat_events`, indexed by account and seq), so the
//! transaction that appends an event is the one that commits its deliveries, the append path
//! writes nothing more for webhooks, and no delivery can name an uncommitted event. Global
//! sequence numbers are assigned in commit order (see the crate docs), so a cursor never skips
//! an event that commits late.
//!
//! The log a subscription reads is the merge of two tables numbered by that one sequence:
//! `chat_events` and `account_events` (offline messages, submitted surveys, availability
//! changes, typing; [`chatwire_core::AccountEvent`]). Account events are written in the
//! transaction of their cause (`save_survey_response`, `update_agent`) or alone
//! ([`WebhookStore::append_account_event`], typing), so the same guarantees hold for them.
//! An account event is written only while a subscription of its account (enabled or paused)
//! takes its kind, checked in the same transaction against a consistent view of the
//! subscriptions: nothing would ever read it otherwise, and accounts without webhooks keep
//! their global sequence (SuperOffice message ids, feed cursors) exactly as before.

use async_trait::async_trait;
use chatwire_core::{
    AccountEvent, AccountEventKind, AccountId, DeadLetter, GlobalSeq, LogEntry, Timestamp, Webhook,
    WebhookId, WebhookKinds, WebhookProgress,
};

use crate::StoreResult;

/// Persistence of webhook subscriptions and their deliveries (see the module docs).
#[async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    /// Stores a subscription and assigns its id. Its `progress` is ignored: the cursor starts
    /// at the last committed event (it receives events committed after it was created), with
    /// no attempts, due at `created_at`. `NotFound` if the account does not exist.
    async fn create_webhook(&self, new: &Webhook) -> StoreResult<Webhook>;

    /// An account's subscriptions, by id.
    async fn list_webhooks(&self, account: &AccountId) -> StoreResult<Vec<Webhook>>;

    /// Every enabled subscription, server-wide, as (account, id, kinds), by id. The engine
    /// polls it (every few seconds) so that a commit wakes its worker only when the account has
    /// a subscription that could be due, and records typing only for accounts that take it.
    async fn enabled_webhooks(&self) -> StoreResult<Vec<(AccountId, WebhookId, WebhookKinds)>>;

    /// One subscription of an account; `NotFound` outside it.
    async fn get_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<Webhook>;

    /// Replaces a subscription's URL, secret, kinds, format and enabled flag (its progress
    /// stays). `NotFound` if it is not `webhook.account`'s.
    async fn update_webhook(&self, webhook: &Webhook) -> StoreResult<()>;

    /// Deletes a subscription with its dead letters. `NotFound` outside the account.
    async fn delete_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<()>;

    /// Claims up to `limit` subscriptions for one delivery attempt each: enabled, due
    /// (`next_attempt_at <= now`) and with at least one event of their account after their
    /// cursor (a chat event or an account event); earliest due first. Each one's `next_attempt_at` becomes `lease_until` in the
    /// same statement as the selection (PostgreSQL: `FOR UPDATE SKIP LOCKED`), so no other
    /// worker gets it before the lease ends: one attempt in flight per subscription, cluster
    /// wide. Returned as stored after the claim.
    async fn claim_due_webhooks(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Webhook>>;

    /// Records the outcome of an attempt made from cursor `from`: the subscription's progress
    /// becomes `progress` and, with `dead`, the dead letter is stored (its id assigned), in one
    /// transaction, but only if the cursor is still `from`. Returns false (nothing written)
    /// when it moved: the claim was stale (its lease ended and another worker went on).
    /// `NotFound` if the subscription is gone.
    async fn settle_webhook(
        &self,
        id: WebhookId,
        from: GlobalSeq,
        progress: &WebhookProgress,
        dead: Option<&DeadLetter>,
    ) -> StoreResult<bool>;

    /// A subscription's dead letters, oldest first. `NotFound` if the subscription is not the
    /// account's.
    async fn list_dead_letters(
        &self,
        account: &AccountId,
        webhook: WebhookId,
    ) -> StoreResult<Vec<DeadLetter>>;

    /// Deletes a dead letter (it was replayed). `NotFound` if it is not the subscription's, or
    /// the subscription not the account's.
    async fn delete_dead_letter(
        &self,
        account: &AccountId,
        webhook: WebhookId,
        id: i64,
    ) -> StoreResult<()>;

    /// An account's merged log after `after`: its chat events (as `feed_since` has them) and
    /// its account events, in seq order, at most `limit`, read in one snapshot (so a cursor
    /// moved to the last entry never passes an entry of either table that commits later).
    async fn webhook_log_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<LogEntry>>;

    /// Appends an account event that has no stored cause (a typing indicator) with the next
    /// global sequence number, committed on return. `None` (nothing written) when no
    /// subscription of the account takes its kind: like every account event (see the module
    /// docs). `NotFound` if the account does not exist.
    async fn append_account_event(
        &self,
        account: &AccountId,
        at: Timestamp,
        kind: &AccountEventKind,
    ) -> StoreResult<Option<AccountEvent>>;
}
