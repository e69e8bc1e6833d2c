//! [`CredentialCache`]: logins whose password verified recently, so a client that sends its
//! password with every request (SuperOffice Basic auth) costs one argon2 check per TTL, not one
//! per request.
//!
//! - Keyed by a keyed hash (HMAC-SHA256 with a random per-process key) of account, login and
//!   password: the cache never holds a password, and its keys are useless outside the process.
//! - Only successes are cached; entries live `credential_cache_ttl`, at most
//!   `credential_cache_entries` of them (when full, expired ones are dropped; if none are, the
//!   login is simply not cached).
//! - An entry remembers the agent and the password hash it verified against. A hit counts only
//!   while the agent is still enabled, under that login name, with that hash in the directory,
//!   so a password change, rename or disable (here, from the admin CLI, or on another node: the
//!   directory follows them within `directory_ttl` or at the node's wake-up) ends it. The
//!   caller checks that.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chatwire_core::{AccountId, AgentId};
use sha2::{Digest, Sha256};

/// A cached verification.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    /// The agent the login named.
    pub(crate) agent: AgentId,
    /// The hash the password matched; the entry is void once the agent's hash differs.
    pub(crate) password_hash: String,
    at_ms: i64,
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

    /// A fresh entry for `tag`.
    pub(crate) fn get(&self, tag: &[u8; 32], now_ms: i64) -> Option<Verified> {
        if self.ttl_ms <= 0 {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(tag)
            .filter(|v| now_ms.saturating_sub(v.at_ms) < self.ttl_ms)
            .cloned()
    }

    /// Remembers a successful verification.
    pub(crate) fn put(&self, tag: [u8; 32], agent: AgentId, password_hash: &str, now_ms: i64) {
        if self.ttl_ms <= 0 || self.max == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.max && !entries.contains_key(&tag) {
            entries.retain(|_, v| now_ms.saturating_sub(v.at_ms) < self.ttl_ms);
            if entries.len() >= self.max {
                return;
            }
        }
        entries.insert(
            tag,
            Verified {
                agent,
                password_hash: password_hash.to_owned(),
                at_ms: now_ms,
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

/// HMAC-SHA256 (RFC 2104) of the length-prefixed `parts`, so `("ab","c")` and `("a","bc")`
/// differ. Written out because the `hmac` crate in the tree needs a newer `sha2` than ours.
fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, b) in key.iter().enumerate() {
        ipad[i] ^= b;
        opad[i] ^= b;
    }
    let mut inner = Sha256::new();
    inner.update(ipad);
    for part in parts {
        inner.update((part.len() as u64).to_le_bytes());
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(opad);
    outer.update(inner.finalize());
    outer.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let expected: [u8; 32] = Sha256::digest(&outer).into();

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

    #[test]
    fn entries_expire_after_the_ttl() {
        let cache = CredentialCache::new([1; 32], 1_000, 10);
        let tag = cache.tag(&account(), "agent3", "pw");

        cache.put(tag, AgentId(3), "$hash", 5_000);

        assert_eq!(cache.get(&tag, 5_999).map(|v| v.agent), Some(AgentId(3)));
        assert!(cache.get(&tag, 6_000).is_none());
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
        assert!(cache.get(&tags[2], 600).is_none(), "nothing had expired");

        cache.put(tags[2], AgentId(1), "h", 1_200);
        assert!(cache.get(&tags[2], 1_200).is_some());
        assert!(cache.get(&tags[0], 1_200).is_none());
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let cache = CredentialCache::new([1; 32], 0, 10);
        let tag = cache.tag(&account(), "agent3", "pw");
        cache.put(tag, AgentId(3), "h", 0);
        assert!(cache.get(&tag, 0).is_none());
    }
}
