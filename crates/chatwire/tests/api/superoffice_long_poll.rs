//! The SuperOffice messages long-poll end to end: `GetChatMessages` with `Wait` (body) or
//! `?wait=` (query) and REST `GET ChatSession/{id}/Messages?wait=` answer as soon as a message
//! newer than `After` exists, `[]` at their deadline, and 400 in SuperOffice's error format for
//! a bad wait.

use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::superoffice_snapshots::AGENT2;

/// `POST /api/v1/Agents/Chat/{method_and_query}` as agent2 with a JSON body.
async fn so(app: &TestApp, method_and_query: &str, body: &Value) -> (u16, Value) {
    let resp = app
        .client
        .post(format!(
            "{}/api/v1/Agents/Chat/{method_and_query}",
            app.address
        ))
        .header(AUTHORIZATION, AGENT2)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// `GET /api/v1/{path}` as agent2.
async fn rest_get(app: &TestApp, path: &str) -> (u16, Value) {
    let resp = app
        .client
        .get(format!("{}/api/v1/{path}", app.address))
        .header(AUTHORIZATION, AGENT2)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// A LivePerson visitor's Sales chat, picked up by agent2 in SuperOffice: (visitor chat URL,
/// `ChatSessionId`, the newest `ChatMessageId`).
async fn picked_up_chat(app: &TestApp) -> (String, i64, i64) {
    let visitor_chat = app.lp_request_chat("Sales").await;
    let key = crate::lp::key_of(&visitor_chat).to_owned();
    let (status, _) = so(
        app,
        "SaveChatPresence",
        &json!({"ChatPresence": [{"UserId": 0, "Present": true}]}),
    )
    .await;
    assert_eq!(status, 204);
    let (_, sessions) = so(app, "ChatSessionsForUser", &Value::Null).await;
    let id = sessions
        .as_array()
        .and_then(|s| s.iter().find(|s| s["SessionKey"] == json!(key)))
        .and_then(|s| s["ChatSessionId"].as_i64())
        .expect("the chat is a session of agent2");
    let (status, picked) = so(app, "PickUpChatSession", &json!({"ChatSessionId": id})).await;
    assert_eq!(status, 200, "{picked}");
    let (_, messages) = so(app, "GetChatMessages", &json!({"ChatSessionId": id})).await;
    let last = messages
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["ChatMessageId"].as_i64())
        .expect("messages");
    (visitor_chat, id, last)
}

async fn visitor_line(app: &TestApp, chat: &str, text: &str) {
    let resp = app
        .client
        .post(format!("{chat}/events"))
        .header(AUTHORIZATION, "LivePerson appKey=demo-app-key")
        .json(&json!({"event": {"@type": "line", "text": text}}))
        .send()
        .await
        .expect("line");
    assert_eq!(resp.status(), 201);
}

/// `(Type, Message)` of each message of an answer.
fn lines(messages: &Value) -> Vec<(String, String)> {
    messages
        .as_array()
        .expect("an array of ChatMessage")
        .iter()
        .map(|m| {
            let field = |f: &str| m[f].as_str().unwrap_or_default().to_owned();
            (field("Type"), field("Message"))
        })
        .collect()
}

#[tokio::test]
async fn get_chat_messages_with_wait_returns_a_new_line_at_once_and_empty_at_its_deadline() {
    // Arrange
    let app = crate::helpers::spawn_app().await;
    let (visitor_chat, id, after) = picked_up_chat(&app).await;

    // Act 1: nothing new within a second.
    let started = Instant::now();
    let (status, empty) = so(
        &app,
        "GetChatMessages",
        &json!({"ChatSessionId": id, "After": after, "Wait": 1}),
    )
    .await;
    let waited = started.elapsed();

    // Assert 1
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty, json!([]));
    assert!(waited >= Duration::from_millis(900), "waited {waited:?}");

    // Act 2: parked, then the visitor writes.
    let body = json!({"chatSessionId": id, "after": after, "wait": 30});
    let started = Instant::now();
    let ((status, page), ()) = tokio::join!(so(&app, "GetChatMessages", &body), async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        visitor_line(&app, &visitor_chat, "are you there?").await;
    });

    // Assert 2
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        lines(&page),
        [("ToUser".to_owned(), "are you there?".to_owned())]
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answered early"
    );
    app.stop().await;
}

#[tokio::test]
async fn wait_in_the_query_long_polls_the_method_and_the_rest_messages_route() {
    // Arrange
    let app = crate::helpers::spawn_app().await;
    let (_, id, after) = picked_up_chat(&app).await;

    // Act 1: `?wait=` on the method URL, nothing new.
    let started = Instant::now();
    let (status, empty) = so(
        &app,
        "GetChatMessages?wait=1",
        &json!({"ChatSessionId": id, "After": after}),
    )
    .await;
    let waited = started.elapsed();

    // Act 2: REST `Messages?wait=` parked, then the agent's own line (AddChatMessage) arrives.
    let url = format!("ChatSession/{id}/Messages?after={after}&wait=30");
    let ((status_rest, page), (status_add, added)) = tokio::join!(rest_get(&app, &url), async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        so(
            &app,
            "AddChatMessage",
            &json!({"ChatSessionId": id, "Message": {"Message": "one moment", "Type": "ToCustomer"}}),
        )
        .await
    });

    // Assert
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty, json!([]));
    assert!(waited >= Duration::from_millis(900), "waited {waited:?}");
    assert_eq!(status_add, 200, "{added}");
    assert_eq!(status_rest, 200, "{page}");
    assert_eq!(
        lines(&page),
        [("ToCustomer".to_owned(), "one moment".to_owned())]
    );
    assert_eq!(page[0]["ChatMessageId"], added["ChatMessageId"]);
    app.stop().await;
}

#[tokio::test]
async fn a_bad_wait_is_a_400_in_the_superoffice_error_format() {
    // Arrange
    let app = crate::helpers::spawn_app().await;
    let (_, id, _) = picked_up_chat(&app).await;

    // Act
    let mut answers = Vec::new();
    for wait in [json!(-1), json!("soon"), json!(1.5), json!(true)] {
        answers.push(
            so(
                &app,
                "GetChatMessages",
                &json!({"ChatSessionId": id, "Wait": wait}),
            )
            .await,
        );
    }
    answers.push(
        so(
            &app,
            "GetChatMessages?wait=-5",
            &json!({"ChatSessionId": id}),
        )
        .await,
    );
    answers.push(rest_get(&app, &format!("ChatSession/{id}/Messages?wait=later")).await);

    // Assert
    for (status, error) in answers {
        assert_eq!(status, 400, "{error}");
        assert_eq!(error["Error"], true);
        assert_eq!(error["ErrorType"], "ArgumentException");
        assert!(
            error["ErrorMessage"]
                .as_str()
                .is_some_and(|m| m.contains("Wait")),
            "{error}"
        );
    }
    app.stop().await;
}
