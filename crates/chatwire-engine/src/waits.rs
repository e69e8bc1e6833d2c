//! Long-poll waits: return as soon as something newer than the caller's cursor exists, or
//! empty at the deadline, or at shutdown.
//!
//! Every wait registers with the notifier *before* sampling, then waits on the registration,
//! so a commit between the sample and the wait still wakes it (house style §5, rule 1).
//! Notifications are sent only after commits, so a woken waiter always finds the change.

use std::time::Duration;

use chatwire_core::{AccountId, AgentId, GlobalSeq};
use chatwire_store::FeedItem;
use futures::future::select_all;
use tokio::sync::watch;

use crate::{Caller, Engine, EngineResult, Topic};

impl Engine {
    /// The wait a client asked for, clamped to the configured maximum.
    pub fn clamp_wait(&self, asked: Duration) -> Duration {
        asked.min(self.0.config.max_wait)
    }

    /// Waits until any receiver changes, the deadline passes, or shutdown; `true` if woken.
    pub(crate) async fn wait_any(
        &self,
        receivers: &mut [watch::Receiver<u64>],
        deadline: tokio::time::Instant,
    ) -> bool {
        if receivers.is_empty() {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => {}
                () = self.0.shutdown.cancelled() => {}
            }
            return false;
        }
        let changed = select_all(receivers.iter_mut().map(|r| Box::pin(r.changed())));
        tokio::select! {
            (res, _, _) = changed => res.is_ok() && !self.0.shutdown.is_cancelled(),
            () = tokio::time::sleep_until(deadline) => false,
            () = self.0.shutdown.cancelled() => false,
        }
    }

    /// The ring count; when nothing rings, waits up to `wait` for something to.
    pub async fn wait_ring_count(
        &self,
        account: &AccountId,
        agent: AgentId,
        wait: Duration,
    ) -> EngineResult<u32> {
        let deadline = tokio::time::Instant::now() + self.clamp_wait(wait);
        loop {
            let mut receivers = [self.0.notifier.subscribe(Topic::Account(account.clone()))];
            let count = self.ring_count(account, agent).await?;
            if count > 0 || wait.is_zero() || !self.wait_any(&mut receivers, deadline).await {
                return Ok(count);
            }
        }
    }

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
}

/// A long-poll wait as clients write it (`wait=25`): whole seconds, 0 or more, blanks around
/// ignored; `None` for anything else. The one parser of `wait`: what a bad value means is the
/// caller's (no wait in [`wait_secs`]; SuperOffice refuses it).
pub fn parse_wait(text: &str) -> Option<Duration> {
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A wait parsed from a query value in seconds (`wait=25`); absent or unparsable is no wait.
pub fn wait_secs(value: Option<&str>) -> Duration {
    value.and_then(parse_wait).unwrap_or(Duration::ZERO)
}

impl Engine {
    /// Checks that `caller` may read its account's feed: admin agents, and app keys granted
    /// the feed right. Others are `Forbidden`.
    pub async fn check_feed_reader(&self, caller: &Caller) -> EngineResult<()> {
        let allowed = match caller {
            Caller::Agent(who) => self.agent(&who.account, who.agent).await?.is_admin,
            Caller::Visitor(visitor) => visitor.app_key().can_read_feed,
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
