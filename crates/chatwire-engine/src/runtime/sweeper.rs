//! Background sweeper: runs agent liveness every few seconds (`agents::liveness`), ends chats whose visitor went silent for `chatTimeout` (system message
//! 6; never a chat an agent opened for a customer, which has no visitor client to go silent:
//! `Chat::has_visitor_client`), lets chats that waited for a named agent long enough ring
//! their skill (`queue`), moves ring turns on with a ring timeout (`queue::ring`), drops ended chats from memory once nobody has read them for a while,
//! raises the waiting alert of chats that waited too long with no agent online (`mail::staff`),
//! and retries a
//! re-sync with the shared store that a failed wake-up asked for.
//!
//! Visitor silence with several nodes: each node sees only the polls that reach it, so a node
//! also records sightings in the store, at most every [`record_every_ms`] per chat
//! (`Engine::touch_visitor`). A stored sighting may thus be up to that much older than the
//! visitor's last request elsewhere, so a chat is ended only once both this node's own last
//! sighting is `chatTimeout` old and the stored one is `chatTimeout` plus that margin old; the
//! stored one is re-read just before ending it. With a store of its own (SQLite) a node sees
//! every poll and nothing is stored or read.

use chatwire_core::{AccountId, ChatCommand, ChatKey, ChatState, DomainError, Timestamp};

use crate::runtime::live::{Tail, lock};
use crate::{Engine, EngineError};

/// How often a visitor's sighting of one chat is recorded in a shared store: a quarter of its
/// timeout, in milliseconds. Other nodes allow this much extra before trusting the record.
pub(crate) fn record_every_ms(chat_timeout_secs: u32) -> i64 {
    i64::from(chat_timeout_secs) * 1000 / 4
}

/// How often agent liveness (idle → Offline, requeue) is checked at most; a quarter of the idle
/// timeout when that is shorter.
const AGENT_SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// How often the agent liveness pass covers every account of the store rather than those with
/// agents seen here (agents left Online by a restart, or by a node that stopped).
const FULL_AGENT_SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// How often waiting alerts are looked for at most (`mail::staff`).
const WAITING_ALERT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// How long expired sessions stay stored before the sweeper deletes them: a day.
const EXPIRED_SESSIONS_KEPT_MS: i64 = 24 * 3600 * 1000;

/// Starts the sweeper task; it stops at shutdown.
pub(crate) fn spawn(engine: Engine) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(engine.0.config.sweep_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_session_sweep = std::time::Instant::now();
        let mut last_alert_sweep = None::<std::time::Instant>;
        let mut last_agent_sweep = std::time::Instant::now();
        let mut last_full_agent_sweep = None::<std::time::Instant>;
        let idle = engine.0.config.agent_idle_timeout;
        let agent_every = if idle.is_zero() {
            AGENT_SWEEP_EVERY
        } else {
            AGENT_SWEEP_EVERY.min(idle / 4)
        };
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    engine.resync_if_needed().await;
                    engine.sweep_once().await;
                    // Idle timeouts are a minute or more: a pass every few seconds is precise
                    // enough and keeps account listings off the store.
                    if last_agent_sweep.elapsed() >= agent_every {
                        last_agent_sweep = std::time::Instant::now();
                        let full_due = last_full_agent_sweep
                            .is_none_or(|at| at.elapsed() >= FULL_AGENT_SWEEP_EVERY);
                        if full_due {
                            last_full_agent_sweep = Some(last_agent_sweep);
                            engine.sweep_agents().await;
                        } else {
                            engine.sweep_known_agents().await;
                        }
                    }
                    // Waiting alerts read every open chat of the store: a pass every
                    // WAITING_ALERT_EVERY is precise enough for alerts measured in minutes.
                    if last_alert_sweep.is_none_or(|at| at.elapsed() >= WAITING_ALERT_EVERY) {
                        last_alert_sweep = Some(std::time::Instant::now());
                        engine.sweep_waiting_alerts().await;
                    }
                    // Expired sessions are refused on read anyway; deleting them only keeps the
                    // table small, so once a minute is plenty (and costs no idle fsyncs).
                    if last_session_sweep.elapsed() >= std::time::Duration::from_secs(60) {
                        last_session_sweep = std::time::Instant::now();
                        // Kept a day past expiry so that an expired agent session answers
                        // 401 (expired) rather than 404 (unknown) meanwhile.
                        let before = Timestamp(engine.now().0.saturating_sub(EXPIRED_SESSIONS_KEPT_MS));
                        if let Err(e) = engine.0.store.delete_expired_sessions(before).await {
                            tracing::warn!(error = %e, "session sweep failed");
                        }
                    }
                }
                () = engine.0.shutdown.cancelled() => break,
            }
        }
    });
}

/// Whether the visitor of `t` has been silent for its timeout at `now`, by what this node
/// knows (its own sightings and the last stored one it read).
fn silent(t: &Tail, now: Timestamp) -> bool {
    let timeout = i64::from(t.chat.chat_timeout_secs) * 1000;
    let margin = record_every_ms(t.chat.chat_timeout_secs);
    t.chat.state != ChatState::Ended
        && t.chat.has_visitor_client()
        && now.millis_since(t.last_visitor_activity) >= timeout
        && now.millis_since(t.visitor_seen_elsewhere) >= timeout + margin
}

impl Engine {
    /// One sweep: time out silent chats, evict stale ended ones. Returns chats timed out.
    pub async fn sweep_once(&self) -> usize {
        let now = self.now();
        let expired = self
            .0
            .live
            .collect_open(|t| silent(t, now).then(|| (t.chat.account.clone(), t.chat.key.clone())));
        // With a ring timeout a named agent's wait is the chat's first turn, moved on by the
        // ring pass; without one the wait's end lets the chat ring its skill.
        if self.ring_timeout_ms().is_some() {
            self.sweep_rings().await;
        } else {
            self.release_named_agents(now).await;
        }
        let mut ended = 0;
        for (account, key) in expired {
            if self.is_shared() && !self.silent_everywhere(&account, &key, now).await {
                continue;
            }
            match self.commit(&account, &key, ChatCommand::Timeout).await {
                Ok(_) => ended += 1,
                Err(EngineError::Domain(DomainError::ChatEnded)) => {}
                Err(e) => tracing::warn!(chat.id = %key, error = %e, "chat timeout failed"),
            }
        }
        let retention =
            i64::try_from(self.0.config.ended_retention.as_millis()).unwrap_or(i64::MAX);
        self.0.live.retire_ended();
        let evicted = self.0.live.evict(now, retention);
        if ended > 0 || evicted > 0 {
            tracing::debug!(timed_out = ended, evicted, "sweep");
        }
        ended
    }

    /// Re-reads the stored sighting of a chat this node finds silent: `false` if another node
    /// saw the visitor recently enough (remembered, so the next check waits), or if the store
    /// cannot say (a chat is not ended on a guess).
    async fn silent_everywhere(&self, account: &AccountId, key: &ChatKey, now: Timestamp) -> bool {
        let seen = match self.0.store.visitor_seen(account, key).await {
            Ok(seen) => seen,
            Err(e) => {
                tracing::warn!(chat.id = %key, error = %e, "cannot read the visitor's sighting");
                return false;
            }
        };
        let Some(tail) = self.0.live.get(account, key) else {
            return false;
        };
        let mut t = lock(&tail);
        if let Some(at) = seen {
            t.visitor_seen_elsewhere = t.visitor_seen_elsewhere.max(at);
        }
        silent(&t, now)
    }
}
