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
//! kept answer by turns. The slices are remembered with the kept answer, by query
//! ([`layouts`]): the same query sent again is those slices once the engine says none of
//! their chats moved, neither parsed nor paired. When some of the chats did move, the kept
//! answer is rendered again in its own order and the poll is sent slices of that
//! (`views::chat_list::ChatList::render`); an answer kept for the same query as the one it
//! replaces takes that one's layouts along, cut from the new body (docs/performance.md,
//! "Issue 18, sessions 18 and 19").

use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Range;
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
mod layouts;

pub use last::{KeptItem, LastAnswer};
pub use layouts::KeptPieces;
use layouts::Layouts;

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
    /// The polls answered with pieces of this answer, by query.
    layouts: Layouts,
}

impl Answer {
    fn writes_for(&self, who: &Poller<'_>) -> bool {
        self.format == who.format && self.base == who.base
    }

    /// Whether it is an answer to `who`'s agent session.
    fn of_session(&self, who: &Poller<'_>) -> bool {
        self.asid == who.asid && self.account == *who.account
    }

    /// The position of the chat `key` shown from `from`, searched from `*at` on (wrapping),
    /// past the positions `taken` says, and `*at` moved past it. Why: asked chats usually
    /// come in the kept order, or rotated, so that each look-up is then one comparison.
    fn position(
        &self,
        at: &mut usize,
        key: &ChatKey,
        from: EventId,
        taken: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let n = self.chats.len();
        let i = (0..n)
            .map(|k| (*at + k) % n)
            .find(|&i| !taken(i) && self.chats[i].from == from && self.chats[i].key == *key)?;
        *at = i + 1;
        Some(i)
    }

    fn serves(&self, who: &Poller<'_>, entries: &[ChatEntry], now: Timestamp) -> bool {
        self.asid == who.asid
            && self.format == who.format
            && self.chats.len() == entries.len()
            && self.account == *who.account
            && self.base == who.base
            && self.chats.iter().zip(entries).all(|(s, e)| s.still(e, now))
    }

    /// Whether `other` is an answer of the same agent session asked the same chats with the
    /// same cursors, in the same order, and written the same way.
    fn asks_as(&self, other: &Self) -> bool {
        self.asid == other.asid
            && self.account == other.account
            && self.query == other.query
            && self.format == other.format
            && self.base == other.base
            && self.chats.len() == other.chats.len()
            && (self.chats.iter().zip(&other.chats))
                .all(|(a, b)| a.from == b.from && a.key == b.key)
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
        Some(answer.body.clone())
    }

    /// `who`'s last kept answer.
    pub fn last(&self, who: &Poller<'_>) -> Option<LastAnswer> {
        let slot = self.slot(who);
        let answers = lock(&self.answers);
        let answer = answers.get(slot).filter(|a| a.of_session(who))?;
        Some(LastAnswer(Arc::clone(answer)))
    }

    /// Keeps `body`, just rendered from `entries` at `now` for a poll that sent `query`, as
    /// `who`'s last answer (replacing the one before); `spans` says where each entry's item
    /// lies in it. Not kept (and the one before dropped) when a chat was refused or the answer
    /// is larger than a quarter of the byte bound. An answer to the same query as the one it
    /// replaces takes that one's layouts along ([`Layouts::carried`]).
    pub fn keep<E: Borrow<ChatEntry>>(
        &self,
        who: &Poller<'_>,
        query: PollQuery<'_>,
        entries: &[E],
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
                let (key, from, revision, valid_until) = match entry.borrow() {
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
        let Some(chats) = chats else {
            lock(&self.answers).remove(slot);
            return;
        };
        let mut answer = Answer {
            account: who.account.clone(),
            asid: who.asid,
            base: who.base.to_owned(),
            format: who.format,
            chats,
            query: query.raw.into(),
            wait: query.wait,
            body: body.clone(),
            at: now,
            layouts: Layouts::default(),
        };
        // Cut outside the lock; an answer kept meanwhile only means these are not wanted.
        let before = lock(&self.answers).get(slot).map(Arc::clone);
        let carried = before
            .filter(|before| answer.asks_as(before))
            .map(|before| before.layouts.carried(&answer));
        let mut len = len;
        if let Some((layouts, bytes)) = carried
            && len + bytes <= self.max_bytes / 4
        {
            answer.layouts = layouts;
            len += bytes;
        }
        let answer = Arc::new(answer);
        lock(&self.answers).insert(slot, answer, len, self.max_entries, self.max_bytes);
    }

    fn slot(&self, who: &Poller<'_>) -> u64 {
        let mut h = self.hasher.build_hasher();
        who.account.hash(&mut h);
        who.asid.hash(&mut h);
        h.finish()
    }
}

#[cfg(test)]
mod layouts_tests;
#[cfg(test)]
mod tests;
