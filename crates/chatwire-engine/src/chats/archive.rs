//! The session archive: one page of an account's chats, open and ended, that an agent may
//! list (SuperOffice `GET ChatSession`, `GET ChatTopic/{id}/Sessions`).
//!
//! Who sees what: admins every chat of their account; any other agent the chats they handle
//! or handled, open chats transferred to or from them, and open chats of their skills or
//! without a skill (the rule of `sessions_for_agent`, extended to the chats they handled that
//! have ended). The store answers the page from its indexes (`Store::query_chats`); each chat
//! then carries what the agent may be shown of it (`chatwire_core::access::disclosure`).

use chatwire_core::access::{self, ChatDisclosure};
use chatwire_core::chat_query::{ChatField, ChatFilter, ChatOrder, ChatQuery, ChatScope};

use crate::{AgentChatView, AgentPrincipal, Engine, EngineError, EngineResult};

/// The most chats one archive page holds, whatever the caller asks: the cost of a request
/// stays bounded.
pub const MAX_ARCHIVE_PAGE: u32 = 1000;
/// The most chats of one page whose events are read (first and last messages): each is a read
/// of the chat's history, so such a page is shorter.
pub(crate) const MAX_ARCHIVE_PAGE_WITH_EVENTS: u32 = 100;

/// What a caller asks of the archive.
#[derive(Debug, Clone, Default)]
pub struct ArchivePage {
    /// What must hold of each chat; `None` lists every chat the agent may see.
    pub filter: Option<ChatFilter>,
    /// Sort keys (chat number ascending breaks ties).
    pub order: Vec<ChatOrder>,
    /// Chats skipped before the page.
    pub skip: u64,
    /// Chats in the page at most (clamped to [`MAX_ARCHIVE_PAGE`], or to
    /// [`MAX_ARCHIVE_PAGE_WITH_EVENTS`] with events).
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
        // Other agents' ongoing chats are listed in outline, without the customer's name; a
        // filter or sort on that name would still reveal it, one comparison at a time.
        let by_name = page
            .filter
            .as_ref()
            .is_some_and(|f| f.mentions(ChatField::VisitorName))
            || page.order.iter().any(|o| o.field == ChatField::VisitorName);
        if by_name && !load.agent.is_admin {
            return Err(EngineError::Forbidden(
                "filtering or sorting on the customer name needs the admin right",
            ));
        }
        let most = if page.with_events {
            MAX_ARCHIVE_PAGE_WITH_EVENTS
        } else {
            MAX_ARCHIVE_PAGE
        };
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
            limit: page.limit.min(most),
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
