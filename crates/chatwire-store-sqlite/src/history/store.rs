//! [`HistoryStore`] for [`SqliteStore`]: reads to the read pool, writes (deletions, retention
//! steps, marks) to the writer thread, like every other write.

use async_trait::async_trait;
use chatwire_core::history::{ChatFact, Erased, HistoryQuery, OfflineMessage, VisitorRef};
use chatwire_core::{AccountId, AgentId, Chat, ChatKey, Timestamp};
use chatwire_store::{HistoryStore, StoreResult};

use crate::SqliteStore;
use crate::history;

#[async_trait]
impl HistoryStore for SqliteStore {
    async fn search_chats(&self, query: &HistoryQuery) -> StoreResult<Vec<Chat>> {
        let query = query.clone();
        self.readers
            .run(move |c| history::search_chats(c, &query))
            .await
    }

    async fn chat_facts(
        &self,
        account: &AccountId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<ChatFact>> {
        let account = account.clone();
        self.readers
            .run(move |c| history::chat_facts(c, &account, from, to))
            .await
    }

    async fn offline_messages(
        &self,
        account: &AccountId,
        unhandled_only: bool,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<OfflineMessage>> {
        let account = account.clone();
        self.readers
            .run(move |c| history::offline_messages(c, &account, unhandled_only, before, limit))
            .await
    }

    async fn mark_offline_handled(
        &self,
        account: &AccountId,
        id: i64,
        by: AgentId,
        at: Timestamp,
    ) -> StoreResult<OfflineMessage> {
        let account = account.clone();
        self.writer
            .run(move |cx| history::mark_offline_handled(cx, &account, id, by, at))
            .await
    }

    async fn delete_chat(&self, account: &AccountId, key: &ChatKey) -> StoreResult<Erased> {
        let (account, key) = (account.clone(), key.clone());
        self.writer
            .run(move |cx| history::delete_chat(cx, &account, &key))
            .await
    }

    async fn erase_visitor(&self, account: &AccountId, who: &VisitorRef) -> StoreResult<Erased> {
        let (account, who) = (account.clone(), who.clone());
        self.writer
            .run(move |cx| history::erase_visitor(cx, &account, &who))
            .await
    }

    async fn set_retention(&self, account: &AccountId, days: Option<u32>) -> StoreResult<()> {
        let account = account.clone();
        self.writer
            .run(move |cx| history::set_retention(cx, &account, days))
            .await
    }

    async fn retention(&self, account: &AccountId) -> StoreResult<Option<u32>> {
        let account = account.clone();
        self.readers
            .run(move |c| history::retention(c, &account))
            .await
    }

    async fn retention_policies(&self) -> StoreResult<Vec<(AccountId, u32)>> {
        self.readers.run(history::retention_policies).await
    }

    async fn sweep_retention(
        &self,
        account: &AccountId,
        ended_before: Timestamp,
        max: u32,
    ) -> StoreResult<Erased> {
        let account = account.clone();
        self.writer
            .run(move |cx| history::sweep_retention(cx, &account, ended_before, max))
            .await
    }
}
