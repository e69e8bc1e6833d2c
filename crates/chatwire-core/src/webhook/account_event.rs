//! Account events: what happens in an account outside any chat's event log (an offline
//! message, a submitted survey, an agent's availability, a typing indicator), kept in a log of
//! their own (`account_events`) whose `seq` comes from the same global sequence as chat
//! events. One cursor therefore orders both logs, and a webhook subscription (a cursor over
//! the account's events) gets these kinds with the same guarantees as chat events: in commit
//! order, at least once, never before the cause committed.
//!
//! An event carries what a receiver needs for the common case (the visitor's answers of an
//! offline message, the old and new availability) so that it need not call back, and nothing
//! secret (no context pairs such as IP addresses or user agents, no tokens).

use serde::{Deserialize, Serialize};

use crate::chat::{SurveyAnswer, TypingSide};
use crate::{
    AccountId, AgentId, Availability, ChatKey, FeedItem, GlobalSeq, SkillId, SurveyKind,
    SurveyResponse, Timestamp, WebhookKind,
};

/// One entry of an account's event log (`account_events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEvent {
    /// Global sequence number, shared with chat events (commit order across both logs).
    pub seq: GlobalSeq,
    /// The account it happened in.
    pub account: AccountId,
    /// When it was committed.
    pub at: Timestamp,
    /// What happened.
    pub kind: AccountEventKind,
}

/// Who a typing event is about (stored form of [`TypingSide`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Typist {
    /// The chat's agent (the agent's id is in the event).
    Agent,
    /// The visitor.
    Visitor,
}

impl From<TypingSide> for Typist {
    fn from(side: TypingSide) -> Self {
        match side {
            TypingSide::Agent => Self::Agent,
            TypingSide::Visitor => Self::Visitor,
        }
    }
}

/// What an account event records. Stored as JSON (`kind_json`); the wire shape of a webhook
/// payload is the API crate's, not this serialisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AccountEventKind {
    /// A visitor left an offline message (an offline survey was submitted).
    OfflineMessage {
        /// The stored response's id (the offline message's id in the history API).
        response: i64,
        /// The offline survey answered.
        survey: i64,
        /// The survey's skill, if it is a skill's own.
        skill: Option<SkillId>,
        /// The numeric visitor id sent with it, if any.
        visitor_id: Option<i64>,
        /// The visitor's answers (the message, their name and address as they gave them).
        answers: Vec<SurveyAnswer>,
    },
    /// An exit (visitor) or agent survey was submitted.
    SurveySubmitted {
        /// The stored response's id.
        response: i64,
        /// The survey answered.
        survey: i64,
        /// Its kind.
        survey_kind: SurveyKind,
        /// The chat it is about, if any.
        chat: Option<ChatKey>,
        /// The agent who submitted it (agent surveys).
        agent: Option<AgentId>,
    },
    /// An agent's availability changed (written only when it differs from the stored one).
    AgentAvailability {
        /// The agent.
        agent: AgentId,
        /// Before.
        from: Availability,
        /// After.
        to: Availability,
    },
    /// A typing indicator turned on or off.
    Typing {
        /// The chat.
        chat: ChatKey,
        /// Whose indicator.
        side: Typist,
        /// The chat's agent when the agent types.
        agent: Option<AgentId>,
        /// On (typing) or off.
        typing: bool,
    },
}

impl AccountEventKind {
    /// The event a stored survey response is announced by: an offline message for offline
    /// surveys, a submitted survey for the others. `response` is the id the store gave it,
    /// `skill` the answered survey's skill.
    pub fn of_response(response: i64, r: &SurveyResponse, skill: Option<SkillId>) -> Self {
        if r.kind == SurveyKind::Offline {
            Self::OfflineMessage {
                response,
                survey: r.survey,
                skill,
                visitor_id: r.visitor_id(),
                answers: r.answers.clone(),
            }
        } else {
            Self::SurveySubmitted {
                response,
                survey: r.survey,
                survey_kind: r.kind,
                chat: r.chat.clone(),
                agent: r.agent,
            }
        }
    }

    /// The survey response an event announces, if any: erasing the response erases the event
    /// (the stores delete both, so no visitor answer outlives its response).
    pub const fn response(&self) -> Option<i64> {
        match self {
            Self::OfflineMessage { response, .. } | Self::SurveySubmitted { response, .. } => {
                Some(*response)
            }
            Self::AgentAvailability { .. } | Self::Typing { .. } => None,
        }
    }

    /// The webhook kind it is delivered as.
    pub const fn webhook_kind(&self) -> WebhookKind {
        match self {
            Self::OfflineMessage { .. } => WebhookKind::OfflineMessage,
            Self::SurveySubmitted { .. } => WebhookKind::SurveySubmitted,
            Self::AgentAvailability { .. } => WebhookKind::AgentAvailability,
            Self::Typing { .. } => WebhookKind::Typing,
        }
    }
}

/// One entry of the merged log a webhook subscription reads: chat events and account events
/// of one account, in `seq` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEntry {
    /// A chat event, as the account feed has it.
    Chat(FeedItem),
    /// An account event.
    Account(AccountEvent),
}

impl LogEntry {
    /// Its global sequence number.
    pub const fn seq(&self) -> GlobalSeq {
        match self {
            Self::Chat(item) => item.event.seq,
            Self::Account(e) => e.seq,
        }
    }

    /// The webhook kind it is delivered as; `None` for chat events no subscription receives.
    pub fn webhook_kind(&self) -> Option<WebhookKind> {
        match self {
            Self::Chat(item) => WebhookKind::of_event(&item.event),
            Self::Account(e) => Some(e.kind.webhook_kind()),
        }
    }
}

/// Merges two seq-ordered runs (one of each log, read in one snapshot) into one, keeping at
/// most `limit` entries. Stores that read the two tables apart use it.
pub fn merge_log(chat: Vec<FeedItem>, account: Vec<AccountEvent>, limit: usize) -> Vec<LogEntry> {
    let mut out = Vec::with_capacity(limit.min(chat.len() + account.len()));
    let (mut a, mut b) = (chat.into_iter().peekable(), account.into_iter().peekable());
    while out.len() < limit {
        let take_chat = match (a.peek(), b.peek()) {
            (Some(c), Some(e)) => c.event.seq < e.seq,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_chat {
            a.next().map(LogEntry::Chat)
        } else {
            b.next().map(LogEntry::Account)
        };
        out.extend(next);
    }
    out
}
