//! (e): `waiters` long-polls parked at once (`GET {chat}/events?from=next&wait=60`, each on its
//! own connection, `waiters_per_chat` per chat), then one line appended to each chat in turn
//! (one writer, one append at a time). With `--h2-streams N` the polls go over HTTP/2, N
//! streams to a connection, so that more polls than the file limit allows connections can
//! park. Measured:
//! - the server's RSS before parking, with every poll parked, after they all answered, and its
//!   peak;
//! - wake-up latency: from sending the append to each parked poll's complete response. It
//!   includes the append's own fsync'd commit (a waiter is woken after the commit), so the
//!   append's latency is reported beside it.
//!
//! With `--wake-under-writers N`, N of (d)'s writers append to chats of their own on every node
//! while the wake-ups are measured (with `--peer`: cross-node wake-ups under (d)'s load).
//!
//! Each chat is read once from event 0 before the polls park, as a client does before it
//! long-polls (`--cold-tails` skips that: then the first wake-up of each chat reads the
//! database, because the engine loads a chat's in-memory tail lazily).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use hyper::StatusCode;
use serde_json::Value;
use tokio::sync::Semaphore;

use super::Ctx;
use crate::background::{Background, Done};
use crate::http::{Conn, H2Conn, Req, Target};
use crate::load::counter;
use crate::procstat::{CpuClock, Memory, open_file_limit};
use crate::provision::{Chat, fill, line_body};
use crate::report::{Check, Row};
use crate::stats::{Summary, fmt_us};

/// What one parked poll saw.
struct Woken {
    chat: usize,
    at: Instant,
    status: StatusCode,
    events: usize,
}

fn events_in(body: &[u8]) -> usize {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => match &v["events"]["event"] {
            Value::Null => 0,
            Value::Array(a) => a.len(),
            _ => 1,
        },
        Err(_) => 0,
    }
}

fn mb(m: Option<Memory>) -> String {
    m.map_or_else(|| "?".to_owned(), |m| format!("{:.0} MB", m.rss_mb()))
}

/// Waits until the server's RSS stops growing (parked requests have been read and parked).
async fn settle(pid: Option<u32>) -> Option<Memory> {
    let mut last = pid.and_then(Memory::of);
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = pid.and_then(Memory::of);
        match (last, now) {
            (Some(a), Some(b)) if b.rss_kib <= a.rss_kib + a.rss_kib / 200 => return now,
            (None, _) | (_, None) => return now,
            _ => last = now,
        }
    }
    last
}

