//! Agent use cases that hand a chat on: transfer to a skill or an agent (also addressed by
//! login name or id, SuperOffice), a target accepting or declining a transfer, and putting a
//! chat back in the queue.
//!
//! Rules owned here: only the handling agent transfers (others who may read the chat get
//! SuperOffice's documented no-op); nobody transfers a chat to themselves; accepting or
//! declining without a pending transfer changes nothing.

use chatwire_core::access::ChatAction;
use chatwire_core::routing;
use chatwire_core::{
    AccountId, Agent, AgentId, Chat, ChatCommand, ChatKey, ChatState, DomainError, TransferTarget,
};
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
    pub(crate) async fn reject_transfer(
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

impl Engine {
    /// Transfers a chat the agent handles to another agent (by login name or id). A chat the
    /// agent may read but does not handle is left as it is (SuperOffice: "nothing happens");
    /// a chat the agent may not read is refused, and so is a transfer to oneself (as
    /// LivePerson refuses it).
    pub async fn transfer_to_agent(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        to: &str,
    ) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.chat(account, key).await?;
        let handles = self
            .authorize(account, &chat, agent, ChatAction::Transfer)
            .await?;
        if !handles {
            // A reader who may not transfer gets the documented no-op without the target being
            // looked up, so the answer never tells whether a login exists.
            let me = self.agent(account, agent).await?;
            if names_agent(&me, to) {
                return Err(to_yourself());
            }
            return Ok(chat);
        }
        let target = self.agent_by_login_or_id(account, to).await?;
        if target.id == agent {
            return Err(to_yourself());
        }
        let done = self
            .transfer(who, key, TransferTo::Agent(target.id), String::new())
            .await?;
        Ok(done.chat)
    }

    /// Accepts a pending transfer: a personal one by its target, a skill one by an agent of
    /// the skill (routing decides, in `Chat::decide`). Without a pending transfer nothing
    /// happens, for an agent who may read the chat; a chat the agent may not read is refused.
    pub async fn accept_transfer(&self, who: &AgentPrincipal, key: &ChatKey) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.chat(account, key).await?;
        self.authorize(account, &chat, agent, ChatAction::Take)
            .await?;
        if chat.transfer.is_none() || chat.state != ChatState::Waiting {
            return Ok(chat);
        }
        Ok(self.accept(account, agent, key).await?.chat)
    }

    /// Declines a personal transfer to this agent. Without one nothing happens, for an agent
    /// who may read the chat; a chat the agent may not read is refused.
    pub async fn decline_transfer(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
    ) -> EngineResult<Chat> {
        let (account, agent) = (&who.account, who.agent);
        match self.reject_transfer(account, key, agent).await {
            Ok(c) => Ok(c.chat),
            Err(EngineError::Domain(DomainError::NoPendingTransfer | DomainError::ChatEnded)) => {
                self.chat(account, key).await
            }
            Err(e) => Err(e),
        }
    }
}

fn to_yourself() -> EngineError {
    DomainError::invalid("transfer", "cannot transfer a chat to yourself").into()
}

/// Whether `text` (a login or an id, as `agent_by_login_or_id` reads it) names `agent`.
fn names_agent(agent: &Agent, text: &str) -> bool {
    let text = text.trim();
    agent.login_name.eq_ignore_ascii_case(text)
        || text.parse::<i64>().is_ok_and(|id| id == agent.id.0)
}
