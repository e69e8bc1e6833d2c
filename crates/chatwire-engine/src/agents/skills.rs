//! Skills of an account: creating them and finding one by id or by name (case-insensitive,
//! or numeric id text, as both dialects address skills).

use chatwire_core::{AccountId, Skill, SkillId};
use chatwire_store::NewSkill;

use crate::{AdminCaller, Engine, EngineError, EngineResult};

/// What an admin supplies to create a skill.
#[derive(Debug, Clone, Default)]
pub struct NewSkillInput {
    /// Name, unique in the account.
    pub name: String,
    /// Description.
    pub description: String,
    /// Welcome line sent when an agent accepts.
    pub welcome_message: String,
}

impl Engine {
    /// Creates a skill.
    pub async fn create_skill(
        &self,
        account: &AccountId,
        input: NewSkillInput,
    ) -> EngineResult<Skill> {
        Skill::validate_name(&input.name)?;
        self.dir(account).await?;
        let new = NewSkill {
            account: account.clone(),
            name: input.name.trim().to_owned(),
            description: input.description,
            welcome_message: input.welcome_message,
        };
        let skill = self.0.store.create_skill(&new).await?;
        self.edit_dir(account, |d| d.skills.push(skill.clone()));
        Ok(skill)
    }

    /// Creates a skill on behalf of an admin of `account` (admin API, command line).
    pub async fn create_skill_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        input: NewSkillInput,
    ) -> EngineResult<Skill> {
        by.check_account(account)?;
        self.create_skill(account, input).await
    }

    /// An account's skills, for an admin of it, by id.
    pub async fn skills_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<Vec<Skill>> {
        by.check_account(account)?;
        let mut skills = self.skills(account).await?;
        skills.sort_by_key(|s| s.id);
        Ok(skills)
    }

    /// An account's skills.
    pub async fn skills(&self, account: &AccountId) -> EngineResult<Vec<Skill>> {
        Ok(self.dir(account).await?.skills.clone())
    }

    /// A skill by name (case-insensitive) or, failing that, by numeric id text.
    pub async fn skill_by_name_or_id(
        &self,
        account: &AccountId,
        name: &str,
    ) -> EngineResult<Skill> {
        let dir = self.dir(account).await?;
        let by_name = dir
            .skills
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name.trim()));
        let by_id = || {
            name.trim()
                .parse::<i64>()
                .ok()
                .and_then(|id| dir.skills.iter().find(|s| s.id == SkillId(id)))
        };
        by_name
            .or_else(by_id)
            .cloned()
            .ok_or(EngineError::NotFound("skill"))
    }

    /// A skill by id.
    pub async fn skill(&self, account: &AccountId, id: SkillId) -> EngineResult<Skill> {
        let dir = self.dir(account).await?;
        dir.skills
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .ok_or(EngineError::NotFound("skill"))
    }
}
