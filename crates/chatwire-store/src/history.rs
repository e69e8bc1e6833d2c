//! [`HistoryStore`]: the part of the store that answers for an account's past (issue 15,
//! items 3-5): history search, statistics' raw data, offline messages, deletion and retention.
//! A supertrait of [`crate::Store`], so every backend implements it and every `dyn Store`
//! answers it (bring the trait into scope to call its methods).
//!
//! Semantics (filters, words, order, cursor, what deleting removes) are
//! `chatwire_core::history`'s; the conformance suite (`run_history`, `run_erasure`) checks them
//! on every backend.

use async_trait::async_trait;
use chatwire_core::history::{ChatFact, Erased, HistoryQuery, OfflineMessage, VisitorRef};
use chatwire_core::{AccountId, AgentId, Chat, ChatKey, Timestamp};

use crate::StoreResult;

/// History, statistics, offline messages, deletion and retention.
#[async_trait]
pub trait HistoryStore: Send + Sync {
    /// One page of an account's chat history, as `query` asks (filters, words, cursor;
    /// semantics in `chatwire_core::history`): newest first, at most `query.limit`. SQL
    /// backends answer from indexed columns and their full-text index.
    async fn search_chats(&self, query: &HistoryQuery) -> StoreResult<Vec<Chat>>;
    /// Statistics' raw data: one fact per chat of the account requested in `[from, to)`.
    async fn chat_facts(
        &self,
        account: &AccountId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<ChatFact>>;
    /// The account's offline messages, newest first: ids below `before` (all when `None`),
    /// only unhandled ones when `unhandled_only`, at most `limit`.
    async fn offline_messages(
        &self,
        account: &AccountId,
        unhandled_only: bool,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OfflineMessage>>;
    /// Marks an offline message handled by `by` at `at` (again: the first mark stays).
    /// `NotFound` if the account has no offline message `id`.
    async fn mark_offline_handled(
        &self,
        account: &AccountId,
        id: i64,
        by: AgentId,
        at: Timestamp,
    ) -> StoreResult<OfflineMessage>;
    /// Deletes an ended chat with everything about it (events, search entries, survey
    /// responses, mail) in one transaction. `NotFound` if it is not the account's, `Conflict`
    /// if it is still open.
    async fn delete_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Erased>;
    /// Deletes everything about one visitor in one transaction: their chats as
    /// [`Store::delete_chat`] does, their offline messages, and (by e-mail) mail sent to them.
    /// `Conflict`, deleting nothing, if one of their chats is still open.
    async fn erase_visitor(&self, account: &AccountId, who: &VisitorRef) -> StoreResult<Erased>;
    /// Sets (`Some(days)`) or clears the account's retention period. `NotFound` if there is no
    /// such account.
    async fn set_retention(&self, account: &AccountId, days: Option<u32>) -> StoreResult<()>;
    /// The account's retention period in days; `None`: kept forever.
    async fn retention(&self, account: &AccountId) -> StoreResult<Option<u32>>;
    /// Every account with a retention period, with it.
    async fn retention_policies(&self) -> StoreResult<Vec<(AccountId, u32)>>;
    /// One bounded step of retention, in one transaction: deletes up to `max_chats` of the
    /// account's chats that ended before `ended_before` (oldest first), with everything about
    /// them, and up to `max_chats` of its survey responses about no chat (offline messages,
    /// which hold e-mail addresses and text) submitted before `ended_before` (oldest first),
    /// counted in `survey_responses` / `offline_messages` and in `chatless_responses`. Fewer
    /// than `max_chats` chats and fewer than `max_chats` chat-less responses deleted means
    /// none are left.
    async fn sweep_retention(
        &self,
        account: &AccountId,
        ended_before: Timestamp,
        max_chats: u32,
    ) -> StoreResult<Erased>;
}
