//! Reading chats: a chat's snapshot, the chat behind a LivePerson visit id, the account's open
//! chats and an agent's past chats. Reading a chat's *events* (polls and waits) is `cursor`'s.

use chatwire_core::access::ChatAction;
use chatwire_core::{AccountId, Chat, ChatKey};

use crate::runtime::live::lock;
use crate::{AgentPrincipal, Engine, EngineError, EngineResult};

impl Engine {
    /// A chat, from memory when held (loaded into memory otherwise).
    pub async fn chat(&self, account: &AccountId, key: &ChatKey) -> EngineResult<Chat> {
        if let Some(tail) = self.0.live.get(account, key) {
            return Ok(Chat::clone(&lock(&tail).chat));
        }
        let chat = self.0.store.get_chat(account, key).await?;
        self.0.live.upsert(&chat, self.now());
        Ok(chat)
    }

    /// The chat behind a LivePerson visit id (`H…K…`, derived from the chat key) that `agent`
    /// may read: among the agent's chats, the chats ringing for them and the open chats.
    pub async fn chat_of_visit(&self, who: &AgentPrincipal, visit: &str) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        let mut candidates = self.chats_of_agent(who, 200).await?;
        candidates.extend(self.ringing_chats(who).await?);
        candidates.extend(self.open_chats(account));
        for chat in candidates.into_iter().filter(|c| c.key.visit_id() == visit) {
            if self
                .authorize(account, &chat, agent, ChatAction::Read)
                .await
                .is_ok()
            {
                return Ok(chat);
            }
        }
        Err(EngineError::NotFound("visit"))
    }

    /// Every open chat of the account (queue and in progress).
    pub fn open_chats(&self, account: &AccountId) -> Vec<Chat> {
        let mut chats = self.0.live.open_chats(account);
        chats.sort_by_key(|c| c.num);
        chats
    }

    /// Chats the agent handled, most recent first.
    pub async fn chats_of_agent(
        &self,
        who: &AgentPrincipal,
        limit: u32,
    ) -> EngineResult<Vec<Chat>> {
        let (account, agent) = (&who.account, who.agent);
        Ok(self.0.store.chats_of_agent(account, agent, limit).await?)
    }

    /// The chat in which `who` meets the visitor with LivePerson participant id `participant`:
    /// one of the chats the agent handled (the latest 200) or one ringing for them now.
    /// `None` for any other: an agent learns of no other agent's visitors.
    pub async fn chat_of_participant(
        &self,
        who: &AgentPrincipal,
        participant: &str,
    ) -> EngineResult<Option<Chat>> {
        /// How many of the agent's own chats are searched (most recent first).
        const RECENT_CHATS: u32 = 200;
        let handled = self.chats_of_agent(who, RECENT_CHATS).await?;
        let ringing = self.ringing_chats(who).await?;
        Ok(handled
            .into_iter()
            .chain(ringing)
            .find(|c| c.request.participant_id.as_deref() == Some(participant)))
    }
}
