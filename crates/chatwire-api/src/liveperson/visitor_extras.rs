//! Server Chat API, what a visitor adds to a chat (spec §2.3.17–§2.3.20): the exit survey,
//! custom variables, and transcript requests. The engine checks that the app key owns the chat.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chatwire_engine::core::{EventId, SurveyKind};

use super::body::LpBody;
use super::compat::empty;
use super::input::{custom_variables, parse_answers, survey_context, transcript_request};
use super::reply::LpReply;
use super::views::survey::SurveyView;
use super::visitor_auth::LpVisitor;
use super::visitor_chat::{VisitorChatPath, read};
use crate::http::negotiate::Format;
use crate::http::path::chat_key;
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// `GET /chat/{chatId}/exitSurvey[?surveyName=|surveyApiId=]`.
pub async fn get_exit_survey(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
    q: Query,
) -> Result<LpReply, ApiError> {
    read(&state, &v, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    let name = q
        .get("surveyName")
        .or_else(|| q.get("surveyApiId"))
        .filter(|s| !s.is_empty());
    let survey = state
        .engine
        .survey_of(&v.account, SurveyKind::Exit, name)
        .await?;
    Ok(LpReply::ok(format, &SurveyView(&survey)))
}

/// `PUT /chat/{chatId}/exitSurvey`: validated and stored with the chat; 200.
pub async fn put_exit_survey(
    State(state): State<AppState>,
    v: LpVisitor,
    Path((_, chat)): VisitorChatPath,
    body: LpBody,
) -> Result<Response, ApiError> {
    let key = chat_key(&chat)?;
    let (id, answers) = parse_answers(&body)?;
    state
        .engine
        .submit_exit_survey(&v.caller, &key, id, answers, survey_context(&body))
        .await?;
    Ok(empty(StatusCode::OK))
}

/// `PUT /chat/{chatId}/customVariables` with `{"customVariables":{"customVariable":[{"name","value"}]}}`:
/// adds or replaces them on the chat (agents see them under the visit); 200.
pub async fn put_custom_variables(
    State(state): State<AppState>,
    v: LpVisitor,
    Path((_, chat)): VisitorChatPath,
    body: LpBody,
) -> Result<Response, ApiError> {
    let key = chat_key(&chat)?;
    let vars = custom_variables(&body)?;
    state
        .engine
        .set_custom_variables(&v.caller, &key, vars)
        .await?;
    Ok(empty(StatusCode::OK))
}

/// `PUT /chat/{chatId}/transcriptRequest` with `{"email":…,"timezoneOffset":-7200000}` and
/// `PUT …/transcriptWithSubjectRequest` (the same plus `subject`): the transcript is mailed once
/// the chat has ended (at once if it has); 200.
pub async fn put_transcript_request(
    State(state): State<AppState>,
    v: LpVisitor,
    Path((_, chat)): VisitorChatPath,
    body: LpBody,
) -> Result<Response, ApiError> {
    let key = chat_key(&chat)?;
    let request = transcript_request(body)?;
    state
        .engine
        .request_transcript(&v.caller, &key, request)
        .await?;
    Ok(empty(StatusCode::OK))
}
