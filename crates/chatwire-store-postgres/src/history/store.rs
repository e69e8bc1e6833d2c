//! [`HistoryStore`] for [`PgStore`]: reads and single statements on a pooled client; deletions
//! and retention steps each in a transaction of their own (`erase`).

use async_trait::async_trait;
use chatwire_core::history::{ChatFact, Erased, HistoryQuery, OfflineMessage, VisitorRef};
use chatwire_core::{AccountId, AgentId, Chat, ChatKey, Timestamp};
use chatwire_store::{HistoryStore, StoreResult};

use crate::PgStore;
use crate::history;

#[async_trait]
impl HistoryStore for PgStore {
    async fn search_chats(&self, query: &HistoryQuery) -> StoreResult<Vec<Chat>> {
        history::search_chats(&self.client().await?, query).await
    }

    async fn chat_facts(
        &self,
        a: &AccountId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<ChatFact>> {
        history::chat_facts(&self.client().await?, a, from, to).await
    }

    async fn offline_messages(
        &self,
        a: &AccountId,
        unhandled: bool,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OfflineMessage>> {
        history::offline_messages(&self.client().await?, a, unhandled, before, limit).await
    }

    async fn mark_offline_handled(
        &self,
        a: &AccountId,
        id: i64,
        by: AgentId,
        at: Timestamp,
    ) -> StoreResult<OfflineMessage> {
        history::mark_offline_handled(&self.client().await?, a, id, by, at).await
    }

    async fn delete_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Erased> {
        history::delete_chat(&self.pool, account, key).await
    }

    async fn erase_visitor(&self, account: &AccountId, who: &VisitorRef) -> StoreResult<Erased> {
        history::erase_visitor(&self.pool, account, who).await
    }

    async fn set_retention(&self, account: &AccountId, days: Option<u32>) -> StoreResult<()> {
        history::set_retention(&self.client().await?, account, days).await
    }

    async fn retention(&self, account: &AccountId) -> StoreResult<Option<u32>> {
        history::retention(&self.client().await?, account).await
    }

    async fn retention_policies(&self) -> StoreResult<Vec<(AccountId, u32)>> {
        history::retention_policies(&self.client().await?).await
    }

    async fn sweep_retention(
        &self,
        a: &AccountId,
        ended_before: Timestamp,
        max: u32,
    ) -> StoreResult<Erased> {
        history::sweep_retention(&self.pool, a, ended_before, max).await
    }
}
