//! Messages an agent adds beside plain lines (SuperOffice `AddChatMessage` of any type): special
//! messages (a bot's message, options, a welcome …) and customer lines relayed into a session
//! that has no visitor client.
//!
//! Rules owned here: only the handling agent posts special messages (`Chat::decide`); a bot's
//! message or options are by the topic's bot name when it has one; a customer line may be
//! relayed only into a session an agent opened on the customer's behalf (a session with a
//! visitor client hears from its customer directly), and only by the agent handling it or the
//! agent who opened it.

use chatwire_core::chat::{Actor, Special, SpecialKind};
use chatwire_core::{ChatCommand, ChatKey, DomainError};
use chatwire_store::Committed;

use crate::{AgentPrincipal, Engine, EngineError, EngineResult, LineInput};

impl Engine {
    /// The handling agent posts a special message; `options` are the option labels of an
    /// options message. Refused for a chat the agent may not read (and by `Chat::decide` for
    /// one they do not handle).
    pub async fn agent_post_special(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        special: Special,
        options: Vec<String>,
    ) -> EngineResult<Committed> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.readable_chat(account, key, agent).await?;
        let me = self.assigned(account, agent).await?;
        let mut by = me.name.clone();
        let by_bot = matches!(special.kind, SpecialKind::BotMessage | SpecialKind::Options);
        if let Some(skill) = chat.skill.filter(|_| by_bot) {
            let bot = self.topic_settings(account, skill).await?.options.bot;
            if !bot.name.trim().is_empty() {
                by = bot.name.trim().to_owned();
            }
        }
        let cmd = ChatCommand::PostSpecial {
            agent: me,
            by,
            special: Box::new(special),
            options,
        };
        self.commit(account, key, cmd).await
    }

    /// Relays a line from the customer of a session an agent opened for them (SuperOffice
    /// `AddChatMessage` of type `ToUser`). Refused (`Forbidden`) for a session with a visitor
    /// client, and (`NotParticipant`) for an agent who neither handles nor opened it.
    pub async fn relay_customer_line(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        text: String,
    ) -> EngineResult<Committed> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.readable_chat(account, key, agent).await?;
        if chat.has_visitor_client() {
            return Err(EngineError::Forbidden(
                "this session's customer writes through their own client",
            ));
        }
        if !chat.is_handled_by(agent) && chat.request.opened_by != Some(agent) {
            return Err(DomainError::NotParticipant.into());
        }
        self.post_line(account, key, Actor::Visitor, LineInput::plain(text))
            .await
    }
}
