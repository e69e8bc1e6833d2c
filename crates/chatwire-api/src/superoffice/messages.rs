//! #15 `GetChatMessages` (and REST `GET ChatSession/{id}/Messages`): a session's messages after
//! a `ChatMessageId`, optionally as a long-poll. `Wait` (body) or `wait` (query), in whole
//! seconds, makes the call answer as soon as a message newer than `After` exists, or `[]` when
//! the (server-clamped) wait is over; without it nothing waits, as in SuperOffice.
//!
//! What it must not do: decide when to wake (the engine's `wait_agent_events_after`); this only
//! turns events into SuperOffice messages, and keeps waiting while the new events are none.

use std::time::{Duration, Instant};

use chatwire_engine::core::GlobalSeq;

use super::auth::SoAgent;
use super::body::Fields;
use super::convert;
use super::reply::SoCtx;
use super::sessions::{Out, chat_of};
use crate::{ApiError, AppState};

/// The long-poll asked for: the body's `Wait` when present, else the query's `wait`; absent is
/// no wait. Anything but a whole number of seconds ≥ 0 is a 400.
pub fn wait_param(ctx: &SoCtx, body: Option<&Fields>) -> Result<Duration, ApiError> {
    let bad = || ApiError::BadRequest("Wait must be a whole number of seconds (0 or more)".into());
    let secs = match body.map(|b| b.int("Wait")).transpose() {
        Ok(Some(Some(secs))) => secs,
        Ok(_) => {
            return match ctx.param("wait").filter(|w| !w.trim().is_empty()) {
                Some(w) => chatwire_engine::parse_wait(w).ok_or_else(bad),
                None => Ok(Duration::ZERO),
            };
        }
        Err(_) => return Err(bad()),
    };
    u64::try_from(secs)
        .map(Duration::from_secs)
        .map_err(|_| bad())
}

/// #15 `GetChatMessages`: messages with id greater than `after`, oldest first; with a `wait`,
/// the first batch of newer messages (or `[]` at the deadline).
pub async fn messages(
    state: &AppState,
    who: &SoAgent,
    ctx: &SoCtx,
    id: i64,
    after: i64,
    wait: Duration,
) -> Out {
    let chat = chat_of(state, who, id).await?;
    let engine = &state.engine;
    let deadline = Instant::now() + engine.clamp_wait(wait);
    let mut cursor = GlobalSeq(after);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (chat, events) = engine
            .wait_agent_events_after(&who.account, &chat.key, who.agent.id, cursor, left)
            .await?;
        let agents = engine.agents(&who.account).await?;
        let out: Vec<_> = events
            .iter()
            .filter_map(|e| convert::message(&chat, &agents, e, ctx.dates))
            .collect();
        match events.last() {
            // Only events that are no message (state changes): wait on past them. The client's
            // cursor does not move, which is right: there was nothing for it to see.
            Some(last) if out.is_empty() && !left.is_zero() => cursor = last.seq,
            _ => return ctx.ok("ChatMessage", &out),
        }
    }
}
