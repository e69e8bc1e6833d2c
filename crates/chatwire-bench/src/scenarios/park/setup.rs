//! What (e) sets up before and beside its polls: the chats read once, the HTTP/2
//! connections the polls share, and the writers beside the wake-ups.

use std::time::Duration;

use anyhow::{Result, bail};
use hyper::StatusCode;

use crate::background::Background;
use crate::http::{Conn, H2Conn, Req, Target};
use crate::load::counter;
use crate::provision::Chat;
use crate::scenarios::Ctx;

/// Streams hyper's HTTP/2 server opens at once on one connection (its default; chatwire does
/// not change it).
pub(super) const H2_STREAM_CAP: usize = 200;

/// Reads every chat once from event 0, as a client does before it long-polls from the cursor
/// it got. (The engine loads a chat's in-memory tail lazily, on the first read that needs
/// events; without this the first wake-up of each chat reads the database.)
pub(super) async fn catch_up(ctx: &Ctx, chats: &[Chat]) -> Result<()> {
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

/// `connections` HTTP/2 connections when `streams` is set (each carries `streams` polls),
/// else none (every poll opens its own HTTP/1.1 connection).
pub(super) async fn open_h2(
    target: &Target,
    connections: usize,
    streams: usize,
) -> Result<Vec<H2Conn>> {
    if streams == 0 {
        return Ok(Vec::new());
    }
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        conns.push(H2Conn::open(target).await?);
    }
    Ok(conns)
}

/// With `--wake-under-writers N`: N of (d)'s writers on chats of their own, spread over every
/// node, already at pace (2 s lead-in) when this returns.
pub(super) async fn writers_beside(ctx: &Ctx) -> Result<Option<Background>> {
    let n = ctx.sizes.wake_under_writers;
    if n == 0 {
        return Ok(None);
    }
    let chats = ctx
        .agent
        .open_chats(n, "(e) chats of the writers beside")
        .await?;
    let reqs = crate::scenarios::append::line_requests(ctx, &chats);
    let mut load = Background::start(&ctx.nodes(), reqs, StatusCode::CREATED).await?;
    eprintln!("(e) {n} writers beside the wake-ups: 2 s lead-in");
    tokio::time::sleep(Duration::from_secs(2)).await;
    load.mark();
    Ok(Some(load))
}
