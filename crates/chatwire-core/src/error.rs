//! Business failures. No HTTP status codes here: each dialect maps these in `chatwire-api`.

use crate::chat::ChatState;

/// A command or value the domain rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value failed validation (`what` names the field, `why` the rule).
    #[error("invalid {what}: {why}")]
    Invalid {
        /// The field or value that was rejected.
        what: &'static str,
        /// The rule it broke, phrased for the client.
        why: String,
    },
    /// The chat has ended; it stays readable but takes no more lines or state changes.
    #[error("the chat has ended")]
    ChatEnded,
    /// The command needs the chat in another state (e.g. accepting a chat that is already taken).
    #[error("the chat is {actual}, not {expected}")]
    WrongState {
        /// The state the command needs.
        expected: ChatState,
        /// The chat's current state.
        actual: ChatState,
    },
    /// The acting agent is not the one assigned to this chat.
    #[error("the agent is not a participant of this chat")]
    NotParticipant,
    /// The chat is not routed to this agent (skill, availability or transfer target).
    #[error("the chat is not routed to this agent")]
    NotRoutable,
    /// The agent already handles `max_chats` chats.
    #[error("the agent is at capacity ({active} of {max} chats)")]
    AgentAtCapacity {
        /// Chats the agent handles now.
        active: u32,
        /// The agent's limit.
        max: u32,
    },
    /// No transfer is pending for this chat (or not to this agent).
    #[error("no transfer is pending for this chat")]
    NoPendingTransfer,
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`].
    pub fn invalid(what: &'static str, why: impl Into<String>) -> Self {
        Self::Invalid {
            what,
            why: why.into(),
        }
    }
}
