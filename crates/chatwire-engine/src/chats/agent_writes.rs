//! What an agent does to a chat they work on: post a line, push a URL, end or close it,
//! correct the visitor's name, type. Every use case takes the [`AgentPrincipal`] and checks
//! here that the agent may read the chat (`access`), so no HTTP route can forget the check;
//! what a reader may not do is `Chat::decide`'s (only the handling agent writes).
//!
//! Rules owned here: typing is the handling agent's only; closing an ended chat changes nothing
//! (SuperOffice); a session is closed by its handling agent, the agent who opened it for a
//! customer, an admin or a manager of its topic; the author of an agent line is the agent's
//! directory record; a chat an agent opens for a customer records that agent.

use std::net::IpAddr;

use chatwire_core::access::ChatAction;
use chatwire_core::chat::{CustomerUpdate, TypingSide};
use chatwire_core::{Chat, ChatCommand, ChatKey, ChatState, DomainError, Typing};
use chatwire_store::Committed;

use crate::{AgentPrincipal, ChatRequestInput, Engine, EngineResult, LineInput, TopicRights};

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

    /// Closes a session (SuperOffice `DeleteChatSessionEntity`): the handling agent ends it;
    /// the agent who opened it for a customer, an admin or a manager of its topic closes it
    /// whatever its state; an ended chat stays ended (for an agent who may read it). Anyone
    /// else is refused (`NotParticipant`, or `Forbidden` for a chat they may not read).
    pub async fn close_session(&self, who: &AgentPrincipal, key: &ChatKey) -> EngineResult<()> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.readable_chat(account, key, agent).await?;
        if chat.state == ChatState::Ended {
            return Ok(());
        }
        let me = self.agent(account, agent).await?;
        if chat.is_handled_by(agent) {
            return self.end_chat(account, key, me.as_actor()).await.map(|_| ());
        }
        let manages = chat
            .skill
            .is_some_and(|topic| TopicRights::of(&me, topic).manage);
        if !manages
            && !self
                .authorize(account, &chat, agent, ChatAction::Delete)
                .await?
        {
            return Err(DomainError::NotParticipant.into());
        }
        let by = me.as_assigned();
        self.commit(account, key, ChatCommand::Close { by })
            .await
            .map(|_| ())
    }

    /// Opens a chat in a queue on a customer's behalf (SuperOffice `SaveChatSessionEntity`
    /// with id 0, `CreateChatSessionForTopic`). The chat records its creator and has no
    /// visitor client: no app key speaks for it, and the visitor timeout does not end it.
    pub async fn open_session_for_customer(
        &self,
        who: &AgentPrincipal,
        mut input: ChatRequestInput,
        from: Option<IpAddr>,
    ) -> EngineResult<Committed> {
        self.agent(&who.account, who.agent).await?;
        input.request.opened_by = Some(who.agent);
        input.request.app_key = None;
        self.request_chat_from(&who.account, input, from).await
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

    /// An agent corrects or records customer details (SuperOffice `SaveChatSessionEntity` on
    /// an existing session); refused for a chat the agent may not read. An update that changes
    /// nothing commits nothing and answers the chat as it is.
    pub async fn agent_update_customer(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        update: CustomerUpdate,
    ) -> EngineResult<Chat> {
        let chat = self.readable_chat(&who.account, key, who.agent).await?;
        update.validate()?;
        if update.is_noop_for(&chat) {
            return Ok(chat);
        }
        // Reading the chat is not enough to rewrite its customer (a colleague it rings for,
        // a former handler): only its agent, its opener or an admin.
        if !self
            .authorize(&who.account, &chat, who.agent, ChatAction::EditCustomer)
            .await?
        {
            return Err(DomainError::NotParticipant.into());
        }
        let done = self
            .commit(
                &who.account,
                key,
                ChatCommand::UpdateCustomer(Box::new(update)),
            )
            .await?;
        Ok(done.chat)
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
        let done = self
            .commit(
                account,
                key,
                ChatCommand::SetTyping(TypingSide::Agent, typing),
            )
            .await?;
        self.record_typing(&chat, TypingSide::Agent, typing).await;
        Ok(done)
    }
}
