//! Latency summaries: nearest-rank percentiles over every recorded sample (no histogram
//! buckets, no coordinated-omission correction: the load is closed-loop, so a slow response
//! also delays the next request of that worker, and the rate column shows it).

use std::time::Duration;

use serde::Serialize;

/// A latency distribution plus the rate it was measured at.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Summary {
    /// Samples (requests, lines, wake-ups).
    pub(crate) count: u64,
    /// Samples per second over the measured window (0 when not a rate).
    pub(crate) rate: f64,
    /// Mean latency, µs.
    pub(crate) mean_us: f64,
    /// Median, µs.
    pub(crate) p50_us: u64,
    /// 90th percentile, µs.
    pub(crate) p90_us: u64,
    /// 99th percentile, µs.
    pub(crate) p99_us: u64,
    /// Largest, µs.
    pub(crate) max_us: u64,
}

impl Summary {
    /// Summarises `samples` taken over `window` (a zero window gives rate 0).
    pub(crate) fn of(samples: &mut [Duration], window: Duration) -> Self {
        samples.sort_unstable();
        let count = samples.len() as u64;
        let secs = window.as_secs_f64();
        let rate = if secs > 0.0 { count as f64 / secs } else { 0.0 };
        let total: Duration = samples.iter().sum();
        let mean_us = if count == 0 {
            0.0
        } else {
            total.as_secs_f64() * 1e6 / count as f64
        };
        Self {
            count,
            rate,
            mean_us,
            p50_us: micros(percentile(samples, 50.0)),
            p90_us: micros(percentile(samples, 90.0)),
            p99_us: micros(percentile(samples, 99.0)),
            max_us: micros(samples.last().copied().unwrap_or_default()),
        }
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Nearest-rank percentile of sorted samples: the smallest sample with at least `p`% of the
/// samples at or below it.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of some rates (used to pick the representative round).
pub(crate) fn median_index(rates: &[f64]) -> usize {
    let mut idx: Vec<usize> = (0..rates.len()).collect();
    idx.sort_by(|&a, &b| rates[a].total_cmp(&rates[b]));
    idx.get(rates.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0)
}

/// Formats microseconds for the table: `850 µs`, `12.3 ms`.
pub(crate) fn fmt_us(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else if us < 100_000 {
        format!("{:.1} ms", us as f64 / 1000.0)
    } else {
        format!("{} ms", us / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&m| Duration::from_millis(m)).collect()
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        // Arrange: 1..=100 ms.
        let mut samples = ms(&(1..=100).rev().collect::<Vec<_>>());

        // Act
        let s = Summary::of(&mut samples, Duration::from_secs(2));

        // Assert
        assert_eq!(s.count, 100);
        assert!((s.rate - 50.0).abs() < 1e-9);
        assert_eq!(s.p50_us, 50_000);
        assert_eq!(s.p90_us, 90_000);
        assert_eq!(s.p99_us, 99_000);
        assert_eq!(s.max_us, 100_000);
        assert!((s.mean_us - 50_500.0).abs() < 1e-6);
    }

    #[test]
    fn a_single_sample_is_every_percentile_and_no_samples_are_zero() {
        let one = Summary::of(&mut ms(&[7]), Duration::from_secs(1));
        assert_eq!((one.p50_us, one.p99_us, one.max_us), (7000, 7000, 7000));
        let none = Summary::of(&mut [], Duration::ZERO);
        assert_eq!((none.count, none.p99_us), (0, 0));
        assert!(none.rate.abs() < f64::EPSILON);
    }

    #[test]
    fn the_median_round_is_picked_by_rate() {
        assert_eq!(median_index(&[30.0, 10.0, 20.0]), 2);
        assert_eq!(median_index(&[5.0]), 0);
        assert_eq!(median_index(&[2.0, 1.0]), 1);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(fmt_us(850), "850 µs");
        assert_eq!(fmt_us(12_340), "12.3 ms");
        assert_eq!(fmt_us(250_000), "250 ms");
    }
}
