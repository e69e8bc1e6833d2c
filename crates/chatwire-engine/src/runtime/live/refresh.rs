//! Catching the live tails up with commits made by other nodes (reported by the store's
//! wake-ups, see `crate::runtime::wakeups`).
//!
//! A chat write elsewhere whose wake-up carries the chat and the write's events costs no read
//! when the tail held every event before them: they are absorbed like a local commit. Nor
//! does one on a chat nobody here waits on: memory takes the chat, and a tail that now lacks
//! events drops its window, which the next reader fills (most chats written on one node are
//! read on that node only, and reading every line of every other node was most of a second
//! node's cost). Otherwise the node reads the events it misses (and the chat, when not
//! carried) in one store call (`Store::chat_since`: one round trip on PostgreSQL) and absorbs
//! them exactly like a local commit, before waking the chat's waiters: a woken waiter
//! re-samples memory and must find the event there. A tail more than a window behind (the wake-up says how far before
//! anything is read) is replaced by an empty one that fills lazily, so catching up never costs
//! more than one bounded read. After a lost connection every open chat is re-read in one
//! query and lagging tails are replaced.
//!
//! What it must not do: wake anyone before memory holds the change, or read the store for a
//! revision this node has already woken its waiters for (its own commits may come back too).

use std::collections::HashSet;
use std::sync::Arc;

use chatwire_core::{AccountId, Chat, ChatEvent, ChatKey, ChatState, EventId};
use chatwire_store::{Committed, StoreError};

use super::{Tail, TailRef, lock};
use crate::runtime::wakeups::Wanted;
use crate::{Engine, EngineResult, Topic};

impl Engine {
    /// A chat was committed elsewhere (`wanted`: its revision and next event id, and what
    /// the wake-up carried): bring memory up to it, then wake the chat's and the account's
    /// waiters. A revision already woken for costs nothing more. Nothing is read when the
    /// wake-up carried the chat and either the events this node lacks or nobody here waits on
    /// the chat (the tail then drops its window, which its next reader fills); otherwise one
    /// store call reads the missing events (and the chat, if not carried).
    pub(crate) async fn chat_changed(
        &self,
        account: &AccountId,
        key: &ChatKey,
        wanted: Wanted,
    ) -> EngineResult<()> {
        let Wanted {
            revision,
            next,
            chat: carried,
            events,
        } = wanted;
        let watched = self.0.notifier.is_watched(&Topic::Chat(key.clone()));
        let tail = match self.0.live.get(account, key) {
            Some(tail) if lock(&tail).notified_revision >= revision => return Ok(()),
            Some(tail) => tail,
            None => {
                // Not held: a chat opened on another node (it must enter the index, or ring
                // counts here would not see it), or an ended chat evicted here. Ended chats
                // never change again, so one nobody here watches is not loaded back. The
                // new tail starts empty and fills lazily, so this is the only read.
                let chat = match &carried {
                    Some(chat) => Arc::clone(chat),
                    None => match self.0.store.get_chat(account, key).await {
                        Ok(chat) => Arc::new(chat),
                        Err(StoreError::NotFound(_)) => return Ok(()),
                        Err(e) => return Err(e.into()),
                    },
                };
                if chat.state == ChatState::Ended && !watched {
                    self.0.notifier.notify(&Topic::Account(account.clone()));
                    return Ok(());
                }
                self.0.live.upsert(&chat, self.now())
            }
        };
        match carried {
            Some(chat) if self.take_events(&tail, &chat, &events) => {}
            Some(chat) if !watched => self.take_carried(&tail, &chat),
            // Waiters will want the new events: read only those (the chat is here).
            Some(chat) => {
                self.catch_up(&tail, revision, Some(next), Some(chat))
                    .await?
            }
            None => self.catch_up(&tail, revision, Some(next), None).await?,
        }
        self.0.notifier.notify(&Topic::Chat(key.clone()));
        self.0.notifier.notify(&Topic::Account(account.clone()));
        Ok(())
    }

    /// Takes the chat and the events a wake-up carried, if with them the tail holds every
    /// event up to the chat's next one (it held those before the first carried, or nothing is
    /// missing); `false` (and nothing changed) otherwise. Marks the revision as woken.
    fn take_events(&self, tail: &TailRef, chat: &Arc<Chat>, events: &[ChatEvent]) -> bool {
        let window = self.0.config.tail_window;
        let from = {
            let mut t = lock(tail);
            let from = t.contiguous_next();
            let last = events.last().map_or(from, |e| e.id.next());
            let reaches = from >= chat.next_event_id
                || events.first().is_some_and(|e| e.id <= from) && last >= chat.next_event_id;
            if !reaches {
                return false;
            }
            t.absorb(chat, events, window);
            t.notified_revision = t.notified_revision.max(chat.revision);
            from
        };
        // Accepts made elsewhere count for this node's wait estimates too (those new here
        // only: a hint may repeat events absorbed before).
        let new = events
            .iter()
            .position(|e| e.id >= from)
            .unwrap_or(events.len());
        self.0
            .waits
            .record_events(chat, events.get(new..).unwrap_or_default());
        // Absorbing is idempotent.
        self.also_on_replacement(tail, chat, |t| {
            t.absorb(chat, events, window);
            t.notified_revision = t.notified_revision.max(chat.revision);
        });
        true
    }

