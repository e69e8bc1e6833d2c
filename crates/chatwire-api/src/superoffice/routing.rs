//! Who handles a session (spec §1 #8–#13; REST `ChatSession/Pickup`,
//! `ChatSession/{id}/TransferTo/{to}`, `…/AcceptTransfer`, `…/RejectTransfer`, `…/Pickup`,
//! `…/Reset`): picking up from the queue, transferring between agents, putting back in the
//! queue. Each answers the session as it is afterwards.

use serde_json::Value;

use super::operation::{Answer, Call, Out, method};
use super::sessions::{chat_of, reply_entity};
use crate::ApiError;

/// A change of who handles a session.
enum Handover {
    /// Offer it to another agent (login or id).
    To(String),
    /// Take the transfer offered to the caller.
    Accept,
    /// Decline the transfer offered to the caller.
    Decline,
    /// Put it back in the queue.
    Requeue,
}

/// Hands session `id` over as `how` says and answers the session as it is afterwards.
async fn hand_over(Call { state, who, ctx }: Call<'_>, id: i64, how: Handover) -> Out {
    let chat = chat_of(state, who, id).await?;
    let (engine, me) = (&state.engine, &who.caller);
    let chat = match how {
        Handover::To(to) => engine.transfer_to_agent(me, &chat.key, &to).await?,
        Handover::Accept => engine.accept_transfer(me, &chat.key).await?,
        Handover::Decline => engine.decline_transfer(me, &chat.key).await?,
        Handover::Requeue => engine.requeue(me, &chat.key).await?.chat,
    };
    reply_entity(state, who, ctx, &chat).await
}

/// #8 `TransferChatSession`: offers the session to another agent.
pub struct TransferChatSession {
    /// The session (`ChatSessionId`; REST `{id}`).
    pub id: i64,
    /// The agent's login or id (`ToAssociate`; REST `{to}`).
    pub to: String,
}
method!(TransferChatSession, |body, _| {
    let to = body
        .str("ToAssociate")
        .ok_or_else(|| ApiError::BadRequest("ToAssociate is required".into()))?;
    Ok(Self {
        id: body.require_int("ChatSessionId")?,
        to,
    })
});

impl Answer for TransferChatSession {
    async fn answer(self, c: Call<'_>) -> Out {
        hand_over(c, self.id, Handover::To(self.to)).await
    }
}

/// #9 `AcceptChatSessionTransfer`: takes a session offered to the caller.
pub struct AcceptChatSessionTransfer {
    /// The session (`ChatSessionId`; REST `{id}`).
    pub id: i64,
}
method!(AcceptChatSessionTransfer, |body, _| Ok(Self {
    id: body.require_int("ChatSessionId")?
}));

impl Answer for AcceptChatSessionTransfer {
    async fn answer(self, c: Call<'_>) -> Out {
        hand_over(c, self.id, Handover::Accept).await
    }
}

/// #10 `RejectChatSessionTransfer`: declines a session offered to the caller.
pub struct RejectChatSessionTransfer {
    /// The session (`ChatSessionId`; REST `{id}`).
    pub id: i64,
}
method!(RejectChatSessionTransfer, |body, _| Ok(Self {
    id: body.require_int("ChatSessionId")?
}));

impl Answer for RejectChatSessionTransfer {
    async fn answer(self, c: Call<'_>) -> Out {
        hand_over(c, self.id, Handover::Decline).await
    }
}

/// #11 `PickUpChatSession`: `null` when the chat was not in the queue.
pub struct PickUpChatSession {
    /// The session (`ChatSessionId`; REST `{id}`).
    pub id: i64,
}
method!(PickUpChatSession, |body, _| Ok(Self {
    id: body.require_int("ChatSessionId")?
}));

impl Answer for PickUpChatSession {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let chat = chat_of(state, who, self.id).await?;
        match state.engine.pick_up(&who.caller, &chat.key).await? {
            Some(chat) => reply_entity(state, who, ctx, &chat).await,
            None => ctx.ok("ChatSessionEntity", &Value::Null),
        }
    }
}

/// #12 `PickUpFirstChatSession`: `null` when nothing waits for this agent.
pub struct PickUpFirstChatSession;
method!(PickUpFirstChatSession, |_, _| Ok(Self));

impl Answer for PickUpFirstChatSession {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        match state.engine.pick_up_first(&who.caller).await? {
            Some(chat) => reply_entity(state, who, ctx, &chat).await,
            None => ctx.ok("ChatSessionEntity", &Value::Null),
        }
    }
}

/// #13 `ResetChatSession`: back to the queue.
pub struct ResetChatSession {
    /// The session (`ChatSessionId`; REST `{id}`).
    pub id: i64,
}
method!(ResetChatSession, |body, _| Ok(Self {
    id: body.require_int("ChatSessionId")?
}));

impl Answer for ResetChatSession {
    async fn answer(self, c: Call<'_>) -> Out {
        hand_over(c, self.id, Handover::Requeue).await
    }
}
