//! Two real `chatwire serve --demo` processes on one PostgreSQL schema behave as one server:
//! a long-poll on one node wakes for a line posted on the other, two agents on different nodes
//! racing for one chat get exactly one 201, and writers on both nodes get contiguous ids.
//!
//! Needs `CHATWIRE_TEST_PG_URL`; without it each test passes at once after printing a
//! `SKIPPED` line to stderr past the harness's capture (`.ci/run` also says whether they ran).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::http::{self, APP_KEY_AUTH};
use crate::helpers::pg;
use crate::helpers::process::{Database, Node};

/// Two nodes started at the same moment (both seed the demo account) on one fresh schema.
/// Field order is drop order: the nodes die before their schema is dropped.
pub(crate) struct Cluster {
    pub(crate) a: Node,
    pub(crate) b: Node,
    pub(crate) db: Database,
}

/// A started cluster, or `None` (after saying so) without PostgreSQL.
pub(crate) fn cluster() -> Option<Cluster> {
    let Some(db) = Database::postgres() else {
        pg::say_skipped();
        return None;
    };
    let (a, b) = (db.spawn(None), db.spawn(None));
    Some(Cluster {
        a: a.wait(),
        b: b.wait(),
        db,
    })
}

/// The `next` cursor of one chat in a multi-chat retrieve (`…&fromEventIds=N`).
fn next_from(page: &Value) -> String {
    let links = page["chats"]["chat"][0]["link"]
        .as_array()
        .expect("chat links");
    links
        .iter()
        .find(|l| l["rel"] == "next")
        .and_then(|l| l["href"].as_str())
        .and_then(|h| h.rsplit('=').next())
        .expect("next link")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_poll_on_one_node_answers_promptly_with_a_line_posted_on_the_other() {
    // Arrange: agent3 on node B has accepted a chat and read it up to now.
    let Some(nodes) = cluster() else { return };
    let client = reqwest::Client::new();
    let agent = http::lp_agent(&client, &nodes.b.url, "agent3").await;
    let chat = http::request_chat(&client, &nodes.a.url, "Support").await;
    http::wait_ringing(&client, &agent).await;
    let (status, _) = http::accept(&client, &agent).await;
    assert_eq!(status, 201);
    let key = chat.rsplit('/').next().expect("key");
    let retrieve = format!("{}/chat?chatSessionKeys={key}", agent.session);
    let now: Value = client
        .get(&retrieve)
        .bearer_auth(&agent.bearer)
        .header("Accept", "application/json")
        .send()
        .await
        .expect("retrieve")
        .json()
        .await
        .expect("json");
    let from = next_from(&now);

    // Act: park a 10 s long-poll on B; 300 ms later the visitor writes through A.
    let poll = client
        .get(format!("{retrieve}&fromEventIds={from}&wait=10"))
        .bearer_auth(&agent.bearer)
        .header("Accept", "application/json")
        .send();
    let write = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let line = json!({"@type": "line", "text": "posted on node A"});
        let resp = http::visitor_post(&client, &nodes.a.url, &chat, line).await;
        assert_eq!(resp.status(), 201);
        Instant::now()
    };
    let (answer, posted_at) = tokio::join!(poll, write);
    let latency = posted_at.elapsed();
    let page: Value = answer.expect("poll").json().await.expect("json");

    // Assert: the poll carried the line, well before its deadline.
    let events = &page["chats"]["chat"][0]["events"]["event"];
    let texts: Vec<&str> = match events {
        Value::Array(items) => items.iter().filter_map(|e| e["text"].as_str()).collect(),
        one => one["text"].as_str().into_iter().collect(),
    };
    assert!(
        texts.contains(&"posted on node A"),
        "B's long-poll did not deliver A's line (cross-node wake-up missing?): {page}"
    );
    assert!(
        latency < Duration::from_secs(2),
        "the wake-up took {latency:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_on_different_nodes_racing_for_a_chat_get_exactly_one_201() {
    // Arrange: agent1 on A and agent2 on B, both Online for Sales.
    let Some(nodes) = cluster() else { return };
    let client = reqwest::Client::new();
    let on_a = http::lp_agent(&client, &nodes.a.url, "agent1").await;
    let on_b = http::lp_agent(&client, &nodes.b.url, "agent2").await;
    for round in 0..10 {
        let chat = http::request_chat(&client, &nodes.a.url, "Sales").await;
        // Race only once both nodes know the chat (else B's 409 would prove nothing).
        http::wait_ringing(&client, &on_a).await;
        http::wait_ringing(&client, &on_b).await;

        // Act: both accept at once.
        let (first, second) =
            tokio::join!(http::accept(&client, &on_a), http::accept(&client, &on_b));

        // Assert: one winner; the loser is refused, not failed.
        let statuses = [first.0, second.0];
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "round {round}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| *s == 201 || (400..500).contains(s)),
            "round {round}: {statuses:?}"
        );
        // The visitor leaves, so neither agent runs into their chat limit.
        let end = json!({"@type": "state", "state": "ended"});
        let resp = http::visitor_post(&client, &nodes.b.url, &chat, end).await;
        assert!(resp.status().is_success(), "round {round}: end chat");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_on_two_nodes_get_contiguous_ids_without_duplicates() {
    // Arrange: an accepted chat.
    let Some(nodes) = cluster() else { return };
    let client = reqwest::Client::new();
    let agent = http::lp_agent(&client, &nodes.a.url, "agent3").await;
    let chat = http::request_chat(&client, &nodes.b.url, "Support").await;
    http::wait_ringing(&client, &agent).await;
    let (status, agent_chat) = http::accept(&client, &agent).await;
    assert_eq!(status, 201);
    let agent_chat = agent_chat.expect("agent chat");
    const WRITERS: usize = 8;
    const LINES: usize = 25;

    // Act: 8 visitor writers, half through each node, 25 lines each.
    let writers = (0..WRITERS).map(|w| {
        let node = if w % 2 == 0 {
            &nodes.a.url
        } else {
            &nodes.b.url
        };
        let (client, chat) = (&client, &chat);
        async move {
            for i in 0..LINES {
                let line = json!({"@type": "line", "text": format!("w{w} l{i}")});
                let resp = http::visitor_post(client, node, chat, line).await;
                assert_eq!(resp.status(), 201, "writer {w} line {i}");
            }
        }
    });
    futures::future::join_all(writers).await;

    // Assert: both sides read every line once, ids 0.. with no gap, from either node.
    let visitor = http::all_events(
        &client,
        &format!("{}/events", http::on_node(&chat, &nodes.a.url)),
        APP_KEY_AUTH,
    )
    .await;
    let lines: Vec<(u32, &str)> = visitor
        .iter()
        .filter_map(|e| {
            let text = e["text"].as_str().filter(|t| t.starts_with('w'))?;
            Some((e["@id"].as_str()?.parse().ok()?, text))
        })
        .collect();
    assert_eq!(lines.len(), WRITERS * LINES, "every line, once");
    let texts: HashSet<&str> = lines.iter().map(|(_, t)| *t).collect();
    assert_eq!(texts.len(), WRITERS * LINES, "no duplicate lines");
    assert!(
        lines.windows(2).all(|w| w[1].0 == w[0].0 + 1),
        "the visitor's line ids are contiguous: {lines:?}"
    );
    let auth = format!("Bearer {}", agent.bearer);
    let all = http::all_events(
        &client,
        &format!("{}/events", http::on_node(&agent_chat, &nodes.b.url)),
        &auth,
    )
    .await;
    let ids: Vec<u32> = all
        .iter()
        .map(|e| e["@id"].as_str().and_then(|i| i.parse().ok()).expect("id"))
        .collect();
    assert!(
        ids.iter().enumerate().all(|(i, id)| *id as usize == i),
        "the agent's ids run 0.. without gaps or repeats on node B: {ids:?}"
    );
}
