//! Chat session methods of the agent API (spec §1, #3–#16 and #31; #15 `GetChatMessages` is
//! in `messages`), each over one engine use case. The REST routes (`rest.rs`) call the same
//! functions.

use std::time::Duration;

use chatwire_engine::core::access::ChatDisclosure;
use chatwire_engine::core::{
    Chat, ChatNum, ChatRequest, DomainError, GlobalSeq, SkillId, TextType,
};
use chatwire_engine::{AgentChatView, ChatRequestInput, Cursor, EngineError, LineInput};
use serde_json::Value;

use super::auth::SoAgent;
use super::body::Fields;
use super::convert;
use super::messages::caller_of;
use super::reply::{SoCtx, SoReply};
use crate::{ApiError, AppState};

/// What every method returns.
pub type Out = Result<SoReply, ApiError>;

/// The chat with SuperOffice number `id` (404 when unknown).
pub async fn chat_of(state: &AppState, who: &SoAgent, id: i64) -> Result<Chat, ApiError> {
    state
        .engine
        .chat_by_num(&who.account, ChatNum(id))
        .await
        .map_err(|e| unknown_session(id, e))
}

/// An engine error of a request on ChatSession `id`: not found is that session's 404.
pub fn unknown_session(id: i64, e: EngineError) -> ApiError {
    match e {
        EngineError::NotFound(_) => ApiError::NotFound(format!("ChatSession id {id} not found")),
        other => other.into(),
    }
}

/// A chat as a `ChatSessionEntity`. With `strict`, a chat the agent may not read is refused;
/// otherwise (lists, results of actions that hand the chat away) it is shown with what the
/// engine says the agent may see of it (`AgentChatView`).
pub async fn entity(
    state: &AppState,
    who: &SoAgent,
    ctx: &SoCtx,
    chat: &Chat,
    strict: bool,
) -> Result<super::types::ChatSessionEntity, ApiError> {
    let engine = &state.engine;
    let view = if strict {
        let whole = Cursor::After(GlobalSeq(i64::MIN));
        let view = engine
            .read_events(&caller_of(who), &chat.key, whole, Duration::ZERO)
            .await?;
        AgentChatView {
            chat: std::sync::Arc::unwrap_or_clone(view.chat),
            events: view.events,
            disclosure: ChatDisclosure::Full,
        }
    } else {
        engine
            .agent_chat_view(&who.account, chat, who.agent.id)
            .await?
    };
    let agents = engine.agents(&who.account).await?;
    let mut e = convert::session(&view.chat, &agents, &view.events, ctx.dates);
    if view.disclosure == ChatDisclosure::Outline {
        omit_details(&mut e);
    }
    Ok(e)
}

/// Leaves out of an entity the session key and customer fields, which an
/// [`ChatDisclosure::Outline`] view does not carry.
fn omit_details(e: &mut super::types::ChatSessionEntity) {
    for field in [
        &mut e.session_key,
        &mut e.customer_name,
        &mut e.customer_host,
        &mut e.customer_email,
        &mut e.customer_phone,
        &mut e.customer_company_name,
    ] {
        field.clear();
    }
}

/// One session in the response.
pub async fn reply_entity(state: &AppState, who: &SoAgent, ctx: &SoCtx, chat: &Chat) -> Out {
    let e = entity(state, who, ctx, chat, false).await?;
    ctx.ok("ChatSessionEntity", &e)
}

/// #3 `CreateDefaultChatSessionEntity`.
pub fn create_default(ctx: &SoCtx) -> Out {
    ctx.ok("ChatSessionEntity", &convert::default_session(ctx.dates))
}

/// #4 `SaveChatSessionEntity`: `ChatSessionId` 0 opens a chat in `TopicId`'s queue with the
/// customer fields; otherwise the customer name is updated (the one customer field a chat
/// lets change).
pub async fn save(state: &AppState, who: &SoAgent, ctx: &SoCtx, body: &Fields) -> Out {
    let id = body.int("ChatSessionId")?.unwrap_or(0);
    if id == 0 {
        return open_session(state, who, ctx, body.int("TopicId")?.unwrap_or(0), body).await;
    }
    let chat = chat_of(state, who, id).await?;
    entity(state, who, ctx, &chat, true).await?;
    let name = body.str("CustomerName").filter(|n| !n.trim().is_empty());
    let chat = match name {
        Some(n) if n.trim() != chat.visitor_name => {
            state
                .engine
                .agent_set_visitor_name(&who.caller, &chat.key, n)
                .await?
                .chat
        }
        _ => chat,
    };
    reply_entity(state, who, ctx, &chat).await
}

