//! What an agent does to a chat they work on: post a line, push a URL, end or close it,
//! correct the visitor's name, type. Every use case takes the [`AgentPrincipal`] and checks
//! here that the agent may read the chat (`access`), so no HTTP route can forget the check;
//! what a reader may not do is `Chat::decide`'s (only the handling agent writes).
//!
//! Rules owned here: typing is the handling agent's only; closing an ended chat changes nothing
//! (SuperOffice); the author of an agent line is the agent's directory record.

use chatwire_core::chat::TypingSide;
use chatwire_core::{ChatCommand, ChatKey, ChatState, DomainError, Typing};
use chatwire_store::Committed;

use crate::{AgentPrincipal, Engine, EngineResult, LineInput};

impl Engine {
    /// An agent posts a line; refused for a chat the agent may not read (and by
    /// `Chat::decide` for one they do not handle). Visitors post through
    /// [`Engine::visitor_post_line`].
    pub async fn agent_post_line(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        line: LineInput,
    ) -> EngineResult<Committed> {
        let author = self.agent(&who.account, who.agent).await?.as_actor();
        self.post_line(&who.account, key, author, line).await
    }

    /// An agent pushes a URL to the visitor.
    pub async fn push_url(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        url: String,
    ) -> EngineResult<Committed> {
        let (account, agent) = (&who.account, who.agent);
        self.readable_chat(account, key, agent).await?;
        let me = self.assigned(account, agent).await?;
        self.commit(account, key, ChatCommand::PushUrl { agent: me, url })
            .await
    }

    /// An agent ends a chat; refused for a chat the agent may not read (and by `Chat::decide`
    /// for one they do not handle). Visitors end through [`Engine::visitor_end_chat`].
    pub async fn agent_end_chat(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
    ) -> EngineResult<Committed> {
        let by = self.agent(&who.account, who.agent).await?.as_actor();
        self.end_chat(&who.account, key, by).await
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

    /// An agent corrects the visitor's name (SuperOffice `CustomerName`); refused for a chat
    /// the agent may not read.
    pub async fn agent_set_visitor_name(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        name: String,
    ) -> EngineResult<Committed> {
        self.readable_chat(&who.account, key, who.agent).await?;
        self.set_visitor_name(&who.account, key, name).await
    }

    /// Sets the agent's typing indicator; only the handling agent may.
    pub async fn set_agent_typing(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        typing: Typing,
    ) -> EngineResult<Committed> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.readable_chat(account, key, agent).await?;
        if !chat.is_handled_by(agent) {
            return Err(DomainError::NotParticipant.into());
        }
        self.commit(
            account,
            key,
            ChatCommand::SetTyping(TypingSide::Agent, typing),
        )
        .await
    }
}
