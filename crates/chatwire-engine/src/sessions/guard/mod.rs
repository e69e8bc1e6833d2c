//! Abuse guards around agent authentication and chat creation: bounded password hashing, the
//! verified-credential cache, and throttles. Tuned by [`GuardConfig`].
//!
//! - `hasher`: every password check runs on a fixed pool with a short queue (`Busy` beyond).
//! - `credentials`: logins that verified recently skip argon2 (SuperOffice Basic polls).
//! - `throttle`: fixed-window counters with bounded memory.
//! - `use_cases`: [`crate::Engine::authenticate_from`], [`crate::Engine::login_from`] and
//!   [`crate::Engine::request_chat_from`], which the HTTP layer calls with the client address.
//!
//! Decisions (documented for operators in `docs/security.md`):
//! - Unknown and disabled logins are checked against a dummy hash with the same cost, so the
//!   answer time does not tell which logins exist; they are throttled like real ones too.
//! - A login (per account and login name) or a client address with too many failures in the
//!   window is refused with `TooManyRequests` even with the right password until the window
//!   ends: otherwise the lock would not slow guessing. The lock always ends; bearer tokens and
//!   credentials that verified before in this process (their keyed hash is in the credential
//!   cache) keep working meanwhile, so an attacker who does not know an agent's password cannot
//!   lock out that agent's polling client. Attempts are counted before argon2 runs, so a burst
//!   of concurrent guesses cannot overshoot the limit.
//! - LivePerson application logins are counted like password logins.
//! - IPv6 clients are counted per /64 (one host usually has a whole /64).

mod credentials;
mod hasher;
mod throttle;
mod use_cases;

use std::net::IpAddr;
use std::time::Duration;

/// Limits on password checking and request rates (the binary fills them from `[throttle]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardConfig {
    /// Password checks running at once; 0: one less than the cores (at least one).
    pub hash_workers: usize,
    /// Password checks waiting for a worker; beyond, `Busy` (503 + `Retry-After`).
    pub hash_queue: usize,
    /// Longest wait of a queued check before `Busy`.
    pub hash_queue_wait: Duration,
    /// How long a verified login is reused without argon2; zero turns the cache off.
    pub credential_cache_ttl: Duration,
    /// Most cached verified logins.
    pub credential_cache_entries: usize,
    /// Whether the throttles below apply (password checks stay bounded either way).
    pub throttle: bool,
    /// Failed logins per account login name per window before it is locked until the window ends.
    pub login_failures_per_user: u32,
    /// Failed logins per client address per window before it is locked until the window ends.
    pub login_failures_per_address: u32,
    /// The window of the login failure counters.
    pub login_failure_window: Duration,
    /// Chats opened per client address per window.
    pub chat_requests_per_address: u32,
    /// Chats opened per app key per window.
    pub chat_requests_per_app_key: u32,
    /// The window of the chat request counters.
    pub chat_request_window: Duration,
    /// Most keys each counter table tracks (one table each for logins, addresses with login
    /// failures, addresses asking for chats, app keys). A full login failure table refuses
    /// new keys (429) until windows end; a full chat table lets new keys through uncounted.
    pub max_tracked_keys: usize,
}

impl Default for GuardConfig {
    fn default() -> Self {
        Self {
            hash_workers: 0,
            hash_queue: 32,
            hash_queue_wait: Duration::from_secs(2),
            credential_cache_ttl: Duration::from_secs(60),
            credential_cache_entries: 10_000,
            throttle: true,
            login_failures_per_user: 10,
            login_failures_per_address: 100,
            login_failure_window: Duration::from_secs(300),
            chat_requests_per_address: 60,
            chat_requests_per_app_key: 3_000,
            chat_request_window: Duration::from_secs(60),
            max_tracked_keys: 100_000,
        }
    }
}

/// The guards' state, one per engine.
#[derive(Debug)]
pub(crate) struct Guard {
    config: GuardConfig,
    gate: hasher::PasswordGate,
    credentials: credentials::CredentialCache,
    user_failures: throttle::Limiter,
    address_failures: throttle::Limiter,
    address_chats: throttle::Limiter,
    app_key_chats: throttle::Limiter,
    dummy_hash: String,
}

impl Guard {
    /// Guards as configured, with a fresh random key for the credential cache.
    pub(crate) fn new(config: &GuardConfig) -> Self {
        // Without OS randomness the cache is keyed by a constant: its keys then only hide
        // passwords from a memory dump as well as SHA-256 does, which is still not plain text.
        let key = crate::random_bytes::<32>().unwrap_or_else(|e| {
            tracing::warn!(
                error = %e,
                "no OS randomness for the credential cache key: using a constant key"
            );
            [0x5a; 32]
        });
        let failures =
            |max| throttle::Limiter::new(config.login_failure_window, max, throttle::Full::Refuse);
        let chats =
            |max| throttle::Limiter::new(config.chat_request_window, max, throttle::Full::Admit);
        let ttl_ms = i64::try_from(config.credential_cache_ttl.as_millis()).unwrap_or(i64::MAX);
        Self {
            gate: hasher::PasswordGate::new(
                config.hash_workers,
                config.hash_queue,
                config.hash_queue_wait,
            ),
            credentials: credentials::CredentialCache::new(
                key,
                ttl_ms,
                config.credential_cache_entries,
            ),
            user_failures: failures(config.max_tracked_keys),
            address_failures: failures(config.max_tracked_keys),
            address_chats: chats(config.max_tracked_keys),
            app_key_chats: chats(config.max_tracked_keys),
            dummy_hash: crate::sessions::password::dummy_hash(),
            config: config.clone(),
        }
    }
}

impl crate::Engine {
    /// A new argon2id hash of `plain` (agents created, passwords set), through the bounded
    /// password gate like every login check: `Busy` when it is saturated.
    pub(crate) async fn hash_new_password(&self, plain: &str) -> crate::EngineResult<String> {
        self.0.guard.gate.hash(plain).await
    }
}

/// The counter key of a client address: IPv4 as is, IPv6 by its /64.
fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().expect("ip");

        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        assert_eq!(address_key(mapped), "10.0.0.1");
    }
}
