//! `[agents]`: agent liveness (see the engine's `agents::liveness`): how long an agent may make
//! no request before going Offline, and how long an Offline agent's chats wait before going
//! back to their skill's queue, and how long an unused LivePerson agent session lives.

use std::time::Duration;

use chatwire_engine::EngineConfig;
use serde::{Deserialize, Serialize};

/// `[agents]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentsSettings {
    /// Seconds without any authenticated request after which an agent goes Offline; 0 never.
    pub idle_timeout_secs: u64,
    /// Seconds an agent stays Offline before their chats go back to the queue; 0 never.
    pub requeue_after_secs: u64,
    /// Seconds a LivePerson agent session may go unused before it expires (401); 0: it lives
    /// as long as its login.
    pub session_ttl_secs: u64,
}

impl Default for AgentsSettings {
    fn default() -> Self {
        let d = EngineConfig::default();
        Self {
            idle_timeout_secs: d.agent_idle_timeout.as_secs(),
            requeue_after_secs: d.requeue_after.as_secs(),
            session_ttl_secs: d.agent_session_ttl.as_secs(),
        }
    }
}

impl AgentsSettings {
    /// The idle timeout, the requeue delay and the agent-session TTL, as the engine takes them.
    pub(crate) fn durations(&self) -> (Duration, Duration, Duration) {
        (
            Duration::from_secs(self.idle_timeout_secs),
            Duration::from_secs(self.requeue_after_secs),
            Duration::from_secs(self.session_ttl_secs),
        )
    }
}
