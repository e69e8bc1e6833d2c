//! Agent presence (spec §1 #1–#2; REST `Presence/GetAll`, `Presence/SaveAll` and their
//! `ChatPresence/…` twins): who of the account is present for chat, and saying so.

use chatwire_engine::core::AgentId;

use super::body::Fields;
use super::convert;
use super::operation::{Answer, Call, Out, method};
use super::reply::SoReply;
use crate::ApiError;

/// #1 `GetChatPresence`: every agent of the account with their presence.
pub struct GetChatPresence;

method!(GetChatPresence, |_, _| Ok(Self));

impl Answer for GetChatPresence {
    async fn answer(self, c: Call<'_>) -> Out {
        let list = c.state.engine.presences(&c.who.account).await?;
        let out: Vec<_> = list.iter().map(convert::presence).collect();
        c.ctx.ok("ChatPresence", &out)
    }
}

/// #2 `SaveChatPresence`: `ChatPresence` items (only `UserId` and `Present` are read, in order;
/// `UserId` 0 or absent means the caller). REST sends the bare list.
pub struct SaveChatPresence {
    /// The `ChatPresence` items.
    pub presences: Vec<Fields>,
}

method!(SaveChatPresence, |body, _| Ok(Self {
    presences: body.list("ChatPresence")
}));

impl Answer for SaveChatPresence {
    async fn answer(self, Call { state, who, .. }: Call<'_>) -> Out {
        // Each item is read just before it is saved: an earlier item stays saved when a
        // later one is malformed (the wire behaviour clients have seen).
        for p in &self.presences {
            let target = p
                .int("UserId")?
                .filter(|id| *id != 0)
                .unwrap_or(who.agent.id.0);
            let present = p
                .bool("Present")?
                .ok_or_else(|| ApiError::BadRequest("ChatPresence.Present is required".into()))?;
            state
                .engine
                .set_presence(&who.caller, AgentId(target), present)
                .await?;
        }
        Ok(SoReply::NoContent)
    }
}
