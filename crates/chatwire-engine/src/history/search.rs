//! History pages (filters, words, keyset cursor) and one chat's whole record: every event,
//! its survey answers and its transcript as the visitor saw it.

use chatwire_core::history::{HistoryCursor, HistoryQuery, MAX_HISTORY_PAGE, search_words};
use chatwire_core::{
    AccountId, AgentId, Chat, ChatEvent, ChatKey, ChatState, DomainError, EventId, SkillId,
    SurveyResponse, Timestamp,
};

use super::page_limit;
use crate::{AdminCaller, Engine, EngineResult};

/// Longest search text, in characters.
const MAX_QUERY_CHARS: usize = 500;
/// Most events one chat's record returns (a chat longer than that is cut, oldest kept).
const MAX_RECORD_EVENTS: usize = 20_000;

/// What a history page asks for, as the caller sent it (the engine checks it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
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
    /// Words a visitor or agent line must hold.
    pub q: Option<String>,
    /// The `next` of the page before.
    pub cursor: Option<String>,
    /// Page size (default 50, at most [`MAX_HISTORY_PAGE`]).
    pub limit: Option<u32>,
}

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    /// The chats.
    pub chats: Vec<Chat>,
    /// The cursor of the next page; `None` on the last.
    pub next: Option<String>,
}

/// One chat as history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryChat {
    /// The chat.
    pub chat: Chat,
    /// Every event, oldest first (agents-only ones included).
    pub events: Vec<ChatEvent>,
    /// Its exit and agent surveys.
    pub surveys: Vec<SurveyResponse>,
    /// The transcript as the visitor saw it (plain text, UTC).
    pub transcript: String,
}

impl HistoryFilter {
    /// The store query for `account`, or the first field that is wrong.
    fn to_query(&self, account: AccountId) -> EngineResult<HistoryQuery> {
        let limit = page_limit(self.limit, 50, MAX_HISTORY_PAGE)?;
        if let (Some(f), Some(t)) = (self.from, self.to)
            && t <= f
        {
            return Err(DomainError::invalid("to", "must be after from").into());
        }
        let mut q = HistoryQuery::new(account, limit);
        q.from = self.from;
        q.to = self.to;
        q.skill = self.skill;
        q.agent = self.agent;
        q.visitor = self.visitor;
        q.state = self.state;
        if let Some(text) = &self.q {
            if text.chars().count() > MAX_QUERY_CHARS {
                return Err(DomainError::invalid("q", "at most 500 characters").into());
            }
            q.words = search_words(text);
            if q.words.is_empty() {
                return Err(DomainError::invalid("q", "needs at least one letter or digit").into());
            }
        }
        q.after =
            match &self.cursor {
                None => None,
                Some(c) => Some(HistoryCursor::parse(c).ok_or_else(|| {
                    DomainError::invalid("cursor", "not a cursor this API returned")
                })?),
            };
        Ok(q)
    }
}

impl Engine {
    /// A page of the caller's account history (admins only).
    pub async fn history(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        filter: &HistoryFilter,
    ) -> EngineResult<HistoryPage> {
        let admin = self.history_admin(by, account).await?;
        let mut q = filter.to_query(admin.account)?;
        let limit = q.limit as usize;
        // One more than asked tells whether there is a next page without a count.
        q.limit += 1;
        let mut chats = self.0.store.search_chats(&q).await?;
        let next = if chats.len() > limit {
            chats.truncate(limit);
            chats.last().map(|c| HistoryCursor::after(c).encode())
        } else {
            None
        };
        Ok(HistoryPage { chats, next })
    }

    /// One chat of the caller's account with all its events, surveys and transcript (admins
    /// only). `NotFound` for another account's chat.
    pub async fn history_chat(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        key: &ChatKey,
    ) -> EngineResult<HistoryChat> {
        let admin = self.history_admin(by, account).await?;
        let account = &admin.account;
        let chat = self.0.store.get_chat(account, key).await?;
        let page = self.0.config.max_events_per_read.max(1);
        let mut events: Vec<ChatEvent> = Vec::new();
        loop {
            let from = EventId(u32::try_from(events.len()).unwrap_or(u32::MAX));
            let got = self.0.store.events_since(account, key, from, page).await?;
            let done = got.len() < page as usize;
            events.extend(got);
            if done || events.len() >= MAX_RECORD_EVENTS {
                break;
            }
        }
        let surveys = self.0.store.survey_responses(account, Some(key)).await?;
        let transcript = crate::mail::transcript::render(&chat, &events, None).plain;
        Ok(HistoryChat {
            chat,
            events,
            surveys,
            transcript,
        })
    }
}
