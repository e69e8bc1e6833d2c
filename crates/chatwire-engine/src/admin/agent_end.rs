//! What happens when an agent stops being able to work (disabled or deleted) or must log in
//! anew (password reset): their sessions are deleted in the store (other nodes hear of each
//! deletion and drop their cached copy; their directory snapshot, which `bearer` checks for
//! `enabled`, is dropped by the same transaction's wake-up) and from this node's cache. A
//! disabled agent's chats go back to the queue at once, as liveness does for an agent gone
//! Offline, so visitors are not left with nobody. An agent who loses the admin right (or is
//! disabled) leaves every chat they supervise: the right to collaborate was checked when they
//! joined, and a writer's channel would otherwise let them keep posting to visitors.

use chatwire_core::{AccountId, AgentId, ChatCommand, ChatState, DomainError};

use crate::{Engine, EngineError, EngineResult};

impl Engine {
    /// Ends the agent's sessions everywhere.
    pub(crate) async fn end_sessions(
        &self,
        account: &AccountId,
        agent: AgentId,
    ) -> EngineResult<()> {
        self.0.store.delete_agent_sessions(account, agent).await?;
        self.forget_agent_sessions(account, agent);
        Ok(())
    }

    /// Takes the agent out of every open chat they supervise (collaboration channels); returns
    /// how many they left.
    pub(crate) async fn end_collaborations(
        &self,
        account: &AccountId,
        agent: AgentId,
    ) -> EngineResult<usize> {
        let theirs: Vec<_> = self
            .open_chats(account)
            .into_iter()
            .filter(|c| c.collaboration_of(agent).is_some())
            .map(|c| c.key)
            .collect();
        if theirs.is_empty() {
            return Ok(0);
        }
        let me = self.assigned(account, agent).await?;
        let mut left = 0;
        for key in theirs {
            let leave = ChatCommand::Collaborate {
                agent: me.clone(),
                mode: None,
            };
            match self.commit(account, &key, leave).await {
                Ok(_) => left += 1,
                // Ended meanwhile: nothing left to supervise.
                Err(EngineError::Domain(
                    DomainError::ChatEnded | DomainError::WrongState { .. },
                )) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(left)
    }

    /// Ends a disabled agent's sessions and requeues their open chats; returns how many chats
    /// were requeued.
    pub(crate) async fn end_agent(
        &self,
        account: &AccountId,
        agent: AgentId,
    ) -> EngineResult<usize> {
        self.end_sessions(account, agent).await?;
        self.end_collaborations(account, agent).await?;
        let theirs: Vec<_> = self
            .open_chats(account)
            .into_iter()
            .filter(|c| c.state == ChatState::Chatting)
            .filter(|c| c.agent.as_ref().is_some_and(|a| a.id == agent))
            .map(|c| c.key)
            .collect();
        let mut requeued = 0;
        for key in theirs {
            match self.commit(account, &key, ChatCommand::Requeue).await {
                Ok(_) => requeued += 1,
                // Ended or requeued meanwhile (another node): nothing left to do.
                Err(EngineError::Domain(
                    DomainError::ChatEnded | DomainError::WrongState { .. },
                )) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(requeued)
    }
}
