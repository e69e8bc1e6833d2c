//! (f), issue 18: a large store and many long-polling agents. `agents` agents and a bulk of
//! stored (ended) chats are provisioned; `pollers` of the agents log in, go Online, accept
//! `poller_chats` chats each and keep one multi-chat long-poll open over them; an open-loop
//! writer appends `rate` visitor lines per second over the live chats. Measured per window:
//! delivery latency (append sent → the poll answer carrying the line), lines sent / delivered /
//! lost, server CPU and RSS. The live part runs twice in one invocation, with `small` stored
//! chats and after filling the store up to `chats`, and the two rows are compared: poll cost
//! must not grow with the number of stored chats.

mod answer;
mod compare;
mod ledger;
mod live;
mod setup;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use futures::stream::{self, StreamExt as _, TryStreamExt as _};

use self::compare::{Window, compare};
use self::ledger::Ledger;
use self::live::{Pollers, start_pollers, write};
use super::Ctx;
use crate::procstat::{CpuClock, Memory, open_file_limit};
use crate::report::Row;
use crate::stats::Summary;

/// (f)'s sizes (from the command line).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScaleSizes {
    /// Stored (ended) chats at the full store.
    pub(crate) chats: u64,
    /// Stored chats at the small store (the first window).
    pub(crate) small: u64,
    /// Agents in the store.
    pub(crate) agents: usize,
    /// Agents that log in and long-poll.
    pub(crate) pollers: usize,
    /// Live chats per poller.
    pub(crate) poller_chats: usize,
    /// Lines per second the writer appends.
    pub(crate) rate: f64,
    /// Pause after filling the full store, before its window (the pollers keep polling): with
    /// the server's `[engine] ended_retention_secs` shorter than this, the stored chats have
    /// left the server's memory by the time it is measured.
    pub(crate) settle: Duration,
}

/// Connections the writer spreads its appends over (an append takes a few ms: 32 keep up
/// with thousands of lines per second).
const WRITER_CONNS: usize = 32;
/// Connections the stored bulk is opened over.
const BULK_CONNS: usize = 64;
/// Time after a window for the last lines' polls to answer before counting losses.
const GRACE: Duration = Duration::from_secs(3);

