//! `[mail]`: the SMTP server chat transcripts go through, its password kept out of `Debug`
//! and printed configurations, and its conversion into the engine's [`MailConfig`].

use std::time::Duration;

use chatwire_engine::MailConfig;
use serde::{Deserialize, Serialize};

/// `[mail]`: the SMTP server chat transcripts are sent through. An empty `smtp_host` turns
/// transcripts off (requests for one are refused).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailSettings {
    /// SMTP host; empty: no transcripts.
    pub smtp_host: String,
    /// SMTP port.
    pub smtp_port: u16,
    /// `From` of every mail.
    pub from: String,
    /// Require STARTTLS.
    pub starttls: bool,
    /// SMTP login; empty for none.
    pub username: String,
    /// SMTP password; prefer `CHATWIRE__MAIL__PASSWORD`. Redacted in `Debug` and when
    /// serialized (so `check-config` does not print it); defaults never carry one.
    #[serde(serialize_with = "redacted")]
    pub password: String,
    /// Attempts per mail before giving up.
    pub max_attempts: u32,
    /// Wait after the first failed attempt, ms; doubles per failure.
    pub retry_initial_ms: u64,
    /// Longest wait between attempts, ms.
    pub retry_max_ms: u64,
    /// SMTP connect/command timeout, s.
    pub timeout_secs: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        let d = MailConfig::default();
        Self {
            smtp_host: d.smtp_host,
            smtp_port: d.smtp_port,
            from: d.from,
            starttls: d.starttls,
            username: d.username,
            password: d.password,
            max_attempts: d.max_attempts,
            retry_initial_ms: u64::try_from(d.retry_initial.as_millis()).unwrap_or(5000),
            retry_max_ms: u64::try_from(d.retry_max.as_millis()).unwrap_or(600_000),
            timeout_secs: d.timeout.as_secs(),
        }
    }
}

/// Serializes a secret as empty when it is, and as `(redacted)` otherwise.
pub(super) fn redacted<S: serde::Serializer>(
    secret: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(if secret.is_empty() { "" } else { "(redacted)" })
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Reuse the engine's redacting Debug so the password is never printed.
        std::fmt::Debug::fmt(&self.config(), f)
    }
}

impl MailSettings {
    /// The engine's mail configuration.
    pub fn config(&self) -> MailConfig {
        MailConfig {
            smtp_host: self.smtp_host.trim().to_owned(),
            smtp_port: self.smtp_port,
            from: self.from.clone(),
            starttls: self.starttls,
            username: self.username.clone(),
            password: self.password.clone(),
            max_attempts: self.max_attempts,
            retry_initial: Duration::from_millis(self.retry_initial_ms),
            retry_max: Duration::from_millis(self.retry_max_ms),
            timeout: Duration::from_secs(self.timeout_secs),
        }
    }
}
