//! Server Chat API, what a visitor adds to a chat (spec §2.3.17–§2.3.20): the exit survey,
//! custom variables, and transcript requests. The engine checks that the app key owns the chat.

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use chatwire_engine::core::{ChatKey, SurveyKind};

use super::body::LpBody;
use super::compat::empty;
use super::input::{custom_variables, parse_answers, survey_context, transcript_request};
use super::reply::LpReply;
use super::views::survey::SurveyView;
use super::visitor_auth::LpVisitor;
use super::visitor_chat::VisitorChatPath;
use crate::http::negotiate::Format;
use crate::http::path::{self, chat_key};
use crate::http::query::Query;
use crate::{ApiError, AppState};
use chatwire_engine::Caller;

/// `GET /chat/{chatId}/exitSurvey[?surveyName=|surveyApiId=]`.
pub async fn get_exit_survey(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
    q: Query,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let name = q
        .get("surveyName")
        .or_else(|| q.get("surveyApiId"))
        .filter(|s| !s.is_empty());
    let survey = state
        .engine
        .survey_of_chat(
            &Caller::Visitor(v.caller.clone()),
            &key,
            SurveyKind::Exit,
            name,
        )
        .await?;
    Ok(LpReply::ok(format, &SurveyView(&survey)))
}

/// A visitor's write to the chat a route names: the caller, the chat key and the body, read in
/// the order the routes always have (caller, path, body, then the key parsed).
pub struct VisitorWrite {
    v: LpVisitor,
    key: ChatKey,
    body: LpBody,
}

impl FromRequest<AppState> for VisitorWrite {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let v = LpVisitor::from_request_parts(&mut parts, state).await?;
        let params = path::params(&mut parts, state).await?;
        let chat = params.iter().find(|(k, _)| *k == "chat").map(|(_, c)| c);
        let chat = chat.unwrap_or_default().to_owned();
        let body = LpBody::from_request(Request::from_parts(parts, body), state).await?;
        let key = chat_key(&chat)?;
        Ok(Self { v, key, body })
    }
}

/// `PUT /chat/{chatId}/exitSurvey`: validated and stored with the chat; 200.
pub async fn put_exit_survey(s: State<AppState>, w: VisitorWrite) -> Result<Response, ApiError> {
    let (id, answers) = parse_answers(&w.body)?;
    let context = survey_context(&w.body);
    let engine = &s.engine;
    engine
        .submit_exit_survey(&w.v.caller, &w.key, id, answers, context)
        .await?;
    Ok(empty(StatusCode::OK))
}

/// `PUT /chat/{chatId}/customVariables` with `{"customVariables":{"customVariable":[{"name","value"}]}}`:
/// adds or replaces them on the chat (agents see them under the visit); 200.
pub async fn put_custom_variables(
    s: State<AppState>,
    w: VisitorWrite,
) -> Result<Response, ApiError> {
    let vars = custom_variables(&w.body)?;
    let engine = &s.engine;
    engine
        .set_custom_variables(&w.v.caller, &w.key, vars)
        .await?;
    Ok(empty(StatusCode::OK))
}

/// `PUT /chat/{chatId}/transcriptRequest` with `{"email":…,"timezoneOffset":-7200000}` and
/// `PUT …/transcriptWithSubjectRequest` (the same plus `subject`): the transcript is mailed once
/// the chat has ended (at once if it has); 200.
pub async fn put_transcript_request(
    s: State<AppState>,
    w: VisitorWrite,
) -> Result<Response, ApiError> {
    let request = transcript_request(w.body)?;
    let engine = &s.engine;
    engine
        .request_transcript(&w.v.caller, &w.key, request)
        .await?;
    Ok(empty(StatusCode::OK))
}
