//! The throttles end to end: each answers 429 with `Retry-After` in its dialect's format and
//! lets the caller in again once the window ends; behind a trusted proxy clients are counted
//! by their forwarded address; saturated password checks answer 503 with `Retry-After`.
//! Limits and windows are configured tiny so the tests run in a few seconds.

use std::time::Duration;

use chatwire::settings::Settings;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde_json::{Value, json};

use crate::guard_flood::HEAVY;
use crate::helpers::{TestApp, spawn_with, test_settings};

const LOGIN: &str = "/api/account/1000/login";
const CHAT_REQUEST: &str = "/api/account/1000/chat/request?appKey=demo-app-key&v=1";
const SO_METHOD: &str = "/api/v1/Agents/Chat";
/// `agent1:demo-pass` and `agent1:wrong`.
pub(crate) const BASIC_RIGHT: &str = "Basic YWdlbnQxOmRlbW8tcGFzcw==";
pub(crate) const BASIC_WRONG: &str = "Basic YWdlbnQxOndyb25n";

/// What a test keeps while its server runs: the directory, and [`HEAVY`] (these tests run
/// password checks, which would skew the flood and timing measurements running beside them).
pub(crate) type Held = (tempfile::TempDir, tokio::sync::MutexGuard<'static, ()>);

/// A demo server with `tune` applied to its settings (keep the [`Held`] as long as the app).
pub(crate) async fn server(tune: impl FnOnce(&mut Settings)) -> (TestApp, Held) {
    let heavy = HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = test_settings(dir.path());
    settings.throttle.login_failure_window_secs = 2;
    settings.throttle.chat_request_window_secs = 2;
    tune(&mut settings);
    (spawn_with(settings).await, (dir, heavy))
}

/// Status, `Retry-After` and JSON body of a response.
pub(crate) async fn parts(resp: reqwest::Response) -> (u16, Option<u64>, Value) {
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (status, retry, resp.json().await.unwrap_or(Value::Null))
}

async fn lp_login(
    app: &TestApp,
    password: &str,
    forwarded: Option<&str>,
) -> (u16, Option<u64>, Value) {
    let mut req = app
        .client
        .post(format!("{}{LOGIN}", app.address))
        .json(&json!({"username": "agent1", "password": password}));
    if let Some(ip) = forwarded {
        req = req.header("x-forwarded-for", ip);
    }
    parts(req.send().await.expect("login")).await
}

pub(crate) async fn so_call(
    app: &TestApp,
    auth: &str,
    method: &str,
    body: Value,
) -> (u16, Option<u64>, Value) {
    let resp = app
        .client
        .post(format!("{}{SO_METHOD}/{method}", app.address))
        .header(AUTHORIZATION, auth)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("SuperOffice call");
    parts(resp).await
}

async fn chat_request(app: &TestApp, forwarded: &str) -> (u16, Option<u64>, Value) {
    let resp = app
        .client
        .post(format!("{}{CHAT_REQUEST}", app.address))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"request": {"skill": "Support"}}))
        .send()
        .await
        .expect("chat request");
    parts(resp).await
}

/// Waits out a `Retry-After`.
async fn wait_out(retry_after: Option<u64>) {
    let secs = retry_after.expect("Retry-After");
    assert!(
        (1..=2).contains(&secs),
        "Retry-After {secs} within the 2 s window"
    );
    tokio::time::sleep(Duration::from_secs(secs)).await;
}

#[tokio::test]
async fn liveperson_logins_are_locked_after_repeated_failures_with_429_and_recover_after_the_window()
 {
    let (app, _dir) = server(|s| s.throttle.login_failures_per_user = 2).await;
    for _ in 0..2 {
        assert_eq!(lp_login(&app, "wrong", None).await.0, 401);
    }

    let (status, retry, body) = lp_login(&app, "demo-pass", None).await;

    assert_eq!(
        status, 429,
        "the right password is refused during the lock: {body}"
    );
    assert_eq!(body["error"]["internalCode"], 29, "{body}");
    assert!(body["error"]["message"].as_str().is_some(), "{body}");
    wait_out(retry).await;
    let (status, _, body) = lp_login(&app, "demo-pass", None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["bearer"].as_str().is_some());
}

