//! Building a [`MemoryStore`], its simulated outage, and the one lock every call takes.

use std::sync::MutexGuard;
use std::sync::atomic::Ordering;

use super::MemoryStore;
use super::inner::Inner;
use super::wakeups;
use crate::{StoreError, StoreResult};

impl MemoryStore {
    /// An empty store, for one engine: it reports no wake-ups, like SQLite.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store that reports every committed write through [`crate::Store::wakeups`], like
    /// PostgreSQL: share one between several engines to run them as nodes of one cluster.
    pub fn with_wakeups() -> Self {
        Self {
            wakeups: Some(wakeups::Sender::new()),
            ..Self::default()
        }
    }

    /// Makes every call fail with [`StoreError::Unavailable`] (or succeed again).
    pub fn set_unavailable(&self, down: bool) {
        self.unavailable.store(down, Ordering::SeqCst);
    }

    pub(super) fn lock(&self) -> StoreResult<MutexGuard<'_, Inner>> {
        if self.unavailable.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable(anyhow::anyhow!("simulated outage")));
        }
        self.inner
            .lock()
            .map_err(|_| StoreError::Other(anyhow::anyhow!("memory store poisoned")))
    }
}
