//! Chat Agent API extras (spec §2.2.23–§2.2.26): the agent (wrap-up) survey, authenticated
//! participant info, and the visit resources of a chat.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chatwire_engine::core::{Chat, EventId, SurveyKind};

use super::agent_chat::{ChatPath, read};
use super::auth::LpAgent;
use super::body::LpBody;
use super::compat::empty;
use super::input::parse_answers;
use super::reply::LpReply;
use super::views::chat::agent_session_url;
use super::views::survey::SurveyView;
use super::views::visit::{ParticipantInfo, VisitCustomVariables, VisitInfo, visit_links};
use crate::http::negotiate::Format;
use crate::http::path::chat_key;
use crate::http::query::Query;
use crate::{ApiError, AppState, BaseUrl};

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
    read(&state, &agent, &key, EventId(u32::MAX)).await?;
    let name = q.get("surveyApiId").or_else(|| q.get("surveyName"));
    let survey = state
        .engine
        .survey_of(&agent.who.account, SurveyKind::Agent, name)
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
    let chats = state.engine.chats_of_agent(&agent.who, 200).await?;
    let ringing = state.engine.ringing_chats(&agent.who).await?;
    let chat = chats
        .iter()
        .chain(ringing.iter())
        .find(|c| c.request.participant_id.as_deref() == Some(participant.as_str()))
        .ok_or_else(|| ApiError::NotFound("participant not found in this agent's chats".into()))?;
    let view = ParticipantInfo {
        participant: &participant,
        chat,
    };
    Ok(LpReply::ok(format, &view))
}

/// The chat behind a visit id, if this agent may read it.
async fn chat_of_visit(state: &AppState, agent: &LpAgent, visit: &str) -> Result<Chat, ApiError> {
    Ok(state.engine.chat_of_visit(&agent.who, visit).await?)
}

fn visit_url(base: &BaseUrl, agent: &LpAgent, visit: &str) -> String {
    format!(
        "{}/visits/visit/{visit}",
        agent_session_url(base, &agent.who.account, agent.asid)
    )
}

/// `GET /agentSession/{asid}/visits/visit/{visitId}`: the visit's links (root `visitId`).
pub async fn get_visit(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, visit)): Path<(String, i64, String)>,
) -> Result<LpReply, ApiError> {
    chat_of_visit(&state, &agent, &visit).await?;
    let url = visit_url(&base, &agent, &visit);
    Ok(LpReply::ok(format, &visit_links(url)))
}

/// `GET …/visits/visit/{visitId}/info`: session, visitor and time facts of the visit.
pub async fn get_visit_info(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, visit)): Path<(String, i64, String)>,
) -> Result<LpReply, ApiError> {
    let chat = chat_of_visit(&state, &agent, &visit).await?;
    let view = VisitInfo {
        chat: &chat,
        in_current_chat: chat.is_handled_by(agent.who.agent),
        url: &visit_url(&base, &agent, &visit),
    };
    Ok(LpReply::ok(format, &view))
}

/// `GET …/visits/visit/{visitId}/customVariables`: the variables sent with the chat request.
pub async fn get_visit_custom_variables(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, visit)): Path<(String, i64, String)>,
) -> Result<LpReply, ApiError> {
    let chat = chat_of_visit(&state, &agent, &visit).await?;
    let view = VisitCustomVariables {
        chat: &chat,
        url: &visit_url(&base, &agent, &visit),
    };
    Ok(LpReply::ok(format, &view))
}
