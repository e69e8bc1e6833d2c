//! The notifier: wakes waiters (long-polls, streams) when something they watch changes.
//!
//! Rules (house style §5): `subscribe` is synchronous and registers at once, so a caller can
//! register, then sample, then wait, and never miss a change made between the sample and the
//! wait. `notify` is called only after the store has committed. Entries with no receivers are
//! reaped on the next notify of that topic, so idle topics cost nothing.

use std::collections::HashMap;
use std::sync::Mutex;

use chatwire_core::{AccountId, ChatKey};
use tokio::sync::watch;

/// What a waiter watches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// New events or info on one chat.
    Chat(ChatKey),
    /// Anything in an account: new chats, state changes (ring counts), the feed.
    Account(AccountId),
}

/// Below this many topics nothing is reaped on subscribe.
const REAP_FLOOR: usize = 1024;

/// The table of topics and their watch channels.
#[derive(Debug, Default)]
pub struct Notifier {
    topics: Mutex<HashMap<Topic, watch::Sender<u64>>>,
    /// Topic count at which `subscribe` next drops unwatched topics: a topic that is never
    /// notified (a long-poll on a chat that does not exist, or ends without another event)
    /// would otherwise stay forever. Doubling it keeps the reaping amortised O(1).
    reap_at: std::sync::atomic::AtomicUsize,
}

impl Notifier {
    /// An empty notifier.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers interest in `topic` now; the receiver sees every later `notify`.
    pub fn subscribe(&self, topic: Topic) -> watch::Receiver<u64> {
        let mut topics = self
            .topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let rx = topics
            .entry(topic)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe();
        use std::sync::atomic::Ordering::Relaxed;
        if topics.len() >= self.reap_at.load(Relaxed).max(REAP_FLOOR) {
            topics.retain(|_, tx| tx.receiver_count() > 0);
            self.reap_at.store(topics.len().saturating_mul(2), Relaxed);
        }
        rx
    }

    /// Wakes every current subscriber of `topic`.
    pub fn notify(&self, topic: &Topic) {
        let mut topics = self
            .topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = topics.get(topic) {
            if tx.receiver_count() == 0 {
                topics.remove(topic);
            } else {
                tx.send_modify(|v| *v = v.wrapping_add(1));
            }
        }
    }

    /// Wakes every subscriber of every topic (after a reconnect to a shared database, or at
    /// shutdown), so each waiter re-samples.
    pub fn notify_all(&self) {
        let mut topics = self
            .topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        topics.retain(|_, tx| tx.receiver_count() > 0);
        for tx in topics.values() {
            tx.send_modify(|v| *v = v.wrapping_add(1));
        }
    }

    /// Whether anyone is subscribed to `topic` now.
    pub fn is_watched(&self, topic: &Topic) -> bool {
        self.topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(topic)
            .is_some_and(|tx| tx.receiver_count() > 0)
    }

    /// Waiters registered now, over every topic: parked long-polls and open event streams
    /// (for metrics).
    pub fn waiter_count(&self) -> usize {
        self.topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
            .map(watch::Sender::receiver_count)
            .sum()
    }

    /// Topics currently registered (for tests and metrics).
    pub fn topic_count(&self) -> usize {
        self.topics
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic() -> Topic {
        Topic::Account(AccountId::parse("1000").expect("valid"))
    }

    #[tokio::test]
    async fn a_change_between_subscribe_and_wait_is_not_lost() {
        let n = Notifier::new();
        let mut rx = n.subscribe(topic());
        n.notify(&topic()); // happens "between sample and wait"
        tokio::time::timeout(std::time::Duration::from_millis(100), rx.changed())
            .await
            .expect("woken")
            .expect("sender alive");
    }

    #[test]
    fn topics_subscribed_once_and_never_notified_do_not_accumulate() {
        // Arrange: one long-lived waiter.
        let n = Notifier::new();
        let _live = n.subscribe(topic());

        // Act: 20,000 waits on distinct chats that never change, each given up.
        for i in 0..20_000_u64 {
            let key = chatwire_core::ChatKey::from_random(i, u128::from(i), 7);
            drop(n.subscribe(Topic::Chat(key)));
        }

        // Assert
        assert!(
            n.topic_count() <= 2 * REAP_FLOOR,
            "{} topics",
            n.topic_count()
        );
        assert!(n.is_watched(&topic()), "a watched topic is kept");
    }

    #[test]
    fn the_waiter_count_is_the_receivers_alive_now() {
        let n = Notifier::new();
        let first = n.subscribe(topic());
        let second = n.subscribe(topic());
        assert_eq!(n.waiter_count(), 2);
        drop(first);
        assert_eq!(n.waiter_count(), 1);
        drop(second);
        assert_eq!(n.waiter_count(), 0);
    }

    #[test]
    fn topics_without_receivers_are_reaped() {
        let n = Notifier::new();
        drop(n.subscribe(topic()));
        assert_eq!(n.topic_count(), 1);
        n.notify(&topic());
        assert_eq!(n.topic_count(), 0);
    }
}
