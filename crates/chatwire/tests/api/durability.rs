//! A 2xx means the write is on disk: a real `chatwire` process is killed with SIGKILL while
//! writes are in flight, and every write acknowledged before the kill is there after a restart.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// Starts `chatwire serve --demo` on a free port over `data`; returns the child and its URL.
fn start_server(data: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatwire"))
        .args([
            "--data-dir",
            data.to_str().expect("utf-8 path"),
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("CHATWIRE__LOG__FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn chatwire");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .expect("read log");
        if let Some(pos) = line.find("listening on http://") {
            let rest = &line[pos + "listening on ".len()..];
            break rest
                .split(|c: char| c == '"' || c.is_whitespace())
                .next()
                .expect("url")
                .to_owned();
        }
    };
    // Keep draining the log so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

async fn login(client: &reqwest::Client, url: &str) -> (String, String) {
    let v: Value = client
        .post(format!("{url}/api/account/1000/login"))
        .json(&json!({"username":"agent3","password":"demo-pass"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let bearer = v["bearer"].as_str().expect("bearer").to_owned();
    let resp = client
        .post(format!("{url}/api/account/1000/agentSession"))
        .bearer_auth(&bearer)
        .json(&json!({"loginData":""}))
        .send()
        .await
        .expect("session");
    let session = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    (bearer, session)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_lines_survive_kill_9() {
    // Arrange: a running server with an accepted chat.
    let dir = tempfile::tempdir().expect("tmp");
    let (mut child, url) = start_server(dir.path());
    let client = reqwest::Client::new();
    let (bearer, session) = login(&client, &url).await;
    client
        .put(format!("{session}/availability"))
        .bearer_auth(&bearer)
        .json(&json!({"availability":{"chat":"Online"}}))
        .send()
        .await
        .expect("online");
    let req = client
        .post(format!(
            "{url}/api/account/1000/chat/request?appKey=demo-app-key"
        ))
        .json(&json!({"request":{"skill":"Support","interactionTimeout":3600}}))
        .send()
        .await
        .expect("chat request");
    assert_eq!(req.status(), 201);
    let accept = client
        .post(format!("{session}/incomingRequests"))
        .bearer_auth(&bearer)
        .send()
        .await
        .expect("accept");
    let chat = accept
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();

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
    child.kill().expect("SIGKILL"); // std's Child::kill is SIGKILL on Unix
    child.wait().expect("reaped");
    for w in writers {
        let _ = w.await;
    }
    let acked = acked.lock().expect("lock").clone();

    // Assert: after a restart every acknowledged line is there, with its id.
    let (mut child, url) = start_server(dir.path());
    let (bearer, session) = login(&client, &url).await;
    let key = chat.rsplit('/').next().expect("key");
    let mut stored = std::collections::HashMap::new();
    let mut ids = Vec::new();
    let mut from = 0;
    loop {
        let v: Value = client
            .get(format!("{session}/chat/{key}/events?from={from}"))
            .bearer_auth(&bearer)
            .send()
            .await
            .expect("events")
            .json()
            .await
            .expect("json");
        let page = match &v["events"]["event"] {
            Value::Array(items) => items.clone(),
            Value::Null => break,
            one => vec![one.clone()],
        };
        for e in &page {
            let id: u32 = e["@id"].as_str().and_then(|i| i.parse().ok()).expect("id");
            ids.push(id);
            if let Some(text) = e["text"].as_str() {
                stored.insert(id, text.to_owned());
            }
            from = id + 1;
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
    child.kill().expect("stop");
    let _ = child.wait();
}
