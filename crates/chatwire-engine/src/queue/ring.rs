//! Ring timeout (`EngineConfig::ring_timeout`, `[routing] ring_timeout_secs`): with it, a
//! waiting chat rings one agent at a time, and an agent who lets chats ring out again and
//! again goes Away (`EngineConfig::away_after_ring_outs`).
//!
//! Without a ring timeout (0, the default) a waiting chat rings every eligible agent at once
//! and the first accept wins (`chatwire_core::routing`). With one, the chat carries the agent
//! whose turn it is as a stored fact (`Chat::preferred_agent`, the same field that makes a
//! chat requesting a named agent ring that agent alone), so every node routes it alike:
//!
//! - the first turn goes to the least busy eligible agent (fewest chats, then lowest id);
//! - a turn lasts `ring_timeout`; then the next eligible agent by id (wrapping round, so an
//!   agent left alone is rung again) gets it, and the agent whose turn ran out, if they could
//!   have taken it, counts one ring-out;
//! - a turn also ends early, without a ring-out, when its agent can no longer take the chat
//!   (not Online, full, disabled);
//! - personal transfers are offers to one agent already and are left alone; a chat requesting
//!   a named agent gives that agent the first turn, `agent_first_wait` long.
//!
//! Eligible: what `routing::is_routed_to` says for the chat without a turn, with a free slot.
//! Moving a turn is a compare-and-set commit (`ChatCommand::RingNext`), so of several nodes'
//! sweepers only one moves it and counts the ring-out. Ring-outs "in a row" (reset when the
//! agent takes a chat) are counted in the store when nodes share it (`Store::add_ring_out`),
//! in memory otherwise; at `away_after_ring_outs` the agent goes Away by the ordinary
//! availability change (both dialects and the account feed see it).

use std::collections::HashMap;
use std::sync::PoisonError;

use chatwire_core::chat::PreferredAgent;
use chatwire_core::routing::{self, AgentLoad};
use chatwire_core::{
    AccountId, AgentId, Availability, Chat, ChatCommand, ChatState, Timestamp, TransferTarget,
};

use crate::{Engine, EngineError, EngineResult};

/// What one ring pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RingSweep {
    /// Turns given (first turns and moves).
    pub rung: usize,
    /// Turns that ran out on an agent who could have taken the chat.
    pub rang_out: usize,
    /// Agents set Away for ringing out too often.
    pub went_away: usize,
}

/// Whether the chat takes turns at all: waiting, and not a personal offer.
fn takes_turns(chat: &Chat) -> bool {
    chat.state == ChatState::Waiting
        && !matches!(
            chat.transfer.as_ref().map(|t| &t.target),
            Some(TransferTarget::Agent { .. })
        )
}

/// The agents who may take `chat` now, whoever's turn it is.
fn eligible(chat: &Chat, loads: &[AgentLoad]) -> Vec<AgentId> {
    let mut probe = chat.clone();
    probe.preferred_agent = None;
    loads
        .iter()
        .filter(|l| routing::is_routed_to(l, &probe) && l.free_slots().is_none_or(|n| n > 0))
        .map(|l| l.agent.id)
        .collect()
}

/// Who gets the next turn: the least busy eligible agent for a first turn, else the next
/// eligible agent by id after `after` (wrapping round).
fn next_agent(
    eligible: &[AgentId],
    loads: &[AgentLoad],
    after: Option<AgentId>,
) -> Option<AgentId> {
    match after {
        None => loads
            .iter()
            .filter(|l| eligible.contains(&l.agent.id))
            .min_by_key(|l| (l.active_chats, l.agent.id))
            .map(|l| l.agent.id),
        Some(last) => {
            let mut ids = eligible.to_vec();
            ids.sort_unstable();
            ids.iter()
                .find(|id| **id > last)
                .or_else(|| ids.first())
                .copied()
        }
    }
}

impl Engine {
    /// The ring timeout in milliseconds; `None` when agents ring all at once.
    pub(crate) fn ring_timeout_ms(&self) -> Option<i64> {
        let ms = i64::try_from(self.0.config.ring_timeout.as_millis()).unwrap_or(i64::MAX);
        (ms > 0).then_some(ms)
    }

    /// The account's agents with their loads, from memory.
    async fn loads(&self, account: &AccountId) -> EngineResult<Vec<AgentLoad>> {
        let open = self.0.live.open_chats(account);
        Ok(self
            .agents(account)
            .await?
            .into_iter()
            .map(|a| AgentLoad::count(a, &open))
            .collect())
    }

    /// After a commit: a chat that just became waiting (a new chat, a requeue, a transfer to
    /// a skill, a named agent's wait over) gets its first turn at once rather than at the
    /// next sweep. Runs on its own task: the commit is done whatever happens here.
    pub(crate) fn ring_if_unrung(&self, chat: &Chat) {
        if self.ring_timeout_ms().is_none() || !takes_turns(chat) || chat.preferred_agent.is_some()
        {
            return;
        }
        let engine = self.clone();
        let (account, key) = (chat.account.clone(), chat.key.clone());
        tokio::spawn(async move {
            let Ok(chat) = engine.chat(&account, &key).await else {
                return;
            };
            if let Err(e) = engine
                .ring_turn(&chat, engine.now(), &mut RingSweep::default())
                .await
            {
                tracing::warn!(chat.id = %key, error = %e, "first ring failed");
            }
        });
    }

