//! Chat Agent API, chat level (spec §2.2.11–§2.2.22): chat resource, events, lines and end,
//! chat info, visitor name, typing, and the multi-chat retrieve (seed 002); transfers are in
//! `agent_transfer`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chatwire_engine::core::{AccountId, ChatKey, EventId};
use chatwire_engine::{Caller, ChatView, Cursor};

use super::auth::LpAgent;
use super::body::LpBody;
use super::fragments::FragmentCache;
use super::input::{AskedChats, PostedEvent, event_id, from_param, parse_event, typing};
use super::reply::{LpRaw, LpReply};
use super::views::Leaf;
use super::views::chat::{ChatInfo, ChatResource, InfoExtras, Side, chat_urls};
use super::views::chat_list::ChatList;
use super::views::events::{EventIds, EventView, EventsPage};
use crate::http::negotiate::Format;
use crate::http::path::chat_key;
use crate::http::query::Query;
use crate::{ApiError, AppState, BaseUrl};

/// Path of chat-level routes.
pub type ChatPath = Path<(String, i64, String)>;

/// The facts `info` shows beyond the chat (skill name, now); shared by both sides. Only the
/// visitor side shows the skill name, so the agent side skips the directory lookup (the
/// multi-chat poll would otherwise do it once per chat per request).
pub(crate) async fn extras(
    state: &AppState,
    account: &AccountId,
    view: &ChatView,
    side: Side,
) -> InfoExtras {
    let skill_name = match (side, view.chat.skill) {
        (Side::Visitor, Some(id)) => state.engine.skill(account, id).await.ok().map(|s| s.name),
        _ => None,
    };
    InfoExtras {
        skill_name,
        now: state.engine.now(),
    }
}

/// A read that long-polls when the query asks (`wait=<seconds>`, clamped by the server).
async fn read_waiting(
    state: &AppState,
    agent: &LpAgent,
    key: &ChatKey,
    from: EventId,
    q: &Query,
) -> Result<ChatView, ApiError> {
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let caller = Caller::Agent(agent.who.clone());
    Ok(state
        .engine
        .read_events(&caller, key, Cursor::From(from), wait)
        .await?)
}

pub(crate) async fn read(
    state: &AppState,
    agent: &LpAgent,
    key: &ChatKey,
    from: EventId,
) -> Result<ChatView, ApiError> {
    let caller = Caller::Agent(agent.who.clone());
    Ok(state
        .engine
        .read_events(&caller, key, Cursor::From(from), std::time::Duration::ZERO)
        .await?)
}

/// `GET /agentSession/{asid}/chat/{chatId}[?from=N]`: links, events from `N`, info.
pub async fn get_chat(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
    q: Query,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let view = read_waiting(&state, &agent, &key, from_param(&q)?, &q).await?;
    let urls = chat_urls(&base, &agent.who.account, Some(agent.asid), &key);
    let extras = extras(&state, &agent.who.account, &view, Side::Agent).await;
    let resource = ChatResource {
        read: &view,
        side: Side::Agent,
        urls: &urls,
        extras: &extras,
        ids: EventIds::Attribute,
    };
    Ok(LpReply::ok(format, &resource))
}

/// `GET /agentSession/{asid}/chat/{chatId}/events[?from=N]`.
pub async fn get_events(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
    q: Query,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let view = read_waiting(&state, &agent, &key, from_param(&q)?, &q).await?;
    let urls = chat_urls(&base, &agent.who.account, Some(agent.asid), &key);
    let page = EventsPage {
        read: &view,
        urls: &urls,
        ids: EventIds::Attribute,
    };
    Ok(LpReply::ok(format, &page))
}

