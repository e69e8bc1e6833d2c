//! Password floods against a real `chatwire` process (its memory is read from `/proc`): 200
//! concurrent wrong-password requests on each dialect leave resident memory within 100 MB of
//! idle, and a legitimate client polling meanwhile (a bearer, or SuperOffice Basic credentials
//! verified once and then cached) keeps within twice its idle p99.
//!
//! The throttles are off, so every wrong password reaches the bounded password workers: the
//! worst case for memory. Each of the 200 attackers sends its next request as soon as the
//! previous one is answered, with no pause, for 5 s: 200 wrong-password requests in flight at
//! every moment (the ones beyond the password queue are answered 503 after the queue wait and
//! sent again at once).
//!
//! The idle p99 is floored at 25 ms. Quiet, this machine measures an idle p99 of 5-6 ms and
//! 7.5-10 ms under the flood (within 2x); but the suite also runs on a busy 2-core CI machine,
//! where other tests' processes alone push a poll's p99 past 30 ms, and a speed target must not
//! be a flaky unit test (the project's rule: speed is measured by the load generator). The
//! floored bound still fails on what the issue found (p99 27 ms -> 2.4 s, password checks
//! starving everyone else).
//! The password-heavy tests of this binary hold [`HEAVY`] so they do not measure each other.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::AUTHORIZATION;
use serde_json::json;

use crate::helpers::http::{self, ACCOUNT};
use crate::helpers::process::{Database, Node};

/// Held by the tests that load the machine with password checks or time them.
pub(crate) static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const ATTACKERS: usize = 200;
const FLOOD: Duration = Duration::from_secs(5);
const BUDGET_BYTES: u64 = 100 * 1024 * 1024;

/// Resident memory of `pid`, bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kb * 1024
}

fn p99(mut samples: Vec<Duration>) -> Duration {
    assert!(samples.len() >= 100, "only {} samples", samples.len());
    samples.sort();
    samples[samples.len() * 99 / 100]
}

/// One legitimate request; panics unless it succeeds.
type Poll = Arc<dyn Fn() -> futures::future::BoxFuture<'static, ()> + Send + Sync>;
/// One attacker request; returns the status.
type Attack = Arc<dyn Fn() -> futures::future::BoxFuture<'static, u16> + Send + Sync>;

/// Polls with `poll` until `stop`, returning each latency.
async fn poll_until(poll: Poll, stop: Arc<AtomicBool>) -> Vec<Duration> {
    let mut samples = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let start = Instant::now();
        poll().await;
        samples.push(start.elapsed());
    }
    samples
}

