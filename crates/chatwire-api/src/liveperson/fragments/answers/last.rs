//! [`LastAnswer`], a handle to an agent session's kept answer, and [`KeptItem`], one chat's
//! item taken from it: what a poll asks of the last answer before it reads anything.

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use chatwire_engine::core::{ChatKey, EventId, Timestamp};

use super::{Answer, Poller};

/// An agent session's last kept answer: what it was asked (chats, cursors, wait, the query as
/// sent) and what it showed (each chat's revision and item, the body). A handle: taking it
/// copies nothing.
#[derive(Debug)]
pub struct LastAnswer(pub(super) Arc<Answer>);

impl LastAnswer {
    /// Whether `query` is byte for byte the query this answer was asked with; its chats, cursors
    /// and wait are then what parsing it again would give (it was parsed without error, and an
    /// answer is kept only when every key in it was well formed).
    pub fn asked_with(&self, query: &str) -> bool {
        *self.0.query == *query
    }

    /// Each chat with its cursor, in the order asked.
    pub fn chats(&self) -> impl Iterator<Item = (&ChatKey, EventId)> {
        self.0.chats.iter().map(|s| (&s.key, s.from))
    }

    /// The wait.
    pub fn wait(&self) -> Duration {
        self.0.wait
    }

    /// Each chat with the revision the kept answer showed it at, in the order asked.
    pub fn revisions(&self) -> impl Iterator<Item = (&ChatKey, u64)> {
        self.0.chats.iter().map(|s| (&s.key, s.revision))
    }

    /// The query as sent.
    pub fn query(&self) -> &str {
        &self.0.query
    }

    /// The kept body, when `who` reads it as it was written (base URL, format) and at `now`
    /// no chat's `duration` has moved: what a fresh render gives while no chat has moved
    /// from its revision ([`Self::revisions`]).
    pub fn body_at(&self, who: &Poller<'_>, now: Timestamp) -> Option<Bytes> {
        let a = &self.0;
        let fresh = a.chats.iter().all(|s| s.fresh_at(now));
        (fresh && a.writes_for(who)).then(|| a.body.clone())
    }

    /// For each asked chat (`None`: a key refused before reading), its item as this answer
    /// showed it, when it showed that chat from the same cursor to a reader who reads it as it
    /// was written (base URL, format) and its `duration` has not moved at `now`. The item is
    /// what a fresh render gives while the chat is still at the item's revision: ask the engine
    /// before using it.
    pub fn items_for<'k>(
        &self,
        who: &Poller<'_>,
        now: Timestamp,
        asked: impl Iterator<Item = Option<(&'k ChatKey, EventId)>>,
    ) -> Vec<Option<KeptItem>> {
        let a = &self.0;
        // An answer kept after `now` (a poll of the session that answered meanwhile) shows
        // `duration` at a later time than this poll's other items would.
        let usable = a.writes_for(who) && a.at <= now;
        let mut at = 0;
        asked
            .map(|chat| {
                let (key, from) = chat.filter(|_| usable)?;
                let i = a.position(&mut at, key, from, |_| false)?;
                let shown = &a.chats[i];
                shown.fresh_at(now).then(|| KeptItem {
                    revision: shown.revision,
                    valid_until: shown.valid_until,
                    body: a.body.clone(),
                    span: shown.span.clone(),
                    index: i,
                })
            })
            .collect()
    }
}

/// One chat's item as a kept answer showed it: the same bytes a fresh render gives while the
/// chat is at `revision` and before `valid_until`.
#[derive(Debug, Clone)]
pub struct KeptItem {
    /// The chat's revision shown.
    pub revision: u64,
    /// Until when its `duration` stays what it shows (`None`: for good).
    pub valid_until: Option<Timestamp>,
    /// The kept body the item lies in (a handle: cloning copies nothing).
    pub body: Bytes,
    /// Where the item (no list separator) lies in `body`.
    pub span: Range<usize>,
    /// The chat's position in the kept answer.
    pub index: usize,
}

impl KeptItem {
    /// The item.
    pub fn bytes(&self) -> Bytes {
        self.body.slice(self.span.clone())
    }
}
