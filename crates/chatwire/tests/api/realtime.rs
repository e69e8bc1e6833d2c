//! Real-time delivery end to end: long-polls on the LivePerson routes, the account feed and its
//! authorization, and Server-Sent Events resumed with `Last-Event-ID`.

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::{ACCOUNT, key_of};

/// Reads SSE frames from `resp` until `n` events (with ids) arrived; returns (id, data) pairs.
async fn sse_events(resp: reqwest::Response, n: usize) -> Vec<(String, Value)> {
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while out.len() < n {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("events in time")
            .expect("stream open")
            .expect("chunk");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf[..end].to_owned();
            buf.drain(..end + 2);
            let id = frame
                .lines()
                .find_map(|l| l.strip_prefix("id:"))
                .map(|s| s.trim().to_owned());
            let data = frame
                .lines()
                .find_map(|l| l.strip_prefix("data:"))
                .map(|s| s.trim().to_owned());
            if let (Some(id), Some(data)) = (id, data) {
                out.push((id, serde_json::from_str(&data).expect("json data")));
            }
        }
    }
    out
}

async fn visitor_line(app: &TestApp, chat: &str, text: &str) {
    let resp = app
        .client
        .post(format!("{chat}/events"))
        .header("Authorization", "LivePerson appKey=demo-app-key")
        .json(&json!({"event":{"@type":"line","text":text}}))
        .send()
        .await
        .expect("line");
    assert_eq!(resp.status(), 201);
}

