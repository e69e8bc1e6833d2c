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

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use chatwire_core::chat::TypingSide;
use chatwire_core::webhook::superoffice_event;
use chatwire_core::{
    AccountEvent, AccountEventKind, AccountId, Chat, DomainError, FeedItem, LogEntry,
    PayloadFormat, Typing, Webhook, WebhookId, WebhookKind, WebhookKinds,
};
use chatwire_store::Committed;
use tokio::sync::Notify;

use crate::Engine;

pub use admin::{MAX_WEBHOOKS_PER_ACCOUNT, ReplayOutcome, WebhookInput, WebhookPatch};
pub use signature::{sign as sign_webhook, sign_superoffice};

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
    /// The body posted to `hook` for `item`, delivered as `kind`. `chat` is the chat as
    /// committed now, read only for formats that need it (SuperOffice's: its number and
    /// status), else `None`.
    fn render(
        &self,
        hook: &Webhook,
        kind: WebhookKind,
        item: &FeedItem,
        chat: Option<&Chat>,
    ) -> Vec<u8>;

    /// The body posted to `hook` for an account event (offline message, survey, availability,
    /// typing). Only called for `format: chatwire`: SuperOffice has no webhook event for these
    /// kinds, so those subscriptions pass them over ([`deliverable`]).
    fn render_account(&self, hook: &Webhook, event: &AccountEvent) -> Vec<u8>;
}

/// The kind `entry` is posted to `hook` as, or `None` when it is passed over: not a kind the
/// subscription takes, a chat event no kind covers, or a kind its format has no event for
/// (SuperOffice's chat webhooks know only chat sessions and messages).
pub(crate) fn deliverable(hook: &Webhook, entry: &LogEntry) -> Option<WebhookKind> {
    let kind = entry.webhook_kind().filter(|k| hook.kinds.contains(*k))?;
    match hook.format {
        PayloadFormat::Chatwire => Some(kind),
        PayloadFormat::SuperOffice => superoffice_event(kind).map(|_| kind),
    }
}

/// The body of `entry` for `hook`, reading the chat when the format needs it.
pub(crate) async fn body_of(
    engine: &Engine,
    renderer: &dyn WebhookRenderer,
    hook: &Webhook,
    kind: WebhookKind,
    entry: &LogEntry,
) -> crate::EngineResult<Vec<u8>> {
    let item = match entry {
        LogEntry::Chat(item) => item,
        LogEntry::Account(event) => return Ok(renderer.render_account(hook, event)),
    };
    let chat = match hook.format {
        PayloadFormat::Chatwire => None,
        PayloadFormat::SuperOffice => {
            Some(engine.0.store.get_chat(&hook.account, &item.chat).await?)
        }
    };
    Ok(renderer.render(hook, kind, item, chat.as_ref()))
}

/// What this node knows of a subscription's next chance, so that a commit wakes the worker
/// only when some subscription of its account could be claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Local {
    /// Claimed by this node: its task will take the new event after the current one.
    InFlight,
    /// Backing off until then.
    Until(chatwire_core::Timestamp),
}

/// The engine's webhook state: the worker's wake-up and which subscriptions exist.
#[derive(Default)]
pub(crate) struct Webhooks {
    /// Set once the worker runs; until then commits wake nothing.
    started: AtomicBool,
    /// The renderer and HTTP client, once [`Engine::start_webhooks`] ran (replays use them).
    delivery: std::sync::OnceLock<(std::sync::Arc<dyn WebhookRenderer>, reqwest::Client)>,
    /// Woken by commits that may make a subscription due, and by finished runs.
    wake: Notify,
    /// Enabled subscriptions by account with the kinds they take (server-wide; refreshed
    /// every few seconds and after each change made here), so other accounts' commits cost
    /// one lookup, and typing is recorded only where a subscription takes it.
    subs: RwLock<HashMap<AccountId, Vec<(WebhookId, WebhookKinds)>>>,
    /// Subscriptions in flight here or backing off (absent: may be due).
    local: Mutex<HashMap<WebhookId, Local>>,
}

