//! Chat topics as SuperOffice sees skills: the topics of an agent and topic membership
//! (an agent's skills), topic edits and deletes, and the SuperOffice topic settings with the
//! opening-hours decision. Changes are for admins.
//!
//! What it must not do: know wire shapes; roles beyond "member" are the dialect's view.

use chatwire_core::{AccountId, Agent, AgentId, Skill, SkillId, TopicSettings};

use crate::{AgentPrincipal, Engine, EngineError, EngineResult, NewSkillInput};

/// What an agent may do in a topic (SuperOffice `ChatTopicAgent`'s `Can*` flags): members
/// listen, respond and are notified; admins manage every topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicRights {
    /// Sees the topic's chats.
    pub listen: bool,
    /// Answers the topic's chats.
    pub respond: bool,
    /// Changes the topic and its members.
    pub manage: bool,
    /// Is notified of the topic's new chats.
    pub notify: bool,
}

impl TopicRights {
    /// The rights of `agent` in `topic`.
    pub fn of(agent: &Agent, topic: SkillId) -> Self {
        let member = agent.has_skill(topic);
        Self {
            listen: member,
            respond: member,
            manage: agent.is_admin,
            notify: member,
        }
    }
}

impl Engine {
    /// The skills an agent is a member of; every skill of the account for admins.
    pub async fn topics_for_agent(&self, who: &AgentPrincipal) -> EngineResult<Vec<Skill>> {
        let account = &who.account;
        let me = self.agent(account, who.agent).await?;
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

    /// Adds `target` to (or removes it from) `skill`'s members. Only admins may.
    pub async fn set_topic_member(
        &self,
        by: &AgentPrincipal,
        skill: SkillId,
        target: AgentId,
        member: bool,
    ) -> EngineResult<Agent> {
        let account = &by.account;
        self.require_admin(by, "only admins change topic members")
            .await?;
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

impl Engine {
    /// Creates a skill on behalf of agent `by`. Only admins may.
    pub async fn create_topic(
        &self,
        by: &AgentPrincipal,
        input: NewSkillInput,
    ) -> EngineResult<Skill> {
        let account = &by.account;
        self.require_admin(by, "only admins create chat topics")
            .await?;
        self.create_skill(account, input).await
    }

    /// Replaces a skill's name, description and welcome message. Only admins may.
    pub async fn update_topic(&self, by: &AgentPrincipal, skill: &Skill) -> EngineResult<Skill> {
        let account = &by.account;
        self.require_admin(by, "only admins change chat topics")
            .await?;
        self.replace_skill(account, skill).await
    }

    /// Deletes a skill (and its settings; agents lose it). Only admins may, and only
    /// while no open chat is in it: a waiting chat would otherwise ring for nobody.
    pub async fn delete_topic(&self, by: &AgentPrincipal, id: SkillId) -> EngineResult<()> {
        let account = &by.account;
        self.require_admin(by, "only admins delete chat topics")
            .await?;
        self.remove_skill(account, id).await
    }

    /// A skill's SuperOffice topic settings (defaults when never saved).
    pub async fn topic_settings(
        &self,
        account: &AccountId,
        id: SkillId,
    ) -> EngineResult<TopicSettings> {
        self.skill(account, id).await?;
        Ok(self
            .0
            .store
            .topic_settings(account, id)
            .await?
            .unwrap_or_default())
    }

    /// Replaces a skill's topic settings. Only admins may.
    pub async fn save_topic_settings(
        &self,
        by: &AgentPrincipal,
        id: SkillId,
        settings: &TopicSettings,
    ) -> EngineResult<()> {
        let account = &by.account;
        self.require_admin(by, "only admins change chat topics")
            .await?;
        self.skill(account, id).await?;
        settings.options.validate()?;
        Ok(self
            .0
            .store
            .put_topic_settings(account, id, settings)
            .await?)
    }

    /// Whether the skill serves chats now (its opening hours, in its time zone).
    pub async fn is_topic_open(&self, account: &AccountId, id: SkillId) -> EngineResult<bool> {
        Ok(self
            .topic_settings(account, id)
            .await?
            .is_open_at(self.now()))
    }

    /// Whether a visitor asking for `skill` finds it outside its opening hours (never for no
    /// skill): availability, free slots and the estimated wait all say "unavailable" then, on
    /// both dialects, so clients offer the offline survey instead of a chat.
    pub(crate) async fn is_closed_now(
        &self,
        account: &AccountId,
        skill: Option<SkillId>,
    ) -> EngineResult<bool> {
        match skill {
            Some(id) => Ok(!self.is_topic_open(account, id).await?),
            None => Ok(false),
        }
    }

    /// Refuses (`Forbidden`, saying `why`) an agent who is not an admin of their account.
    pub(crate) async fn require_admin(
        &self,
        by: &AgentPrincipal,
        why: &'static str,
    ) -> EngineResult<()> {
        if self.agent(&by.account, by.agent).await?.is_admin {
            Ok(())
        } else {
            Err(EngineError::Forbidden(why))
        }
    }
}
