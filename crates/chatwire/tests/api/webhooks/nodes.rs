//! Webhooks across real processes: a node killed with SIGKILL in the middle of deliveries
//! loses none (the cursor is in the database) and repeats at most the one whose answer it had
//! not recorded; two nodes on one PostgreSQL schema deliver each event once per attempt (the
//! claim is a lease taken with `FOR UPDATE SKIP LOCKED`).

use std::collections::HashSet;
use std::time::Duration;

use reqwest::{Client, Method};
use serde_json::{Value, json};

use super::receiver::{Answer, Received, Receiver};
use super::{SECRET, WITHIN};
use crate::helpers::http;
use crate::helpers::pg;
use crate::helpers::process::Database;

/// Fast retries, a 1 s timeout (so a lease left by a killed node ends within 7 s).
const ENV: [(&str, &str); 4] = [
    ("CHATWIRE__WEBHOOKS__TIMEOUT_SECS", "1"),
    ("CHATWIRE__WEBHOOKS__RETRY_INITIAL_MS", "100"),
    ("CHATWIRE__WEBHOOKS__RETRY_MAX_SECS", "1"),
    ("CHATWIRE__WEBHOOKS__POLL_INTERVAL_MS", "50"),
];

async fn api(
    client: &Client,
    node: &str,
    bearer: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let mut req = client
        .request(method, format!("{node}/chatwire/v1/accounts/1000{path}"))
        .bearer_auth(bearer);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap_or(Value::Null)
}

/// The seqs of the account's requests and lines after `after`, from the feed.
async fn expected(client: &Client, node: &str, bearer: &str, after: i64) -> Vec<i64> {
    let page = api(
        client,
        node,
        bearer,
        Method::GET,
        &format!("/feed?after={after}&limit=1000"),
        None,
    )
    .await;
    page["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| {
            e["type"] == "line" || (e["type"] == "state" && e["state"] == "waiting" && e["id"] == 0)
        })
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect()
}

fn taken(got: &[Received]) -> Vec<i64> {
    got.iter()
        .filter(|r| r.accepted())
        .map(Received::event_id)
        .collect()
}

async fn subscribe(client: &Client, node: &str, bearer: &str, url: &str) -> i64 {
    let body = json!({"url": url, "secret": SECRET, "events": ["chat.requested", "chat.line"]});
    let feed = api(client, node, bearer, Method::GET, "/feed?limit=1", None).await;
    api(client, node, bearer, Method::POST, "/webhooks", Some(body)).await;
    feed["next"].as_i64().unwrap_or(0)
}

/// Eight chats with three visitor lines each, through `nodes` in turn.
async fn write_chats(client: &Client, nodes: &[&str]) {
    for i in 0..8 {
        let node = nodes[i % nodes.len()];
        let chat = http::request_chat(client, node, "Support").await;
        for n in 0..3 {
            let line = json!({"@type": "line", "text": format!("chat {i} line {n}")});
            let resp = http::visitor_post(client, node, &chat, line).await;
            assert!(resp.status().is_success(), "{}", resp.status());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_killed_mid_delivery_loses_nothing_and_repeats_at_most_the_unrecorded_one() {
    // Arrange: a receiver taking 30 ms per delivery, so one is nearly always in flight.
    let db = Database::same_as_suite();
    let mut node = db.spawn_with_env(None, &ENV).wait();
    let client = Client::new();
    let bearer = http::lp_agent(&client, &node.url, "agent1").await.bearer;
    let receiver = Receiver::start_slow(vec![], Duration::from_millis(30)).await;
    let start = subscribe(&client, &node.url, &bearer, &receiver.url).await;
    write_chats(&client, &[&node.url]).await;
    let want = expected(&client, &node.url, &bearer, start).await;
    assert!(want.len() >= 8 * 4, "{} events", want.len());

    // Act: kill -9 once a third is delivered; start again over the same data.
    receiver
        .wait_for(WITHIN, |r| r.len() >= want.len() / 3)
        .await;
    node.kill();
    let before = taken(&receiver.received());
    let node = db.spawn_with_env(None, &ENV).wait();
    let got = receiver
        .wait_for(WITHIN, |r| {
            let set: HashSet<i64> = taken(r).into_iter().collect();
            want.iter().all(|e| set.contains(e))
        })
        .await;

    // Assert: everything came, in order; a repeat only of the event in flight at the kill.
    let all = taken(&got);
    let mut unique = all.clone();
    unique.dedup();
    assert_eq!(unique, want, "none lost, in order");
    assert!(all.len() - unique.len() <= 1, "at most one repeat: {all:?}");
    if all.len() > unique.len() {
        let repeated = all.windows(2).find(|w| w[0] == w[1]).map(|w| w[0]);
        assert_eq!(
            repeated,
            before.last().copied(),
            "only the last one before the kill"
        );
    }
    drop(node);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_postgres_deliver_each_event_once_per_attempt() {
    // Arrange: two nodes, a receiver failing every third request.
    let Some(db) = Database::postgres() else {
        pg::say_skipped();
        return;
    };
    let (a, b) = (db.spawn_with_env(None, &ENV), db.spawn_with_env(None, &ENV));
    let (a, b) = (a.wait(), b.wait());
    let client = Client::new();
    let bearer = http::lp_agent(&client, &a.url, "agent1").await.bearer;
    let script = (0..30)
        .map(|i| {
            if i % 3 == 2 {
                Answer::Status(500, None)
            } else {
                Answer::Status(200, None)
            }
        })
        .collect();
    let receiver = Receiver::start(script).await;
    let start = subscribe(&client, &a.url, &bearer, &receiver.url).await;

    // Act: chats written on both nodes.
    write_chats(&client, &[&a.url, &b.url]).await;
    let want = expected(&client, &b.url, &bearer, start).await;
    let got = receiver
        .wait_for(WITHIN, |r| {
            let set: HashSet<i64> = taken(r).into_iter().collect();
            want.iter().all(|e| set.contains(e))
        })
        .await;

    // Assert: each event taken exactly once, in order; each failure retried once, never
    // attempted twice at the same time (an attempt is always after the previous answer).
    assert_eq!(
        taken(&got),
        want,
        "one accepted delivery per event, in order"
    );
    let ids: Vec<i64> = got.iter().map(Received::event_id).collect();
    assert!(ids.windows(2).all(|w| w[0] <= w[1]), "{ids:?}");
    for failed in got.iter().filter(|r| !r.accepted()) {
        let tries = got
            .iter()
            .filter(|r| r.event_id() == failed.event_id())
            .count();
        assert_eq!(tries, 2, "one failure, one retry for {}", failed.event_id());
    }
    drop((a, b));
}
