//! Statistics of an account from the store (so nothing is lost on restart): per-chat facts of
//! a time range, aggregated per hour, day, skill or agent (`chatwire_core::history::aggregate`).

use chatwire_core::history::{StatsBy, StatsRow, aggregate};
use chatwire_core::{AccountId, AgentId, DomainError, SkillId, Timestamp};

use crate::{AdminCaller, Engine, EngineResult};

/// Longest range one statistics request covers, in days (a quarter): the facts of the range
/// are read whole, so the range bounds the work.
pub const MAX_STATS_RANGE_DAYS: i64 = 92;
const DAY_MS: i64 = 86_400_000;

/// What a statistics request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    /// Chats requested at or after (default: `to` minus one day).
    pub from: Option<Timestamp>,
    /// Chats requested before (default: now).
    pub to: Option<Timestamp>,
    /// Grouping.
    pub by: StatsBy,
    /// Only chats of this skill.
    pub skill: Option<SkillId>,
    /// Only chats (last) handled by this agent.
    pub agent: Option<AgentId>,
}

impl Engine {
    /// The range `q` asks for, with its defaults filled in: up to now, over the last day.
    pub fn stats_range(&self, q: &StatsQuery) -> (Timestamp, Timestamp) {
        let to = q.to.unwrap_or_else(|| self.now());
        let from = q.from.unwrap_or(Timestamp(to.0.saturating_sub(DAY_MS)));
        (from, to)
    }

    /// Statistics of the caller's account (admins only). Rows in key order; `by: Total`
    /// always gives one row.
    pub async fn chat_stats(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        q: &StatsQuery,
    ) -> EngineResult<Vec<StatsRow>> {
        let admin = self.history_admin(by, account).await?;
        let (from, to) = self.stats_range(q);
        if to <= from {
            return Err(DomainError::invalid("to", "must be after from").into());
        }
        // Checked: times from a caller may be anything an i64 holds.
        if to
            .0
            .checked_sub(from.0)
            .is_none_or(|span| span > MAX_STATS_RANGE_DAYS * DAY_MS)
        {
            return Err(DomainError::invalid("to", "the range is at most 92 days").into());
        }
        let mut facts = self.0.store.chat_facts(&admin.account, from, to).await?;
        facts.retain(|f| {
            q.skill.is_none_or(|s| f.skill == Some(s)) && q.agent.is_none_or(|a| f.agent == Some(a))
        });
        Ok(aggregate(&facts, q.by))
    }
}
