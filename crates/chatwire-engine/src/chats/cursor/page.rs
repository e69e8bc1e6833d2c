//! One pass of a cursor read: the caller's access to the chat, one page of events from memory
//! or the store, the visibility filter; and the SuperOffice `After` cursor turned into an event
//! id, so that later passes read from there and never rescan the chat.
//!
//! What it must not do: hold a tail across passes (a tail may be replaced while a wait is
//! parked; each pass looks the chat up again) or hold a tail's lock across a store read.

use std::sync::Arc;

use chatwire_core::access::{self, ChatAction};
use chatwire_core::{AccountId, AgentId, Chat, ChatEvent, ChatKey, EventId, GlobalSeq, Timestamp};

use super::ChatView;
use crate::runtime::live::{TailRead, TailRef, lock};
use crate::{Caller, Engine, EngineResult};

/// Who reads, as far as access and visibility go.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reader<'a> {
    /// An agent of the account: every event, of chats `chatwire_core::access` lets them read.
    Agent(AgentId),
    /// A visitor application holding this app key: events visible to visitors, of chats the
    /// key may act on.
    Visitor(&'a str),
}

impl<'a> From<&'a Caller> for Reader<'a> {
    fn from(caller: &'a Caller) -> Self {
        match caller {
            Caller::Agent(a) => Self::Agent(a.agent),
            Caller::Visitor(v) => Self::Visitor(&v.app_key().key),
        }
    }
}

/// The most events a multi-chat poll copies per chat under the live index's read lock (a poll
/// finding nothing new, or a line or two, is the common case).
const QUICK_EVENTS: u32 = 16;

impl Reader<'_> {
    /// Whether this reader may read `chat` with nothing to look up: an agent involved in it
    /// (`access::is_involved`: handler, opener, either side of a transfer; the common case of
    /// [`Engine::check_reader`]), or a visitor app key that may act on it. A `false` decides
    /// nothing: [`Engine::check_reader`] has the last word.
    pub(super) fn plainly_reads(self, chat: &Chat) -> bool {
        match self {
            Self::Agent(agent) => access::is_involved(agent, chat),
            Self::Visitor(app_key) => {
                crate::chats::visitor_writes::may_act_on(app_key, chat).is_ok()
            }
        }
    }
}

/// The page of `events` read from `from`, as `reader` sees it.
fn view(chat: Arc<Chat>, events: Vec<ChatEvent>, from: EventId, reader: Reader<'_>) -> ChatView {
    let next = events.last().map_or(from, |e| e.id.next());
    let events = match reader {
        Reader::Visitor(_) => events
            .into_iter()
            .filter(ChatEvent::visible_to_visitor)
            .collect(),
        Reader::Agent(_) => events,
    };
    ChatView { chat, events, next }
}

impl Engine {
    /// The tail of a chat, loaded into memory when not held.
    async fn tail_of(
        &self,
        account: &AccountId,
        key: &ChatKey,
        now: Timestamp,
    ) -> EngineResult<TailRef> {
        match self.0.live.get(account, key) {
            Some(tail) => Ok(tail),
            None => {
                let chat = self.0.store.get_chat(account, key).await?;
                Ok(self.0.live.upsert(&chat, now))
            }
        }
    }

    /// Refuses a chat `reader` may not read.
    async fn check_reader(
        &self,
        account: &AccountId,
        chat: &Chat,
        reader: Reader<'_>,
    ) -> EngineResult<()> {
        match reader {
            Reader::Agent(agent) => self
                .authorize(account, chat, agent, ChatAction::Read)
                .await
                .map(|_| ()),
            Reader::Visitor(app_key) => crate::chats::visitor_writes::may_act_on(app_key, chat),
        }
    }

    /// One page (at most `max_events_per_read`) of a chat's events from `from`, as `caller`
    /// may see them.
    pub(super) async fn read_page(
        &self,
        caller: &Caller,
        key: &ChatKey,
        from: EventId,
        now: Timestamp,
    ) -> EngineResult<ChatView> {
        let tail = self.tail_of(caller.account(), key, now).await?;
        self.page(caller.account(), key, from, caller.into(), now, tail)
            .await
    }

