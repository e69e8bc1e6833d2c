//! The local mailbox over HTTP (`GET /chatwire/v1/accounts/{account}/mailbox`): with no SMTP
//! server configured (the test settings, like `serve --demo`), transcripts are filed there and
//! read by the account's admins a page at a time; bad cursors get chatwire's own 400.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::key_of;

async fn get(app: &TestApp, bearer: &str, query: &str) -> (u16, Value) {
    let resp = app
        .client
        .get(format!(
            "{}/chatwire/v1/accounts/1000/mailbox{query}",
            app.address
        ))
        .bearer_auth(bearer)
        .send()
        .await
        .expect("mailbox");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

/// A chat whose visitor asked for a transcript to `email` and then ended it.
async fn transcript_to(app: &TestApp, email: &str) -> String {
    let chat = app.lp_request_chat("Sales").await;
    for (path, body) in [
        ("transcriptRequest", json!({"email": email})),
        (
            "events",
            json!({"event": {"@type": "state", "state": "ended"}}),
        ),
    ] {
        let method = if path == "events" {
            reqwest::Method::POST
        } else {
            reqwest::Method::PUT
        };
        let resp = app
            .client
            .request(method, format!("{chat}/{path}.json?v=1"))
            .header("authorization", "LivePerson appKey=demo-app-key")
            .json(&body)
            .send()
            .await
            .expect("visitor request");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
    }
    key_of(&chat).to_owned()
}

#[tokio::test]
async fn transcripts_are_filed_in_order_and_paged_by_cursor_for_admins() {
    // Arrange: two transcripts, filed once their chats ended.
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await; // the demo's admin
    let first = transcript_to(&app, "ada@example.com").await;
    let second = transcript_to(&app, "grace@example.com").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let all = loop {
        let (status, page) = get(&app, &admin.bearer, "").await;
        assert_eq!(status, 200, "{page}");
        if page["mail"].as_array().is_some_and(|m| m.len() == 2) {
            break page;
        }
        assert!(tokio::time::Instant::now() < deadline, "not filed: {page}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };

    // Act: page one at a time from the start.
    let (_, one) = get(&app, &admin.bearer, "?after=0&limit=1").await;
    let cursor = one["next"].as_i64().expect("next");
    let (_, two) = get(&app, &admin.bearer, &format!("?after={cursor}&limit=1")).await;
    let (_, done) = get(&app, &admin.bearer, &format!("?after={}", two["next"])).await;

    // Assert
    let chats: Vec<&str> = all["mail"]
        .as_array()
        .expect("mail")
        .iter()
        .map(|m| m["chatId"].as_str().expect("chatId"))
        .collect();
    // The first mail was queued (so due) first, and mails are filed in due order.
    assert_eq!(chats, [first.as_str(), second.as_str()]);
    assert_eq!(one["mail"][0], all["mail"][0]);
    assert_eq!(two["mail"][0], all["mail"][1]);
    assert_eq!(done, json!({"mail": [], "next": two["next"]}));
    let mail = &all["mail"][0];
    assert!(
        mail["html"].as_str().is_some_and(|h| h.contains('<')),
        "{mail}"
    );
    assert!(
        mail["deliveredAt"]
            .as_str()
            .is_some_and(|t| t.ends_with("+00:00"))
    );
    app.stop().await;
}

#[tokio::test]
async fn a_bad_cursor_or_limit_is_chatwires_400_and_a_plain_agent_gets_403() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let plain = app.lp_agent("agent2").await;
    for query in ["?after=abc", "?after=-1", "?limit=x"] {
        let (status, body) = get(&app, &admin.bearer, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body["error"]["message"].is_string(), "{query}: {body}");
    }
    let (status, body) = get(&app, &plain.bearer, "").await;
    assert_eq!(status, 403, "{body}");
    app.stop().await;
}
