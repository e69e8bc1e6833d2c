//! Deleting: one chat, everything about one visitor, and the per-account retention period
//! with its sweep. Deleted means gone from the store (events, search index, statistics'
//! facts, surveys, mail, and so the feed) and from this node's memory.
//!
//! Open chats are never deleted: deleting a chat someone is writing in would leave a visitor
//! or agent talking into nothing, so a delete or erasure touching an open chat is refused
//! (`Conflict`) and deletes nothing; end the chat first. Retention only sees ended chats.
//!
//! The retention sweep deletes in bounded steps (`RetentionConfig::batch` chats per
//! transaction) and pauses between steps, so the writers of live chats (SQLite's one writer
//! thread, PostgreSQL's row locks) wait at most one step.

use std::time::Duration;

use chatwire_core::history::{Erased, VisitorRef};
use chatwire_core::{AccountId, ChatKey, DomainError, Timestamp};

use crate::{AdminCaller, Engine, EngineResult};

const DAY_MS: i64 = 86_400_000;
/// Longest retention period, in days (100 years: "forever" is no period at all).
const MAX_RETENTION_DAYS: u32 = 36_500;

/// How the retention sweep runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionConfig {
    /// How often a pass runs; zero: never (retention periods are then not applied).
    pub every: Duration,
    /// Chats deleted per step (one transaction).
    pub batch: u32,
    /// Pause between steps, so live writes get the store between them.
    pub pause: Duration,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(600),
            batch: 25,
            pause: Duration::from_millis(10),
        }
    }
}

/// What one retention pass deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionRun {
    /// Everything deleted, all accounts together.
    pub erased: Erased,
    /// Steps (transactions) it took.
    pub steps: u32,
}

impl Engine {
    fn forget(&self, account: &AccountId, erased: &Erased) {
        if erased.chats.is_empty() {
            return;
        }
        self.0.live.remove(account, &erased.chats);
    }

    /// Deletes an ended chat of the caller's account with everything about it (admins only).
    /// `Conflict` while it is open; `NotFound` if the account has no such chat.
    pub async fn delete_chat_record(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        key: &ChatKey,
    ) -> EngineResult<Erased> {
        let admin = self.history_admin(by, account).await?;
        let erased = self.0.store.delete_chat(&admin.account, key).await?;
        self.forget(&admin.account, &erased);
        tracing::info!(account = %admin.account, chat.id = %key, events = erased.events, "chat deleted on request");
        Ok(erased)
    }

    /// Deletes everything about a visitor of the caller's account (admins only): their chats,
    /// surveys, offline messages and, by e-mail, mail sent to them. `Conflict`, deleting
    /// nothing, while one of their chats is open.
    pub async fn erase_visitor(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        who: &VisitorRef,
    ) -> EngineResult<Erased> {
        let admin = self.history_admin(by, account).await?;
        if let VisitorRef::Email(e) = who {
            let e = e.trim();
            if e.len() > 254
                || e.split_once('@')
                    .is_none_or(|(l, d)| l.is_empty() || d.is_empty())
            {
                return Err(DomainError::invalid("email", "not an e-mail address").into());
            }
        }
        let erased = self.0.store.erase_visitor(&admin.account, who).await?;
        self.forget(&admin.account, &erased);
        tracing::info!(account = %admin.account, chats = erased.chats.len(), "visitor erased on request");
        Ok(erased)
    }

    /// The caller's account retention period in days; `None`: kept forever (admins only).
    pub async fn retention(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<Option<u32>> {
        let admin = self.history_admin(by, account).await?;
        Ok(self.0.store.retention(&admin.account).await?)
    }

    /// Sets (1-36500 days) or clears the caller's account retention period (admins only).
    pub async fn set_retention(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        days: Option<u32>,
    ) -> EngineResult<()> {
        let admin = self.history_admin(by, account).await?;
        if days.is_some_and(|d| !(1..=MAX_RETENTION_DAYS).contains(&d)) {
            return Err(
                DomainError::invalid("days", "must be 1-36500, or null to keep forever").into(),
            );
        }
        Ok(self.0.store.set_retention(&admin.account, days).await?)
    }

    /// One retention pass over every account with a period: deletes their chats that ended
    /// more than the period ago, and their offline messages (survey responses about no chat)
    /// submitted before then, `batch` of each per step with a pause between steps.
    pub async fn run_retention(&self) -> EngineResult<RetentionRun> {
        let cfg = &self.0.config.retention;
        let batch = cfg.batch.max(1);
        let mut run = RetentionRun::default();
        for (account, days) in self.0.store.retention_policies().await? {
            let cutoff = Timestamp(self.now().0 - i64::from(days) * DAY_MS);
            loop {
                if self.0.shutdown.is_cancelled() {
                    return Ok(run);
                }
                let step = self
                    .0
                    .store
                    .sweep_retention(&account, cutoff, batch)
                    .await?;
                run.steps += 1;
                // A step takes up to `batch` chats and up to `batch` chat-less survey
                // responses (offline messages); a short count of both means none are left.
                let done =
                    step.chats.len() < batch as usize && step.chatless_responses < u64::from(batch);
                self.forget(&account, &step);
                run.erased.add(step);
                if done {
                    break;
                }
                tokio::time::sleep(cfg.pause).await;
            }
        }
        if !run.erased.chats.is_empty() {
            tracing::info!(
                chats = run.erased.chats.len(),
                events = run.erased.events,
                steps = run.steps,
                "retention pass"
            );
        }
        Ok(run)
    }
}

/// Starts the retention task (a pass every `RetentionConfig::every`, the first one after one
/// period); it stops at shutdown.
pub(crate) fn spawn(engine: Engine) {
    let every = engine.0.config.retention.every;
    if every.is_zero() {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(e) = engine.run_retention().await {
                        tracing::warn!(error = %e, "retention pass failed");
                    }
                }
                () = engine.0.shutdown.cancelled() => break,
            }
        }
    });
}
