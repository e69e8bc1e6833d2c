//! Offline messages ("leave a message" surveys): listed newest first with an id cursor, and
//! marked handled by an admin.

use chatwire_core::history::OfflineMessage;
use chatwire_core::{AccountId, DomainError};

use super::page_limit;
use crate::{AdminCaller, Engine, EngineResult};

/// Most offline messages in one page.
pub const MAX_OFFLINE_PAGE: u32 = 200;

impl Engine {
    /// A page of the caller's account offline messages, newest first, and the cursor of the
    /// next page (admins only). `cursor` is a `next` this returned.
    pub async fn offline_messages(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        unhandled_only: bool,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> EngineResult<(Vec<OfflineMessage>, Option<String>)> {
        let admin = self.history_admin(by, account).await?;
        let limit = page_limit(limit, 50, MAX_OFFLINE_PAGE)?;
        let before =
            match cursor {
                None => None,
                Some(c) => Some(c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    DomainError::invalid("cursor", "not a cursor this API returned")
                })?),
            };
        let mut page = self
            .0
            .store
            .offline_messages(&admin.account, unhandled_only, before, limit + 1)
            .await?;
        let next = if page.len() > limit as usize {
            page.truncate(limit as usize);
            page.last().map(|m| m.id.to_string())
        } else {
            None
        };
        Ok((page, next))
    }

    /// Marks an offline message of the caller's account handled by the caller (admins only);
    /// marking it again keeps the first mark. `NotFound` if there is no such message.
    pub async fn mark_offline_handled(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: i64,
    ) -> EngineResult<OfflineMessage> {
        let admin = self.history_admin(by, account).await?;
        // An admin without an agent identity (none exists yet) is recorded as agent 0.
        let by = admin.agent.unwrap_or(chatwire_core::AgentId(0));
        Ok(self
            .0
            .store
            .mark_offline_handled(&admin.account, id, by, self.now())
            .await?)
    }
}
