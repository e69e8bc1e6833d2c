//! The multi-chat retrieve answers from rendered fragments it reuses (liveperson/fragments/);
//! these tests pin that reuse never shows anything a fresh render would not: every change to a
//! chat, the reader, the format and the clock-driven `duration` shows on the next poll.

use reqwest::Method;
use reqwest::header::{ACCEPT, HOST};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::{Agent, key_of};

/// A chat of the visitor's request that `agent` accepted.
pub(crate) async fn accepted_chat(app: &TestApp, agent: &Agent) -> String {
    let visitor = app.lp_request_chat("Sales").await;
    let accept = format!("{}/incomingRequests", agent.session);
    assert_eq!(app.lp_post(agent, &accept, json!({})).await.0, 201);
    key_of(&visitor).to_owned()
}

/// The chat's visitor says "hello?" (with the demo app key).
pub(crate) async fn visitor_says_hello(app: &TestApp, key: &str) {
    let said = app
        .client
        .post(format!(
            "{}/api/account/1000/chat/{key}/events.json",
            app.address
        ))
        .header("authorization", "LivePerson appKey=demo-app-key")
        .header(ACCEPT, "application/json")
        .json(&json!({"event": {"@type": "line", "text": "hello?", "textType": "plain"}}))
        .send()
        .await
        .expect("visitor line");
    assert_eq!(said.status(), 201);
}

async fn poll(app: &TestApp, agent: &Agent, key: &str, from: u32) -> Value {
    let url = format!(
        "{}/chat?chatSessionKeys={key}&fromEventIds={from}",
        agent.session
    );
    let (status, v) = app.lp_get(agent, &url).await;
    assert_eq!(status, 200, "{v}");
    v["chats"]["chat"][0].clone()
}

#[tokio::test]
async fn a_repeated_poll_shows_every_change_made_since_the_last_one() {
    // Arrange: agent1 has a chat; the poll has been answered (and cached) once.
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let key = accepted_chat(&app, &agent).await;
    let from_start = poll(&app, &agent, &key, 0).await;
    let next = from_start["events"]["link"][1]["href"]
        .as_str()
        .and_then(|h| h.rsplit("from=").next())
        .and_then(|n| n.parse::<u32>().ok())
        .expect("next cursor");
    let first = poll(&app, &agent, &key, next).await;
    assert_eq!(
        first,
        poll(&app, &agent, &key, next).await,
        "nothing changed"
    );
    let chat = first["link"][0]["href"].as_str().expect("self").to_owned();

    // Act: an info-only change (typing), then a visitor line.
    let typing = app
        .lp(
            Method::PUT,
            &format!("{chat}/info/agentTyping.json"),
            Some(&agent.bearer),
            Some(json!({"agentTyping": "typing"})),
        )
        .await;
    assert_eq!(typing.status(), 201);
    let after_typing = poll(&app, &agent, &key, next).await;
    visitor_says_hello(&app, &key).await;
    let after_line = poll(&app, &agent, &key, next).await;

    // Assert
    assert_eq!(first["info"]["agentTyping"], "not-typing");
    assert_eq!(after_typing["info"]["agentTyping"], "typing");
    assert!(first["events"].get("event").is_none(), "{first}");
    let events = &after_line["events"]["event"];
    let texts: Vec<&Value> = match events {
        Value::Array(list) => list.iter().map(|e| &e["text"]).collect(),
        one => vec![&one["text"]],
    };
    assert!(texts.iter().any(|t| *t == "hello?"), "{after_line}");
    app.stop().await;
}

