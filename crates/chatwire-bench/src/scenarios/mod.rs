//! The scenarios of issue 7, each provisioning what it needs and adding rows and target checks
//! to the report:
//! - `poll`: (a) the 50-chat multi-chat retrieve with nothing new, against the baseline server;
//!   (b) the same with one new event in each chat; (c) (a) over chats with a long history
//!   against chats with a short one;
//! - `append`: (d) fsync'd line appends from many concurrent writers;
//! - `park`: (e) thousands of parked long-polls: server memory and append → response latency;
//! - `webhooks`: (w) (d) without and with 3 webhook subscriptions, and their deliveries/s;
//! - `scale`: (f) many agents long-polling many chats over a large store, at a small and a
//!   full store: delivery latency, CPU and memory.

pub(crate) mod append;
pub(crate) mod park;
pub(crate) mod poll;
pub(crate) mod scale;
pub(crate) mod webhooks;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::http::Target;
use crate::load::Load;
use crate::provision::{Agent, Chat, fill};
use crate::report::Report;

/// How much of everything (from the command line).
#[derive(Debug, Clone)]
pub(crate) struct Sizes {
    /// Closed-loop connections for (a)–(c).
    pub(crate) concurrency: usize,
    /// Warm-up before each measured window.
    pub(crate) warmup: Duration,
    /// Each measured window.
    pub(crate) measure: Duration,
    /// Rounds of each closed-loop measurement (alternating with its comparison).
    pub(crate) rounds: usize,
    /// Chats per multi-chat retrieve.
    pub(crate) chats: usize,
    /// Lines written into each short chat.
    pub(crate) short_lines: u64,
    /// Lines written into each long chat for (c).
    pub(crate) history_lines: u64,
    /// Concurrent writers for (d) (and for filling histories).
    pub(crate) writers: usize,
    /// Parked long-polls for (e).
    pub(crate) waiters: usize,
    /// Parked long-polls per chat for (e).
    pub(crate) waiters_per_chat: usize,
    /// How long (e) holds its polls parked before appending.
    pub(crate) hold_parked: Duration,
    /// (e) parks without reading the chats first.
    pub(crate) cold_tails: bool,
    /// (e) parks over HTTP/2, this many streams to a connection (0: one HTTP/1.1 connection
    /// per poll).
    pub(crate) h2_streams: usize,
    /// (d)-style writers appending beside (e)'s wake-ups (0: none).
    pub(crate) wake_under_writers: usize,
    /// Where (d)'s bare SQLite baseline writes: the server's disk.
    pub(crate) disk: PathBuf,
    /// (f)'s store and live sizes.
    pub(crate) scale: scale::ScaleSizes,
}

/// What the scenarios share: the server, the agent, the short chats, the report.
pub(crate) struct Ctx {
    /// The server under test.
    pub(crate) target: Target,
    /// Another node of the same cluster (same database), when given: (a), (b) and (d) spread
    /// their connections over both nodes, and (e) appends through it (cross-node wake-ups).
    pub(crate) peer: Option<Target>,
    /// Its pid, when known (CPU and memory figures).
    pub(crate) server_pid: Option<u32>,
    /// agent3, Online.
    pub(crate) agent: Agent,
    /// Sizes.
    pub(crate) sizes: Sizes,
    /// The results so far.
    pub(crate) report: Report,
    short: Option<Vec<Chat>>,
}

impl Ctx {
    /// A context over a provisioned agent.
    pub(crate) const fn new(
        target: Target,
        peer: Option<Target>,
        server_pid: Option<u32>,
        agent: Agent,
        sizes: Sizes,
        report: Report,
    ) -> Self {
        Self {
            target,
            peer,
            server_pid,
            agent,
            sizes,
            report,
            short: None,
        }
    }

    /// The nodes a closed-loop load spreads over: the server, and the peer when given.
    pub(crate) fn nodes(&self) -> Vec<Target> {
        std::iter::once(self.target.clone())
            .chain(self.peer.clone())
            .collect()
    }

    /// The closed-loop load of (a)–(c).
    pub(crate) const fn poll_load(&self) -> Load {
        Load {
            concurrency: self.sizes.concurrency,
            warmup: self.sizes.warmup,
            measure: self.sizes.measure,
        }
    }

    /// The `chats` short chats (opened and filled on first use, then shared by (a)–(c)).
    pub(crate) async fn short_chats(&mut self) -> Result<Vec<Chat>> {
        if let Some(c) = &self.short {
            return Ok(c.clone());
        }
        let mut chats = self
            .agent
            .open_chats(self.sizes.chats, "short chats: opening")
            .await?;
        fill(
            &self.target,
            &self.agent,
            &mut chats,
            self.sizes.short_lines,
            self.sizes.writers,
            "short chats: lines",
        )
        .await?;
        self.short = Some(chats.clone());
        Ok(chats)
    }
}
