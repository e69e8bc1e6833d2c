//! History, statistics, offline messages, deletion and retention (issue 15, items 3-5): the
//! use cases of an account's past, for its admins.
//!
//! Rules owned here:
//! - who may use them ([`Engine::history_admin`], the one access check of this module: an
//!   [`AdminCaller`] that manages the account: an admin agent of it, the local operator, and
//!   whatever `admin_caller` admits later);
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

use crate::{AdminCaller, Engine, EngineResult};

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
    /// Checks that `by` may read and delete `account`'s history, statistics and offline
    /// messages: it must manage the account (`NotFound("account")` otherwise, so a caller of
    /// another account learns nothing). The account must exist.
    pub async fn history_admin(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<HistoryAdmin> {
        by.check_account(account)?;
        self.account(account).await?;
        Ok(HistoryAdmin {
            account: account.clone(),
            agent: by.agent(),
        })
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
