//! Server Chat API, chat level (spec §2.3.8–§2.3.20): the chat resource (fixed link order),
//! events, lines and end, info, visitor name and typing, agent typing, exit survey, custom
//! variables. Every call checks that the app key owns the chat and counts as visitor activity.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chatwire_engine::core::{ChatKey, EventId, SurveyKind};
use chatwire_engine::{Caller, ChatView, Cursor};

use super::agent_chat::{PostedEvent, extras, parse_event, typing};
use super::body::{LpBody, one_or_many, scalar_text};
use super::compat::empty;
use super::query::LpQuery;
use super::reply::LpReply;
use super::survey::{parse_answers, survey_elem};
use super::types::{EventIds, Side, chat_elem, chat_urls, event_elem, events_elem, info_elem};
use super::visitor_account::survey_context;
use super::visitor_auth::LpVisitor;
use super::wire::Elem;
use crate::http::path::chat_key;
use crate::negotiate::Format;
use crate::{ApiError, AppState, BaseUrl};

/// Path of visitor chat routes.
pub type VisitorChatPath = Path<(String, String)>;

fn from_param(q: &LpQuery) -> Result<EventId, ApiError> {
    Ok(EventId(
        q.leading_u32("from")
            .map_err(ApiError::BadRequest)?
            .unwrap_or(0),
    ))
}

/// A read of the visitor's chat from `from`, waiting up to `wait` when nothing is new.
async fn read(
    state: &AppState,
    v: &LpVisitor,
    key: &ChatKey,
    from: EventId,
    wait: Duration,
) -> Result<ChatView, ApiError> {
    let caller = Caller::Visitor(v.caller.clone());
    Ok(state
        .engine
        .read_events(&caller, key, Cursor::From(from), wait)
        .await?)
}

/// `GET /chat/{chatId}[?from=N]`: links `[self, events, info, next, transcript-request,
/// transcript-with-subject-request, exit-survey, custom-variables]`, events, info.
pub async fn get_chat(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    base: BaseUrl,
    Path((_, chat)): VisitorChatPath,
    q: LpQuery,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let view = read(&state, &v, &key, from_param(&q)?, wait).await?;
    let urls = chat_urls(&base, &v.account, None, &key);
    let extras = extras(&state, &v.account, &view, Side::Visitor).await;
    Ok(LpReply::ok(
        format,
        chat_elem(&view, Side::Visitor, &urls, &extras, EventIds::Attribute),
    ))
}

/// `GET /chat/{chatId}/events[?from=N]`.
pub async fn get_events(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    base: BaseUrl,
    Path((_, chat)): VisitorChatPath,
    q: LpQuery,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let view = read(&state, &v, &key, from_param(&q)?, wait).await?;
    Ok(LpReply::ok(
        format,
        events_elem(
            &view,
            &chat_urls(&base, &v.account, None, &key),
            EventIds::Attribute,
        ),
    ))
}

/// `GET /chat/{chatId}/events/{eventId}`: one event the visitor may see.
pub async fn get_event(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat, event)): Path<(String, String, String)>,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let id = event
        .parse::<u32>()
        .map_err(|_| ApiError::NotFound("event not found".into()))?;
    let view = read(&state, &v, &key, EventId(id), Duration::ZERO).await?;
    let found = view
        .events
        .iter()
        .find(|e| e.id.0 == id)
        .ok_or_else(|| ApiError::NotFound("event not found".into()))?;
    Ok(LpReply::ok(format, event_elem(found, EventIds::Attribute)))
}

/// `POST /chat/{chatId}/events`: a line (always plain on this side) or `state: ended`. 201 +
/// `Location` of the event, with the agent side's `chatEventLocation` body.
pub async fn post_event(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    base: BaseUrl,
    Path((_, chat)): VisitorChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let committed = match parse_event(&body, false)? {
        PostedEvent::Line(line) => {
            state
                .engine
                .visitor_post_line(&v.caller, &key, line)
                .await?
        }
        PostedEvent::End => state.engine.visitor_end_chat(&v.caller, &key).await?,
    };
    let first = committed.events.first().map_or(0, |e| e.id.0);
    let url = format!(
        "{}/events/{first}",
        chat_urls(&base, &v.account, None, &key).chat
    );
    Ok(LpReply::created(
        format,
        Elem::new("chatEventLocation").child(Elem::link(url.clone(), "location")),
        url,
    ))
}

