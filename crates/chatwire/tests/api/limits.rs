//! Input limits and connections (issue 11, item 4): stalled heads are closed by the header
//! timeout, 2,000 stalled connections do not stop a normal request, and every oversized or
//! malformed request is refused in the caller's own error format and status.

use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{TestApp, spawn_app, spawn_with, test_settings};
use crate::lp::ACCOUNT;

fn host_port(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Opens a connection and sends half a request head, then stalls.
async fn half_head(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Stall: ")
        .await
        .expect("write");
    s
}

/// Sends raw bytes and reads the whole answer (the server closes or the client times out).
async fn raw(addr: &str, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(request).await.expect("write");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_stalled_half_header_connection_is_closed_by_the_header_timeout() {
    // Arrange
    let dir = tempfile::tempdir().expect("dir");
    let mut settings = test_settings(dir.path());
    settings.limits.header_read_timeout_secs = 1;
    let app = spawn_with(settings).await;
    let mut stalled = half_head(&host_port(&app)).await;

    // Act: read until the server closes (or 10 s pass: a generous margin over 1 s).
    let started = Instant::now();
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), stalled.read_to_end(&mut buf)).await;

    // Assert
    assert!(closed.is_ok(), "the server closed the stalled connection");
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "closed by the timeout, not at once"
    );
    app.stop().await;
}

/// Connects with a 1 s header timeout, sends `opening` (maybe nothing), and returns how long
/// the server took to close the connection (`None`: still open after 10 s, a generous margin).
async fn time_to_close_after(opening: &[u8]) -> Option<Duration> {
    let dir = tempfile::tempdir().expect("dir");
    let mut settings = test_settings(dir.path());
    settings.limits.header_read_timeout_secs = 1;
    let app = spawn_with(settings).await;
    let mut conn = TcpStream::connect(host_port(&app)).await.expect("connect");
    conn.write_all(opening).await.expect("write");
    let started = Instant::now();
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut buf)).await;
    let elapsed = started.elapsed();
    app.stop().await;
    closed.is_ok().then_some(elapsed)
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_by_the_header_timeout() {
    // Act
    let closed_after = time_to_close_after(b"").await;

    // Assert
    let elapsed = closed_after.expect("the server closed the silent connection");
    assert!(
        elapsed >= Duration::from_millis(500),
        "closed by the timeout, not at once: {elapsed:?}"
    );
}

#[tokio::test]
async fn a_connection_that_sends_part_of_the_http2_preface_is_closed_by_the_header_timeout() {
    // Act
    let closed_after = time_to_close_after(b"PRI * HT").await;

    // Assert
    let elapsed = closed_after.expect("the server closed the half-preface connection");
    assert!(
        elapsed >= Duration::from_millis(500),
        "closed by the timeout, not at once: {elapsed:?}"
    );
}

#[tokio::test]
async fn an_http2_connection_that_never_sends_a_request_is_closed_by_the_header_timeout() {
    // Act: the whole preface and an empty SETTINGS frame, then no request.
    let closed_after = time_to_close_after(
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00",
    )
    .await;

    // Assert
    let elapsed = closed_after.expect("the server closed the request-less HTTP/2 connection");
    assert!(
        elapsed >= Duration::from_millis(500),
        "closed by the timeout, not at once: {elapsed:?}"
    );
}

#[tokio::test]
async fn a_busy_keep_alive_connection_outlives_the_first_request_deadline() {
    // Arrange: a 1 s timeout; requests 600 ms apart on one connection, so the last comes
    // well after the first-request deadline (1 s from accept) but never idles past hyper's.
    let dir = tempfile::tempdir().expect("dir");
    let mut settings = test_settings(dir.path());
    settings.limits.header_read_timeout_secs = 1;
    let app = spawn_with(settings).await;
    let mut conn = TcpStream::connect(host_port(&app)).await.expect("connect");

    // Act / Assert: each request is answered on the same connection.
    for i in 0..4 {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
        conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("write");
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut buf))
            .await
            .expect("answered in time")
            .expect("read");
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 200"), "request {i}: {answer}");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_by_the_same_timeout() {
    // Arrange: one complete request on a keep-alive connection, then silence.
    let dir = tempfile::tempdir().expect("dir");
    let mut settings = test_settings(dir.path());
    settings.limits.header_read_timeout_secs = 1;
    let app = spawn_with(settings).await;
    let mut conn = TcpStream::connect(host_port(&app)).await.expect("connect");
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");

    // Act: read the answer, then wait for the close (10 s: a generous margin over 1 s).
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut buf)).await;

    // Assert
    assert!(closed.is_ok(), "the idle connection was closed");
    let answer = String::from_utf8_lossy(&buf);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn with_2000_stalled_connections_open_a_normal_request_is_answered_within_a_second() {
    // Arrange: this process holds both ends of every connection.
    chatwire::conn::raise_fd_limit();
    let app = spawn_app().await;
    let addr = host_port(&app);
    let mut stalled = Vec::with_capacity(2000);
    for _ in 0..2000 {
        stalled.push(half_head(&addr).await);
    }

    // Act: three fresh connections, each timed.
    let mut times = Vec::new();
    for _ in 0..3 {
        let client = reqwest::Client::new();
        let started = Instant::now();
        let resp = client
            .get(format!("{}/healthz", app.address))
            .send()
            .await
            .expect("healthz");
        assert_eq!(resp.status(), 200);
        times.push(started.elapsed());
    }

    // Assert
    times.sort();
    assert!(
        times[1] < Duration::from_secs(1),
        "median /healthz with 2,000 stalled connections: {times:?}"
    );
    drop(stalled);
    app.stop().await;
}

