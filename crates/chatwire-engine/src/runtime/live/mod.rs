//! The live index: every open (and recently ended) chat's tail in memory, per account.
//!
//! A tail holds the latest committed [`Chat`] and a window of its most recent events, so that
//! - a poll that finds nothing new is answered from memory, without touching the database;
//! - a poll inside the window costs O(events returned), however long the history is;
//! - ring counts and routing see every open chat of an account without a query.
//!
//! Commits are absorbed after the store returns. Two commits of one chat may be absorbed out of
//! order; events that arrive ahead of a gap wait in `pending` and only contiguous events are
//! served from memory, so a reader can never skip an event. The chat snapshot with the highest
//! `revision` wins.
//!
//! The window is filled from the store lazily, on the first read that needs it, once per tail
//! however many readers arrive together (`fill`).
//!
//! With several nodes on one database, commits made elsewhere reach the tails through the
//! store's wake-ups (`refresh`): the chat and the missing events (carried by the wake-up, or
//! read) are absorbed like a local commit; a tail nobody here waits on may take the chat alone
//! and drop its window (`Tail::take_snapshot`); when too much is missing, the tail is replaced
//! by an empty one that fills lazily. `notified_revision` remembers up to which revision waiters were woken, so a node's
//! own commits coming back as wake-ups cost a comparison.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chatwire_core::{Chat, ChatEvent, EventId, GlobalSeq, Timestamp};
use tokio::sync::OnceCell;

mod fill;
mod index;
mod refresh;

pub(crate) use index::Live;

/// One chat in memory.
#[derive(Debug)]
pub(crate) struct Tail {
    /// The newest committed chat, shared with the views read from it (a poll of 50 chats
    /// would otherwise copy 50 chats with all their strings).
    pub(crate) chat: Arc<Chat>,
    /// Contiguous events `[first_held, contiguous_next)`, newest last.
    recent: VecDeque<ChatEvent>,
    /// Events committed past a gap, waiting for the gap to fill.
    pending: BTreeMap<u32, ChatEvent>,
    /// Id of the first event in `recent` (== `contiguous_next` when empty).
    first_held: EventId,
    /// Whether `recent` was filled from the store (lazily, on first read).
    loaded: bool,
    /// Set once the fill from the store is done; readers that find it in progress wait for it
    /// instead of reading the store themselves (see `fill`).
    fill_gate: Arc<OnceCell<()>>,
    /// Last visitor request on this chat seen by this node (drives `chatTimeout`).
    pub(crate) last_visitor_activity: Timestamp,
    /// The newest visitor sighting another node recorded in the store, as last read.
    pub(crate) visitor_seen_elsewhere: Timestamp,
    /// When this node last recorded a sighting in the store (throttles those writes).
    pub(crate) visitor_recorded_at: Timestamp,
    /// The highest revision for which this node has woken the chat's waiters.
    pub(crate) notified_revision: u64,
    /// Last time anyone read it (drives eviction of ended chats).
    pub(crate) last_access: Timestamp,
    /// The other side's typing indicator as last answered to a waiting LivePerson read, per
    /// side (`[visitor readers, agent readers]`): the next wait compares with it, so a change
    /// made between two polls still ends the next one at once (see `chats::cursor`).
    pub(crate) typing_delivered: [Option<chatwire_core::Typing>; 2],
}

/// What a tail can say about `events >= from`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TailRead {
    /// Answered from memory (possibly empty: nothing new).
    Hit(Vec<ChatEvent>),
    /// Outside the window (or the window is not loaded): read the store.
    Miss,
}

impl Tail {
    fn new(chat: Chat, now: Timestamp) -> Self {
        let next = chat.next_event_id;
        Self {
            chat: Arc::new(chat),
            recent: VecDeque::new(),
            pending: BTreeMap::new(),
            first_held: next,
            loaded: false,
            fill_gate: Arc::new(OnceCell::new()),
            last_visitor_activity: now,
            visitor_seen_elsewhere: Timestamp(0),
            visitor_recorded_at: Timestamp(0),
            notified_revision: 0,
            last_access: now,
            typing_delivered: [None; 2],
        }
    }

