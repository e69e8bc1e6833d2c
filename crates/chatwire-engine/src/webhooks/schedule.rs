//! When to try again: exponential backoff with jitter, a receiver's `Retry-After`, and the
//! point where an event is given up (dead-lettered) after `max_age` of failures.

use std::time::Duration;

use chatwire_core::Timestamp;

use super::WebhookConfig;

/// What to do after the `attempts`-th failed attempt (1-based) of an event first failing at
/// `first_failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// Try again at this instant.
    RetryAt(Timestamp),
    /// Give up: dead-letter the event.
    Dead,
}

/// The backoff before the next attempt: `retry_initial × 2^(attempts−1)`, capped at
/// `retry_max`, then scaled by `jitter` in [0.5, 1] ("equal jitter": never less than half,
/// so retries stay spaced, yet receivers recovering from an outage are not hit by every
/// sender at once).
pub(super) fn backoff(cfg: &WebhookConfig, attempts: u32, jitter: f64) -> Duration {
    let doublings = attempts.saturating_sub(1).min(30);
    let full = cfg
        .retry_initial
        .saturating_mul(1u32 << doublings)
        .min(cfg.retry_max);
    full.mul_f64(jitter.clamp(0.5, 1.0))
}

/// Decides the next step at `now`. A `Retry-After` longer than the backoff is honoured; no
/// retry is scheduled past `first_failed + max_age`, and an event failing at or after that
/// instant is dead.
pub(super) fn next(
    cfg: &WebhookConfig,
    now: Timestamp,
    first_failed: Timestamp,
    attempts: u32,
    retry_after: Option<Duration>,
    jitter: f64,
) -> Next {
    let deadline = first_failed.0.saturating_add(millis(cfg.max_age));
    if now.0 >= deadline {
        return Next::Dead;
    }
    let wait = backoff(cfg, attempts, jitter).max(retry_after.unwrap_or_default());
    Next::RetryAt(Timestamp(now.0.saturating_add(millis(wait)).min(deadline)))
}

/// Parses `Retry-After`: delay seconds, or an HTTP date (RFC 9110; IMF-fixdate parses as RFC
/// 2822). A date in the past is no wait; anything unreadable is ignored.
pub(super) fn parse_retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let ms = at.timestamp_millis().saturating_sub(now.0);
    Some(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A jitter factor in [0.5, 1] from the OS's random source.
pub(super) fn jitter() -> f64 {
    let bytes = crate::random_bytes::<4>().unwrap_or([255; 4]);
    0.5 + f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> WebhookConfig {
        WebhookConfig {
            retry_initial: Duration::from_secs(5),
            retry_max: Duration::from_secs(3600),
            max_age: Duration::from_secs(24 * 3600),
            ..WebhookConfig::default()
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_and_jitter_keeps_at_least_half() {
        let c = cfg();
        assert_eq!(backoff(&c, 1, 1.0), Duration::from_secs(5));
        assert_eq!(backoff(&c, 2, 1.0), Duration::from_secs(10));
        assert_eq!(backoff(&c, 4, 1.0), Duration::from_secs(40));
        assert_eq!(backoff(&c, 20, 1.0), Duration::from_secs(3600));
        assert_eq!(backoff(&c, 1000, 1.0), Duration::from_secs(3600));
        assert_eq!(backoff(&c, 2, 0.5), Duration::from_secs(5));
        assert_eq!(
            backoff(&c, 2, 0.0),
            Duration::from_secs(5),
            "clamped to half"
        );
        let j = jitter();
        assert!((0.5..=1.0).contains(&j));
    }

    #[test]
    fn retries_last_at_least_the_max_age_then_the_event_is_dead() {
        let c = cfg();
        let start = Timestamp(1_000_000);
        let (mut now, mut attempts) = (start, 1);
        while let Next::RetryAt(at) = next(&c, now, start, attempts, None, 1.0) {
            assert!(at > now);
            (now, attempts) = (at, attempts + 1);
        }
        assert_eq!(
            now.0 - start.0,
            24 * 3600 * 1000,
            "the last try is at the max age"
        );
        assert!(
            attempts > 20 && attempts < 60,
            "{attempts} attempts in 24 h"
        );
    }

    #[test]
    fn retry_after_is_honoured_in_seconds_or_as_a_date_but_not_past_the_max_age() {
        let now = Timestamp(1_700_000_000_000);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        let date = "Tue, 14 Nov 2023 22:15:00 GMT"; // now + 100 s
        assert_eq!(parse_retry_after(date, now), Some(Duration::from_secs(100)));
        assert_eq!(parse_retry_after("soon", now), None);
        let c = cfg();
        let at = next(&c, now, now, 1, Some(Duration::from_secs(120)), 1.0);
        assert_eq!(at, Next::RetryAt(Timestamp(now.0 + 120_000)));
        let far = next(&c, now, now, 1, Some(Duration::from_secs(999_999)), 1.0);
        assert_eq!(far, Next::RetryAt(Timestamp(now.0 + 24 * 3600 * 1000)));
    }
}
