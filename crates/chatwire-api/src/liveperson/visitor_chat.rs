//! Server Chat API, chat level (spec §2.3.8–§2.3.16): the chat resource (fixed link order),
//! events, lines and end, info, visitor name and typing, agent typing (exit survey, custom
//! variables and transcripts are in `visitor_extras`). Every call checks that the app key owns
//! the chat and counts as visitor activity.

use std::time::Duration;

use axum::extract::{Path, State};
use chatwire_engine::core::{ChatKey, EventId};
use chatwire_engine::{Caller, ChatView, Cursor};

use super::agent_chat::extras;
use super::body::LpBody;
use super::input::{PostedEvent, event_id, from_param, parse_event, typing};
use super::reply::LpReply;
use super::views::Leaf;
use super::views::chat::{ChatInfo, ChatResource, Side, chat_urls};
use super::views::events::{EventIds, EventView, EventsPage};
use super::visitor_auth::LpVisitor;
use crate::http::negotiate::Format;
use crate::http::path::chat_key;
use crate::http::query::Query;
use crate::{ApiError, AppState, BaseUrl};

/// Path of visitor chat routes.
pub type VisitorChatPath = Path<(String, String)>;

/// A read of the visitor's chat from `from`, waiting up to `wait` when nothing is new.
async fn read_waiting(
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

/// A read of the visitor's chat from `from`, now.
pub(crate) async fn read(
    state: &AppState,
    v: &LpVisitor,
    key: &ChatKey,
    from: EventId,
) -> Result<ChatView, ApiError> {
    read_waiting(state, v, key, from, Duration::ZERO).await
}

/// `GET /chat/{chatId}[?from=N]`: links `[self, events, info, next, transcript-request,
/// transcript-with-subject-request, exit-survey, custom-variables]`, events, info.
pub async fn get_chat(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    base: BaseUrl,
    Path((_, chat)): VisitorChatPath,
    q: Query,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let view = read_waiting(&state, &v, &key, from_param(&q)?, wait).await?;
    let urls = chat_urls(&base, &v.account, None, &key);
    let extras = extras(&state, &v.account, &view, Side::Visitor).await;
    let resource = ChatResource {
        read: &view,
        side: Side::Visitor,
        urls: &urls,
        extras: &extras,
        ids: EventIds::Attribute,
    };
    Ok(LpReply::ok(format, &resource))
}

/// `GET /chat/{chatId}/events[?from=N]`.
pub async fn get_events(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    base: BaseUrl,
    Path((_, chat)): VisitorChatPath,
    q: Query,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let view = read_waiting(&state, &v, &key, from_param(&q)?, wait).await?;
    let urls = chat_urls(&base, &v.account, None, &key);
    let page = EventsPage {
        read: &view,
        urls: &urls,
        ids: EventIds::Attribute,
    };
    Ok(LpReply::ok(format, &page))
}

/// `GET /chat/{chatId}/events/{eventId}`: one event the visitor may see.
pub async fn get_event(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat, event)): Path<(String, String, String)>,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let id = event_id(&event)?;
    let view = read(&state, &v, &key, id).await?;
    let event = view
        .events
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| ApiError::NotFound("event not found".into()))?;
    let ids = EventIds::Attribute;
    Ok(LpReply::ok(format, &EventView { event, ids }))
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
    let urls = chat_urls(&base, &v.account, None, &key);
    let url = urls.sub(&format!("events/{first}"));
    Ok(LpReply::created(format, "chatEventLocation", url))
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
    let view = read(&state, &v, &key, EventId(u32::MAX)).await?;
    let extras = extras(&state, &v.account, &view, Side::Visitor).await;
    let urls = chat_urls(&base, &v.account, None, &key);
    let info = ChatInfo {
        chat: &view.chat,
        side: Side::Visitor,
        urls: &urls,
        extras: &extras,
    };
    Ok(LpReply::ok(format, &info))
}

/// `GET /chat/{chatId}/info/visitorName`.
pub async fn get_visitor_name(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &v, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    let name = view.chat.visitor_name.clone();
    Ok(LpReply::ok(format, &Leaf::new("visitorName", name)))
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
    let name = committed.chat.visitor_name;
    Ok(LpReply::ok(format, &Leaf::new("visitorName", name)))
}

/// `GET /chat/{chatId}/info/visitorTyping`.
pub async fn get_visitor_typing(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &v, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    let typing = view.chat.visitor_typing.as_str();
    Ok(LpReply::ok(format, &Leaf::new("visitorTyping", typing)))
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
    let typing = committed.chat.visitor_typing.as_str();
    Ok(LpReply::ok(format, &Leaf::new("visitorTyping", typing)))
}

/// `GET /chat/{chatId}/info/agentTyping`.
pub async fn get_agent_typing(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &v, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    let typing = view.chat.agent_typing.as_str();
    Ok(LpReply::ok(format, &Leaf::new("agentTyping", typing)))
}