    /// Takes the chat a wake-up carried into memory without reading anything: the tail's
    /// events stay if none is missing, otherwise it drops its window (`Tail::take_snapshot`).
    /// Marks the revision as woken; the caller wakes.
    fn take_carried(&self, tail: &TailRef, chat: &Arc<Chat>) {
        let accepted = {
            let mut t = lock(tail);
            let accepted = t.chat.accepted_at.is_none() && chat.revision > t.chat.revision;
            t.take_snapshot(chat);
            t.notified_revision = t.notified_revision.max(chat.revision);
            accepted && chat.accepted_at.is_some()
        };
        // Accepts made elsewhere count for this node's wait estimates too.
        if accepted {
            self.0.waits.record_accept(chat);
        }
        self.also_on_replacement(tail, chat, |t| {
            t.take_snapshot(chat);
            t.notified_revision = t.notified_revision.max(chat.revision);
        });
    }

    /// Applies `change` to the tail a re-sync put in place of `tail` while it was being
    /// brought up to `chat` (nothing when `tail` is still the chat's): the new one must hold
    /// what `tail` took too.
    fn also_on_replacement(&self, tail: &TailRef, chat: &Chat, change: impl FnOnce(&mut Tail)) {
        let current = self.0.live.upsert(chat, self.now());
        if !Arc::ptr_eq(&current, tail) {
            change(&mut lock(&current));
        }
    }

    /// Brings one tail up to at least `revision`: the chat as committed and every event it
    /// lacks (one read, none when memory has that revision and those events), or a fresh
    /// empty tail when more than a window is missing. `next_event`, when the wake-up told it,
    /// says that before reading; `carried`, the chat the wake-up carried, spares reading it
    /// (it is taken with the events read, never before: a failed read must not leave the tail
    /// holding a chat ahead of its events). Marks the revision as woken; the caller wakes.
    async fn catch_up(
        &self,
        tail: &TailRef,
        revision: u64,
        next_event: Option<EventId>,
        carried: Option<Arc<Chat>>,
    ) -> EngineResult<()> {
        let (held, from) = {
            let t = lock(tail);
            (Arc::clone(&t.chat), t.contiguous_next())
        };
        let window = self.0.config.tail_window;
        let too_far = |next: EventId| {
            usize::try_from(next.0.saturating_sub(from.0)).unwrap_or(usize::MAX) > window
        };
        let store = &self.0.store;
        let (account, key) = (&held.account, &held.key);
        // `None` events: more than a window is missing, so the tail is replaced instead.
        // The chat, when memory has the revision or the wake-up carried it.
        let known = if held.revision >= revision {
            Some(Arc::clone(&held))
        } else {
            carried
        };
        let (chat, events): (Arc<Chat>, Option<Vec<ChatEvent>>) = if let Some(chat) = known {
            // Only events can be missing (of a lazily filled tail, or new ones).
            let missing = chat.next_event_id.0.saturating_sub(from.0);
            let events = if too_far(chat.next_event_id) {
                None
            } else if missing == 0 {
                Some(Vec::new())
            } else {
                Some(store.events_since(account, key, from, missing).await?)
            };
            (chat, events)
        } else if next_event.is_some_and(too_far) {
            (Arc::new(store.get_chat(account, key).await?), None)
        } else {
            let limit = u32::try_from(window).unwrap_or(u32::MAX);
            let (chat, events) = store.chat_since(account, key, from, limit).await?;
            let events = (!too_far(chat.next_event_id)).then_some(events);
            (Arc::new(chat), events)
        };
        let tail = match events {
            None => self.0.live.reset(&chat, self.now()),
            Some(events) => {
                lock(tail).absorb(&chat, &events, window);
                // The read above was in flight (absorbing is idempotent).
                self.also_on_replacement(tail, &chat, |t| t.absorb(&chat, &events, window));
                // Accepts made elsewhere count for this node's wait estimates too.
                self.0.waits.record(&Committed {
                    chat: Chat::clone(&chat),
                    events,
                });
                Arc::clone(tail)
            }
        };
        let mut t = lock(&tail);
        t.notified_revision = t.notified_revision.max(chat.revision);
        Ok(())
    }

    /// After lost wake-ups: re-reads every open chat (one query), brings the index and the
    /// tails up to it, re-reads chats held as open that have ended meanwhile, forgets every
    /// cached directory and session, then wakes every waiter so each re-samples.
    pub(crate) async fn resync_all(&self) -> EngineResult<()> {
        let now = self.now();
        let open = self.0.store.open_chats().await?;
        let mut still_open = HashSet::with_capacity(open.len());
        for chat in &open {
            still_open.insert(chat.key.clone());
            let mut tail = self.0.live.upsert(chat, now);
            let lagging = {
                let t = lock(&tail);
                t.contiguous_next() < t.chat.next_event_id
            };
            if lagging {
                // Cheaper than a read per chat: the window refills when someone reads it.
                tail = self.0.live.reset(chat, now);
            }
            let mut t = lock(&tail);
            t.notified_revision = t.notified_revision.max(t.chat.revision);
        }
        for tail in self.0.live.all() {
            let gone = {
                let t = lock(&tail);
                t.chat.state != ChatState::Ended && !still_open.contains(&t.chat.key)
            };
            if gone {
                // Ended elsewhere (ended chats are not in `open`): read how.
                self.catch_up(&tail, u64::MAX, None, None).await?;
            }
        }
        self.forget_directories();
        self.forget_sessions();
        self.0.notifier.notify_all();
        Ok(())
    }
}
