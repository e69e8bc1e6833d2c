//! History, statistics, offline messages, deletion, erasure and retention over HTTP
//! (`/chatwire/v1/accounts/{account}/…`): for the account's admins, every bad parameter a
//! 400 naming its field, open chats refused with 409, deleted chats gone from history and feed.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::{ACCOUNT, key_of};

const BASE: &str = "/chatwire/v1/accounts/1000";

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    bearer: &str,
    body: Option<Value>,
) -> (u16, Value) {
    crate::own_api::call(app, method, &format!("{BASE}{path}"), Some(bearer), body).await
}

async fn get(app: &TestApp, bearer: &str, path: &str) -> (u16, Value) {
    call(app, reqwest::Method::GET, path, bearer, None).await
}

/// A visitor event on the chat at `chat` (its URL).
async fn visitor_event(app: &TestApp, chat: &str, event: Value) {
    let resp = app
        .client
        .post(format!("{chat}/events.json?v=1"))
        .header("authorization", "LivePerson appKey=demo-app-key")
        .json(&json!({ "event": event }))
        .send()
        .await
        .expect("visitor event");
    assert!(resp.status().is_success(), "{}", resp.status());
}

/// A Sales chat with one visitor line, ended when `end`; returns its id.
async fn chat_with(app: &TestApp, text: &str, end: bool) -> String {
    let chat = app.lp_request_chat("Sales").await;
    visitor_event(app, &chat, json!({"@type": "line", "text": text})).await;
    if end {
        visitor_event(app, &chat, json!({"@type": "state", "state": "ended"})).await;
    }
    key_of(&chat).to_owned()
}

fn field(v: &Value) -> &Value {
    &v["error"]["field"]
}

