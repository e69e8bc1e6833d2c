//! Several nodes on one database: consuming the store's wake-ups ([`Wakeup`]) so that what
//! another node commits reaches this node's memory and waiters.
//!
//! - `Chat`: the tail is caught up (`live::refresh`): from what the wake-up carries (the chat,
//!   the write's events) when that is enough, otherwise with one store read; then the chat's
//!   and the account's waiters are woken. Wake-ups for a chat whose catch-up is in
//!   flight are coalesced: they only raise the revision wanted, and the running handler looks
//!   again once done (mostly finding its read already covered them), so a burst of lines
//!   costs about one read, not one per line. A node's own commits, where they come back,
//!   stop at a revision comparison.
//! - `Availability`: the cached agent is patched in place (nothing is read) and the account's
//!   waiters are woken (ring counts follow availability).
//! - `Directory`: the account's cached agents, skills, app keys and sessions are dropped (the
//!   next use reloads them) and the account's waiters are woken.
//! - `SessionFamily`: the cached sessions of a logged-out login are dropped.
//! - `All` (hints were lost): everything is re-synced and every waiter re-samples.
//!
//! Wake-ups are handled [`CONCURRENCY`] at a time, so one slow store read does not hold back
//! the others; each handler is idempotent. A handler that fails (the store is unreachable)
//! schedules a full re-sync, retried by the sweeper each tick until it succeeds, so a missed
//! catch-up cannot leave a tail stale for good.
//!
//! What it must not do: wake a waiter before memory holds the change it is woken for.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, PoisonError};

use std::sync::Arc;

use chatwire_core::{AccountId, Chat, ChatEvent, ChatKey, EventId};
use chatwire_store::Wakeup;
use futures::stream::{BoxStream, StreamExt};

use crate::{Engine, Topic};

/// Wake-ups handled at once.
const CONCURRENCY: usize = 16;

/// Longest catch-up of one chat after a wake-up before the node gives up and re-syncs.
const CATCH_UP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// What the wake-ups of one chat asked for: the newest revision, its next event id, and the
/// chat at that revision with the events that led to it, as far as the wake-ups carried them.
#[derive(Clone)]
pub(crate) struct Wanted {
    pub(crate) revision: u64,
    pub(crate) next: EventId,
    pub(crate) chat: Option<Arc<Chat>>,
    pub(crate) events: Arc<[ChatEvent]>,
}

impl Wanted {
    /// Raises `self` to `other` where it is newer. Carried events are joined when `other`'s
    /// continue `self`'s (or `other` adds none, as a typing change), so a burst coalesced
    /// while a catch-up ran can still be taken without a read; otherwise the newer ones alone
    /// are kept.
    fn merge(&mut self, other: Self) {
        if other.revision > self.revision {
            let adds_none = other.events.is_empty() && other.next <= self.next;
            let continues = matches!(
                (self.events.last(), other.events.first()),
                (Some(last), Some(first)) if last.id.next() == first.id
            );
            if continues {
                self.events = self
                    .events
                    .iter()
                    .chain(other.events.iter())
                    .cloned()
                    .collect();
            } else if !adds_none {
                self.events = other.events;
            }
            self.revision = other.revision;
            self.chat = other.chat;
        } else if other.revision == self.revision && self.chat.is_none() {
            self.chat = other.chat;
            self.events = other.events;
        }
        self.next = self.next.max(other.next);
    }
}

/// The chats being caught up now, each with what wake-ups have asked for meanwhile.
#[derive(Default)]
struct InFlight(Mutex<HashMap<(AccountId, ChatKey), Wanted>>);

/// Starts the task consuming `hints`; it stops at shutdown or when the stream ends.
pub(crate) fn spawn(engine: Engine, hints: BoxStream<'static, Wakeup>) {
    let stop = engine.0.shutdown.clone().cancelled_owned();
    tokio::spawn(async move {
        let in_flight = InFlight::default();
        hints
            .take_until(stop)
            .for_each_concurrent(CONCURRENCY, |hint| async {
                match hint {
                    Wakeup::Chat {
                        account,
                        key,
                        revision,
                        next_event,
                        chat,
                        events,
                    } => {
                        let wanted = Wanted {
                            revision,
                            next: next_event,
                            chat,
                            events,
                        };
                        engine.chat_hint(&in_flight, account, key, wanted).await;
                    }
                    other => engine.on_wakeup(other).await,
                }
            })
            .await;
        if !engine.0.shutdown.is_cancelled() {
            tracing::error!("the store's wake-ups ended: changes from other nodes go unseen");
        }
    });
}

impl Engine {
    /// Handles a chat's wake-up, coalesced with the others for that chat (see the module
    /// docs): if its catch-up is in flight, only records what is wanted.
    async fn chat_hint(
        &self,
        in_flight: &InFlight,
        account: AccountId,
        key: ChatKey,
        wanted: Wanted,
    ) {
        let id = (account, key);
        let lock = || in_flight.0.lock().unwrap_or_else(PoisonError::into_inner);
        match lock().entry(id.clone()) {
            Entry::Occupied(mut running) => {
                running.get_mut().merge(wanted);
                return;
            }
            Entry::Vacant(slot) => {
                slot.insert(wanted);
            }
        }
        let (account, key) = &id;
        let mut done = 0;
        loop {
            // One lock for the look and the removal: a hint recorded between the two would be
            // dropped with the entry.
            let wanted = {
                let mut running = lock();
                match running.get_mut(&id) {
                    Some(wanted) if wanted.revision > done => {
                        // Handed over once: later hints join only what arrives meanwhile, so
                        // the list does not grow over a burst, and nothing is taken twice.
                        let taken = wanted.clone();
                        wanted.events = Arc::from([]);
                        taken
                    }
                    _ => {
                        running.remove(&id);
                        return;
                    }
                }
            };
            done = wanted.revision;
            self.on_chat_wakeup(account, key, wanted).await;
        }
    }

