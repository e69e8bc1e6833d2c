//! The four account-event kinds end to end: an offline message, an exit survey, an agent's
//! availability change and the visitor's typing, each made over the public APIs, are posted
//! to a real receiver in commit order mixed with the chat's own events; typing only to the
//! subscription that asked for it, and only when the indicator changes.

use serde_json::{Value, json};

use super::receiver::{Received, Receiver};
use super::{WITHIN, admin, fast, subscribe, visitor_line};
use crate::helpers::spawn_configured;
use crate::lp::ACCOUNT;

/// The `Chatwire-Event-Type` of each delivery, in arrival order.
fn types(got: &[Received]) -> Vec<String> {
    got.iter()
        .map(|r| r.header("chatwire-event-type").to_owned())
        .collect()
}

/// The first delivery of `kind`.
fn first(got: &[Received], kind: &str) -> Value {
    got.iter()
        .find(|r| r.header("chatwire-event-type") == kind)
        .map(Received::json)
        .unwrap_or_else(|| panic!("no {kind} in {:?}", types(got)))
}

/// Whether `wanted` appears in `seen` in this order (other entries may come between).
fn in_order(seen: &[String], wanted: &[&str]) -> bool {
    let mut rest = seen.iter();
    wanted.iter().all(|w| rest.any(|s| s == w))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn offline_messages_surveys_availability_and_typing_are_posted_in_commit_order() {
    // Arrange: agent2 online before the subscriptions exist (that change is not theirs);
    // one receiver takes every kind, typing included, the other the default set.
    let app = spawn_configured(fast).await;
    let bearer = admin(&app).await;
    let agent2 = app.lp_agent("agent2").await;
    let everything = Receiver::start(vec![]).await;
    let default = Receiver::start(vec![]).await;
    let all_kinds = [
        "chat.requested",
        "chat.accepted",
        "chat.line",
        "chat.transferred",
        "chat.ended",
        "chat.typing",
        "offline.message",
        "survey.submitted",
        "agent.availability",
    ];
    subscribe(&app, &bearer, &everything.url, &all_kinds).await;
    let body = json!({"url": default.url, "secret": super::SECRET});
    let (status, created) = super::call(
        &app,
        &bearer,
        reqwest::Method::POST,
        "/webhooks",
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{created}");

    // Act: a chat with typing (on, on again, off) before a line; an availability change;
    // an offline message; the chat ends and its exit survey is submitted.
    let chat = app.lp_request_chat("Sales").await;
    let typing = |value: &'static str| {
        let (app, chat) = (&app, &chat);
        async move {
            let (status, _) = app
                .visitor(
                    reqwest::Method::PUT,
                    &format!("{chat}/info/visitorTyping.json?v=1"),
                    Some(json!({"visitorTyping": value})),
                )
                .await;
            assert_eq!(status, 200, "typing {value}");
        }
    };
    typing("typing").await;
    typing("typing").await;
    typing("not-typing").await;
    visitor_line(&app, &chat, "hello").await;
    let away = app
        .client
        .put(format!("{}/availability.json?v=1", agent2.session))
        .bearer_auth(&agent2.bearer)
        .json(&json!({"availability": {"chat": "Away"}}))
        .send()
        .await
        .expect("away");
    assert_eq!(away.status(), 200);
    let (_, offline) = app
        .visitor(
            reqwest::Method::GET,
            &format!("{ACCOUNT}/chat/offlineSurvey.json"),
            None,
        )
        .await;
    let offline_id = offline["survey"]["id"].as_i64().expect("offline survey id");
    let answer = json!({"survey": {"id": offline_id, "question": [
        {"id": 1, "answer": "Natalie"}, {"id": 2, "answer": "nat@example.com"},
        {"id": 3, "answer": "Call me back"}], "skill": "Sales"}});
    let (status, _) = app
        .visitor(
            reqwest::Method::PUT,
            &format!("{ACCOUNT}/chat/offlineSurvey"),
            Some(answer),
        )
        .await;
    assert_eq!(status, 200, "offline message");
    let (_, exit) = app
        .visitor(
            reqwest::Method::GET,
            &format!("{chat}/exitSurvey.json?v=1"),
            None,
        )
        .await;
    let exit_id = exit["survey"]["id"].as_i64().expect("exit survey id");
    let (status, _) = app
        .visitor(
            reqwest::Method::POST,
            &format!("{chat}/events.json?v=1"),
            Some(json!({"event": {"@type": "state", "state": "ended"}})),
        )
        .await;
    assert_eq!(status, 201, "end");
    let survey = json!({"survey": {"id": exit_id, "question": [
        {"id": 1, "answer": "yes"}, {"id": 3, "answer": "5"}]}});
    let (status, _) = app
        .visitor(
            reqwest::Method::PUT,
            &format!("{chat}/exitSurvey.json?v=1"),
            Some(survey),
        )
        .await;
    assert_eq!(status, 200, "exit survey");

    // Assert: each receiver got its kinds in commit order, once each.
    let done = |r: &[Received]| types(r).iter().any(|t| t == "survey.submitted");
    let all = everything.wait_for(WITHIN, done).await;
    let plain = default.wait_for(WITHIN, done).await;
    for got in [&all, &plain] {
        let ids: Vec<i64> = got.iter().map(Received::event_id).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "one delivery each, in seq order: {ids:?}"
        );
    }
    let seen = types(&all);
    assert!(
        in_order(
            &seen,
            &[
                "chat.requested",
                "chat.typing",
                "chat.typing",
                "chat.line",
                "agent.availability",
                "offline.message",
                "chat.ended",
                "survey.submitted",
            ]
        ),
        "commit order, chat and account events mixed: {seen:?}"
    );
    assert_eq!(
        seen.iter().filter(|t| *t == "chat.typing").count(),
        2,
        "typing on, then off; a repeated 'typing' is no change: {seen:?}"
    );
    let without_typing: Vec<i64> = all
        .iter()
        .filter(|r| r.header("chatwire-event-type") != "chat.typing")
        .map(Received::event_id)
        .collect();
    let plain_ids: Vec<i64> = plain.iter().map(Received::event_id).collect();
    assert_eq!(
        plain_ids, without_typing,
        "the default set: the same events, never typing"
    );

    // The payloads: the envelope of chat events, an event shape of their own.
    let typed = first(&all, "chat.typing");
    assert_eq!(typed["type"], "chat.typing");
    assert_eq!(typed["eventId"], typed["event"]["seq"]);
    assert_eq!(typed["event"]["type"], "typing");
    assert_eq!(typed["event"]["by"], "visitor");
    assert_eq!(typed["event"]["typing"], true);
    let key = first(&all, "chat.requested")["event"]["chatId"].clone();
    assert_eq!(typed["event"]["chatId"], key);
    let availability = first(&all, "agent.availability")["event"].clone();
    assert_eq!(
        (
            &availability["type"],
            &availability["from"],
            &availability["to"]
        ),
        (
            &json!("agentAvailability"),
            &json!("Online"),
            &json!("Away")
        )
    );
    assert!(availability["agentId"].is_i64(), "{availability}");
    let message = first(&all, "offline.message");
    assert_eq!(message["account"], "1000");
    assert_eq!(message["event"]["type"], "offlineMessage");
    assert!(message["event"]["offlineMessageId"].is_i64(), "{message}");
    assert_eq!(message["event"]["surveyId"], offline_id);
    let texts: Vec<&Value> = message["event"]["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .map(|a| &a["answers"][0])
        .collect();
    assert!(texts.contains(&&json!("Call me back")), "{message}");
    let submitted = first(&all, "survey.submitted")["event"].clone();
    assert_eq!(submitted["type"], "surveySubmitted");
    assert_eq!(submitted["surveyKind"], "exit");
    assert_eq!(submitted["surveyId"], exit_id);
    assert_eq!(submitted["chatId"], key);
}
