//! `[limits]`: how large and how slow a request and a connection may be, and how many
//! connections are served at once. Every refusal answers in the caller's error format
//! (docs/security.md, "Input limits and connections").

use std::time::Duration;

use chatwire_api::limits::RequestLimits;
use serde::{Deserialize, Serialize};

/// `[limits]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSettings {
    /// Seconds a client has to send a complete request head. An idle keep-alive connection is
    /// waiting for its next head, so this also closes idle connections.
    pub header_read_timeout_secs: u64,
    /// Most connections served at once (further ones are closed at accept); lowered at start
    /// to what the file-descriptor limit allows.
    pub max_connections: usize,
    /// Longest request target (path and query), bytes: 414.
    pub max_uri_bytes: usize,
    /// Largest request head (target plus header names and values), bytes: 431.
    pub max_header_bytes: usize,
    /// Most header fields: 431.
    pub max_headers: usize,
    /// Largest body on LivePerson routes, bytes: 413.
    pub liveperson_body_bytes: usize,
    /// Largest body on SuperOffice routes, bytes: 413.
    pub superoffice_body_bytes: usize,
    /// Largest body on chatwire's own routes, bytes: 413.
    pub chatwire_body_bytes: usize,
    /// Most `chatSessionKeys` in one LivePerson multi-chat request: 400.
    pub max_chat_session_keys: usize,
}

impl Default for LimitsSettings {
    fn default() -> Self {
        let r = RequestLimits::default();
        Self {
            header_read_timeout_secs: 15,
            max_connections: 10_000,
            max_uri_bytes: r.max_uri_bytes,
            max_header_bytes: r.max_header_bytes,
            max_headers: r.max_headers,
            liveperson_body_bytes: r.liveperson_body_bytes,
            superoffice_body_bytes: r.superoffice_body_bytes,
            chatwire_body_bytes: r.chatwire_body_bytes,
            max_chat_session_keys: r.max_chat_session_keys,
        }
    }
}

impl LimitsSettings {
    /// Checks that every limit leaves room for a normal request.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.header_read_timeout_secs == 0 {
            anyhow::bail!("limits.header_read_timeout_secs must be positive");
        }
        if self.max_connections == 0 || self.max_headers == 0 || self.max_chat_session_keys == 0 {
            anyhow::bail!(
                "limits.max_connections, max_headers and max_chat_session_keys must be positive"
            );
        }
        // Below these, ordinary requests (a LivePerson login, a browser's headers) fail.
        if self.max_uri_bytes < 1024 || self.max_header_bytes < 4096 {
            anyhow::bail!("limits.max_uri_bytes must be >= 1024 and max_header_bytes >= 4096");
        }
        if self.liveperson_body_bytes < 1024
            || self.superoffice_body_bytes < 1024
            || self.chatwire_body_bytes < 1024
        {
            anyhow::bail!("limits.*_body_bytes must be >= 1024");
        }
        Ok(())
    }

    /// The limits the HTTP layer enforces per request.
    pub fn request_limits(&self) -> RequestLimits {
        RequestLimits {
            max_uri_bytes: self.max_uri_bytes,
            max_header_bytes: self.max_header_bytes,
            max_headers: self.max_headers,
            liveperson_body_bytes: self.liveperson_body_bytes,
            superoffice_body_bytes: self.superoffice_body_bytes,
            chatwire_body_bytes: self.chatwire_body_bytes,
            max_chat_session_keys: self.max_chat_session_keys,
        }
    }

    /// The request-head read timeout.
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_validate_and_reach_the_api_unchanged() {
        let s = LimitsSettings::default();
        s.validate().expect("valid");
        assert_eq!(s.request_limits(), RequestLimits::default());
    }

    #[test]
    fn limits_that_would_refuse_ordinary_requests_are_refused() {
        for change in [
            |s: &mut LimitsSettings| s.header_read_timeout_secs = 0,
            |s: &mut LimitsSettings| s.max_connections = 0,
            |s: &mut LimitsSettings| s.max_uri_bytes = 100,
            |s: &mut LimitsSettings| s.max_header_bytes = 1000,
            |s: &mut LimitsSettings| s.liveperson_body_bytes = 10,
            |s: &mut LimitsSettings| s.max_chat_session_keys = 0,
        ] {
            let mut s = LimitsSettings::default();
            change(&mut s);
            assert!(s.validate().is_err(), "{s:?}");
        }
    }
}
