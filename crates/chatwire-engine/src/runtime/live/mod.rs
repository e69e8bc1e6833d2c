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
//! store's wake-ups (`refresh`): the chat is re-read and the missing events absorbed like a
//! local commit, or, when too much is missing, the tail is replaced by an empty one that fills
//! lazily. `notified_revision` remembers up to which revision waiters were woken, so a node's
//! own commits coming back as wake-ups cost a comparison.

use std::collections::{BTreeMap, HashMap, VecDeque};

/// A map with a fast hash: every poll looks up each of its chats here, and SipHash showed in
/// profiles. Keys are server-issued chat keys and account ids; foldhash's per-process random
/// seed keeps collisions unpredictable.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use chatwire_core::{
    AccountId, Chat, ChatEvent, ChatKey, ChatNum, ChatState, EventId, GlobalSeq, Timestamp,
};
use tokio::sync::OnceCell;

mod fill;
mod refresh;

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
    fn known_next(&self) -> EventId {
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

/// All tails, per account.
#[derive(Debug, Default)]
pub(crate) struct Live {
    accounts: RwLock<FastMap<AccountId, FastMap<ChatKey, TailRef>>>,
    /// The key of every chat held, by SuperOffice chat number (a number never changes chats).
    nums: RwLock<FastMap<AccountId, FastMap<ChatNum, ChatKey>>>,
}

impl Live {
    /// The tail of a chat, if in memory.
    pub(crate) fn get(&self, account: &AccountId, key: &ChatKey) -> Option<TailRef> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        accounts
            .get(account)
            .and_then(|chats| chats.get(key))
            .cloned()
    }

    /// The key of the chat with number `num`, if held in memory.
    pub(crate) fn key_of_num(&self, account: &AccountId, num: ChatNum) -> Option<ChatKey> {
        let nums = self.nums.read().unwrap_or_else(PoisonError::into_inner);
        nums.get(account).and_then(|n| n.get(&num)).cloned()
    }

    /// Remembers `chat`'s number (for a chat put in memory).
    pub(crate) fn remember_num(&self, chat: &Chat) {
        let mut nums = self.nums.write().unwrap_or_else(PoisonError::into_inner);
        nums.entry(chat.account.clone())
            .or_default()
            .entry(chat.num)
            .or_insert_with(|| chat.key.clone());
    }

    /// The tail of `chat`, inserting it if absent; the newest revision wins either way.
    pub(crate) fn upsert(&self, chat: &Chat, now: Timestamp) -> TailRef {
        if let Some(tail) = self.get(&chat.account, &chat.key) {
            let mut t = lock(&tail);
            if chat.revision > t.chat.revision {
                t.chat = Arc::new(chat.clone());
            }
            drop(t);
            return tail;
        }
        let mut accounts = self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let chats = accounts.entry(chat.account.clone()).or_default();
        let tail = Arc::clone(
            chats
                .entry(chat.key.clone())
                .or_insert_with(|| Arc::new(Mutex::new(Tail::new(chat.clone(), now)))),
        );
        drop(accounts);
        self.remember_num(chat);
        tail
    }

    /// Replaces the tail of `chat` with an empty one (filled lazily) that keeps the old one's
    /// activity times: for a tail too far behind to catch up event by event. Readers holding
    /// the old tail finish on it; later ones get the new.
    pub(crate) fn reset(&self, chat: &Chat, now: Timestamp) -> TailRef {
        let mut accounts = self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let chats = accounts.entry(chat.account.clone()).or_default();
        let fresh = match chats.get(&chat.key) {
            None => Tail::new(chat.clone(), now),
            Some(old) => {
                let old = lock(old);
                let newest = if old.chat.revision > chat.revision {
                    &old.chat
                } else {
                    chat
                };
                Tail {
                    last_visitor_activity: old.last_visitor_activity,
                    visitor_seen_elsewhere: old.visitor_seen_elsewhere,
                    visitor_recorded_at: old.visitor_recorded_at,
                    notified_revision: old.notified_revision,
                    last_access: old.last_access,
                    typing_delivered: old.typing_delivered,
                    ..Tail::new(Chat::clone(newest), now)
                }
            }
        };
        let tail = Arc::new(Mutex::new(fresh));
        chats.insert(chat.key.clone(), Arc::clone(&tail));
        drop(accounts);
        self.remember_num(chat);
        tail
    }

    /// Snapshots of every chat of an account held in memory that is not ended.
    pub(crate) fn open_chats(&self, account: &AccountId) -> Vec<Chat> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        accounts.get(account).map_or_else(Vec::new, |chats| {
            chats
                .values()
                .filter_map(|t| {
                    let t = lock(t);
                    (t.chat.state != ChatState::Ended).then(|| Chat::clone(&t.chat))
                })
                .collect()
        })
    }

    /// Every tail, server-wide (for the sweeper).
    pub(crate) fn all(&self) -> Vec<TailRef> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        accounts
            .values()
            .flat_map(|chats| chats.values().cloned())
            .collect()
    }

    /// What `pick` returns for each tail, read under the map's read lock: polls and reads go
    /// on meanwhile, and no tail is cloned out (the sweeper scans every tail each second, and
    /// a busy server holds ~100k ended chats for `ended_retention`).
    pub(crate) fn collect<T>(&self, mut pick: impl FnMut(&Tail) -> Option<T>) -> Vec<T> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        accounts
            .values()
            .flat_map(|chats| chats.values())
            .filter_map(|t| pick(&lock(t)))
            .collect()
    }

    /// Drops tails for which `evict` says so. They are found under the read lock, and only
    /// they are removed, checked again, under the write lock: a scan of every tail under the
    /// write lock held up every poll of the server for its whole length (scenario (f),
    /// docs/performance.md).
    pub(crate) fn evict(&self, evict: impl Fn(&Tail) -> bool) -> usize {
        let found =
            self.collect(|t| evict(t).then(|| (t.chat.account.clone(), t.chat.key.clone())));
        if found.is_empty() {
            return 0;
        }
        let mut accounts = self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut dropped = Vec::new();
        for (account, key) in &found {
            let Some(chats) = accounts.get_mut(account) else {
                continue;
            };
            if chats.get(key).is_some_and(|t| evict(&lock(t)))
                && let Some(t) = chats.remove(key)
            {
                dropped.push((account.clone(), lock(&t).chat.num));
            }
            if chats.is_empty() {
                accounts.remove(account);
            }
        }
        drop(accounts);
        let mut nums = self.nums.write().unwrap_or_else(PoisonError::into_inner);
        for (account, num) in &dropped {
            if let Some(n) = nums.get_mut(account) {
                n.remove(num);
            }
        }
        nums.retain(|_, n| !n.is_empty());
        dropped.len()
    }
}

#[cfg(test)]
mod tests;
