//! What reading and writing chats hands back: a write's committed outcome, and an entry of the
//! account-wide feed. Plain data the store returns and the engine passes on, so that layers
//! above the engine never need the store's crate to name them.

use crate::ids::ChatKey;

use super::{Chat, ChatEvent};

/// The outcome of a successful chat write: the chat as committed and the events appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The chat after the write.
    pub chat: Chat,
    /// The events appended, in id order (may be empty for info-only changes).
    pub events: Vec<ChatEvent>,
}

/// One entry of the account-wide feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// The chat the event belongs to.
    pub chat: ChatKey,
    /// The event.
    pub event: ChatEvent,
}
