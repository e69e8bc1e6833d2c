//! `[notifications]`: staff notifications by e-mail. Where they go is data (the staff address
//! of a skill or an account); this section only times the waiting alert.

use serde::{Deserialize, Serialize};

/// `[notifications]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationSettings {
    /// A chat waiting this long (since it was requested) with no agent online who could take
    /// it mails one alert to its skill's, else its account's, staff address; s. 0: never.
    pub waiting_alert_secs: u64,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            waiting_alert_secs: 300,
        }
    }
}
