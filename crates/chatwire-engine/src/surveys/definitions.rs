//! Survey definitions as admins manage them (admin API, command line): create, read, replace,
//! delete. Rules owned here: a definition follows `Survey::check_definition` before it is
//! stored; its skill, if any, is a skill of the account; at most one active survey per kind
//! and skill (or per kind for the whole account), so the choice of survey for a chat is never
//! ambiguous; a survey with responses is deactivated, not deleted (the store refuses).

use chatwire_core::{AccountId, Survey};

use crate::{AdminCaller, Engine, EngineError, EngineResult};

impl Engine {
    /// Stores a survey definition for the account, unchecked (demo seed, tests). Admin
    /// callers go through [`Engine::create_survey_as`].
    pub async fn create_survey(&self, account: &AccountId, survey: Survey) -> EngineResult<Survey> {
        if &survey.account != account {
            return Err(EngineError::NotFound("account"));
        }
        self.account(account).await?;
        Ok(self.0.store.create_survey(&survey).await?)
    }

    /// The account's surveys, by id.
    pub async fn surveys(&self, account: &AccountId) -> EngineResult<Vec<Survey>> {
        Ok(self.0.store.list_surveys(account).await?)
    }

    /// The account's surveys for an admin of it, by id.
    pub async fn surveys_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<Vec<Survey>> {
        by.check_account(account)?;
        self.account(account).await?;
        let mut all = self.surveys(account).await?;
        all.sort_by_key(|s| s.id);
        Ok(all)
    }

    /// One survey of the account, for an admin of it.
    pub async fn survey_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: i64,
    ) -> EngineResult<Survey> {
        self.surveys_as(by, account)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(EngineError::NotFound("survey"))
    }

    /// Creates a survey after checking it (its `id` is assigned, its `account` is `account`).
    pub async fn create_survey_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        mut survey: Survey,
    ) -> EngineResult<Survey> {
        by.check_account(account)?;
        survey.account = account.clone();
        survey.id = 0;
        self.check_survey(&survey).await?;
        Ok(self.0.store.create_survey(&survey).await?)
    }

    /// Replaces survey `id` of the account with `survey` (checked; id and account kept).
    pub async fn update_survey_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: i64,
        mut survey: Survey,
    ) -> EngineResult<Survey> {
        self.survey_as(by, account, id).await?;
        survey.account = account.clone();
        survey.id = id;
        self.check_survey(&survey).await?;
        self.0.store.update_survey(&survey).await?;
        Ok(survey)
    }

    /// Deletes survey `id` of the account; `Conflict` when responses to it are stored.
    pub async fn delete_survey_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        id: i64,
    ) -> EngineResult<()> {
        by.check_account(account)?;
        Ok(self.0.store.delete_survey(account, id).await?)
    }

    /// The definition rules, the skill, and one active survey per kind and skill.
    async fn check_survey(&self, survey: &Survey) -> EngineResult<()> {
        survey.check_definition()?;
        if let Some(skill) = survey.skill {
            self.skill(&survey.account, skill).await.map_err(|_| {
                chatwire_core::DomainError::invalid("skillId", "no such skill in the account")
            })?;
        }
        if survey.active {
            let clash = self.surveys(&survey.account).await?.into_iter().find(|s| {
                s.id != survey.id && s.active && s.kind == survey.kind && s.skill == survey.skill
            });
            if let Some(other) = clash {
                return Err(EngineError::Conflict(format!(
                    "survey {} ({}) is already the active one of this kind for {}; deactivate it first",
                    other.id,
                    other.name,
                    if survey.skill.is_some() {
                        "this skill"
                    } else {
                        "the whole account"
                    }
                )));
            }
        }
        Ok(())
    }
}
