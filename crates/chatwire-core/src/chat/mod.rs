//! The chat aggregate. State is a fold over the event log ([`Chat::apply_changes`]) plus a few
//! non-event fields (visitor name, typing); [`Chat::decide`] is the one place that decides what a
//! command does.

mod command;
mod customer;
mod decide;
mod decide_transfer;
mod event;
mod outcome;
mod request;
mod special;

pub use command::MAX_LINE_CHARS;
pub use command::{Actor, Change, ChatCommand, DecisionContext, TypingSide};
pub use customer::{CustomerUpdate, MAX_DETAIL_CHARS, SessionNotes};
pub use event::{
    ChatEvent, EndCause, EventKind, Line, LineSource, LineSubType, StateChange, SystemMessageId,
    TextType, TransferTarget,
};
pub use outcome::{Committed, FeedItem};

pub use request::{
    A2aSource, ChatRequest, CustomVariable, DEFAULT_CHAT_TIMEOUT_SECS, MAX_CHAT_TIMEOUT_SECS,
    NewChat, ROUTING_GREETING, SurveyAnswer,
};
pub use special::{Special, SpecialKind};

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{AccountId, AgentId, ChatKey, ChatNum, EventId, GlobalSeq, SkillId, Timestamp};

/// Server-side chat states (LivePerson §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatState {
    /// Queued or ringing.
    Waiting,
    /// An agent accepted.
    Chatting,
    /// Over; readable, but takes no more lines.
    Ended,
}

impl ChatState {
    /// The wire name (`waiting`, `chatting`, `ended`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Chatting => "chatting",
            Self::Ended => "ended",
        }
    }
}

impl fmt::Display for ChatState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Typing indicator of one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Typing {
    /// Typing now.
    Typing,
    /// Not typing.
    #[default]
    NotTyping,
    /// Unknown (never reported).
    Unknown,
}

impl Typing {
    /// The wire name (`typing`, `not-typing`, `unknown`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Typing => "typing",
            Self::NotTyping => "not-typing",
            Self::Unknown => "unknown",
        }
    }
}

/// The agent a chat is assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignedAgent {
    /// Agent id.
    pub id: AgentId,
    /// Nickname shown to the visitor.
    pub name: String,
}

/// A transfer waiting for its target to accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTransfer {
    /// Where the chat is going.
    pub target: TransferTarget,
    /// The agent who transferred it (excluded from ringing for skill transfers).
    pub from: Option<AssignedAgent>,
}

/// The agent a chat rings alone until `until`, then its skill (or, with a ring timeout, the next
/// agent): the agent a chat request named (LivePerson chat request `agent`; the wait is the
/// engine's `agent_first_wait`), or the agent whose turn it is (the engine's `ring_timeout`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferredAgent {
    /// The agent rung first.
    pub id: AgentId,
    /// When the chat stops waiting for them alone.
    pub until: Timestamp,
}

/// How a second agent (a supervisor) takes part in a chat they do not handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollaborationMode {
    /// Reads everything agents see; writes nothing, and the visitor is not told.
    Listen,
    /// Also writes lines, which the visitor sees as agent lines by the supervisor's name.
    Write,
}

impl CollaborationMode {
    /// The wire name (`listen`, `write`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Listen => "listen",
            Self::Write => "write",
        }
    }
}

/// A supervisor taking part in a chat (LivePerson collaboration channel, SuperOffice "listen in").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collaborator {
    /// The supervisor.
    pub agent: AssignedAgent,
    /// Listening or writing.
    pub mode: CollaborationMode,
}

