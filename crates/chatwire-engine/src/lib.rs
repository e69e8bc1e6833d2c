//! chatwire's application services: every use case both wire dialects share.
//!
//! Map:
//! - [`Engine`]: the handle HTTP code holds; cheap to clone.
//! - `caller`: who is calling ([`Caller`], [`AgentPrincipal`], [`VisitorCaller`]); use cases
//!   take one and decide access on it.
//! - `access`: who may read or act on a chat (rules in `chatwire_core::access`), per request.
//! - [`auth`]: agent login, refresh, logout, bearer checks, agent sessions.
//! - `directory`: accounts, skills, agents, app keys (cached; writes go through the store).
//! - `chats`: chat commands (request, accept, lines, end, transfer, typing, name).
//! - `reads`: chat views, multi-chat polls, ring counts, long-poll waits.
//! - `live`: the in-memory tails that keep polls off the database.
//! - [`notify`]: register-then-sample wake-ups; notified only after commits.
//! - `surveys`: survey lookup and validated submissions.
//! - `visitors`: visitor access, availability, estimated wait, visitor surveys.
//! - `waits`: long-poll waits (many chats, ring count, account feed).
//! - `sweeper`: chat timeouts and eviction of ended chats from memory.
//! - `mail`: chat transcripts by e-mail: the request, the outbox, the SMTP mailer.
//! - `wakeups`: several nodes on one database: other nodes' commits into memory and waiters.
//! - `messages`: a chat as an agent's message list after a sequence cursor; transcripts.
//! - `pickup`: SuperOffice-style queue use cases (sessions of an agent, pick up, transfers).
//! - `presence`: chat presence (present ⇔ Online) per agent.
//! - `topics`: skills as SuperOffice chat topics: an agent's topics, membership.
//! - `guard`: bounded password checks, the verified-login cache, throttles.
//! - `stats`: counts for operators (chats by state, waiters, outbox backlog, store pool).
//!
//! Rules: HTTP code calls the engine, never the store; business rules live here or in
//! `chatwire-core`, never in a dialect.

mod access;
pub mod auth;
mod caller;
mod chats;
mod clock;
mod cursor;
mod directory;
mod error;
mod guard;
mod html;
mod live;
mod mail;
mod messages;
pub mod notify;
pub mod password;
mod pickup;
mod presence;
mod reads;
mod session_cache;
mod stats;
mod surveys;
mod sweeper;
mod topics;
mod transfers;
mod visitor_writes;
mod visitors;
mod waits;
mod wakeups;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chatwire_store::Store;
use tokio_util::sync::CancellationToken;

pub use access::AgentChatView;
pub use caller::{AgentPrincipal, Caller, VisitorCaller};
pub use chats::{ChatRequestInput, LineInput};
pub use chatwire_core as core;
pub use chatwire_store::PoolStatus;
pub use clock::{Clock, ManualClock, SystemClock};
pub use cursor::{ChatView, Cursor};
pub use directory::{NewAgentInput, NewSkillInput};
pub use error::{EngineError, EngineResult};
pub use guard::GuardConfig;
pub use mail::{DEFAULT_SUBJECT, MAX_TRANSCRIPTS_PER_CHAT, MailConfig, TranscriptRequest};
pub use notify::{Notifier, Topic};
pub use presence::Presence;
pub use stats::{EngineStats, OUTBOX_COUNT_LIMIT, OutboxBacklog};
pub use topics::TopicRights;
pub use transfers::TransferTo;
pub use waits::{parse_wait, wait_secs};

/// Tunables of the engine (the binary fills them from configuration).
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Events kept in memory per chat.
    pub tail_window: usize,
    /// Most events returned by one read.
    pub max_events_per_read: u32,
    /// How often the sweeper runs.
    pub sweep_interval: Duration,
    /// How long an ended chat stays in memory after its last read.
    pub ended_retention: Duration,
    /// How long a cached account directory (agents, skills) is trusted before reloading.
    pub directory_ttl: Duration,
    /// Longest long-poll wait a client may ask for (`wait=` is clamped to it).
    pub max_wait: Duration,
    /// Lifetime of an agent login unless refreshed (LivePerson `sessionTTl`, 8 h).
    pub login_ttl: Duration,
    /// Bots allowed to log in with application credentials instead of a password.
    pub app_logins: Vec<auth::AppLogin>,
    /// SMTP for chat transcripts; off by default.
    pub mail: MailConfig,
    /// Bounded password checks, the verified-login cache and throttles.
    pub guard: GuardConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            tail_window: 256,
            max_events_per_read: 1000,
            sweep_interval: Duration::from_secs(1),
            ended_retention: Duration::from_secs(600),
            directory_ttl: Duration::from_secs(2),
            max_wait: Duration::from_secs(60),
            login_ttl: Duration::from_secs(8 * 3600),
            app_logins: Vec::new(),
            mail: MailConfig::default(),
            guard: GuardConfig::default(),
        }
    }
}

struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    notifier: Notifier,
    live: live::Live,
    directory: directory::Directory,
    sessions: auth::SessionCache,
    waits: visitors::WaitStats,
    mail: mail::Outbox,
    guard: guard::Guard,
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
            live: live::Live::default(),
            directory: directory::Directory::default(),
            sessions: auth::SessionCache::default(),
            waits: visitors::WaitStats::default(),
            mail: mail::Outbox::default(),
            guard: guard::Guard::new(&config.guard),
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
            wakeups::spawn(self.clone(), hints);
        }
        sweeper::spawn(self.clone());
        mail::spawn(self.clone());
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
