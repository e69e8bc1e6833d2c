//! A 2xx means the write is on disk: a real `chatwire` process is killed with SIGKILL while
//! writes are in flight, and every write acknowledged before the kill is there after a restart
//! (over the same SQLite directory, or the same PostgreSQL schema when the suite runs on it).

use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::helpers::http::{self, LpAgent};
use crate::helpers::process::Database;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_lines_survive_kill_9() {
    // Arrange: a running server with an accepted chat.
    let db = Database::same_as_suite();
    let mut node = db.start();
    let url = node.url.clone();
    let client = reqwest::Client::new();
    let agent = http::lp_agent(&client, &url, "agent3").await;
    http::request_chat(&client, &url, "Support").await;
    let (status, chat) = http::accept(&client, &agent).await;
    assert_eq!(status, 201);
    let chat = chat.expect("chat location");
    let LpAgent { bearer, .. } = agent;

    // Act: 16 writers post lines; kill -9 as soon as 300 are acknowledged, others in flight.
    let acked: Arc<Mutex<Vec<(u32, String)>>> = Arc::default();
    let (kill_tx, kill_rx) = tokio::sync::oneshot::channel::<()>();
    let kill_tx = Arc::new(Mutex::new(Some(kill_tx)));
    let mut writers = Vec::new();
    for w in 0..16 {
        let (client, chat, bearer, acked, kill_tx) = (
            client.clone(),
            chat.clone(),
            bearer.clone(),
            Arc::clone(&acked),
            Arc::clone(&kill_tx),
        );
        writers.push(tokio::spawn(async move {
            for i in 0..100 {
                let text = format!("writer {w} line {i}");
                let Ok(resp) = client
                    .post(format!("{chat}/events"))
                    .bearer_auth(&bearer)
                    .json(&json!({"event":{"@type":"line","text":text}}))
                    .send()
                    .await
                else {
                    return;
                };
                if resp.status() != 201 {
                    return;
                }
                let id = resp
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| l.rsplit('/').next())
                    .and_then(|id| id.parse::<u32>().ok())
                    .expect("event id");
                let mut acked = acked.lock().expect("lock");
                acked.push((id, text));
                if acked.len() >= 300
                    && let Some(tx) = kill_tx.lock().expect("lock").take()
                {
                    let _ = tx.send(());
                }
            }
        }));
    }
    kill_rx.await.expect("enough acknowledgements");
    node.kill();
    for w in writers {
        let _ = w.await;
    }
    let acked = acked.lock().expect("lock").clone();

    // Assert: after a restart every acknowledged line is there, with its id.
    let node = db.start();
    let agent = http::lp_agent(&client, &node.url, "agent3").await;
    let key = chat.rsplit('/').next().expect("key");
    let events = format!("{}/chat/{key}/events", agent.session);
    let auth = format!("Bearer {}", agent.bearer);
    let mut stored = std::collections::HashMap::new();
    let mut ids = Vec::new();
    for e in http::all_events(&client, &events, &auth).await {
        let id: u32 = e["@id"].as_str().and_then(|i| i.parse().ok()).expect("id");
        ids.push(id);
        if let Some(text) = e["text"].as_str() {
            stored.insert(id, text.to_owned());
        }
    }
    for (id, text) in &acked {
        assert_eq!(
            stored.get(id),
            Some(text),
            "acknowledged event {id} lost or changed after kill -9"
        );
    }
    assert!(
        ids.iter().enumerate().all(|(i, id)| *id as usize == i),
        "ids stay contiguous from 0"
    );
    assert!(acked.len() >= 300);
    drop(node);
}
