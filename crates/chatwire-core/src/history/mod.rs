//! History, statistics and erasure (issue 15, items 3-5): what an admin asks of an account's
//! past, in types every store backend answers the same way.
//!
//! - [`HistoryQuery`]: chats by request time, skill, agent, visitor, state and the words of
//!   their lines, newest first, a page after a [`HistoryCursor`] (keyset: no offset, so a page
//!   costs the same however deep it is).
//! - `text`: which lines are searchable and what "matches" means (every word of the query in
//!   one line, case-insensitively), the rule the SQL full-text indexes reproduce.
//! - `stats`: per-chat facts ([`ChatFact`]) aggregated per hour, day, skill or agent.
//! - `erasure`: what a deletion removed ([`Erased`]) and who a visitor erasure is about.
//!
//! Semantics every backend keeps (the conformance suite checks them):
//! - `from <= requested_at < to`; a chat's agent is its handling or last agent.
//! - Order is request time descending, then chat number descending; the cursor is the last
//!   chat of a page and the next page holds only chats strictly after it in that order.

mod erasure;
mod stats;
mod text;

pub use erasure::{Erased, OfflineMessage, VisitorRef, visitor_email};
pub use stats::{ChatFact, StatsBy, StatsKey, StatsRow, aggregate, percentile};
pub use text::{MAX_SEARCH_WORDS, line_matches, search_words, searchable_text};

use crate::{AccountId, AgentId, Chat, ChatNum, ChatState, SkillId, Timestamp};

/// Most chats one history page holds.
pub const MAX_HISTORY_PAGE: u32 = 200;

/// Where a history page ends: the last chat's request time and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryCursor {
    /// The last chat's request time.
    pub requested_at: Timestamp,
    /// The last chat's number.
    pub num: ChatNum,
}

impl HistoryCursor {
    /// The cursor after `chat`.
    pub fn after(chat: &Chat) -> Self {
        Self {
            requested_at: chat.started_at,
            num: chat.num,
        }
    }

    /// The opaque text form (`{millis}.{num}`).
    pub fn encode(&self) -> String {
        format!("{}.{}", self.requested_at.0, self.num.0)
    }

    /// Parses [`HistoryCursor::encode`]'s form; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let (at, num) = s.split_once('.')?;
        Some(Self {
            requested_at: Timestamp(at.parse().ok()?),
            num: ChatNum(num.parse().ok()?),
        })
    }

    /// Whether `chat` comes after this cursor in history order (newest first).
    pub fn precedes(&self, chat: &Chat) -> bool {
        (chat.started_at, chat.num.0) < (self.requested_at, self.num.0)
    }
}

/// A page of an account's chat history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    /// The account.
    pub account: AccountId,
    /// Requested at or after.
    pub from: Option<Timestamp>,
    /// Requested before.
    pub to: Option<Timestamp>,
    /// In this skill.
    pub skill: Option<SkillId>,
    /// Handled (last) by this agent.
    pub agent: Option<AgentId>,
    /// Of this numeric visitor id.
    pub visitor: Option<i64>,
    /// In this state.
    pub state: Option<ChatState>,
    /// Words one visitor or agent line must all hold ([`search_words`]); empty for any.
    pub words: Vec<String>,
    /// Only chats after this cursor.
    pub after: Option<HistoryCursor>,
    /// Chats in the page at most.
    pub limit: u32,
}

impl HistoryQuery {
    /// Every chat of `account`, a first page of `limit`.
    pub fn new(account: AccountId, limit: u32) -> Self {
        Self {
            account,
            from: None,
            to: None,
            skill: None,
            agent: None,
            visitor: None,
            state: None,
            words: Vec::new(),
            after: None,
            limit,
        }
    }

    /// Whether `chat` passes every filter but the words (those need its lines).
    pub fn matches_columns(&self, chat: &Chat) -> bool {
        chat.account == self.account
            && self.from.is_none_or(|f| chat.started_at >= f)
            && self.to.is_none_or(|t| chat.started_at < t)
            && self.skill.is_none_or(|s| chat.skill == Some(s))
            && self
                .agent
                .is_none_or(|a| chat.agent.as_ref().is_some_and(|x| x.id == a))
            && self.visitor.is_none_or(|v| chat.visitor_id == v)
            && self.state.is_none_or(|s| chat.state == s)
            && self.after.is_none_or(|c| c.precedes(chat))
    }
}

#[cfg(test)]
mod tests;
