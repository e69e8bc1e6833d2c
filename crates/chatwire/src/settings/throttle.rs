//! `[throttle]`: bounded password checks, the verified-login cache and the throttles on logins
//! and chat requests (the engine's [`GuardConfig`]; `docs/security.md` explains each).

use std::time::Duration;

use chatwire_engine::GuardConfig;
use serde::{Deserialize, Serialize};

/// `[throttle]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleSettings {
    /// Whether the login and chat request limits apply.
    pub enabled: bool,
    /// Password checks at once; 0: one less than the cores (at least one).
    pub hash_workers: usize,
    /// Password checks waiting for a worker before 503.
    pub hash_queue: usize,
    /// Longest wait of a queued password check, ms.
    pub hash_queue_wait_ms: u64,
    /// How long a verified login is reused without a password check, s; 0: never.
    pub credential_cache_secs: u64,
    /// Most cached verified logins.
    pub credential_cache_entries: usize,
    /// Failed logins per login name per window.
    pub login_failures_per_user: u32,
    /// Failed logins per client address per window.
    pub login_failures_per_address: u32,
    /// Login failure window (and lock length), s.
    pub login_failure_window_secs: u64,
    /// Chats opened per client address per window.
    pub chat_requests_per_address: u32,
    /// Chats opened per app key per window.
    pub chat_requests_per_app_key: u32,
    /// Chat request window, s.
    pub chat_request_window_secs: u64,
    /// Most addresses, logins or keys each counter table tracks.
    pub max_tracked_keys: usize,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        let d = GuardConfig::default();
        Self {
            enabled: d.throttle,
            hash_workers: d.hash_workers,
            hash_queue: d.hash_queue,
            hash_queue_wait_ms: u64::try_from(d.hash_queue_wait.as_millis()).unwrap_or(2000),
            credential_cache_secs: d.credential_cache_ttl.as_secs(),
            credential_cache_entries: d.credential_cache_entries,
            login_failures_per_user: d.login_failures_per_user,
            login_failures_per_address: d.login_failures_per_address,
            login_failure_window_secs: d.login_failure_window.as_secs(),
            chat_requests_per_address: d.chat_requests_per_address,
            chat_requests_per_app_key: d.chat_requests_per_app_key,
            chat_request_window_secs: d.chat_request_window.as_secs(),
            max_tracked_keys: d.max_tracked_keys,
        }
    }
}

impl ThrottleSettings {
    /// The engine's guard configuration; refuses limits that would lock everyone out.
    pub fn config(&self) -> anyhow::Result<GuardConfig> {
        if self.hash_queue == 0 || self.hash_queue_wait_ms == 0 {
            anyhow::bail!("throttle.hash_queue and hash_queue_wait_ms must be positive");
        }
        if self.enabled
            && [
                self.login_failures_per_user,
                self.login_failures_per_address,
                self.chat_requests_per_address,
                self.chat_requests_per_app_key,
            ]
            .contains(&0)
        {
            anyhow::bail!(
                "throttle limits must be positive (set throttle.enabled = false instead)"
            );
        }
        if self.enabled
            && (self.login_failure_window_secs == 0
                || self.chat_request_window_secs == 0
                || self.max_tracked_keys == 0)
        {
            anyhow::bail!("throttle windows and max_tracked_keys must be positive");
        }
        Ok(GuardConfig {
            hash_workers: self.hash_workers,
            hash_queue: self.hash_queue,
            hash_queue_wait: Duration::from_millis(self.hash_queue_wait_ms),
            credential_cache_ttl: Duration::from_secs(self.credential_cache_secs),
            credential_cache_entries: self.credential_cache_entries,
            throttle: self.enabled,
            login_failures_per_user: self.login_failures_per_user,
            login_failures_per_address: self.login_failures_per_address,
            login_failure_window: Duration::from_secs(self.login_failure_window_secs),
            chat_requests_per_address: self.chat_requests_per_address,
            chat_requests_per_app_key: self.chat_requests_per_app_key,
            chat_request_window: Duration::from_secs(self.chat_request_window_secs),
            max_tracked_keys: self.max_tracked_keys,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_map_to_the_engine_defaults() {
        assert_eq!(
            ThrottleSettings::default().config().expect("valid"),
            GuardConfig::default()
        );
    }

    #[test]
    fn zero_limits_are_refused_only_while_throttling_is_on() {
        let zero = ThrottleSettings {
            login_failures_per_user: 0,
            ..ThrottleSettings::default()
        };
        assert!(zero.config().is_err());
        let off = ThrottleSettings {
            enabled: false,
            ..zero
        };
        assert!(off.config().is_ok());
        let no_queue = ThrottleSettings {
            hash_queue: 0,
            ..ThrottleSettings::default()
        };
        assert!(no_queue.config().is_err());
    }
}
