//! What the engine can tell an operator about itself right now (`/metrics` in the API layer):
//! chats in memory by state, parked waiters, the mail outbox backlog, the store's pool.
//!
//! Cheap and read-only: counts come from memory; only the outbox backlog asks the store.

use std::time::Duration;

use chatwire_core::ChatState;
use chatwire_store::PoolStatus;

use crate::runtime::live::lock;
use crate::{Engine, EngineResult};

/// Most due mails counted per look at the outbox: the backlog gauge saturates there rather than
/// making a scrape read an unbounded queue.
pub const OUTBOX_COUNT_LIMIT: u32 = 1000;

/// Counts from memory at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Chats waiting for an agent (every open chat is in memory).
    pub waiting: usize,
    /// Chats with an agent.
    pub chatting: usize,
    /// Ended chats still held in memory (until evicted after `ended_retention`).
    pub ended_in_memory: usize,
    /// Waiters registered with the notifier: parked long-polls and open event streams.
    pub waiters: usize,
}

/// The transcript mails due to be sent and not yet sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxBacklog {
    /// How many (at most [`OUTBOX_COUNT_LIMIT`]).
    pub depth: u32,
    /// How long the oldest of them has been queued; zero when none is.
    pub oldest_age: Duration,
}

impl Engine {
    /// Chats in memory by state and parked waiters, now.
    pub fn stats(&self) -> EngineStats {
        let mut stats = EngineStats {
            waiters: self.0.notifier.waiter_count(),
            ..EngineStats::default()
        };
        for tail in self.0.live.all() {
            match lock(&tail).chat.state {
                ChatState::Waiting => stats.waiting += 1,
                ChatState::Chatting => stats.chatting += 1,
                ChatState::Ended => stats.ended_in_memory += 1,
            }
        }
        stats
    }

    /// The mail outbox backlog: mails whose chat has ended and that wait to be sent (or
    /// retried). One bounded store read.
    pub async fn outbox_backlog(&self) -> EngineResult<OutboxBacklog> {
        let now = self.now();
        let due = self.0.store.due_mail(now, OUTBOX_COUNT_LIMIT).await?;
        let oldest = due.iter().map(|m| m.created_at).min();
        let age_ms = oldest.map_or(0, |t| now.millis_since(t).max(0));
        Ok(OutboxBacklog {
            depth: u32::try_from(due.len()).unwrap_or(u32::MAX),
            oldest_age: Duration::from_millis(u64::try_from(age_ms).unwrap_or(0)),
        })
    }

    /// The store's connection pool use, when it has a pool (PostgreSQL).
    pub fn store_pool(&self) -> Option<PoolStatus> {
        self.0.store.pool_status()
    }

    /// How full the store's queue of cross-process wake-ups is (0 to 1), when it has one
    /// (PostgreSQL). One store read.
    pub async fn notify_queue_usage(&self) -> EngineResult<Option<f64>> {
        Ok(self.0.store.notify_queue_usage().await?)
    }
}
