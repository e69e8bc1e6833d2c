//! [`CredentialCache`]: logins whose password verified recently, so a client that sends its
//! password with every request (SuperOffice Basic auth) costs one argon2 check per TTL, not one
//! per request.
//!
//! - Keyed by a keyed hash (HMAC-SHA256 with a random per-process key) of account, login and
//!   password: the cache never holds a password, and its keys are useless outside the process.
//! - Only successes are cached. An entry is fresh while it was used within
//!   `credential_cache_ttl` (each hit renews it: a polling client never falls out) and verified
//!   with argon2 within [`MAX_AGE_MS`]; a stale entry still proves that these exact credentials
//!   verified before, so the caller re-checks them with argon2 but lets them past the
//!   login-failure lock (an attacker cannot lock out an agent whose password they do not know).
//!   At most `credential_cache_entries` entries (when full, entries unused for the TTL are
//!   dropped; if none are, the login is simply not cached).
//! - An entry remembers the agent and the password hash it verified against. A hit counts only
//!   while the agent is still enabled, under that login name, with that hash in the directory,
//!   so a password change, rename or disable (here, from the admin CLI, or on another node: the
//!   directory follows them within `directory_ttl` or at the node's wake-up) ends it. The
//!   caller checks that.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chatwire_core::{AccountId, AgentId};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How long a cached verification is reused, however often it is used, before argon2 checks
/// the password again (an hour).
pub(crate) const MAX_AGE_MS: i64 = 3_600_000;

/// A cached verification.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    /// The agent the login named.
    pub(crate) agent: AgentId,
    /// The hash the password matched; the entry is void once the agent's hash differs.
    pub(crate) password_hash: String,
    /// When argon2 verified it.
    verified_ms: i64,
    /// When it was last used.
    used_ms: i64,
}

/// What the cache knows of a login attempt.
#[derive(Debug, Clone)]
pub(crate) enum Lookup {
    /// Verified recently: no argon2 needed (the entry is renewed).
    Fresh(Verified),
    /// Verified before, but idle past the TTL or older than [`MAX_AGE_MS`]: check with argon2,
    /// not subject to the login-failure lock.
    Stale(Verified),
    /// Never verified (or forgotten).
    Miss,
}

/// Recently verified credentials (see the module docs).
#[derive(Debug)]
pub(crate) struct CredentialCache {
    key: [u8; 32],
    ttl_ms: i64,
    max: usize,
    entries: Mutex<HashMap<[u8; 32], Verified>>,
}

