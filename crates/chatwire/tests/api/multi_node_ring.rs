//! Ring timeout and agent-session TTL across two real `chatwire serve --demo` processes on one
//! PostgreSQL schema: a chat opened on A rings one agent at a time on both nodes, the turn
//! moving after the timeout whichever node sweeps; an agent who lets it ring out twice goes
//! Away, as the other node shows; an agent session polled only through B stays valid on A,
//! and answers 401 on both once unused for its TTL.
//!
//! Needs `CHATWIRE_TEST_PG_URL`; without it each test passes at once after printing `SKIPPED`.

use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::Value;

use crate::helpers::http::{self, LpAgent};
use crate::helpers::pg;
use crate::helpers::process::Database;

/// One-second turns, Away after two ring-outs, two-second agent sessions, quick sweeps.
const QUICK: &[(&str, &str)] = &[
    ("CHATWIRE__ROUTING__RING_TIMEOUT_SECS", "1"),
    ("CHATWIRE__ROUTING__AWAY_AFTER_RING_OUTS", "2"),
    ("CHATWIRE__AGENTS__SESSION_TTL_SECS", "2"),
    ("CHATWIRE__ENGINE__SWEEP_INTERVAL_MS", "100"),
];

/// GET `path` of the agent's session on `node`: status and JSON.
async fn get(client: &Client, agent: &LpAgent, node: &str, path: &str) -> (u16, Value) {
    let resp = client
        .get(http::on_node(&format!("{}{path}", agent.session), node))
        .bearer_auth(&agent.bearer)
        .header("Accept", "application/json")
        .send()
        .await
        .expect("agent call");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The agent's ring count as `node` answers it.
async fn ringing(client: &Client, agent: &LpAgent, node: &str) -> String {
    let (status, body) = get(client, agent, node, "/incomingRequests").await;
    assert_eq!(status, 200, "{body}");
    body["incomingRequests"]["ringingCount"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Polls `check` every 50 ms until it holds, failing after `within`.
async fn within<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < within, "never within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_rings_one_agent_at_a_time_across_nodes_and_ignoring_it_means_away() {
    // Arrange: agent1 works through A, agent2 through B; both answer Sales.
    let Some(db) = Database::postgres() else {
        pg::say_skipped();
        return;
    };
    let (a, b) = (
        db.spawn_with_env(None, QUICK),
        db.spawn_with_env(None, QUICK),
    );
    let (a, b) = (a.wait(), b.wait());
    let client = Client::new();
    let agent1 = http::lp_agent(&client, &a.url, "agent1").await;
    let agent2 = http::lp_agent(&client, &b.url, "agent2").await;

    // Act: a visitor asks A for a Sales chat.
    http::request_chat(&client, &a.url, "Sales").await;

    // Assert: agent1's turn alone (B agrees), then agent2's.
    assert_eq!(ringing(&client, &agent1, &a.url).await, "1");
    within(
        Duration::from_secs(2),
        "B knows the chat is agent1's turn",
        || async {
            ringing(&client, &agent1, &b.url).await == "1"
                && ringing(&client, &agent2, &b.url).await == "0"
        },
    )
    .await;
    within(
        Duration::from_secs(3),
        "the turn passes to agent2",
        || async {
            ringing(&client, &agent2, &b.url).await == "1"
                && ringing(&client, &agent1, &a.url).await == "0"
        },
    )
    .await;

    // Act + Assert: agent1 lets it ring out a second time: Away, on both nodes.
    for node in [&a.url, &b.url] {
        within(Duration::from_secs(6), "agent1 Away", || async {
            let (_, own) = get(&client, &agent1, node, "/availability").await;
            own["availability"]["chat"] == "Away"
        })
        .await;
    }
    let taken = http::accept(&client, &agent2).await;
    assert!(
        taken.0 == 201 || ringing(&client, &agent2, &b.url).await == "0",
        "agent2 may take it in their turn: {taken:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_session_polled_through_b_stays_valid_on_a_then_expires_on_both() {
    // Arrange: agent1's session is opened through A.
    let Some(db) = Database::postgres() else {
        pg::say_skipped();
        return;
    };
    let (a, b) = (
        db.spawn_with_env(None, QUICK),
        db.spawn_with_env(None, QUICK),
    );
    let (a, b) = (a.wait(), b.wait());
    let client = Client::new();
    let agent = http::lp_agent(&client, &a.url, "agent1").await;

    // Act + Assert: five seconds (2.5 TTLs) of polls through B only; A still accepts it.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        let (status, body) = get(&client, &agent, &b.url, "/availability").await;
        assert_eq!(status, 200, "B refused a polled session: {body}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let (status, body) = get(&client, &agent, &a.url, "/availability").await;
    assert_eq!(status, 200, "A refused a session polled through B: {body}");

    // Act + Assert: unused for more than the TTL and a quarter, both nodes answer 401.
    tokio::time::sleep(Duration::from_millis(2_800)).await;
    for node in [&a.url, &b.url] {
        let (status, body) = get(&client, &agent, node, "/availability").await;
        assert_eq!(status, 401, "{node}: {body}");
    }
}
