//! End to end: behind a trusted proxy only the forwarding header it is configured to write
//! (`server.forwarded_header`) counts, so a client cannot pick its address per request; and an
//! attacker who keeps an agent's login locked does not lock out the agent's SuperOffice Basic
//! client that verified before.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::guard_throttle::{BASIC_RIGHT, BASIC_WRONG, parts, server, so_call};
use crate::helpers::TestApp;

const CHAT_REQUEST: &str = "/api/account/1000/chat/request?appKey=demo-app-key&v=1";

/// A chat request through the proxy with both forwarding headers; returns the status.
async fn chat_request(app: &TestApp, x_forwarded_for: &str, forwarded: &str) -> u16 {
    let resp = app
        .client
        .post(format!("{}{CHAT_REQUEST}", app.address))
        .header("x-forwarded-for", x_forwarded_for)
        .header("forwarded", forwarded)
        .json(&json!({"request": {"skill": "Support"}}))
        .send()
        .await
        .expect("chat request");
    parts(resp).await.0
}

#[tokio::test]
async fn a_client_cannot_escape_the_address_throttle_with_its_own_forwarded_header() {
    let (app, _dir) = server(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".into(), "::1".into()];
        s.throttle.chat_requests_per_address = 1;
    })
    .await;
    // nginx appended the client (203.0.113.1) to X-Forwarded-For and passed the client's own
    // `Forwarded` through.
    assert_eq!(
        chat_request(&app, "203.0.113.1", "for=198.51.100.1").await,
        201
    );

    let status = chat_request(&app, "203.0.113.1", "for=198.51.100.2").await;

    assert_eq!(
        status, 429,
        "counted by X-Forwarded-For, the header configured"
    );
}

#[tokio::test]
async fn with_forwarded_configured_only_forwarded_names_the_client() {
    let (app, _dir) = server(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".into(), "::1".into()];
        s.server.forwarded_header = "forwarded".into();
        s.throttle.chat_requests_per_address = 1;
    })
    .await;
    assert_eq!(
        chat_request(&app, "203.0.113.1", "for=198.51.100.1").await,
        201
    );
    assert_eq!(
        chat_request(&app, "203.0.113.1", "for=198.51.100.2").await,
        201,
        "another client by Forwarded, whatever X-Forwarded-For says"
    );

    let status = chat_request(&app, "203.0.113.9", "for=198.51.100.1").await;

    assert_eq!(status, 429, "the first client again");
}

#[tokio::test]
async fn a_polling_superoffice_basic_agent_keeps_getting_200_past_the_cache_ttl_while_its_login_is_locked()
 {
    let (app, _dir) = server(|s| {
        s.throttle.credential_cache_secs = 1;
        s.throttle.login_failures_per_user = 2;
        // Locked for the whole test once the attacker has failed twice.
        s.throttle.login_failure_window_secs = 30;
    })
    .await;
    let poll = || so_call(&app, BASIC_RIGHT, "GetChatPresence", json!({}));
    assert_eq!(poll().await.0, 200, "verified once");
    for _ in 0..3 {
        so_call(&app, BASIC_WRONG, "GetChatPresence", json!({})).await;
    }
    let (locked, _, body) = so_call(&app, BASIC_WRONG, "GetChatPresence", json!({})).await;
    assert_eq!(locked, 429, "the attacker locked the login: {body}");

    // Polling every 200 ms for three cache TTLs.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        let (status, _, body) = poll().await;
        assert_eq!(status, 200, "at {:?}: {body}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Idle past the TTL: checked with argon2 again, still not refused by the lock.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let (still, _, _) = so_call(&app, BASIC_WRONG, "GetChatPresence", json!({})).await;
    assert_eq!(still, 429, "the login is still locked");
    let (status, _, body) = poll().await;
    assert_eq!(status, 200, "after an idle TTL: {body}");
}
