//! Chat Agent API extras (spec §2.2.23–§2.2.26): the agent (wrap-up) survey, authenticated
//! participant info, and the visit resources of a chat.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use chatwire_engine::core::{Chat, SurveyKind};

use super::agent_chat::ChatPath;
use super::auth::LpAgent;
use super::body::LpBody;
use super::compat::empty;
use super::input::parse_answers;
use super::reply::{LpAnswer, LpReply};
use super::views::chat::agent_session_url;
use super::views::survey::SurveyView;
use super::views::visit::{ParticipantInfo, VisitCustomVariables, VisitInfo, visit_links};
use crate::http::negotiate::Format;
use crate::http::path::{self, chat_key};
use crate::http::query::Query;
use crate::{ApiError, AppState, BaseUrl};
use chatwire_engine::Caller;

/// `GET …/chat/{chatId}/survey`: the account's agent survey (the `surveyApiId`/`surveyName`
/// query selects another agent survey by id or name).
pub async fn get_agent_survey(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
    q: Query,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let name = q.get("surveyApiId").or_else(|| q.get("surveyName"));
    let caller = Caller::Agent(agent.who.clone());
    let survey = state
        .engine
        .survey_of_chat(&caller, &key, SurveyKind::Agent, name)
        .await?;
    Ok(LpReply::ok(format, &SurveyView(&survey)))
}

/// `PUT …/chat/{chatId}/survey` with `{"survey":{"id":…,"question":[{"id":…,"answer":…}]}}`:
/// validates against the survey and stores the answers; 200.
pub async fn put_agent_survey(
    State(state): State<AppState>,
    agent: LpAgent,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<Response, ApiError> {
    let key = chat_key(&chat)?;
    let (id, answers) = parse_answers(&body)?;
    state
        .engine
        .submit_agent_survey(&agent.who, &key, id, answers)
        .await?;
    Ok(empty(StatusCode::OK))
}

/// `GET /agentSession/{asid}/participantExtendedInfo/{participantId}`: what is known of an
/// authenticated visitor in one of this agent's chats (from their chat request).
pub async fn get_participant_info(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, participant)): Path<(String, i64, String)>,
) -> Result<LpReply, ApiError> {
    let chat = state
        .engine
        .chat_of_participant(&agent.who, &participant)
        .await?
        .ok_or_else(|| ApiError::NotFound("participant not found in this agent's chats".into()))?;
    let view = ParticipantInfo {
        participant: &participant,
        chat: &chat,
    };
    Ok(LpReply::ok(format, &view))
}

/// The visit a route names (`…/visits/visit/{visit}`) as seen by the calling agent; its chat is
/// looked up when answering (after the other extractors, as the routes always have).
pub struct AgentVisit {
    state: AppState,
    agent: LpAgent,
    visit: String,
}

impl FromRequestParts<AppState> for AgentVisit {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let agent = LpAgent::from_request_parts(parts, state).await?;
        let params = path::params(parts, state).await?;
        let visit = params.iter().find(|(k, _)| *k == "visit").map(|(_, v)| v);
        let visit = visit.unwrap_or_default().to_owned();
        let state = state.clone();
        Ok(Self {
            state,
            agent,
            visit,
        })
    }
}

impl AgentVisit {
    /// The chat behind the visit id, if this agent may read it.
    async fn chat(&self) -> Result<Chat, ApiError> {
        let engine = &self.state.engine;
        Ok(engine.chat_of_visit(&self.agent.who, &self.visit).await?)
    }

    /// `…/agentSession/{asid}/visits/visit/{visit}`.
    fn url(&self, base: &BaseUrl) -> String {
        let session = agent_session_url(base, self.agent.who.account(), self.agent.asid);
        format!("{session}/visits/visit/{}", self.visit)
    }
}

/// `GET /agentSession/{asid}/visits/visit/{visitId}`: the visit's links (root `visitId`).
pub async fn get_visit(visit: AgentVisit, format: Format, base: BaseUrl) -> LpAnswer {
    visit.chat().await?;
    Ok(LpReply::ok(format, &visit_links(visit.url(&base))))
}

/// `GET …/visits/visit/{visitId}/info`: session, visitor and time facts of the visit.
pub async fn get_visit_info(visit: AgentVisit, format: Format, base: BaseUrl) -> LpAnswer {
    let chat = visit.chat().await?;
    let in_current_chat = chat.is_handled_by(visit.agent.who.agent());
    let url = visit.url(&base);
    let view = VisitInfo {
        chat: &chat,
        in_current_chat,
        url: &url,
    };
    Ok(LpReply::ok(format, &view))
}

/// `GET …/visits/visit/{visitId}/customVariables`: the variables sent with the chat request.
pub async fn get_visit_custom_variables(v: AgentVisit, f: Format, base: BaseUrl) -> LpAnswer {
    let chat = v.chat().await?;
    let url = v.url(&base);
    Ok(LpReply::ok(
        f,
        &VisitCustomVariables {
            chat: &chat,
            url: &url,
        },
    ))
}
