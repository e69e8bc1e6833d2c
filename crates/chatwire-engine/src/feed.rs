//! The account feed: every event of every chat of an account in commit order, with an optional
//! wait for the next commit, and who may read it (the feed right).
//!
//! Rules owned here: only admin agents and app keys granted the feed right read the feed; a
//! read is clamped to the configured page size and wait.

use std::time::Duration;

use chatwire_core::GlobalSeq;
use chatwire_store::FeedItem;

use crate::caller::Credential;
use crate::{Caller, Engine, EngineResult, Topic};

impl Engine {
    /// The caller's account feed after `after` (every event of every chat, in sequence
    /// order); when empty, waits up to `wait` for the next commit in the account. Refused
    /// unless the caller may read the feed ([`Engine::check_feed_reader`]).
    pub async fn feed(
        &self,
        caller: &Caller,
        after: GlobalSeq,
        limit: u32,
        wait: Duration,
    ) -> EngineResult<Vec<FeedItem>> {
        self.check_feed_reader(caller).await?;
        let account = caller.account();
        let deadline = tokio::time::Instant::now() + self.clamp_wait(wait);
        let limit = limit.clamp(1, self.0.config.max_events_per_read);
        loop {
            let mut receivers = [self.0.notifier.subscribe(Topic::Account(account.clone()))];
            let items = self.0.store.feed_since(account, after, limit).await?;
            if !items.is_empty() || wait.is_zero() || !self.wait_any(&mut receivers, deadline).await
            {
                return Ok(items);
            }
        }
    }

    /// Checks that `caller` may read its account's feed now: enabled admin agents whose login
    /// still exists, and existing app keys granted the feed right. Others are `Forbidden` (or
    /// `Unauthorized` for a credential that no longer exists).
    pub async fn check_feed_reader(&self, caller: &Caller) -> EngineResult<()> {
        // As things are now, not as they were when the caller connected: a stream keeps
        // calling this, and a demoted admin or a withdrawn key must stop reading.
        let allowed = match self.current_credential(caller).await? {
            Credential::Agent(agent) => agent.is_admin,
            Credential::AppKey(key) => key.can_read_feed,
        };
        if allowed {
            Ok(())
        } else {
            Err(crate::EngineError::Forbidden(
                "the account feed is for admins and app keys with the feed right",
            ))
        }
    }
}
