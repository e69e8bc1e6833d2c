//! The index of tails: every chat held in memory, per account, with the open ones kept apart
//! and the ended ones queued by when they may leave.
//!
//! Most tails a busy server holds are of ended chats, kept for `ended_retention` so that their
//! last readers are answered from memory (scenario (f): ~99k ended beside ~4k open). Routing,
//! ring counts and the sweeper's silence check want the open ones only, and eviction wants the
//! ended ones only when they are due, so neither walks the whole index:
//! - `open` holds every open tail (and an ended one until the sweeper's next pass retires it:
//!   a chat's end is absorbed under its tail's lock, where the index cannot be rewritten);
//! - `due` is a min-heap of ended tails by the earliest time each may be evicted. A tail read
//!   meanwhile goes back on the heap at its new time instead of leaving.
//!
//! A chat never reopens, so a tail leaves `open` once, and enters `due` once (at its retiring,
//! or at its insertion when it was ended already).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use chatwire_core::{AccountId, Chat, ChatKey, ChatNum, ChatState, Timestamp};

use super::{Tail, TailRef, lock};

/// A map with a fast hash: every poll looks up each of its chats here, and SipHash showed in
/// profiles. Keys are server-issued chat keys and account ids; foldhash's per-process random
/// seed keeps collisions unpredictable.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The tails of one account.
#[derive(Debug, Default)]
struct AccountTails {
    /// Every tail held.
    all: FastMap<ChatKey, TailRef>,
    /// The tails last seen open: a subset of `all` holding every open one.
    open: FastMap<ChatKey, TailRef>,
}

/// An ended tail last read at `read`: it may be evicted once that is the retention old.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Due {
    read: Timestamp,
    account: AccountId,
    key: ChatKey,
}

/// All tails, per account.
#[derive(Debug, Default)]
pub(crate) struct Live {
    accounts: RwLock<FastMap<AccountId, AccountTails>>,
    /// The key of every chat held, by SuperOffice chat number (a number never changes chats).
    nums: RwLock<FastMap<AccountId, FastMap<ChatNum, ChatKey>>>,
    /// Ended tails, soonest due first.
    due: Mutex<BinaryHeap<Reverse<Due>>>,
}

