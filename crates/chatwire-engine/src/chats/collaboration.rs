//! Supervisors in a chat (LivePerson `collaboration-channels`, SuperOffice "listen in"): an
//! admin of the account joins a chat another agent handles, to listen (read everything agents
//! see, unseen by the visitor) or to write (also post lines, which the visitor sees as agent
//! lines by the supervisor's name); they change mode or leave the same way.
//!
//! Rules: who may join is `chatwire_core::access` (`ChatAction::Collaborate`: admins, not the
//! handler); what a collaborator may do is `Chat::decide` (a writer posts lines, nothing
//! else); joining, changing mode and leaving are agent-only events, so the handling agent
//! (and other supervisors) see who listens, and the visitor never does.

use chatwire_core::access::ChatAction;
use chatwire_core::{Chat, ChatCommand, ChatKey, CollaborationMode, DomainError};

use crate::{AgentPrincipal, Engine, EngineResult};

impl Engine {
    /// The supervisor joins the chat in `mode`, changes to it, or (`None`) leaves. Joining in
    /// the mode one already has changes nothing and answers the chat as it is.
    pub async fn collaborate(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        mode: Option<CollaborationMode>,
    ) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.chat(account, key).await?;
        if !self
            .authorize(account, &chat, agent, ChatAction::Collaborate)
            .await?
        {
            return Err(DomainError::NotParticipant.into());
        }
        if mode.is_some() && chat.collaboration_of(agent) == mode {
            return Ok(chat);
        }
        let me = self.assigned(account, agent).await?;
        let committed = self
            .commit(account, key, ChatCommand::Collaborate { agent: me, mode })
            .await?;
        Ok(committed.chat)
    }

    /// The chat's supervisors, for an agent who may read it.
    pub async fn collaborators(&self, who: &AgentPrincipal, key: &ChatKey) -> EngineResult<Chat> {
        self.readable_chat(&who.account, key, who.agent).await
    }
}