/// `GET /chat/{chatId}/info`: plain `href`/`rel` keys here (Postman reads `info.link[1]["href"]`).
pub async fn get_info(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    base: BaseUrl,
    Path((_, chat)): VisitorChatPath,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let view = read(&state, &v, &key, EventId(u32::MAX), Duration::ZERO).await?;
    let extras = extras(&state, &v.account, &view, Side::Visitor).await;
    Ok(LpReply::ok(
        format,
        info_elem(
            &view.chat,
            Side::Visitor,
            &chat_urls(&base, &v.account, None, &key),
            &extras,
        ),
    )
    .plain())
}

/// `GET /chat/{chatId}/info/visitorName`.
pub async fn get_visitor_name(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(
        &state,
        &v,
        &chat_key(&chat)?,
        EventId(u32::MAX),
        Duration::ZERO,
    )
    .await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("visitorName", view.chat.visitor_name.clone()),
    ))
}

/// `PUT /chat/{chatId}/info/visitorName` with `{"visitorName":"Natalie"}`: **200** (the CaféX
/// SDK requires it; the doc's 201 is wrong), echoing the name.
pub async fn put_visitor_name(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let name = body.required(&[&["visitorName"]], "visitorName")?;
    let committed = state.engine.visitor_set_name(&v.caller, &key, name).await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("visitorName", committed.chat.visitor_name),
    ))
}

/// `GET /chat/{chatId}/info/visitorTyping`.
pub async fn get_visitor_typing(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(
        &state,
        &v,
        &chat_key(&chat)?,
        EventId(u32::MAX),
        Duration::ZERO,
    )
    .await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("visitorTyping", view.chat.visitor_typing.as_str()),
    ))
}

/// `PUT /chat/{chatId}/info/visitorTyping` with `{"visitorTyping":"typing"}`: 200.
pub async fn put_visitor_typing(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let value = typing(&body.required(&[&["visitorTyping"]], "visitorTyping")?)?;
    let committed = state
        .engine
        .set_visitor_typing(&v.caller, &key, value)
        .await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("visitorTyping", committed.chat.visitor_typing.as_str()),
    ))
}

/// `GET /chat/{chatId}/info/agentTyping`.
pub async fn get_agent_typing(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(
        &state,
        &v,
        &chat_key(&chat)?,
        EventId(u32::MAX),
        Duration::ZERO,
    )
    .await?;
    Ok(LpReply::ok(
        format,
        Elem::leaf("agentTyping", view.chat.agent_typing.as_str()),
    ))
}

/// `GET /chat/{chatId}/exitSurvey[?surveyName=|surveyApiId=]`.
pub async fn get_exit_survey(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
    q: LpQuery,
) -> Result<LpReply, ApiError> {
    read(
        &state,
        &v,
        &chat_key(&chat)?,
        EventId(u32::MAX),
        Duration::ZERO,
    )
    .await?;
    let name = q
        .get("surveyName")
        .or_else(|| q.get("surveyApiId"))
        .filter(|s| !s.is_empty());
    let survey = state
        .engine
        .survey_of(&v.account, SurveyKind::Exit, name)
        .await?;
    Ok(LpReply::ok(format, survey_elem(&survey)))
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
    let list = body
        .at(&[&["customVariables"], &["customVariable"]])
        .ok_or_else(|| {
            ApiError::BadRequest(
                "the body must be {\"customVariables\":{\"customVariable\":[…]}}".into(),
            )
        })?;
    let mut vars = Vec::new();
    for item in one_or_many(Some(list)) {
        let name = item
            .get("name")
            .and_then(scalar_text)
            .ok_or_else(|| ApiError::BadRequest("every custom variable needs a name".into()))?;
        vars.push(chatwire_engine::core::chat::CustomVariable {
            name,
            value: item.get("value").and_then(scalar_text).unwrap_or_default(),
        });
    }
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
    let body = body.unwrap_root(&[
        "transcriptRequest",
        "transcriptWithSubjectRequest",
        "transcript",
    ]);
    let email = body.required(&[&["email"]], "email")?;
    let timezone_offset_ms = body.int_at(&[&["timezoneOffset"]])?;
    let subject = body
        .str_at(&[&["subject"]])
        .filter(|s| !s.trim().is_empty());
    let request = chatwire_engine::TranscriptRequest {
        email,
        subject,
        timezone_offset_ms,
    };
    state
        .engine
        .request_transcript(&v.caller, &key, request)
        .await?;
    Ok(empty(StatusCode::OK))
}
