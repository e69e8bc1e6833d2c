//! `[webhooks]`: how outbound webhook deliveries are timed and retried, and its conversion
//! into the engine's [`WebhookConfig`]. Subscriptions themselves are data (admin API, CLI).

use std::time::Duration;

use chatwire_engine::WebhookConfig;
use serde::{Deserialize, Serialize};

/// `[webhooks]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// Timeout of one delivery attempt (connect, send, answer), s.
    pub timeout_secs: u64,
    /// How long an event is retried after its first failure before it is dead-lettered, s
    /// (default 86400: 24 h).
    pub max_age_secs: u64,
    /// Wait after the first failed attempt, ms; doubles per failure, with jitter.
    pub retry_initial_ms: u64,
    /// Longest wait between attempts, s (a receiver's `Retry-After` may ask for longer).
    pub retry_max_secs: u64,
    /// How often due retries are looked for, ms (commits wake the worker at once).
    pub poll_interval_ms: u64,
    /// Most delivery attempts in flight at once on this node.
    pub max_in_flight: usize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        let d = WebhookConfig::default();
        Self {
            timeout_secs: d.timeout.as_secs(),
            max_age_secs: d.max_age.as_secs(),
            retry_initial_ms: u64::try_from(d.retry_initial.as_millis()).unwrap_or(5000),
            retry_max_secs: d.retry_max.as_secs(),
            poll_interval_ms: u64::try_from(d.poll_interval.as_millis()).unwrap_or(1000),
            max_in_flight: d.max_in_flight,
        }
    }
}

impl WebhookSettings {
    /// The engine's webhook configuration, checked.
    pub fn config(&self) -> anyhow::Result<WebhookConfig> {
        let config = WebhookConfig {
            timeout: Duration::from_secs(self.timeout_secs),
            max_age: Duration::from_secs(self.max_age_secs),
            retry_initial: Duration::from_millis(self.retry_initial_ms),
            retry_max: Duration::from_secs(self.retry_max_secs),
            poll_interval: Duration::from_millis(self.poll_interval_ms),
            max_in_flight: self.max_in_flight,
        };
        config.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(config)
    }
}