impl Webhooks {
    /// Whether a commit in `account` at `now` may give the worker something to claim.
    fn may_claim(&self, account: &AccountId, now: chatwire_core::Timestamp) -> bool {
        let Ok(subs) = self.subs.read() else {
            return true;
        };
        let Some(ids) = subs.get(account) else {
            return false;
        };
        let Ok(local) = self.local.lock() else {
            return true;
        };
        ids.iter().any(|(id, _)| match local.get(id) {
            None => true,
            Some(Local::InFlight) => false,
            Some(Local::Until(at)) => *at <= now,
        })
    }

    /// Whether an enabled subscription of `account` takes `kind` (as of the last refresh).
    fn takes(&self, account: &AccountId, kind: WebhookKind) -> bool {
        self.subs.read().is_ok_and(|subs| {
            subs.get(account)
                .is_some_and(|hooks| hooks.iter().any(|(_, kinds)| kinds.contains(kind)))
        })
    }

    fn set_subs(&self, enabled: Vec<(AccountId, WebhookId, WebhookKinds)>) {
        let mut by_account: HashMap<AccountId, Vec<(WebhookId, WebhookKinds)>> = HashMap::new();
        for (account, id, kinds) in enabled {
            by_account.entry(account).or_default().push((id, kinds));
        }
        if let Ok(mut subs) = self.subs.write() {
            *subs = by_account;
        }
    }

    fn any(&self) -> bool {
        self.subs.read().is_ok_and(|s| !s.is_empty())
    }

    /// Records what this node knows of `id` (`None`: nothing, it may be due).
    pub(crate) fn set_local(&self, id: WebhookId, state: Option<Local>) {
        if let Ok(mut local) = self.local.lock() {
            match state {
                Some(s) => local.insert(id, s),
                None => local.remove(&id),
            };
        }
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

    /// Called for every commit (after it): wakes the worker when a subscription of the
    /// account may be claimed (not in flight here, not backing off). The append path pays
    /// one atomic load, or for a subscribed account one map lookup under a read lock.
    pub(crate) fn webhooks_on_commit(&self, committed: &Committed) {
        self.webhooks_on_account_commit(&committed.chat.account);
    }

    /// As [`Engine::webhooks_on_commit`], for an account event committed here (a survey
    /// response, an availability change, typing). Other nodes' account events are claimed by
    /// their workers' polls (`poll_interval`), as retries are.
    pub(crate) fn webhooks_on_account_commit(&self, account: &AccountId) {
        let hooks = &self.0.webhooks;
        if hooks.started.load(Ordering::Relaxed) && hooks.may_claim(account, self.now()) {
            hooks.wake.notify_one();
        }
    }

    /// Records a typing indicator change of `chat` as an account event, only when an enabled
    /// subscription of the account takes `chat.typing` (as of the last refresh, every 5 s):
    /// accounts without one pay one map lookup. Typing is best effort by nature (it is
    /// in-memory state), so a failed write is logged, not returned to the typist.
    /// Nothing is recorded when the indicator stays on or stays off (clients repeat it).
    pub(crate) async fn record_typing(&self, before: &Chat, side: TypingSide, typing: Typing) {
        let account = &before.account;
        let was = match side {
            TypingSide::Agent => before.agent_typing,
            TypingSide::Visitor => before.visitor_typing,
        };
        let on = typing == Typing::Typing;
        if on == (was == Typing::Typing) || !self.0.webhooks.takes(account, WebhookKind::Typing) {
            return;
        }
        let kind = AccountEventKind::Typing {
            chat: before.key.clone(),
            side: side.into(),
            agent: match side {
                TypingSide::Agent => before.agent.as_ref().map(|a| a.id),
                TypingSide::Visitor => None,
            },
            typing: on,
        };
        let at = self.now();
        match self.0.store.append_account_event(account, at, &kind).await {
            Ok(_) => self.webhooks_on_account_commit(account),
            Err(e) => tracing::warn!(error = %e, "typing event not recorded for webhooks"),
        }
    }

    /// Re-reads which subscriptions are enabled (after a change here, and periodically).
    pub(crate) async fn refresh_webhooks(&self) {
        match self.0.store.enabled_webhooks().await {
            Ok(enabled) => self.0.webhooks.set_subs(enabled),
            Err(e) => tracing::warn!(error = %e, "webhook subscriptions not refreshed"),
        }
        self.0.webhooks.wake.notify_one();
    }
}
