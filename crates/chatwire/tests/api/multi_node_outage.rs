//! A node that loses PostgreSQL answers 503 in each dialect's error format within seconds (not
//! a hang, not a 500), `/healthz` says 503 so a load balancer takes it out, and once the
//! database is reachable again the node serves without a restart.
//!
//! The cut is a TCP proxy between the node and PostgreSQL that the test stops and restarts.
//! Needs `CHATWIRE_TEST_PG_URL` (skips otherwise, printing a `SKIPPED` line).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::http::{self, LpAgent};
use crate::helpers::pg;
use crate::helpers::process::Database;
use crate::helpers::proxy::TcpProxy;

/// How long a request may take to fail once the database is gone ("a few seconds").
const FAIL_FAST: Duration = Duration::from_secs(8);

/// How long the node may take to serve again once the database is back.
const RECOVERY: Duration = Duration::from_secs(20);

/// The calls the test repeats: an LP agent line and an SO message into the same chat, and
/// `/healthz`. Each returns status and body.
struct Probe<'a> {
    client: &'a reqwest::Client,
    node: &'a str,
    agent: &'a LpAgent,
    agent_chat: &'a str,
}

impl Probe<'_> {
    async fn lp_line(&self) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}/events", self.agent_chat))
            .bearer_auth(&self.agent.bearer)
            .header("Accept", "application/json")
            .json(&json!({"event": {"@type": "line", "text": "LP line"}}))
            .send()
            .await
            .expect("LP request answered");
        (
            resp.status().as_u16(),
            resp.json().await.unwrap_or(Value::Null),
        )
    }

    async fn so_message(&self) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}/api/v1/Agents/Chat/AddChatMessage", self.node))
            .basic_auth("agent3", Some("demo-pass"))
            .header("Accept", "application/json")
            .json(&json!({"ChatSessionId": 1, "Message": {"Message": "SO line", "Type": "ToCustomer"}}))
            .send()
            .await
            .expect("SO request answered");
        (
            resp.status().as_u16(),
            resp.json().await.unwrap_or(Value::Null),
        )
    }

    async fn health(&self) -> u16 {
        let resp = self
            .client
            .get(format!("{}/healthz", self.node))
            .send()
            .await;
        resp.expect("healthz answered").status().as_u16()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_postgres_gives_fast_503s_in_each_dialect_and_the_node_recovers_without_restart() {
    // Arrange: a node reaching PostgreSQL through a proxy; agent3 chatting in the schema's
    // first chat (SuperOffice ChatSessionId 1); both dialects write into it.
    let Some(db) = Database::postgres() else {
        pg::say_skipped();
        return;
    };
    let url = db.pg_url().expect("postgres").to_owned();
    let mut proxy = TcpProxy::start(&pg::host_port(&url)).await;
    let node = db.spawn(Some(&pg::via(&url, &proxy.address()))).wait();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let agent = http::lp_agent(&client, &node.url, "agent3").await;
    http::request_chat(&client, &node.url, "Support").await;
    let (status, agent_chat) = http::accept(&client, &agent).await;
    assert_eq!(status, 201);
    let agent_chat = agent_chat.expect("agent chat");
    let probe = Probe {
        client: &client,
        node: &node.url,
        agent: &agent,
        agent_chat: &agent_chat,
    };
    assert_eq!(probe.lp_line().await.0, 201);
    assert_eq!(probe.so_message().await.0, 200);
    assert_eq!(probe.health().await, 200);

    // Act 1: cut the database off.
    proxy.stop().await;

    // Assert 1: each answers 503 quickly, with its dialect's error body.
    let started = Instant::now();
    let (status, body) = probe.lp_line().await;
    assert_eq!(status, 503, "LP: {body}");
    assert_eq!(
        body["error"]["internalCode"], 50,
        "LP error envelope: {body}"
    );
    assert!(body["error"]["message"].is_string(), "{body}");
    assert!(
        started.elapsed() < FAIL_FAST,
        "LP took {:?}",
        started.elapsed()
    );
    let started = Instant::now();
    let (status, body) = probe.so_message().await;
    assert_eq!(status, 503, "SO: {body}");
    assert_eq!(body["Error"], true, "SO error body: {body}");
    assert_eq!(body["ErrorType"], "SoServiceUnavailableException", "{body}");
    assert!(
        started.elapsed() < FAIL_FAST,
        "SO took {:?}",
        started.elapsed()
    );
    let started = Instant::now();
    assert_eq!(probe.health().await, 503);
    assert!(
        started.elapsed() < FAIL_FAST,
        "healthz took {:?}",
        started.elapsed()
    );

    // Act 2: the database comes back on the same address.
    proxy.restart().await;

    // Assert 2: the same node serves again, no restart.
    let deadline = Instant::now() + RECOVERY;
    loop {
        let lp = probe.lp_line().await.0;
        let so = probe.so_message().await.0;
        let health = probe.health().await;
        if (lp, so, health) == (201, 200, 200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not recovered after {RECOVERY:?}: LP {lp}, SO {so}, healthz {health}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