/// `POST /agentSession/{asid}/chat/{chatId}/events`: add a line (201 `chatEventLocation`) or
/// end the chat (201 `chatLocation`, the root the docs show).
pub async fn post_event(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let account = &agent.who.account;
    let (committed, root) = match parse_event(&body, true)? {
        PostedEvent::Line(line) => (
            state.engine.agent_post_line(&agent.who, &key, line).await?,
            "chatEventLocation",
        ),
        PostedEvent::End => (
            state.engine.agent_end_chat(&agent.who, &key).await?,
            "chatLocation",
        ),
    };
    let first = committed.events.first().map_or(0, |e| e.id.0);
    let urls = chat_urls(&base, account, Some(agent.asid), &key);
    Ok(LpReply::created(
        format,
        root,
        urls.sub(&format!("events/{first}")),
    ))
}

/// `GET /agentSession/{asid}/chat/{chatId}/info`.
pub async fn get_info(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let view = read(&state, &agent, &key, EventId(u32::MAX)).await?;
    let urls = chat_urls(&base, &agent.who.account, Some(agent.asid), &key);
    let extras = extras(&state, &agent.who.account, &view, Side::Agent).await;
    let info = ChatInfo {
        chat: &view.chat,
        side: Side::Agent,
        urls: &urls,
        extras: &extras,
    };
    Ok(LpReply::ok(format, &info))
}

/// `GET …/info/visitorName`.
pub async fn get_visitor_name(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &agent, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    let name = view.chat.visitor_name.clone();
    Ok(LpReply::ok(format, &Leaf::new("visitorName", name)))
}

/// `GET …/info/visitorTyping`.
pub async fn get_visitor_typing(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &agent, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    let typing = view.chat.visitor_typing.as_str();
    Ok(LpReply::ok(format, &Leaf::new("visitorTyping", typing)))
}

/// `GET …/info/agentTyping`.
pub async fn get_agent_typing(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
) -> Result<LpReply, ApiError> {
    let view = read(&state, &agent, &chat_key(&chat)?, EventId(u32::MAX)).await?;
    let typing = view.chat.agent_typing.as_str();
    Ok(LpReply::ok(format, &Leaf::new("agentTyping", typing)))
}

/// `PUT …/info/agentTyping` with `{"agentTyping":"typing"}`: 201 per the doc, echoing the value.
pub async fn put_agent_typing(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let value = typing(&body.required(&[&["agentTyping"]], "agentTyping")?)?;
    let committed = state
        .engine
        .set_agent_typing(&agent.who, &key, value)
        .await?;
    let typing = committed.chat.agent_typing.as_str();
    Ok(LpReply::ok(format, &Leaf::new("agentTyping", typing)).status(StatusCode::CREATED))
}

/// `GET /agentSession/{asid}/chat?chatSessionKeys=K1,K2&fromEventIds=E1,E2`: many chats in one
/// poll (seed 002), plain keys. A missing `fromEventIds` list or entry reads from 0; lists of
/// different lengths are a 400; a key that is unknown or not this agent's is reported inside
/// its own `chat` entry as `{"chatSessionKey":…,"error":{…}}` without revealing anything.
pub async fn get_chats(
    State(state): State<AppState>,
    Extension(fragments): Extension<Arc<FragmentCache>>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    q: Query,
) -> Result<LpRaw, ApiError> {
    let asked = AskedChats::parse(&q, state.limits.max_chat_session_keys)?;
    let wait = chatwire_engine::wait_secs(q.get("wait"));
    let caller = Caller::Agent(agent.who.clone());
    let reads = state
        .engine
        .read_events_many(&caller, &asked.requests(), wait)
        .await;
    let entries = asked.answer(reads)?;
    let list = ChatList {
        account: &agent.who.account,
        asid: agent.asid,
        base: &base,
        format,
        now: state.engine.now(),
    };
    Ok(list.render(&fragments, entries))
}

/// `GET …/chat/{chatId}/events/{eventId}`: one event (the `Location` of a posted line).
pub async fn get_event(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat, event)): Path<(String, i64, String, String)>,
) -> Result<LpReply, ApiError> {
    let key = chat_key(&chat)?;
    let id = event_id(&event)?;
    let view = read(&state, &agent, &key, id).await?;
    let event = view
        .events
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| ApiError::NotFound("event not found".into()))?;
    let ids = EventIds::Attribute;
    Ok(LpReply::ok(format, &EventView { event, ids }))
}
