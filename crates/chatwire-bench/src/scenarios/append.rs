//! (d): `writers` concurrent writers, each on its own connection and its own chat, post agent
//! lines (`POST {chat}/events`) closed-loop. A 201 means the line is fsync'd (SQLite WAL,
//! `synchronous=FULL`, group commit), so lines/s is durable lines per second.

use anyhow::Result;
use hyper::StatusCode;

use super::Ctx;
use crate::http::Req;
use crate::load::{Load, closed_loop};
use crate::provision::{Chat, line_body};
use crate::report::{Check, Row};
use crate::sqlite_baseline::{self, Measured, ROWS_PER_COMMIT};

/// (d)'s request per writer: an agent line posted to its own chat.
pub(crate) fn line_requests(ctx: &Ctx, chats: &[Chat]) -> Vec<Req> {
    chats
        .iter()
        .map(|c| {
            Req::post_json(
                format!("{}/events", c.path),
                &ctx.agent.bearer,
                line_body("Hello, how can I help you today?"),
            )
        })
        .collect()
}

/// The baseline's row: its median round; latencies are per 64-row commit.
fn baseline_row(rounds: &[Measured]) -> Row {
    let rates: Vec<f64> = rounds.iter().map(|m| m.summary.rate).collect();
    let mid = &rounds[crate::stats::median_index(&rates)];
    Row {
        id: "d-base".into(),
        what: format!("bare SQLite loop, {ROWS_PER_COMMIT}-row fsync'd transactions, same disk"),
        unit: "rows/s",
        summary: mid.summary.clone(),
        rounds: rates,
        errors: 0,
        cpu: crate::procstat::CpuShare::default(),
        note: "latency per transaction; no HTTP, no engine".into(),
    }
}

/// Runs (d).
pub(crate) async fn writers(ctx: &mut Ctx) -> Result<()> {
    let n = ctx.sizes.writers;
    let chats = ctx.agent.open_chats(n, "(d) opening chats").await?;
    let reqs = line_requests(ctx, &chats);
    let load = Load {
        concurrency: n,
        ..ctx.poll_load()
    };
    let mut rounds = Vec::new();
    let mut bare = Vec::new();
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
        let (disk, warmup, measure) = (ctx.sizes.disk.clone(), load.warmup, load.measure);
        eprintln!("(d) bare SQLite loop {r}");
        bare.push(
            tokio::task::spawn_blocking(move || sqlite_baseline::run(&disk, warmup, measure))
                .await??,
        );
    }
    let row = Row::from_rounds(
        "d",
        format!("{n} writers appending lines (fsync'd)"),
        "lines/s",
        &rounds,
    );
    let base = baseline_row(&bare);
    let s = &row.summary;
    ctx.report.checks.push(Check {
        target: "(d) ≥ 40k fsync'd lines/s".into(),
        measured: format!("{:.0} lines/s", s.rate),
        holds: s.rate >= 40_000.0,
    });
    ctx.report.checks.push(Check {
        target: "(d) p99 ≤ 5 ms".into(),
        measured: crate::stats::fmt_us(s.p99_us),
        holds: s.p99_us <= 5_000,
    });
    let share = s.rate / base.summary.rate.max(1.0);
    ctx.report.checks.push(Check {
        target: "(d) ≥ ⅓ of the bare SQLite group-commit loop".into(),
        measured: format!(
            "{:.0} ÷ {:.0} rows/s = {share:.2}",
            s.rate, base.summary.rate
        ),
        holds: share >= 1.0 / 3.0,
    });
    ctx.report.rows.push(row);
    ctx.report.rows.push(base);
    Ok(())
}
