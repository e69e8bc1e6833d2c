//! Commands on a chat, the changes they decide (see `decide` for [`Chat::decide`]), and the
//! validation of the text they carry.

use super::{
    AssignedAgent, EventKind, LineSubType, PendingTransfer, TextType, TransferTarget, Typing,
};
use crate::routing::AgentLoad;
use crate::{AgentId, DomainError};

/// Longest line accepted, in characters.
pub const MAX_LINE_CHARS: usize = 20_000;

/// Who acts on a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The visitor who opened it.
    Visitor,
    /// An agent (id and nickname).
    Agent {
        /// Agent id.
        id: AgentId,
        /// Nickname (line `by`).
        name: String,
    },
}

/// Which side's typing indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypingSide {
    /// The agent's.
    Agent,
    /// The visitor's.
    Visitor,
}

/// Something a participant or the server asks of a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatCommand {
    /// An agent takes a waiting chat (LivePerson accept, SuperOffice pick up / accept transfer).
    Accept {
        /// The accepting agent.
        agent: AssignedAgent,
        /// A welcome line to send as the agent (SuperOffice topic welcome message).
        welcome: Option<String>,
    },
    /// Add a line.
    PostLine {
        /// Author.
        author: Actor,
        /// Text.
        text: String,
        /// Rendering (visitor lines are always plain).
        text_type: TextType,
        /// Structured content for rich-content lines.
        json: Option<String>,
        /// Visibility.
        sub_type: LineSubType,
    },
    /// The handling agent (or bot) posts a special message (`super::special`).
    PostSpecial {
        /// The agent.
        agent: AssignedAgent,
        /// The author shown (the agent's nickname, or the topic's bot name for a bot).
        by: String,
        /// The message as posted (boxed: commands stay small).
        special: Box<super::Special>,
        /// Option labels, for an options message.
        options: Vec<String>,
    },
    /// An agent pushes a URL to the visitor.
    PushUrl {
        /// The agent.
        agent: AssignedAgent,
        /// The URL.
        url: String,
    },
    /// A participant ends the chat.
    End {
        /// Who ends it.
        by: Actor,
    },
    /// An agent who does not handle the chat closes it on behalf of the account (SuperOffice
    /// `DeleteChatSessionEntity` by an admin, a topic manager or the agent who opened it; the
    /// engine decides who may).
    Close {
        /// The closing agent.
        by: AssignedAgent,
    },
    /// The server ends the chat after `chatTimeout` without visitor activity.
    Timeout,
    /// The handling agent sends the chat to a skill or another agent.
    Transfer {
        /// The agent transferring (must be handling the chat).
        by: AssignedAgent,
        /// Destination.
        target: TransferTarget,
        /// Note for the receiving agent.
        text: String,
    },
    /// The handling agent sends the chat to another account's skill; the chat ends here.
    TransferAccount {
        /// The agent transferring (must be handling the chat).
        by: AssignedAgent,
        /// The account the visitor goes to.
        account: crate::AccountId,
        /// The skill name there.
        skill: String,
        /// Note for the receiving agent.
        text: String,
    },
    /// A supervisor joins the chat in `mode`, changes mode, or (`None`) leaves it.
    Collaborate {
        /// The supervisor.
        agent: AssignedAgent,
        /// The new mode; `None` leaves.
        mode: Option<super::CollaborationMode>,
    },
    /// The agent a chat request named did not take it within the wait: it now rings its skill.
    ReleasePreferredAgent,
    /// Ring timeout: the chat stops ringing `from` alone (`None`: it rang no one alone) and
    /// rings `to` alone (`None`: every eligible agent). Refused unless the chat still rings
    /// exactly `from` (same agent, same deadline), so that of several nodes moving the same
    /// ring only one succeeds.
    RingNext {
        /// The ring the caller saw.
        from: Option<super::PreferredAgent>,
        /// The next ring.
        to: Option<super::PreferredAgent>,
    },
    /// The target of a personal transfer declines it.
    RejectTransfer {
        /// The declining agent.
        agent: AgentId,
    },
    /// Put a chatting chat back in its skill's queue (SuperOffice `ResetChatSession`).
    Requeue,
    /// Set the visitor's display name.
    SetVisitorName(String),
    /// Correct or record customer details (SuperOffice `SaveChatSessionEntity`; boxed:
    /// commands stay small).
    UpdateCustomer(Box<super::CustomerUpdate>),
    /// Add or replace custom variables (by name) on the chat.
    SetCustomVariables(Vec<super::CustomVariable>),
    /// Set a typing indicator.
    SetTyping(TypingSide, Typing),
}

/// A decided change: an event to append, or an info field to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Append this event.
    Event(EventKind),
    /// Set the visitor name.
    VisitorName(String),
    /// Set customer details.
    Customer(Box<super::CustomerUpdate>),
    /// Set a typing indicator.
    Typing(TypingSide, Typing),
    /// Add or replace custom variables by name.
    CustomVariables(Vec<super::CustomVariable>),
    /// Assign (or clear) the handling agent.
    Assign(Option<AssignedAgent>),
    /// Start (or clear) a pending transfer.
    Transfer(Option<PendingTransfer>),
    /// Set (or clear) the agent a chat rings first.
    PreferredAgent(Option<super::PreferredAgent>),
}

/// Facts `decide` needs that live outside the chat, gathered by the store inside the same
/// transaction.
#[derive(Debug, Clone, Default)]
pub struct DecisionContext {
    /// The acting agent's record and current load (for accepts).
    pub agent: Option<AgentLoad>,
}

/// Checks line text: not blank, at most [`MAX_LINE_CHARS`], only characters XML can carry.
pub(crate) fn validate_text(text: &str) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::invalid("text", "must not be empty"));
    }
    crate::text::check_xml_text("text", text)?;
    if text.chars().count() > MAX_LINE_CHARS {
        return Err(DomainError::invalid(
            "text",
            "must be at most 20000 characters",
        ));
    }
    Ok(())
}

/// Checks a visitor name: 1-100 characters, not blank, no control characters, nothing XML
/// cannot carry (U+FFFE, U+FFFF).
pub(crate) fn validate_name(name: &str) -> Result<(), DomainError> {
    if name.trim().is_empty()
        || name.chars().count() > 100
        || name
            .chars()
            .any(|c| c.is_control() || !crate::text::is_xml_char(c))
    {
        return Err(DomainError::invalid(
            "visitorName",
            "must be 1-100 characters and not blank",
        ));
    }
    Ok(())
}
