//! #15 `GetChatMessages` (and REST `GET ChatSession/{id}/Messages`): a session's messages after
//! a `ChatMessageId`, optionally as a long-poll. `Wait` (body) or `wait` (query), in whole
//! seconds, makes the call answer as soon as a message newer than `After` exists, or `[]` when
//! the (server-clamped) wait is over; without it nothing waits, as in SuperOffice.
//!
//! What it must not do: decide when to wake or what is new (the engine's one cursor read,
//! `Engine::read_events_by_num` with `Cursor::After`); this only turns events into SuperOffice
//! messages.

use std::time::Duration;

use chatwire_engine::core::{ChatNum, GlobalSeq};
use chatwire_engine::{Caller, Cursor};

use super::auth::SoAgent;
use super::body::Fields;
use super::convert;
use super::reply::SoCtx;
use super::sessions::{Out, unknown_session};
use crate::{ApiError, AppState};

/// The engine caller of a SuperOffice request (as the extractor got it from the engine).
pub fn caller_of(who: &SoAgent) -> Caller {
    Caller::Agent(who.caller.clone())
}

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
    let engine = &state.engine;
    let cursor = Cursor::After(GlobalSeq(after));
    let view = engine
        .read_events_by_num(&caller_of(who), ChatNum(id), cursor, wait)
        .await
        .map_err(|e| unknown_session(id, e))?;
    let agents = engine.agents(&who.account).await?;
    let out: Vec<_> = view
        .events
        .iter()
        .filter_map(|e| convert::message(&view.chat, &agents, e, ctx.dates))
        .collect();
    ctx.ok("ChatMessage", &out)
}