#[tokio::test]
async fn each_reader_and_format_gets_its_own_render_and_duration_keeps_counting() {
    // Arrange: agent1 has a chat and polled it once in JSON.
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let key = accepted_chat(&app, &agent).await;
    let json_first = poll(&app, &agent, &key, 100).await;

    // Act: the same poll in XML, from a second agent session of the same agent, and again
    // after the accept is more than a second older.
    let xml = app
        .client
        .get(format!(
            "{}/chat?chatSessionKeys={key}&fromEventIds=100",
            agent.session
        ))
        .bearer_auth(&agent.bearer)
        .header(ACCEPT, "application/xml")
        .send()
        .await
        .expect("xml poll");
    let length = xml
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let xml = xml.text().await.expect("xml body");
    let second_session = app.lp_agent("agent1").await;
    let other = poll(&app, &second_session, &key, 100).await;
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let later = poll(&app, &agent, &key, 100).await;
    // The very query `later` sent, of the same session, under another host name: the kept
    // answer's links name the first host and must not be sent again.
    let elsewhere: Value = app
        .client
        .get(format!(
            "{}/chat?chatSessionKeys={key}&fromEventIds=100",
            agent.session
        ))
        .bearer_auth(&agent.bearer)
        .header(HOST, "chat.example.org")
        .send()
        .await
        .expect("poll under another host")
        .json()
        .await
        .expect("json");

    // Assert
    assert_eq!(length, Some(xml.len()), "a length, not chunked encoding");
    assert!(
        xml.starts_with("<?xml") && xml.contains("<chats><chat>"),
        "{xml}"
    );
    let own_link = |v: &Value| v["link"][0]["href"].as_str().unwrap_or("").to_owned();
    assert!(own_link(&other).starts_with(&second_session.session));
    assert_ne!(own_link(&other), own_link(&json_first));
    let moved = own_link(&elsewhere["chats"]["chat"][0]);
    assert!(moved.starts_with("http://chat.example.org/"), "{moved}");
    let duration = |v: &Value| v["info"]["duration"].as_i64().expect("duration");
    assert!(
        duration(&later) >= duration(&json_first) + 2,
        "{} then {}",
        duration(&json_first),
        duration(&later)
    );
    app.stop().await;
}

async fn poll_many(app: &TestApp, agent: &Agent, asked: &[(&str, u32)]) -> Vec<Value> {
    let keys: Vec<&str> = asked.iter().map(|(k, _)| *k).collect();
    let froms: Vec<String> = asked.iter().map(|(_, f)| f.to_string()).collect();
    let url = format!(
        "{}/chat?chatSessionKeys={}&fromEventIds={}",
        agent.session,
        keys.join(","),
        froms.join(",")
    );
    let (status, v) = app.lp_get(agent, &url).await;
    assert_eq!(status, 200, "{v}");
    let mut chats = v["chats"]["chat"].as_array().expect("chat list").clone();
    without_duration(&mut chats);
    chats
}

/// `chats` without `duration`, which moves with the clock between polls; everything else
/// must match.
pub(crate) fn without_duration(chats: &mut [Value]) {
    for chat in chats {
        if let Some(info) = chat["info"].as_object_mut() {
            info.remove("duration");
        }
    }
}

#[tokio::test]
async fn another_poll_of_the_same_chats_shows_each_in_its_place_and_every_change() {
    // Arrange: agent1 has two chats, polled once from their start.
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let a = accepted_chat(&app, &agent).await;
    let b = accepted_chat(&app, &agent).await;
    let first = poll_many(&app, &agent, &[(&a, 0), (&b, 0)]).await;

    // Act: the other order; then a visitor line in `a` and that order again; then `a` from
    // another cursor beside a key that is not a chat.
    let swapped = poll_many(&app, &agent, &[(&b, 0), (&a, 0)]).await;
    visitor_says_hello(&app, &a).await;
    let after_line = poll_many(&app, &agent, &[(&b, 0), (&a, 0)]).await;
    let moved = poll_many(&app, &agent, &[(&a, 1_000), ("nope", 0), (&b, 0)]).await;

    // Assert
    assert_eq!(
        swapped,
        vec![first[1].clone(), first[0].clone()],
        "each in its place"
    );
    assert_eq!(after_line[0], swapped[0], "b did not change");
    let texts = |chat: &Value| -> Vec<String> {
        match &chat["events"]["event"] {
            Value::Array(list) => list.iter().map(|e| e["text"].to_string()).collect(),
            Value::Null => Vec::new(),
            one => vec![one["text"].to_string()],
        }
    };
    assert!(!texts(&swapped[1]).contains(&"\"hello?\"".to_owned()));
    assert!(
        texts(&after_line[1]).contains(&"\"hello?\"".to_owned()),
        "{}",
        after_line[1]
    );
    assert!(
        texts(&moved[0]).is_empty(),
        "from 1000 nothing: {}",
        moved[0]
    );
    assert_eq!(moved[1]["chatSessionKey"], "nope");
    assert!(moved[1]["error"].is_object(), "{}", moved[1]);
    assert_eq!(moved[2], after_line[0], "b as shown before");
    app.stop().await;
}
