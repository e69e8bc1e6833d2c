//! What a visitor application does to a chat: open it, post a line, end it, set the visitor's
//! name, typing and custom variables, ask for the transcript by mail. Every use case takes the
//! [`VisitorCaller`] and checks here that its app key may act on the chat, so no HTTP route can
//! forget the check; a write also counts as visitor activity (keeps the chat from timing out).
//!
//! The rule: a chat opened with an app key belongs to that key; a chat an agent opened for a
//! customer (SuperOffice) has no visitor client, so no key speaks for it; any other chat opened
//! without a key may be acted on by any key of its account. Keys of another account never get here
//! (`Engine::visitor_caller` refuses them, and chats are looked up in the caller's account).

use std::net::IpAddr;

use chatwire_core::chat::{CustomVariable, TypingSide};
use chatwire_core::{Actor, Chat, ChatCommand, ChatKey, Typing};
use chatwire_store::Committed;

use crate::{
    ChatRequestInput, Engine, EngineError, EngineResult, LineInput, TranscriptRequest,
    VisitorCaller,
};

/// Refuses `chat` unless `app_key` may act as its visitor.
pub(crate) fn may_act_on(app_key: &str, chat: &Chat) -> EngineResult<()> {
    if !chat.has_visitor_client() {
        return Err(EngineError::Forbidden(
            "this chat was opened by an agent for a customer; no app key speaks for it",
        ));
    }
    match &chat.request.app_key {
        Some(owner) if owner != app_key => Err(EngineError::Forbidden(
            "this chat was opened with another app key",
        )),
        _ => Ok(()),
    }
}

impl Engine {
    /// The chat `key` of the visitor's account when the visitor may act on it (refused
    /// otherwise, before anything acts on it); counts as visitor activity.
    pub(crate) async fn own_chat(
        &self,
        visitor: &VisitorCaller,
        key: &ChatKey,
    ) -> EngineResult<Chat> {
        let chat = self.chat(visitor.account(), key).await?;
        may_act_on(&visitor.app_key().key, &chat)?;
        self.touch_visitor(visitor.account(), key);
        Ok(chat)
    }

    /// Opens a chat for the visitor application, from client address `from`; the chat
    /// belongs to the caller's app key (only that key may act as its visitor). Throttled like
    /// [`Engine::request_chat_from`].
    pub async fn visitor_request_chat(
        &self,
        visitor: &VisitorCaller,
        input: ChatRequestInput,
        from: Option<IpAddr>,
    ) -> EngineResult<Committed> {
        let mut input = input;
        input.request.app_key = Some(visitor.app_key().key.clone());
        self.request_chat_from(visitor.account(), input, from).await
    }

    /// Posts a line as the chat's visitor.
    pub async fn visitor_post_line(
        &self,
        visitor: &VisitorCaller,
        key: &ChatKey,
        line: LineInput,
    ) -> EngineResult<Committed> {
        self.own_chat(visitor, key).await?;
        self.post_line(visitor.account(), key, Actor::Visitor, line)
            .await
    }

    /// The visitor ends their chat.
    pub async fn visitor_end_chat(
        &self,
        visitor: &VisitorCaller,
        key: &ChatKey,
    ) -> EngineResult<Committed> {
        self.own_chat(visitor, key).await?;
        self.end_chat(visitor.account(), key, Actor::Visitor).await
    }

    /// The visitor sets their display name.
    pub async fn visitor_set_name(
        &self,
        visitor: &VisitorCaller,
        key: &ChatKey,
        name: String,
    ) -> EngineResult<Committed> {
        self.own_chat(visitor, key).await?;
        self.set_visitor_name(visitor.account(), key, name).await
    }

    /// Sets the visitor's typing indicator.
    pub async fn set_visitor_typing(
        &self,
        visitor: &VisitorCaller,
        key: &ChatKey,
        typing: Typing,
    ) -> EngineResult<Committed> {
        let chat = self.own_chat(visitor, key).await?;
        let done = self
            .commit(
                visitor.account(),
                key,
                ChatCommand::SetTyping(TypingSide::Visitor, typing),
            )
            .await?;
        self.record_typing(&chat, TypingSide::Visitor, typing).await;
        Ok(done)
    }

    /// Queues the chat's transcript for mailing at the visitor's request (see
    /// `Engine::queue_transcript` for what is checked and when it is sent).
    pub async fn request_transcript(
        &self,
        visitor: &VisitorCaller,
        key: &ChatKey,
        request: TranscriptRequest,
    ) -> EngineResult<()> {
        self.own_chat(visitor, key).await?;
        self.queue_transcript(visitor.account(), key, request).await
    }
}

impl Engine {
    /// The visitor adds or replaces custom variables on their chat (refused unless `visitor`
    /// may act on it).
    pub async fn set_custom_variables(
        &self,
        visitor: &VisitorCaller,
        key: &ChatKey,
        vars: Vec<CustomVariable>,
    ) -> EngineResult<Committed> {
        self.own_chat(visitor, key).await?;
        self.commit(
            visitor.account(),
            key,
            ChatCommand::SetCustomVariables(vars),
        )
        .await
    }
}