/// A chat: its identity, its current state (folded from events) and its info fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chat {
    /// The LivePerson chat id / `chatSessionKey`.
    pub key: ChatKey,
    /// The SuperOffice `ChatSessionId`.
    pub num: ChatNum,
    /// The owning account.
    pub account: AccountId,
    /// The skill (queue) the chat is routed by; `None` routes to any agent.
    pub skill: Option<SkillId>,
    /// Current state.
    pub state: ChatState,
    /// The agent handling it (chatting), or who handled it last (ended).
    pub agent: Option<AssignedAgent>,
    /// A transfer in progress (state is `waiting` meanwhile).
    pub transfer: Option<PendingTransfer>,
    /// Visitor display name.
    pub visitor_name: String,
    /// Agent typing indicator.
    pub agent_typing: Typing,
    /// Visitor typing indicator.
    pub visitor_typing: Typing,
    /// Numeric visitor id (LivePerson `visitorId`).
    pub visitor_id: i64,
    /// When the chat was requested.
    pub started_at: Timestamp,
    /// When an agent first accepted.
    pub accepted_at: Option<Timestamp>,
    /// When it ended.
    pub ended_at: Option<Timestamp>,
    /// Last change of any kind (LivePerson `lastUpdate`).
    pub last_update: Timestamp,
    /// Last line by anyone (SuperOffice `WhenIdle`).
    pub last_line_at: Option<Timestamp>,
    /// Who wrote the last visitor/agent line (SuperOffice `CustomerLast`/`UserLast`).
    pub last_speaker: Option<LineSource>,
    /// Seconds without visitor activity before the chat is ended (`interactionTimeout`).
    pub chat_timeout_secs: u32,
    /// The id the next event will get; also the number of events so far.
    pub next_event_id: EventId,
    /// What the visitor sent with the chat request.
    pub request: ChatRequest,
    /// Supervisors taking part (folded from collaboration events).
    #[serde(default)]
    pub collaborators: Vec<Collaborator>,
    /// The agent the chat rings alone for now, when its request named one or a ring timeout
    /// gives agents turns; cleared when an agent takes it or the wait is over.
    #[serde(default)]
    pub preferred_agent: Option<PreferredAgent>,
    /// Bumped by every committed change; caches keep the highest revision they have seen, so
    /// concurrent commits applied out of order never roll a cached chat back.
    #[serde(default)]
    pub revision: u64,
}

impl Chat {
    /// Applies decided changes: assigns event ids from `next_event_id` and sequence numbers
    /// from `first_seq` upwards, folds each into the chat, and returns the new events.
    pub fn apply_changes(
        &mut self,
        changes: Vec<Change>,
        at: Timestamp,
        first_seq: GlobalSeq,
    ) -> Vec<ChatEvent> {
        let mut events = Vec::new();
        let mut seq = first_seq;
        self.revision += 1;
        for change in changes {
            match change {
                Change::Event(kind) => {
                    let event = ChatEvent {
                        id: self.next_event_id,
                        seq,
                        at,
                        kind,
                    };
                    self.fold(&event);
                    self.next_event_id = self.next_event_id.next();
                    seq = GlobalSeq(seq.0 + 1);
                    events.push(event);
                }
                Change::VisitorName(name) => self.visitor_name = name,
                Change::Customer(update) => self.apply_customer(*update),
                Change::Typing(TypingSide::Agent, t) => self.agent_typing = t,
                Change::Typing(TypingSide::Visitor, t) => self.visitor_typing = t,
                Change::CustomVariables(vars) => {
                    for var in vars {
                        let slot = self
                            .request
                            .custom_variables
                            .iter_mut()
                            .find(|v| v.name == var.name);
                        match slot {
                            Some(existing) => existing.value = var.value,
                            None => self.request.custom_variables.push(var),
                        }
                    }
                }
                Change::Assign(agent) => {
                    // A new (or no) agent has not started typing yet.
                    if self.agent != agent {
                        self.agent_typing = Typing::NotTyping;
                    }
                    // Once taken, a chat no longer waits for the agent its request named (a
                    // later transfer or requeue rings as usual).
                    if agent.is_some() {
                        self.preferred_agent = None;
                    }
                    self.agent = agent;
                }
                Change::PreferredAgent(p) => self.preferred_agent = p,
                Change::Transfer(t) => {
                    if let Some(PendingTransfer {
                        target: TransferTarget::Skill { id, .. },
                        ..
                    }) = &t
                    {
                        self.skill = Some(*id);
                    }
                    self.transfer = t;
                }
            }
            self.last_update = self.last_update.max(at);
        }
        events
    }