    /// Gives a new chat its first turn now (a failure is logged: the sweeper retries).
    pub(crate) async fn ring_first(&self, chat: &Chat) {
        if let Err(e) = self
            .ring_turn(chat, self.now(), &mut RingSweep::default())
            .await
        {
            tracing::warn!(chat.id = %chat.key, error = %e, "first ring failed");
        }
    }

    /// One ring pass over the chats in memory: first turns, turns run out, turns of agents
    /// who can no longer take the chat. The sweeper runs it every tick when a ring timeout is
    /// set; tests call it directly.
    pub async fn sweep_rings(&self) -> RingSweep {
        let mut done = RingSweep::default();
        if self.ring_timeout_ms().is_none() {
            return done;
        }
        let now = self.now();
        let waiting: Vec<std::sync::Arc<Chat>> = self
            .0
            .live
            .all()
            .iter()
            .map(|tail| crate::runtime::live::lock(tail).chat.clone())
            .filter(|c| takes_turns(c))
            .collect();
        for chat in waiting {
            if let Err(e) = self.ring_turn(&chat, now, &mut done).await {
                tracing::warn!(chat.id = %chat.key, error = %e, "ring turn failed");
            }
        }
        if done.rang_out > 0 || done.went_away > 0 {
            tracing::info!(
                rang_out = done.rang_out,
                went_away = done.went_away,
                "ring timeout"
            );
        }
        done
    }

    /// Gives `chat` its next turn when one is due (module docs), counting a ring-out.
    async fn ring_turn(
        &self,
        chat: &Chat,
        now: Timestamp,
        done: &mut RingSweep,
    ) -> EngineResult<()> {
        let Some(timeout) = self.ring_timeout_ms() else {
            return Ok(());
        };
        let loads = self.loads(&chat.account).await?;
        let eligible = eligible(chat, &loads);
        let current = chat.preferred_agent.clone();
        let rang_out = match &current {
            None => None,
            Some(turn) if !eligible.contains(&turn.id) => None,
            Some(turn) if turn.until <= now => Some(turn.id),
            Some(_) => return Ok(()),
        };
        let next = next_agent(&eligible, &loads, current.as_ref().map(|t| t.id));
        if current.is_none() && next.is_none() {
            // Nobody can take it: nothing to change (it rings whoever becomes eligible, and
            // the next pass gives that agent a turn).
            return Ok(());
        }
        let to = next.map(|id| PreferredAgent {
            id,
            until: Timestamp(now.0.saturating_add(timeout)),
        });
        let cmd = ChatCommand::RingNext { from: current, to };
        match self.commit(&chat.account, &chat.key, cmd).await {
            Ok(_) => done.rung += usize::from(next.is_some()),
            // Taken, ended, or moved by another node first: nothing to count here.
            Err(EngineError::Domain(_)) => return Ok(()),
            Err(e) => return Err(e),
        }
        if let Some(agent) = rang_out {
            done.rang_out += 1;
            if self.note_ring_out(&chat.account, agent).await? {
                done.went_away += 1;
            }
        }
        Ok(())
    }

    /// Counts a ring-out of `agent`; at `away_after_ring_outs` in a row sets them Away (and
    /// starts the count again). Returns whether they went Away.
    async fn note_ring_out(&self, account: &AccountId, agent: AgentId) -> EngineResult<bool> {
        let limit = self.0.config.away_after_ring_outs;
        if limit == 0 {
            return Ok(false);
        }
        let count = if self.is_shared() {
            self.0.store.add_ring_out(account, agent).await?
        } else {
            let mut counts = self
                .0
                .ring_outs
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let count = counts.entry((account.clone(), agent)).or_insert(0);
            *count = count.saturating_add(1);
            *count
        };
        if count < limit {
            return Ok(false);
        }
        self.clear_ring_outs(account, agent).await?;
        let before = self.agent(account, agent).await?.availability;
        if before != Availability::Online {
            return Ok(false);
        }
        self.set_availability(account, agent, Availability::Away)
            .await?;
        tracing::info!(agent.id = agent.0, ring_outs = count, "agent set Away");
        Ok(true)
    }

    /// Starts `agent`'s ring-out count again (they took a chat). Only with a ring timeout; a
    /// failure is logged, never the accept's error.
    pub(crate) async fn reset_ring_outs(&self, account: &AccountId, agent: AgentId) {
        if self.ring_timeout_ms().is_none() || self.0.config.away_after_ring_outs == 0 {
            return;
        }
        if let Err(e) = self.clear_ring_outs(account, agent).await {
            tracing::warn!(agent.id = agent.0, error = %e, "ring-out reset failed");
        }
    }

    async fn clear_ring_outs(&self, account: &AccountId, agent: AgentId) -> EngineResult<()> {
        if self.is_shared() {
            self.0.store.clear_ring_outs(account, agent).await?;
        } else {
            self.0
                .ring_outs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&(account.clone(), agent));
        }
        Ok(())
    }
}

/// Ring-out counts kept in memory when no other node shares the store.
pub(crate) type RingOuts = std::sync::Mutex<HashMap<(AccountId, AgentId), u32>>;