#[tokio::test]
async fn a_100_key_multi_chat_url_fits_and_a_101_key_one_is_refused_in_liveperson_format() {
    // Arrange: keys as long as real ones (`H` + 19 digits + `-` + 32 hex + `K` + 7 digits).
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let key = |i: usize| format!("H{i:019}-{i:032x}K{i:07}");
    let url = |n: usize| {
        let keys: Vec<String> = (0..n).map(key).collect();
        let froms: Vec<&str> = (0..n).map(|_| "0").collect();
        format!(
            "{}/chat?chatSessionKeys={}&fromEventIds={}&v=1&NC=true",
            agent.session,
            keys.join(","),
            froms.join(",")
        )
    };

    // Act
    let hundred = url(100);
    let target_len = hundred.len() - app.address.len();
    let (ok_status, _) = app.lp_get(&agent, &hundred).await;
    let (status, body) = app.lp_get(&agent, &url(101)).await;

    // Assert
    assert!(
        target_len < 16 * 1024,
        "a 100-key target is {target_len} bytes"
    );
    assert_eq!(
        ok_status, 200,
        "a 100-key poll ({target_len} bytes) is served"
    );
    assert_eq!(status, 400);
    assert_eq!(body["error"]["internalCode"], 20, "{body}");
    app.stop().await;
}

#[tokio::test]
async fn an_oversized_uri_gets_a_414_in_the_liveperson_format_asked_for() {
    // Arrange
    let app = spawn_app().await;
    let long = "x".repeat(20 * 1024);

    // Act
    let json = app
        .client
        .get(format!(
            "{}{ACCOUNT}/chat/availability?junk={long}",
            app.address
        ))
        .header(ACCEPT, "application/json")
        .send()
        .await
        .expect("json");
    let xml = app
        .client
        .get(format!(
            "{}{ACCOUNT}/chat/availability.xml?junk={long}",
            app.address
        ))
        .send()
        .await
        .expect("xml");

    // Assert
    assert_eq!(json.status(), 414);
    let body: Value = json.json().await.expect("LivePerson JSON error");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("URI"))
    );
    assert_eq!(xml.status(), 414);
    let text = xml.text().await.expect("xml body");
    assert!(
        text.contains("<error>") && text.contains("<internalCode>"),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_oversized_header_gets_a_431_in_the_superoffice_format() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let resp = app
        .client
        .post(format!("{}/api/v1/Agents/Chat/GetChatTopic", app.address))
        .header("X-Padding", "y".repeat(40 * 1024))
        .header(ACCEPT, "application/json")
        .body("{}")
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(resp.status(), 431);
    let body: Value = resp.json().await.expect("SuperOffice JSON error");
    assert_eq!(body["Error"], true, "{body}");
    app.stop().await;
}

#[tokio::test]
async fn too_many_header_fields_get_a_431_in_the_liveperson_format() {
    // Arrange
    let app = spawn_app().await;
    let mut req = app
        .client
        .get(format!("{}{ACCOUNT}/chat/availability", app.address))
        .header(ACCEPT, "application/json");
    for i in 0..150 {
        req = req.header(format!("x-h{i}"), "v");
    }

    // Act
    let resp = req.send().await.expect("request");

    // Assert
    assert_eq!(resp.status(), 431);
    let body: Value = resp.json().await.expect("LivePerson JSON error");
    assert!(body["error"]["internalCode"].is_number(), "{body}");
    app.stop().await;
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_413_in_each_dialect() {
    // Arrange
    let app = spawn_app().await;
    let big = format!("{{\"x\":\"{}\"}}", "z".repeat(2 * 1024 * 1024));

    // Act
    let lp = app
        .client
        .post(format!("{}{ACCOUNT}/chat/request?v=1&NC=true", app.address))
        .header(AUTHORIZATION, "LivePerson appKey=demo-app-key")
        .header(CONTENT_TYPE, "application/json")
        .body(big.clone())
        .send()
        .await
        .expect("lp");
    let so = app
        .client
        .post(format!("{}/api/v1/Agents/Chat/GetChatTopic", app.address))
        .header(AUTHORIZATION, "Basic YWdlbnQxOmRlbW8tcGFzcw==")
        .header(CONTENT_TYPE, "application/json")
        .body(big)
        .send()
        .await
        .expect("so");

    // Assert
    assert_eq!(lp.status(), 413);
    let body: Value = lp.json().await.expect("LivePerson error");
    assert_eq!(body["error"]["internalCode"], 22, "{body}");
    assert_eq!(so.status(), 413);
    let body: Value = so.json().await.expect("SuperOffice error");
    assert_eq!(body["ErrorType"], "RequestTooLargeException", "{body}");
    app.stop().await;
}

#[tokio::test]
async fn a_malformed_chunked_body_on_superoffice_is_a_400_not_a_413() {
    // Arrange
    let app = spawn_app().await;
    let request = b"POST /api/v1/Agents/Chat/GetChatTopic HTTP/1.1\r\nHost: x\r\n\
Authorization: Basic YWdlbnQxOmRlbW8tcGFzcw==\r\nContent-Type: application/json\r\n\
Accept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";

    // Act
    let answer = raw(&host_port(&app), request).await;

    // Assert
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"Error\":true"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_method_outside_the_dialects_gets_a_405_with_a_json_error_body() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let resp = app
        .client
        .post(format!("{}/healthz", app.address))
        .send()
        .await
        .expect("request");

    // Assert
    assert_eq!(resp.status(), 405);
    assert!(resp.headers().contains_key("allow"));
    let body: Value = resp.json().await.expect("JSON error");
    assert_eq!(body["error"]["status"], 405, "{body}");
    app.stop().await;
}
