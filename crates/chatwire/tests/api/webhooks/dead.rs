//! Dead letters: an event failing for longer than `webhooks.max_age_secs` is given up, listed
//! through the admin API, and the subscription goes on with the next event; a replay posts it
//! again (same event id) and, taken, deletes it.

use std::time::Duration;

use serde_json::Value;

use super::receiver::{Answer, Receiver};
use super::{WITHIN, admin, call, fast, subscribe};
use crate::helpers::{TestApp, spawn_configured};

async fn letters(app: &TestApp, bearer: &str, id: i64) -> Vec<Value> {
    let path = format!("/webhooks/{id}/deadLetters");
    let (status, page) = call(app, bearer, reqwest::Method::GET, &path, None).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn an_event_failing_past_the_max_age_is_dead_lettered_then_replayed() {
    // Arrange: a max age of 1 s and a receiver refusing everything for now.
    let app = spawn_configured(|s| {
        fast(s);
        s.webhooks.max_age_secs = 1;
    })
    .await;
    let bearer = admin(&app).await;
    let receiver = Receiver::start(vec![Answer::Status(500, None); 1000]).await;
    let id = subscribe(&app, &bearer, &receiver.url, &["chat.requested"]).await;

    // Act: one event fails until it is dead.
    app.lp_request_chat("Sales").await;
    let deadline = tokio::time::Instant::now() + WITHIN;
    let dead = loop {
        let list = letters(&app, &bearer, id).await;
        if !list.is_empty() {
            break list;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never dead-lettered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    // Assert: listed with its attempts and error, retried for about the max age.
    assert_eq!(dead.len(), 1);
    let letter = &dead[0];
    assert_eq!(letter["lastError"], "HTTP 500");
    let tries = receiver.received();
    assert!(tries.len() >= 3, "{} attempts", tries.len());
    assert_eq!(letter["attempts"].as_u64(), Some(tries.len() as u64));
    let span = tries[tries.len() - 1].at - tries[0].at;
    assert!(
        span >= Duration::from_millis(900),
        "retried for the max age: {span:?}"
    );

    // The subscription went on: the next event is delivered once the receiver recovers.
    receiver.answer_ok_from_now();
    app.lp_request_chat("Sales").await;
    let seq = letter["seq"].as_i64().expect("seq");
    let got = receiver
        .wait_for(WITHIN, |r| r.iter().any(|x| x.accepted()))
        .await;
    let taken: Vec<i64> = got
        .iter()
        .filter(|r| r.accepted())
        .map(|r| r.event_id())
        .collect();
    assert_eq!(taken.len(), 1);
    assert!(
        taken[0] > seq,
        "the dead event is not retried by the worker"
    );

    // Replay: posted again with its own id, then gone from the list.
    let path = format!("/webhooks/{id}/deadLetters/{}/replay", letter["id"]);
    let (status, outcome) = call(&app, &bearer, reqwest::Method::POST, &path, None).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["delivered"], true);
    let last = receiver.received().pop().expect("the replay");
    assert_eq!(last.event_id(), seq);
    assert!(letters(&app, &bearer, id).await.is_empty());
    let (status, _) = call(&app, &bearer, reqwest::Method::POST, &path, None).await;
    assert_eq!(status, 404, "a replayed letter is gone");
}