/// Reads every chat once from event 0, as a client does before it long-polls from the cursor
/// it got. (The engine loads a chat's in-memory tail lazily, on the first read that needs
/// events; without this the first wake-up of each chat reads the database.)
async fn catch_up(ctx: &Ctx, chats: &[Chat]) -> Result<()> {
    let bar = counter("(e) reading the chats", chats.len() as u64);
    let per_conn = chats.len().div_ceil(8).max(1);
    let mut tasks = Vec::new();
    for part in chats.chunks(per_conn) {
        let reqs: Vec<Req> = part
            .iter()
            .map(|c| Req::get(format!("{}/events?from=0", c.path), &ctx.agent.bearer))
            .collect();
        let (target, bar) = (ctx.target.clone(), bar.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&target).await?;
            for req in &reqs {
                let reply = conn.send(req).await?;
                if reply.status != StatusCode::OK {
                    bail!("reading {}: {}", req.path(), reply.status);
                }
                bar.inc(1);
            }
            Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    bar.finish_and_clear();
    Ok(())
}

/// Runs (e).
pub(crate) async fn parked(ctx: &mut Ctx) -> Result<()> {
    let waiters = ctx.sizes.waiters;
    let per_chat = ctx.sizes.waiters_per_chat.max(1);
    let n_chats = waiters.div_ceil(per_chat);
    let streams = ctx.sizes.h2_streams;
    if streams > H2_STREAM_CAP {
        bail!(
            "--h2-streams {streams}: the server opens at most {H2_STREAM_CAP} streams on a \
             connection; the rest would wait in the client and never park"
        );
    }
    let connections = if streams > 0 {
        waiters.div_ceil(streams)
    } else {
        waiters
    };
    if let Some(limit) = open_file_limit()
        && limit < connections as u64 + 256
    {
        bail!(
            "the open-file limit is {limit}; (e) needs {connections} + 256: raise `ulimit -n` \
             or park over HTTP/2 (`--h2-streams`)"
        );
    }
    let mut chats = ctx.agent.open_chats(n_chats, "(e) opening chats").await?;
    fill(
        &ctx.target,
        &ctx.agent,
        &mut chats,
        1,
        ctx.sizes.writers,
        "(e) first lines",
    )
    .await?;
    if ctx.sizes.cold_tails {
        eprintln!("(e) cold tails: the chats are not read before the polls park");
    } else {
        catch_up(ctx, &chats).await?;
    }
    let pid = ctx.server_pid;
    let before = settle(pid).await;

    // Park every poll.
    let connected = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(256));
    // Waits already parked on the server (another client's), so that only ours are counted.
    let mut metrics = Conn::open(&ctx.target).await?;
    let others = parked_waiters(&mut metrics).await?;
    let shared = open_h2(&ctx.target, connections, streams).await?;
    let bar = counter("(e) parking long-polls", waiters as u64);
    let mut tasks = Vec::with_capacity(waiters);
    for w in 0..waiters {
        let chat = w % n_chats;
        let req = Req::get(
            format!(
                "{}/events?from={}&wait=60",
                chats[chat].path, chats[chat].next
            ),
            &ctx.agent.bearer,
        );
        let h2 = shared.get(w / streams.max(1)).cloned();
        let (target, connected, answered, gate, bar) = (
            ctx.target.clone(),
            Arc::clone(&connected),
            Arc::clone(&answered),
            Arc::clone(&gate),
            bar.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let reply = match h2 {
                Some(mut h2) => {
                    connected.fetch_add(1, Ordering::Relaxed);
                    bar.inc(1);
                    h2.send(&req).await?
                }
                None => {
                    let mut conn = {
                        let _permit = gate.acquire().await?;
                        Conn::open(&target).await?
                    };
                    connected.fetch_add(1, Ordering::Relaxed);
                    bar.inc(1);
                    conn.send(&req).await?
                }
            };
            let at = Instant::now();
            answered.fetch_add(1, Ordering::Relaxed);
            Ok::<_, anyhow::Error>(Woken {
                chat,
                at,
                status: reply.status,
                events: events_in(&reply.body),
            })
        }));
    }
    let parking = Instant::now();
    while connected.load(Ordering::Relaxed) < waiters {
        if parking.elapsed() > Duration::from_secs(40) {
            bail!(
                "only {} of {waiters} polls connected in 40 s",
                connected.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bar.finish_and_clear();
    // Connected is not parked (an HTTP/2 stream may still wait for the server's stream cap):
    // the server's own gauge says when every poll waits.
    // A poll that answered at once (an error, a refused connection) never parks: it is
    // counted as answered and reported below, as before.
    loop {
        let waiting = parked_waiters(&mut metrics).await?.saturating_sub(others);
        let answered_now = answered.load(Ordering::Relaxed) as u64;
        if waiting + answered_now >= waiters as u64 {
            break;
        }
        if parking.elapsed() > Duration::from_secs(60) {
            eprintln!(
                "(e) only {waiting} of {waiters} polls parked in 60 s ({answered_now} answered); \
                 measuring anyway"
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(metrics);
    let parked = settle(pid).await;
    if !ctx.sizes.hold_parked.is_zero() {
        eprintln!(
            "(e) {waiters} polls parked; holding {:?} (server RSS {})",
            ctx.sizes.hold_parked,
            mb(parked)
        );
        tokio::time::sleep(ctx.sizes.hold_parked).await;
    }
    let early = answered.load(Ordering::Relaxed);

    let beside = writers_beside(ctx).await?;

    // Wake them: one append per chat, one at a time; through the peer node when given, so each
    // wake-up crosses nodes (commit on the peer, NOTIFY, catch-up and wake here).
    let mut writer = Conn::open(ctx.peer.as_ref().unwrap_or(&ctx.target)).await?;
    let mut sent = Vec::with_capacity(n_chats);
    let mut appends = Vec::with_capacity(n_chats);
    let mut acked = Vec::with_capacity(n_chats);
    let bar = counter("(e) appending", n_chats as u64);
    let body = line_body("wake up");
    let clock = CpuClock::start(pid);
    for chat in &chats {
        let req = Req::post_json(
            format!("{}/events", chat.path),
            &ctx.agent.bearer,
            body.clone(),
        );
        let t0 = Instant::now();
        let reply = writer.send(&req).await?;
        let t1 = Instant::now();
        appends.push(t1 - t0);
        sent.push(t0);
        acked.push(t1);
        if reply.status != StatusCode::CREATED {
            bail!("append: {}", reply.status);
        }
        bar.inc(1);
    }
    let window = sent.first().map(Instant::elapsed).unwrap_or_default();
    let cpu = clock.stop();
    bar.finish_and_clear();
    let beside = match beside {
        Some(load) => Some(load.stop().await),
        None => None,
    };

    let mut wakes = Vec::with_capacity(waiters);
    // The part after the append's own 201 reached the writer (0 when the poll answered first).
    let mut after_ack = Vec::with_capacity(waiters);
    let mut missed = 0usize;
    for t in tasks {
        match tokio::time::timeout(Duration::from_secs(70), t).await {
            Ok(Ok(Ok(w))) if w.status == StatusCode::OK && w.events >= 1 => {
                wakes.push(w.at.saturating_duration_since(sent[w.chat]));
                after_ack.push(w.at.saturating_duration_since(acked[w.chat]));
            }
            _ => missed += 1,
        }
    }
    let after = settle(pid).await;
    let append = Summary::of(&mut appends, window);
    let summary = Summary::of(&mut wakes, Duration::ZERO);
    let beyond = Summary::of(&mut after_ack, Duration::ZERO);
    let hwm = pid.and_then(Memory::of).map(Memory::hwm_mb);
    let mut note = format!(
        "RSS {} before, {} with {waiters} parked, {} after; peak {}; append p50 {} p99 {} \
         ({:.0} appends/s); after the append's 201: p50 {} p99 {}",
        mb(before),
        mb(parked),
        mb(after),
        hwm.map_or_else(|| "?".into(), |m| format!("{m:.0} MB")),
        fmt_us(append.p50_us),
        fmt_us(append.p99_us),
        append.rate,
        fmt_us(beyond.p50_us),
        fmt_us(beyond.p99_us),
    );
    if let Some(b) = beside {
        note.push_str(&format!(
            "; beside: {} writers at {:.0} lines/s ({} errors; the CPU column includes them)",
            ctx.sizes.wake_under_writers, b.rate, b.errors
        ));
    }
    if early > 0 || missed > 0 {
        note.push_str(&format!(
            "; {early} answered before the appends, {missed} not woken"
        ));
    }
    let row = Row {
        id: "e".into(),
        what: format!(
            "{waiters} parked long-polls ({per_chat}/chat{}), append{} → response{}",
            if streams > 0 {
                format!(", HTTP/2, {streams} to a connection")
            } else {
                String::new()
            },
            if ctx.peer.is_some() {
                " on the peer node"
            } else {
                ""
            },
            if beside.is_some() {
                format!(", {} writers beside", ctx.sizes.wake_under_writers)
            } else {
                String::new()
            }
        ),
        unit: "wake-ups",
        summary,
        rounds: Vec::new(),
        errors: missed as u64,
        cpu,
        note,
    };
    if let Some(m) = parked {
        let mbs = m.rss_mb();
        ctx.report.checks.push(Check {
            target: format!("(e) server RSS with {waiters} parked ≤ 150 MB"),
            measured: format!("{mbs:.0} MB"),
            holds: mbs <= 150.0,
        });
    }
    ctx.report.checks.push(Check {
        target: "(e) wake p99 ≤ 5 ms".into(),
        measured: format!(
            "{} (p50 {}; the append alone p99 {}; after its 201 p99 {})",
            fmt_us(row.summary.p99_us),
            fmt_us(row.summary.p50_us),
            fmt_us(append.p99_us),
            fmt_us(beyond.p99_us)
        ),
        holds: row.summary.p99_us <= 5_000 && missed == 0,
    });
    if let Some(Done { rate, .. }) = beside {
        ctx.report.checks.push(Check {
            target: format!(
                "(e) wake p99 ≤ 5 ms after the append's 201, {} writers beside{}",
                ctx.sizes.wake_under_writers,
                if ctx.peer.is_some() {
                    ", across nodes"
                } else {
                    ""
                }
            ),
            measured: format!("{} (writers at {rate:.0} lines/s)", fmt_us(beyond.p99_us)),
            holds: beyond.p99_us <= 5_000 && missed == 0,
        });
    }
    ctx.report.rows.push(row);
    Ok(())
}

/// `connections` HTTP/2 connections when `streams` is set (each carries `streams` polls),
/// else none (every poll opens its own HTTP/1.1 connection).
async fn open_h2(target: &Target, connections: usize, streams: usize) -> Result<Vec<H2Conn>> {
    if streams == 0 {
        return Ok(Vec::new());
    }
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        conns.push(H2Conn::open(target).await?);
    }
    Ok(conns)
}

/// Streams hyper's HTTP/2 server opens at once on one connection (its default; chatwire does
/// not change it).
const H2_STREAM_CAP: usize = 200;

/// The server's `chatwire_parked_waiters` gauge (`/metrics`).
async fn parked_waiters(conn: &mut Conn) -> Result<u64> {
    let reply = conn.send(&Req::get_anon("/metrics")).await?;
    if reply.status != StatusCode::OK {
        bail!("/metrics: {}", reply.status);
    }
    gauge(
        &String::from_utf8_lossy(&reply.body),
        "chatwire_parked_waiters",
    )
    .ok_or_else(|| anyhow::anyhow!("/metrics has no chatwire_parked_waiters"))
}

/// The value of the unlabelled series `name` in Prometheus text.
fn gauge(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(' ')?;
        value.trim().parse::<f64>().ok().map(|v| v as u64)
    })
}

/// With `--wake-under-writers N`: N of (d)'s writers on chats of their own, spread over every
/// node, already at pace (2 s lead-in) when this returns.
async fn writers_beside(ctx: &Ctx) -> Result<Option<Background>> {
    let n = ctx.sizes.wake_under_writers;
    if n == 0 {
        return Ok(None);
    }
    let chats = ctx
        .agent
        .open_chats(n, "(e) chats of the writers beside")
        .await?;
    let reqs = super::append::line_requests(ctx, &chats);
    let mut load = Background::start(&ctx.nodes(), reqs, StatusCode::CREATED).await?;
    eprintln!("(e) {n} writers beside the wake-ups: 2 s lead-in");
    tokio::time::sleep(Duration::from_secs(2)).await;
    load.mark();
    Ok(Some(load))
}

#[cfg(test)]
mod tests {
    use super::gauge;

    #[test]
    fn the_gauge_is_read_from_its_own_unlabelled_line() {
        let text = "# HELP chatwire_parked_waiters Parked\n\
                    chatwire_parked_waiters_total 9\n\
                    chatwire_parked_waiters 10000\n";
        assert_eq!(gauge(text, "chatwire_parked_waiters"), Some(10_000));
        assert_eq!(gauge(text, "chatwire_chats"), None);
    }
}