    /// Handles one wake-up (see the module docs).
    pub(crate) async fn on_wakeup(&self, hint: Wakeup) {
        match hint {
            Wakeup::Chat {
                account,
                key,
                revision,
                next_event,
                chat,
                events,
            } => {
                let wanted = Wanted {
                    revision,
                    next: next_event,
                    chat,
                    events,
                };
                self.on_chat_wakeup(&account, &key, wanted).await;
            }
            Wakeup::Availability {
                account,
                agent,
                availability,
            } => {
                self.patch_availability(&account, agent, availability);
                self.0.notifier.notify(&Topic::Account(account));
            }
            Wakeup::Directory(account) => {
                self.forget_directory(&account);
                self.forget_account_sessions(&account);
                self.0.notifier.notify(&Topic::Account(account));
            }
            Wakeup::SessionFamily(key_hash) => self.forget_session_family(&key_hash),
            Wakeup::All => self.resync().await,
        }
    }

    async fn on_chat_wakeup(&self, account: &AccountId, key: &ChatKey, wanted: Wanted) {
        // Bounded: a read stuck on a half-dead connection would otherwise hold every later
        // wake-up of this chat, which coalesce into the running one.
        let caught_up =
            tokio::time::timeout(CATCH_UP_TIMEOUT, self.chat_changed(account, key, wanted)).await;
        let failed = match caught_up {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer in {CATCH_UP_TIMEOUT:?}"),
        };
        tracing::warn!(chat.id = %key, error = %failed, "cannot catch up with a chat; re-syncing");
        self.0.resync_needed.store(true, Ordering::SeqCst);
    }

    /// A full re-sync now; on failure, scheduled again (see [`Engine::resync_if_needed`]).
    pub(crate) async fn resync(&self) {
        self.0.resync_needed.store(false, Ordering::SeqCst);
        match self.resync_all().await {
            Ok(()) => tracing::info!("re-synced with the shared store"),
            Err(e) => {
                tracing::warn!(error = %e, "re-sync failed; retrying");
                self.0.resync_needed.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Runs a re-sync a failed wake-up asked for (called by the sweeper every tick).
    pub(crate) async fn resync_if_needed(&self) {
        if self.0.resync_needed.load(Ordering::SeqCst) {
            self.resync().await;
        }
    }

    /// After a write failed with the store unreachable: with a shared store the write may
    /// have committed all the same (the connection died during `COMMIT`), and this node does
    /// not hear its own wake-ups, so nothing would bring its memory up to it. The next sweep
    /// re-syncs everything (rare: the database was lost).
    pub(crate) fn outcome_unknown(&self, error: &chatwire_store::StoreError) {
        if matches!(error, chatwire_store::StoreError::Unavailable(_)) && self.is_shared() {
            self.0.resync_needed.store(true, Ordering::SeqCst);
        }
    }

    /// Whether other processes write the store (it reports wake-ups): then this node records
    /// what they must know, such as visitor sightings.
    pub(crate) fn is_shared(&self) -> bool {
        self.0.shared.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use chatwire_core::{EventKind, GlobalSeq, Line, SystemMessageId, Timestamp};

    use super::*;

    fn wanted(revision: u64, ids: std::ops::Range<u32>) -> Wanted {
        let events: Arc<[ChatEvent]> = ids
            .map(|id| ChatEvent {
                id: EventId(id),
                seq: GlobalSeq(i64::from(id) + 1),
                at: Timestamp(0),
                kind: EventKind::Line(Line::system(SystemMessageId::ROUTING, "x")),
            })
            .collect();
        Wanted {
            revision,
            next: events.last().map_or(EventId(0), |e| e.id.next()),
            chat: None,
            events,
        }
    }

    fn ids(w: &Wanted) -> Vec<u32> {
        w.events.iter().map(|e| e.id.0).collect()
    }

    #[test]
    fn coalesced_wakeups_join_carried_events_that_continue_and_keep_the_newest_otherwise() {
        let mut w = wanted(5, 3..5);
        w.merge(wanted(6, 5..7));
        assert_eq!(
            (w.revision, w.next, ids(&w)),
            (6, EventId(7), vec![3, 4, 5, 6])
        );

        // A typing change between adds no event: the events stay.
        w.merge(Wanted {
            events: Arc::from([]),
            ..wanted(7, 0..7)
        });
        assert_eq!(
            (w.revision, w.next, ids(&w)),
            (7, EventId(7), vec![3, 4, 5, 6])
        );

        // A hole (a hint that carried nothing between): only the newest events are kept.
        w.merge(wanted(8, 9..10));
        assert_eq!((w.revision, w.next, ids(&w)), (8, EventId(10), vec![9]));

        // An older hint changes nothing but what it knows of the next event.
        w.merge(wanted(7, 7..12));
        assert_eq!((w.revision, w.next, ids(&w)), (8, EventId(12), vec![9]));
    }
}
