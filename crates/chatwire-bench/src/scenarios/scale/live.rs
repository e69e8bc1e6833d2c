//! (f)'s live part: pollers that each keep one multi-chat long-poll open over their chats
//! (re-polling with the new cursors after every answer), and an open-loop writer that appends
//! visitor lines at a fixed rate, round-robin over every live chat, stamping each line's send
//! time in the [`Ledger`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;
use tokio::task::JoinHandle;

use super::answer::{Cursors, line_text, parse};
use super::ledger::Ledger;
use super::setup::visitor_event;
use crate::http::{Conn, Req, Target};
use crate::provision::Agent;

/// Seconds each long-poll may wait (under the 60 s agent idle timeout, so a poller that hears
/// nothing still shows activity often enough to stay Online).
const WAIT_SECS: u64 = 20;

/// Counters the pollers share.
#[derive(Debug, Default)]
pub(crate) struct PollStats {
    /// Answers received (any status).
    pub(crate) answers: AtomicU64,
    /// Answers that were not 200, or failed connections.
    pub(crate) errors: AtomicU64,
    /// Chats in answers that the poller did not ask for.
    pub(crate) strangers: AtomicU64,
    /// Pollers that have had their first answer (they are caught up).
    pub(crate) ready: AtomicUsize,
}

/// The running pollers (stopped when dropped).
pub(crate) struct Pollers {
    tasks: Vec<JoinHandle<()>>,
    /// Their counters.
    pub(crate) stats: Arc<PollStats>,
}

impl Drop for Pollers {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Starts one poller per agent over its chats (keys), each reading from event 0 first.
pub(crate) fn start_pollers(
    target: &Target,
    agents: Vec<(Agent, Vec<String>)>,
    ledger: &Arc<Ledger>,
) -> Pollers {
    let stats = Arc::new(PollStats::default());
    let tasks = agents
        .into_iter()
        .map(|(agent, keys)| {
            let (target, ledger, stats) = (target.clone(), Arc::clone(ledger), Arc::clone(&stats));
            tokio::spawn(poll_loop(target, agent, Cursors::new(keys), ledger, stats))
        })
        .collect();
    Pollers { tasks, stats }
}

async fn poll_loop(
    target: Target,
    agent: Agent,
    mut cursors: Cursors,
    ledger: Arc<Ledger>,
    stats: Arc<PollStats>,
) {
    let mut conn = None;
    let mut first = true;
    loop {
        if conn.is_none() {
            conn = Conn::open(&target).await.ok();
        }
        let Some(c) = conn.as_mut() else {
            stats.errors.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let req = Req::get(
            format!("{}/chat?{}", agent.session, cursors.query(WAIT_SECS)),
            &agent.bearer,
        );
        let reply = c.send(&req).await;
        let at = Instant::now();
        stats.answers.fetch_add(1, Ordering::Relaxed);
        let news = match reply {
            Ok(r) if r.status == hyper::StatusCode::OK => parse(&r.body).ok(),
            Ok(_) => None,
            Err(_) => {
                conn = None;
                None
            }
        };
        let Some(news) = news else {
            stats.errors.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        for n in &news {
            for &seq in &n.seqs {
                ledger.received(seq, at);
            }
        }
        let strangers = cursors.advance(&news);
        stats
            .strangers
            .fetch_add(strangers as u64, Ordering::Relaxed);
        if first {
            first = false;
            stats.ready.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// What the writer did.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Appends sent.
    pub(crate) sent: u64,
    /// Appends sent more than 5 ms after their scheduled time (every connection was busy).
    pub(crate) late: u64,
}

/// Appends `rate` visitor lines per second for `run`, round-robin over `chats` (visitor-side
/// chat paths), numbering them from `first_seq`, on `conns` connections: line `k` is due at
/// `start + k / rate` whatever happened to the earlier ones (open loop).
pub(crate) async fn write(
    target: &Target,
    chats: &Arc<Vec<String>>,
    rate: f64,
    run: Duration,
    first_seq: u64,
    conns: usize,
    ledger: &Arc<Ledger>,
) -> Result<Written> {
    let total = (rate * run.as_secs_f64()).round() as u64;
    let ticket = Arc::new(AtomicU64::new(0));
    let late = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let mut conn = Conn::open(target).await?;
        let (ticket, late, chats, ledger) = (
            Arc::clone(&ticket),
            Arc::clone(&late),
            Arc::clone(chats),
            Arc::clone(ledger),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let k = ticket.fetch_add(1, Ordering::Relaxed);
                if k >= total {
                    return Ok::<_, anyhow::Error>(());
                }
                let due = start + Duration::try_from_secs_f64(k as f64 / rate).unwrap_or_default();
                tokio::time::sleep_until(due.into()).await;
                let seq = first_seq + k;
                let path = &chats[usize::try_from(k)? % chats.len()];
                let line = json!({"@type": "line", "text": line_text(seq)});
                let req = visitor_event(path, &line);
                let now = Instant::now();
                if now > due + Duration::from_millis(5) {
                    late.fetch_add(1, Ordering::Relaxed);
                }
                ledger.sent(seq, now);
                if conn.send(&req).await?.status == hyper::StatusCode::CREATED {
                    ledger.acked(seq);
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(Written {
        sent: total,
        late: late.load(Ordering::Relaxed),
    })
}
