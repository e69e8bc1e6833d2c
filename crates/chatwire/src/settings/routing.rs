//! `[routing]`: how a waiting chat rings agents (see the engine's `queue::ring`): all eligible
//! agents at once, or one at a time with a ring timeout, and when an agent who lets chats ring
//! out goes Away.

use std::time::Duration;

use chatwire_engine::EngineConfig;
use serde::{Deserialize, Serialize};

/// `[routing]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingSettings {
    /// Seconds a waiting chat rings one agent alone before ringing the next; 0: every eligible
    /// agent rings at once.
    pub ring_timeout_secs: u64,
    /// An agent who lets this many chats in a row ring out goes Away; 0: never. Only with a
    /// ring timeout.
    pub away_after_ring_outs: u32,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        let d = EngineConfig::default();
        Self {
            ring_timeout_secs: d.ring_timeout.as_secs(),
            away_after_ring_outs: d.away_after_ring_outs,
        }
    }
}

impl RoutingSettings {
    /// The ring timeout as the engine takes it.
    pub(crate) fn ring_timeout(&self) -> Duration {
        Duration::from_secs(self.ring_timeout_secs)
    }
}
