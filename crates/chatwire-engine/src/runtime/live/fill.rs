//! Lazy, single-flight filling of a tail's window from the store.
//!
//! A tail starts empty (it knows its chat, not the chat's history) and is filled on the first
//! read that memory cannot answer. Many readers often arrive at once, e.g. every long-poll
//! parked on a chat wakes on the same append; without coordination each would read the same
//! window from the database. The per-tail gate makes the first reader do the store read while
//! the others wait for it and then answer from memory. A failed or cancelled fill leaves the
//! gate open, so the next reader tries again.
//!
//! Correctness against appends is `Tail::fill`'s: events absorbed while the store read was in
//! flight are kept and merged after the filled events, so a fill never rolls a tail back. A
//! tail that dropped its window meanwhile (`Tail::take_snapshot`) has a new gate, and the
//! read is discarded: its readers, finding the tail still unloaded, read the store.
//!
//! What it must not do: decide access or visibility (the caller's), or hold the tail's lock
//! across the store read.

use std::sync::Arc;

use chatwire_core::{AccountId, ChatKey, EventId};
use tokio::sync::OnceCell;

use super::{TailRef, lock};
use crate::{Engine, EngineResult};

/// Fills tried in one call before the caller reads the store itself.
const FILL_TRIES: usize = 3;

impl Engine {
    /// Fills the tail's window from the store unless that was done; concurrent callers for one
    /// chat share a single store read.
    pub(crate) async fn fill_tail(
        &self,
        account: &AccountId,
        key: &ChatKey,
        tail: &TailRef,
    ) -> EngineResult<()> {
        // A fill discarded because the tail dropped its window meanwhile leaves it unloaded
        // behind a new gate: fill again (bounded: another node may keep writing).
        for _ in 0..FILL_TRIES {
            let gate = {
                let t = lock(tail);
                if t.is_loaded() {
                    return Ok(());
                }
                Arc::clone(&t.fill_gate)
            };
            gate.get_or_try_init(|| self.fill_from_store(account, key, tail, &gate))
                .await?;
        }
        Ok(())
    }

    /// The one store read of a fill: the newest `tail_window` events as of the freshest
    /// snapshot (a waiting caller may have let the chat move on since it looked). Discarded
    /// when the tail dropped its window while the read was in flight (`gate` is no longer its
    /// gate): the events read may end before the chat it holds now.
    async fn fill_from_store(
        &self,
        account: &AccountId,
        key: &ChatKey,
        tail: &TailRef,
        gate: &Arc<OnceCell<()>>,
    ) -> EngineResult<()> {
        let window = self.0.config.tail_window;
        let next = {
            let t = lock(tail);
            if t.is_loaded() {
                return Ok(());
            }
            t.chat.next_event_id
        };
        let size = u32::try_from(window).unwrap_or(u32::MAX);
        let start = EventId(next.0.saturating_sub(size));
        let recent = self.0.store.events_since(account, key, start, size).await?;
        let mut t = lock(tail);
        if Arc::ptr_eq(&t.fill_gate, gate) {
            t.fill(&recent, window);
        }
        Ok(())
    }
}
