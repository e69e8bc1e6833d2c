//! (a), (b), (c): the multi-chat retrieve, `GET {session}/chat?chatSessionKeys=K1,…&
//! fromEventIds=N1,…` (JSON), driven closed-loop.
//!
//! - (a) cursors at each chat's next id: nothing new. The answer is captured and served by the
//!   baseline server, driven by the same client in alternating rounds.
//! - (b) cursors one event back: each chat answers exactly one event (its last line), every
//!   time, with no writes during the run. Each connection asks for the chats in an order of
//!   its own (rotated by its index), so a poll is almost never the agent session's last one
//!   again and is not answered with the session's kept body (which serves a repeated,
//!   unchanged poll: that is (a)'s case; docs/performance.md, "session 15"). Since session 16
//!   the server takes each chat that has not moved from the session's last answer (another
//!   connection's) and assembles the body from those items; no chat is read. A chat with
//!   news would be read and its fragment rendered on top of this.
//! - (c) (a) over chats with `history_lines` lines each against (a) over the short chats, in
//!   alternating rounds; the ratio of their request rates is the history's cost.

use anyhow::{Context as _, Result, bail};
use hyper::StatusCode;
use hyper::header::HeaderValue;
use serde_json::Value;

use super::Ctx;
use crate::baseline;
use crate::http::{Conn, Reply, Req, Target};
use crate::load::{Outcome, closed_loop};
use crate::procstat::ServerCpu;
use crate::provision::{Chat, fill};
use crate::report::{Check, Row};

/// The multi-chat retrieve for `chats`, each from `next - back`.
fn retrieve(ctx: &Ctx, chats: &[Chat], back: u32) -> Req {
    retrieve_rotated(ctx, chats, back, 0)
}

/// [`retrieve`] asking for the chats in their order rotated left by `by`.
fn retrieve_rotated(ctx: &Ctx, chats: &[Chat], back: u32, by: usize) -> Req {
    let mut order: Vec<&Chat> = chats.iter().collect();
    let n = order.len();
    if n > 0 {
        order.rotate_left(by % n);
    }
    let keys: Vec<&str> = order.iter().map(|c| c.key.as_str()).collect();
    let froms: Vec<String> = order
        .iter()
        .map(|c| c.next.saturating_sub(back).to_string())
        .collect();
    Req::get(
        format!(
            "{}/chat?chatSessionKeys={}&fromEventIds={}",
            ctx.agent.session,
            keys.join(","),
            froms.join(",")
        ),
        &ctx.agent.bearer,
    )
}

