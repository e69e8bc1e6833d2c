//! Taking chats from the queue the SuperOffice way: the sessions an agent may see, and pick-up
//! that answers "nothing" rather than failing when a chat has left the queue (another agent
//! won the race). Every "nothing happens" is only for an agent who may read the chat
//! (`chats::access`); a chat the agent may not read is refused first.
//!
//! The rules are the engine's (routing, `Chat::decide`); this module only chooses which command
//! a request means and which refusals are "nothing happened".

use chatwire_core::access::ChatAction;
use chatwire_core::{Agent, Chat, ChatKey, ChatState, DomainError, TransferTarget};

use crate::{AgentPrincipal, Engine, EngineError, EngineResult};

impl Engine {
    /// Open chats the agent may see as sessions, by number: chats in their skills or with no
    /// skill, chats they handle, and chats transferred to or from them; admins see every open
    /// chat of the account.
    pub async fn sessions_for_agent(&self, who: &AgentPrincipal) -> EngineResult<Vec<Chat>> {
        let (account, agent) = (&who.account, who.agent);
        let me = self.agent(account, agent).await?;
        Ok(self
            .open_chats(account)
            .into_iter()
            .filter(|c| me.is_admin || is_session_of(&me, c))
            .collect())
    }

    /// Picks up a chat from the queue (only agents it is routed to take it: `Chat::decide`).
    /// `None` when it is not waiting (taken, ended), including when another agent wins the
    /// race, for an agent whose sessions it is among or who may read it; for anyone else the
    /// chat is hidden and the pick-up refused.
    pub async fn pick_up(&self, who: &AgentPrincipal, key: &ChatKey) -> EngineResult<Option<Chat>> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.chat(account, key).await?;
        if chat.state != ChatState::Waiting {
            // Gone from the queue: the agents whose sessions list showed it learn only that
            // (they lost the race); for anyone else the chat is hidden.
            let me = self.agent(account, agent).await?;
            if !me.is_admin && !is_session_of(&me, &chat) {
                self.authorize(account, &chat, agent, ChatAction::Read)
                    .await?;
            }
            return Ok(None);
        }
        match self.accept(account, agent, key).await {
            Ok(c) => Ok(Some(c.chat)),
            Err(EngineError::Domain(DomainError::WrongState { .. } | DomainError::ChatEnded)) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Picks up the first chat waiting for this agent (personal transfers first, then the
    /// longest waiting). `None` when nothing waits.
    pub async fn pick_up_first(&self, who: &AgentPrincipal) -> EngineResult<Option<Chat>> {
        match self.accept_next(who).await {
            Ok(c) => Ok(Some(c.chat)),
            Err(EngineError::NothingToDo(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Whether `chat` is one of `agent`'s sessions (see [`Engine::sessions_for_agent`]).
fn is_session_of(agent: &Agent, chat: &Chat) -> bool {
    let handled = chat.agent.as_ref().is_some_and(|a| a.id == agent.id);
    let transfer = chat.transfer.as_ref().is_some_and(|t| {
        t.from.as_ref().is_some_and(|f| f.id == agent.id)
            || matches!(t.target, TransferTarget::Agent { id, .. } if id == agent.id)
    });
    handled || transfer || chat.skill.is_none_or(|s| agent.has_skill(s))
}
