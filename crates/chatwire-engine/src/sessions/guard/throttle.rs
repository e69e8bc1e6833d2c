//! [`Limiter`]: fixed-window counters per key (a client address, a login, an app key), with
//! bounded memory.
//!
//! A key may have `limit` events per window; the window starts at the key's first event and
//! the key is refused until it ends (`Retry-After` is the time left). Nothing is permanent: a
//! window always ends. Windows are measured on the engine's clock, so tests can move time.
//!
//! Memory: at most `max_keys` keys per table (one table per kind of key, so a flood of one kind
//! never crowds out another). When full, keys whose window has ended are dropped; if none has,
//! a new key is handled by the table's [`Full`] policy rather than evicting a counted one, which
//! would let an attacker with many keys reset someone else's counter: login failure tables
//! refuse the new key (fail closed: an attacked login can never escape its count), chat request
//! tables let it through uncounted (a visitor's chat is not refused because of a flood from
//! elsewhere). Such a purge runs at most once a second, so a flood of new keys costs one scan
//! per second.
//!
//! Password attempts are counted *before* argon2 runs ([`Limiter::hit`] reserves one event) and
//! given back on success ([`Limiter::release`]), so concurrent guesses beyond the limit are
//! refused instead of all passing the check while the first ones are still hashing.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// One key's window.
#[derive(Debug, Clone, Copy)]
struct Window {
    start_ms: i64,
    count: u32,
}

/// What a full table does with a key it does not track (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Full {
    /// Refuse the event until windows end (login failures).
    Refuse,
    /// Let the event through uncounted (chat requests).
    Admit,
}

/// The counters of one kind of event (see the module docs).
#[derive(Debug)]
pub(crate) struct Limiter {
    window_ms: i64,
    max_keys: usize,
    when_full: Full,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    windows: HashMap<String, Window>,
    /// A purge that freed nothing waits until then before scanning again.
    next_purge_ms: i64,
}

impl Limiter {
    /// Counters with windows of `window`, tracking at most `max_keys` keys, `when_full` beyond.
    pub(crate) fn new(window: Duration, max_keys: usize, when_full: Full) -> Self {
        Self {
            window_ms: i64::try_from(window.as_millis()).unwrap_or(i64::MAX).max(1),
            max_keys,
            when_full,
            state: Mutex::new(State::default()),
        }
    }