/// Runs (f).
pub(crate) async fn scale(ctx: &mut Ctx) -> Result<()> {
    let s = ctx.sizes.scale;
    if s.small >= s.chats || s.pollers > s.agents || s.pollers == 0 || s.poller_chats == 0 {
        bail!("(f) needs small < chats, 0 < pollers ≤ agents and chats per poller > 0");
    }
    if !(s.rate.is_finite() && s.rate > 0.0) {
        bail!("(f) needs a positive line rate");
    }
    let need = (s.pollers + WRITER_CONNS + BULK_CONNS + 256) as u64;
    if let Some(limit) = open_file_limit()
        && limit < need
    {
        bail!("the open-file limit is {limit}; (f) needs {need}: raise `ulimit -n`");
    }
    let target = ctx.target.clone();

    let t = Instant::now();
    let admin = setup::Admin::login(&target).await?;
    admin.agents(s.agents, s.poller_chats).await?;
    let agents_took = t.elapsed();
    eprintln!("(f) {} agents created in {agents_took:.1?}", s.agents);
    let bulk_small = bulk(ctx, s.small, "(f) stored chats (small)").await?;

    let t = Instant::now();
    let live_n = (s.pollers * s.poller_chats) as u64;
    let live = setup::visitor_chats(&target, live_n, false, BULK_CONNS, "(f) live chats").await?;
    let pollers = stream::iter(0..s.pollers)
        .map(|i| {
            let target = target.clone();
            async move {
                let agent = setup::poller_agent(&target, i).await?;
                let mut keys = Vec::with_capacity(s.poller_chats);
                for _ in 0..s.poller_chats {
                    keys.push(agent.accept().await?.key);
                }
                Ok::<_, anyhow::Error>((agent, keys))
            }
        })
        .buffer_unordered(4)
        .try_collect::<Vec<_>>()
        .await?;
    let ledger = Arc::new(Ledger::default());
    let polling = start_pollers(&target, pollers, &ledger);
    while polling.stats.ready.load(Ordering::Relaxed) < s.pollers {
        if t.elapsed() > Duration::from_secs(600) {
            bail!("(f) the pollers did not all answer once in 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pollers_took = t.elapsed();
    eprintln!(
        "(f) {} pollers logged in with {live_n} accepted chats, polling, in {pollers_took:.1?}",
        s.pollers
    );
    let live = Arc::new(live);

    let (mut small_row, small) = window(ctx, &polling, &live, &ledger, s.small, 0).await?;
    small_row.note.push_str(&format!(
        "; provisioning: {} agents {:.1} s, {} stored chats {:.1} s, {live_n} live chats \
         opened and accepted by {} pollers {:.1} s",
        s.agents,
        agents_took.as_secs_f64(),
        s.small,
        bulk_small.as_secs_f64(),
        s.pollers,
        pollers_took.as_secs_f64()
    ));
    let more = s.chats - s.small;
    let bulk_full = bulk(ctx, more, "(f) stored chats (full)").await?;
    if !s.settle.is_zero() {
        eprintln!("(f) pausing {:?} before measuring the full store", s.settle);
        tokio::time::sleep(s.settle).await;
    }
    let (mut full_row, full) = window(ctx, &polling, &live, &ledger, s.chats, 1 << 40).await?;
    full_row.note.push_str(&format!(
        "; provisioning: {more} more stored chats {:.1} s ({:.0} chats/s, 3 requests each)",
        bulk_full.as_secs_f64(),
        more as f64 / bulk_full.as_secs_f64().max(1e-9)
    ));
    if !s.settle.is_zero() {
        full_row.note.push_str(&format!(
            "; measured {} s after the fill",
            s.settle.as_secs()
        ));
    }
    drop(polling);
    compare(ctx, s, (&small_row, &small), (&full_row, &full));
    ctx.report.rows.push(small_row);
    ctx.report.rows.push(full_row);
    Ok(())
}

/// Adds `n` stored chats; returns how long it took (printed too).
async fn bulk(ctx: &Ctx, n: u64, label: &str) -> Result<Duration> {
    let t = Instant::now();
    setup::visitor_chats(&ctx.target, n, true, BULK_CONNS, label).await?;
    let took = t.elapsed();
    eprintln!(
        "{label}: {n} chats (open, a visitor line, end) in {took:.1?}: {:.0} chats/s",
        n as f64 / took.as_secs_f64().max(1e-9)
    );
    Ok(took)
}

/// One measured window of the live part at `stored` stored chats.
async fn window(
    ctx: &Ctx,
    polling: &Pollers,
    live: &Arc<Vec<String>>,
    ledger: &Arc<Ledger>,
    stored: u64,
    first_seq: u64,
) -> Result<(Row, Window)> {
    let s = ctx.sizes.scale;
    let (warmup, measure) = (ctx.sizes.warmup, ctx.sizes.measure);
    let writer = {
        let (target, live, ledger) = (ctx.target.clone(), Arc::clone(live), Arc::clone(ledger));
        let run = warmup + measure;
        tokio::spawn(async move {
            write(
                &target,
                &live,
                s.rate,
                run,
                first_seq,
                WRITER_CONNS,
                &ledger,
            )
            .await
        })
    };
    eprintln!("(f) {stored} stored chats: writing {} lines/s", s.rate);
    tokio::time::sleep(warmup).await;
    let answers_before = polling.stats.answers.load(Ordering::Relaxed);
    let clock = CpuClock::start(ctx.server_pid);
    let from = Instant::now();
    tokio::time::sleep(measure).await;
    let cpu = clock.stop();
    let to = Instant::now();
    let answers = polling.stats.answers.load(Ordering::Relaxed) - answers_before;
    let memory = ctx.server_pid.and_then(Memory::of);
    let written = writer.await??;
    tokio::time::sleep(GRACE).await;
    let mut d = ledger.window(from, to);
    let delivered = d.latencies.len() as u64;
    let summary = Summary::of(&mut d.latencies, to - from);
    let secs = (to - from).as_secs_f64();
    let cpu_us_per_line = cpu.server.unwrap_or(0.0) * secs * 1e6 / delivered.max(1) as f64;
    let rss = memory.map_or_else(
        || "?".to_owned(),
        |m| format!("{:.0} MB (peak {:.0} MB)", m.rss_mb(), m.hwm_mb()),
    );
    let note = format!(
        "{} lines sent in the window, {delivered} delivered, {} lost, {} failed, {} duplicates; \
         server RSS {rss}; server CPU {cpu_us_per_line:.0} µs per delivered line; {:.0} poll \
         answers/s; {} of {} appends late by > 5 ms; poll errors so far {}, chats answered \
         that were not asked {}",
        d.sent,
        d.lost,
        d.failed,
        d.duplicates,
        answers as f64 / secs,
        written.late,
        written.sent,
        polling.stats.errors.load(Ordering::Relaxed),
        polling.stats.strangers.load(Ordering::Relaxed),
    );
    let row = Row {
        id: format!("f/{stored}"),
        what: format!(
            "{} pollers × {} chats long-polling, {} lines/s, {stored} stored chats: append → \
             poll answer",
            s.pollers, s.poller_chats, s.rate
        ),
        unit: "lines/s",
        summary,
        rounds: Vec::new(),
        errors: d.lost + d.failed,
        cpu,
        note,
    };
    let w = Window {
        p99_us: row.summary.p99_us,
        cpu_us_per_line,
        lost: d.lost + d.failed,
        duplicates: d.duplicates,
    };
    Ok((row, w))
}
