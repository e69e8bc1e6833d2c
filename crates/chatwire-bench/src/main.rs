//! `chatwire-bench`: a load generator that drives a running chatwire server over HTTP and
//! reports throughput and latency percentiles (issue 7).
//!
//! ```sh
//! cargo build --release -p chatwire -p chatwire-bench
//! target/release/chatwire-bench run --scenario all --spawn
//! ```
//!
//! Map: `http` (the raw HTTP/1.1 client every measurement uses), `load` (closed-loop runner,
//! progress), `stats` (percentiles), `procstat` (`/proc` memory and CPU), `server` (`--spawn`),
//! `provision` (agent login, chats, lines), `background` (a load beside a measurement),
//! `baseline` (bare hyper server), `receiver` (webhook receiver), `sqlite_baseline` ((d)'s bare
//! SQLite loop), `scenarios`, `report` (Markdown and JSON).
//!
//! It measures; it never changes the server. Both run on the same machine, so every figure
//! includes the client's share of the CPU (shown per row).

mod background;
mod baseline;
mod http;
mod load;
mod procstat;
mod provision;
mod receiver;
mod report;
mod scenarios;
mod server;
mod sqlite_baseline;
mod stats;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::http::Target;
use crate::provision::Agent;
use crate::report::Report;
use crate::scenarios::{Ctx, Sizes};

/// chatwire's load generator.
#[derive(Debug, Parser)]
#[command(name = "chatwire-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run scenarios and print a Markdown table of the figures and the targets.
    Run(RunArgs),
}

/// A scenario of issue 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    /// Multi-chat retrieve of 50 chats, nothing new (against a bare hyper baseline).
    A,
    /// The same with 1 new event in each chat.
    B,
    /// (a) over chats with a long history vs a short one.
    C,
    /// Concurrent fsync'd line appends.
    D,
    /// Parked long-polls: server memory and wake-up latency.
    E,
    /// (d) without and with 3 webhook subscriptions to a receiver in this process.
    W,
    /// Scale (issue 18): many agents long-polling many chats over a large store, measured at
    /// a small and at the full store.
    F,
    /// Everything but (w) and (f), in the order a, b, e, d, c (the long history last).
    All,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Scenarios (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "all")]
    scenario: Vec<Scenario>,
    /// Drive this running `serve --demo` server (http://host:port).
    #[arg(long, conflicts_with = "spawn", required_unless_present = "spawn")]
    server: Option<String>,
    /// Another node of the same cluster as --server (same PostgreSQL database): (a), (b) and
    /// (d) spread their connections over both nodes; (e) appends through this node while the
    /// polls are parked on --server (cross-node wake-up latency).
    #[arg(long, requires = "server")]
    peer: Option<String>,
    /// The running server's pid, for its CPU and memory figures (with --server).
    #[arg(long, requires = "server")]
    server_pid: Option<u32>,
    /// Start `chatwire serve --demo` on a free port over a fresh temporary data directory.
    #[arg(long)]
    spawn: bool,
    /// The chatwire executable for --spawn (default: next to this one, or target/release).
    #[arg(long)]
    chatwire_bin: Option<PathBuf>,
    /// Parent directory of the spawned server's data directory (must be a real disk); (d)'s
    /// bare SQLite baseline writes there too (default: the system temp dir).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Measured seconds per round.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Warm-up seconds before each measured round.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Rounds per closed-loop measurement (alternating with its comparison; the median shows).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Connections for (a)–(c).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Chats per multi-chat retrieve.
    #[arg(long, default_value_t = 50)]
    chats: usize,
    /// Lines written into each short chat (on top of the events an accept creates).
    #[arg(long, default_value_t = 8)]
    short_lines: u64,
    /// Lines written into each long chat for (c).
    #[arg(long, default_value_t = 100_000)]
    history_lines: u64,
    /// Concurrent writers for (d) and for writing histories.
    #[arg(long, default_value_t = 64)]
    writers: usize,
    /// Parked long-polls for (e).
    #[arg(long, default_value_t = 10_000)]
    waiters: usize,
    /// Parked long-polls per chat for (e).
    #[arg(long, default_value_t = 10)]
    waiters_per_chat: usize,
    /// Seconds (e) keeps its polls parked before appending (time to profile the server).
    #[arg(long, default_value_t = 0)]
    hold_parked: u64,
    /// (e) parks its polls over HTTP/2 in clear, this many streams to a connection (at most
    /// the server's cap, 200), instead of one HTTP/1.1 connection each (0, the default).
    #[arg(long, default_value_t = 0)]
    h2_streams: usize,
    /// (e) parks its polls without reading each chat first (the first wake-up of each chat
    /// then loads its tail from the database).
    #[arg(long)]
    cold_tails: bool,
    /// (e): this many of (d)'s writers append to chats of their own, over every node, while
    /// the wake-ups are measured (with `--peer`: cross-node wake-ups under (d)'s load).
    #[arg(long, default_value_t = 0)]
    wake_under_writers: usize,
    /// (f): stored (ended) chats at the full store.
    #[arg(long, default_value_t = 100_000)]
    scale_chats: u64,
    /// (f): stored chats at the small store (the first window).
    #[arg(long, default_value_t = 1_000)]
    scale_small: u64,
    /// (f): agents in the store.
    #[arg(long, default_value_t = 1_000)]
    scale_agents: usize,
    /// (f): agents that log in and long-poll.
    #[arg(long, default_value_t = 200)]
    scale_pollers: usize,
    /// (f): live chats each poller accepts and polls.
    #[arg(long, default_value_t = 20)]
    scale_poller_chats: usize,
    /// (f): visitor lines per second over the live chats.
    #[arg(long, default_value_t = 500.0)]
    scale_rate: f64,
    /// (f): seconds to wait after filling the full store before measuring it (compare with the
    /// server's `[engine] ended_retention_secs`: ended chats stay in its memory that long).
    #[arg(long, default_value_t = 0)]
    scale_settle: u64,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

