//! Chat sessions as entities (spec §1 #3–#7 and #31; REST `ChatSession`, `ChatSession/{id}`,
//! `ChatTopic/{id}/Sessions`): showing a chat as a `ChatSessionEntity`, opening one for a
//! customer, renaming its customer, ending it, and the agent's list. Who handles a session is
//! `routing`; its messages are `messages`.

use std::time::Duration;

use chatwire_engine::core::access::ChatDisclosure;
use chatwire_engine::core::chat::CustomerUpdate;
use chatwire_engine::core::{Chat, ChatNum, ChatRequest, GlobalSeq, SkillId};
use chatwire_engine::{AgentChatView, ChatRequestInput, Cursor, EngineError};

use super::auth::SoAgent;
use super::body::Fields;
use super::convert;
use super::operation::{Answer, Call, Out, method};
use super::reply::{SoCtx, SoReply};
use super::types::ChatSessionEntity;
use crate::{ApiError, AppState};

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
) -> Result<ChatSessionEntity, ApiError> {
    let engine = &state.engine;
    let view = if strict {
        let whole = Cursor::After(GlobalSeq(i64::MIN));
        let view = engine
            .read_events(&who.engine_caller(), &chat.key, whole, Duration::ZERO)
            .await?;
        AgentChatView {
            chat: std::sync::Arc::unwrap_or_clone(view.chat),
            events: view.events,
            disclosure: ChatDisclosure::Full,
        }
    } else {
        engine.agent_chat_view(&who.caller, chat).await?
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
fn omit_details(e: &mut ChatSessionEntity) {
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

/// Opens a chat for a customer in a topic's queue (`topic` 0: no topic) with the customer
/// fields of `customer`, on the calling agent's behalf (`Engine::open_session_for_customer`).
async fn open_session(c: Call<'_>, topic: i64, customer: &Fields) -> Out {
    let Call { state, who, ctx } = c;
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
    // The notes (alias, consent, alert level, rating, bot) are set as on a later save; they
    // are read and checked first, so a bad one opens no session.
    let update = customer_fields(customer)?;
    update
        .validate()
        .map_err(|e| ApiError::from(chatwire_engine::EngineError::from(e)))?;
    let committed = state
        .engine
        .open_session_for_customer(&who.caller, input, who.from)
        .await?;
    let chat = state
        .engine
        .agent_update_customer(&who.caller, &committed.chat.key, update)
        .await?;
    reply_entity(state, who, ctx, &chat).await
}

/// The writable fields of a `ChatSessionEntity` body as a [`CustomerUpdate`] (see
/// docs/superoffice.md, "Saving a session"): the customer texts, `CustomerConsented`,
/// `AlertLevel`, `Rating` and `ChatbotIsActive`. A blank `CustomerName` keeps the name (a
/// session always has one); a different `TopicId` is refused, since moving a session between
/// queues is a transfer, not an edit.
fn customer_update(body: &Fields, chat: &Chat) -> Result<CustomerUpdate, ApiError> {
    let current = chat.skill.map_or(0, |s| s.0);
    if body.int("TopicId")?.is_some_and(|topic| topic != current) {
        return Err(ApiError::BadRequest(
            "TopicId of an existing session cannot be changed".into(),
        ));
    }
    customer_fields(body)
}

/// The customer fields of a saved entity (see [`customer_update`]).
fn customer_fields(body: &Fields) -> Result<CustomerUpdate, ApiError> {
    let int32 = |name: &str| -> Result<Option<i32>, ApiError> {
        body.int(name)?
            .map(|v| {
                i32::try_from(v)
                    .map_err(|_| ApiError::BadRequest(format!("{name} must be a 32-bit integer")))
            })
            .transpose()
    };
    Ok(CustomerUpdate {
        name: body.str("CustomerName").filter(|n| !n.trim().is_empty()),
        email: body.str("CustomerEmail"),
        phone: body.str("CustomerPhone"),
        company: body.str("CustomerCompanyName"),
        host: body.str("CustomerHost"),
        alias: body.str("CustomerAlias"),
        consented: body.bool("CustomerConsented")?,
        alert_level: int32("AlertLevel")?,
        rating: int32("Rating")?,
        bot_active: body.bool("ChatbotIsActive")?,
    })
}

/// #3 `CreateDefaultChatSessionEntity` (REST `GET ChatSession/default`).
pub struct CreateDefaultChatSessionEntity;
method!(CreateDefaultChatSessionEntity, |_, _| Ok(Self));

impl Answer for CreateDefaultChatSessionEntity {
    async fn answer(self, c: Call<'_>) -> Out {
        c.ctx
            .ok("ChatSessionEntity", &convert::default_session(c.ctx.dates))
    }
}

/// #4 `SaveChatSessionEntity` (REST `POST ChatSession`, `PUT`/`PATCH ChatSession/{id}`): the
/// entity itself. `ChatSessionId` 0 opens a chat in `TopicId`'s queue with the customer fields;
/// otherwise every writable field sent is applied ([`customer_update`]); the others (state,
/// dates, agents, messages, links) follow from what happens to the chat and are not written.
pub struct SaveChatSessionEntity {
    /// The `ChatSessionEntity` as sent (REST `PUT` sets its id from the path).
    pub entity: Fields,
}
method!(SaveChatSessionEntity, |body, _| Ok(Self {
    entity: body.clone()
}));

impl Answer for SaveChatSessionEntity {
    async fn answer(self, c: Call<'_>) -> Out {
        let Call { state, who, ctx } = c;
        let body = &self.entity;
        let id = body.int("ChatSessionId")?.unwrap_or(0);
        if id == 0 {
            return open_session(c, body.int("TopicId")?.unwrap_or(0), body).await;
        }
        let chat = chat_of(state, who, id).await?;
        entity(state, who, ctx, &chat, true).await?;
        let update = customer_update(body, &chat)?;
        let chat = state
            .engine
            .agent_update_customer(&who.caller, &chat.key, update)
            .await?;
        reply_entity(state, who, ctx, &chat).await
    }
}

/// #5 `DeleteChatSessionEntity` (REST `DELETE ChatSession/{id}`): ends the session (chat logs
/// are kept); the engine decides who may (`Engine::close_session`: the handling agent, the
/// agent who opened it, an admin or a topic manager). 204.
pub struct DeleteChatSessionEntity {
    /// The session (RPC: query `ChatSessionEntityId`).
    pub id: i64,
}
method!(DeleteChatSessionEntity, |_, ctx| Ok(Self {
    id: ctx.require_int("ChatSessionEntityId")?
}));

impl Answer for DeleteChatSessionEntity {
    async fn answer(self, Call { state, who, .. }: Call<'_>) -> Out {
        let chat = chat_of(state, who, self.id).await?;
        state.engine.close_session(&who.caller, &chat.key).await?;
        Ok(SoReply::NoContent)
    }
}

/// #6 `GetChatSessionEntity` (REST `GET ChatSession/{id}`): refused for a chat the agent may
/// not read.
pub struct GetChatSessionEntity {
    /// The session (RPC: query `ChatSessionEntityId`).
    pub id: i64,
}
method!(GetChatSessionEntity, |_, ctx| Ok(Self {
    id: ctx.require_int("ChatSessionEntityId")?
}));

impl Answer for GetChatSessionEntity {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let chat = chat_of(state, who, self.id).await?;
        let e = entity(state, who, ctx, &chat, true).await?;
        ctx.ok("ChatSessionEntity", &e)
    }
}

/// #7 `ChatSessionsForUser` (REST `GET ChatSession/ForCurrentUser`): the agent's open
/// sessions. (The OData lists are the archive: `archive`.)
pub struct ChatSessionsForUser;
method!(ChatSessionsForUser, |_, _| Ok(Self));

impl Answer for ChatSessionsForUser {
    async fn answer(self, c: Call<'_>) -> Out {
        let list = sessions_of(c).await?;
        c.ctx.ok("ChatSessionEntity", &list)
    }
}

/// The agent's open sessions as entities.
async fn sessions_of(
    Call { state, who, ctx }: Call<'_>,
) -> Result<Vec<ChatSessionEntity>, ApiError> {
    let chats = state.engine.sessions_for_agent(&who.caller).await?;
    let mut out = Vec::with_capacity(chats.len());
    for chat in &chats {
        out.push(entity(state, who, ctx, chat, false).await?);
    }
    Ok(out)
}

/// #31 `CreateChatSessionForTopic` (REST `POST ChatTopic/{id}/Sessions`): a chat without
/// customer details in the topic's queue.
pub struct CreateChatSessionForTopic {
    /// The topic (`ChatTopicId`).
    pub topic: i64,
}
method!(CreateChatSessionForTopic, |body, _| Ok(Self {
    topic: body.require_int("ChatTopicId")?
}));

impl Answer for CreateChatSessionForTopic {
    async fn answer(self, c: Call<'_>) -> Out {
        open_session(c, self.topic, &Fields::default()).await
    }
}
