//! [`PollAnswers`]: each agent session's last multi-chat poll answer, whole, sent again while
//! every chat in it shows exactly what it showed.
//!
//! Why: an agent console polls the same chats with the same cursors every few seconds, and
//! most polls find nothing new. The [`super::FragmentCache`] spares rendering them; this spares
//! the rest of building the answer: a fragment lookup per chat and copying every fragment into
//! one ~150 KB body per poll (docs/performance.md, "Issue 18, session 13").
//!
//! The answer is its fragments in the order asked between a fixed head and tail, so it is a
//! pure function of what each fragment depends on (see [`super::FragmentCache`]). The entry
//! keeps, per chat, the key, the cursor, the revision and until when its `duration` stays the
//! same; a hit needs the same reader (account, agent session, base URL, format), the same
//! chats in the same order, every one read successfully, and every one still at its revision
//! and before its tick. An answer with a refused chat is never kept: its error carries a time.
//!
//! The entry also keeps the poll's query string as sent and the wait read from it: a console
//! sends the very same kilobytes of keys and cursors again and again, and a poll whose query is
//! byte for byte the last one's is read without parsing it again ([`PollAnswers::asked_again`]).
//! Such a poll that would not wait can then be answered with the kept body once the engine says
//! no chat moved from the revision kept ([`AskedAgain::revisions`], `Engine::unchanged_for`):
//! nothing is read, paired or compared chat by chat.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use chatwire_engine::core::{AccountId, ChatKey, EventId, Timestamp};
use foldhash::fast::RandomState;

use crate::http::negotiate::Format;
use crate::liveperson::views::chat::next_duration_tick;
use crate::liveperson::views::chat_list::ChatEntry;

use super::bounded::{Bounded, lock};

/// How many answers are kept (one per agent session); past it, half are dropped.
const CAPACITY: usize = 4_096;
/// How many bytes of answers are kept; past it, half are dropped.
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Who polls, and how the answer is written: everything besides the chats it depends on.
#[derive(Debug, Clone, Copy)]
pub struct Poller<'a> {
    /// The agent's account.
    pub account: &'a AccountId,
    /// The agent session.
    pub asid: i64,
    /// `https://host` of the links.
    pub base: &'a str,
    /// JSON or XML.
    pub format: Format,
}

/// A poll's query string exactly as sent, and the wait read from it.
#[derive(Debug, Clone, Copy)]
pub struct PollQuery<'a> {
    /// The query string (after `?`), as sent.
    pub raw: &'a str,
    /// How long the poll may wait for news (`wait=`).
    pub wait: Duration,
}

/// What a poll sending the last poll's query again asks for: the same chats with the same
/// cursors, and the same wait; and what the last answer to it showed. A handle on the kept
/// answer: taking it copies nothing.
#[derive(Debug)]
pub struct AskedAgain(Arc<Answer>);

impl AskedAgain {
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

    /// The kept body, when `who` reads it as it was written (base URL, format) and at `now`
    /// no chat's `duration` has moved: what a fresh render gives while no chat has moved
    /// from its revision ([`Self::revisions`]).
    pub fn body_at(&self, who: &Poller<'_>, now: Timestamp) -> Option<Bytes> {
        let a = &self.0;
        let fresh = a
            .chats
            .iter()
            .all(|s| s.valid_until.is_none_or(|t| now < t));
        (fresh && a.format == who.format && a.base == who.base).then(|| a.body.clone())
    }
}

/// One chat of a kept answer, as it was shown.
#[derive(Debug)]
struct Shown {
    key: ChatKey,
    from: EventId,
    revision: u64,
    valid_until: Option<Timestamp>,
}

impl Shown {
    fn still(&self, entry: &ChatEntry, now: Timestamp) -> bool {
        match entry {
            ChatEntry::Read { key, from, read } => {
                self.revision == read.chat.revision
                    && self.from == *from
                    && self.valid_until.is_none_or(|t| now < t)
                    && self.key == *key
            }
            ChatEntry::Refused { .. } => false,
        }
    }
}

#[derive(Debug)]
struct Answer {
    account: AccountId,
    asid: i64,
    base: String,
    format: Format,
    chats: Vec<Shown>,
    query: Box<str>,
    wait: Duration,
    body: Bytes,
}

