//! The chat transcript for agents as text or HTML.
//!
//! The chat is read like any other agent read (`cursor`), so access rules and the live tail
//! apply. What it must not do: shape messages for a dialect.

use chatwire_core::ChatKey;

use crate::{AgentPrincipal, Engine, EngineResult};

impl Engine {
    /// The transcript of a chat for an agent: what the visitor saw, as plain text or as an
    /// HTML document, times in UTC (the e-mailed transcript's rendering).
    pub async fn chat_transcript(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        html: bool,
    ) -> EngineResult<String> {
        let (chat, events) = self.agent_history(&who.account, key, who.agent).await?;
        let t = crate::mail::transcript::render(&chat, &events, None);
        Ok(if html { t.html } else { t.plain })
    }
}
