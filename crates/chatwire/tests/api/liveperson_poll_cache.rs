//! The multi-chat retrieve answers from rendered fragments it reuses (liveperson/fragments/);
//! these tests pin that reuse never shows anything a fresh render would not: every change to a
//! chat, the reader, the format and the clock-driven `duration` shows on the next poll.

use reqwest::Method;
use reqwest::header::{ACCEPT, HOST};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::{Agent, key_of};

async fn accepted_chat(app: &TestApp, agent: &Agent) -> String {
    let visitor = app.lp_request_chat("Sales").await;
    let accept = format!("{}/incomingRequests", agent.session);
    assert_eq!(app.lp_post(agent, &accept, json!({})).await.0, 201);
    key_of(&visitor).to_owned()
}

/// The chat's visitor says "hello?" (with the demo app key).
async fn visitor_says_hello(app: &TestApp, key: &str) {
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
fn without_duration(chats: &mut [Value]) {
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

/// `body` without its `duration` values, which move with the clock.
fn timeless(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("duration") {
        let (before, after) = rest.split_at(at + "duration".len());
        out.push_str(before);
        let digits = after
            .trim_start_matches(['"', ':', '>'])
            .trim_start_matches(|c: char| c.is_ascii_digit());
        out.push_str(
            &after[..after.len() - digits.len()].replace(|c: char| c.is_ascii_digit(), ""),
        );
        rest = digits;
    }
    out.push_str(rest);
    out
}

/// The chat items of a multi-chat answer, `duration` aside.
fn items(body: &str, accept: &str) -> Vec<String> {
    if accept == "application/json" {
        let v: Value = serde_json::from_str(body).expect("json");
        let mut chats = v["chats"]["chat"].as_array().expect("chat list").clone();
        without_duration(&mut chats);
        chats.iter().map(Value::to_string).collect()
    } else {
        let body = timeless(body);
        body.split("<chat>")
            .skip(1)
            .map(|item| item.split("</chat>").next().unwrap_or(item).to_owned())
            .collect()
    }
}

/// One multi-chat poll of `asked` (keys from event 0) in `accept`: the raw body and its
/// `Content-Length`.
async fn poll_raw(app: &TestApp, agent: &Agent, asked: &[&str], accept: &str) -> (String, usize) {
    poll_raw_with(&app.client, agent, asked, accept).await
}

/// [`poll_raw`] through `client`.
async fn poll_raw_with(
    client: &reqwest::Client,
    agent: &Agent,
    asked: &[&str],
    accept: &str,
) -> (String, usize) {
    let zeros = vec!["0"; asked.len()].join(",");
    let resp = client
        .get(format!(
            "{}/chat?chatSessionKeys={}&fromEventIds={zeros}",
            agent.session,
            asked.join(",")
        ))
        .bearer_auth(&agent.bearer)
        .header(ACCEPT, accept)
        .send()
        .await
        .expect("poll");
    assert_eq!(resp.status(), 200);
    let length = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .expect("content-length");
    (resp.text().await.expect("body"), length)
}

/// Three chats `agent` accepted.
async fn three_accepted_chats(app: &TestApp, agent: &Agent) -> [String; 3] {
    [
        accepted_chat(app, agent).await,
        accepted_chat(app, agent).await,
        accepted_chat(app, agent).await,
    ]
}

#[tokio::test]
async fn a_poll_of_the_last_answers_chats_in_another_order_is_that_answer_rearranged() {
    // Arrange: agent1 has three chats, polled in order a, b, c in both formats.
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let [a, b, c] = three_accepted_chats(&app, &agent).await;
    for accept in ["application/json", "application/xml"] {
        let (first, _) = poll_raw(&app, &agent, &[&a, &b, &c], accept).await;

        // Act: the rotation b, c, a three times: sent as pieces of the first answer, then
        // kept (the same query twice in a row), then the kept answer asked again.
        let mut rotated = Vec::new();
        for _ in 0..3 {
            rotated.push(poll_raw(&app, &agent, &[&b, &c, &a], accept).await);
        }

        // Assert: the same bytes each time (but for `duration`, should a second pass between
        // the polls), with their length; and each chat's item as the first answer showed it.
        for (body, length) in &rotated {
            assert_eq!(*length, body.len(), "{accept}: Content-Length");
        }
        let bodies: Vec<String> = rotated.iter().map(|(body, _)| timeless(body)).collect();
        assert_eq!(bodies[0], bodies[1], "{accept}: pieces and a copy");
        assert_eq!(bodies[1], bodies[2], "{accept}: asked again");
        let first = items(&first, accept);
        assert_eq!(first.len(), 3, "{accept}: {first:?}");
        assert_eq!(
            items(&rotated[0].0, accept),
            vec![first[1].clone(), first[2].clone(), first[0].clone()],
            "{accept}: each chat as the first answer showed it, in the order asked"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn over_http2_a_poll_sent_in_pieces_is_the_same_answer_with_its_length() {
    // Arrange: agent1 has three chats, polled in order a, b, c over HTTP/1.1.
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let [a, b, c] = three_accepted_chats(&app, &agent).await;
    let h2 = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("HTTP/2 client");
    let json = "application/json";
    let (first, _) = poll_raw(&app, &agent, &[&a, &b, &c], json).await;

    // Act: the rotation over HTTP/2 (pieces of the first answer), then over HTTP/1.1.
    let (over_h2, length) = poll_raw_with(&h2, &agent, &[&b, &c, &a], json).await;
    let (over_h1, _) = poll_raw(&app, &agent, &[&b, &c, &a], json).await;

    // Assert
    assert_eq!(length, over_h2.len(), "Content-Length over HTTP/2");
    assert_eq!(timeless(&over_h2), timeless(&over_h1));
    let first = items(&first, json);
    assert_eq!(
        items(&over_h2, json),
        vec![first[1].clone(), first[2].clone(), first[0].clone()]
    );
    app.stop().await;
}
