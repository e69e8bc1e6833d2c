//! A session's messages (spec §1 #14–#16; REST `ChatSession/{id}/Messages` and
//! `…/Transcript`): reading them after a `ChatMessageId`, optionally as a long-poll, adding an
//! agent's, and the transcript.
//!
//! Long-poll: `Wait` (RPC body) or `wait` (query), in whole seconds, makes `GetChatMessages`
//! answer as soon as a message newer than `After` exists, or `[]` when the (server-clamped)
//! wait is over; without it nothing waits, as in SuperOffice. What it must not do: decide when
//! to wake or what is new (the engine's one cursor read, `Engine::read_events_by_num` with
//! `Cursor::After`); this only turns events into SuperOffice messages.

use std::time::Duration;

use chatwire_engine::core::{ChatNum, DomainError, GlobalSeq, TextType};
use chatwire_engine::{Cursor, EngineError, LineInput};
use serde_json::Value;

use super::body::{Fields, int_value};
use super::convert;
use super::operation::{Answer, Call, Out, method};
use super::reply::SoCtx;
use super::sessions::{chat_of, unknown_session};
use crate::ApiError;

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

/// `After`, the one parser of both wire forms: an integer, or its text with any whitespace
/// around it; absent or empty is 0 (every message). A malformed value is an error here; the
/// RPC body answers it with a 400, the REST query (`?after=`) reads from the start instead
/// (see docs/superoffice.md).
pub fn parse_after(raw: Option<&Value>) -> Result<i64, ApiError> {
    Ok(match raw {
        Some(v) => int_value("After", v)?.unwrap_or(0),
        None => 0,
    })
}

/// #14 `GetChatTranscript`: a JSON string (or `<string>`), plain text or HTML.
pub struct GetChatTranscript {
    /// The session (`ChatSessionId`; REST `{id}`).
    pub id: i64,
    /// HTML instead of text (`Html`; REST `?html=`).
    pub html: bool,
}
method!(GetChatTranscript, |body, _| Ok(Self {
    id: body.require_int("ChatSessionId")?,
    html: body.bool("Html")?.unwrap_or(false),
}));

impl Answer for GetChatTranscript {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let chat = chat_of(state, who, self.id).await?;
        let text = state
            .engine
            .chat_transcript(&who.caller, &chat.key, self.html)
            .await?;
        ctx.ok("string", &text)
    }
}

/// #15 `GetChatMessages`: messages with id greater than `after`, oldest first; with a `wait`,
/// the first batch of newer messages (or `[]` at the deadline).
pub struct GetChatMessages {
    /// The session (`ChatSessionId`; REST `{id}`).
    pub id: i64,
    /// The last message id the client has (`After`; REST `?after=`), see [`parse_after`].
    pub after: i64,
    /// How long to wait for a newer message, see [`wait_param`].
    pub wait: Duration,
}
method!(GetChatMessages, |body, ctx| {
    let after = parse_after(body.get("After"))?;
    let wait = wait_param(ctx, Some(body))?;
    Ok(Self {
        id: body.require_int("ChatSessionId")?,
        after,
        wait,
    })
});

impl Answer for GetChatMessages {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let engine = &state.engine;
        let cursor = Cursor::After(GlobalSeq(self.after));
        let view = engine
            .read_events_by_num(&who.engine_caller(), ChatNum(self.id), cursor, self.wait)
            .await
            .map_err(|e| unknown_session(self.id, e))?;
        let agents = engine.agents(&who.account).await?;
        let out: Vec<_> = view
            .events
            .iter()
            .filter_map(|e| convert::message(&view.chat, &agents, e, ctx.dates))
            .collect();
        ctx.ok("ChatMessage", &out)
    }
}

/// #16 `AddChatMessage`: an agent line (`Type` `ToCustomer`, the default) or a pushed URL
/// (`Special` + `Url`, the URL in `SpecialParam` or `Message`). Other types are refused: the
/// customer and the server write those.
pub struct AddChatMessage {
    /// The session (`ChatSessionId`; REST `{id}`).
    pub id: i64,
    /// The `ChatMessage` (RPC `Message`; REST the bare body).
    pub message: Fields,
}
method!(AddChatMessage, |body, _| Ok(Self {
    id: body.require_int("ChatSessionId")?,
    message: body.obj("Message"),
}));

impl Answer for AddChatMessage {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let msg = &self.message;
        let chat = chat_of(state, who, self.id).await?;
        let kind = msg.str("Type").unwrap_or_default();
        let special = msg.str("SpecialType").unwrap_or_default();
        let text = msg.str("Message").unwrap_or_default();
        let engine = &state.engine;
        let committed = if kind.is_empty() || kind.eq_ignore_ascii_case("ToCustomer") || kind == "1"
        {
            let mut line = LineInput::plain(text);
            line.text_type = TextType::Plain;
            engine.agent_post_line(&who.caller, &chat.key, line).await?
        } else if (kind.eq_ignore_ascii_case("Special") || kind == "3")
            && (special.eq_ignore_ascii_case("Url") || special == "2")
        {
            let url = msg
                .str("SpecialParam")
                .filter(|u| !u.trim().is_empty())
                .unwrap_or(text);
            engine.push_url(&who.caller, &chat.key, url).await?
        } else {
            return Err(ApiError::BadRequest(format!(
                "an agent adds messages of Type ToCustomer (or Special/Url), not {kind}"
            )));
        };
        let agents = engine.agents(&who.account).await?;
        let message = committed
            .events
            .iter()
            .find_map(|e| convert::message(&committed.chat, &agents, e, ctx.dates))
            .ok_or_else(|| {
                EngineError::Domain(DomainError::invalid("message", "nothing was stored"))
            })?;
        ctx.ok("ChatMessage", &message)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn after_is_an_integer_or_its_text_and_absent_or_empty_is_zero() {
        assert_eq!(parse_after(None).ok(), Some(0));
        assert_eq!(parse_after(Some(&json!(7))).ok(), Some(7));
        assert_eq!(parse_after(Some(&json!(" 7 "))).ok(), Some(7));
        assert_eq!(parse_after(Some(&json!(""))).ok(), Some(0));
        assert!(parse_after(Some(&json!("x"))).is_err());
        assert!(parse_after(Some(&json!(1.5))).is_err());
    }
}
