//! Delivery to a real receiver: one signed POST per subscribed event with stable headers;
//! failures (500, a timeout, a dropped connection) retried with the same event id until the
//! receiver takes it; `Retry-After` honoured beyond the backoff's cap.

use std::time::Duration;

use chatwire_engine::sign_webhook;

use super::receiver::{Answer, Receiver};
use super::{SECRET, WITHIN, admin, fast, hook_when, subscribe};
use crate::helpers::spawn_configured;

#[tokio::test]
async fn a_subscribed_event_is_posted_once_signed_with_the_feed_shape() {
    // Arrange
    let app = spawn_configured(fast).await;
    let bearer = admin(&app).await;
    let receiver = Receiver::start(vec![]).await;
    let id = subscribe(&app, &bearer, &receiver.url, &["chat.requested"]).await;

    // Act
    app.lp_request_chat("Sales").await;
    let got = receiver.wait_for(WITHIN, |r| !r.is_empty()).await;

    // Assert: the headers, the signature (and a wrong secret does not verify), the body.
    let r = &got[0];
    assert_eq!(r.header("content-type"), "application/json");
    assert_eq!(r.header("chatwire-event-type"), "chat.requested");
    assert_eq!(r.header("chatwire-webhook-id"), id.to_string());
    let ts: i64 = r.header("chatwire-timestamp").parse().expect("timestamp");
    let now = chrono_now_secs();
    assert!((now - ts).abs() < 60, "timestamp {ts} is now ({now})");
    let signature = r.header("chatwire-signature");
    assert_eq!(signature, sign_webhook(SECRET, ts, &r.body));
    assert_ne!(
        signature,
        sign_webhook("another-secret-0123456", ts, &r.body)
    );
    assert_ne!(
        signature,
        sign_webhook(SECRET, ts + 1, &r.body),
        "the timestamp is signed"
    );
    let body = r.json();
    assert_eq!(body["type"], "chat.requested");
    assert_eq!(body["account"], "1000");
    assert_eq!(body["webhookId"], id);
    assert_eq!(body["eventId"].as_i64(), Some(r.event_id()));
    assert_eq!(body["event"]["seq"].as_i64(), Some(r.event_id()));
    assert_eq!(body["event"]["type"], "state");
    assert_eq!(body["event"]["state"], "waiting");
    assert!(
        body["event"]["chatId"]
            .as_str()
            .is_some_and(|c| c.starts_with('H'))
    );

    // Nothing else was subscribed, so nothing else comes; the cursor stands on the event.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1);
    let hook = hook_when(&app, &bearer, id, |h| {
        h["delivery"]["cursor"].as_i64() >= Some(r.event_id())
    })
    .await;
    assert_eq!(hook["delivery"]["attempts"], 0);
    assert!(
        hook.get("secret").is_none(),
        "the secret is shown only at creation"
    );
}

#[tokio::test]
async fn a_500_is_retried_with_backoff_and_the_same_event_id_until_taken() {
    // Arrange: two 500s, then 200.
    let app = spawn_configured(fast).await;
    let bearer = admin(&app).await;
    let receiver =
        Receiver::start(vec![Answer::Status(500, None), Answer::Status(500, None)]).await;
    subscribe(&app, &bearer, &receiver.url, &["chat.requested"]).await;

    // Act
    app.lp_request_chat("Sales").await;
    let got = receiver.wait_for(WITHIN, |r| r.len() >= 3).await;

    // Assert: one event, three attempts, the third taken, spaced by the backoff (≥ half of
    // 100 ms, then of 200 ms).
    assert!(got.iter().all(|r| r.event_id() == got[0].event_id()));
    assert!(
        got.iter().all(|r| r.body == got[0].body),
        "the body is stable"
    );
    assert!(got[1].at - got[0].at >= Duration::from_millis(50));
    assert!(got[2].at - got[1].at >= Duration::from_millis(100));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.received().len(), 3, "nothing after the 2xx");
}

#[tokio::test]
async fn a_timeout_and_a_closed_connection_are_retried() {
    // Arrange: the first attempt hangs past the 1 s timeout, the second is hung up on.
    let app = spawn_configured(fast).await;
    let bearer = admin(&app).await;
    let receiver = Receiver::start(vec![Answer::Hang(Duration::from_secs(3)), Answer::Close]).await;
    let id = subscribe(&app, &bearer, &receiver.url, &["chat.requested"]).await;

    // Act
    app.lp_request_chat("Sales").await;
    let first = receiver.wait_for(WITHIN, |r| !r.is_empty()).await;
    let got = receiver.wait_for(WITHIN, |r| r.len() >= 3).await;

    // Assert: the timeout fired after about 1 s, and the same event came a third time.
    assert!(
        got[1].at - first[0].at >= Duration::from_millis(900),
        "waited for the timeout"
    );
    assert!(got.iter().all(|r| r.event_id() == got[0].event_id()));
    hook_when(&app, &bearer, id, |h| {
        h["delivery"]["attempts"] == 0 && h["delivery"]["lastError"].is_null()
    })
    .await;
}

#[tokio::test]
async fn retry_after_is_honoured_beyond_the_longest_backoff() {
    // Arrange: 503 with Retry-After: 2, while retry_max is 1 s.
    let app = spawn_configured(fast).await;
    let bearer = admin(&app).await;
    let receiver = Receiver::start(vec![Answer::Status(503, Some("2".into()))]).await;
    let id = subscribe(&app, &bearer, &receiver.url, &["chat.requested"]).await;

    // Act
    app.lp_request_chat("Sales").await;
    receiver.wait_for(WITHIN, |r| !r.is_empty()).await;
    let failing = hook_when(&app, &bearer, id, |h| h["delivery"]["attempts"] == 1).await;
    let got = receiver.wait_for(WITHIN, |r| r.len() >= 2).await;

    // Assert
    assert_eq!(failing["delivery"]["lastError"], "HTTP 503", "{failing}");
    assert_eq!(failing["delivery"]["attempts"], 1);
    assert!(
        got[1].at - got[0].at >= Duration::from_millis(1900),
        "{:?}",
        got[1].at - got[0].at
    );
}

fn chrono_now_secs() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(now.map(|d| d.as_secs()).unwrap_or(0)).unwrap_or(0)
}
