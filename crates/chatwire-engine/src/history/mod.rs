//! History, statistics, offline messages, deletion and retention (issue 15, items 3-5): the
//! use cases of an account's past, for its admins.
//!
//! Rules owned here:
//! - who may use them ([`Engine::history_admin`], the one access check of this module: an
//!   admin agent of the account; extend it there when other admin callers exist);
//! - what a valid request is (limits, ranges, cursors), refused as `DomainError::Invalid`
//!   naming the field;
//! - that a deleted chat leaves memory too (the live index forgets it).
//!
//! Submodules: `search` (history pages and one chat's record), `stats`, `offline`
//! (offline messages), `erasure` (delete a chat, erase a visitor, retention and its sweep).

mod erasure;
mod offline;
mod search;
mod stats;

pub(crate) use erasure::spawn as spawn_retention;
pub use erasure::{RetentionConfig, RetentionRun};
pub use offline::MAX_OFFLINE_PAGE;
pub use search::{HistoryChat, HistoryFilter, HistoryPage};
pub use stats::{MAX_STATS_RANGE_DAYS, StatsQuery};

use chatwire_core::{AccountId, AgentId, DomainError};

use crate::{Caller, Engine, EngineError, EngineResult};

/// Who passed [`Engine::history_admin`]: the account, and the admin agent when the caller is
/// one (an admin acting through another kind of credential would have none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryAdmin {
    /// The account whose past is read or deleted.
    pub account: AccountId,
    /// The admin agent.
    pub agent: Option<AgentId>,
}

impl Engine {
    /// Checks that `caller` may read and delete its account's history, statistics and offline
    /// messages: admin agents of the account. App keys and other agents are `Forbidden`.
    pub async fn history_admin(&self, caller: &Caller) -> EngineResult<HistoryAdmin> {
        match caller {
            Caller::Agent(who) if self.agent(&who.account, who.agent).await?.is_admin => {
                Ok(HistoryAdmin {
                    account: who.account.clone(),
                    agent: Some(who.agent),
                })
            }
            _ => Err(EngineError::Forbidden(
                "history, statistics and erasure are for the account's admins",
            )),
        }
    }
}

/// A page size from the request: `default` when absent, else within `1..=max`.
pub(crate) fn page_limit(limit: Option<u32>, default: u32, max: u32) -> EngineResult<u32> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(DomainError::invalid("limit", format!("must be 1-{max}")).into()),
    }
}
