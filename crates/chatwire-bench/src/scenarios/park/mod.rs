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

use self::setup::{H2_STREAM_CAP, catch_up, open_h2, writers_beside};
use self::watch::{parked_waiters, settle};
use super::Ctx;
use crate::background::Done;
use crate::http::{Conn, Req};
use crate::load::counter;
use crate::procstat::{CpuClock, Memory, open_file_limit};
use crate::provision::{fill, line_body};
use crate::report::{Check, Row};
use crate::stats::{Summary, fmt_us};

mod setup;
mod watch;

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
