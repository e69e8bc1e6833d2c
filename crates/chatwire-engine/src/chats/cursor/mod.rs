//! One cursor read of a chat's events, with an optional wait: "the events of this chat after
//! cursor C that this caller sees, waiting up to T". Every dialect read of chat events goes
//! through it: the LivePerson chat resource and events (agent and visitor side) and multi-chat
//! retrieve, SuperOffice `GetChatMessages` (RPC and REST) and the chat stream (SSE).
//!
//! - Access and visibility are decided here, from the [`Caller`]: a visitor application reads
//!   only chats its app key may act on (each read counts as visitor activity), and does not see
//!   agent-only events, which still advance its cursor; an agent reads what
//!   `chatwire_core::access` lets them read, every event included.
//! - Reads come from the live tail when they can (nothing new, or inside the window) and from
//!   the store otherwise; a wait reads only what is new on each pass, never the chat's history
//!   again. The SuperOffice chat number is mapped to its key in memory (`live`).
//! - Waits register with the notifier *before* sampling (house style §5, rule 1), are clamped
//!   to the configured maximum, and return what they have at the deadline or at shutdown.
//!
//! What it must not do: shape events for a dialect.

mod page;
mod unchanged;

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{Chat, ChatEvent, ChatKey, ChatNum, EventId, EventKind, GlobalSeq, Typing};

use crate::runtime::live::lock;
use crate::{Caller, Engine, EngineResult, Topic};

/// Where a read starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Events with id `>= from` (LivePerson `from`), one page of at most
    /// `max_events_per_read`; a wait ends at the first event past it, visible or not.
    From(EventId),
    /// Every event with `seq > after` (SuperOffice `After`, a `ChatMessageId`); a wait ends at
    /// the first *message* past it: state changes other than the chat's end are no message, so
    /// a wait continues past them (and returns them with the message that ends it).
    After(GlobalSeq),
}

/// A chat and a page of its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatView {
    /// The chat as of this read (shared with the engine's memory: cheap to take).
    pub chat: Arc<Chat>,
    /// Events after the cursor visible to the caller, oldest first.
    pub events: Vec<ChatEvent>,
    /// The cursor for the next read: one past the last event scanned (visible or not), or the
    /// requested `from` when nothing new exists.
    pub next: EventId,
}

/// The other side's typing indicator: a LivePerson read that waits also ends when it changes
/// (the chat resource and the multi-chat retrieve show it, and a visitor or agent waiting for
/// the other side's "is typing" should not wait for the next line to see it). A side's own
/// indicator does not end its own wait.
fn other_side_typing(chat: &Chat, caller: &Caller) -> Typing {
    match caller {
        Caller::Visitor(_) => chat.agent_typing,
        Caller::Agent(_) => chat.visitor_typing,
    }
}

/// Which slot of `Tail::typing_delivered` a caller's side uses.
fn side(caller: &Caller) -> usize {
    match caller {
        Caller::Visitor(_) => 0,
        Caller::Agent(_) => 1,
    }
}

/// Whether an event belongs in a message list (see [`Cursor::After`]).
fn is_message(event: &ChatEvent) -> bool {
    !matches!(&event.kind, EventKind::State(s) if s.state != chatwire_core::ChatState::Ended)
}

impl Engine {
    /// The events of chat `key` after `cursor` that `caller` sees; when there are none, waits
    /// up to `wait` (clamped) for some. Unknown chats are `NotFound`, chats the caller may not
    /// read `Forbidden` (before anything of them is returned).
    pub async fn read_events(
        &self,
        caller: &Caller,
        key: &ChatKey,
        cursor: Cursor,
        wait: Duration,
    ) -> EngineResult<ChatView> {
        let deadline = tokio::time::Instant::now() + self.clamp_wait(wait);
        let (mut from, floor) = match cursor {
            Cursor::From(from) => (from, None),
            Cursor::After(after) => (self.first_after(caller, key, after).await?, Some(after)),
        };
        let start = from;
        let mut events = Vec::new();
        let mut first_pass = true;
        let waits = !wait.is_zero() && floor.is_none();
        let mut typing_at_start = if waits {
            self.typing_delivered(caller, key)
        } else {
            None
        };
        loop {
            let mut woken =
                (!wait.is_zero()).then(|| self.0.notifier.subscribe(Topic::Chat(key.clone())));
            let view = match floor {
                None => self.read_page(caller, key, from, self.now()).await?,
                Some(_) => self.read_to_end(caller, key, from).await?,
            };
            if first_pass {
                first_pass = false;
                self.touch_if_visitor(caller, key);
            }
            events.extend(
                view.events
                    .into_iter()
                    .filter(|e| floor.is_none_or(|after| e.seq > after)),
            );
            from = view.next.max(from);
            let typing = other_side_typing(&view.chat, caller);
            let typing_changed = *typing_at_start.get_or_insert(typing) != typing;
            let done = match floor {
                None => from > start || !events.is_empty() || typing_changed,
                Some(_) => events.iter().any(is_message),
            };
            let view = ChatView {
                chat: view.chat,
                events,
                next: from,
            };
            let woken_again = match woken.as_mut().filter(|_| !done) {
                Some(woken) => self.wait_any(std::slice::from_mut(woken), deadline).await,
                None => false,
            };
            if !woken_again {
                if waits {
                    self.record_typing_delivered(caller, key, typing);
                }
                return Ok(view);
            }
            events = view.events;
        }
    }

