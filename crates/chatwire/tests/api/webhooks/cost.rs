//! What webhook delivery costs the append path, measured (ignored by default: it prints
//! figures, it does not judge them). 64 visitors post lines as fast as they are answered
//! (fsync'd appends through the writer, like the load generator's scenario (d)), on a server
//! with no subscription and on one whose account has three subscriptions taking every line;
//! rounds alternate. Run with
//! `cargo test -p chatwire --test api webhooks::cost -- --ignored --nocapture`.
//! Debug builds: compare the columns with each other, not with docs/performance.md.

use std::time::{Duration, Instant};

use super::receiver::Receiver;
use super::{admin, fast, subscribe, visitor_line};
use crate::helpers::spawn_configured;

const WRITERS: usize = 64;
const LINES: usize = 20;

/// One round: lines/s, p50 and p99 in ms, and (with subscriptions) how long the last
/// receiver took to get every line after the appends finished.
async fn round(subscriptions: usize) -> (f64, f64, f64, Option<Duration>) {
    let app = spawn_configured(|s| {
        fast(s);
        s.throttle.enabled = false;
    })
    .await;
    let bearer = admin(&app).await;
    let mut receivers = Vec::new();
    for _ in 0..subscriptions {
        let r = Receiver::start(vec![]).await;
        subscribe(&app, &bearer, &r.url, &["chat.line"]).await;
        receivers.push(r);
    }
    let mut chats = Vec::new();
    for _ in 0..WRITERS / 4 {
        chats.push(app.lp_request_chat("Sales").await);
    }
    let started = Instant::now();
    let writers = (0..WRITERS).map(|w| {
        let (app, chat) = (&app, chats[w % chats.len()].clone());
        async move {
            let mut took = Vec::with_capacity(LINES);
            for i in 0..LINES {
                let t = Instant::now();
                visitor_line(app, &chat, &format!("w{w} l{i}")).await;
                took.push(t.elapsed());
            }
            took
        }
    });
    let mut all: Vec<Duration> = futures::future::join_all(writers).await.concat();
    let elapsed = started.elapsed();
    all.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| ms(all[((all.len() as f64 * q) as usize).min(all.len() - 1)]);
    let drained = if receivers.is_empty() {
        None
    } else {
        let want = WRITERS * LINES;
        for r in &receivers {
            r.wait_for(Duration::from_secs(120), |got| got.len() >= want)
                .await;
        }
        Some(started.elapsed())
    };
    (
        (WRITERS * LINES) as f64 / elapsed.as_secs_f64(),
        p(0.5),
        p(0.99),
        drained,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn append_latency_with_and_without_three_subscriptions() {
    for r in 0..2 {
        for subs in [0, 3] {
            let (rate, p50, p99, drained) = round(subs).await;
            let lines = WRITERS * LINES;
            let delivery = drained.map_or(String::new(), |d| {
                format!(
                    ", {} deliveries in {:.1} s ({:.0}/s)",
                    lines * subs,
                    d.as_secs_f64(),
                    (lines * subs) as f64 / d.as_secs_f64()
                )
            });
            println!(
                "round {r}, {subs} subscriptions: {rate:.0} lines/s, p50 {p50:.1} ms, p99 {p99:.1} ms{delivery}"
            );
        }
    }
}
