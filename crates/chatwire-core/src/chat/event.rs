//! The append-only event log of a chat: what happened, in order, with per-chat ids 0, 1, 2, …
//! and a server-wide sequence number.

use serde::{Deserialize, Serialize};

use crate::{AccountId, AgentId, EventId, GlobalSeq, SkillId, Timestamp};

use super::ChatState;

/// One entry of a chat's log. Never changed after it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatEvent {
    /// Per-chat id, contiguous from 0 (LivePerson event `@id`).
    pub id: EventId,
    /// Server-wide sequence (SuperOffice `ChatMessageId`, account feed cursor).
    pub seq: GlobalSeq,
    /// When the event was committed, UTC milliseconds.
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
}

impl ChatEvent {
    /// Whether the visitor may see this event. Agent-private lines (`ONLY_TO_REP`), pre-chat
    /// lines and transfer notes are for agents only (LivePerson spec §3.1).
    pub fn visible_to_visitor(&self) -> bool {
        match &self.kind {
            EventKind::State(_) | EventKind::Url { .. } | EventKind::AccountTransfer { .. } => true,
            EventKind::Line(line) => line.visible_to_visitor(),
            EventKind::Transfer { .. } | EventKind::Collaboration { .. } => false,
        }
    }
}

/// The kinds of event a chat log holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The chat changed state.
    State(StateChange),
    /// A line of text from the visitor, an agent or the system.
    Line(Line),
    /// An agent pushed a URL to the visitor.
    Url {
        /// The URL pushed.
        url: String,
        /// The agent's nickname.
        by: String,
    },
    /// The chat was transferred; agents only (carries the note for the receiving agent).
    Transfer {
        /// The agent who transferred, if any.
        from: Option<AgentId>,
        /// Where the chat went.
        to: TransferTarget,
        /// Note for the receiving agent.
        text: String,
    },
    /// A supervisor joined (`Some` mode), changed mode, or left (`None`); agents only.
    Collaboration {
        /// The supervisor.
        agent: super::AssignedAgent,
        /// How they take part from now on; `None`: they left.
        mode: Option<super::CollaborationMode>,
    },
    /// The chat was sent to another account (LivePerson account-to-account transfer): the
    /// visitor is to request a new chat there (`a2a-transfer`); the chat then ends.
    AccountTransfer {
        /// The agent who transferred.
        from: AgentId,
        /// The account the visitor goes to.
        account: AccountId,
        /// The skill (name) of that account the new chat asks for.
        skill: String,
        /// Note for the agents (shown to the receiving agent as a pre-chat line).
        text: String,
    },
}

/// A state event: the new state and, for `ended`, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    /// The state entered.
    pub state: ChatState,
    /// Who or what ended the chat; `None` for other states.
    pub end_cause: Option<EndCause>,
}

/// Why a chat ended (SuperOffice `ClosedByCustomer`/`ClosedByUser`/`ClosedByIdle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndCause {
    /// The visitor ended it.
    Visitor,
    /// The agent ended it.
    Agent(AgentId),
    /// No visitor activity within `chatTimeout`.
    Timeout,
}

/// Where a transfer sends a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferTarget {
    /// Back to a skill's queue.
    Skill {
        /// The skill id.
        id: SkillId,
        /// The skill name (for the system line).
        name: String,
    },
    /// To one agent personally.
    Agent {
        /// The agent id.
        id: AgentId,
        /// The agent's nickname.
        name: String,
    },
}

/// A line of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The text as posted (HTML for `TextType::Html`).
    pub text: String,
    /// How to render `text`.
    pub text_type: TextType,
    /// Structured content (JSON text) for `TextType::RichContent`.
    pub json: Option<String>,
    /// Display name of the author: `info` for system lines, agent nickname, visitor name.
    pub by: String,
    /// Who wrote it.
    pub source: LineSource,
    /// Set on system lines (LivePerson `systemMessageId`); `Some(0)` marks pre-chat lines.
    pub system_message: Option<SystemMessageId>,
    /// Visibility: regular or agents-only.
    pub sub_type: LineSubType,
    /// The authoring agent, for agent lines.
    pub agent: Option<AgentId>,
    /// The special message this line is, as posted (`super::special`); `None` for ordinary
    /// lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special: Option<super::Special>,
}

impl Line {
    /// A system line (`by: "info"`, `source: system`).
    pub fn system(id: SystemMessageId, text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            text_type: TextType::Plain,
            json: None,
            by: "info".to_owned(),
            source: LineSource::System,
            system_message: Some(id),
            sub_type: LineSubType::Regular,
            agent: None,
            special: None,
        }
    }

    /// Whether the visitor may see it (not `ONLY_TO_REP`, not a pre-chat line).
    pub fn visible_to_visitor(&self) -> bool {
        self.sub_type == LineSubType::Regular
            && self.system_message != Some(SystemMessageId::PRE_CHAT)
    }
}

/// Who wrote a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineSource {
    /// The visitor.
    Visitor,
    /// An agent.
    Agent,
    /// The server.
    System,
}

/// How a line's text is to be rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TextType {
    /// Plain text.
    #[default]
    Plain,
    /// Restricted HTML (agent lines only).
    Html,
    /// Structured content in `Line::json` (agent lines only).
    RichContent,
}

/// Line visibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LineSubType {
    /// Everyone in the chat sees it.
    #[default]
    Regular,
    /// Agents only (LivePerson `ONLY_TO_REP`).
    OnlyToRep,
}

/// LivePerson system message ids (spec §3.2); only the ids are standard, wording is ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SystemMessageId(pub u16);

impl SystemMessageId {
    /// Pre-chat lines: agent-only context typed before the chat (clients filter on 0).
    pub const PRE_CHAT: Self = Self(0);
    /// An agent accepted: "You are now chatting with {agentName}."
    pub const ACCEPTED: Self = Self(3);
    /// The chat is being routed to an agent.
    pub const ROUTING: Self = Self(4);
    /// The agent ended the chat.
    pub const AGENT_ENDED: Self = Self(5);
    /// The chat was disconnected (timeout).
    pub const DISCONNECTED: Self = Self(6);
    /// Transferred to an agent.
    pub const TRANSFER_AGENT: Self = Self(13);
    /// Transferred to a skill.
    pub const TRANSFER_SKILL: Self = Self(15);
    /// Put back in the queue by the system or an agent.
    pub const REQUEUED: Self = Self(23);
}
