//! [`Layouts`]: the polls a kept answer was sent in pieces to, remembered with the answer, so
//! that the same query sent again is answered with the same pieces without being parsed,
//! paired or rendered.
//!
//! Why: several consoles or connections of one agent session poll the same chats, each in its
//! own order, and each such poll is answered in pieces of the kept answer
//! (`views::list_document::list_pieces`). Parsing its ~50 keys and cursors, pairing them with
//! the kept answer's chats and asking the engine about each chat cost ~13 % of the server's
//! samples that the poll asked again did not (docs/performance.md, "Issue 18, session 18").
//! Remembered, such a poll costs what a poll asked again costs: one look-up, the engine's
//! check of the chats it shows, and the pieces (docs/performance.md, "Issue 18, session 19").
//!
//! A layout is the position in its answer of each chat it shows, and the pieces; it is sent
//! only when its answer could be: the reader writes as the answer was written, the answer is
//! not of a later time, and every chat the layout shows is still fresh at `now` and, the
//! engine says, at the revision shown. An answer kept for the same query as the one it
//! replaces (the same chats, cursors and order) takes its layouts along, cut anew from its
//! own body ([`Layouts::carried`]): a chat's `duration` moving each second, or a new line,
//! does not make every other order start over. Layouts count in the answers' byte bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use chatwire_engine::core::{ChatKey, Timestamp};
use foldhash::fast::RandomState;

use super::{Answer, LastAnswer, PollAnswers, Poller};
use crate::liveperson::fragments::bounded::lock;
use crate::liveperson::views::chat_list::{ChatEntry, LIST_ITEM, LIST_ROOT, MAX_PIECES};
use crate::liveperson::views::list_document::rearranged;

/// Most layouts one answer remembers: more connections of one session than that, each in an
/// order of its own, are answered in pieces as before.
pub(super) const MAX_LAYOUTS: usize = 64;

/// One poll sent in pieces of a kept answer.
#[derive(Debug)]
struct Layout {
    /// The position in the answer of each chat shown, in the order asked.
    chats: Box<[u32]>,
    /// The answer, in pieces ([`rearranged`]).
    pieces: Box<[Bytes]>,
}

impl Layout {
    /// The layout of `chats` in `answer`, when they make few enough pieces.
    fn of(answer: &Answer, chats: Box<[u32]>) -> Option<Self> {
        let spans = chats.iter().map(|&i| answer.chats.get(i as usize));
        let spans = spans
            .map(|s| s.map(|s| s.span.clone()))
            .collect::<Option<Vec<_>>>()?;
        let pieces = rearranged(
            LIST_ROOT,
            LIST_ITEM,
            answer.format,
            &answer.body,
            spans.into_iter(),
            MAX_PIECES,
        )?;
        Some(Self {
            chats,
            pieces: pieces.into(),
        })
    }

    /// The bytes it holds for `query`.
    fn size(&self, query: &str) -> usize {
        query.len()
            + std::mem::size_of::<Self>()
            + self.chats.len() * std::mem::size_of::<u32>()
            + self.pieces.len() * std::mem::size_of::<Bytes>()
    }
}

/// The layouts of one kept answer, by query as sent.
#[derive(Debug, Default)]
pub(super) struct Layouts(Mutex<HashMap<Box<str>, Arc<Layout>, RandomState>>);

impl Layouts {
    /// These layouts cut from `answer`, an answer to the same chats in the same order as the
    /// one they were cut from, and the bytes they hold.
    pub(super) fn carried(&self, answer: &Answer) -> (Self, usize) {
        let layouts = lock(&self.0);
        let mut bytes = 0;
        let carried = layouts
            .iter()
            .filter_map(|(query, layout)| {
                let layout = Layout::of(answer, layout.chats.clone())?;
                bytes += layout.size(query);
                Some((query.clone(), Arc::new(layout)))
            })
            .collect();
        (Self(Mutex::new(carried)), bytes)
    }
}

