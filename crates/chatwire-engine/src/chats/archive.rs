//! The session archive: one page of an account's chats, open and ended, that an agent may
//! list (SuperOffice `GET ChatSession`, `GET ChatTopic/{id}/Sessions`).
//!
//! Who sees what: admins every chat of their account; any other agent the chats they handle
//! or handled, open chats transferred to or from them, and open chats of their skills or
//! without a skill (the rule of `sessions_for_agent`, extended to the chats they handled that
//! have ended). The store answers the page from its indexes (`Store::query_chats`); each chat
//! then carries what the agent may be shown of it (`chatwire_core::access::disclosure`).

use chatwire_core::access::{self, ChatDisclosure};
use chatwire_core::chat_query::{ChatFilter, ChatOrder, ChatQuery, ChatScope};

use crate::{AgentChatView, AgentPrincipal, Engine, EngineResult};

/// The most chats one archive page holds, whatever the caller asks: the cost of a request
/// stays bounded.
pub const MAX_ARCHIVE_PAGE: u32 = 1000;

/// What a caller asks of the archive.
#[derive(Debug, Clone, Default)]
pub struct ArchivePage {
    /// What must hold of each chat; `None` lists every chat the agent may see.
    pub filter: Option<ChatFilter>,
    /// Sort keys (chat number ascending breaks ties).
    pub order: Vec<ChatOrder>,
    /// Chats skipped before the page.
    pub skip: u64,
    /// Chats in the page at most (clamped to [`MAX_ARCHIVE_PAGE`]).
    pub limit: u32,
    /// Read the events of the chats the agent may read (for first and last messages).
    pub with_events: bool,
}

impl Engine {
    /// One page of the chats `who` may list (see the module doc), each with its disclosure;
    /// events only with `page.with_events`, and only for chats the agent may read.
    pub async fn session_archive(
        &self,
        who: &AgentPrincipal,
        page: ArchivePage,
    ) -> EngineResult<Vec<AgentChatView>> {
        let account = &who.account;
        let load = self.agent_load(account, who.agent).await?;
        let scope = if load.agent.is_admin {
            ChatScope::Account
        } else {
            ChatScope::Agent {
                agent: load.agent.id,
                skills: load.agent.skills.clone(),
            }
        };
        let query = ChatQuery {
            account: account.clone(),
            scope,
            filter: page.filter,
            order: page.order,
            skip: page.skip,
            limit: page.limit.min(MAX_ARCHIVE_PAGE),
        };
        let chats = self.0.store.query_chats(&query).await?;
        let mut out = Vec::with_capacity(chats.len());
        for chat in chats {
            let disclosure = access::disclosure(&load, &chat);
            let (chat, events) = if page.with_events && disclosure == ChatDisclosure::Full {
                self.agent_history(account, &chat.key, who.agent).await?
            } else {
                (chat, Vec::new())
            };
            out.push(AgentChatView {
                chat,
                events,
                disclosure,
            });
        }
        Ok(out)
    }
}