/// Sends `req` once and checks that every one of `chats` answers `events` events.
async fn probe(target: &Target, req: &Req, chats: usize, events: usize) -> Result<Reply> {
    let mut conn = Conn::open(target).await?;
    let reply = conn.send(req).await?;
    if reply.status != StatusCode::OK {
        bail!(
            "multi-chat retrieve: {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
    }
    let v: Value = serde_json::from_slice(&reply.body).context("multi-chat retrieve JSON")?;
    let list = v["chats"]["chat"].as_array().map_or(&[][..], Vec::as_slice);
    if list.len() != chats {
        bail!("asked {chats} chats, got {}: {v}", list.len());
    }
    for c in list {
        let got = match &c["events"]["event"] {
            Value::Null => 0,
            Value::Array(a) => a.len(),
            _ => 1,
        };
        if got != events {
            bail!("expected {events} events per chat, one has {got}: {c}");
        }
    }
    Ok(reply)
}

async fn drive(ctx: &Ctx, targets: &[Target], label: &str, req: Req) -> Result<Outcome> {
    let server = if targets.first().is_some_and(|t| t.addr == ctx.target.addr) {
        ServerCpu::from(ctx.server_pid)
    } else {
        // The baseline runs inside this process, on threads of its own.
        ServerCpu::Threads(baseline::THREAD_NAME)
    };
    closed_loop(
        targets,
        ctx.poll_load(),
        label,
        StatusCode::OK,
        server,
        move |_, _| req.clone(),
    )
    .await
}

/// (a) against the baseline.
pub(crate) async fn nothing_new(ctx: &mut Ctx) -> Result<()> {
    let chats = ctx.short_chats().await?;
    let req = retrieve(ctx, &chats, 0);
    let reply = probe(&ctx.target, &req, chats.len(), 0).await?;
    let content_type = reply
        .content_type
        .clone()
        .unwrap_or(HeaderValue::from_static("application/json"));
    let base = baseline::start(reply.body.clone(), content_type)?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for r in 1..=ctx.sizes.rounds {
        ours.push(drive(ctx, &ctx.nodes(), &format!("(a) chatwire {r}"), req.clone()).await?);
        theirs.push(
            drive(
                ctx,
                std::slice::from_ref(&base.target),
                &format!("(a) baseline {r}"),
                req.clone(),
            )
            .await?,
        );
    }
    drop(base);
    let n = chats.len();
    let events = chats.first().map_or(0, |c| c.next);
    let a = Row::from_rounds(
        "a",
        format!("retrieve {n} chats ({events} events each), nothing new"),
        "req/s",
        &ours,
    );
    let b = Row::from_rounds(
        "baseline",
        "bare axum/hyper, same body, same client",
        "req/s",
        &theirs,
    );
    let ratio = a.summary.rate / b.summary.rate;
    ctx.report.checks.push(Check {
        target: "(a) ≥ 0.6 × bare hyper req/s (issue 18)".into(),
        measured: format!(
            "{:.0} / {:.0} req/s = {ratio:.2}×",
            a.summary.rate, b.summary.rate
        ),
        holds: ratio >= 0.6,
    });
    // With a peer, the load is spread over two nodes but the server column is one node's.
    if let Some(check) = cpu_check(&a, &b).filter(|_| ctx.peer.is_none()) {
        ctx.report.checks.push(check);
    }
    ctx.report.rows.push(a);
    ctx.report.rows.push(b);
    Ok(())
}

/// (a)'s server CPU per request against the bare server's, when both are known.
fn cpu_check(ours: &Row, bare: &Row) -> Option<Check> {
    let per_request = |r: &Row| {
        let cores = r.cpu.server?;
        (r.summary.rate > 0.0).then(|| cores / r.summary.rate * 1e6)
    };
    let (a, b) = (per_request(ours)?, per_request(bare)?);
    Some(Check {
        target: "(a) ≤ 2 × bare hyper's server CPU per request (issue 18)".into(),
        measured: format!("{a:.0} µs / {b:.0} µs = {:.2}×", a / b),
        holds: a <= 2.0 * b,
    })
}

/// (b): one new event in each chat, each connection asking in its own order.
pub(crate) async fn one_new_each(ctx: &mut Ctx) -> Result<()> {
    let chats = ctx.short_chats().await?;
    let reqs: Vec<Req> = (0..ctx.poll_load().concurrency)
        .map(|i| retrieve_rotated(ctx, &chats, 1, i))
        .collect();
    for req in &reqs {
        probe(&ctx.target, req, chats.len(), 1).await?;
    }
    let reqs = std::sync::Arc::new(reqs);
    let mut rounds = Vec::new();
    for r in 1..=ctx.sizes.rounds {
        let reqs = std::sync::Arc::clone(&reqs);
        rounds.push(
            closed_loop(
                &ctx.nodes(),
                ctx.poll_load(),
                &format!("(b) chatwire {r}"),
                StatusCode::OK,
                ServerCpu::from(ctx.server_pid),
                move |w, _| reqs[w % reqs.len()].clone(),
            )
            .await?,
        );
    }
    let n = chats.len();
    ctx.report.rows.push(Row::from_rounds(
        "b",
        format!("retrieve {n} chats, 1 new event in each, each connection in its own order"),
        "req/s",
        &rounds,
    ));
    Ok(())
}

/// (c): long histories against short ones.
pub(crate) async fn history(ctx: &mut Ctx) -> Result<()> {
    let short = ctx.short_chats().await?;
    let mut long = ctx
        .agent
        .open_chats(ctx.sizes.chats, "(c) long chats: opening")
        .await?;
    let lines = ctx.sizes.history_lines;
    let started = std::time::Instant::now();
    fill(
        &ctx.target,
        &ctx.agent,
        &mut long,
        lines,
        ctx.sizes.writers,
        "(c) long chats: history",
    )
    .await?;
    let fill_rate = (lines * long.len() as u64) as f64 / started.elapsed().as_secs_f64();
    let short_req = retrieve(ctx, &short, 0);
    let long_req = retrieve(ctx, &long, 0);
    probe(&ctx.target, &short_req, short.len(), 0).await?;
    probe(&ctx.target, &long_req, long.len(), 0).await?;
    let (mut s, mut l) = (Vec::new(), Vec::new());
    for r in 1..=ctx.sizes.rounds {
        s.push(
            drive(
                ctx,
                &ctx.nodes(),
                &format!("(c) short {r}"),
                short_req.clone(),
            )
            .await?,
        );
        l.push(
            drive(
                ctx,
                &ctx.nodes(),
                &format!("(c) long {r}"),
                long_req.clone(),
            )
            .await?,
        );
    }
    let n = short.len();
    let short_events = short.first().map_or(0, |c| c.next);
    let long_events = long.first().map_or(0, |c| c.next);
    let s = Row::from_rounds(
        format!("c/{short_events}"),
        format!("(a) over {n} chats of {short_events} events"),
        "req/s",
        &s,
    );
    let mut l = Row::from_rounds(
        format!("c/{long_events}"),
        format!("(a) over {n} chats of {long_events} events"),
        "req/s",
        &l,
    );
    l.note.push_str(&format!(
        "; history written at {fill_rate:.0} lines/s by {} writers",
        ctx.sizes.writers
    ));
    let ratio = s.summary.rate / l.summary.rate;
    ctx.report.checks.push(Check {
        target: format!("(c) cost with {long_events} events ÷ with {short_events} ≤ 1.1"),
        measured: format!(
            "{:.0} / {:.0} req/s = {ratio:.2} (p50 {} vs {} µs)",
            s.summary.rate, l.summary.rate, s.summary.p50_us, l.summary.p50_us
        ),
        holds: ratio <= 1.1,
    });
    ctx.report.rows.push(s);
    ctx.report.rows.push(l);
    Ok(())
}