    /// Folds one event into the state fields.
    fn fold(&mut self, event: &ChatEvent) {
        match &event.kind {
            EventKind::State(change) => {
                self.state = change.state;
                match change.state {
                    ChatState::Chatting if self.accepted_at.is_none() => {
                        self.accepted_at = Some(event.at);
                    }
                    ChatState::Ended => {
                        self.ended_at = Some(event.at);
                        self.agent_typing = Typing::NotTyping;
                        self.visitor_typing = Typing::NotTyping;
                    }
                    _ => {}
                }
            }
            EventKind::Line(line) => {
                if line.source != LineSource::System {
                    self.last_line_at = Some(event.at);
                    self.last_speaker = Some(line.source);
                }
            }
            EventKind::Collaboration { agent, mode } => {
                self.collaborators.retain(|c| c.agent.id != agent.id);
                if let Some(mode) = mode {
                    self.collaborators.push(Collaborator {
                        agent: agent.clone(),
                        mode: *mode,
                    });
                }
            }
            EventKind::Url { .. }
            | EventKind::Transfer { .. }
            | EventKind::AccountTransfer { .. } => {}
        }
    }

    /// The number of events in the log.
    pub const fn event_count(&self) -> u32 {
        self.next_event_id.0
    }

    /// How `agent` takes part as a supervisor, if they do.
    pub fn collaboration_of(&self, agent: AgentId) -> Option<CollaborationMode> {
        self.collaborators
            .iter()
            .find(|c| c.agent.id == agent)
            .map(|c| c.mode)
    }

    /// Whether `agent` is the one handling this chat now.
    pub fn is_handled_by(&self, agent: AgentId) -> bool {
        self.state == ChatState::Chatting && self.agent.as_ref().is_some_and(|a| a.id == agent)
    }
}

#[cfg(test)]
mod tests;

/// Fixtures shared by the unit tests of this crate.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::{Agent, Availability, MaxChats};

    pub(crate) fn agent(id: i64, skills: &[i64]) -> Agent {
        Agent {
            id: AgentId(id),
            account: AccountId::parse("1000").expect("valid"),
            login_name: format!("agent{id}"),
            password_hash: String::new(),
            nickname: format!("Agent{id}"),
            display_name: format!("Agent {id}"),
            email: String::new(),
            max_chats: MaxChats::from(2),
            skills: skills.iter().map(|s| SkillId(*s)).collect(),
            availability: Availability::Online,
            is_admin: false,
            enabled: true,
        }
    }

    fn new_chat(skill: Option<i64>) -> NewChat {
        NewChat {
            key: ChatKey::from_random(1, 2, 3),
            account: AccountId::parse("1000").expect("valid"),
            skill: skill.map(SkillId),
            visitor_name: "visitor".into(),
            visitor_id: 7,
            chat_timeout_secs: 40,
            pre_chat_lines: vec!["order 42".into()],
            preferred_agent: None,
            request: ChatRequest::default(),
        }
    }

    pub(crate) fn opening_events() -> Vec<ChatEvent> {
        let (mut chat, changes) =
            Chat::open(new_chat(Some(10)), ChatNum(1), Timestamp(1_000)).expect("open");
        chat.apply_changes(changes, Timestamp(1_000), GlobalSeq(1))
    }

    pub(crate) fn waiting_chat(skill: Option<i64>) -> Chat {
        let (mut chat, changes) =
            Chat::open(new_chat(skill), ChatNum(1), Timestamp(1_000)).expect("open");
        chat.apply_changes(changes, Timestamp(1_000), GlobalSeq(1));
        chat
    }
}
