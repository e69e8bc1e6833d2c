//! Survey definitions and submitted surveys for the in-memory store.

use chatwire_core::{AccountEventKind, AccountId, ChatKey, Survey, SurveyResponse};

use super::Inner;
use crate::{StoreError, StoreResult};

impl Inner {
    pub(super) fn create_survey(&mut self, survey: &Survey) -> StoreResult<Survey> {
        if !self.accounts.contains_key(&survey.account) {
            return Err(StoreError::NotFound("account"));
        }
        let stored = Survey {
            id: self.next_id(),
            ..survey.clone()
        };
        self.surveys.insert(stored.id, stored.clone());
        Ok(stored)
    }

    pub(super) fn list_surveys(&self, account: &AccountId) -> Vec<Survey> {
        self.surveys
            .values()
            .filter(|s| &s.account == account)
            .cloned()
            .collect()
    }

    pub(super) fn update_survey(&mut self, survey: &Survey) -> StoreResult<()> {
        match self.surveys.get_mut(&survey.id) {
            Some(s) if s.account == survey.account => {
                *s = survey.clone();
                Ok(())
            }
            _ => Err(StoreError::NotFound("survey")),
        }
    }

    pub(super) fn delete_survey(&mut self, account: &AccountId, id: i64) -> StoreResult<()> {
        if self.surveys.get(&id).is_none_or(|s| &s.account != account) {
            return Err(StoreError::NotFound("survey"));
        }
        if self.survey_responses.iter().any(|(_, r)| r.survey == id) {
            return Err(StoreError::Conflict(
                "the survey has responses; deactivate it instead".into(),
            ));
        }
        self.surveys.remove(&id);
        Ok(())
    }

    pub(super) fn save_survey_response(&mut self, response: &SurveyResponse) -> StoreResult<()> {
        if self
            .surveys
            .get(&response.survey)
            .is_none_or(|s| s.account != response.account)
        {
            return Err(StoreError::NotFound("survey"));
        }
        // A deleted chat gets no new responses (see `Store::save_survey_response`).
        if let Some(chat) = &response.chat
            && self
                .chats
                .get(chat)
                .is_none_or(|(c, _)| c.account != response.account)
        {
            return Err(StoreError::NotFound("chat"));
        }
        let id = self.next_id();
        self.survey_responses.push((id, response.clone()));
        let skill = self.surveys.get(&response.survey).and_then(|s| s.skill);
        let kind = AccountEventKind::of_response(id, response, skill);
        self.append_account_event(&response.account, response.submitted_at, kind);
        Ok(())
    }

    pub(super) fn survey_responses(
        &self,
        account: &AccountId,
        chat: Option<&ChatKey>,
    ) -> Vec<SurveyResponse> {
        self.survey_responses
            .iter()
            .map(|(_, r)| r)
            .filter(|r| &r.account == account && chat.is_none_or(|c| r.chat.as_ref() == Some(c)))
            .cloned()
            .collect()
    }
}

#[async_trait::async_trait]
impl crate::SurveyStore for super::MemoryStore {
    async fn create_survey(&self, survey: &Survey) -> StoreResult<Survey> {
        self.lock()?.create_survey(survey)
    }

    async fn list_surveys(&self, account: &AccountId) -> StoreResult<Vec<Survey>> {
        Ok(self.lock()?.list_surveys(account))
    }

    async fn update_survey(&self, survey: &Survey) -> StoreResult<()> {
        self.lock()?.update_survey(survey)
    }

    async fn delete_survey(&self, account: &AccountId, id: i64) -> StoreResult<()> {
        self.lock()?.delete_survey(account, id)
    }

    async fn save_survey_response(&self, response: &SurveyResponse) -> StoreResult<()> {
        self.lock()?.save_survey_response(response)
    }

    async fn survey_responses(
        &self,
        account: &AccountId,
        chat: Option<&ChatKey>,
    ) -> StoreResult<Vec<SurveyResponse>> {
        Ok(self.lock()?.survey_responses(account, chat))
    }
}