#[tokio::test]
async fn superoffice_basic_failures_lock_with_429_in_the_superoffice_envelope_and_recover() {
    let (app, _dir) = server(|s| s.throttle.login_failures_per_user = 2).await;
    for _ in 0..2 {
        assert_eq!(
            so_call(&app, BASIC_WRONG, "GetChatPresence", json!({}))
                .await
                .0,
            401
        );
    }

    let (status, retry, body) = so_call(&app, BASIC_RIGHT, "GetChatPresence", json!({})).await;

    assert_eq!(status, 429, "{body}");
    assert_eq!(body["Error"], true);
    assert_eq!(body["ErrorType"], "TooManyRequestsException", "{body}");
    wait_out(retry).await;
    let (status, _, body) = so_call(&app, BASIC_RIGHT, "GetChatPresence", json!({})).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn chat_requests_are_counted_per_forwarded_client_and_per_app_key_behind_a_trusted_proxy() {
    let (app, _dir) = server(|s| {
        s.server.trusted_proxies = vec!["127.0.0.1".into(), "::1".into()];
        s.throttle.chat_requests_per_address = 1;
        s.throttle.chat_requests_per_app_key = 3;
    })
    .await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        assert_eq!(chat_request(&app, client).await.0, 201, "{client}");
    }

    let (again, retry, body) = chat_request(&app, "203.0.113.1").await;
    assert_eq!(again, 429, "the same client's second chat: {body}");
    assert_eq!(body["error"]["internalCode"], 29, "{body}");
    assert!(retry.is_some());
    assert_eq!(
        chat_request(&app, "203.0.113.3").await.0,
        201,
        "the key's third"
    );
    let (key_full, retry, body) = chat_request(&app, "203.0.113.4").await;
    assert_eq!(key_full, 429, "the key's fourth: {body}");

    wait_out(retry).await;
    assert_eq!(
        chat_request(&app, "203.0.113.1").await.0,
        201,
        "a new window"
    );
}

#[tokio::test]
async fn forwarded_addresses_from_an_untrusted_peer_are_ignored() {
    let (app, _dir) = server(|s| s.throttle.chat_requests_per_address = 1).await;
    assert_eq!(chat_request(&app, "203.0.113.1").await.0, 201);

    let (status, _, body) = chat_request(&app, "203.0.113.2").await;

    assert_eq!(status, 429, "both count as 127.0.0.1: {body}");
}

#[tokio::test]
async fn superoffice_chat_creation_is_throttled_per_address_in_the_superoffice_envelope() {
    let (app, _dir) = server(|s| s.throttle.chat_requests_per_address = 1).await;
    let create = json!({"ChatTopicId": 0});
    let (status, _, body) = so_call(
        &app,
        BASIC_RIGHT,
        "CreateChatSessionForTopic",
        create.clone(),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (status, retry, body) = so_call(
        &app,
        BASIC_RIGHT,
        "CreateChatSessionForTopic",
        create.clone(),
    )
    .await;

    assert_eq!(status, 429, "{body}");
    assert_eq!(body["ErrorType"], "TooManyRequestsException", "{body}");
    wait_out(retry).await;
    assert_eq!(
        so_call(&app, BASIC_RIGHT, "CreateChatSessionForTopic", create)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn saturated_password_checks_answer_503_with_retry_after_in_each_dialect() {
    let (app, _dir) = server(|s| {
        s.throttle.enabled = false;
        s.throttle.hash_workers = 1;
        s.throttle.hash_queue = 1;
    })
    .await;
    let lp = (0..24).map(|_| lp_login(&app, "wrong", None));
    let so = (0..24).map(|_| so_call(&app, BASIC_WRONG, "GetChatPresence", json!({})));

    let (lp, so) = tokio::join!(futures::future::join_all(lp), futures::future::join_all(so));

    let lp_busy: Vec<_> = lp.iter().filter(|(s, _, _)| *s == 503).collect();
    let so_busy: Vec<_> = so.iter().filter(|(s, _, _)| *s == 503).collect();
    assert!(!lp_busy.is_empty() && !so_busy.is_empty(), "{lp:?} {so:?}");
    assert!(lp.iter().chain(&so).all(|(s, _, _)| *s == 401 || *s == 503));
    for (_, retry, body) in lp_busy {
        assert_eq!(*retry, Some(1));
        assert_eq!(body["error"]["internalCode"], 51, "{body}");
    }
    for (_, retry, body) in so_busy {
        assert_eq!(*retry, Some(1));
        assert_eq!(body["ErrorType"], "SoServiceUnavailableException", "{body}");
    }
}
