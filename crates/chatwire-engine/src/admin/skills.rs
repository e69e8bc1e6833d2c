//! Skills as an admin manages them besides creating (`agents::skills`): reading one,
//! renaming or re-describing it, deleting it. The SuperOffice topic routes share the same
//! record operations ([`Engine::replace_skill`], [`Engine::remove_skill`]).

use chatwire_core::{AccountId, DomainError, Skill, SkillId};

use crate::{AdminCaller, Engine, EngineError, EngineResult};

/// What an admin may change on a skill (absent fields stay).
#[derive(Debug, Clone, Default)]
pub struct SkillPatch {
    /// Name, unique in the account.
    pub name: Option<String>,
    /// Free text for operators.
    pub description: Option<String>,
    /// Sent to the visitor when an agent accepts; empty for none.
    pub welcome_message: Option<String>,
}

impl Engine {
    /// One skill of the account.
    pub async fn skill_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: SkillId,
    ) -> EngineResult<Skill> {
        by.check_account(account)?;
        self.skill(account, id).await
    }

    /// Changes a skill. `Conflict` if another skill has the name.
    pub async fn update_skill_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: SkillId,
        patch: SkillPatch,
    ) -> EngineResult<Skill> {
        by.check_account(account)?;
        let mut skill = self.skill(account, id).await?;
        if let Some(name) = patch.name {
            // Checked here too, to name the API's field (the record check names the domain's).
            Skill::validate_name(&name).map_err(|e| match e {
                DomainError::Invalid { why, .. } => DomainError::invalid("name", why),
                other => other,
            })?;
            skill.name = name;
        }
        for (field, text) in [
            ("description", &patch.description),
            ("welcomeMessage", &patch.welcome_message),
        ] {
            if text.as_ref().is_some_and(|t| t.chars().count() > 2000) {
                return Err(DomainError::invalid(field, "must be at most 2000 characters").into());
            }
        }
        if let Some(d) = patch.description {
            skill.description = d;
        }
        if let Some(w) = patch.welcome_message {
            skill.welcome_message = w;
        }
        self.replace_skill(account, &skill).await
    }

    /// Deletes a skill (agents lose it; chats keep its id). `Conflict` while an open chat
    /// is in it.
    pub async fn delete_skill_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: SkillId,
    ) -> EngineResult<()> {
        by.check_account(account)?;
        self.remove_skill(account, id).await
    }

    /// Replaces a skill's name, description and welcome message (the name checked).
    pub(crate) async fn replace_skill(
        &self,
        account: &AccountId,
        skill: &Skill,
    ) -> EngineResult<Skill> {
        Skill::validate_name(&skill.name)?;
        self.skill(account, skill.id).await?;
        let skill = Skill {
            account: account.clone(),
            name: skill.name.trim().to_owned(),
            ..skill.clone()
        };
        self.0.store.update_skill(&skill).await?;
        self.edit_dir(account, |d| {
            if let Some(s) = d.skills.iter_mut().find(|s| s.id == skill.id) {
                *s = skill.clone();
            }
        });
        Ok(skill)
    }

    /// Deletes a skill, refused while an open chat is in it (a waiting chat would otherwise
    /// ring for nobody).
    pub(crate) async fn remove_skill(&self, account: &AccountId, id: SkillId) -> EngineResult<()> {
        self.skill(account, id).await?;
        let open = self.0.live.open_chats(account);
        let in_use = open.iter().filter(|c| c.skill == Some(id)).count();
        if in_use > 0 {
            return Err(EngineError::Conflict(format!(
                "chat topic {} has {in_use} open chat(s)",
                id.0
            )));
        }
        self.0.store.delete_skill(account, id).await?;
        self.edit_dir(account, |d| {
            d.skills.retain(|s| s.id != id);
            for agent in d.agents.values_mut() {
                agent.skills.retain(|s| *s != id);
            }
        });
        Ok(())
    }
}