/// Opens a chat for a customer in a topic's queue (#4 with id 0, #31).
pub async fn open_session(
    state: &AppState,
    who: &SoAgent,
    ctx: &SoCtx,
    topic: i64,
    customer: &Fields,
) -> Out {
    let skill = if topic == 0 {
        None
    } else {
        let s = state
            .engine
            .skill(&who.account, SkillId(topic))
            .await
            .map_err(|_| ApiError::NotFound(format!("ChatTopic id {topic} not found")))?;
        Some(s.id.0.to_string())
    };
    let nonblank = |name| customer.str(name).filter(|v| !v.trim().is_empty());
    let input = ChatRequestInput {
        skill,
        visitor_name: nonblank("CustomerName"),
        request: ChatRequest {
            customer_email: nonblank("CustomerEmail"),
            customer_phone: nonblank("CustomerPhone"),
            customer_company: nonblank("CustomerCompanyName"),
            visitor_ip: nonblank("CustomerHost"),
            ..ChatRequest::default()
        },
        ..ChatRequestInput::default()
    };
    let committed = state
        .engine
        .request_chat_from(&who.account, input, who.from)
        .await?;
    reply_entity(state, who, ctx, &committed.chat).await
}

/// #5 `DeleteChatSessionEntity`: ends the session (chat logs are kept).
pub async fn delete(state: &AppState, who: &SoAgent, id: i64) -> Out {
    let chat = chat_of(state, who, id).await?;
    state.engine.close_session(&who.caller, &chat.key).await?;
    Ok(SoReply::NoContent)
}

/// #6 `GetChatSessionEntity`.
pub async fn get(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64) -> Out {
    let chat = chat_of(state, who, id).await?;
    let e = entity(state, who, ctx, &chat, true).await?;
    ctx.ok("ChatSessionEntity", &e)
}

/// #7 `ChatSessionsForUser`.
pub async fn for_user(state: &AppState, who: &SoAgent, ctx: &SoCtx) -> Out {
    let chats = state.engine.sessions_for_agent(&who.caller).await?;
    let mut out = Vec::with_capacity(chats.len());
    for chat in &chats {
        out.push(entity(state, who, ctx, chat, false).await?);
    }
    ctx.ok("ChatSessionEntity", &out)
}

/// #8 `TransferChatSession`.
pub async fn transfer(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64, to: &str) -> Out {
    let chat = chat_of(state, who, id).await?;
    let chat = state
        .engine
        .transfer_to_agent(&who.caller, &chat.key, to)
        .await?;
    reply_entity(state, who, ctx, &chat).await
}

/// #9 `AcceptChatSessionTransfer`.
pub async fn accept_transfer(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64) -> Out {
    let chat = chat_of(state, who, id).await?;
    let chat = state.engine.accept_transfer(&who.caller, &chat.key).await?;
    reply_entity(state, who, ctx, &chat).await
}

/// #10 `RejectChatSessionTransfer`.
pub async fn reject_transfer(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64) -> Out {
    let chat = chat_of(state, who, id).await?;
    let chat = state
        .engine
        .decline_transfer(&who.caller, &chat.key)
        .await?;
    reply_entity(state, who, ctx, &chat).await
}

/// #11 `PickUpChatSession`: `null` when the chat was not in the queue.
pub async fn pick_up(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64) -> Out {
    let chat = chat_of(state, who, id).await?;
    match state.engine.pick_up(&who.caller, &chat.key).await? {
        Some(chat) => reply_entity(state, who, ctx, &chat).await,
        None => ctx.ok("ChatSessionEntity", &Value::Null),
    }
}

/// #12 `PickUpFirstChatSession`: `null` when nothing waits for this agent.
pub async fn pick_up_first(state: &AppState, who: &SoAgent, ctx: &SoCtx) -> Out {
    match state.engine.pick_up_first(&who.caller).await? {
        Some(chat) => reply_entity(state, who, ctx, &chat).await,
        None => ctx.ok("ChatSessionEntity", &Value::Null),
    }
}

/// #13 `ResetChatSession`: back to the queue.
pub async fn reset(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64) -> Out {
    let chat = chat_of(state, who, id).await?;
    let done = state.engine.requeue(&who.caller, &chat.key).await?;
    reply_entity(state, who, ctx, &done.chat).await
}

/// #14 `GetChatTranscript`: a JSON string (or `<string>`).
pub async fn transcript(state: &AppState, who: &SoAgent, ctx: &SoCtx, id: i64, html: bool) -> Out {
    let chat = chat_of(state, who, id).await?;
    let text = state
        .engine
        .chat_transcript(&who.account, &chat.key, who.agent.id, html)
        .await?;
    ctx.ok("string", &text)
}

/// #16 `AddChatMessage`: an agent line (`Type` `ToCustomer`, the default) or a pushed URL
/// (`Special` + `Url`, the URL in `SpecialParam` or `Message`). Other types are refused: the
/// customer and the server write those.
pub async fn add_message(
    state: &AppState,
    who: &SoAgent,
    ctx: &SoCtx,
    id: i64,
    msg: &Fields,
) -> Out {
    let chat = chat_of(state, who, id).await?;
    let kind = msg.str("Type").unwrap_or_default();
    let special = msg.str("SpecialType").unwrap_or_default();
    let text = msg.str("Message").unwrap_or_default();
    let engine = &state.engine;
    let committed = if kind.is_empty() || kind.eq_ignore_ascii_case("ToCustomer") || kind == "1" {
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