#[tokio::test]
async fn an_admin_searches_reads_and_deletes_chats() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await; // the demo's admin
    let parcel = chat_with(&app, "Where is my parcel?", true).await;
    let open = chat_with(&app, "hello there", false).await;

    // Full-text search, and pages of one following the cursor.
    let (status, page) = get(&app, &admin.bearer, "/history/chats?q=PARCEL").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "{page}");
    assert_eq!(page["items"][0]["id"], json!(parcel));
    assert_eq!(page["next"], Value::Null);
    let mut seen = Vec::new();
    let mut query = "/history/chats?limit=1".to_owned();
    loop {
        let (status, page) = get(&app, &admin.bearer, &query).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|c| c["id"].clone()),
        );
        match page["next"].as_str() {
            Some(next) => query = format!("/history/chats?limit=1&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, [json!(open), json!(parcel)], "newest first");
    let (_, ended) = get(
        &app,
        &admin.bearer,
        "/history/chats?state=ended&from=2000-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(ended["items"][0]["id"], json!(parcel), "{ended}");

    // Every bad parameter names itself.
    for (q, name) in [
        ("from=yesterday", "from"),
        ("state=gone", "state"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("cursor=!!", "cursor"),
        ("q=%20%3F%21", "q"),
        ("skill=x", "skill"),
        ("from=2000&to=1000", "to"),
    ] {
        let (status, err) = get(&app, &admin.bearer, &format!("/history/chats?{q}")).await;
        assert_eq!((status, field(&err)), (400, &json!(name)), "{q}: {err}");
        assert_eq!(err["error"]["code"], "invalid_field");
    }

    // One chat's record.
    let (status, record) = get(&app, &admin.bearer, &format!("/history/chats/{parcel}")).await;
    assert_eq!(status, 200, "{record}");
    assert!(
        record["events"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["text"] == "Where is my parcel?"))
    );
    assert!(
        record["transcript"]
            .as_str()
            .unwrap()
            .contains("Where is my parcel?")
    );

    // Deleting: an open chat is refused, an ended one is gone everywhere.
    let delete = reqwest::Method::DELETE;
    let (status, err) = call(
        &app,
        delete.clone(),
        &format!("/chats/{open}"),
        &admin.bearer,
        None,
    )
    .await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (409, &json!("conflict")),
        "{err}"
    );
    let (status, erased) = call(
        &app,
        delete.clone(),
        &format!("/chats/{parcel}"),
        &admin.bearer,
        None,
    )
    .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased["chats"], json!([parcel]));
    assert!(erased["events"].as_u64().unwrap() >= 4, "{erased}");
    let (status, _) = get(&app, &admin.bearer, &format!("/history/chats/{parcel}")).await;
    assert_eq!(status, 404);
    let (_, feed) = get(&app, &admin.bearer, "/feed?after=0&limit=1000").await;
    assert!(
        feed["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["chatId"] != json!(parcel)),
        "{feed}"
    );
    let (_, page) = get(&app, &admin.bearer, "/history/chats?q=parcel").await;
    assert_eq!(page["items"], json!([]));
    let (status, _) = call(
        &app,
        delete,
        &format!("/chats/{parcel}"),
        &admin.bearer,
        None,
    )
    .await;
    assert_eq!(status, 404, "deleted once");

    // Not for other agents.
    let agent = app.lp_agent("agent2").await;
    let (status, err) = get(&app, &agent.bearer, "/history/chats").await;
    assert_eq!((status, &err["error"]["code"]), (403, &json!("forbidden")));
}

#[tokio::test]
async fn offline_messages_statistics_erasure_and_retention() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let post = reqwest::Method::POST;
    let put = reqwest::Method::PUT;

    // An offline message, listed and marked handled.
    let (_, offline) = app
        .visitor(
            reqwest::Method::GET,
            &format!("{ACCOUNT}/chat/offlineSurvey.json"),
            None,
        )
        .await;
    let id = offline["survey"]["id"].as_i64().expect("id");
    let answer = json!({"survey":{"id":id,"question":[{"id":1,"answer":"Natalie"},{"id":2,"answer":"nat@example.com"},{"id":3,"answer":"Call me back"}],"skill":"Sales"}});
    let (status, _) = app
        .visitor(
            put.clone(),
            &format!("{ACCOUNT}/chat/offlineSurvey"),
            Some(answer),
        )
        .await;
    assert_eq!(status, 200);
    let (status, list) = get(&app, &admin.bearer, "/offline-messages").await;
    assert_eq!(status, 200, "{list}");
    let msg = list["items"][0]["id"].as_i64().expect("message id");
    assert_eq!(list["items"][0]["handledAt"], Value::Null);
    let (status, handled) = call(
        &app,
        post.clone(),
        &format!("/offline-messages/{msg}/handled"),
        &admin.bearer,
        None,
    )
    .await;
    assert_eq!(status, 200, "{handled}");
    assert!(handled["handledBy"].is_i64(), "{handled}");
    let (_, open) = get(&app, &admin.bearer, "/offline-messages?handled=false").await;
    assert_eq!(open["items"], json!([]));
    let (status, err) = get(&app, &admin.bearer, "/offline-messages?handled=maybe").await;
    assert_eq!((status, field(&err)), (400, &json!("handled")));
    let (status, _) = call(
        &app,
        post.clone(),
        "/offline-messages/999999/handled",
        &admin.bearer,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Statistics from the store.
    chat_with(&app, "one", true).await;
    let (status, stats) = get(&app, &admin.bearer, "/stats?by=skill").await;
    assert_eq!(status, 200, "{stats}");
    let requested: u64 = stats["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["requested"].as_u64().unwrap())
        .sum();
    assert_eq!(requested, 1, "{stats}");
    let (_, total) = get(&app, &admin.bearer, "/stats").await;
    assert_eq!(
        (total["by"].as_str(), total["rows"][0]["missed"].as_u64()),
        (Some("total"), Some(1)),
        "{total}"
    );
    for (q, name) in [
        ("by=week", "by"),
        ("from=0", "to"),
        ("to=soon", "to"),
        ("agent=x", "agent"),
    ] {
        let (status, err) = get(&app, &admin.bearer, &format!("/stats?{q}")).await;
        assert_eq!((status, field(&err)), (400, &json!(name)), "{q}: {err}");
    }

    // Erasure by e-mail (any case) takes the offline message.
    let (status, erased) = call(
        &app,
        post.clone(),
        "/erasure",
        &admin.bearer,
        Some(json!({"email": "NAT@example.com"})),
    )
    .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased["offlineMessages"], 1, "{erased}");
    let (_, list) = get(&app, &admin.bearer, "/offline-messages").await;
    assert_eq!(list["items"], json!([]));
    for body in [
        json!({}),
        json!({"visitorId": 1, "email": "a@b.c"}),
        json!({"visitorId": "x"}),
    ] {
        let (status, err) = call(
            &app,
            post.clone(),
            "/erasure",
            &admin.bearer,
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, field(&err)),
            (400, &json!("visitorId")),
            "{body}: {err}"
        );
    }
    let (status, err) = call(
        &app,
        post.clone(),
        "/erasure",
        &admin.bearer,
        Some(json!({"email": "nobody"})),
    )
    .await;
    assert_eq!((status, field(&err)), (400, &json!("email")), "{err}");

    // Retention period.
    let (status, r) = call(
        &app,
        put.clone(),
        "/retention",
        &admin.bearer,
        Some(json!({"days": 30})),
    )
    .await;
    assert_eq!((status, &r["days"]), (200, &json!(30)), "{r}");
    let (_, r) = get(&app, &admin.bearer, "/retention").await;
    assert_eq!(r["days"], 30);
    for bad in [
        json!({"days": 0}),
        json!({"days": "x"}),
        json!({"days": -1}),
    ] {
        let (status, err) = call(
            &app,
            put.clone(),
            "/retention",
            &admin.bearer,
            Some(bad.clone()),
        )
        .await;
        assert_eq!((status, field(&err)), (400, &json!("days")), "{bad}: {err}");
    }
    let (status, r) = call(
        &app,
        put,
        "/retention",
        &admin.bearer,
        Some(json!({"days": null})),
    )
    .await;
    assert_eq!((status, &r["days"]), (200, &Value::Null));
}
