//! The in-memory store's [`Wakeup`]s: a `tokio::sync::broadcast` channel every write reports
//! to while holding the store's lock (so hints leave in commit order), and one receiver per
//! [`crate::Store::wakeups`] call. A receiver that falls more than [`CAPACITY`] hints behind
//! gets [`Wakeup::All`] instead of the hints it lost, as PostgreSQL's listener does after a
//! reconnect. Chat hints carry the chat, as PostgreSQL's do when it fits in a notification.
//! Tests can lose hints on purpose ([`MemoryStore::lose_wakeups`]), send chat hints without
//! the chat ([`MemoryStore::send_bare_chat_hints`]) and send their own
//! ([`MemoryStore::send_wakeup`]).

use std::sync::atomic::{AtomicBool, Ordering};

use chatwire_core::Chat;
use futures::stream::{BoxStream, StreamExt};
use tokio::sync::broadcast;

use super::MemoryStore;
use crate::Wakeup;

/// Hints a slow receiver may lag behind before it is told [`Wakeup::All`].
const CAPACITY: usize = 4096;

/// The sending side, kept by a [`MemoryStore`] built `with_wakeups`.
pub(super) struct Sender {
    tx: broadcast::Sender<Wakeup>,
    /// Writes go unreported while set (a test's simulated lost connection).
    lost: AtomicBool,
    /// Chat hints go without the chat while set (as PostgreSQL's do for a chat too large for
    /// a notification), so the receiving node must read it.
    bare_chat_hints: AtomicBool,
}

impl Sender {
    pub(super) fn new() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
            lost: AtomicBool::new(false),
            bare_chat_hints: AtomicBool::new(false),
        }
    }

    /// A stream of every hint sent from now on.
    pub(super) fn subscribe(&self) -> BoxStream<'static, Wakeup> {
        futures::stream::unfold(self.tx.subscribe(), |mut rx| async move {
            match rx.recv().await {
                Ok(w) => Some((w, rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => Some((Wakeup::All, rx)),
                Err(broadcast::error::RecvError::Closed) => None,
            }
        })
        .boxed()
    }
}

impl MemoryStore {
    /// Reports a committed write (nothing happens without subscribers or `with_wakeups`).
    pub(super) fn emit(&self, wakeup: Wakeup) {
        if let Some(sender) = &self.wakeups
            && !sender.lost.load(Ordering::SeqCst)
        {
            // An error only means nobody listens right now.
            drop(sender.tx.send(wakeup));
        }
    }

    /// While `lost`, writes are committed but not reported, as when a node's PostgreSQL
    /// `LISTEN` connection is down (for tests of recovery). No effect without `with_wakeups`.
    pub fn lose_wakeups(&self, lost: bool) {
        if let Some(sender) = &self.wakeups {
            sender.lost.store(lost, Ordering::SeqCst);
        }
    }

    /// Reports `wakeup` to every subscriber now, e.g. [`Wakeup::All`] as PostgreSQL's listener
    /// does after a reconnect (for tests). No effect without `with_wakeups`.
    pub fn send_wakeup(&self, wakeup: Wakeup) {
        if let Some(sender) = &self.wakeups {
            drop(sender.tx.send(wakeup));
        }
    }

    /// Sends chat hints without the chat from now on (or with it again), as PostgreSQL does
    /// for a chat too large for a notification (for tests). No effect without `with_wakeups`.
    pub fn send_bare_chat_hints(&self, bare: bool) {
        if let Some(sender) = &self.wakeups {
            sender.bare_chat_hints.store(bare, Ordering::SeqCst);
        }
    }

    /// Reports a committed chat write, with the chat unless `send_bare_chat_hints` is set.
    pub(super) fn emit_chat(&self, chat: &Chat) {
        let bare = self
            .wakeups
            .as_ref()
            .is_none_or(|s| s.bare_chat_hints.load(Ordering::SeqCst));
        self.emit(Wakeup::Chat {
            account: chat.account.clone(),
            key: chat.key.clone(),
            revision: chat.revision,
            next_event: chat.next_event_id,
            chat: (!bare).then(|| std::sync::Arc::new(chat.clone())),
        });
    }
}