/// Measures idle memory and p99, floods with `attack`, and checks the budgets.
async fn flood_and_check(node: &Node, poll: Poll, attack: Attack) {
    // Idle: the server is warm (the legitimate client has logged in and polled).
    for _ in 0..50 {
        poll().await;
    }
    let idle_rss = rss(node.pid());
    let mut idle = Vec::new();
    for _ in 0..500 {
        let start = Instant::now();
        poll().await;
        idle.push(start.elapsed());
    }
    let idle_p99 = p99(idle);

    let stop = Arc::new(AtomicBool::new(false));
    let (wrong, busy) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most_in_flight = Arc::new(AtomicUsize::new(0));
    let attackers: Vec<_> = (0..ATTACKERS)
        .map(|_| {
            let (attack, stop) = (Arc::clone(&attack), Arc::clone(&stop));
            let (wrong, busy) = (Arc::clone(&wrong), Arc::clone(&busy));
            let (in_flight, most) = (Arc::clone(&in_flight), Arc::clone(&most_in_flight));
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    let status = attack().await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    match status {
                        401 => wrong.fetch_add(1, Ordering::SeqCst),
                        503 => busy.fetch_add(1, Ordering::SeqCst),
                        other => panic!("a wrong password answered {other}"),
                    };
                }
            })
        })
        .collect();
    let poller = tokio::spawn(poll_until(poll, Arc::clone(&stop)));
    let (pid, started) = (node.pid(), Instant::now());
    let mut peak = 0;
    while started.elapsed() < FLOOD {
        peak = peak.max(rss(pid));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for a in attackers {
        a.await.expect("attacker");
    }
    let flood_p99 = p99(poller.await.expect("poller"));
    let after = rss(pid);

    let (wrong, busy) = (wrong.load(Ordering::SeqCst), busy.load(Ordering::SeqCst));
    let most_in_flight = most_in_flight.load(Ordering::SeqCst);
    eprintln!(
        "idle {} MB, peak {} MB, after {} MB; poll p99 idle {idle_p99:?}, flood {flood_p99:?}; \
         {wrong} × 401, {busy} × 503; at most {most_in_flight} attacks in flight",
        idle_rss >> 20,
        peak >> 20,
        after >> 20
    );
    // A few checks prove the flood got through to argon2; how many fit in the window depends on
    // the machine's load (9 to 18 with other builds running on 2 cores, hundreds when quiet).
    assert!(
        wrong >= 4,
        "the flood reached the password check ({wrong} × 401)"
    );
    assert_eq!(
        most_in_flight, ATTACKERS,
        "all the attackers had a request in flight at once"
    );
    assert!(
        peak.max(after) < idle_rss + BUDGET_BYTES,
        "peak {} MB, after {} MB, idle {} MB",
        peak >> 20,
        after >> 20,
        idle_rss >> 20
    );
    let allowed = 2 * idle_p99.max(Duration::from_millis(25));
    assert!(
        flood_p99 <= allowed,
        "poll p99 {flood_p99:?} under the flood, idle {idle_p99:?}"
    );
}

fn start() -> (Node, Database) {
    let db = Database::same_as_suite();
    let node = db
        .spawn_with_env(None, &[("CHATWIRE__THROTTLE__ENABLED", "false")])
        .wait();
    (node, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_wrong_liveperson_logins_keeps_memory_near_idle_and_bearer_polls_fast() {
    let _heavy = HEAVY.lock().await;
    let (node, _db) = start();
    let client = reqwest::Client::new();
    let agent = http::lp_agent(&client, &node.url, "agent3").await;
    let poll: Poll = {
        let (client, url, bearer) = (
            reqwest::Client::new(),
            format!("{}/incomingRequests", agent.session),
            agent.bearer.clone(),
        );
        Arc::new(move || {
            let req = client.get(&url).bearer_auth(&bearer);
            Box::pin(async move {
                let resp = req.send().await.expect("poll");
                assert_eq!(resp.status(), 200);
                let _ = resp.bytes().await;
            })
        })
    };
    let attack: Attack = {
        let (client, url) = (client.clone(), format!("{}{ACCOUNT}/login", node.url));
        Arc::new(move || {
            let req = client
                .post(&url)
                .json(&json!({"username": "agent1", "password": "wrong"}));
            Box::pin(async move { req.send().await.expect("attack").status().as_u16() })
        })
    };

    flood_and_check(&node, poll, attack).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_wrong_superoffice_basic_passwords_keeps_memory_near_idle_and_cached_basic_polls_fast()
 {
    let _heavy = HEAVY.lock().await;
    let (node, _db) = start();
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/Agents/Chat/GetChatPresence", node.url);
    let poll: Poll = {
        let (client, url) = (reqwest::Client::new(), url.clone());
        Arc::new(move || {
            // agent1:demo-pass, verified at the first poll and cached from then on.
            let req = client
                .post(&url)
                .header(AUTHORIZATION, "Basic YWdlbnQxOmRlbW8tcGFzcw==")
                .json(&json!({}));
            Box::pin(async move {
                let resp = req.send().await.expect("poll");
                assert_eq!(resp.status(), 200);
                let _ = resp.bytes().await;
            })
        })
    };
    let attack: Attack = {
        let client = client.clone();
        Arc::new(move || {
            // agent2:wrong
            let req = client
                .post(&url)
                .header(AUTHORIZATION, "Basic YWdlbnQyOndyb25n")
                .json(&json!({}));
            Box::pin(async move { req.send().await.expect("attack").status().as_u16() })
        })
    };

    flood_and_check(&node, poll, attack).await;
}
