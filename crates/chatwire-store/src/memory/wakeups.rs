//! The in-memory store's [`Wakeup`]s: a `tokio::sync::broadcast` channel every write reports
//! to while holding the store's lock (so hints leave in commit order), and one receiver per
//! [`crate::Store::wakeups`] call. A receiver that falls more than [`CAPACITY`] hints behind
//! gets [`Wakeup::All`] instead of the hints it lost, as PostgreSQL's listener does after a
//! reconnect. Chat hints carry the chat and the write's events, as PostgreSQL's do when they
//! fit in a notification. Tests can lose hints on purpose ([`MemoryStore::lose_wakeups`]),
//! send chat hints with less ([`MemoryStore::set_chat_hint_detail`]) and send their own
//! ([`MemoryStore::send_wakeup`]).

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use chatwire_core::{Chat, ChatEvent};
use futures::stream::{BoxStream, StreamExt};
use tokio::sync::broadcast;

use super::MemoryStore;
use crate::Wakeup;

/// Hints a slow receiver may lag behind before it is told [`Wakeup::All`].
const CAPACITY: usize = 4096;

/// How much the in-memory store's chat hints carry (tests pick it with
/// [`MemoryStore::set_chat_hint_detail`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ChatHintDetail {
    /// The chat and the write's events (the default; PostgreSQL's when they fit).
    ChatAndEvents = 0,
    /// The chat, not its events (PostgreSQL's when the events do not fit beside it).
    Chat = 1,
    /// Neither (PostgreSQL's for a chat too large for a notification): the node must read.
    Bare = 2,
}

/// The sending side, kept by a [`MemoryStore`] built `with_wakeups`.
pub(super) struct Sender {
    tx: broadcast::Sender<Wakeup>,
    /// Writes go unreported while set (a test's simulated lost connection).
    lost: AtomicBool,
    /// A [`ChatHintDetail`]: what chat hints carry.
    chat_hint_detail: AtomicU8,
}

impl Sender {
    pub(super) fn new() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
            lost: AtomicBool::new(false),
            chat_hint_detail: AtomicU8::new(ChatHintDetail::ChatAndEvents as u8),
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

    /// Sets what chat hints carry from now on (for tests; the default is
    /// [`ChatHintDetail::ChatAndEvents`]). No effect without `with_wakeups`.
    pub fn set_chat_hint_detail(&self, detail: ChatHintDetail) {
        if let Some(sender) = &self.wakeups {
            sender
                .chat_hint_detail
                .store(detail as u8, Ordering::SeqCst);
        }
    }

    /// Reports a committed chat write, with as much as [`ChatHintDetail`] says.
    pub(super) fn emit_chat(&self, chat: &Chat, events: &[ChatEvent]) {
        let detail = self
            .wakeups
            .as_ref()
            .map_or(ChatHintDetail::Bare as u8, |s| {
                s.chat_hint_detail.load(Ordering::SeqCst)
            });
        let with_chat = detail != ChatHintDetail::Bare as u8;
        let with_events = detail == ChatHintDetail::ChatAndEvents as u8;
        self.emit(Wakeup::Chat {
            account: chat.account.clone(),
            key: chat.key.clone(),
            revision: chat.revision,
            next_event: chat.next_event_id,
            chat: with_chat.then(|| std::sync::Arc::new(chat.clone())),
            events: if with_events {
                events.into()
            } else {
                std::sync::Arc::from([])
            },
        });
    }
}