#[tokio::test]
async fn a_parked_multi_chat_poll_returns_as_soon_as_a_line_is_posted_and_empty_at_its_deadline() {
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let chat = app.lp_request_chat("Sales").await;
    let key = key_of(&chat).to_owned();
    let (_, location, _) = app
        .lp_post(
            &agent,
            &format!("{}/incomingRequests", agent.session),
            json!({}),
        )
        .await;
    assert!(location.is_some());
    let (_, now) = app
        .lp_get(
            &agent,
            &format!("{}/chat?chatSessionKeys={key}", agent.session),
        )
        .await;
    let from = now["chats"]["chat"][0]["link"][3]["href"]
        .as_str()
        .expect("next")
        .rsplit('=')
        .next()
        .expect("n")
        .to_owned();

    // Deadline: nothing new within 1 s → an empty 200 after about a second.
    let started = Instant::now();
    let (status, empty) = app
        .lp_get(
            &agent,
            &format!(
                "{}/chat?chatSessionKeys={key}&fromEventIds={from}&wait=1",
                agent.session
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert!(empty["chats"]["chat"][0]["events"].get("event").is_none());
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited for the deadline"
    );

    // Parked, then a visitor line: the poll answers at once with it.
    let url = format!(
        "{}/chat?chatSessionKeys={key}&fromEventIds={from}&wait=30",
        agent.session
    );
    let poll = {
        let (app, agent) = (&app, &agent);
        async move { app.lp_get(agent, &url).await }
    };
    let (poll_result, ()) = tokio::join!(poll, async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        visitor_line(&app, &chat, "are you there?").await;
    });
    let (status, page) = poll_result;
    assert_eq!(status, 200);
    assert_eq!(
        page["chats"]["chat"][0]["events"]["event"]["text"],
        "are you there?"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_account_feed_is_for_admins_and_feed_app_keys_only() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await; // the demo's admin
    let plain = app.lp_agent("agent2").await;
    app.lp_request_chat("Sales").await;
    let feed = format!("{}/chatwire/v1/accounts/1000/feed?after=0", app.address);
    let as_admin = app
        .client
        .get(&feed)
        .bearer_auth(&admin.bearer)
        .send()
        .await
        .expect("feed");
    assert_eq!(as_admin.status(), 200);
    let body: Value = as_admin.json().await.expect("json");
    let events = body["events"].as_array().expect("events");
    assert!(
        events.len() >= 2
            && events
                .windows(2)
                .all(|w| w[0]["seq"].as_i64() < w[1]["seq"].as_i64())
    );
    assert_eq!(body["next"], events.last().expect("last")["seq"]);
    assert_eq!(
        app.client
            .get(&feed)
            .bearer_auth(&plain.bearer)
            .send()
            .await
            .expect("feed")
            .status(),
        403
    );
    assert_eq!(
        app.client
            .get(format!("{feed}&appKey=demo-feed-key"))
            .send()
            .await
            .expect("feed")
            .status(),
        200
    );
    assert_eq!(
        app.client
            .get(format!("{feed}&appKey=demo-app-key"))
            .send()
            .await
            .expect("feed")
            .status(),
        403,
        "the demo's public visitor key must not read the feed"
    );
    assert_eq!(
        app.client.get(&feed).send().await.expect("feed").status(),
        401
    );
    let limited = chatwire_engine::core::NewAppKey {
        key: "no-feed-key-1".into(),
        account: chatwire_engine::core::AccountId::parse("1000").expect("id"),
        name: "site".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    app.engine.create_app_key(&limited).await.expect("key");
    assert_eq!(
        app.client
            .get(format!("{feed}&appKey=no-feed-key-1"))
            .send()
            .await
            .expect("feed")
            .status(),
        403
    );
    app.stop().await;
}

#[tokio::test]
async fn a_chat_stream_resumed_with_last_event_id_has_no_gap_and_no_duplicate() {
    let app = spawn_app().await;
    let chat = app.lp_request_chat("Sales").await;
    let key = key_of(&chat).to_owned();
    let stream_url = format!(
        "{}/chatwire/v1/accounts/1000/chats/{key}/stream",
        app.address
    );
    let auth = ("Authorization", "LivePerson appKey=demo-app-key");

    // First connection: the 2 opening events visible to the visitor, then 2 lines.
    let first = app
        .client
        .get(&stream_url)
        .header(auth.0, auth.1)
        .send()
        .await
        .expect("stream");
    assert_eq!(first.status(), 200);
    assert!(
        first
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("text/event-stream"))
    );
    let reader = tokio::spawn(sse_events(first, 4));
    visitor_line(&app, &chat, "one").await;
    visitor_line(&app, &chat, "two").await;
    let got = reader.await.expect("reader");
    let last_id = got.last().expect("events").0.clone();
    assert_eq!(
        got.iter()
            .filter_map(|(_, v)| v["text"].as_str())
            .filter(|t| *t == "one" || *t == "two")
            .count(),
        2
    );

    // Lines posted while disconnected, then a reconnect with Last-Event-ID.
    visitor_line(&app, &chat, "three").await;
    visitor_line(&app, &chat, "four").await;
    let second = app
        .client
        .get(&stream_url)
        .header(auth.0, auth.1)
        .header("Last-Event-ID", &last_id)
        .send()
        .await
        .expect("resume");
    let resumed = sse_events(second, 2).await;
    let texts: Vec<&str> = resumed
        .iter()
        .filter_map(|(_, v)| v["text"].as_str())
        .collect();
    assert_eq!(texts, ["three", "four"], "exactly the missed events");
    let ids: Vec<u32> = got
        .iter()
        .chain(resumed.iter())
        .map(|(id, _)| id.parse().expect("id"))
        .collect();
    assert!(ids.windows(2).all(|w| w[1] > w[0]), "no duplicate: {ids:?}");

    // The feed stream resumes the same way by sequence number.
    let feed_url = format!(
        "{}/chatwire/v1/accounts/1000/feed/stream?appKey=demo-feed-key",
        app.address
    );
    let all = sse_events(app.client.get(&feed_url).send().await.expect("feed"), 6).await;
    let mid = all[2].0.clone();
    let rest = sse_events(
        app.client
            .get(&feed_url)
            .header("Last-Event-ID", &mid)
            .send()
            .await
            .expect("feed"),
        3,
    )
    .await;
    assert_eq!(
        rest.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        all[3..6]
            .iter()
            .map(|(id, _)| id.clone())
            .collect::<Vec<_>>()
    );
    // Another app key is refused before any stream starts.
    let denied = app
        .client
        .get(&stream_url)
        .header("Authorization", "LivePerson appKey=nope-nope")
        .send()
        .await
        .expect("denied");
    assert_eq!(denied.status(), 401);
    let _ = ACCOUNT;
    app.stop().await;
}
