//! (w): (d) with webhooks. Rounds of (d) alternate without and with 3 subscriptions of the
//! default kinds (every line is an event for each) posting to the in-process receiver, so the
//! two p99s are measured side by side on the same disk and CPU. Each "with" round creates
//! fresh subscriptions (their cursors start at the newest event, so nothing from earlier rounds
//! is owed) and deletes them after, and reports how many deliveries per second reached the
//! receiver during the round and in the 3 s after it (no load: the backlog drains at the rate
//! of an idle store), and whether each subscription's events arrived in order.

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use hyper::StatusCode;
use serde_json::{Value, json};

use super::Ctx;
use crate::http::{Req, Target};
use crate::load::{Load, Outcome, closed_loop};
use crate::receiver::{self, Receiver};
use crate::report::{Check, Row};

/// Subscriptions active in a "with" round (issue 17's figure).
const HOOKS: usize = 3;
/// How long the backlog of a round drains, unloaded, before its subscriptions are deleted.
const DRAIN: Duration = Duration::from_secs(3);
/// The admin API's webhook collection of the demo account.
const WEBHOOKS: &str = "/chatwire/v1/accounts/1000/webhooks";

/// Runs (w).
pub(crate) async fn with_subscriptions(ctx: &mut Ctx) -> Result<()> {
    let n = ctx.sizes.writers;
    let chats = ctx.agent.open_chats(n, "(w) opening chats").await?;
    let reqs = super::append::line_requests(ctx, &chats);
    let load = Load {
        concurrency: n,
        ..ctx.poll_load()
    };
    let rx = receiver::start(HOOKS)?;
    let admin = Admin::login(&ctx.target).await?;
    let (mut without, mut with) = (Vec::new(), Vec::new());
    let (mut delivered_per_s, mut drain_per_s, mut out_of_order) = (Vec::new(), Vec::new(), 0);
    for r in 1..=ctx.sizes.rounds {
        let label = format!("(w) {n} writers, no webhooks {r}");
        without.push(append_round(ctx, load, &label, &reqs).await?);
        rx.reset();
        let ids = admin.subscribe(&rx).await?;
        let started = Instant::now();
        let label = format!("(w) {n} writers, {HOOKS} webhooks {r}");
        let outcome = append_round(ctx, load, &label, &reqs).await?;
        let elapsed = started.elapsed().as_secs_f64();
        let tallies = rx.tallies();
        // The backlog left by the round drains with no load: the rate when the store is idle.
        tokio::time::sleep(DRAIN).await;
        let drained = rx.tallies();
        admin.unsubscribe(&ids).await?;
        let delivered: u64 = tallies.iter().map(|t| t.delivered).sum();
        let after: u64 = drained.iter().map(|t| t.delivered).sum();
        drain_per_s.push((after - delivered) as f64 / DRAIN.as_secs_f64());
        out_of_order += drained.iter().map(|t| t.not_after_newest).sum::<u64>();
        delivered_per_s.push(delivered as f64 / elapsed);
        with.push(outcome);
    }
    let plain = Row::from_rounds(
        "w0",
        format!("{n} writers appending lines, no webhooks"),
        "lines/s",
        &without,
    );
    let mut hooked = Row::from_rounds(
        "w3",
        format!("{n} writers appending lines, {HOOKS} webhook subscriptions"),
        "lines/s",
        &with,
    );
    hooked.note = format!(
        "deliveries/s to the receiver, all {HOOKS}: {} during the round, {} after it (no load)",
        median_of(&delivered_per_s),
        median_of(&drain_per_s),
    );
    let (p0, p3) = (plain.summary.p99_us, hooked.summary.p99_us);
    ctx.report.checks.push(Check {
        target: format!("(d) p99 with {HOOKS} webhooks within 10% of (d) without"),
        measured: format!(
            "{} vs {} ({:+.1}%)",
            crate::stats::fmt_us(p3),
            crate::stats::fmt_us(p0),
            (p3 as f64 / p0.max(1) as f64 - 1.0) * 100.0
        ),
        holds: p3 as f64 <= p0 as f64 * 1.10,
    });
    ctx.report.checks.push(Check {
        target: "webhook events arrive in order per subscription".into(),
        measured: format!("{out_of_order} repeated or out of order"),
        holds: out_of_order == 0,
    });
    ctx.report.rows.push(plain);
    ctx.report.rows.push(hooked);
    Ok(())
}

/// "median (round, round, …)" of per-round rates.
fn median_of(rates: &[f64]) -> String {
    let mut sorted = rates.to_vec();
    sorted.sort_by(f64::total_cmp);
    let all: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
    format!("{:.0} ({})", sorted[sorted.len() / 2], all.join(", "))
}

/// One closed-loop round of (d)'s appends.
async fn append_round(ctx: &Ctx, load: Load, label: &str, reqs: &[Req]) -> Result<Outcome> {
    let reqs = reqs.to_vec();
    closed_loop(
        &ctx.nodes(),
        load,
        label,
        StatusCode::CREATED,
        ctx.server_pid,
        move |w, _| reqs[w].clone(),
    )
    .await
}

/// agent1 (the demo account's admin) on chatwire's own admin API.
struct Admin {
    http: reqwest::Client,
    base: String,
    bearer: String,
}

impl Admin {
    async fn login(target: &Target) -> Result<Self> {
        let http = reqwest::Client::new();
        let base = target.base.clone();
        let bearer = crate::provision::login_bearer(&http, target, "agent1", "demo-pass").await?;
        Ok(Self { http, base, bearer })
    }

    /// Creates one subscription per receiver hook; returns their ids.
    async fn subscribe(&self, rx: &Receiver) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(HOOKS);
        for hook in 0..HOOKS {
            let made: Value = self
                .http
                .post(format!("{}{WEBHOOKS}", self.base))
                .bearer_auth(&self.bearer)
                .json(&json!({"url": format!("{}/hook/{hook}", rx.base)}))
                .send()
                .await?
                .error_for_status()
                .context("creating a webhook subscription")?
                .json()
                .await?;
            ids.push(
                made["id"]
                    .as_i64()
                    .ok_or_else(|| anyhow!("no id in {made}"))?,
            );
        }
        Ok(ids)
    }

    async fn unsubscribe(&self, ids: &[i64]) -> Result<()> {
        for id in ids {
            self.http
                .delete(format!("{}{WEBHOOKS}/{id}", self.base))
                .bearer_auth(&self.bearer)
                .send()
                .await?
                .error_for_status()
                .context("deleting a webhook subscription")?;
        }
        Ok(())
    }
}
