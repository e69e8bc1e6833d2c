//! Skill edits and deletes and SuperOffice topic settings for the in-memory store.

use chatwire_core::{AccountId, Skill, SkillId};

use super::Inner;
use crate::{StoreError, StoreResult};

impl Inner {
    /// The skill `id` of `account`, or `NotFound`.
    pub(super) fn skill_of(&self, account: &AccountId, id: SkillId) -> StoreResult<&Skill> {
        self.skills
            .get(&id)
            .filter(|s| &s.account == account)
            .ok_or(StoreError::NotFound("skill"))
    }

    pub(super) fn update_skill(&mut self, skill: &Skill) -> StoreResult<()> {
        self.skill_of(&skill.account, skill.id)?;
        let taken = self.skills.values().any(|s| {
            s.account == skill.account
                && s.id != skill.id
                && s.name.eq_ignore_ascii_case(&skill.name)
        });
        if taken {
            return Err(StoreError::Conflict(format!("skill {} exists", skill.name)));
        }
        self.skills.insert(skill.id, skill.clone());
        Ok(())
    }

    pub(super) fn delete_skill(&mut self, account: &AccountId, id: SkillId) -> StoreResult<()> {
        self.skill_of(account, id)?;
        self.skills.remove(&id);
        self.staff_skill.remove(&id);
        self.topic_settings.remove(&id);
        for agent in self.agents.values_mut().filter(|a| &a.account == account) {
            agent.skills.retain(|s| *s != id);
        }
        Ok(())
    }
}
