//! Who handles a session (spec §1 #8–#13; REST `ChatSession/Pickup`,
//! `ChatSession/{id}/TransferTo/{to}`, `…/AcceptTransfer`, `…/RejectTransfer`, `…/Pickup`,
//! `…/Reset`): picking up from the queue, transferring between agents, putting back in the
//! queue. Each answers the session as it is afterwards.

use serde_json::Value;

use super::operation::{Answer, Call, Out, method};
use super::sessions::{chat_of, reply_entity};
use crate::ApiError;

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
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let chat = chat_of(state, who, self.id).await?;
        let chat = state
            .engine
            .transfer_to_agent(&who.account, who.agent.id, &chat.key, &self.to)
            .await?;
        reply_entity(state, who, ctx, &chat).await
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
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let chat = chat_of(state, who, self.id).await?;
        let chat = state
            .engine
            .accept_transfer(&who.account, who.agent.id, &chat.key)
            .await?;
        reply_entity(state, who, ctx, &chat).await
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
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let chat = chat_of(state, who, self.id).await?;
        let chat = state
            .engine
            .decline_transfer(&who.account, who.agent.id, &chat.key)
            .await?;
        reply_entity(state, who, ctx, &chat).await
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
        match state
            .engine
            .pick_up(&who.account, who.agent.id, &chat.key)
            .await?
        {
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
        match state
            .engine
            .pick_up_first(&who.account, who.agent.id)
            .await?
        {
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
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let chat = chat_of(state, who, self.id).await?;
        let done = state
            .engine
            .requeue(&who.account, &chat.key, who.agent.id)
            .await?;
        reply_entity(state, who, ctx, &done.chat).await
    }
}
