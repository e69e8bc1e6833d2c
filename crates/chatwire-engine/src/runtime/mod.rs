//! What every domain module runs on: the clock, the in-memory tails, the notifier and
//! long-poll waits, other nodes' wake-ups, the sweeper and operator counts. The one rule owned
//! here is the sweeper's: a chat whose visitor has been silent for its timeout is ended.
//!
//! - `clock`: the engine's clock, injectable for tests.
//! - `live`: the in-memory tails that keep polls off the database; the chat number → key map.
//! - `notify`: register-then-sample wake-ups; notified only after commits.
//! - `waits`: the long-poll wait every waiting use case builds on; the `wait` parser.
//! - `wakeups`: several nodes on one database: other nodes' commits into memory and waiters.
//! - `sweeper`: agent liveness passes, chat timeouts (visitor silence) and eviction of ended chats from memory.
//! - `stats`: counts for operators (chats by state, waiters, outbox backlog, store pool).

pub(crate) mod clock;
pub(crate) mod live;
pub mod notify;
pub(crate) mod stats;
pub(crate) mod sweeper;
pub(crate) mod waits;
pub(crate) mod wakeups;