    /// Refuses a chat `caller` may not read, exactly as a read of it would (a visitor's check
    /// counts as activity, like their reads). For use cases about a chat that read none of it.
    pub(crate) async fn check_chat_access(
        &self,
        caller: &Caller,
        key: &ChatKey,
    ) -> EngineResult<()> {
        let end = Cursor::From(EventId(u32::MAX));
        self.read_events(caller, key, end, Duration::ZERO)
            .await
            .map(|_| ())
    }

    /// [`Self::read_events`] of the chat with SuperOffice number `num` (mapped to its key in
    /// memory; the store is asked only for a chat not held there).
    pub async fn read_events_by_num(
        &self,
        caller: &Caller,
        num: ChatNum,
        cursor: Cursor,
        wait: Duration,
    ) -> EngineResult<ChatView> {
        let key = self.key_of_num(caller.account(), num).await?;
        self.read_events(caller, &key, cursor, wait).await
    }

    /// [`Self::read_events`] of many chats with one shared wait (LivePerson multi-chat
    /// retrieve): one result per request, in order, so one unknown or foreign chat fails alone
    /// and does not stop the wait for the others. Returns when any chat has something new.
    pub async fn read_events_many(
        &self,
        caller: &Caller,
        requests: &[(ChatKey, EventId)],
        wait: Duration,
    ) -> Vec<EngineResult<ChatView>> {
        let deadline = tokio::time::Instant::now() + self.clamp_wait(wait);
        let mut first_pass = true;
        let mut typing_at_start: Vec<Option<Typing>> = if wait.is_zero() {
            vec![None; requests.len()]
        } else {
            requests
                .iter()
                .map(|(key, _)| self.typing_delivered(caller, key))
                .collect()
        };
        loop {
            // A plain poll (the default) makes no notifier registrations to drop again.
            let mut receivers: Vec<_> = if wait.is_zero() {
                Vec::new()
            } else {
                requests
                    .iter()
                    .map(|(k, _)| self.0.notifier.subscribe(Topic::Chat(k.clone())))
                    .collect()
            };
            let views = self.read_pages(caller, requests, self.now()).await;
            if first_pass {
                for (view, (key, _)) in views.iter().zip(requests) {
                    if view.is_ok() {
                        self.touch_if_visitor(caller, key);
                    }
                }
            }
            first_pass = false;
            let mut anything = false;
            for ((view, (_, from)), at_start) in
                views.iter().zip(requests).zip(&mut typing_at_start)
            {
                if let Ok(v) = view {
                    let typing = other_side_typing(&v.chat, caller);
                    anything |= !v.events.is_empty()
                        || v.next > *from
                        || *at_start.get_or_insert(typing) != typing;
                }
            }
            if wait.is_zero()
                || anything
                || views.iter().all(Result::is_err)
                || !self.wait_any(&mut receivers, deadline).await
            {
                if !wait.is_zero() {
                    for (view, (key, _)) in views.iter().zip(requests) {
                        if let Ok(v) = view {
                            self.record_typing_delivered(
                                caller,
                                key,
                                other_side_typing(&v.chat, caller),
                            );
                        }
                    }
                }
                return views;
            }
        }
    }

    /// A chat by its SuperOffice number (from memory when held).
    pub async fn chat_by_num(
        &self,
        account: &chatwire_core::AccountId,
        num: ChatNum,
    ) -> EngineResult<Chat> {
        let key = self.key_of_num(account, num).await?;
        self.chat(account, &key).await
    }

    /// The key of the chat with number `num`: from the live index, else from the store (and
    /// the chat is then held, so the next lookup is in memory).
    async fn key_of_num(
        &self,
        account: &chatwire_core::AccountId,
        num: ChatNum,
    ) -> EngineResult<ChatKey> {
        if let Some(key) = self.0.live.key_of_num(account, num) {
            return Ok(key);
        }
        let chat = self.0.store.get_chat_by_num(account, num).await?;
        self.0.live.upsert(&chat, self.now());
        // Also when the tail was held but its number forgotten (an eviction racing a read).
        self.0.live.remember_num(&chat);
        Ok(chat.key)
    }

    /// The other side's typing as last answered to a waiting read of this caller's side.
    fn typing_delivered(&self, caller: &Caller, key: &ChatKey) -> Option<Typing> {
        let tail = self.0.live.get(caller.account(), key)?;
        lock(&tail).typing_delivered[side(caller)]
    }

    /// Records what a waiting read answered (see [`Self::typing_delivered`]).
    fn record_typing_delivered(&self, caller: &Caller, key: &ChatKey, typing: Typing) {
        if let Some(tail) = self.0.live.get(caller.account(), key) {
            lock(&tail).typing_delivered[side(caller)] = Some(typing);
        }
    }

    /// A visitor's read counts as activity on the chat (keeps it from timing out).
    fn touch_if_visitor(&self, caller: &Caller, key: &ChatKey) {
        if let Caller::Visitor(v) = caller {
            self.touch_visitor(v.account(), key);
        }
    }
}
