//! Outbound webhooks end to end: a real server, a real receiver (`receiver`), subscriptions
//! made through the admin API. `delivery`: signed posts, retries after 500, timeouts, dropped
//! connections and `Retry-After`; `order`: per-subscription order under 16 concurrent chats;
//! `dead`: dead letters after the maximum age and their replay; `nodes`: kill -9 mid-delivery
//! and two nodes on PostgreSQL; `superoffice`: SuperOffice's payload format; `admin`: the
//! subscription routes' answers and errors; `cost`: the append path measured (ignored);
//! `account_events`: offline messages, surveys, availability and typing mixed with chat events.

mod account_events;
mod admin;
mod cost;
mod dead;
mod delivery;
mod nodes;
mod order;
pub(crate) mod receiver;
mod superoffice;

use std::time::Duration;

use chatwire::settings::Settings;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Test timing: 1 s timeout, 100 ms first backoff, at most 1 s between attempts, 50 ms polls.
pub(crate) fn fast(s: &mut Settings) {
    s.webhooks.timeout_secs = 1;
    s.webhooks.retry_initial_ms = 100;
    s.webhooks.retry_max_secs = 1;
    s.webhooks.poll_interval_ms = 50;
}

/// A secret the tests sign with.
pub(crate) const SECRET: &str = "test-secret-0123456789";

/// The demo admin's bearer.
pub(crate) async fn admin(app: &TestApp) -> String {
    app.lp_agent("agent1").await.bearer
}

/// Calls chatwire's own API as `bearer`; returns status and JSON (null when empty).
pub(crate) async fn call(
    app: &TestApp,
    bearer: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .client
        .request(
            method,
            format!("{}/chatwire/v1/accounts/1000{path}", app.address),
        )
        .bearer_auth(bearer);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Subscribes `url` to `events` with [`SECRET`]; returns the subscription's id.
pub(crate) async fn subscribe(app: &TestApp, bearer: &str, url: &str, events: &[&str]) -> i64 {
    let body = json!({"url": url, "secret": SECRET, "events": events});
    let (status, created) = call(app, bearer, reqwest::Method::POST, "/webhooks", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_i64().expect("id")
}

/// A visitor line in the chat at `chat` (its LivePerson URL).
pub(crate) async fn visitor_line(app: &TestApp, chat: &str, text: &str) {
    let resp = app
        .client
        .post(format!("{chat}/events.json?v=1"))
        .header("authorization", "LivePerson appKey=demo-app-key")
        .json(&json!({"event": {"@type": "line", "text": text}}))
        .send()
        .await
        .expect("visitor line");
    assert!(resp.status().is_success(), "line: {}", resp.status());
}

/// Long enough for any test delivery, short enough to fail fast.
pub(crate) const WITHIN: Duration = Duration::from_secs(20);

/// The subscription `id` as the API shows it, once `ready` holds (polled, up to [`WITHIN`]).
pub(crate) async fn hook_when(
    app: &TestApp,
    bearer: &str,
    id: i64,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        let path = format!("/webhooks/{id}");
        let (status, hook) = call(app, bearer, reqwest::Method::GET, &path, None).await;
        assert_eq!(status, 200, "{hook}");
        if ready(&hook) {
            return hook;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never ready: {hook}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
