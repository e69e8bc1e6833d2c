//! The chat wake-ups of a write batch: one payload per chat, built before the event counter is
//! taken and sent by its statement (`seq::append`), and their parsing (the format is in the
//! parent module's doc).

use std::sync::Arc;

use chatwire_core::{AccountId, Chat, ChatEvent, ChatKey, EventId, GlobalSeq};
use chatwire_store::{StoreResult, Wakeup};

use super::MAX_PAYLOAD;
use crate::chats::Written;
use crate::rows;

/// Room kept in an `events` payload for the base the counter's statement writes in (an
/// `int8` and a space).
const BASE_ROOM: usize = 21;

/// The wake-ups of one batch's chat writes, one payload per chat, built before the counter is
/// taken and sent in its statement (`seq::append`), which writes each `events` payload's base
/// in. Three columns, one row per payload.
#[derive(Debug, Default)]
pub(crate) struct ChatWakeups {
    /// Each payload's text up to its base (the whole payload when it carries no events).
    pub(crate) heads: Vec<String>,
    /// Whether the payload carries events: then the base, a space and `bodies[i]` follow.
    pub(crate) based: Vec<bool>,
    /// The JSON after the base (empty unless `based`).
    pub(crate) bodies: Vec<String>,
}

/// An `events` payload's JSON: `{"chat": …, "events": […]}`.
#[derive(serde::Deserialize)]
struct CarriedIn {
    chat: Chat,
    events: Vec<ChatEvent>,
}

impl ChatWakeups {
    /// One payload per chat that `writes` (a batch, in the order `seq::append` numbers its
    /// events) wrote: with `carry`, the chat as last written and every event the batch
    /// appended to it, each `seq` its position among the batch's events (1-based; readers add
    /// the base); without, the chat's revision and next event id only (no other node listens,
    /// see `peers`).
    pub(crate) fn of(origin: &str, writes: &[Written], carry: bool) -> StoreResult<Self> {
        let mut order: Vec<&str> = Vec::new();
        let mut chats: std::collections::HashMap<&str, (usize, Vec<ChatEvent>)> =
            std::collections::HashMap::with_capacity(writes.len());
        let mut position = 0;
        for (i, w) in writes.iter().enumerate() {
            let key = w.chat.key.as_str();
            let (last, events) = chats.entry(key).or_insert_with(|| {
                order.push(key);
                (i, Vec::new())
            });
            *last = i;
            if !carry {
                continue;
            }
            for e in &w.events {
                position += 1;
                events.push(ChatEvent {
                    seq: GlobalSeq(position),
                    ..e.clone()
                });
            }
        }
        let mut out = Self::default();
        for key in order {
            if let Some((last, events)) = chats.remove(key)
                && let Some(w) = writes.get(last)
            {
                out.push(origin, &w.chat, &events, carry)?;
            }
        }
        Ok(out)
    }

    fn push(
        &mut self,
        origin: &str,
        chat: &Chat,
        events: &[ChatEvent],
        carry: bool,
    ) -> StoreResult<()> {
        let fields = format!(
            "{} {} {} {}",
            chat.account, chat.key, chat.revision, chat.next_event_id.0
        );
        if !carry {
            self.heads.push(format!("{origin} chat {fields}"));
            self.based.push(false);
            self.bodies.push(String::new());
            return Ok(());
        }
        let json = rows::chat_json(chat)?;
        let encode = |e: serde_json::Error| chatwire_store::StoreError::Other(e.into());
        if !events.is_empty() {
            let head = format!("{origin} events {fields} ");
            // The chat's JSON goes in raw (as its row holds it), not as an escaped string.
            let events = serde_json::to_string(events).map_err(encode)?;
            let body = format!(r#"{{"chat":{json},"events":{events}}}"#);
            if head.len() + BASE_ROOM + body.len() <= MAX_PAYLOAD {
                self.heads.push(head);
                self.based.push(true);
                self.bodies.push(body);
                return Ok(());
            }
        }
        let mut head = format!("{origin} chat {fields}");
        if head.len() + 1 + json.len() <= MAX_PAYLOAD {
            head.push(' ');
            head.push_str(&json);
        }
        self.heads.push(head);
        self.based.push(false);
        self.bodies.push(String::new());
        Ok(())
    }
}

/// A chat payload's fields after its kind: account, key, revision, next event id, then for
/// `events` the base and the JSON of the chat and its events, for `chat` maybe the chat's
/// JSON (JSON holds spaces, so it is whatever follows the fields before it).
pub(super) fn parse_chat(fields: &str, with_events: bool) -> Option<Wakeup> {
    let mut parts = fields.splitn(if with_events { 6 } else { 5 }, ' ');
    let account = AccountId::parse(parts.next()?).ok()?;
    let key = ChatKey::parse(parts.next()?).ok()?;
    let revision = parts.next()?.parse().ok()?;
    let next_event = EventId(parts.next()?.parse().ok()?);
    let same =
        |chat: &Chat| chat.account == account && chat.key == key && chat.revision == revision;
    let (chat, events) = if with_events {
        let base: i64 = parts.next()?.parse().ok()?;
        match parts.next().map(serde_json::from_str::<CarriedIn>) {
            Some(Ok(mut carried)) if same(&carried.chat) => {
                let numbered = carried.events.iter_mut().all(|e| {
                    base.checked_add(e.seq.0)
                        .map(|seq| e.seq = GlobalSeq(seq))
                        .is_some()
                });
                let events = if numbered {
                    carried.events.into()
                } else {
                    Arc::from([])
                };
                (Some(Arc::new(carried.chat)), events)
            }
            _ => (None, Arc::from([])),
        }
    } else {
        let chat = parts
            .next()
            .and_then(|json| rows::chat_from_json(json).ok())
            .filter(same);
        (chat.map(Arc::new), Arc::from([]))
    };
    Some(Wakeup::Chat {
        account,
        key,
        revision,
        next_event,
        chat,
        events,
    })
}
