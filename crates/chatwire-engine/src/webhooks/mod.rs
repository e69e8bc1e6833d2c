//! Outbound webhooks: an account's subscriptions as admins manage them (`admin`), and the
//! delivery worker that posts every subscribed event to each subscription, in order, at least
//! once (`worker`, with one HTTP attempt in `attempt`, signatures in `signature` and the retry
//! schedule in `schedule`).
//!
//! Rules owned here: who may manage subscriptions (an `AdminCaller` of the account); what a
//! target URL and secret must be (through `chatwire_core::webhook`); that each subscription
//! has one attempt in flight at a time (the store's claim, a lease) and moves on only when the
//! receiver answered 2xx or the event was dead-lettered after `max_age` of failures; that a
//! failing receiver delays nobody else (each claimed subscription is its own task, and the
//! append path only wakes the worker).
//!
//! What it must not do: know the payload's wire shape. The API crate renders it (a
//! [`WebhookRenderer`] handed to [`Engine::start_webhooks`]), as it renders the feed.

mod admin;
mod attempt;
mod schedule;
pub(crate) mod signature;
mod worker;

use std::collections::HashSet;
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chatwire_core::{AccountId, DomainError, FeedItem, Webhook, WebhookKind};
use chatwire_store::Committed;
use tokio::sync::Notify;

use crate::Engine;

pub use admin::{MAX_WEBHOOKS_PER_ACCOUNT, ReplayOutcome, WebhookInput, WebhookPatch};
pub use signature::sign as sign_webhook;

/// Delivery settings (the binary fills them from `[webhooks]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    /// Whole-request timeout of one attempt (connect, send, answer).
    pub timeout: Duration,
    /// How long an event is retried after its first failed attempt before it is
    /// dead-lettered (at least 24 h by default).
    pub max_age: Duration,
    /// Wait after the first failure; doubles with each further one, with jitter.
    pub retry_initial: Duration,
    /// Longest wait between attempts (a `Retry-After` may ask for longer).
    pub retry_max: Duration,
    /// How often the worker looks for due subscriptions without being woken (retries, other
    /// nodes' commits).
    pub poll_interval: Duration,
    /// Most attempts in flight at once on this node (each for a different subscription).
    pub max_in_flight: usize,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            max_age: Duration::from_secs(24 * 3600),
            retry_initial: Duration::from_secs(5),
            retry_max: Duration::from_secs(3600),
            poll_interval: Duration::from_secs(1),
            max_in_flight: 64,
        }
    }
}

impl WebhookConfig {
    /// Checks values that parse but cannot work: zero timeouts, waits or concurrency, an
    /// initial wait above the longest one.
    pub fn validate(&self) -> Result<(), DomainError> {
        let bad = |why: &str| Err(DomainError::invalid("webhooks", why.to_owned()));
        if self.timeout.is_zero() || self.max_age.is_zero() || self.poll_interval.is_zero() {
            return bad("timeout_secs, max_age_secs and poll_interval_ms must be above 0");
        }
        if self.retry_initial.is_zero() || self.retry_initial > self.retry_max {
            return bad("retry_initial_ms must be above 0 and at most retry_max_secs");
        }
        if self.max_in_flight == 0 {
            return bad("max_in_flight must be above 0");
        }
        Ok(())
    }
}

/// Renders a delivery's body. Implemented by the API crate, which owns the wire shapes.
pub trait WebhookRenderer: Send + Sync + 'static {
    /// The body posted to `hook` for `item`, delivered as `kind`.
    fn render(&self, hook: &Webhook, kind: WebhookKind, item: &FeedItem) -> Vec<u8>;
}

/// The engine's webhook state: the worker's wake-up and which accounts have subscriptions.
#[derive(Default)]
pub(crate) struct Webhooks {
    /// Set once the worker runs; until then commits wake nothing.
    started: AtomicBool,
    /// The renderer and HTTP client, once [`Engine::start_webhooks`] ran (replays use them).
    delivery: std::sync::OnceLock<(std::sync::Arc<dyn WebhookRenderer>, reqwest::Client)>,
    /// Woken by commits of accounts with subscriptions, and by settled deliveries.
    wake: Notify,
    /// Accounts with an enabled subscription (server-wide; refreshed every few seconds and
    /// after each change made here), so other accounts' commits cost one lookup.
    accounts: RwLock<HashSet<AccountId>>,
}

impl Webhooks {
    fn has_account(&self, account: &AccountId) -> bool {
        self.accounts.read().is_ok_and(|set| set.contains(account))
    }

    fn set_accounts(&self, accounts: Vec<AccountId>) {
        if let Ok(mut set) = self.accounts.write() {
            *set = accounts.into_iter().collect();
        }
    }

    fn any(&self) -> bool {
        self.accounts.read().is_ok_and(|set| !set.is_empty())
    }
}

impl Engine {
    /// Starts the delivery worker, rendering bodies with `renderer`. Call once, after
    /// [`Engine::start`]; an engine without it delivers nothing (subscriptions still work).
    pub fn start_webhooks(&self, renderer: std::sync::Arc<dyn WebhookRenderer>) {
        if self.0.webhooks.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let cfg = &self.0.config.webhooks;
        match reqwest::Client::builder()
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("chatwire-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
        {
            Ok(client) => {
                let _ = self.0.webhooks.delivery.set((renderer, client));
                worker::spawn(self.clone());
            }
            Err(e) => tracing::error!(error = %e, "webhook delivery not started: no HTTP client"),
        }
    }

    /// Called for every commit (after it): wakes the worker when the account has
    /// subscriptions. The append path pays one atomic load, or one read-locked set lookup.
    pub(crate) fn webhooks_on_commit(&self, committed: &Committed) {
        let hooks = &self.0.webhooks;
        if hooks.started.load(Ordering::Relaxed) && hooks.has_account(&committed.chat.account) {
            hooks.wake.notify_one();
        }
    }

    /// Re-reads which accounts have subscriptions (after a change here, and periodically).
    pub(crate) async fn refresh_webhook_accounts(&self) {
        match self.0.store.webhook_accounts().await {
            Ok(accounts) => self.0.webhooks.set_accounts(accounts),
            Err(e) => tracing::warn!(error = %e, "webhook accounts not refreshed"),
        }
        self.0.webhooks.wake.notify_one();
    }
}