    /// [`Self::read_page`] of many chats at once. Each chat held in memory whose reader needs
    /// nothing looked up ([`Reader::plainly_reads`]) and whose page memory answers with at most
    /// [`QUICK_EVENTS`] events is read on the spot, all under one read of the index, without a
    /// reference taken to its tail; the others one by one as [`Self::read_page`] reads them,
    /// with the full access check.
    pub(super) async fn read_pages(
        &self,
        caller: &Caller,
        requests: &[(ChatKey, EventId)],
        now: Timestamp,
    ) -> Vec<EngineResult<ChatView>> {
        let account = caller.account();
        let reader = Reader::from(caller);
        let limit = self.0.config.max_events_per_read as usize;
        let asked = requests.iter().map(|(key, from)| (key, *from));
        let quick = self.0.live.read_many(account, asked, |from, tail| {
            // A long page is copied outside the index's lock: writers of the index (a chat
            // put in memory, the sweeper) would wait for it, and every reader behind them.
            let short = tail.known_next().0.saturating_sub(from.0) <= QUICK_EVENTS;
            if !short || !reader.plainly_reads(&tail.chat) {
                return None;
            }
            tail.last_access = now;
            match tail.read(from, limit) {
                TailRead::Hit(events) => Some(view(Arc::clone(&tail.chat), events, from, reader)),
                TailRead::Miss => None,
            }
        });
        let mut views = Vec::with_capacity(requests.len());
        for ((key, from), quick) in requests.iter().zip(quick) {
            views.push(match quick {
                Some(view) => Ok(view),
                None => self.read_page(caller, key, *from, now).await,
            });
        }
        views
    }

    /// [`Self::read_page`] for a [`Reader`].
    async fn page(
        &self,
        account: &AccountId,
        key: &ChatKey,
        from: EventId,
        reader: Reader<'_>,
        now: Timestamp,
        tail: TailRef,
    ) -> EngineResult<ChatView> {
        let limit = self.0.config.max_events_per_read;
        let (chat, read) = {
            let mut t = lock(&tail);
            t.last_access = now;
            (Arc::clone(&t.chat), t.read(from, limit as usize))
        };
        self.check_reader(account, &chat, reader).await?;
        let events = match read {
            TailRead::Hit(events) => events,
            TailRead::Miss => {
                // Single-flight: readers of a cold chat share one store read of the window.
                self.fill_tail(account, key, &tail).await?;
                let second = lock(&tail).read(from, limit as usize);
                match second {
                    TailRead::Hit(events) => events,
                    TailRead::Miss => self.0.store.events_since(account, key, from, limit).await?,
                }
            }
        };
        Ok(view(chat, events, from, reader))
    }

    /// Every event from `from` to the end of the chat, page by page.
    pub(super) async fn read_to_end(
        &self,
        caller: &Caller,
        key: &ChatKey,
        from: EventId,
    ) -> EngineResult<ChatView> {
        self.pages_to_end(caller.account(), key, from, caller.into())
            .await
    }

    /// [`Self::read_to_end`] for a [`Reader`].
    async fn pages_to_end(
        &self,
        account: &AccountId,
        key: &ChatKey,
        mut from: EventId,
        reader: Reader<'_>,
    ) -> EngineResult<ChatView> {
        let now = self.now();
        let mut events = Vec::new();
        loop {
            let tail = self.tail_of(account, key, now).await?;
            let page = self.page(account, key, from, reader, now, tail).await?;
            let exhausted = page.next >= page.chat.next_event_id || page.next <= from;
            events.extend(page.events);
            from = page.next.max(from);
            if exhausted {
                return Ok(ChatView {
                    chat: page.chat,
                    events,
                    next: from,
                });
            }
        }
    }

    /// The id of the first event with `seq > after`: from the live window when it reaches back
    /// that far, else by paging the store. Event ids and sequence numbers grow together within
    /// a chat (its commits are serialized), so every later event is past `after` too.
    pub(super) async fn first_after(
        &self,
        caller: &Caller,
        key: &ChatKey,
        after: GlobalSeq,
    ) -> EngineResult<EventId> {
        let account = caller.account();
        let tail = self.tail_of(account, key, self.now()).await?;
        let chat = Arc::clone(&lock(&tail).chat);
        self.check_reader(account, &chat, caller.into()).await?;
        if let Some(id) = lock(&tail).first_after(after) {
            return Ok(id);
        }
        self.fill_tail(account, key, &tail).await?;
        if let Some(id) = lock(&tail).first_after(after) {
            return Ok(id);
        }
        // A cursor older than the window: look for it in the history.
        let limit = self.0.config.max_events_per_read;
        let mut from = EventId(0);
        loop {
            let page = self.0.store.events_since(account, key, from, limit).await?;
            if let Some(e) = page.iter().find(|e| e.seq > after) {
                return Ok(e.id);
            }
            match page.last() {
                Some(last) if last.id.next() > from => from = last.id.next(),
                _ => return Ok(from),
            }
        }
    }

    /// A chat and all its events as `agent` sees them (transcripts, session entities);
    /// `Forbidden` when they may not read it.
    pub(crate) async fn agent_history(
        &self,
        account: &AccountId,
        key: &ChatKey,
        agent: AgentId,
    ) -> EngineResult<(Chat, Vec<ChatEvent>)> {
        let view = self
            .pages_to_end(account, key, EventId(0), Reader::Agent(agent))
            .await?;
        Ok((Arc::unwrap_or_clone(view.chat), view.events))
    }
}
