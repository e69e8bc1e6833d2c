//! A chat as one ordered message list for agents (SuperOffice `GetChatMessages`, the `After`
//! cursor over the server-wide event sequence) and the chat transcript as text or HTML.
//!
//! Reads go through [`Engine::read_chat`], so access rules and the live tail apply as for any
//! other agent read. What it must not do: shape messages for a dialect.

use chatwire_core::{AccountId, AgentId, Chat, ChatEvent, ChatKey, EventId, GlobalSeq};

use crate::{Engine, EngineResult, Viewer};

impl Engine {
    /// The chat and its events with `seq > after`, oldest first, as the agent sees them (every
    /// event: agent-only lines included). Pages through the log with [`Engine::read_chat`].
    pub async fn agent_events_after(
        &self,
        account: &AccountId,
        key: &ChatKey,
        agent: AgentId,
        after: GlobalSeq,
    ) -> EngineResult<(Chat, Vec<ChatEvent>)> {
        let mut from = EventId(0);
        let mut out = Vec::new();
        loop {
            let view = self
                .read_chat(account, key, from, Viewer::Agent(agent))
                .await?;
            let exhausted = view.events.is_empty() || view.next >= view.chat.next_event_id;
            out.extend(view.events.into_iter().filter(|e| e.seq > after));
            if exhausted || view.next <= from {
                return Ok((std::sync::Arc::unwrap_or_clone(view.chat), out));
            }
            from = view.next;
        }
    }

    /// The transcript of a chat for an agent: what the visitor saw, as plain text or as an
    /// HTML document, times in UTC (the e-mailed transcript's rendering).
    pub async fn chat_transcript(
        &self,
        account: &AccountId,
        key: &ChatKey,
        agent: AgentId,
        html: bool,
    ) -> EngineResult<String> {
        let (chat, events) = self
            .agent_events_after(account, key, agent, GlobalSeq(i64::MIN))
            .await?;
        let t = crate::mail::transcript::render(&chat, &events, None);
        Ok(if html { t.html } else { t.plain })
    }
}
