//! Server Chat API, chat level (spec §2.3.8–§2.3.16): the chat resource (fixed link order),
//! events, lines and end, info, visitor name and typing, agent typing (exit survey, custom
//! variables and transcripts are in `visitor_extras`). Every call checks that the app key owns
//! the chat and counts as visitor activity.

use axum::extract::{Path, State};

use super::body::LpBody;
use super::chat_read::{InfoField, VisitorChat};
use super::input::{PostedEvent, parse_event, typing};
use super::reply::{LpAnswer, LpReply};
use super::views::chat::chat_urls;
use super::visitor_auth::LpVisitor;
use crate::http::negotiate::Format;
use crate::http::path::chat_key;
use crate::http::query::Query;
use crate::{ApiError, AppState, BaseUrl};

/// Path of visitor chat routes.
pub type VisitorChatPath = Path<(String, String)>;

/// `GET /chat/{chatId}[?from=N]`: links `[self, events, info, next, transcript-request,
/// transcript-with-subject-request, exit-survey, custom-variables]`, events, info.
pub async fn get_chat(
    VisitorChat(chat): VisitorChat,
    f: Format,
    base: BaseUrl,
    q: Query,
) -> LpAnswer {
    chat.resource(f, &base, &q).await
}

/// `GET /chat/{chatId}/events[?from=N]`.
pub async fn get_events(
    VisitorChat(chat): VisitorChat,
    f: Format,
    base: BaseUrl,
    q: Query,
) -> LpAnswer {
    chat.events(f, &base, &q).await
}

/// `GET /chat/{chatId}/events/{eventId}`: one event the visitor may see.
pub async fn get_event(
    VisitorChat(chat): VisitorChat,
    f: Format,
    base: BaseUrl,
    Path((_, _, event)): Path<(String, String, String)>,
) -> LpAnswer {
    chat.event(f, &base, &event).await
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
pub async fn get_info(VisitorChat(chat): VisitorChat, f: Format, base: BaseUrl) -> LpAnswer {
    chat.info(f, &base).await
}

/// `GET /chat/{chatId}/info/visitorName`, `…/info/visitorTyping`, `…/info/agentTyping`.
pub async fn get_info_field(
    VisitorChat(chat): VisitorChat,
    f: Format,
    field: InfoField,
) -> LpAnswer {
    chat.field(f, field).await
}

/// `PUT /chat/{chatId}/info/visitorName` with `{"visitorName":"Natalie"}` and
/// `PUT …/info/visitorTyping` with `{"visitorTyping":"typing"}`: **200** (the CaféX SDK requires
/// it for the name; the doc's 201 is wrong), echoing the value.
pub async fn put_info_field(
    State(state): State<AppState>,
    v: LpVisitor,
    format: Format,
    Path((_, chat)): VisitorChatPath,
    field: InfoField,
    body: LpBody,
) -> LpAnswer {
    let key = chat_key(&chat)?;
    let value = body.required(&[&[field.name()]], field.name())?;
    let engine = &state.engine;
    let committed = match field {
        InfoField::VisitorName => engine.visitor_set_name(&v.caller, &key, value).await?,
        // Only `visitorTyping` is routed for PUT among the typing fields.
        InfoField::VisitorTyping | InfoField::AgentTyping => {
            let value = typing(&value)?;
            engine.set_visitor_typing(&v.caller, &key, value).await?
        }
    };
    Ok(LpReply::ok(format, &field.leaf(&committed.chat)))
}
