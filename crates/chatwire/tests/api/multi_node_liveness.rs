//! Agent liveness across two real `chatwire serve --demo` processes on one PostgreSQL schema
//! (idle timeout 2 s): an agent who polls only node B stays available on node A (B's heartbeat
//! in `agent_seen`), and goes Offline on both once silent everywhere.
//!
//! Needs `CHATWIRE_TEST_PG_URL`; without it the test passes at once after printing `SKIPPED`.

use std::time::{Duration, Instant};

use crate::helpers::http::{self, ACCOUNT, APP_KEY_AUTH};
use crate::helpers::pg;
use crate::helpers::process::Database;

/// Agents go Offline after two idle seconds; the sweeper ticks every 100 ms.
const QUICK_IDLE: &[(&str, &str)] = &[
    ("CHATWIRE__AGENTS__IDLE_TIMEOUT_SECS", "2"),
    ("CHATWIRE__ENGINE__SWEEP_INTERVAL_MS", "100"),
];

/// A visitor's answer on `node`: is `agent` available?
async fn available(client: &reqwest::Client, node: &str, agent: &str) -> bool {
    let resp = client
        .get(format!(
            "{node}{ACCOUNT}/chat/availability?agent={agent}&v=1"
        ))
        .header("Authorization", APP_KEY_AUTH)
        .header("Accept", "application/json")
        .send()
        .await
        .expect("availability");
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    body["availability"].as_bool().expect("a boolean")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_polling_only_node_b_stays_available_on_node_a_until_silent_everywhere() {
    // Arrange: agent1 logs in and goes Online through A (so A has seen them).
    let Some(db) = Database::postgres() else {
        pg::say_skipped();
        return;
    };
    let (a, b) = (
        db.spawn_with_env(None, QUICK_IDLE),
        db.spawn_with_env(None, QUICK_IDLE),
    );
    let (a, b) = (a.wait(), b.wait());
    let client = reqwest::Client::new();
    let agent = http::lp_agent(&client, &a.url, "agent1").await;
    let poll_on_b = http::on_node(&format!("{}/availability", agent.session), &b.url);

    // Act + Assert: five seconds (2.5 idle timeouts) of polls through B only; A keeps
    // answering that agent1 is available.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        let resp = client
            .get(&poll_on_b)
            .bearer_auth(&agent.bearer)
            .header("Accept", "application/json")
            .send()
            .await
            .expect("poll on B");
        assert_eq!(resp.status(), 200);
        assert!(
            available(&client, &a.url, "agent1").await,
            "A set agent1 Offline after {:?} although they poll B",
            start.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Act + Assert: agent1 stops; both nodes stop offering them within idle timeout plus
    // heartbeat margin plus a sweep or two.
    let stopped = Instant::now();
    while available(&client, &a.url, "agent1").await || available(&client, &b.url, "agent1").await {
        assert!(
            stopped.elapsed() < Duration::from_secs(8),
            "agent1 still available 8 s after their last request"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
