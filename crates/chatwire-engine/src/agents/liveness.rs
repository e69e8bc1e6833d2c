//! Agent liveness: availability follows activity, not only the agent's own setting.
//!
//! Rules owned here (one rule for both dialects):
//! - an agent with no authenticated request (LivePerson bearer, SuperOffice Basic call) for
//!   `agent_idle_timeout` goes Offline, so a closed browser stops ringing and stops counting in
//!   availability, slots, estimated wait and `availableAgents`;
//! - the chats of an Offline agent (idle, or logged out) go back to their skill's queue once
//!   the agent has been Offline, and has made no request, for `requeue_after` (system message
//!   23), or stay when that is 0. An agent who chose Offline (SuperOffice "not present") to
//!   finish their chats without new ones keeps calling, so keeps their chats.
//!
//! Sightings are kept in memory: the touch on every request is one map write, no store write.
//! The store is written only when availability actually changes (through
//! [`Engine::set_availability`]). An agent never seen since this node started counts as seen
//! at the first sweep, so a restart gives everyone a full idle timeout.
//!
//! Several nodes on one database (PostgreSQL): each node sees only the requests that reach
//! it, so sightings are shared through the store as a coarse heartbeat: a node writes an
//! agent's sighting (`Store::record_agent_seen`) at most every quarter of the idle timeout (or
//! of the requeue delay, when shorter) per agent ([`heartbeat_every_ms`]), never per request.
//! A stored sighting may thus be up to that much older than the agent's last request
//! elsewhere, so an agent counts as silent for a period only once both this node's own last
//! sighting and the stored one plus that margin are that old (read just before deciding, once
//! per account and sweep, and only when some agent looks silent here). This gates both going
//! Offline and requeueing. With a store of its own (SQLite) a node sees every request and
//! nothing is stored or read. A chat another node requeued first is skipped.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chatwire_core::{AccountId, AgentId, Availability, ChatCommand, ChatState, DomainError};
use chatwire_core::{ChatKey, Timestamp};

use crate::{Engine, EngineError};

/// Per account, per agent: a time this node noted.
type Marks = HashMap<AccountId, HashMap<AgentId, Timestamp>>;

/// How often one agent's sighting is written to a shared store: a quarter of the shorter of
/// the idle timeout and the requeue delay (those of them not 0), in milliseconds; `None` when
/// both are off. Other nodes allow this much extra before trusting the record.
pub(crate) fn heartbeat_every_ms(idle_ms: i64, requeue_ms: i64) -> Option<i64> {
    [idle_ms, requeue_ms]
        .into_iter()
        .filter(|ms| *ms > 0)
        .min()
        .map(|ms| ms / 4)
}

/// This node's view of one agent's requests.
#[derive(Debug, Clone, Copy)]
struct Sighting {
    /// The last request seen here.
    at: Timestamp,
    /// When this node last wrote a heartbeat for the agent (shared stores only).
    recorded: Option<Timestamp>,
}

