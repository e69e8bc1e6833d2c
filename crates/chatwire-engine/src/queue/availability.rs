//! Whether a visitor can chat now: availability (LivePerson `chat/availability`), what an
//! availability question names, and the estimated wait time.
//!
//! Estimated wait time comes from the queue and the waits of recently accepted chats, kept in
//! memory per account and skill (the last [`WAIT_SAMPLES`] accepts, [`WaitStats`]).

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use chatwire_core::routing;
use chatwire_core::{
    AccountId, AgentId, Availability, Chat, ChatEvent, ChatState, EventKind, SkillId,
};
use chatwire_store::Committed;

use crate::{Engine, EngineResult};

/// Accepts remembered per account and skill for the estimate.
pub(crate) const WAIT_SAMPLES: usize = 50;

/// Waits of one account and skill, newest last.
type Samples = HashMap<(AccountId, Option<SkillId>), VecDeque<i64>>;

/// Recent waits (request → accept), milliseconds, per account and skill.
#[derive(Debug, Default)]
pub(crate) struct WaitStats {
    samples: Mutex<Samples>,
}

impl WaitStats {
    /// Records the waits of chats accepted by this commit.
    pub(crate) fn record(&self, committed: &Committed) {
        self.record_events(&committed.chat, &committed.events);
    }

    /// Records the wait of `chat` if `events` (a commit's, or those a wake-up carried)
    /// accepted it.
    pub(crate) fn record_events(&self, chat: &Chat, events: &[ChatEvent]) {
        let accepted = events.iter().any(|e| {
            matches!(&e.kind, EventKind::State(s) if s.state == ChatState::Chatting)
                && chat.accepted_at == Some(e.at)
        });
        if accepted {
            self.record_accept(chat);
        }
    }

    /// Records the wait of `chat`, just accepted (known from its snapshot alone, as when
    /// another node's wake-up carried it).
    pub(crate) fn record_accept(&self, chat: &Chat) {
        let Some(at) = chat.accepted_at else {
            return;
        };
        let mut samples = self.samples.lock().unwrap_or_else(PoisonError::into_inner);
        let q = samples
            .entry((chat.account.clone(), chat.skill))
            .or_default();
        q.push_back(at.millis_since(chat.started_at));
        while q.len() > WAIT_SAMPLES {
            q.pop_front();
        }
    }

    /// The average recent wait of `skill` (any skill: `None`), if any was recorded.
    pub(crate) fn average_ms(&self, account: &AccountId, skill: Option<SkillId>) -> Option<i64> {
        let samples = self.samples.lock().unwrap_or_else(PoisonError::into_inner);
        let all: Vec<i64> = samples
            .iter()
            .filter(|((a, s), _)| a == account && (skill.is_none() || *s == skill))
            .flat_map(|(_, q)| q.iter().copied())
            .collect();
        (!all.is_empty()).then(|| all.iter().sum::<i64>() / i64::try_from(all.len()).unwrap_or(1))
    }
}

impl Engine {
    /// Whether a visitor can chat now (LivePerson `chat/availability`). With an agent: that
    /// agent is Online with a free slot. With `max_wait` 0: someone with the skill has a free
    /// slot now. Without `max_wait`: someone with the skill is Online, whatever the queue.
    /// Otherwise: the estimated wait is within `max_wait` seconds. A skill outside its opening
    /// hours is unavailable whatever its agents.
    pub async fn visitor_availability(
        &self,
        account: &AccountId,
        skill: Option<SkillId>,
        agent: Option<AgentId>,
        max_wait: Option<u32>,
    ) -> EngineResult<bool> {
        if agent.is_none() && self.is_closed_now(account, skill).await? {
            return Ok(false);
        }
        if let Some(agent) = agent {
            let load = self.agent_load(account, agent).await?;
            return Ok(load.agent.availability == Availability::Online
                && load.free_slots().is_none_or(|n| n > 0));
        }
        let online = self
            .agents(account)
            .await?
            .iter()
            .any(|a| routing::is_available_for(a, skill));
        Ok(match max_wait {
            None => online,
            Some(0) => {
                self.available_slots(account, skill, None)
                    .await?
                    .is_none_or(|n| n > 0)
                    && online
            }
            Some(limit) => match self.estimated_wait(account, skill).await? {
                -1 => false,
                -2 => true,
                secs => secs <= i64::from(limit),
            },
        })
    }

    /// What an availability question (LivePerson `availability`, `availableSlots`,
    /// `availableAgents`; visitor or agent side) names: the skill by name or id and the agent
    /// by login name, `None` where it names none. Unknown ones are `NotFound`.
    pub async fn availability_filter(
        &self,
        account: &AccountId,
        skill: Option<&str>,
        agent: Option<&str>,
    ) -> EngineResult<(Option<SkillId>, Option<AgentId>)> {
        let skill = match skill {
            Some(name) => Some(self.skill_by_name_or_id(account, name).await?.id),
            None => None,
        };
        let agent = match agent {
            Some(login) => Some(self.agent_by_login(account, login).await?.id),
            None => None,
        };
        Ok((skill, agent))
    }

    /// Estimated wait in seconds for a new chat: 0 when an agent has a free slot now, -1 when
    /// nobody with the skill is Online, -2 when there is no accept history to estimate from;
    /// otherwise the average recent wait times the queue ahead, shared among the Online agents.
    /// A skill outside its opening hours is -1 (the service is unavailable).
    pub async fn estimated_wait(
        &self,
        account: &AccountId,
        skill: Option<SkillId>,
    ) -> EngineResult<i64> {
        if self.is_closed_now(account, skill).await? {
            return Ok(-1);
        }
        let online = self
            .agents(account)
            .await?
            .iter()
            .filter(|a| routing::is_available_for(a, skill))
            .count();
        if online == 0 {
            return Ok(-1);
        }
        if self
            .available_slots(account, skill, None)
            .await?
            .is_none_or(|n| n > 0)
        {
            return Ok(0);
        }
        let Some(avg_ms) = self.0.waits.average_ms(account, skill) else {
            return Ok(-2);
        };
        let queued = self
            .open_chats(account)
            .iter()
            .filter(|c| c.state == ChatState::Waiting && skill.is_none_or(|s| c.skill == Some(s)))
            .count();
        let ahead = i64::try_from(queued + 1).unwrap_or(i64::MAX);
        let agents = i64::try_from(online).unwrap_or(1).max(1);
        Ok((avg_ms.saturating_mul(ahead) / agents + 999) / 1000)
    }
}