    /// Counts one event for `key`; refuses (without counting) when its window is full.
    pub(crate) fn hit(&self, key: &str, limit: u32, now_ms: i64) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(w) = state.windows.get_mut(key) {
            if !self.open(w, now_ms) {
                *w = Window {
                    start_ms: now_ms,
                    count: 0,
                };
            }
            if w.count >= limit {
                return Err(self.left(w, now_ms));
            }
            w.count += 1;
            return Ok(());
        }
        if limit == 0 {
            return Err(Duration::from_millis(self.window_ms.unsigned_abs()));
        }
        let full = || match self.when_full {
            Full::Admit => Ok(()),
            Full::Refuse => Err(Duration::from_secs(1)),
        };
        if state.windows.len() >= self.max_keys {
            if now_ms < state.next_purge_ms {
                return full();
            }
            state
                .windows
                .retain(|_, w| now_ms < w.start_ms.saturating_add(self.window_ms));
            if state.windows.len() >= self.max_keys {
                state.next_purge_ms = now_ms.saturating_add(1_000);
                tracing::warn!(
                    keys = state.windows.len(),
                    policy = ?self.when_full,
                    "throttle table full: new keys are refused (Refuse) or not counted (Admit) until windows end"
                );
                return full();
            }
        }
        state.windows.insert(
            key.to_owned(),
            Window {
                start_ms: now_ms,
                count: 1,
            },
        );
        Ok(())
    }

    /// Gives back one event counted by [`Limiter::hit`] (an attempt that turned out not to be
    /// a failure), if its window is still open.
    pub(crate) fn release(&self, key: &str, now_ms: i64) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(w) = state.windows.get_mut(key)
            && self.open(w, now_ms)
        {
            w.count = w.count.saturating_sub(1);
        }
    }

    /// Forgets `key` (a login that succeeded starts over).
    pub(crate) fn clear(&self, key: &str) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .windows
            .remove(key);
    }

    fn open(&self, w: &Window, now_ms: i64) -> bool {
        now_ms < w.start_ms.saturating_add(self.window_ms)
    }

    fn left(&self, w: &Window, now_ms: i64) -> Duration {
        let end = w.start_ms.saturating_add(self.window_ms);
        Duration::from_millis(end.saturating_sub(now_ms).max(1).unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_its_limit_until_the_window_ends() {
        let limiter = Limiter::new(Duration::from_secs(10), 100, Full::Admit);

        assert!(limiter.hit("a", 2, 0).is_ok());
        assert!(limiter.hit("a", 2, 1_000).is_ok());
        assert_eq!(
            limiter.hit("a", 2, 4_000),
            Err(Duration::from_millis(6_000))
        );
        assert_eq!(limiter.hit("a", 2, 9_999), Err(Duration::from_millis(1)));
        assert!(
            limiter.hit("b", 2, 4_000).is_ok(),
            "other keys are not affected"
        );

        assert!(limiter.hit("a", 2, 10_000).is_ok());
    }

    #[test]
    fn clear_starts_over() {
        let limiter = Limiter::new(Duration::from_secs(10), 100, Full::Admit);
        assert!(limiter.hit("a", 1, 0).is_ok());
        assert!(limiter.hit("a", 1, 0).is_err());

        limiter.clear("a");

        assert!(limiter.hit("a", 1, 0).is_ok());
    }

    #[test]
    fn a_full_refusing_table_refuses_new_keys_but_keeps_counting_tracked_ones() {
        let limiter = Limiter::new(Duration::from_secs(10), 2, Full::Refuse);
        assert!(limiter.hit("victim", 3, 0).is_ok());
        assert!(limiter.hit("spray-1", 3, 0).is_ok());

        assert!(
            limiter.hit("spray-2", 3, 0).is_err(),
            "a new key is refused"
        );
        assert!(limiter.hit("victim", 3, 0).is_ok());
        assert!(limiter.hit("victim", 3, 0).is_ok());
        assert!(
            limiter.hit("victim", 3, 0).is_err(),
            "the attacked key stays counted and locks"
        );
        assert!(
            limiter.hit("spray-2", 3, 10_000).is_ok(),
            "room once windows end"
        );
    }

    #[test]
    fn reserved_events_refuse_concurrent_attempts_and_release_gives_one_back() {
        let limiter = Limiter::new(Duration::from_secs(10), 100, Full::Refuse);
        assert!(limiter.hit("a", 2, 0).is_ok());
        assert!(limiter.hit("a", 2, 0).is_ok());
        assert!(
            limiter.hit("a", 2, 0).is_err(),
            "a third attempt in flight is refused"
        );

        limiter.release("a", 0);

        assert!(limiter.hit("a", 2, 0).is_ok());
        assert!(limiter.hit("a", 2, 0).is_err());
    }

    #[test]
    fn the_table_never_grows_past_its_bound_and_ended_windows_make_room() {
        let limiter = Limiter::new(Duration::from_secs(10), 3, Full::Admit);
        for key in ["a", "b", "c", "d", "e"] {
            assert!(limiter.hit(key, 1, 0).is_ok());
        }
        assert!(limiter.state.lock().expect("lock").windows.len() <= 3);
        assert!(limiter.hit("a", 1, 0).is_err(), "tracked keys stay counted");

        assert!(limiter.hit("f", 1, 10_000).is_ok());
        assert!(
            limiter.hit("f", 1, 10_001).is_err(),
            "f is tracked after the purge"
        );
    }
}
