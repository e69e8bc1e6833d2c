//! Agent use cases that hand a chat on: transfer to a skill or an agent, a target declining a
//! personal transfer, and putting a chat back in the queue. Accepting a transfer is a pick-up
//! (`chats::accept`, `pickup`).

use chatwire_core::access::ChatAction;
use chatwire_core::routing;
use chatwire_core::{AccountId, AgentId, ChatCommand, ChatKey, DomainError, TransferTarget};
use chatwire_store::Committed;

use crate::{AgentPrincipal, Engine, EngineError, EngineResult};

/// Where an agent transfers a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferTo {
    /// A skill's queue.
    Skill(chatwire_core::SkillId),
    /// One agent.
    Agent(AgentId),
}

impl Engine {
    /// Transfers a chat to a skill or an agent. A skill with no other agent able to take it is
    /// refused, as LivePerson documents ("will result in an error").
    pub async fn transfer(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        to: TransferTo,
        text: String,
    ) -> EngineResult<Committed> {
        let (account, agent) = (&who.account, who.agent);
        self.readable_chat(account, key, agent).await?;
        let me = self.assigned(account, agent).await?;
        let target = match to {
            TransferTo::Agent(id) => {
                let target = self.agent(account, id).await?;
                if !target.enabled {
                    return Err(EngineError::NotFound("agent"));
                }
                TransferTarget::Agent {
                    id,
                    name: target.nickname,
                }
            }
            TransferTo::Skill(id) => {
                let skill = self.skill(account, id).await?;
                let reachable = self
                    .agents(account)
                    .await?
                    .iter()
                    .any(|a| a.id != agent && routing::is_available_for(a, Some(id)));
                if !reachable {
                    return Err(DomainError::invalid(
                        "transfer",
                        format!("no agent of skill {} is available", skill.name),
                    )
                    .into());
                }
                TransferTarget::Skill {
                    id,
                    name: skill.name,
                }
            }
        };
        self.commit(
            account,
            key,
            ChatCommand::Transfer {
                by: me,
                target,
                text,
            },
        )
        .await
    }

    /// The target of a personal transfer declines it.
    pub async fn reject_transfer(
        &self,
        account: &AccountId,
        key: &ChatKey,
        agent: AgentId,
    ) -> EngineResult<Committed> {
        self.readable_chat(account, key, agent).await?;
        self.commit(account, key, ChatCommand::RejectTransfer { agent })
            .await
    }

    /// Puts a chatting chat back in the queue (SuperOffice `ResetChatSession`); only its
    /// agent or an admin may.
    pub async fn requeue(&self, who: &AgentPrincipal, key: &ChatKey) -> EngineResult<Committed> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.chat(account, key).await?;
        if !self
            .authorize(account, &chat, agent, ChatAction::Requeue)
            .await?
        {
            return Err(DomainError::NotParticipant.into());
        }
        self.commit(account, key, ChatCommand::Requeue).await
    }
}
