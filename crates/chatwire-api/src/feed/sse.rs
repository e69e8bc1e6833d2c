//! Server-Sent Events: the account feed and one chat, resumable exactly.
//!
//! Each event carries `id:` (the feed's sequence number, or the chat's event id), so a client
//! that reconnects with `Last-Event-ID` continues after the last event it received: no gap, no
//! duplicate. A keep-alive comment every 15 s keeps proxies from closing idle streams. Streams
//! end at shutdown, and a chat's stream ends once the chat has ended and everything is sent.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chatwire_engine::core::{AccountId, ChatKey, ChatState, EventId, GlobalSeq};
use chatwire_engine::{Cursor, Engine};
use futures::Stream;
use futures::stream::{self, StreamExt};

use super::caller;
use super::types::{event_json, feed_item};
use crate::http::path::chat_key;
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// How long one wait inside a stream lasts before it re-checks shutdown.
const STREAM_WAIT: Duration = Duration::from_secs(25);

fn last_event_id(headers: &HeaderMap) -> Option<i64> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn sse<S: Stream<Item = Result<Event, Infallible>> + Send + 'static>(stream: S) -> Response {
    Sse::new(stream)
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(15))
                .text("keep-alive"),
        )
        .into_response()
}

/// `GET /chatwire/v1/accounts/{account}/feed/stream` (`Last-Event-ID` or `?after=` = the last
/// sequence number seen).
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/feed/stream",
    tag = "feed",
    summary = "The account feed as server-sent events",
    description = "Each event's `id:` is its sequence number; reconnect with `Last-Event-ID` \
                   to continue exactly after it. Each `data:` is one feed event (JSON).",
    params(
        ("account" = String, Path, description = "Account id"),
        ("after" = Option<i64>, Query, description = "Last sequence number received"),
        ("Last-Event-ID" = Option<i64>, Header, description = "Last sequence number received"),
    ),
    responses(
        (status = 200, description = "An event stream", content_type = "text/event-stream", body = String),
        (status = 401, description = "No or bad credentials", body = crate::own::ErrorBody),
        (status = 403, description = "Not allowed to read the feed", body = crate::own::ErrorBody),
    ),
    security(("bearer" = []), ("appKey" = []))
)]
pub(crate) async fn feed_stream(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Response, ApiError> {
    let account = Engine::parse_account(&account)?;
    let caller = caller(&state, &account, &headers, &q).await?;
    state.engine.check_feed_reader(&caller).await?;
    let after = last_event_id(&headers)
        .or_else(|| q.get("after").and_then(|a| a.trim().parse().ok()))
        .unwrap_or(0);
    let engine = state.engine.clone();
    let stream = stream::unfold(
        (engine, caller, GlobalSeq(after)),
        |(engine, caller, cursor)| async move {
            loop {
                if engine.shutdown_token().is_cancelled() {
                    return None;
                }
                match engine.feed(&caller, cursor, 100, STREAM_WAIT).await {
                    Ok(items) if items.is_empty() => {}
                    Ok(items) => {
                        let next = items.last().map_or(cursor, |i| i.event.seq);
                        let events: Vec<Result<Event, Infallible>> = items
                            .iter()
                            .map(|i| {
                                Ok(Event::default()
                                    .id(i.event.seq.0.to_string())
                                    .event("chat-event")
                                    .data(feed_item(i).to_string()))
                            })
                            .collect();
                        return Some((stream::iter(events), (engine, caller, next)));
                    }
                    // The store is down: end the stream; the client reconnects with its cursor.
                    Err(_) => return None,
                }
            }
        },
    );
    Ok(sse(stream.flatten()))
}

/// `GET /chatwire/v1/accounts/{account}/chats/{chatId}/stream` (`Last-Event-ID` = the last event
/// id seen, or `?from=` = the first wanted).
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/chats/{chat}/stream",
    tag = "feed",
    summary = "One chat's events as server-sent events",
    description = "For the chat's visitor (its app key) or an agent who may read the chat. \
                   Each event's `id:` is its event id; the stream ends after the chat ends.",
    params(
        ("account" = String, Path, description = "Account id"),
        ("chat" = String, Path, description = "Chat id"),
        ("from" = Option<i64>, Query, description = "First event id wanted"),
        ("Last-Event-ID" = Option<i64>, Header, description = "Last event id received"),
    ),
    responses(
        (status = 200, description = "An event stream", content_type = "text/event-stream", body = String),
        (status = 401, description = "No or bad credentials", body = crate::own::ErrorBody),
        (status = 404, description = "No such chat for this caller", body = crate::own::ErrorBody),
    ),
    security(("bearer" = []), ("appKey" = []))
)]
pub(crate) async fn chat_stream(
    State(state): State<AppState>,
    Path((account, chat)): Path<(String, String)>,
    headers: HeaderMap,
    q: Query,
) -> Result<Response, ApiError> {
    let account: AccountId = Engine::parse_account(&account)?;
    let key: ChatKey = chat_key(&chat)?;
    let reader = caller(&state, &account, &headers, &q).await?;
    let from = match last_event_id(&headers) {
        Some(last) => EventId(u32::try_from(last.saturating_add(1)).unwrap_or(u32::MAX)),
        None => EventId(
            q.leading_u32("from")
                .map_err(ApiError::BadRequest)?
                .unwrap_or(0),
        ),
    };
    // Check access once up front, so a refused stream is a proper error response.
    let end = Cursor::From(EventId(u32::MAX));
    state
        .engine
        .read_events(&reader, &key, end, Duration::ZERO)
        .await?;
    let engine = state.engine.clone();
    let stream = stream::unfold(
        (engine, reader, key, from, false),
        move |(engine, reader, key, from, done)| {
            async move {
                loop {
                    if done || engine.shutdown_token().is_cancelled() {
                        return None;
                    }
                    // A key revoked or an agent disabled since the stream opened ends it.
                    if engine.recheck_caller(&reader).await.is_err() {
                        return None;
                    }
                    let view = engine
                        .read_events(&reader, &key, Cursor::From(from), STREAM_WAIT)
                        .await;
                    let Ok(view) = view else { return None };
                    let ended = view.chat.state == ChatState::Ended;
                    if view.next > from || ended {
                        let events: Vec<Result<Event, Infallible>> = view
                            .events
                            .iter()
                            .map(|e| {
                                Ok(Event::default()
                                    .id(e.id.0.to_string())
                                    .event("chat-event")
                                    .data(event_json(e).to_string()))
                            })
                            .collect();
                        // Once ended and caught up, finish after this batch.
                        let finished = ended
                            && (view.events.is_empty() || view.next >= view.chat.next_event_id);
                        return Some((
                            stream::iter(events),
                            (engine, reader, key, view.next.max(from), finished),
                        ));
                    }
                }
            }
        },
    );
    Ok(sse(stream.flatten()))
}
