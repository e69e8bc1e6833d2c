//! [`PollAnswers`]: each agent session's last multi-chat poll answer, whole, sent again while
//! every chat in it shows exactly what it showed.
//!
//! Why: an agent console polls the same chats with the same cursors every few seconds, and
//! most polls find nothing new. The [`super::FragmentCache`] spares rendering them; this spares
//! the rest of building the answer: a fragment lookup per chat and copying every fragment into
//! one ~150 KB body per poll (docs/performance.md, "Issue 18, session 13").
//!
//! The answer is its chats' items in the order asked between a fixed head and tail (with
//! commas between them in JSON), each item a fragment or a slice of the answer before, so it is
//! a pure function of what each item depends on (see [`super::FragmentCache`]). The entry
//! keeps, per chat, the key, the cursor, the revision and until when its `duration` stays the
//! same; a hit needs the same reader (account, agent session, base URL, format), the same
//! chats in the same order, every one read successfully, and every one still at its revision
//! and before its tick. An answer with a refused chat is never kept: its error carries a time.
//!
//! The entry also keeps the poll's query string as sent and the wait read from it: a console
//! sends the very same kilobytes of keys and cursors again and again, and a poll whose query is
//! byte for byte the last one's is read without parsing it again ([`LastAnswer::asked_with`]).
//! Such a poll that would not wait can then be answered with the kept body once the engine says
//! no chat moved from the revision kept ([`LastAnswer::revisions`], `Engine::unchanged_for`):
//! nothing is read, paired or compared chat by chat.
//!
//! A poll asking for other chats or cursors, or the same in another order, still takes every
//! chat it shares with the last answer from it ([`LastAnswer::items_for`]): the entry keeps
//! where each chat's item lies in the body, and a chat the engine says has not moved since
//! (`Engine::unchanged_each`) is that slice again, neither read nor looked up in the fragment
//! cache. Only the other chats are read.
//!
//! When every chat of such a poll is a slice of the last answer, the answer is sent as those
//! slices (`views::list_document::list_pieces`) and is not kept: several polls of one session in
//! different orders (consoles, connections) then neither copy ~150 KB each nor replace the
//! kept answer by turns. A session that polls the same new order twice in a row (no poll the
//! kept answer served whole between) has settled on it ([`PollAnswers::settled_on`]): that
//! poll is copied and kept as before, so that its next poll is the same query asked again
//! (docs/performance.md, "Issue 18, session 18").

use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use chatwire_engine::core::{AccountId, ChatKey, EventId, Timestamp};
use foldhash::fast::RandomState;

use crate::http::negotiate::Format;
use crate::liveperson::views::chat::next_duration_tick;
use crate::liveperson::views::chat_list::ChatEntry;

use super::bounded::{Bounded, lock};

mod last;

pub use last::{KeptItem, LastAnswer};

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

/// One chat of a kept answer, as it was shown.
#[derive(Debug)]
struct Shown {
    key: ChatKey,
    from: EventId,
    revision: u64,
    valid_until: Option<Timestamp>,
    /// Where its item lies in the body.
    span: Range<usize>,
}

impl Shown {
    fn fresh_at(&self, now: Timestamp) -> bool {
        self.valid_until.is_none_or(|t| now < t)
    }

    fn still(&self, entry: &ChatEntry, now: Timestamp) -> bool {
        let (key, from, revision) = match entry {
            ChatEntry::Read { key, from, read } => (key, from, read.chat.revision),
            ChatEntry::Unchanged { key, from, item } => (key, from, item.revision),
            ChatEntry::Refused { .. } => return false,
        };
        self.revision == revision && self.from == *from && self.fresh_at(now) && self.key == *key
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
    /// The `now` it was rendered at.
    at: Timestamp,
    /// A hash of the query of the last poll answered with pieces of this answer (0: none).
    sent_in_pieces: AtomicU64,
}

impl Answer {
    fn writes_for(&self, who: &Poller<'_>) -> bool {
        self.format == who.format && self.base == who.base
    }

    fn serves(&self, who: &Poller<'_>, entries: &[ChatEntry], now: Timestamp) -> bool {
        self.asid == who.asid
            && self.format == who.format
            && self.chats.len() == entries.len()
            && self.account == *who.account
            && self.base == who.base
            && self.chats.iter().zip(entries).all(|(s, e)| s.still(e, now))
    }

