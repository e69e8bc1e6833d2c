//! (f)'s ledger: when each stamped line was sent (and whether its append succeeded), and when
//! a poller received it. Matching the two gives delivery latency (append sent → poll answer
//! received), lines lost (sent in the window, never received) and duplicates (received
//! twice: a cursor mistake). Pure bookkeeping over instants, unit-tested.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What happened to one line (by sequence number).
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    sent: Option<Instant>,
    acked: bool,
    received: Option<Instant>,
    copies: u32,
}

/// Sent and received instants by sequence number (shared by the writer and the pollers).
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    entries: Mutex<HashMap<u64, Entry>>,
}

/// The outcome of a window.
#[derive(Debug, Default)]
pub(crate) struct Deliveries {
    /// Latencies of the lines sent in the window, acknowledged (201) and received.
    pub(crate) latencies: Vec<Duration>,
    /// Lines sent in the window whose append was acknowledged.
    pub(crate) sent: u64,
    /// Of those, never received.
    pub(crate) lost: u64,
    /// Lines sent in the window whose append failed.
    pub(crate) failed: u64,
    /// Extra copies received (any line, any time).
    pub(crate) duplicates: u64,
}

impl Ledger {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<u64, Entry>) -> R) -> R {
        let mut map = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut map)
    }

    /// Line `seq` is about to be sent (stamped before the request leaves: its poll answer may
    /// come back before the append's own 201).
    pub(crate) fn sent(&self, seq: u64, at: Instant) {
        self.with(|m| m.entry(seq).or_default().sent = Some(at));
    }

    /// Line `seq`'s append answered 201.
    pub(crate) fn acked(&self, seq: u64) {
        self.with(|m| m.entry(seq).or_default().acked = true);
    }

    /// A poller received line `seq` at `at` (the first copy counts).
    pub(crate) fn received(&self, seq: u64, at: Instant) {
        self.with(|m| {
            let e = m.entry(seq).or_default();
            e.copies += 1;
            e.received.get_or_insert(at);
        });
    }

    /// The lines sent in `[from, to)`; lines not received by now count as lost.
    pub(crate) fn window(&self, from: Instant, to: Instant) -> Deliveries {
        self.with(|m| {
            let mut d = Deliveries::default();
            for e in m.values() {
                d.duplicates += u64::from(e.copies.saturating_sub(1));
                let Some(sent) = e.sent.filter(|s| *s >= from && *s < to) else {
                    continue;
                };
                if !e.acked {
                    d.failed += 1;
                    continue;
                }
                d.sent += 1;
                match e.received {
                    Some(r) => d.latencies.push(r.saturating_duration_since(sent)),
                    None => d.lost += 1,
                }
            }
            d
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_counts_its_own_lines_latencies_losses_and_duplicates() {
        // Arrange
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let ledger = Ledger::default();
        // Before the window: received twice (a duplicate), but not in the window.
        ledger.sent(1, ms(0));
        ledger.acked(1);
        ledger.received(1, ms(3));
        ledger.received(1, ms(4));
        // In the window: delivered in 5 ms, answered before its own 201.
        ledger.sent(2, ms(10));
        ledger.received(2, ms(15));
        ledger.acked(2);
        // In the window, acknowledged, never received: lost.
        ledger.sent(3, ms(20));
        ledger.acked(3);
        // In the window, the append failed: not a loss.
        ledger.sent(4, ms(30));
        // After the window.
        ledger.sent(5, ms(100));
        ledger.acked(5);
        ledger.received(5, ms(101));

        // Act
        let d = ledger.window(ms(10), ms(100));

        // Assert
        assert_eq!(d.latencies, vec![Duration::from_millis(5)]);
        assert_eq!((d.sent, d.lost, d.failed, d.duplicates), (2, 1, 1, 1));
    }
}
