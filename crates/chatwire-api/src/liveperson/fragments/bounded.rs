//! [`Bounded`]: what both render caches keep: entries by slot (a hash of what they depend on),
//! bounded in count and in bytes, dropping half of the entries when a bound is reached
//! (cheap, and a miss only renders again).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use foldhash::fast::RandomState;

/// Entries by slot with their sizes, and the sum of the sizes.
#[derive(Debug)]
pub(super) struct Bounded<E> {
    map: HashMap<u64, (E, usize), RandomState>,
    bytes: usize,
}

impl<E> Default for Bounded<E> {
    fn default() -> Self {
        Self {
            map: HashMap::default(),
            bytes: 0,
        }
    }
}

impl<E> Bounded<E> {
    /// The entry in `slot`.
    pub(super) fn get(&self, slot: u64) -> Option<&E> {
        self.map.get(&slot).map(|(entry, _)| entry)
    }

    /// Drops the entry in `slot`, if any.
    pub(super) fn remove(&mut self, slot: u64) {
        if let Some((_, len)) = self.map.remove(&slot) {
            self.bytes -= len;
        }
    }

    /// Puts `entry` of `len` bytes in `slot` (replacing what was there), first dropping half
    /// of the entries, as often as needed, until it fits both bounds.
    pub(super) fn insert(
        &mut self,
        slot: u64,
        entry: E,
        len: usize,
        max_entries: usize,
        max_bytes: usize,
    ) {
        self.remove(slot);
        while !self.map.is_empty()
            && (self.map.len() >= max_entries || self.bytes + len > max_bytes)
        {
            let mut n = 0_u32;
            self.map.retain(|_, _| {
                n += 1;
                n.is_multiple_of(2)
            });
            self.bytes = self.map.values().map(|(_, len)| len).sum();
        }
        self.map.insert(slot, (entry, len));
        self.bytes += len;
    }

    /// Counts `len` more bytes for the entry in `slot`, if there is one and the total stays
    /// within `max_bytes`; `false` (nothing counted) otherwise.
    pub(super) fn grow(&mut self, slot: u64, len: usize, max_bytes: usize) -> bool {
        let fits = self.bytes + len <= max_bytes;
        match self.map.get_mut(&slot) {
            Some((_, held)) if fits => {
                *held += len;
                self.bytes += len;
                true
            }
            _ => false,
        }
    }

    /// Entries kept and their total size in bytes.
    pub(super) fn held(&self) -> (usize, usize) {
        (self.map.len(), self.bytes)
    }
}

/// Locks a cache. A panic while holding the lock leaves only a cache; keep using it.
pub(super) fn lock<T>(cache: &Mutex<T>) -> MutexGuard<'_, T> {
    cache.lock().unwrap_or_else(PoisonError::into_inner)
}
