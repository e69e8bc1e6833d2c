//! Order per subscription: sixteen chats written concurrently (a request and three visitor
//! lines each), two subscriptions, one of them failing now and then; each receives every
//! subscribed event of the account exactly in feed (commit) order, and a retry never lets a
//! later event overtake.

use std::collections::HashSet;

use serde_json::Value;

use super::receiver::{Answer, Receiver};
use super::{WITHIN, admin, call, fast, subscribe, visitor_line};
use crate::helpers::spawn_configured;

/// The kind the feed event `e` is delivered as, if any.
fn kind(e: &Value) -> Option<&'static str> {
    match e["type"].as_str()? {
        "state" if e["state"] == "waiting" && e["id"] == 0 => Some("chat.requested"),
        "line" | "url" => Some("chat.line"),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_subscription_gets_the_accounts_events_in_commit_order_under_16_concurrent_chats() {
    // Arrange: a receiver taking everything, one failing every few requests.
    let app = spawn_configured(fast).await;
    let bearer = admin(&app).await;
    let steady = Receiver::start(vec![]).await;
    let flaky_script = (0..12)
        .map(|i| {
            if i % 3 == 0 {
                Answer::Status(500, None)
            } else {
                Answer::Status(200, None)
            }
        })
        .collect();
    let flaky = Receiver::start(flaky_script).await;
    let kinds = ["chat.requested", "chat.line"];
    let (_, feed) = call(&app, &bearer, reqwest::Method::GET, "/feed?limit=1", None).await;
    let start = feed["next"].as_i64().unwrap_or(0);
    subscribe(&app, &bearer, &steady.url, &kinds).await;
    subscribe(&app, &bearer, &flaky.url, &kinds).await;

    // Act: 16 chats at once, each with three lines.
    let chats = (0..16).map(|i| {
        let app = &app;
        async move {
            let chat = app.lp_request_chat("Sales").await;
            for n in 0..3 {
                visitor_line(app, &chat, &format!("chat {i} line {n}")).await;
            }
        }
    });
    futures::future::join_all(chats).await;
    let (_, feed) = call(
        &app,
        &bearer,
        reqwest::Method::GET,
        &format!("/feed?after={start}&limit=1000"),
        None,
    )
    .await;
    let expected: Vec<i64> = feed["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| kind(e).is_some())
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert!(expected.len() >= 16 * 4, "{} events", expected.len());

    // Assert: both receivers took exactly the expected events, in order.
    for receiver in [&steady, &flaky] {
        let got = receiver
            .wait_for(WITHIN, |r| {
                let taken: HashSet<i64> = r
                    .iter()
                    .filter(|x| x.accepted())
                    .map(|x| x.event_id())
                    .collect();
                expected.iter().all(|e| taken.contains(e))
            })
            .await;
        let taken: Vec<i64> = got
            .iter()
            .filter(|r| r.accepted())
            .map(|r| r.event_id())
            .collect();
        assert_eq!(taken, expected, "delivered once each, in commit order");
        let all: Vec<i64> = got.iter().map(|r| r.event_id()).collect();
        assert!(
            all.windows(2).all(|w| w[0] <= w[1]),
            "a retry repeats, never reorders: {all:?}"
        );
    }
    assert!(
        flaky.received().iter().any(|r| !r.accepted()),
        "the flaky one did fail"
    );
}
