//! The subscription routes: create (secret shown once, generated when absent), list, read,
//! pause, delete; bad input answered 400 naming the field, unknown ids 404, in chatwire's
//! error envelope.

use reqwest::Method;
use serde_json::json;

use super::{admin, call};
use crate::helpers::spawn_app;

#[tokio::test]
async fn subscriptions_are_created_listed_paused_and_deleted_with_clear_errors() {
    // Arrange
    let app = spawn_app().await;
    let bearer = admin(&app).await;

    // Act + Assert: a generated secret, shown at creation only; the default kinds.
    let (status, created) = call(
        &app,
        &bearer,
        Method::POST,
        "/webhooks",
        Some(json!({"url": "https://hooks.example.com/chatwire"})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["secret"].as_str().map(str::len), Some(64));
    let events = created["events"].as_array().expect("events");
    assert!(events.contains(&json!("chat.line")) && !events.contains(&json!("chat.typing")));
    assert_eq!(created["format"], "chatwire");
    let id = created["id"].as_i64().expect("id");
    let (status, page) = call(&app, &bearer, Method::GET, "/webhooks", None).await;
    assert_eq!(status, 200);
    assert_eq!(page["items"][0]["id"], id);
    assert!(page["items"][0].get("secret").is_none());

    // Pause, then delete.
    let path = format!("/webhooks/{id}");
    let (status, paused) = call(
        &app,
        &bearer,
        Method::PATCH,
        &path,
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(
        (status, &paused["enabled"]),
        (200, &json!(false)),
        "{paused}"
    );
    let (status, _) = call(&app, &bearer, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let (status, gone) = call(&app, &bearer, Method::GET, &path, None).await;
    assert_eq!((status, &gone["error"]["code"]), (404, &json!("not_found")));

    // Bad input: 400 naming the member.
    for (body, field) in [
        (json!({"url": "http://hooks.example.com/"}), "url"),
        (json!({"url": "ftp://x"}), "url"),
        (
            json!({"url": "https://x.example", "secret": "short"}),
            "secret",
        ),
        (
            json!({"url": "https://x.example", "events": ["chat.nope"]}),
            "events",
        ),
        (
            json!({"url": "https://x.example", "format": "xml"}),
            "format",
        ),
    ] {
        let (status, err) = call(&app, &bearer, Method::POST, "/webhooks", Some(body)).await;
        assert_eq!(status, 400, "{err}");
        assert_eq!(err["error"]["code"], "invalid_field");
        assert_eq!(err["error"]["field"], field, "{err}");
    }
    let (status, err) = call(&app, &bearer, Method::GET, "/webhooks/abc", None).await;
    assert_eq!((status, &err["error"]["code"]), (404, &json!("not_found")));
    let (status, _) = call(
        &app,
        &bearer,
        Method::POST,
        "/webhooks",
        Some(json!({"nope": 1})),
    )
    .await;
    assert_eq!(status, 400);
}