impl Answer {
    fn serves(&self, who: &Poller<'_>, entries: &[ChatEntry], now: Timestamp) -> bool {
        self.asid == who.asid
            && self.format == who.format
            && self.chats.len() == entries.len()
            && self.account == *who.account
            && self.base == who.base
            && self.chats.iter().zip(entries).all(|(s, e)| s.still(e, now))
    }
}

/// The last answer of each agent session's multi-chat poll. Shared by all requests of a
/// server; bounded in entries and in bytes.
#[derive(Debug)]
pub struct PollAnswers {
    hasher: RandomState,
    answers: Mutex<Bounded<Arc<Answer>>>,
    max_entries: usize,
    max_bytes: usize,
}

impl Default for PollAnswers {
    fn default() -> Self {
        Self::with_bounds(CAPACITY, MAX_BYTES)
    }
}

impl PollAnswers {
    /// A cache keeping at most `max_entries` answers and `max_bytes` bytes of them.
    pub fn with_bounds(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            hasher: RandomState::default(),
            answers: Mutex::new(Bounded::default()),
            max_entries,
            max_bytes,
        }
    }

    /// Answers kept and their total size in bytes.
    pub fn held(&self) -> (usize, usize) {
        lock(&self.answers).held()
    }

    /// The body last answered to `who` if, at `now`, `entries` would render it again.
    pub fn reuse(&self, who: &Poller<'_>, entries: &[ChatEntry], now: Timestamp) -> Option<Bytes> {
        let slot = self.slot(who);
        lock(&self.answers)
            .get(slot)
            .filter(|a| a.serves(who, entries, now))
            .map(|a| a.body.clone())
    }

    /// `who`'s last kept answer, when `query` is byte for byte the query it was asked with: its
    /// chats, cursors and wait (parsing the query again would give the same: it was parsed
    /// without error, and an answer is kept only when every key in it was well formed), and
    /// what it showed (each chat's revision, the body).
    pub fn asked_again(&self, who: &Poller<'_>, query: &str) -> Option<AskedAgain> {
        let slot = self.slot(who);
        let answers = lock(&self.answers);
        let answer = answers
            .get(slot)
            .filter(|a| a.asid == who.asid && a.account == *who.account && *a.query == *query)?;
        Some(AskedAgain(Arc::clone(answer)))
    }

    /// Keeps `body`, just rendered from `entries` at `now` for a poll that sent `query`, as
    /// `who`'s last answer (replacing the one before). Not kept (and the one before dropped)
    /// when a chat was refused or the answer is larger than a quarter of the byte bound.
    pub fn keep(
        &self,
        who: &Poller<'_>,
        query: PollQuery<'_>,
        entries: &[ChatEntry],
        now: Timestamp,
        body: &Bytes,
    ) {
        let slot = self.slot(who);
        // Everything the entry holds that grows with the request: the body, the query, the
        // base URL and a record per chat.
        let len = body.len()
            + query.raw.len()
            + who.base.len()
            + entries.len() * std::mem::size_of::<Shown>();
        let chats = entries
            .iter()
            .map(|entry| match entry {
                ChatEntry::Read { key, from, read } => Some(Shown {
                    key: key.clone(),
                    from: *from,
                    revision: read.chat.revision,
                    valid_until: next_duration_tick(&read.chat, now),
                }),
                ChatEntry::Refused { .. } => None,
            })
            .collect::<Option<Vec<_>>>()
            .filter(|_| len <= self.max_bytes / 4);
        let answer = chats
            .map(|chats| Answer {
                account: who.account.clone(),
                asid: who.asid,
                base: who.base.to_owned(),
                format: who.format,
                chats,
                query: query.raw.into(),
                wait: query.wait,
                body: body.clone(),
            })
            .map(Arc::new);
        let mut answers = lock(&self.answers);
        match answer {
            Some(answer) => answers.insert(slot, answer, len, self.max_entries, self.max_bytes),
            None => answers.remove(slot),
        }
    }

    fn slot(&self, who: &Poller<'_>) -> u64 {
        let mut h = self.hasher.build_hasher();
        who.account.hash(&mut h);
        who.asid.hash(&mut h);
        h.finish()
    }
}

#[cfg(test)]
mod tests;