/// This node's sightings of agents and when it first found them Offline with chats.
#[derive(Debug, Default)]
pub(crate) struct Liveness {
    /// Last authenticated request per agent.
    seen: Mutex<HashMap<AccountId, HashMap<AgentId, Sighting>>>,
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
    /// `Some(every)` (a shared store): whether a heartbeat is due, last one `every` ms ago or
    /// never; it then counts as written.
    fn touch(
        &self,
        account: &AccountId,
        agent: AgentId,
        now: Timestamp,
        heartbeat: Option<i64>,
    ) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let agents = if let Some(agents) = seen.get_mut(account) {
            agents
        } else {
            seen.entry(account.clone()).or_default()
        };
        let sighting = agents.entry(agent).or_insert(Sighting {
            at: now,
            recorded: None,
        });
        sighting.at = sighting.at.max(now);
        let Some(every) = heartbeat else {
            return false;
        };
        let due = sighting
            .recorded
            .is_none_or(|last| now.millis_since(last) >= every);
        if due {
            sighting.recorded = Some(now);
        }
        due
    }

    /// The last sighting, recording `now` as the first one when there is none.
    fn seen_or_now(&self, account: &AccountId, agent: AgentId, now: Timestamp) -> Timestamp {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.entry(account.clone())
            .or_default()
            .entry(agent)
            .or_insert(Sighting {
                at: now,
                recorded: None,
            })
            .at
    }

    /// Takes in a sighting another node stored (it only moves the local one forward).
    fn seen_elsewhere(&self, account: &AccountId, agent: AgentId, at: Timestamp) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = seen.get_mut(account).and_then(|a| a.get_mut(&agent)) {
            s.at = s.at.max(at);
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
    /// Notes that `agent` made an authenticated request now: in memory, plus a heartbeat in a
    /// shared store when one is due. A failed heartbeat is logged, never the request's error.
    pub(crate) async fn touch_agent(&self, account: &AccountId, agent: AgentId) {
        let now = self.now();
        if self
            .0
            .liveness
            .touch(account, agent, now, self.heartbeat_ms())
            && let Err(e) = self.0.store.record_agent_seen(account, agent, now).await
        {
            tracing::warn!(agent.id = agent.0, error = %e, "agent heartbeat failed");
        }
    }

    fn idle_ms(&self) -> i64 {
        i64::try_from(self.0.config.agent_idle_timeout.as_millis()).unwrap_or(i64::MAX)
    }

    fn requeue_ms(&self) -> i64 {
        i64::try_from(self.0.config.requeue_after.as_millis()).unwrap_or(i64::MAX)
    }

    /// The heartbeat period with a shared store; `None` with a store of its own.
    fn heartbeat_ms(&self) -> Option<i64> {
        self.is_shared()
            .then(|| heartbeat_every_ms(self.idle_ms(), self.requeue_ms()))
            .flatten()
    }

    /// One liveness pass over every account of the store: idle agents go Offline, then the
    /// chats of agents Offline and silent for `requeue_after` go back to the queue. The
    /// sweeper runs it once a minute (agents left Online by a restart, or by a node that
    /// stopped); tests call it directly.
    pub async fn sweep_agents(&self) -> LivenessSweep {
        match self.0.store.list_accounts().await {
            Ok(accounts) => {
                self.sweep_accounts(accounts.into_iter().map(|a| a.id))
                    .await
            }
            Err(e) => {
                tracing::warn!(error = %e, "liveness sweep: cannot list accounts");
                LivenessSweep::default()
            }
        }
    }

    /// The same pass over the accounts with agents seen by this node only: what the sweeper
    /// runs every few seconds, without listing (and reloading) every account of the store.
    pub(crate) async fn sweep_known_agents(&self) -> LivenessSweep {
        let known: Vec<AccountId> = {
            let seen = self.0.liveness.seen.lock();
            seen.unwrap_or_else(PoisonError::into_inner)
                .keys()
                .cloned()
                .collect()
        };
        self.sweep_accounts(known.into_iter()).await
    }

    async fn sweep_accounts(&self, accounts: impl Iterator<Item = AccountId>) -> LivenessSweep {
        let mut done = LivenessSweep::default();
        for account in accounts {
            match self.sweep_account_agents(&account).await {
                Ok(one) => {
                    done.went_offline += one.went_offline;
                    done.requeued += one.requeued;
                }
                Err(e) => tracing::warn!(account = %account, error = %e, "liveness sweep"),
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
        let idle_ms = self.idle_ms();
        let mut done = LivenessSweep::default();
        if idle_ms > 0 {
            let mut idle: Vec<AgentId> = self
                .agents(account)
                .await?
                .iter()
                .filter(|a| a.availability != Availability::Offline)
                .filter(|a| {
                    let seen = self.0.liveness.seen_or_now(account, a.id, now);
                    now.millis_since(seen) >= idle_ms
                })
                .map(|a| a.id)
                .collect();
            if self.is_shared() && !idle.is_empty() {
                idle = self.quiet_everywhere(account, idle, now, idle_ms).await?;
            }
            for agent in idle {
                self.set_availability(account, agent, Availability::Offline)
                    .await?;
                done.went_offline += 1;
            }
        }
        done.requeued = self.requeue_abandoned(account, now).await?;
        Ok(done)
    }

    /// Of the agents quiet for `quiet_ms` by this node's sightings, those other nodes have not
    /// seen either: the stored heartbeat is `quiet_ms` plus the heartbeat margin old (module
    /// docs).
    async fn quiet_everywhere(
        &self,
        account: &AccountId,
        quiet: Vec<AgentId>,
        now: Timestamp,
        quiet_ms: i64,
    ) -> Result<Vec<AgentId>, EngineError> {
        let stored: HashMap<AgentId, Timestamp> = self
            .0
            .store
            .agents_seen(account)
            .await?
            .into_iter()
            .collect();
        let limit = quiet_ms.saturating_add(self.heartbeat_ms().unwrap_or(0));
        Ok(quiet
            .into_iter()
            .filter(|id| match stored.get(id) {
                Some(at) if now.millis_since(*at) < limit => {
                    self.0.liveness.seen_elsewhere(account, *id, *at);
                    false
                }
                _ => true,
            })
            .collect())
    }

    /// Puts back in the queue the chats of agents who have been Offline, and silent, for at
    /// least `requeue_after`. Silent matters: a SuperOffice agent who set themselves not
    /// present to finish their chats without new ones keeps calling, and keeps their chats.
    async fn requeue_abandoned(
        &self,
        account: &AccountId,
        now: Timestamp,
    ) -> Result<usize, EngineError> {
        let after_ms = self.requeue_ms();
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
        let mut due: Vec<AgentId> = abandoned.iter().map(|(_, agent)| *agent).collect();
        due.sort_unstable();
        due.dedup();
        due.retain(|agent| {
            let since = self.0.liveness.offline_since(account, *agent, now);
            let seen = self.0.liveness.seen_or_now(account, *agent, now);
            now.millis_since(since) >= after_ms && now.millis_since(seen) >= after_ms
        });
        if self.is_shared() && !due.is_empty() {
            due = self.quiet_everywhere(account, due, now, after_ms).await?;
        }
        let mut requeued = 0;
        for (key, agent) in abandoned {
            if !due.contains(&agent) {
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
