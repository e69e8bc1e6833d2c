//! `format: superoffice`: SuperOffice's chat webhook payload (`chatsession.created`,
//! `chatsession.message`) with its headers, signed as SuperOffice signs (base64 HMAC-SHA256 of
//! the body), beside chatwire's own timestamped signature.

use chatwire_engine::{sign_superoffice, sign_webhook};
use reqwest::Method;
use serde_json::json;

use super::receiver::Receiver;
use super::{SECRET, WITHIN, admin, call, fast, visitor_line};
use crate::helpers::spawn_configured;

#[tokio::test]
async fn the_superoffice_format_posts_superoffice_chat_payloads_and_signature() {
    // Arrange
    let app = spawn_configured(fast).await;
    let bearer = admin(&app).await;
    let receiver = Receiver::start(vec![]).await;
    let body = json!({"url": receiver.url, "secret": SECRET, "format": "superoffice",
                      "events": ["chat.requested", "chat.line"]});
    let (status, created) = call(&app, &bearer, Method::POST, "/webhooks", Some(body)).await;
    assert_eq!(
        (status, &created["format"]),
        (201, &json!("superoffice")),
        "{created}"
    );

    // Act: a chat and a visitor line.
    let chat = app.lp_request_chat("Sales").await;
    visitor_line(&app, &chat, "hello superoffice").await;
    let got = receiver
        .wait_for(WITHIN, |r| {
            r.iter()
                .any(|x| x.json()["FieldValues"]["Message"] == "hello superoffice")
        })
        .await;

    // Assert: the session's creation, SuperOffice's headers and signature.
    let opened = &got[0];
    let payload = opened.json();
    assert_eq!(opened.header("x-superoffice-event"), "chatsession.created");
    assert_eq!(opened.header("x-superoffice-eventid"), payload["EventId"]);
    let signature = opened.header("x-superoffice-signature");
    assert_eq!(signature, sign_superoffice(SECRET, &opened.body));
    assert_ne!(
        signature,
        sign_superoffice("another-secret-0123456", &opened.body)
    );
    let ts: i64 = opened
        .header("chatwire-timestamp")
        .parse()
        .expect("timestamp");
    assert_eq!(
        opened.header("chatwire-signature"),
        sign_webhook(SECRET, ts, &opened.body)
    );
    assert_eq!(payload["Event"], "chatsession.created");
    assert_eq!(payload["Entity"], "chatsession");
    assert_eq!(payload["ContextIdentifier"], "1000");
    assert_eq!(payload["Changes"], json!([]));
    let session = payload["PrimaryKey"].as_i64().expect("PrimaryKey");
    assert!(session > 0);
    assert!(
        payload["Timestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with("0000Z"))
    );
    assert!(
        payload["FieldValues"]["Status"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        payload["WebhookName"]
            .as_str()
            .is_some_and(|n| n.starts_with("chatwire webhook"))
    );

    // The line: a message of the same session, with its ChatMessageId.
    let line = got
        .iter()
        .find(|x| x.json()["FieldValues"]["Message"] == "hello superoffice")
        .expect("the line");
    let message = line.json();
    assert_eq!(line.header("x-superoffice-event"), "chatsession.message");
    assert_eq!(message["Event"], "chatsession.message");
    assert_eq!(message["PrimaryKey"], session);
    assert_eq!(
        message["FieldValues"]["MessageId"].as_i64(),
        Some(line.event_id())
    );
    assert_eq!(
        message["FieldValues"]["CustomerAlias"],
        payload["FieldValues"]["CustomerAlias"]
    );
}
