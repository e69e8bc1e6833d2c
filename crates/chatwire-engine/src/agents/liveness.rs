//! Agent liveness: availability follows activity, not only the agent's own setting.
//!
//! Rules owned here (one rule for both dialects):
//! - an agent with no authenticated request (LivePerson bearer, SuperOffice Basic call) for
//!   `agent_idle_timeout` goes Offline, so a closed browser stops ringing and stops counting in
//!   availability, slots, estimated wait and `availableAgents`;
//! - the chats of an Offline agent (idle, or logged out) go back to their skill's queue once
//!   the agent has been Offline for `requeue_after` (system message 23), or stay when that is 0.
//!
//! Sightings are kept in memory: the touch on every request is one map write, no store write.
//! The store is written only when availability actually changes (through
//! [`Engine::set_availability`]). An agent never seen since this node started counts as seen
//! at the first sweep, so a restart gives everyone a full idle timeout.
//!
//! Several nodes on one database: each node sees only the requests that reach it, so a node
//! cannot tell that an agent is idle everywhere. Until sightings are shared through the store,
//! the idle rule runs only with a store of its own (SQLite, memory); with a shared store
//! (PostgreSQL wake-ups) agents go Offline by logout only. Requeue needs no sightings and runs
//! everywhere (a chat requeued by another node first is skipped).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chatwire_core::{AccountId, AgentId, Availability, ChatCommand, ChatState, DomainError};
use chatwire_core::{ChatKey, Timestamp};

use crate::{Engine, EngineError};

/// Per account, per agent: a time this node noted.
type Marks = HashMap<AccountId, HashMap<AgentId, Timestamp>>;

/// This node's sightings of agents and when it first found them Offline with chats.
#[derive(Debug, Default)]
pub(crate) struct Liveness {
    /// Last authenticated request per agent.
    seen: Mutex<Marks>,
    /// When this node first found the agent Offline while still handling chats.
    offline_since: Mutex<Marks>,
}

/// What one liveness sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LivenessSweep {
    /// Agents set Offline for being idle.
    pub went_offline: usize,
    /// Chats put back in their queue.
    pub requeued: usize,
}

impl Liveness {
    /// Notes a request by `agent` at `now` (no allocation once the account is known).
    fn touch(&self, account: &AccountId, agent: AgentId, now: Timestamp) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(agents) = seen.get_mut(account) {
            agents.insert(agent, now);
        } else {
            seen.insert(account.clone(), HashMap::from([(agent, now)]));
        }
    }

    /// The last sighting, recording `now` as the first one when there is none.
    fn seen_or_now(&self, account: &AccountId, agent: AgentId, now: Timestamp) -> Timestamp {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        *seen
            .entry(account.clone())
            .or_default()
            .entry(agent)
            .or_insert(now)
    }

    fn forget_seen(&self, account: &AccountId, agent: AgentId) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(agents) = seen.get_mut(account) {
            agents.remove(&agent);
        }
    }

    /// When the agent was first found Offline with chats (`now` if this is the first time).
    fn offline_since(&self, account: &AccountId, agent: AgentId, now: Timestamp) -> Timestamp {
        let mut marks = self
            .offline_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *marks
            .entry(account.clone())
            .or_default()
            .entry(agent)
            .or_insert(now)
    }

    /// Keeps only the Offline marks of `still_offline` agents of the account.
    fn retain_offline(&self, account: &AccountId, still_offline: impl Fn(AgentId) -> bool) {
        let mut marks = self
            .offline_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(agents) = marks.get_mut(account) {
            agents.retain(|id, _| still_offline(*id));
        }
    }
}

impl Engine {
    /// Notes that `agent` made an authenticated request now (in memory only).
    pub(crate) fn touch_agent(&self, account: &AccountId, agent: AgentId) {
        self.0.liveness.touch(account, agent, self.now());
    }

    /// One liveness pass over every account: idle agents go Offline, then chats of agents
    /// Offline for `requeue_after` go back to the queue. The sweeper runs it every few
    /// seconds; tests call it directly.
    pub async fn sweep_agents(&self) -> LivenessSweep {
        let mut done = LivenessSweep::default();
        let accounts = match self.0.store.list_accounts().await {
            Ok(accounts) => accounts,
            Err(e) => {
                tracing::warn!(error = %e, "liveness sweep: cannot list accounts");
                return done;
            }
        };
        for account in accounts {
            match self.sweep_account_agents(&account.id).await {
                Ok(one) => {
                    done.went_offline += one.went_offline;
                    done.requeued += one.requeued;
                }
                Err(e) => tracing::warn!(account = %account.id, error = %e, "liveness sweep"),
            }
        }
        if done != LivenessSweep::default() {
            tracing::info!(
                went_offline = done.went_offline,
                requeued = done.requeued,
                "agent liveness"
            );
        }
        done
    }

    async fn sweep_account_agents(
        &self,
        account: &AccountId,
    ) -> Result<LivenessSweep, EngineError> {
        let now = self.now();
        let config = &self.0.config;
        let idle_ms = i64::try_from(config.agent_idle_timeout.as_millis()).unwrap_or(i64::MAX);
        let mut done = LivenessSweep::default();
        // Without shared sightings, another node's agent would look idle here (module docs).
        if idle_ms > 0 && !self.is_shared() {
            for agent in self.agents(account).await? {
                if agent.availability == Availability::Offline {
                    continue;
                }
                let seen = self.0.liveness.seen_or_now(account, agent.id, now);
                if now.millis_since(seen) >= idle_ms {
                    self.set_availability(account, agent.id, Availability::Offline)
                        .await?;
                    self.0.liveness.forget_seen(account, agent.id);
                    done.went_offline += 1;
                }
            }
        }
        done.requeued = self.requeue_abandoned(account, now).await?;
        Ok(done)
    }

    /// Puts back in the queue the chats of agents Offline for at least `requeue_after`.
    async fn requeue_abandoned(
        &self,
        account: &AccountId,
        now: Timestamp,
    ) -> Result<usize, EngineError> {
        let after_ms = i64::try_from(self.0.config.requeue_after.as_millis()).unwrap_or(i64::MAX);
        if after_ms == 0 {
            return Ok(0);
        }
        let dir = self.dir(account).await?;
        let offline = |id: AgentId| {
            dir.agents
                .get(&id)
                .is_none_or(|a| a.availability == Availability::Offline)
        };
        self.0.liveness.retain_offline(account, offline);
        let abandoned: Vec<(ChatKey, AgentId)> = self
            .open_chats(account)
            .into_iter()
            .filter(|c| c.state == ChatState::Chatting)
            .filter_map(|c| c.agent.map(|a| (c.key, a.id)))
            .filter(|(_, agent)| offline(*agent))
            .collect();
        let mut requeued = 0;
        for (key, agent) in abandoned {
            let since = self.0.liveness.offline_since(account, agent, now);
            if now.millis_since(since) < after_ms {
                continue;
            }
            match self.commit(account, &key, ChatCommand::Requeue).await {
                Ok(_) => requeued += 1,
                // Ended, or already requeued (by another node): nothing left to do.
                Err(EngineError::Domain(
                    DomainError::ChatEnded | DomainError::WrongState { .. },
                )) => {}
                Err(e) => tracing::warn!(chat.id = %key, error = %e, "requeue failed"),
            }
        }
        Ok(requeued)
    }
}