    /// One past the last event held without a gap: where a catch-up read starts.
    pub(crate) fn contiguous_next(&self) -> EventId {
        self.recent.back().map_or(self.first_held, |e| e.id.next())
    }

    /// The highest event id known to exist, plus one.
    pub(crate) fn known_next(&self) -> EventId {
        let pending = self.pending.keys().next_back().map(|id| EventId(id + 1));
        self.chat
            .next_event_id
            .max(pending.unwrap_or(EventId(0)))
            .max(self.contiguous_next())
    }

    /// Takes in a commit's chat and events.
    pub(crate) fn absorb(&mut self, chat: &Chat, events: &[ChatEvent], window: usize) {
        if chat.revision >= self.chat.revision {
            self.chat = Arc::new(chat.clone());
        }
        for e in events {
            if e.id >= self.contiguous_next() {
                self.pending.insert(e.id.0, e.clone());
            }
        }
        while let Some(e) = self.pending.remove(&self.contiguous_next().0) {
            self.recent.push_back(e);
        }
        // Drop pending entries that became stale (already covered).
        let next = self.contiguous_next().0;
        self.pending.retain(|id, _| *id >= next);
        while self.recent.len() > window {
            if let Some(old) = self.recent.pop_front() {
                self.first_held = old.id.next();
            }
        }
    }

    /// Takes a newer snapshot of the chat without its events (another node committed them,
    /// and nobody here reads them now). The events held stay if none is missing; otherwise
    /// the window is dropped and fills again on the next read that needs it (a fill in flight
    /// is then discarded: it sees a new `fill_gate`).
    pub(crate) fn take_snapshot(&mut self, chat: &Arc<Chat>) {
        if chat.revision <= self.chat.revision {
            return;
        }
        self.chat = Arc::clone(chat);
        if self.pending.is_empty() && self.contiguous_next() == chat.next_event_id {
            return;
        }
        self.recent.clear();
        self.pending.clear();
        self.first_held = chat.next_event_id;
        self.loaded = false;
        self.fill_gate = Arc::new(OnceCell::new());
    }

    /// Fills the window from a store read of the newest events (called once, lazily). Events
    /// absorbed before the fill are kept; duplicates are ignored.
    pub(crate) fn fill(&mut self, events: &[ChatEvent], window: usize) {
        if self.loaded {
            return;
        }
        self.loaded = true;
        let held: Vec<ChatEvent> = self
            .recent
            .drain(..)
            .chain(std::mem::take(&mut self.pending).into_values())
            .collect();
        if let Some(first) = events.first() {
            self.first_held = first.id;
        }
        let chat = Arc::clone(&self.chat);
        self.absorb(&chat, events, window);
        self.absorb(&chat, &held, window);
    }

    /// Whether the window was filled.
    pub(crate) const fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Events with id `>= from`, at most `limit`, if memory can answer.
    pub(crate) fn read(&self, from: EventId, limit: usize) -> TailRead {
        if from >= self.known_next() {
            return TailRead::Hit(Vec::new());
        }
        if !self.loaded || from < self.first_held || from >= self.contiguous_next() {
            return TailRead::Miss;
        }
        let skip = (from.0 - self.first_held.0) as usize;
        TailRead::Hit(self.recent.iter().skip(skip).take(limit).cloned().collect())
    }

    /// The id of the first event with `seq > after`, if the window reaches back far enough to
    /// tell (it holds the chat from its first event, or an event at or before `after`).
    pub(crate) fn first_after(&self, after: GlobalSeq) -> Option<EventId> {
        let reaches =
            self.first_held == EventId(0) || self.recent.front().is_some_and(|e| e.seq <= after);
        if !self.loaded || !reaches {
            return None;
        }
        let found = self.recent.iter().find(|e| e.seq > after);
        Some(found.map_or_else(|| self.contiguous_next(), |e| e.id))
    }
}

/// A shared handle on one tail.
pub(crate) type TailRef = Arc<Mutex<Tail>>;

/// Locks a tail; a poisoned lock still holds consistent data (all updates are single calls).
pub(crate) fn lock(tail: &TailRef) -> MutexGuard<'_, Tail> {
    tail.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