    /// Records that a poll that sent the query hashed `hash` was answered in pieces of this
    /// answer; `true` if the one recorded before was the same ([`PollAnswers::settled_on`]).
    fn sent_in_pieces_again(&self, hash: u64) -> bool {
        self.sent_in_pieces.swap(hash, Ordering::Relaxed) == hash
    }

    /// Records that this answer was just sent whole: the polls in pieces before and after it
    /// are not in a row.
    fn served_whole(&self) {
        // Read first: the usual case has nothing to clear, and a store on every poll would
        // make the polls of a session, on every core, write one cache line by turns.
        if self.sent_in_pieces.load(Ordering::Relaxed) != 0 {
            self.sent_in_pieces.store(0, Ordering::Relaxed);
        }
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
        let answers = lock(&self.answers);
        let answer = answers.get(slot).filter(|a| a.serves(who, entries, now))?;
        answer.served_whole();
        Some(answer.body.clone())
    }

    /// `who`'s last kept answer.
    pub fn last(&self, who: &Poller<'_>) -> Option<LastAnswer> {
        let slot = self.slot(who);
        let answers = lock(&self.answers);
        let answer = answers
            .get(slot)
            .filter(|a| a.asid == who.asid && a.account == *who.account)?;
        Some(LastAnswer(Arc::clone(answer)))
    }

    /// Keeps `body`, just rendered from `entries` at `now` for a poll that sent `query`, as
    /// `who`'s last answer (replacing the one before); `spans` says where each entry's item
    /// lies in it. Not kept (and the one before dropped) when a chat was refused or the answer
    /// is larger than a quarter of the byte bound.
    pub fn keep(
        &self,
        who: &Poller<'_>,
        query: PollQuery<'_>,
        entries: &[ChatEntry],
        spans: &[Range<usize>],
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
            .zip(spans)
            .map(|(entry, span)| {
                let (key, from, revision, valid_until) = match entry {
                    ChatEntry::Read { key, from, read } => (
                        key,
                        from,
                        read.chat.revision,
                        next_duration_tick(&read.chat, now),
                    ),
                    ChatEntry::Unchanged { key, from, item } => {
                        (key, from, item.revision, item.valid_until)
                    }
                    ChatEntry::Refused { .. } => return None,
                };
                Some(Shown {
                    key: key.clone(),
                    from: *from,
                    revision,
                    valid_until,
                    span: span.clone(),
                })
            })
            .collect::<Option<Vec<_>>>()
            .filter(|chats| {
                chats.len() == entries.len()
                    && chats.iter().all(|s| s.span.end <= body.len())
                    && len <= self.max_bytes / 4
            });
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
                at: now,
                sent_in_pieces: AtomicU64::new(0),
            })
            .map(Arc::new);
        let mut answers = lock(&self.answers);
        match answer {
            Some(answer) => answers.insert(slot, answer, len, self.max_entries, self.max_bytes),
            None => answers.remove(slot),
        }
    }

    /// Whether a poll of `who` that sent `query`, and that is about to be answered with pieces
    /// of the last answer (`views::list_document::list_pieces`) instead of being kept, should be
    /// kept after all: `true` when the session's poll just before (answered from the last
    /// answer) sent the same query and was answered that way too. Why: pieces spare a copy
    /// and leave the last answer in place, so that many polls of one session in different
    /// orders (several consoles, or connections) do not replace it by turns; but a console
    /// that changed its order and keeps to it should have its own query kept, to be answered
    /// as asked again ([`LastAnswer::asked_with`]) from its next poll on. A poll the last
    /// answer serves whole comes between ([`LastAnswer::served_whole`]).
    pub fn settled_on(&self, who: &Poller<'_>, query: &str) -> bool {
        // 0 means "none"; a query hashing to 0 is taken as 1 (a collision only keeps an answer).
        let hash = self.hasher.hash_one(query).max(1);
        let slot = self.slot(who);
        let answers = lock(&self.answers);
        answers
            .get(slot)
            .filter(|a| a.asid == who.asid && a.account == *who.account)
            .is_some_and(|a| a.sent_in_pieces_again(hash))
    }

    fn slot(&self, who: &Poller<'_>) -> u64 {
        let mut h = self.hasher.build_hasher();
        who.account.hash(&mut h);
        who.asid.hash(&mut h);
        h.finish()
    }
}

#[cfg(test)]
mod settled_tests;
#[cfg(test)]
mod tests;
