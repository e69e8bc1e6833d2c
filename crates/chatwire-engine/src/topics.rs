//! Chat topics as SuperOffice sees skills: the topics of an agent and topic membership
//! (an agent's skills). Membership changes are for admins.
//!
//! What it must not do: know wire shapes; roles beyond "member" are the dialect's view.

use chatwire_core::{AccountId, Agent, AgentId, Skill, SkillId};

use crate::{Engine, EngineError, EngineResult};

impl Engine {
    /// The skills an agent is a member of; every skill of the account for admins.
    pub async fn topics_for_agent(
        &self,
        account: &AccountId,
        agent: AgentId,
    ) -> EngineResult<Vec<Skill>> {
        let me = self.agent(account, agent).await?;
        Ok(self
            .skills(account)
            .await?
            .into_iter()
            .filter(|s| me.is_admin || me.has_skill(s.id))
            .collect())
    }

    /// The enabled agents with `skill`, by id.
    pub async fn topic_members(
        &self,
        account: &AccountId,
        skill: SkillId,
    ) -> EngineResult<Vec<Agent>> {
        self.skill(account, skill).await?;
        Ok(self
            .agents(account)
            .await?
            .into_iter()
            .filter(|a| a.enabled && a.has_skill(skill))
            .collect())
    }

    /// Adds `target` to (or removes it from) `skill`'s members. Only admins (`by`) may.
    pub async fn set_topic_member(
        &self,
        account: &AccountId,
        by: AgentId,
        skill: SkillId,
        target: AgentId,
        member: bool,
    ) -> EngineResult<Agent> {
        if !self.agent(account, by).await?.is_admin {
            return Err(EngineError::Forbidden("only admins change topic members"));
        }
        self.skill(account, skill).await?;
        let mut agent = self.agent(account, target).await?;
        if agent.has_skill(skill) != member {
            if member {
                agent.skills.push(skill);
            } else {
                agent.skills.retain(|s| *s != skill);
            }
            self.update_agent(&agent).await?;
        }
        Ok(agent)
    }
}
