//! [`Wakeup`]: what a store that other processes (nodes) write too reports of each committed
//! write, so every node can bring its memory up to date with as little reading as possible.

use std::sync::Arc;

use chatwire_core::{AccountId, Agent, AgentId, Availability, Chat, ChatEvent, ChatKey, EventId};

/// A hint that something changed in a store other processes (nodes) write too (PostgreSQL
/// `NOTIFY`). Sent only for committed writes, so whoever reads the store after receiving one
/// sees the change. A node may receive its own writes back (PostgreSQL filters them out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wakeup {
    /// A chat was written (opened, events appended, or info changed); it now has `revision`
    /// (`Chat::revision`), so a reader holding that revision or a newer one can skip it.
    Chat {
        /// The chat's account.
        account: AccountId,
        /// The chat.
        key: ChatKey,
        /// The chat's revision as this write committed it.
        revision: u64,
        /// The chat's `next_event_id` as this write committed it: how many events a reader
        /// lacks, known before it reads.
        next_event: EventId,
        /// The chat as this write committed it, when the store could send it with the hint
        /// (PostgreSQL: when its JSON fits in a notification). A node that keeps none of the
        /// chat's events in memory, and has nobody waiting on it, then reads nothing at all;
        /// `None`: read the chat.
        chat: Option<Arc<Chat>>,
        /// Events this write appended, numbered as committed, when the store could send them
        /// with the chat (PostgreSQL: every event of the chat in the write's batch, when they
        /// fit in the notification); empty otherwise. A node holding every event before the
        /// first of them takes them without reading.
        events: Arc<[ChatEvent]>,
    },
    /// Only an agent's availability changed (the rest of the directory stands).
    Availability {
        /// The agent's account.
        account: AccountId,
        /// The agent.
        agent: AgentId,
        /// The availability now committed.
        availability: Availability,
    },
    /// The account's directory changed: an agent (availability, skills, limits, names), a
    /// skill or its topic settings, or an app key.
    Directory(AccountId),
    /// The session with this key hash was deleted, with every session whose parent it is
    /// (`Store::delete_session_family`: a logout).
    SessionFamily(String),
    /// Hints may have been lost (the connection was re-established, or a reader fell behind):
    /// anything may have changed.
    All,
}

impl Wakeup {
    /// The hint for replacing `before` with `after` (`Store::update_agent`): `Availability`
    /// when nothing else changed, so other nodes patch their cached agent in place instead
    /// of reloading the account's directory; `Directory` otherwise.
    pub fn for_agent_update(before: &Agent, after: &Agent) -> Self {
        let only_availability = before.availability != after.availability
            && Agent {
                availability: after.availability,
                ..before.clone()
            } == *after;
        if only_availability {
            Self::Availability {
                account: after.account.clone(),
                agent: after.id,
                availability: after.availability,
            }
        } else {
            Self::Directory(after.account.clone())
        }
    }
}
