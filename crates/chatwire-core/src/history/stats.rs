//! Statistics: one [`ChatFact`] per chat (what the store keeps in the chat's own row, so
//! deleting the chat deletes its statistics' raw data), aggregated in memory per hour, day,
//! skill or agent. The store reads only the facts of the asked time range through an index, so
//! a month of a busy account is one range scan of small rows; percentiles are exact (sorted).

use std::collections::BTreeMap;

use crate::{AgentId, SkillId, Timestamp};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What statistics know of one chat.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChatFact {
    /// Its skill.
    pub skill: Option<SkillId>,
    /// Its handling or last agent.
    pub agent: Option<AgentId>,
    /// When it was requested.
    pub requested_at: Timestamp,
    /// When an agent first accepted it.
    pub accepted_at: Option<Timestamp>,
    /// When it ended.
    pub ended_at: Option<Timestamp>,
    /// Visitor and agent lines written in it.
    pub lines: u32,
    /// Sum of the numeric answers of its exit surveys.
    pub score_sum: f64,
    /// How many numeric answers its exit surveys had.
    pub score_count: u32,
}

/// How statistics are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsBy {
    /// One row for the whole range.
    Total,
    /// Per hour of request time (UTC).
    Hour,
    /// Per day of request time (UTC).
    Day,
    /// Per skill.
    Skill,
    /// Per (last) agent.
    Agent,
}

/// The group a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatsKey {
    /// The whole range.
    Total,
    /// The hour or day starting at this instant.
    Period(Timestamp),
    /// A skill (`None`: chats without one).
    Skill(Option<SkillId>),
    /// An agent (`None`: chats no agent accepted).
    Agent(Option<AgentId>),
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRow {
    /// The group.
    pub key: StatsKey,
    /// Chats requested.
    pub requested: u64,
    /// Chats an agent accepted.
    pub accepted: u64,
    /// Chats that ended while waiting (no agent ever accepted).
    pub missed: u64,
    /// Median wait from request to first accept, of accepted chats, in ms.
    pub wait_p50_ms: Option<i64>,
    /// 90th percentile of that wait, in ms.
    pub wait_p90_ms: Option<i64>,
    /// Mean time from first accept to end, of accepted and ended chats, in ms.
    pub handle_avg_ms: Option<i64>,
    /// Median of that time, in ms.
    pub handle_p50_ms: Option<i64>,
    /// Visitor and agent lines.
    pub lines: u64,
    /// Numeric exit-survey answers.
    pub survey_answers: u64,
    /// Their mean.
    pub survey_avg: Option<f64>,
}

#[derive(Default)]
struct Acc {
    requested: u64,
    accepted: u64,
    missed: u64,
    waits: Vec<i64>,
    handles: Vec<i64>,
    lines: u64,
    score_sum: f64,
    score_count: u64,
}

/// The nearest-rank `p`-th percentile (0-100) of `sorted` (ascending); `None` when empty.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    let idx = usize::try_from(rank - 1)
        .unwrap_or(usize::MAX)
        .min(sorted.len() - 1);
    sorted.get(idx).copied()
}

fn key_of(f: &ChatFact, by: StatsBy) -> StatsKey {
    match by {
        StatsBy::Total => StatsKey::Total,
        StatsBy::Hour => {
            StatsKey::Period(Timestamp(f.requested_at.0.div_euclid(HOUR_MS) * HOUR_MS))
        }
        StatsBy::Day => StatsKey::Period(Timestamp(f.requested_at.0.div_euclid(DAY_MS) * DAY_MS)),
        StatsBy::Skill => StatsKey::Skill(f.skill),
        StatsBy::Agent => StatsKey::Agent(f.agent),
    }
}

/// Groups `facts` by `by`; rows in key order. An empty input gives no rows (a total over no
/// chats is one row of zeros, so a caller always gets the total).
pub fn aggregate(facts: &[ChatFact], by: StatsBy) -> Vec<StatsRow> {
    let mut groups: BTreeMap<StatsKey, Acc> = BTreeMap::new();
    if by == StatsBy::Total {
        groups.entry(StatsKey::Total).or_default();
    }
    for f in facts {
        let acc = groups.entry(key_of(f, by)).or_default();
        acc.requested += 1;
        match (f.accepted_at, f.ended_at) {
            (Some(a), end) => {
                acc.accepted += 1;
                acc.waits.push((a.0 - f.requested_at.0).max(0));
                if let Some(e) = end {
                    acc.handles.push((e.0 - a.0).max(0));
                }
            }
            (None, Some(_)) => acc.missed += 1,
            (None, None) => {}
        }
        acc.lines += u64::from(f.lines);
        acc.score_sum += f.score_sum;
        acc.score_count += u64::from(f.score_count);
    }
    groups
        .into_iter()
        .map(|(key, mut a)| {
            a.waits.sort_unstable();
            a.handles.sort_unstable();
            let handle_avg_ms = (!a.handles.is_empty()).then(|| {
                let sum: i128 = a.handles.iter().map(|&h| i128::from(h)).sum();
                i64::try_from(sum / a.handles.len() as i128).unwrap_or(i64::MAX)
            });
            StatsRow {
                key,
                requested: a.requested,
                accepted: a.accepted,
                missed: a.missed,
                wait_p50_ms: percentile(&a.waits, 50),
                wait_p90_ms: percentile(&a.waits, 90),
                handle_avg_ms,
                handle_p50_ms: percentile(&a.handles, 50),
                lines: a.lines,
                survey_answers: a.score_count,
                #[allow(clippy::cast_precision_loss)] // counts far below 2^52
                survey_avg: (a.score_count > 0).then(|| a.score_sum / a.score_count as f64),
            }
        })
        .collect()
}