impl CredentialCache {
    /// A cache keyed with `key` (random per process); `ttl_ms` 0 turns it off.
    pub(crate) fn new(key: [u8; 32], ttl_ms: i64, max: usize) -> Self {
        Self {
            key,
            ttl_ms,
            max,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cache key of a login attempt (login names are case-insensitive).
    pub(crate) fn tag(&self, account: &AccountId, login: &str, password: &str) -> [u8; 32] {
        hmac_sha256(
            &self.key,
            &[
                account.as_str().as_bytes(),
                login.to_lowercase().as_bytes(),
                password.as_bytes(),
            ],
        )
    }

    /// What is known of `tag`; a fresh entry's TTL starts over (sliding expiry).
    pub(crate) fn get(&self, tag: &[u8; 32], now_ms: i64) -> Lookup {
        if self.ttl_ms <= 0 {
            return Lookup::Miss;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.get_mut(tag) {
            Some(v)
                if now_ms.saturating_sub(v.used_ms) < self.ttl_ms
                    && now_ms.saturating_sub(v.verified_ms) < MAX_AGE_MS =>
            {
                v.used_ms = now_ms;
                Lookup::Fresh(v.clone())
            }
            Some(v) => Lookup::Stale(v.clone()),
            None => Lookup::Miss,
        }
    }

    /// Remembers a successful verification.
    pub(crate) fn put(&self, tag: [u8; 32], agent: AgentId, password_hash: &str, now_ms: i64) {
        if self.ttl_ms <= 0 || self.max == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.max && !entries.contains_key(&tag) {
            entries.retain(|_, v| now_ms.saturating_sub(v.used_ms) < self.ttl_ms);
            if entries.len() >= self.max {
                return;
            }
        }
        entries.insert(
            tag,
            Verified {
                agent,
                password_hash: password_hash.to_owned(),
                verified_ms: now_ms,
                used_ms: now_ms,
            },
        );
    }

    /// Forgets `tag` (its agent changed).
    pub(crate) fn remove(&self, tag: &[u8; 32]) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(tag);
    }
}

/// HMAC-SHA256 of the length-prefixed `parts`, so `("ab","c")` and `("a","bc")` differ.
fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    for part in parts {
        mac.update(&(part.len() as u64).to_le_bytes());
        mac.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn account() -> AccountId {
        AccountId::parse("1000").expect("account")
    }

    #[test]
    fn the_keyed_hash_is_the_two_pass_rfc_2104_construction() {
        let key = [0x0bu8; 32];
        let data = b"Hi There";
        let mut k = [0u8; 64];
        k[..32].copy_from_slice(&key);
        let inner: Vec<u8> = k
            .iter()
            .map(|b| b ^ 0x36)
            .chain(
                (data.len() as u64)
                    .to_le_bytes()
                    .into_iter()
                    .chain(data.iter().copied()),
            )
            .collect();
        let inner = Sha256::digest(&inner);
        let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(inner).collect();
        let mut expected = [0u8; 32];
        expected.copy_from_slice(&Sha256::digest(&outer));

        assert_eq!(hmac_sha256(&key, &[data]), expected);
    }

    #[test]
    fn tags_differ_by_password_and_key_but_not_by_login_case() {
        let cache = CredentialCache::new([1; 32], 60_000, 10);
        let other = CredentialCache::new([2; 32], 60_000, 10);

        let tag = cache.tag(&account(), "Agent3", "pw");
        assert_eq!(tag, cache.tag(&account(), "agent3", "pw"));
        assert_ne!(tag, cache.tag(&account(), "agent3", "pW"));
        assert_ne!(tag, cache.tag(&account(), "agent", "3pw"));
        assert_ne!(tag, other.tag(&account(), "agent3", "pw"));
    }

    fn fresh(lookup: &Lookup) -> bool {
        matches!(lookup, Lookup::Fresh(_))
    }

    #[test]
    fn entries_go_stale_after_the_ttl_without_use() {
        let cache = CredentialCache::new([1; 32], 1_000, 10);
        let tag = cache.tag(&account(), "agent3", "pw");

        cache.put(tag, AgentId(3), "$hash", 5_000);

        let Lookup::Fresh(hit) = cache.get(&tag, 5_999) else {
            panic!("fresh");
        };
        assert_eq!(hit.agent, AgentId(3));
        assert!(matches!(cache.get(&tag, 7_000), Lookup::Stale(_)));
        let other = cache.tag(&account(), "agent3", "other");
        assert!(matches!(cache.get(&other, 7_000), Lookup::Miss));
    }

    #[test]
    fn each_hit_renews_an_entry_until_its_max_age() {
        let cache = CredentialCache::new([1; 32], 1_000, 10);
        let tag = cache.tag(&account(), "agent3", "pw");
        cache.put(tag, AgentId(3), "$hash", 0);

        let mut now = 0;
        while now + 900 < MAX_AGE_MS {
            now += 900;
            assert!(fresh(&cache.get(&tag, now)), "polled every 0.9 s, at {now}");
        }

        assert!(matches!(cache.get(&tag, MAX_AGE_MS), Lookup::Stale(_)));
    }

    #[test]
    fn a_full_cache_makes_room_from_expired_entries_only() {
        let cache = CredentialCache::new([1; 32], 1_000, 2);
        let tags: Vec<_> = ["a", "b", "c"]
            .iter()
            .map(|p| cache.tag(&account(), "agent3", p))
            .collect();

        cache.put(tags[0], AgentId(1), "h", 0);
        cache.put(tags[1], AgentId(1), "h", 500);
        cache.put(tags[2], AgentId(1), "h", 600);
        assert!(
            matches!(cache.get(&tags[2], 600), Lookup::Miss),
            "nothing had expired"
        );

        cache.put(tags[2], AgentId(1), "h", 1_200);
        assert!(fresh(&cache.get(&tags[2], 1_200)));
        assert!(matches!(cache.get(&tags[0], 1_200), Lookup::Miss));
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let cache = CredentialCache::new([1; 32], 0, 10);
        let tag = cache.tag(&account(), "agent3", "pw");
        cache.put(tag, AgentId(3), "h", 0);
        assert!(matches!(cache.get(&tag, 0), Lookup::Miss));
    }
}
