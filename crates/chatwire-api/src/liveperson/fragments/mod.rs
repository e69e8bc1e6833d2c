//! [`FragmentCache`]: rendered chat resources, reused while nothing they show has changed.
//!
//! Why: a multi-chat poll of 50 chats with nothing new answers ~135 KB that is, byte for byte,
//! what the previous poll answered. Rendering it (tree, links, escaping) cost ~1 ms of CPU per
//! request; copying cached bytes costs microseconds (docs/performance.md, scenario a).
//!
//! A fragment is a pure function of: the chat's committed revision, who reads it (side, agent
//! session, base URL), the cursor `from`, the format and id style, the skill name shown, and
//! the `duration` shown, which moves with the clock. The entry keeps all of them and a hit
//! requires every one to match, so a cached answer is never one that a fresh render would not
//! give. `duration` is whole seconds since the accept, so an entry of a chatting chat is valid
//! until the next whole second of that count.

mod answers;
mod bounded;

pub use answers::{KeptItem, KeptPieces, LastAnswer, PollAnswers, PollQuery, Poller};

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;

use foldhash::fast::RandomState;

use axum::body::Bytes;
use chatwire_engine::ChatView;
use chatwire_engine::core::{AccountId, ChatKey, EventId, Timestamp};

use super::views::chat::{InfoExtras, Side, next_duration_tick};
use super::views::events::EventIds;
use crate::http::negotiate::Format;
use bounded::{Bounded, lock};

/// How many fragments are kept; past it, half are dropped (cheap, and a miss only re-renders).
const CAPACITY: usize = 16_384;
/// How many bytes of fragments are kept; past it, half are dropped. The count alone does not
/// bound memory: a reader picks `from`, `Host` (the links' base) and the format, so one chat
/// of long lines could fill every slot with a large rendering (issue 11).
const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Larger renderings are served but not kept.
const MAX_ENTRY_BYTES: usize = 1024 * 1024;

/// Who reads a chat, and how it is rendered: everything besides the chat that a fragment
/// depends on.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// The chat's account.
    pub account: &'a AccountId,
    /// Agent or visitor side.
    pub side: Side,
    /// The agent session the links hang off (agent side).
    pub asid: Option<i64>,
    /// `https://host` of the links.
    pub base: &'a str,
    /// JSON or XML.
    pub format: Format,
    /// Event id style.
    pub ids: EventIds,
    /// The cursor asked for.
    pub from: EventId,
}

#[derive(Debug)]
struct Entry {
    account: AccountId,
    chat: ChatKey,
    side: Side,
    asid: Option<i64>,
    base: String,
    format: Format,
    ids: EventIds,
    from: EventId,
    revision: u64,
    skill_name: Option<String>,
    valid_until: Option<Timestamp>,
    bytes: Bytes,
}

impl Entry {
    fn serves(&self, r: &Reader<'_>, view: &ChatView, extras: &InfoExtras) -> bool {
        self.revision == view.chat.revision
            && self.valid_until.is_none_or(|t| extras.now < t)
            && self.chat == view.chat.key
            && self.account == *r.account
            && self.side == r.side
            && self.asid == r.asid
            && self.from == r.from
            && self.format == r.format
            && self.ids == r.ids
            && self.base == r.base
            && self.skill_name == extras.skill_name
    }
}

/// Rendered chat resources by reader and revision. Shared by all requests of a server.
/// Bounded in entries and in bytes.
#[derive(Debug)]
pub struct FragmentCache {
    hasher: RandomState,
    entries: Mutex<Bounded<Entry>>,
    max_entries: usize,
    max_bytes: usize,
}

impl Default for FragmentCache {
    fn default() -> Self {
        Self::with_bounds(CAPACITY, MAX_BYTES)
    }
}

impl FragmentCache {
    /// A cache keeping at most `max_entries` fragments and `max_bytes` bytes of them.
    pub fn with_bounds(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            hasher: RandomState::default(),
            entries: Mutex::new(Bounded::default()),
            max_entries,
            max_bytes,
        }
    }

    /// Fragments kept and their total size in bytes.
    pub fn held(&self) -> (usize, usize) {
        lock(&self.entries).held()
    }

    /// The rendered chat for `reader`: cached when still exact, else `render()`ed and kept.
    pub fn get_or_render(
        &self,
        reader: &Reader<'_>,
        view: &ChatView,
        extras: &InfoExtras,
        render: impl FnOnce() -> Vec<u8>,
    ) -> Bytes {
        let slot = self.slot(reader, &view.chat.key);
        if let Some(hit) = lock(&self.entries)
            .get(slot)
            .filter(|e| e.serves(reader, view, extras))
        {
            return hit.bytes.clone();
        }
        let bytes = Bytes::from(render());
        let len = bytes.len();
        if len > MAX_ENTRY_BYTES.min(self.max_bytes) {
            return bytes;
        }
        let entry = Entry {
            account: reader.account.clone(),
            chat: view.chat.key.clone(),
            side: reader.side,
            asid: reader.asid,
            base: reader.base.to_owned(),
            format: reader.format,
            ids: reader.ids,
            from: reader.from,
            revision: view.chat.revision,
            skill_name: extras.skill_name.clone(),
            valid_until: valid_until(view, extras.now),
            bytes: bytes.clone(),
        };
        // A colliding slot is simply overwritten: `serves` checks every field on a hit.
        lock(&self.entries).insert(slot, entry, len, self.max_entries, self.max_bytes);
        bytes
    }

    fn slot(&self, r: &Reader<'_>, chat: &ChatKey) -> u64 {
        let mut h = self.hasher.build_hasher();
        r.account.hash(&mut h);
        chat.hash(&mut h);
        r.asid.hash(&mut h);
        r.from.0.hash(&mut h);
        r.base.hash(&mut h);
        (r.side == Side::Agent).hash(&mut h);
        (r.format == Format::Json).hash(&mut h);
        (r.ids == EventIds::Attribute).hash(&mut h);
        h.finish()
    }
}

/// Until when the rendered `duration` (whole seconds since the accept, while chatting) stays
/// what it is at `now`; `None` when it cannot change (not accepted, or ended).
fn valid_until(view: &ChatView, now: Timestamp) -> Option<Timestamp> {
    next_duration_tick(&view.chat, now)
}

#[cfg(test)]
mod tests;
