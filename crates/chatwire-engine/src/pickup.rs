//! SuperOffice-style queue use cases over the shared chat commands: the sessions an agent may
//! see, pick-up that answers "nothing" rather than failing when a chat has left the queue,
//! transfers addressed by user name or id, accepting and rejecting pending transfers as no-ops
//! when nothing is pending, and closing a session. Every "nothing happens" is only for an agent
//! who may read the chat (`access`); a chat the agent may not read is refused first.
//!
//! The rules are the engine's (routing, `Chat::decide`); this module only chooses which command
//! a request means and which refusals are "nothing happened".

use chatwire_core::access::ChatAction;
use chatwire_core::{
    AccountId, Agent, AgentId, Chat, ChatKey, ChatState, DomainError, TransferTarget,
};

use crate::{AgentPrincipal, Engine, EngineError, EngineResult, TransferTo};

impl Engine {
    /// An agent by login name (case-insensitive) or, failing that, by numeric id text.
    pub async fn agent_by_login_or_id(
        &self,
        account: &AccountId,
        name_or_id: &str,
    ) -> EngineResult<Agent> {
        let text = name_or_id.trim();
        match self.agent_by_login(account, text).await {
            Err(EngineError::NotFound(_)) => match text.parse::<i64>() {
                Ok(id) => self.agent(account, AgentId(id)).await,
                Err(_) => Err(EngineError::NotFound("agent")),
            },
            other => other,
        }
    }

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
    pub async fn pick_up(
        &self,
        account: &AccountId,
        agent: AgentId,
        key: &ChatKey,
    ) -> EngineResult<Option<Chat>> {
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

    /// Transfers a chat the agent handles to another agent (by login name or id). A chat the
    /// agent may read but does not handle is left as it is (SuperOffice: "nothing happens");
    /// a chat the agent may not read is refused, and so is a transfer to oneself (as
    /// LivePerson refuses it).
    pub async fn transfer_to_agent(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        to: &str,
    ) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.chat(account, key).await?;
        let handles = self
            .authorize(account, &chat, agent, ChatAction::Transfer)
            .await?;
        if !handles {
            // A reader who may not transfer gets the documented no-op without the target being
            // looked up, so the answer never tells whether a login exists.
            let me = self.agent(account, agent).await?;
            if names_agent(&me, to) {
                return Err(to_yourself());
            }
            return Ok(chat);
        }
        let target = self.agent_by_login_or_id(account, to).await?;
        if target.id == agent {
            return Err(to_yourself());
        }
        let done = self
            .transfer(who, key, TransferTo::Agent(target.id), String::new())
            .await?;
        Ok(done.chat)
    }

    /// Accepts a pending transfer: a personal one by its target, a skill one by an agent of
    /// the skill (routing decides, in `Chat::decide`). Without a pending transfer nothing
    /// happens, for an agent who may read the chat; a chat the agent may not read is refused.
    pub async fn accept_transfer(&self, who: &AgentPrincipal, key: &ChatKey) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.chat(account, key).await?;
        self.authorize(account, &chat, agent, ChatAction::Take)
            .await?;
        if chat.transfer.is_none() || chat.state != ChatState::Waiting {
            return Ok(chat);
        }
        Ok(self.accept(account, agent, key).await?.chat)
    }

    /// Declines a personal transfer to this agent. Without one nothing happens, for an agent
    /// who may read the chat; a chat the agent may not read is refused.
    pub async fn decline_transfer(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
    ) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        match self.reject_transfer(account, key, agent).await {
            Ok(c) => Ok(c.chat),
            Err(EngineError::Domain(DomainError::NoPendingTransfer | DomainError::ChatEnded)) => {
                self.chat(account, key).await
            }
            Err(e) => Err(e),
        }
    }

    /// Closes a session: the handling agent ends it; an ended chat stays ended (for an agent
    /// who may read it). Anyone else is refused (`NotParticipant`, or `Forbidden` for a chat
    /// they may not read).
    pub async fn close_session(&self, who: &AgentPrincipal, key: &ChatKey) -> EngineResult<()> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.readable_chat(account, key, agent).await?;
        if chat.state == ChatState::Ended {
            return Ok(());
        }
        let by = self.agent(account, agent).await?.as_actor();
        self.end_chat(account, key, by).await.map(|_| ())
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

fn to_yourself() -> EngineError {
    DomainError::invalid("transfer", "cannot transfer a chat to yourself").into()
}

/// Whether `text` (a login or an id, as `agent_by_login_or_id` reads it) names `agent`.
fn names_agent(agent: &Agent, text: &str) -> bool {
    let text = text.trim();
    agent.login_name.eq_ignore_ascii_case(text)
        || text.parse::<i64>().is_ok_and(|id| id == agent.id.0)
}