fn main() -> Result<()> {
    let Command::Run(args) = Cli::parse().command;
    // Two workers, like the server's default runtime on this 2-core machine.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: RunArgs) -> Result<()> {
    let spawned = if args.spawn {
        let bin = server::chatwire_binary(args.chatwire_bin.as_deref())?;
        Some(server::spawn(&bin, args.data_dir.as_deref())?)
    } else {
        None
    };
    let (url, pid) = match &spawned {
        Some(s) => (s.url.clone(), Some(s.pid())),
        None => (args.server.clone().unwrap_or_default(), args.server_pid),
    };
    let target = Target::parse(&url)?;
    eprintln!("chatwire-bench: driving {url}");
    let agent = Agent::login(&target).await?;
    let sizes = Sizes {
        concurrency: args.concurrency,
        warmup: Duration::from_secs(args.warmup),
        measure: Duration::from_secs(args.duration),
        rounds: args.rounds.max(1),
        chats: args.chats,
        short_lines: args.short_lines,
        history_lines: args.history_lines,
        writers: args.writers,
        waiters: args.waiters,
        waiters_per_chat: args.waiters_per_chat,
        hold_parked: Duration::from_secs(args.hold_parked),
        cold_tails: args.cold_tails,
        h2_streams: args.h2_streams,
        wake_under_writers: args.wake_under_writers,
        disk: args.data_dir.clone().unwrap_or_else(std::env::temp_dir),
        scale: scenarios::scale::ScaleSizes {
            chats: args.scale_chats,
            small: args.scale_small,
            agents: args.scale_agents,
            pollers: args.scale_pollers,
            poller_chats: args.scale_poller_chats,
            rate: args.scale_rate,
            settle: Duration::from_secs(args.scale_settle),
        },
    };
    let report = Report {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        ..Report::default()
    };
    let peer = args.peer.as_deref().map(Target::parse).transpose()?;
    if let Some(p) = &args.peer {
        eprintln!("chatwire-bench: and its peer node {p}");
    }
    let mut ctx = Ctx::new(target, peer, pid, agent, sizes, report);
    let order = if args.scenario.contains(&Scenario::All) {
        vec![
            Scenario::A,
            Scenario::B,
            Scenario::E,
            Scenario::D,
            Scenario::C,
        ]
    } else {
        args.scenario.clone()
    };
    for s in order {
        let step = match s {
            Scenario::A => scenarios::poll::nothing_new(&mut ctx).await,
            Scenario::B => scenarios::poll::one_new_each(&mut ctx).await,
            Scenario::C => scenarios::poll::history(&mut ctx).await,
            Scenario::D => scenarios::append::writers(&mut ctx).await,
            Scenario::E => scenarios::park::parked(&mut ctx).await,
            Scenario::W => scenarios::webhooks::with_subscriptions(&mut ctx).await,
            Scenario::F => scenarios::scale::scale(&mut ctx).await,
            Scenario::All => Ok(()),
        };
        // A failed scenario is reported, and the others still run.
        if let Err(e) = step {
            eprintln!("scenario {s:?} failed: {e:#}");
            ctx.report.checks.push(report::Check {
                target: format!("scenario {s:?} runs"),
                measured: format!("failed: {e:#}"),
                holds: false,
            });
        }
    }
    println!("{}", ctx.report.markdown());
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&ctx.report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    drop(spawned);
    Ok(())
}