/// A poll's answer in pieces of the last answer, remembered: send [`Self::pieces`] once the
/// engine says every chat of [`Self::revisions`] has not moved.
#[derive(Debug)]
pub struct KeptPieces {
    answer: Arc<Answer>,
    layout: Arc<Layout>,
}

impl KeptPieces {
    /// Each chat the pieces show with the revision they show it at, in the order asked.
    pub fn revisions(&self) -> impl Iterator<Item = (&ChatKey, u64)> {
        self.layout.chats.iter().map(|&i| {
            let shown = &self.answer.chats[i as usize];
            (&shown.key, shown.revision)
        })
    }

    /// The answer, as pieces.
    pub fn pieces(&self) -> Vec<Bytes> {
        self.layout.pieces.to_vec()
    }
}

impl LastAnswer {
    /// The pieces a poll that sent `query` was answered with, when this answer is still what
    /// they were cut from for `who` at `now`: written as `who` reads, not of a later time, and
    /// every chat they show fresh. Ask the engine about [`KeptPieces::revisions`] before
    /// sending them.
    pub fn pieces_for(&self, query: &str, who: &Poller<'_>, now: Timestamp) -> Option<KeptPieces> {
        let a = &self.0;
        if !a.writes_for(who) || a.at > now {
            return None;
        }
        let layout = Arc::clone(lock(&a.layouts.0).get(query)?);
        let fresh = layout
            .chats
            .iter()
            .all(|&i| a.chats.get(i as usize).is_some_and(|s| s.fresh_at(now)));
        fresh.then(|| KeptPieces {
            answer: Arc::clone(a),
            layout,
        })
    }

    /// The position in this answer of each of `entries`, when they are its chats (same keys
    /// and cursors) in another order, each once, for `who` as it was written: a poll of this
    /// answer's chats, some of which moved, that is best answered in pieces of this answer
    /// rendered again in its own order. `None` too when this answer was asked with a wait.
    pub fn order_of(&self, who: &Poller<'_>, entries: &[ChatEntry]) -> Option<Vec<u32>> {
        let a = &self.0;
        let n = a.chats.len();
        if !a.writes_for(who) || !a.wait.is_zero() || entries.len() != n {
            return None;
        }
        let mut taken = vec![false; n];
        let mut at = 0;
        entries
            .iter()
            .map(|entry| {
                let (key, from) = match entry {
                    ChatEntry::Read { key, from, .. } | ChatEntry::Unchanged { key, from, .. } => {
                        (key, *from)
                    }
                    ChatEntry::Refused { .. } => return None,
                };
                let i = a.position(&mut at, key, from, |i| taken[i])?;
                taken[i] = true;
                u32::try_from(i).ok()
            })
            .collect()
    }
}

impl PollAnswers {
    /// Remembers that a poll of `who` that sent `query` (with no wait) was answered with
    /// `pieces` of `body`, showing the chats at positions `chats` of the answer kept with that
    /// body, for [`LastAnswer::pieces_for`]. Nothing is remembered unless `body` is `who`'s
    /// kept answer, it remembers fewer than [`MAX_LAYOUTS`], and the bytes fit the bound.
    pub fn remember_pieces(
        &self,
        who: &Poller<'_>,
        query: &str,
        body: &Bytes,
        chats: &[u32],
        pieces: &[Bytes],
    ) {
        let layout = Layout {
            chats: chats.into(),
            pieces: pieces.into(),
        };
        let slot = self.slot(who);
        let mut answers = lock(&self.answers);
        let Some(answer) = answers.get(slot).filter(|a| {
            a.of_session(who)
                && a.body.as_ptr() == body.as_ptr()
                && a.body.len() == body.len()
                && chats.iter().all(|&i| (i as usize) < a.chats.len())
        }) else {
            return;
        };
        let answer = Arc::clone(answer);
        let mut layouts = lock(&answer.layouts.0);
        if layouts.len() < MAX_LAYOUTS
            && !layouts.contains_key(query)
            && answers.grow(slot, layout.size(query), self.max_bytes)
        {
            layouts.insert(query.into(), Arc::new(layout));
        }
    }
}
