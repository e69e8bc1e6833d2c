//! A multi-chat poll of the last answer's chats in another order is sent as pieces of that
//! answer, and the same poll again as the same pieces remembered (liveperson/fragments/
//! answers/layouts.rs): these tests pin that the pieces are the answer a fresh render gives,
//! with its length, over HTTP/1.1 and HTTP/2, and that any change to a chat they show is seen.

use reqwest::header::ACCEPT;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};
use crate::liveperson_poll_cache::{accepted_chat, visitor_says_hello, without_duration};
use crate::lp::Agent;

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
        // as the same pieces remembered with it.
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
        assert_eq!(bodies[0], bodies[1], "{accept}: pieces, then remembered");
        assert_eq!(bodies[1], bodies[2], "{accept}: remembered again");
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

#[tokio::test]
async fn remembered_pieces_are_not_sent_once_a_chat_they_show_moved() {
    // Arrange: agent1 has three chats, polled in order a, b, c; then the rotation b, c, a
    // twice (pieces, then the same pieces remembered).
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let [a, b, c] = three_accepted_chats(&app, &agent).await;
    let json = "application/json";
    let (first, _) = poll_raw(&app, &agent, &[&a, &b, &c], json).await;
    let rotation = [b.as_str(), c.as_str(), a.as_str()];
    let (before, _) = poll_raw(&app, &agent, &rotation, json).await;
    let (remembered, _) = poll_raw(&app, &agent, &rotation, json).await;
    assert_eq!(timeless(&before), timeless(&remembered));

    // Act: the visitor of `a` says hello; the rotation again, twice, then the first order.
    visitor_says_hello(&app, &a).await;
    let (after, length) = poll_raw(&app, &agent, &rotation, json).await;
    let (again, _) = poll_raw(&app, &agent, &rotation, json).await;
    let (in_order, _) = poll_raw(&app, &agent, &[&a, &b, &c], json).await;

    // Assert: `a` shows the line wherever it is asked; `b` and `c` are as first shown.
    assert_eq!(length, after.len(), "Content-Length");
    let says_hello = |item: &str| item.contains("hello?");
    let first = items(&first, json);
    let after = items(&after, json);
    assert_eq!(after[..2], first[1..], "b and c as first shown");
    assert!(says_hello(&after[2]), "a shows the line: {}", after[2]);
    assert!(!items(&before, json).iter().any(|i| says_hello(i)));
    assert_eq!(items(&again, json), after, "the same poll after");
    let in_order = items(&in_order, json);
    assert!(says_hello(&in_order[0]), "{}", in_order[0]);
    assert_eq!(in_order[1..], first[1..]);
    app.stop().await;
}
