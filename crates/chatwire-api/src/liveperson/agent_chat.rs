//! Chat Agent API, chat level (spec §2.2.11–§2.2.22): chat resource, events, lines and end,
//! chat info, visitor name, typing, and the multi-chat retrieve (seed 002); transfers are in
//! `agent_transfer`.

use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chatwire_engine::Caller;

use super::auth::LpAgent;
use super::body::LpBody;
use super::chat_read::{AgentChat, InfoField};
use super::fragments::{FragmentCache, PollAnswers, PollQuery, Poller};
use super::input::{AskedChats, PostedEvent, parse_event, typing};
use super::reply::{LpAnswer, LpRaw, LpReply, RawBody};
use super::views::chat::chat_urls;
use super::views::chat_list::ChatList;
use crate::http::negotiate::Format;
use crate::http::path::chat_key;
use crate::http::query::Query;
use crate::{ApiError, AppState, BaseUrl};

/// Path of chat-level routes.
pub type ChatPath = Path<(String, i64, String)>;

/// `GET /agentSession/{asid}/chat/{chatId}[?from=N]`: links, events from `N`, info.
pub async fn get_chat(AgentChat(chat): AgentChat, f: Format, base: BaseUrl, q: Query) -> LpAnswer {
    chat.resource(f, &base, &q).await
}

/// `GET /agentSession/{asid}/chat/{chatId}/events[?from=N]`.
pub async fn get_events(
    AgentChat(chat): AgentChat,
    f: Format,
    base: BaseUrl,
    q: Query,
) -> LpAnswer {
    chat.events(f, &base, &q).await
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
    let account = agent.who.account();
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
pub async fn get_info(AgentChat(chat): AgentChat, f: Format, base: BaseUrl) -> LpAnswer {
    chat.info(f, &base).await
}

/// `GET …/info/visitorName`, `…/info/visitorTyping`, `…/info/agentTyping`.
pub async fn get_info_field(AgentChat(chat): AgentChat, f: Format, field: InfoField) -> LpAnswer {
    chat.field(f, field).await
}

/// `PUT …/info/agentTyping` with `{"agentTyping":"typing"}`: 201 per the doc, echoing the value.
pub async fn put_agent_typing(
    State(state): State<AppState>,
    agent: LpAgent,
    format: Format,
    Path((_, _, chat)): ChatPath,
    body: LpBody,
) -> LpAnswer {
    let key = chat_key(&chat)?;
    let value = typing(&body.required(&[&["agentTyping"]], "agentTyping")?)?;
    let engine = &state.engine;
    let committed = engine.set_agent_typing(&agent.who, &key, value).await?;
    let leaf = InfoField::AgentTyping.leaf(&committed.chat);
    Ok(LpReply::ok(format, &leaf).status(StatusCode::CREATED))
}

/// `GET /agentSession/{asid}/chat?chatSessionKeys=K1,K2&fromEventIds=E1,E2`: many chats in one
/// poll (seed 002), plain keys. A missing `fromEventIds` list or entry reads from 0; lists of
/// different lengths are a 400; a key that is unknown or not this agent's is reported inside
/// its own `chat` entry as `{"chatSessionKey":…,"error":{…}}` without revealing anything.
pub async fn get_chats(
    State(state): State<AppState>,
    Extension(fragments): Extension<Arc<FragmentCache>>,
    Extension(answers): Extension<Arc<PollAnswers>>,
    agent: LpAgent,
    format: Format,
    base: BaseUrl,
    uri: Uri,
) -> Result<LpRaw, ApiError> {
    let account = agent.who.account();
    let who = Poller {
        account,
        asid: agent.asid,
        base: &base.0,
        format,
    };
    let raw = uri.query().unwrap_or("");
    let caller = Caller::Agent(agent.who.clone());
    // A console sends the same query again and again: a query byte for byte the last one of
    // this session is not parsed again (docs/performance.md, "Issue 18, session 14"), and
    // when it would not wait and no chat moved, the last answer is the answer ("session 15").
    let now = state.engine.now();
    let last = answers.last(&who);
    let again = last.as_ref().filter(|last| last.asked_with(raw));
    if let Some(again) = again
        && let Some(body) = again.body_at(&who, now)
        && state
            .engine
            .unchanged_for(&caller, again.wait(), again.revisions())
    {
        return Ok(LpRaw {
            format,
            body: body.into(),
        });
    }
    // A query the last answer was sent in pieces to, sent again: those pieces, once the
    // engine says none of their chats moved ("session 19"). The kept query itself never has
    // pieces: it is served whole.
    if again.is_none()
        && let Some(kept) = last.as_ref().and_then(|l| l.pieces_for(raw, &who, now))
        && state
            .engine
            .unchanged_for(&caller, Duration::ZERO, kept.revisions())
    {
        return Ok(LpRaw {
            format,
            body: RawBody::Pieces(kept.pieces()),
        });
    }
    let parsed;
    let (asked, wait) = match again {
        Some(again) => (AskedChats::known(again.chats()), again.wait()),
        None => {
            parsed = Query::parse(raw);
            let asked = AskedChats::parse(&parsed, state.limits.max_chat_session_keys)?;
            (asked, chatwire_engine::wait_secs(parsed.get("wait")))
        }
    };
    // Any other poll takes each chat the last answer showed, and the engine says has not
    // moved, from that answer; only the others are read ("session 16").
    // A read that may wait reads every chat (`unchanged_each` would say so for each).
    let mut kept = match &last {
        Some(last) if wait.is_zero() => last.items_for(&who, now, asked.chats()),
        _ => Vec::new(),
    };
    let shown = kept.iter().zip(asked.chats()).filter_map(|(item, chat)| {
        let (item, (key, _)) = item.as_ref().zip(chat)?;
        Some((key, item.revision))
    });
    let mut still = state
        .engine
        .unchanged_each(&caller, wait, shown)
        .into_iter();
    for item in &mut kept {
        if item.is_some() && !still.next().unwrap_or(false) {
            *item = None;
        }
    }
    let reads = state
        .engine
        .read_events_many(&caller, &asked.requests(&kept), wait)
        .await;
    let entries = asked.answer(kept, reads)?;
    // A poll that waited shows `duration` as of its answer; one that did not, as of the `now`
    // its kept items were checked at, so that every item of the answer is of one time.
    let now = if wait.is_zero() {
        now
    } else {
        state.engine.now()
    };
    let list = ChatList {
        account,
        asid: agent.asid,
        base: &base,
        format,
        now,
        query: PollQuery { raw, wait },
    };
    Ok(list.render(&fragments, &answers, &entries))
}

/// `GET …/chat/{chatId}/events/{eventId}`: one event (the `Location` of a posted line).
pub async fn get_event(
    AgentChat(chat): AgentChat,
    f: Format,
    base: BaseUrl,
    Path((_, _, _, event)): Path<(String, i64, String, String)>,
) -> LpAnswer {
    chat.event(f, &base, &event).await
}
