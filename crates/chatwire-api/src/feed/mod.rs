//! chatwire's own real-time API (not a LivePerson or SuperOffice route), under `/chatwire/v1`:
//! - `GET /chatwire/v1/accounts/{account}/feed?after=SEQ&limit=N&wait=S`: every event of every
//!   chat of the account in global sequence order, from a cursor, optionally long-polled;
//! - `GET /chatwire/v1/accounts/{account}/feed/stream`: the same as Server-Sent Events,
//!   resumable exactly with `Last-Event-ID` (the last sequence number received);
//! - `GET /chatwire/v1/accounts/{account}/chats/{chatId}/stream`: one chat's events as SSE for
//!   its visitor (app key) or an agent who may read it, resumable with `Last-Event-ID` (the
//!   last event id received);
//! - `GET /chatwire/v1/accounts/{account}/mailbox?after=ID&limit=N`: the local mailbox (mail
//!   delivered here when no SMTP server is configured), for admin agents (`mailbox`);
//! - the body of webhook deliveries, which is the feed's event JSON in an envelope (`webhook`).
//!
//! The feed is for admin agents (`Authorization: Bearer <login bearer>`) and app keys with the
//! feed right (`Authorization: LivePerson appKey=…` or `?appKey=`). Errors are
//! chatwire's own `{"error":{"status","code","message","field"}}`.

mod account_webhook;
mod doc;
mod mailbox;
mod sse;
mod types;
mod webhook;

pub(crate) use account_webhook::AccountEventDoc;
pub(crate) use account_webhook::account_webhook_body;
pub use doc::FeedApi;
pub(crate) use types::event_json;
pub(crate) use webhook::webhook_body;
pub(crate) use webhook::{WebhookEventDoc, WebhookPayloadDoc};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chatwire_engine::core::{AccountId, GlobalSeq};
use chatwire_engine::{Caller, Engine};

use crate::http::auth::{app_key, authorization};
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// Every route of the feed (part of [`crate::own::table`]).
pub fn table() -> crate::routes::RouteTable {
    crate::routes::RouteTable::new()
        .get("/chatwire/v1/accounts/{account}/feed", get_feed)
        .get(
            "/chatwire/v1/accounts/{account}/feed/stream",
            sse::feed_stream,
        )
        .get(
            "/chatwire/v1/accounts/{account}/chats/{chat}/stream",
            sse::chat_stream,
        )
        .get(
            "/chatwire/v1/accounts/{account}/mailbox",
            mailbox::get_mailbox,
        )
}

/// The caller of a chatwire API request: an agent bearer or an app key, as the engine
/// checked it (what the caller may read is decided by the use case).
pub(crate) async fn caller(
    state: &AppState,
    account: &AccountId,
    headers: &HeaderMap,
    q: &Query,
) -> Result<Caller, ApiError> {
    if let Some(bearer) = authorization(headers, "Bearer") {
        return Ok(state.engine.bearer(account, &bearer).await?.into());
    }
    // A bearer here is an agent's login, never an app key.
    let key = app_key(headers, q, false).ok_or_else(|| {
        ApiError::Unauthorized("send Authorization: Bearer <login bearer> or an app key".into())
    })?;
    Ok(state.engine.visitor_caller(account, &key).await?.into())
}

/// `GET /chatwire/v1/accounts/{account}/feed`.
#[utoipa::path(
    get,
    path = "/chatwire/v1/accounts/{account}/feed",
    tag = "feed",
    summary = "Every event of every chat of the account, in sequence order, from a cursor",
    description = "For admin agents and app keys with the feed right. `wait` long-polls: the \
                   answer comes when an event arrives or after `wait` seconds.",
    params(
        ("account" = String, Path, description = "Account id"),
        ("after" = Option<i64>, Query, description = "Last sequence number received (default 0)"),
        ("limit" = Option<u32>, Query, description = "Most events (default 100)"),
        ("wait" = Option<u32>, Query, description = "Seconds to wait when nothing is new"),
    ),
    responses(
        (status = 200, description = "Events after the cursor", body = doc::FeedPage),
        (status = 400, description = "Bad parameter", body = crate::own::ErrorBody),
        (status = 401, description = "No or bad credentials", body = crate::own::ErrorBody),
        (status = 403, description = "Not allowed to read the feed", body = crate::own::ErrorBody),
    ),
    security(("bearer" = []), ("appKey" = []))
)]
pub(crate) async fn get_feed(
    State(state): State<AppState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    q: Query,
) -> Result<Json<serde_json::Value>, ApiError> {
    let account = Engine::parse_account(&account)?;
    let caller = caller(&state, &account, &headers, &q).await?;
    // Refused before the query is looked at (the feed use case checks again).
    state.engine.check_feed_reader(&caller).await?;
    let after = match q.get("after").filter(|a| !a.is_empty()) {
        Some(a) => a
            .trim()
            .parse::<i64>()
            .map_err(|_| ApiError::field_error("after", "after must be a sequence number"))?,
        None => 0,
    };
    let limit = q
        .leading_u32("limit")
        .map_err(|m| ApiError::field_error("limit", m))?
        .unwrap_or(100);
    let items = state
        .engine
        .feed(
            &caller,
            GlobalSeq(after),
            limit,
            chatwire_engine::wait_secs(q.get("wait")),
        )
        .await?;
    let next = items.last().map_or(after, |i| i.event.seq.0);
    Ok(Json(
        serde_json::json!({ "events": items.iter().map(types::feed_item).collect::<Vec<_>>(), "next": next }),
    ))
}
