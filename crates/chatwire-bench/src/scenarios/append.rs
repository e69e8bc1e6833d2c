//! (d): `writers` concurrent writers, each on its own connection and its own chat, post agent
//! lines (`POST {chat}/events`) closed-loop. A 201 means the line is fsync'd (SQLite WAL,
//! `synchronous=FULL`, group commit), so lines/s is durable lines per second.

use anyhow::Result;
use hyper::StatusCode;

use super::Ctx;
use crate::http::Req;
use crate::load::{Load, closed_loop};
use crate::provision::line_body;
use crate::report::{Check, Row};

/// Runs (d).
pub(crate) async fn writers(ctx: &mut Ctx) -> Result<()> {
    let n = ctx.sizes.writers;
    let chats = ctx.agent.open_chats(n, "(d) opening chats").await?;
    let reqs: Vec<Req> = chats
        .iter()
        .map(|c| {
            Req::post_json(
                format!("{}/events", c.path),
                &ctx.agent.bearer,
                line_body("Hello, how can I help you today?"),
            )
        })
        .collect();
    let load = Load {
        concurrency: n,
        ..ctx.poll_load()
    };
    let mut rounds = Vec::new();
    for r in 1..=ctx.sizes.rounds {
        let reqs = reqs.clone();
        rounds.push(
            closed_loop(
                &ctx.nodes(),
                load,
                &format!("(d) {n} writers {r}"),
                StatusCode::CREATED,
                ctx.server_pid,
                move |w, _| reqs[w].clone(),
            )
            .await?,
        );
    }
    let row = Row::from_rounds(
        "d",
        format!("{n} writers appending lines (fsync'd)"),
        "lines/s",
        &rounds,
    );
    let s = &row.summary;
    ctx.report.checks.push(Check {
        target: "(d) ≥ 20k fsync'd lines/s".into(),
        measured: format!("{:.0} lines/s", s.rate),
        holds: s.rate >= 20_000.0,
    });
    ctx.report.checks.push(Check {
        target: "(d) p99 ≤ 10 ms".into(),
        measured: crate::stats::fmt_us(s.p99_us),
        holds: s.p99_us <= 10_000,
    });
    ctx.report.rows.push(row);
    Ok(())
}
