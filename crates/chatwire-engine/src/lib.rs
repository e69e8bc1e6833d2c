//! chatwire's application services: every use case both wire dialects share.
//!
//! Map (one module per domain noun; each owns the rules named in its `//!`):
//! - [`Engine`]: the facade, the one handle HTTP code holds; cheap to clone. Every use case is
//!   a method on it, implemented in the module of its domain.
//! - `caller`: who is calling ([`Caller`], [`AgentPrincipal`], [`VisitorCaller`]); use cases
//!   take one and decide access on it. `admin_caller`: [`AdminCaller`], who may manage an
//!   account (admin API, command line).
//! - `chats`: commands on a chat (request, accept, lines, end, transfer, typing, name), who may
//!   read or act on it (`access`, `visitor_writes`), chat reads and the one cursor read.
//! - `queue`: routing as seen from outside: load, ring counts (and their wait), ringing chats,
//!   free slots, availability and estimated wait, pick-up.
//! - `agents`: the directory (accounts, skills, agents, app keys; cached), chat presence and
//!   liveness (idle agents go Offline, their chats are requeued).
//! - `sessions`: agent login, refresh, logout, bearer checks, agent sessions, the session
//!   cache, password hashing and the guard (bounded checks, throttles). Public names also at
//!   [`auth`].
//! - `surveys`: survey lookup and validated submissions (agent, offline, exit).
//! - `mail`: chat transcripts by e-mail: the request, the outbox, the SMTP mailer.
//! - `topics`: skills as SuperOffice chat topics: an agent's topics, membership, settings.
//! - `visitor_auth`: authenticated visitors: tokens verified with each account's key.
//! - `feed`: the account feed, its wait and who may read it.
//! - `history`: history search, statistics, offline messages, deletion, erasure and retention
//!   (admins only).
//! - `runtime`: what the domains run on: clock, in-memory tails, notifier, waits, other nodes'
//!   wake-ups, sweeper, operator stats.
//! - `webhooks`: outbound webhook subscriptions (admin use cases) and the delivery worker
//!   (claims, signed attempts, retries, dead letters).
//! - `error`: [`EngineError`].
//!
//! Rules: HTTP code calls the engine, never the store; business rules live here or in
//! `chatwire-core`, never in a dialect.

mod admin;
mod admin_caller;
mod agents;
mod caller;
mod chats;
mod error;
mod feed;
mod history;
mod mail;
mod queue;
mod runtime;
mod sessions;
mod surveys;
mod topics;
mod visitor_auth;
mod webhooks;

/// The public names of `sessions` (login grants, app credentials, the agent principal), at
/// the path HTTP code and settings import them from.
pub mod auth {
    pub use crate::sessions::{
        AgentPrincipal, AppCredentials, AppLogin, AppLoginGrant, AppLoginView, LoginGrant,
    };
}
pub use runtime::notify;
pub use sessions::password;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chatwire_store::Store;
use tokio_util::sync::CancellationToken;

pub use admin::{
    AccountPatch, AdminAgentInput, AgentPatch, AppKeyInput, AppKeyPatch, NewAdminToken, SkillPatch,
};
pub use admin_caller::{AdminActor, AdminCaller, AdminScope};
pub use agents::{LivenessSweep, NewAgentInput, NewSkillInput, Presence};
pub use caller::{AgentPrincipal, Caller, VisitorCaller};
pub use chats::access::AgentChatView;
pub use chats::archive::{ArchivePage, MAX_ARCHIVE_PAGE};
pub use chats::cursor::{ChatView, Cursor};
pub use chats::{AccountTransferTarget, ChatRequestInput, LineInput, TransferTo};
pub use chatwire_core as core;
pub use chatwire_store::PoolStatus;
pub use error::{EngineError, EngineResult};
pub use history::{
    HistoryAdmin, HistoryChat, HistoryFilter, HistoryPage, MAX_OFFLINE_PAGE, MAX_STATS_RANGE_DAYS,
    RetentionConfig, RetentionRun, StatsQuery,
};
pub use mail::{
    DEFAULT_SUBJECT, MAX_MAILBOX_PAGE, MAX_TRANSCRIPTS_PER_CHAT, MailConfig, TranscriptRequest,
};
pub use queue::RingSweep;
pub use runtime::clock::{Clock, ManualClock, SystemClock};
pub use runtime::notify::{Notifier, Topic};
pub use runtime::stats::{EngineStats, OUTBOX_COUNT_LIMIT, OutboxBacklog};
pub use runtime::waits::{parse_wait, wait_secs};
pub use sessions::guard::GuardConfig;
pub use topics::TopicRights;
pub use visitor_auth::{TokenAlgorithm, VisitorKeyConfig, check_visitor_keys, participant_id};
pub use webhooks::{
    MAX_WEBHOOKS_PER_ACCOUNT, ReplayOutcome, WebhookConfig, WebhookInput, WebhookPatch,
    WebhookRenderer, sign_superoffice, sign_webhook,
};

