//! Surveys: finding the survey of a kind (or by name), and submitting answers, validated
//! against the survey and stored: the agent's survey of a chat, the visitor's offline ("leave
//! a message") and exit surveys, and the responses agents read.
//!
//! Rules owned here: answers must fit their survey; an exit survey is only for a visitor whose
//! app key may act on the chat (checked through `chats::visitor_writes`); which survey a chat
//! or visitor gets (an active one of the kind, named, else the skill's, else the account's).
//! `definitions`: admins create, change and delete surveys.

mod definitions;

use chatwire_core::chat::SurveyAnswer;
use chatwire_core::{AccountId, AgentId, ChatKey, SkillId, Survey, SurveyKind, SurveyResponse};

use crate::{AgentPrincipal, Caller, Engine, EngineError, EngineResult, VisitorCaller};

impl Engine {
    /// The survey of `kind` (by name or id, else the first) for the chat `key`, refused when
    /// `caller` may not read the chat (agent surveys for its agent, exit surveys for its
    /// visitor's app key).
    pub async fn survey_of_chat(
        &self,
        caller: &Caller,
        key: &ChatKey,
        kind: SurveyKind,
        name: Option<&str>,
    ) -> EngineResult<Survey> {
        self.check_chat_access(caller, key).await?;
        let skill = self.chat(caller.account(), key).await?.skill;
        self.survey_for(caller.account(), kind, name, skill).await
    }

    /// The survey of `kind` named `name` (case-insensitive, or its id), else the account's
    /// one of that kind for the whole account. `NotFound` when there is none.
    pub async fn survey_of(
        &self,
        account: &AccountId,
        kind: SurveyKind,
        name: Option<&str>,
    ) -> EngineResult<Survey> {
        self.survey_for(account, kind, name, None).await
    }

    /// As [`Engine::survey_of`], for a chat or request of the skill `skill` names (its name or
    /// id; unknown names count as none, as LivePerson clients send whatever the page has).
    pub async fn survey_of_skill(
        &self,
        account: &AccountId,
        kind: SurveyKind,
        name: Option<&str>,
        skill: Option<&str>,
    ) -> EngineResult<Survey> {
        let skill = match skill.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => self
                .skill_by_name_or_id(account, s)
                .await
                .ok()
                .map(|s| s.id),
            None => None,
        };
        self.survey_for(account, kind, name, skill).await
    }

    /// The active survey of `kind`: the one named `name` when given; else the skill's own,
    /// else the account-wide one (no skill), else (surveys defined only per skill) none.
    pub(crate) async fn survey_for(
        &self,
        account: &AccountId,
        kind: SurveyKind,
        name: Option<&str>,
        skill: Option<SkillId>,
    ) -> EngineResult<Survey> {
        let all = self.surveys(account).await?;
        let of_kind: Vec<Survey> = all
            .into_iter()
            .filter(|s| s.kind == kind && s.active)
            .collect();
        let found = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => of_kind
                .into_iter()
                .find(|s| s.name.eq_ignore_ascii_case(n) || s.id.to_string() == n),
            None => {
                let of_skill = skill.and_then(|k| of_kind.iter().find(|s| s.skill == Some(k)));
                of_skill
                    .or_else(|| of_kind.iter().find(|s| s.skill.is_none()))
                    .cloned()
            }
        };
        found.ok_or(EngineError::NotFound("survey"))
    }

    /// The agent submits the wrap-up survey of a chat they handle or handled.
    pub async fn submit_agent_survey(
        &self,
        who: &AgentPrincipal,
        key: &ChatKey,
        survey_id: Option<i64>,
        answers: Vec<SurveyAnswer>,
    ) -> EngineResult<()> {
        let (account, agent) = (&who.account, who.agent);
        let chat = self.chat(account, key).await?;
        if chat.agent.as_ref().is_none_or(|a| a.id != agent) {
            return Err(EngineError::Forbidden(
                "only the chat's agent submits its survey",
            ));
        }
        let survey = self
            .survey_for(account, SurveyKind::Agent, None, chat.skill)
            .await?;
        if survey_id.is_some_and(|id| id != survey.id) {
            return Err(chatwire_core::DomainError::invalid(
                "survey",
                format!("this chat's agent survey is {}", survey.id),
            )
            .into());
        }
        self.submit(survey, Some(key.clone()), Some(agent), answers, Vec::new())
            .await
    }

    /// Validates and stores answers to `survey`.
    pub(crate) async fn submit(
        &self,
        survey: Survey,
        chat: Option<ChatKey>,
        agent: Option<AgentId>,
        answers: Vec<SurveyAnswer>,
        context: Vec<(String, String)>,
    ) -> EngineResult<()> {
        survey.validate(&answers)?;
        let response = self.response(survey, chat, agent, answers, context);
        // The store appends the response's account event (offline message or submitted
        // survey) in the same transaction; wake the webhook worker for it.
        self.0.store.save_survey_response(&response).await?;
        self.webhooks_on_account_commit(&response.account);
        Ok(())
    }

    /// The response to store for answers already validated against `survey`.
    fn response(
        &self,
        survey: Survey,
        chat: Option<ChatKey>,
        agent: Option<AgentId>,
        answers: Vec<SurveyAnswer>,
        context: Vec<(String, String)>,
    ) -> SurveyResponse {
        SurveyResponse {
            survey: survey.id,
            kind: survey.kind,
            account: survey.account,
            chat,
            agent,
            answers,
            context,
            submitted_at: self.now(),
        }
    }

    /// Submitted surveys of the account (of one chat when given), oldest first.
    pub async fn survey_responses(
        &self,
        account: &AccountId,
        chat: Option<&ChatKey>,
    ) -> EngineResult<Vec<SurveyResponse>> {
        Ok(self.0.store.survey_responses(account, chat).await?)
    }
}

