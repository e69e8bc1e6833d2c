//! Background sweeper: ends chats whose visitor went silent for `chatTimeout` (system message
//! 6) and drops ended chats from memory once nobody has read them for a while.

use chatwire_core::{ChatCommand, ChatState, DomainError};

use crate::live::lock;
use crate::{Engine, EngineError};

/// Starts the sweeper task; it stops at shutdown.
pub(crate) fn spawn(engine: Engine) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(engine.0.config.sweep_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_session_sweep = std::time::Instant::now();
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    engine.sweep_once().await;
                    // Expired sessions are refused on read anyway; deleting them only keeps the
                    // table small, so once a minute is plenty (and costs no idle fsyncs).
                    if last_session_sweep.elapsed() >= std::time::Duration::from_secs(60) {
                        last_session_sweep = std::time::Instant::now();
                        if let Err(e) = engine.0.store.delete_expired_sessions(engine.now()).await {
                            tracing::warn!(error = %e, "session sweep failed");
                        }
                    }
                }
                () = engine.0.shutdown.cancelled() => break,
            }
        }
    });
}

impl Engine {
    /// One sweep: time out silent chats, evict stale ended ones. Returns chats timed out.
    pub async fn sweep_once(&self) -> usize {
        let now = self.now();
        let mut expired = Vec::new();
        for tail in self.0.live.all() {
            let t = lock(&tail);
            let idle_ms = now.millis_since(t.last_visitor_activity);
            if t.chat.state != ChatState::Ended
                && idle_ms >= i64::from(t.chat.chat_timeout_secs) * 1000
            {
                expired.push((t.chat.account.clone(), t.chat.key.clone()));
            }
        }
        let mut ended = 0;
        for (account, key) in expired {
            match self.commit(&account, &key, ChatCommand::Timeout).await {
                Ok(_) => ended += 1,
                Err(EngineError::Domain(DomainError::ChatEnded)) => {}
                Err(e) => tracing::warn!(chat.id = %key, error = %e, "chat timeout failed"),
            }
        }
        let retention =
            i64::try_from(self.0.config.ended_retention.as_millis()).unwrap_or(i64::MAX);
        let evicted = self.0.live.evict(|t| {
            t.chat.state == ChatState::Ended && now.millis_since(t.last_access) >= retention
        });
        if ended > 0 || evicted > 0 {
            tracing::debug!(timed_out = ended, evicted, "sweep");
        }
        ended
    }
}
