//! Access checks of agent requests on one chat, for every route of both dialects: the rules are
//! `chatwire_core::access`; this module gathers the agent's record and load from memory and
//! turns a [`Verdict::Hidden`] into the one refusal every dialect shows for a chat the agent may
//! not read (`Forbidden`, nothing of the chat in it).
//!
//! A use case checks before it acts: a hidden chat is refused before any "nothing happens"
//! answer or entity could reveal it. What an agent who may read the chat may not do is left to
//! `Chat::decide` (so the refusals keep their meaning: ended, wrong state, not a participant)
//! or, for SuperOffice's documented no-ops, to the use case.

use chatwire_core::access::{self, ChatAction, ChatDisclosure, Verdict};
use chatwire_core::{AccountId, AgentId, Chat, ChatEvent, ChatKey};

use crate::{AgentPrincipal, Engine, EngineError, EngineResult};

/// The refusal for a chat the agent may not read (the same for every route).
pub(crate) fn hidden() -> EngineError {
    EngineError::Forbidden("this chat belongs to another agent")
}

/// A chat with what an agent may be shown of it (`Engine::agent_chat_view`).
#[derive(Debug, Clone)]
pub struct AgentChatView {
    /// The chat (its latest state when its events were read).
    pub chat: Chat,
    /// Its events as the agent sees them; empty unless `disclosure` is `Full`.
    pub events: Vec<ChatEvent>,
    /// Which details of the chat the answer may carry.
    pub disclosure: ChatDisclosure,
}

impl Engine {
    /// What `agent` may do to `chat` (see `chatwire_core::access`).
    pub(crate) async fn chat_verdict(
        &self,
        account: &AccountId,
        chat: &Chat,
        agent: AgentId,
        action: ChatAction,
    ) -> EngineResult<Verdict> {
        // The common case (an agent reading their own chat) needs no directory or load.
        if action == ChatAction::Read && access::is_involved(agent, chat) {
            return Ok(Verdict::Allowed);
        }
        let load = self.agent_load(account, agent).await?;
        Ok(access::verdict(&load, chat, action))
    }

    /// A chat as `agent` may be shown it where a session is returned without refusing (lists,
    /// results of actions that hand the chat away): with its events when they may read it,
    /// otherwise without, and [`ChatDisclosure`] says which details the answer may carry.
    pub async fn agent_chat_view(
        &self,
        who: &AgentPrincipal,
        chat: &Chat,
    ) -> EngineResult<AgentChatView> {
        let (account, agent) = (&who.account, who.agent);
        let load = self.agent_load(account, agent).await?;
        let disclosure = access::disclosure(&load, chat);
        if disclosure != ChatDisclosure::Full {
            return Ok(AgentChatView {
                chat: chat.clone(),
                events: Vec::new(),
                disclosure,
            });
        }
        let (chat, events) = self.agent_history(account, &chat.key, agent).await?;
        Ok(AgentChatView {
            chat,
            events,
            disclosure,
        })
    }

    /// Refuses a chat `agent` may not read; otherwise whether they may do `action` (`false`:
    /// they may read it but not do this).
    pub(crate) async fn authorize(
        &self,
        account: &AccountId,
        chat: &Chat,
        agent: AgentId,
        action: ChatAction,
    ) -> EngineResult<bool> {
        match self.chat_verdict(account, chat, agent, action).await? {
            Verdict::Hidden => Err(hidden()),
            Verdict::ReadOnly => Ok(false),
            Verdict::Allowed => Ok(true),
        }
    }

    /// The chat, when `agent` may read it; refused otherwise (before anything acts on it).
    pub(crate) async fn readable_chat(
        &self,
        account: &AccountId,
        key: &ChatKey,
        agent: AgentId,
    ) -> EngineResult<Chat> {
        let chat = self.chat(account, key).await?;
        self.authorize(account, &chat, agent, ChatAction::Read)
            .await?;
        Ok(chat)
    }
}
