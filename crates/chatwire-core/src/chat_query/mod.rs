//! A typed query over an account's chats, open and ended (the SuperOffice `ChatSession`
//! archive): which chats a caller's scope holds, a filter tree of comparisons on indexed chat
//! fields, an order and a page. The dialect parses its wire syntax into this; each store
//! backend compiles it (SQL with bound parameters, or [`ChatQuery::matches`] in memory), so a
//! query never depends on how a value was spelled on the wire.
//!
//! Semantics every backend keeps (the conformance suite checks them):
//! - A comparison with a field that is unset (`None`) is false, whatever the operator, and
//!   `eq`/`ne` against [`FieldValue::Null`] ask whether the field is unset; so `not` is plain
//!   two-valued negation.
//! - Unset sorts before every value in ascending order; ties are broken by chat number
//!   ascending, so pages are stable.
//! - Text compares by bytes (UTF-8 order), case-sensitively.
//!
//! What it must not do: know wire names (`whenRequested`) or SQL.

use std::cmp::Ordering;

use crate::{AgentId, Chat, ChatState, SkillId, Timestamp, TransferTarget};

/// A chat field a query may filter and sort on: each is a column of its own in the SQL stores,
/// so the query runs on the database's indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatField {
    /// The chat number (SuperOffice `ChatSessionId`).
    Num,
    /// The skill (topic); unset for chats without one.
    Skill,
    /// The agent handling it, or who handled it last; unset before any accept.
    Agent,
    /// The state.
    State,
    /// When the chat was requested.
    RequestedAt,
    /// When an agent first accepted it; unset before.
    AcceptedAt,
    /// When it ended; unset while open.
    EndedAt,
    /// The visitor's display name.
    VisitorName,
}

/// A value a field is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// An integer (number, skill, agent).
    Int(i64),
    /// Text (visitor name).
    Text(String),
    /// An instant.
    Time(Timestamp),
    /// A chat state.
    State(ChatState),
    /// Unset (only with `Eq` / `Ne`).
    Null,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

/// A filter tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatFilter {
    /// `field op value`.
    Compare(ChatField, Cmp, FieldValue),
    /// Both hold.
    And(Box<Self>, Box<Self>),
    /// Either holds.
    Or(Box<Self>, Box<Self>),
    /// It does not hold.
    Not(Box<Self>),
}

/// One sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatOrder {
    /// The field.
    pub field: ChatField,
    /// Descending instead of ascending.
    pub descending: bool,
}

/// Which chats of the account a query may see at all (the engine picks it from access rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatScope {
    /// Every chat of the account (admins).
    Account,
    /// The chats `agent` handles or handled, open chats transferred to or from them, and open
    /// chats in one of `skills` or without a skill.
    Agent {
        /// The agent.
        agent: AgentId,
        /// Their skills.
        skills: Vec<SkillId>,
    },
}

/// A page of an account's chats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatQuery {
    /// The account.
    pub account: crate::AccountId,
    /// What the caller may see.
    pub scope: ChatScope,
    /// What else must hold; `None` keeps every chat in scope.
    pub filter: Option<ChatFilter>,
    /// Sort keys, first first; chat number ascending breaks ties (and is the order when empty).
    pub order: Vec<ChatOrder>,
    /// Chats skipped before the page.
    pub skip: u64,
    /// Chats in the page at most.
    pub limit: u32,
}

/// The value of `field` in `chat`; `None` when unset.
pub fn field_value(chat: &Chat, field: ChatField) -> Option<FieldValue> {
    match field {
        ChatField::Num => Some(FieldValue::Int(chat.num.0)),
        ChatField::Skill => chat.skill.map(|s| FieldValue::Int(s.0)),
        ChatField::Agent => chat.agent.as_ref().map(|a| FieldValue::Int(a.id.0)),
        ChatField::State => Some(FieldValue::State(chat.state)),
        ChatField::RequestedAt => Some(FieldValue::Time(chat.started_at)),
        ChatField::AcceptedAt => chat.accepted_at.map(FieldValue::Time),
        ChatField::EndedAt => chat.ended_at.map(FieldValue::Time),
        ChatField::VisitorName => Some(FieldValue::Text(chat.visitor_name.clone())),
    }
}

