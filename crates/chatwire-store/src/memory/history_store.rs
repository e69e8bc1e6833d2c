//! [`HistoryStore`] for the in-memory store: each method one call under the lock (the logic
//! is in `history`).

use async_trait::async_trait;
use chatwire_core::history::{ChatFact, Erased, HistoryQuery, OfflineMessage, VisitorRef};
use chatwire_core::{AccountId, AgentId, Chat, ChatKey, Timestamp};

use super::MemoryStore;
use crate::{HistoryStore, StoreResult};

#[async_trait]
impl HistoryStore for MemoryStore {
    async fn search_chats(&self, query: &HistoryQuery) -> StoreResult<Vec<Chat>> {
        Ok(self.lock()?.search_chats(query))
    }

    async fn chat_facts(
        &self,
        a: &AccountId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<ChatFact>> {
        Ok(self.lock()?.chat_facts(a, from, to))
    }

    async fn offline_messages(
        &self,
        a: &AccountId,
        unhandled_only: bool,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OfflineMessage>> {
        Ok(self
            .lock()?
            .offline_messages(a, unhandled_only, before, limit))
    }

    async fn mark_offline_handled(
        &self,
        a: &AccountId,
        id: i64,
        by: AgentId,
        at: Timestamp,
    ) -> StoreResult<OfflineMessage> {
        self.lock()?.mark_offline_handled(a, id, by, at)
    }

    async fn delete_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Erased> {
        self.lock()?.delete_chat(account, key)
    }

    async fn erase_visitor(&self, account: &AccountId, who: &VisitorRef) -> StoreResult<Erased> {
        self.lock()?.erase_visitor(account, who)
    }

    async fn set_retention(&self, account: &AccountId, days: Option<u32>) -> StoreResult<()> {
        self.lock()?.set_retention(account, days)
    }

    async fn retention(&self, account: &AccountId) -> StoreResult<Option<u32>> {
        Ok(self.lock()?.retention.get(account).copied())
    }

    async fn retention_policies(&self) -> StoreResult<Vec<(AccountId, u32)>> {
        let inner = self.lock()?;
        Ok(inner
            .retention
            .iter()
            .map(|(a, d)| (a.clone(), *d))
            .collect())
    }

    async fn sweep_retention(
        &self,
        a: &AccountId,
        ended_before: Timestamp,
        max: u32,
    ) -> StoreResult<Erased> {
        Ok(self.lock()?.sweep_retention(a, ended_before, max))
    }
}