/// Tunables of the engine (the binary fills them from configuration).
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Events kept in memory per chat.
    pub tail_window: usize,
    /// Most events returned by one read.
    pub max_events_per_read: u32,
    /// How often the sweeper runs.
    pub sweep_interval: Duration,
    /// How long an ended chat stays in memory after its last read. Twice the longest wait by
    /// default: a reader parked when the chat ended is answered at once, and its next read
    /// comes well within it; later readers cost one store read. Ended chats held in memory
    /// cost ~5 KB each and slow the allocator (scenario (f), docs/performance.md).
    pub ended_retention: Duration,
    /// How long a cached account directory (agents, skills) is trusted before reloading.
    pub directory_ttl: Duration,
    /// Longest long-poll wait a client may ask for (`wait=` is clamped to it).
    pub max_wait: Duration,
    /// Lifetime of an agent login unless refreshed (LivePerson `sessionTTl`, 8 h).
    pub login_ttl: Duration,
    /// An agent with no authenticated request for this long goes Offline; zero: never.
    pub agent_idle_timeout: Duration,
    /// An Offline agent's chats go back to their skill's queue after this long; zero: never.
    pub requeue_after: Duration,
    /// A LivePerson agent session unused for this long expires (requests with it answer 401);
    /// zero: it lives as long as its login.
    pub agent_session_ttl: Duration,
    /// How long a waiting chat rings one agent alone before it rings the next (in pick order);
    /// zero: every eligible agent rings at once (`queue::ring`).
    pub ring_timeout: Duration,
    /// An agent who lets this many chats in a row ring out goes Away; zero: never.
    pub away_after_ring_outs: u32,
    /// Bots allowed to log in with application credentials instead of a password.
    pub app_logins: Vec<sessions::AppLogin>,
    /// SMTP for chat transcripts and staff notices; off by default (local mailbox).
    pub mail: MailConfig,
    /// A chat waiting this long with no agent online who could take it mails one alert to its
    /// skill's (else the account's) staff address; zero: never (`[notifications]`).
    pub waiting_alert: Duration,
    /// Bounded password checks, the verified-login cache and throttles.
    pub guard: GuardConfig,
    /// Per-account keys of authenticated visitors' tokens (none: every visitor is anonymous).
    pub visitor_keys: Vec<VisitorKeyConfig>,
    /// How long a chat request that names an agent rings that agent alone before its skill
    /// (LivePerson chat request `agent`); 0 rings the skill at once.
    pub agent_first_wait: Duration,
    /// Which account may send chats to which (LivePerson `transferAccount`): `(from, to)`.
    pub account_transfers: Vec<(chatwire_core::AccountId, chatwire_core::AccountId)>,
    /// The retention sweep (per-account periods are in the store).
    pub retention: RetentionConfig,
    /// Webhook delivery: timeout, retries, maximum age.
    pub webhooks: WebhookConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            tail_window: 256,
            max_events_per_read: 1000,
            sweep_interval: Duration::from_secs(1),
            ended_retention: Duration::from_secs(120),
            directory_ttl: Duration::from_secs(2),
            max_wait: Duration::from_secs(60),
            login_ttl: Duration::from_secs(8 * 3600),
            agent_idle_timeout: Duration::from_secs(60),
            requeue_after: Duration::from_secs(120),
            agent_session_ttl: Duration::from_secs(1800),
            ring_timeout: Duration::ZERO,
            away_after_ring_outs: 3,
            app_logins: Vec::new(),
            mail: MailConfig::default(),
            waiting_alert: Duration::from_secs(300),
            guard: GuardConfig::default(),
            visitor_keys: Vec::new(),
            agent_first_wait: Duration::from_secs(30),
            account_transfers: Vec::new(),
            retention: RetentionConfig::default(),
            webhooks: WebhookConfig::default(),
        }
    }
}

struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    notifier: Notifier,
    live: runtime::live::Live,
    directory: agents::directory::Directory,
    liveness: agents::liveness::Liveness,
    sessions: sessions::SessionCache,
    waits: queue::WaitStats,
    /// Ring-out counts of agents, when no other node shares the store (`queue::ring`).
    ring_outs: queue::RingOuts,
    mail: mail::Outbox,
    webhooks: webhooks::Webhooks,
    guard: sessions::guard::Guard,
    visitor_keys: visitor_auth::VisitorKeys,
    config: EngineConfig,
    shutdown: CancellationToken,
    /// Set at start when the store reports wake-ups: other nodes write it too.
    shared: AtomicBool,
    /// A wake-up could not be handled: re-sync everything at the next sweep.
    resync_needed: AtomicBool,
}

/// The chat engine. Clone it freely; clones share everything.
#[derive(Clone)]
pub struct Engine(Arc<Inner>);

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.0.config)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine over `store`, with the system clock.
    pub fn new(store: Arc<dyn Store>, config: EngineConfig) -> Self {
        Self::with_clock(store, config, Arc::new(SystemClock))
    }

    /// An engine with an injected clock (tests).
    pub fn with_clock(store: Arc<dyn Store>, config: EngineConfig, clock: Arc<dyn Clock>) -> Self {
        Self(Arc::new(Inner {
            store,
            clock,
            notifier: Notifier::new(),
            live: runtime::live::Live::default(),
            directory: agents::directory::Directory::default(),
            liveness: agents::liveness::Liveness::default(),
            sessions: sessions::SessionCache::default(),
            waits: queue::WaitStats::default(),
            ring_outs: queue::RingOuts::default(),
            mail: mail::Outbox::default(),
            webhooks: webhooks::Webhooks::default(),
            guard: sessions::guard::Guard::new(&config.guard),
            visitor_keys: visitor_auth::VisitorKeys::new(&config.visitor_keys).unwrap_or_else(
                |e| {
                    // The binary checks keys before it starts an engine; a test that passes a bad
                    // one gets no authenticated visitors rather than a panic.
                    tracing::error!(error = %e, "visitor keys ignored");
                    visitor_auth::VisitorKeys::default()
                },
            ),
            config,
            shutdown: CancellationToken::new(),
            shared: AtomicBool::new(false),
            resync_needed: AtomicBool::new(false),
        }))
    }

    /// Loads every open chat into memory and starts the sweeper, (when mail is configured) the
    /// mailer, and (when the store is shared with other nodes) the task that takes in their
    /// commits. Call once at start.
    pub async fn start(&self) -> EngineResult<()> {
        // Listen before reading the open chats: a chat opened elsewhere in between is then
        // reported afterwards, instead of being neither read nor reported.
        let hints = self.0.store.wakeups().await?;
        self.0.shared.store(hints.is_some(), Ordering::SeqCst);
        let now = self.now();
        let open = self.0.store.open_chats().await?;
        tracing::info!(open_chats = open.len(), "engine warmed up");
        for chat in &open {
            // Visitors get a full timeout after a restart: their polls could not reach us.
            self.0.live.upsert(chat, now);
        }
        if let Some(hints) = hints {
            runtime::wakeups::spawn(self.clone(), hints);
        }
        self.seed_app_logins().await;
        runtime::sweeper::spawn(self.clone());
        mail::spawn(self.clone());
        history::spawn_retention(self.clone());
        Ok(())
    }

    /// Stops background work and releases every waiter (long-polls return at once).
    pub fn shutdown(&self) {
        self.0.shutdown.cancel();
        self.0.notifier.notify_all();
    }

    /// A token cancelled at shutdown (for streams and long-polls in the API layer).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.0.shutdown.clone()
    }

    /// The notifier (the API layer subscribes for streams).
    pub fn notifier(&self) -> &Notifier {
        &self.0.notifier
    }

    /// The engine's notion of now.
    pub fn now(&self) -> chatwire_core::Timestamp {
        self.0.clock.now()
    }

    /// The configuration in force.
    pub fn config(&self) -> &EngineConfig {
        &self.0.config
    }

    /// Checks that the store answers (for `/healthz`).
    pub async fn health(&self) -> EngineResult<()> {
        self.0.store.ping().await?;
        Ok(())
    }
}

/// Fresh random material from the OS.
pub(crate) fn random_bytes<const N: usize>() -> EngineResult<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)
        .map_err(|e| EngineError::Internal(anyhow::anyhow!("getrandom: {e}")))?;
    Ok(buf)
}

#[cfg(test)]
mod tests;