/// The agent a pending transfer comes from, and the agent a personal transfer goes to.
pub fn transfer_agents(chat: &Chat) -> (Option<AgentId>, Option<AgentId>) {
    let Some(t) = &chat.transfer else {
        return (None, None);
    };
    let to = match &t.target {
        TransferTarget::Agent { id, .. } => Some(*id),
        TransferTarget::Skill { .. } => None,
    };
    (t.from.as_ref().map(|f| f.id), to)
}

/// Orders two values of one field (values of different kinds never meet).
fn compare_values(a: &FieldValue, b: &FieldValue) -> Option<Ordering> {
    match (a, b) {
        (FieldValue::Int(x), FieldValue::Int(y)) => Some(x.cmp(y)),
        (FieldValue::Text(x), FieldValue::Text(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (FieldValue::Time(x), FieldValue::Time(y)) => Some(x.0.cmp(&y.0)),
        (FieldValue::State(x), FieldValue::State(y)) => Some(x.as_str().cmp(y.as_str())),
        _ => None,
    }
}

impl ChatScope {
    /// Whether `chat` is in this scope.
    pub fn includes(&self, chat: &Chat) -> bool {
        match self {
            Self::Account => true,
            Self::Agent { agent, skills } => {
                let handled = chat.agent.as_ref().is_some_and(|a| a.id == *agent);
                let (from, to) = transfer_agents(chat);
                let open = chat.state != ChatState::Ended;
                let queue = chat.skill.is_none_or(|s| skills.contains(&s));
                handled || from == Some(*agent) || to == Some(*agent) || (open && queue)
            }
        }
    }
}

impl ChatFilter {
    /// Whether the filter compares `field` anywhere.
    pub fn mentions(&self, field: ChatField) -> bool {
        match self {
            Self::And(a, b) | Self::Or(a, b) => a.mentions(field) || b.mentions(field),
            Self::Not(a) => a.mentions(field),
            Self::Compare(f, _, _) => *f == field,
        }
    }

    /// Whether `chat` passes the filter.
    pub fn matches(&self, chat: &Chat) -> bool {
        match self {
            Self::And(a, b) => a.matches(chat) && b.matches(chat),
            Self::Or(a, b) => a.matches(chat) || b.matches(chat),
            Self::Not(a) => !a.matches(chat),
            Self::Compare(field, op, value) => {
                let actual = field_value(chat, *field);
                match (value, actual) {
                    (FieldValue::Null, actual) => match op {
                        Cmp::Eq => actual.is_none(),
                        Cmp::Ne => actual.is_some(),
                        _ => false,
                    },
                    (_, None) => false,
                    (value, Some(actual)) => {
                        compare_values(&actual, value).is_some_and(|o| match op {
                            Cmp::Eq => o.is_eq(),
                            Cmp::Ne => o.is_ne(),
                            Cmp::Gt => o.is_gt(),
                            Cmp::Ge => o.is_ge(),
                            Cmp::Lt => o.is_lt(),
                            Cmp::Le => o.is_le(),
                        })
                    }
                }
            }
        }
    }

    /// `self and other`.
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        Self::And(Box::new(self), Box::new(other))
    }
}

impl ChatQuery {
    /// Whether `chat` belongs in the result (scope, account and filter; not the page).
    pub fn matches(&self, chat: &Chat) -> bool {
        chat.account == self.account
            && self.scope.includes(chat)
            && self.filter.as_ref().is_none_or(|f| f.matches(chat))
    }

    /// The result order of two matching chats (unset first ascending, number breaks ties).
    pub fn compare(&self, a: &Chat, b: &Chat) -> Ordering {
        for key in &self.order {
            let o = match (field_value(a, key.field), field_value(b, key.field)) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(x), Some(y)) => compare_values(&x, &y).unwrap_or(Ordering::Equal),
            };
            let o = if key.descending { o.reverse() } else { o };
            if o.is_ne() {
                return o;
            }
        }
        a.num.0.cmp(&b.num.0)
    }

    /// The page of `chats` (any order, any account) this query answers.
    pub fn run<'a>(&self, chats: impl IntoIterator<Item = &'a Chat>) -> Vec<Chat> {
        let mut hits: Vec<&Chat> = chats.into_iter().filter(|c| self.matches(c)).collect();
        hits.sort_by(|a, b| self.compare(a, b));
        let skip = usize::try_from(self.skip).unwrap_or(usize::MAX);
        hits.into_iter()
            .skip(skip)
            .take(self.limit as usize)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests;
