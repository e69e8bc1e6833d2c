//! [`SessionCache`]: session lookups by key hash, kept for the directory TTL.
//!
//! Bounded (issue 11): only sessions the store found are cached, so an unknown bearer costs a
//! store read and never an entry; and entries older than the TTL are dropped as the cache
//! grows, so sessions looked up once (a login per polling bot, expired bearers) do not stay in
//! memory forever.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chatwire_core::AuthSession;

/// Below this many cached sessions nothing is reaped.
const REAP_FLOOR: usize = 1024;

/// Cache of session lookups.
#[derive(Debug, Default)]
pub(crate) struct SessionCache {
    pub(crate) entries: RwLock<HashMap<String, (Arc<AuthSession>, Instant)>>,
    /// Bumped by every drop; a lookup that began before a drop is used but not cached.
    pub(crate) epoch: AtomicU64,
    /// Entry count at which the next insert drops entries older than the TTL (doubling, so
    /// amortised O(1)).
    reap_at: AtomicUsize,
}

impl SessionCache {
    /// Caches `session` under `key`, first dropping stale entries when the cache has grown.
    pub(crate) fn insert(
        &self,
        entries: &mut HashMap<String, (Arc<AuthSession>, Instant)>,
        key: &str,
        session: Arc<AuthSession>,
        ttl: Duration,
    ) {
        if entries.len() >= self.reap_at.load(Ordering::Relaxed).max(REAP_FLOOR) {
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
            self.reap_at
                .store(entries.len().saturating_mul(2), Ordering::Relaxed);
        }
        entries.insert(key.to_owned(), (session, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use chatwire_core::{AccountId, AgentId, SessionKind, Timestamp};

    use super::*;

    #[test]
    fn sessions_looked_up_once_do_not_accumulate_past_the_ttl() {
        // Arrange: a TTL every entry has outlived by the time the next one arrives.
        let cache = SessionCache::default();
        let session = AuthSession {
            key_hash: String::new(),
            kind: SessionKind::Login,
            account: AccountId::parse("1").expect("account"),
            agent: AgentId(1),
            parent: None,
            data: String::new(),
            created_at: Timestamp(0),
            expires_at: Timestamp(i64::MAX),
        };

        // Act: 10,000 distinct sessions.
        let mut entries = cache.entries.write().expect("lock");
        for i in 0..10_000 {
            cache.insert(
                &mut entries,
                &format!("k{i}"),
                Arc::new(session.clone()),
                Duration::ZERO,
            );
        }

        // Assert
        assert!(entries.len() <= 2 * REAP_FLOOR, "{} entries", entries.len());
    }
}