impl Engine {
    /// Stores an offline ("leave a message") survey of the visitor's account: validated
    /// against the account's offline survey, kept for its agents with the context sent, and
    /// with a staff notice queued in the same transaction when the skill (else the account)
    /// has a staff address (`mail::staff`).
    pub async fn submit_offline_survey(
        &self,
        visitor: &VisitorCaller,
        survey_id: Option<i64>,
        answers: Vec<SurveyAnswer>,
        context: Vec<(String, String)>,
    ) -> EngineResult<()> {
        // The skill the page sent with the answers picks that skill's offline survey.
        let skill = context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("skill"))
            .map(|(_, v)| v.as_str());
        let survey = self
            .survey_of_skill(
                visitor.account(),
                SurveyKind::Offline,
                survey_id.map(|i| i.to_string()).as_deref(),
                skill,
            )
            .await?;
        // Staff mail goes to the skill the request names, else the survey's own skill's.
        let named = match skill.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => self.skill_by_name_or_id(visitor.account(), s).await.ok(),
            None => None,
        };
        let notify_skill = named.map(|s| s.id).or(survey.skill);
        survey.validate(&answers)?;
        let response = self.response(survey, None, None, answers, context);
        self.save_offline_message(&response, notify_skill).await
    }

    /// Stores the visitor's exit survey of their chat (refused unless `visitor` may act on it).
    pub async fn submit_exit_survey(
        &self,
        visitor: &VisitorCaller,
        key: &ChatKey,
        survey_id: Option<i64>,
        answers: Vec<SurveyAnswer>,
        context: Vec<(String, String)>,
    ) -> EngineResult<()> {
        let account = visitor.account();
        let chat = self.own_chat(visitor, key).await?;
        let survey = self
            .survey_for(
                account,
                SurveyKind::Exit,
                survey_id.map(|i| i.to_string()).as_deref(),
                chat.skill,
            )
            .await?;
        self.submit(survey, Some(key.clone()), None, answers, context)
            .await
    }
}