impl Live {
    /// The tail of a chat, if in memory.
    pub(crate) fn get(&self, account: &AccountId, key: &ChatKey) -> Option<TailRef> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        accounts
            .get(account)
            .and_then(|chats| chats.all.get(key))
            .cloned()
    }

    /// `read` of each asked chat's tail held in memory (`None` for the others), under one read
    /// of the index and each tail's lock in turn. A multi-chat poll reads its chats this way
    /// rather than taking a reference to each tail: a tail's reference count is a cache line
    /// every poll of the chat writes twice, and with polls of the same chats on both worker
    /// threads that line moved between the cores for every chat of every poll. (The chat's
    /// own reference count, taken for the view, still does; this halves that traffic.)
    /// `read` runs under the index's lock: keep it short.
    pub(crate) fn read_many<'k, A, T>(
        &self,
        account: &AccountId,
        asked: impl Iterator<Item = (&'k ChatKey, A)>,
        mut read: impl FnMut(A, &mut Tail) -> Option<T>,
    ) -> Vec<Option<T>> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        let chats = accounts.get(account);
        asked
            .map(|(key, arg)| {
                let tail = chats.and_then(|c| c.all.get(key))?;
                read(arg, &mut lock(tail))
            })
            .collect()
    }

    /// Whether `check` holds for every asked chat's tail, every one held in memory (`false` at
    /// the first that is not, or fails). Under one read of the index, like [`Self::read_many`];
    /// `check` runs under the index's lock: keep it short.
    pub(crate) fn all_held<'k, A>(
        &self,
        account: &AccountId,
        mut asked: impl Iterator<Item = (&'k ChatKey, A)>,
        mut check: impl FnMut(A, &mut Tail) -> bool,
    ) -> bool {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        let Some(chats) = accounts.get(account) else {
            return false;
        };
        asked.all(|(key, arg)| chats.all.get(key).is_some_and(|t| check(arg, &mut lock(t))))
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
        if let Some(tail) = chats.all.get(&chat.key) {
            // Inserted by another caller since the read above.
            return Arc::clone(tail);
        }
        let tail = Arc::new(Mutex::new(Tail::new(chat.clone(), now)));
        self.place(chats, chat, &tail, false, now);
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
        let old = chats.all.get(&chat.key).cloned();
        let fresh = match &old {
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
        self.place(chats, chat, &tail, old.is_some(), now);
        drop(accounts);
        self.remember_num(chat);
        tail
    }

    /// Puts a new tail for `chat` in the account's maps: in `open` while open (or while the
    /// tail it replaces is still there), on the eviction heap when it arrives ended.
    fn place(
        &self,
        chats: &mut AccountTails,
        chat: &Chat,
        tail: &TailRef,
        replaces: bool,
        now: Timestamp,
    ) {
        chats.all.insert(chat.key.clone(), Arc::clone(tail));
        let ended = lock(tail).chat.state == ChatState::Ended;
        if !ended || chats.open.contains_key(&chat.key) {
            chats.open.insert(chat.key.clone(), Arc::clone(tail));
        } else if !replaces {
            // A replaced ended tail is on the heap already (by key).
            self.push_due(chat.account.clone(), chat.key.clone(), now);
        }
    }

    fn push_due(&self, account: AccountId, key: ChatKey, read: Timestamp) {
        let mut due = self.due.lock().unwrap_or_else(PoisonError::into_inner);
        due.push(Reverse(Due { read, account, key }));
    }

    /// Snapshots of every chat of an account held in memory that is not ended.
    pub(crate) fn open_chats(&self, account: &AccountId) -> Vec<Chat> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        accounts.get(account).map_or_else(Vec::new, |chats| {
            chats
                .open
                .values()
                .filter_map(|t| {
                    let t = lock(t);
                    (t.chat.state != ChatState::Ended).then(|| Chat::clone(&t.chat))
                })
                .collect()
        })
    }

    /// Every tail, server-wide (statistics and a full re-sync: rare).
    pub(crate) fn all(&self) -> Vec<TailRef> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        accounts
            .values()
            .flat_map(|chats| chats.all.values().cloned())
            .collect()
    }

    /// What `pick` returns for each tail last seen open, read under the map's read lock: polls
    /// and reads go on meanwhile, and no tail is cloned out.
    pub(crate) fn collect_open<T>(&self, mut pick: impl FnMut(&Tail) -> Option<T>) -> Vec<T> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        accounts
            .values()
            .flat_map(|chats| chats.open.values())
            .filter_map(|t| pick(&lock(t)))
            .collect()
    }

    /// Moves the tails that ended since the last pass out of `open` and onto the eviction
    /// heap. Returns how many.
    pub(crate) fn retire_ended(&self) -> usize {
        let found = self.collect_open(|t| {
            (t.chat.state == ChatState::Ended).then(|| (t.chat.account.clone(), t.chat.key.clone()))
        });
        if found.is_empty() {
            return 0;
        }
        let mut accounts = self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut retired = Vec::with_capacity(found.len());
        for (account, key) in found {
            let Some(chats) = accounts.get_mut(&account) else {
                continue;
            };
            if let Some(t) = chats.open.remove(&key) {
                let read = lock(&t).last_access;
                retired.push(Due { read, account, key });
            }
        }
        drop(accounts);
        let count = retired.len();
        let mut due = self.due.lock().unwrap_or_else(PoisonError::into_inner);
        due.extend(retired.into_iter().map(Reverse));
        count
    }

    /// Drops the tails of `keys` (chats erased from the store). Their heap entries, if any,
    /// find nothing when due.
    pub(crate) fn remove<'k>(
        &self,
        account: &AccountId,
        keys: impl IntoIterator<Item = &'k ChatKey>,
    ) -> usize {
        let mut accounts = self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(chats) = accounts.get_mut(account) else {
            return 0;
        };
        let mut nums = Vec::new();
        for key in keys {
            chats.open.remove(key);
            if let Some(t) = chats.all.remove(key) {
                nums.push(lock(&t).chat.num);
            }
        }
        if chats.all.is_empty() {
            accounts.remove(account);
        }
        drop(accounts);
        self.forget_nums(nums.iter().map(|n| (account, *n)));
        nums.len()
    }

    /// Forgets the numbers of dropped tails.
    fn forget_nums<'a>(&self, dropped: impl Iterator<Item = (&'a AccountId, ChatNum)>) {
        let mut nums = self.nums.write().unwrap_or_else(PoisonError::into_inner);
        for (account, num) in dropped {
            if let Some(n) = nums.get_mut(account) {
                n.remove(&num);
            }
        }
        nums.retain(|_, n| !n.is_empty());
    }

    /// Drops the ended tails nobody has read for `retention_ms` by `now`; a tail read since
    /// it was queued goes back on the heap at its new due time. Returns how many were dropped.
    pub(crate) fn evict(&self, now: Timestamp, retention_ms: i64) -> usize {
        let ripe: Vec<Due> = {
            let mut due = self.due.lock().unwrap_or_else(PoisonError::into_inner);
            std::iter::from_fn(|| {
                let next = due
                    .peek()
                    .is_some_and(|Reverse(d)| now.millis_since(d.read) >= retention_ms);
                next.then(|| due.pop().map(|Reverse(d)| d)).flatten()
            })
            .collect()
        };
        if ripe.is_empty() {
            return 0;
        }
        let mut accounts = self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut dropped = Vec::new();
        let mut again = Vec::new();
        for d in ripe {
            let Some(chats) = accounts.get_mut(&d.account) else {
                continue;
            };
            if chats.open.contains_key(&d.key) {
                continue; // replaced by a tail not yet retired: queued again when it is
            }
            match chats.all.get(&d.key).map(|t| lock(t).last_access) {
                None => {}
                Some(read) if now.millis_since(read) < retention_ms => {
                    again.push(Due { read, ..d });
                }
                Some(_) => {
                    if let Some(t) = chats.all.remove(&d.key) {
                        dropped.push((d.account.clone(), lock(&t).chat.num));
                    }
                    if chats.all.is_empty() {
                        accounts.remove(&d.account);
                    }
                }
            }
        }
        drop(accounts);
        if !again.is_empty() {
            let mut due = self.due.lock().unwrap_or_else(PoisonError::into_inner);
            due.extend(again.into_iter().map(Reverse));
        }
        self.forget_nums(dropped.iter().map(|(account, num)| (account, *num)));
        dropped.len()
    }
}
