//! `/metrics` on a real server: Prometheus text that a strict reader accepts, with requests by
//! route template and status, latency histograms, store latency, and chats by state.

use serde_json::Value;

use crate::helpers::http::{APP_KEY_AUTH, accept, lp_agent, request_chat, wait_ringing};
use crate::helpers::{pg, prom, spawn_app};

#[tokio::test]
async fn metrics_are_prometheus_text_with_requests_by_route_store_latency_and_chats_by_state() {
    // Arrange: one chat waiting, and one request that fails on a LivePerson route.
    let app = spawn_app().await;
    let chat = request_chat(&app.client, &app.address, "Sales").await;
    let missing = app
        .client
        .get(format!(
            "{}/api/account/1000/chat/H1-nope.json",
            app.address
        ))
        .header("Authorization", APP_KEY_AUTH)
        .send()
        .await
        .expect("request");
    let missing_status = missing.status().as_u16();
    assert!(missing_status >= 400, "{missing_status}");

    // Act
    let resp = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("scrape");
    assert_eq!(resp.status(), 200);
    let content_type = resp.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let text = resp.text().await.expect("body");
    let metrics = prom::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));

    // Assert: the chat request counted under its route template, not its raw path.
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let created = metrics.value(
        "chatwire_http_requests_total",
        &[
            ("method", "POST"),
            ("route", "/api/account/{account}/chat/request"),
            ("status", "201"),
        ],
    );
    assert_eq!(created, 1.0);
    let failed = metrics.find(
        "chatwire_http_requests_total",
        &[("method", "GET"), ("status", &missing_status.to_string())],
    );
    assert_eq!(failed.len(), 1, "{text}");
    assert!(!failed[0].labels["route"].contains("H1-nope"), "{failed:?}");
    assert!(!text.contains(chat.rsplit('/').next().expect("key")));
    let histogram = [
        ("method", "POST"),
        ("route", "/api/account/{account}/chat/request"),
    ];
    assert_eq!(
        metrics.value("chatwire_http_request_duration_seconds_count", &histogram),
        1.0
    );
    let inf = [histogram[0], histogram[1], ("le", "+Inf")];
    assert_eq!(
        metrics.value("chatwire_http_request_duration_seconds_bucket", &inf),
        1.0
    );
    assert!(
        metrics.value(
            "chatwire_store_operation_duration_seconds_count",
            &[("operation", "create_chat")]
        ) >= 1.0
    );
    assert_eq!(
        metrics.value("chatwire_chats", &[("state", "waiting")]),
        1.0
    );
    assert_eq!(
        metrics.value("chatwire_chats", &[("state", "chatting")]),
        0.0
    );
    assert_eq!(metrics.value("chatwire_outbox_due_mails", &[]), 0.0);
    assert!(metrics.types.contains_key("chatwire_parked_waiters"));
    let pool = metrics.find("chatwire_store_pool_connections", &[("state", "max")]);
    let queue = metrics.find(
        "chatwire_store_notify_queue_usage",
        &[("store", "postgresql")],
    );
    if pg::url().is_some() {
        assert_eq!(pool.len(), 1, "PostgreSQL reports its pool: {text}");
        assert_eq!(queue.len(), 1, "and its notification queue: {text}");
        assert!((0.0..1.0).contains(&queue[0].value), "{text}");
    } else {
        assert!(pool.is_empty(), "SQLite has no pool: {text}");
        assert!(queue.is_empty(), "nor a notification queue: {text}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_parked_long_poll_shows_as_a_waiter_while_it_waits() {
    // Arrange: agent1 has accepted a chat and read it up to now.
    let app = spawn_app().await;
    let agent = lp_agent(&app.client, &app.address, "agent1").await;
    let chat = request_chat(&app.client, &app.address, "Sales").await;
    wait_ringing(&app.client, &agent).await;
    assert_eq!(accept(&app.client, &agent).await.0, 201);
    let key = chat.rsplit('/').next().expect("key");
    let retrieve = format!("{}/chat?chatSessionKeys={key}", agent.session);
    let page: Value = app
        .client
        .get(&retrieve)
        .bearer_auth(&agent.bearer)
        .header("Accept", "application/json")
        .send()
        .await
        .expect("retrieve")
        .json()
        .await
        .expect("json");
    let links = page["chats"]["chat"][0]["link"].as_array().expect("links");
    let from = links
        .iter()
        .find(|l| l["rel"] == "next")
        .and_then(|l| l["href"].as_str())
        .and_then(|h| h.rsplit('=').next())
        .expect("next link")
        .to_owned();
    let waiters = |text: &str| {
        prom::parse(text)
            .expect("parses")
            .value("chatwire_parked_waiters", &[])
    };
    let idle = waiters(&app.get("/metrics").await.1);

    // Act: park a 10 s long-poll with nothing new to say.
    let poll = app
        .client
        .get(format!("{retrieve}&fromEventIds={from}&wait=10"))
        .bearer_auth(&agent.bearer)
        .header("Accept", "application/json")
        .send();
    let poll = tokio::spawn(poll);
    let mut parked = idle;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        parked = waiters(&app.get("/metrics").await.1);
        if parked > idle {
            break;
        }
    }

    // Assert
    assert!(
        parked > idle,
        "the poll never showed as parked ({idle} → {parked})"
    );
    poll.abort();
    app.stop().await;
}

#[tokio::test]
async fn invented_methods_and_unknown_paths_add_no_series_of_their_own() {
    // Arrange: an unauthenticated client invents methods and paths.
    let app = spawn_app().await;
    for i in 0..5 {
        let method = reqwest::Method::from_bytes(format!("INVENTED{i}").as_bytes()).expect("token");
        let resp = app
            .client
            .request(method, format!("{}/made-up-path-{i}", app.address))
            .send()
            .await
            .expect("request");
        assert!(resp.status().is_client_error(), "{}", resp.status());
    }

    // Act
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("body");

    // Assert: one `other` method and no attacker-chosen text in any label.
    let metrics = prom::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert!(
        !text.contains("INVENTED") && !text.contains("made-up-path"),
        "{text}"
    );
    let others = metrics.find("chatwire_http_requests_total", &[("method", "other")]);
    let total: f64 = others.iter().map(|s| s.value).sum();
    assert_eq!(total, 5.0, "{text}");
    app.stop().await;
}
