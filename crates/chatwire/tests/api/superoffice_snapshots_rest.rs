//! Wire snapshots of the SuperOffice REST routes `/api/v1/ChatSession…` and `Presence/…`
//! (`ChatTopic…` in `superoffice_snapshots_rest_topics`), in JSON and XML: single entities with `_Links`, the OData lists, `$select`,
//! bare bodies (`ChatMessage`, `ChatPresence[]`, `ChatTopicAgent[]`), merge-patch and JSON Patch.
//! Helpers in `superoffice_snapshots`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::superoffice_snapshots::{AGENT1, AGENT2, so_req};
use crate::wire_snap::{Fmt, Req, Wire};

/// `{method} /api/v1/{path}` with `body` (XML root `root`), checked and snapshotted as `rest_{name}`.
pub(crate) async fn rest(
    w: &Wire<'_>,
    name: &str,
    auth: &str,
    (method, path): (Method, &str),
    (root, body): (&str, Value),
    status: u16,
) {
    let req = so_req(
        w,
        Req::new(method, format!("/api/v1/{path}")),
        auth,
        root,
        &body,
    );
    w.check(&format!("rest_{name}"), req, status).await;
}

/// No body.
pub(crate) const NONE: (&str, Value) = ("request", Value::Null);

async fn sessions(fmt: Fmt) {
    // Arrange: a LivePerson visitor asks for Sales (session 1).
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let chat = app.lp_request_chat("Sales").await;
    w.learn(chat.rsplit('/').next().expect("key"), "[CHAT_1]");
    let (get, post) = (Method::GET, Method::POST);
    let online = json!([{"UserId": 0, "Present": true}]);

    // Act / Assert
    rest(
        &w,
        "presence_save",
        AGENT2,
        (post.clone(), "Presence/SaveAll"),
        ("ArrayOfChatPresence", online.clone()),
        204,
    )
    .await;
    rest(
        &w,
        "chat_presence_save",
        AGENT1,
        (post.clone(), "ChatPresence/SaveAll"),
        ("ArrayOfChatPresence", online),
        204,
    )
    .await;
    rest(
        &w,
        "presence_get",
        AGENT2,
        (get.clone(), "Presence/GetAll"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_default",
        AGENT2,
        (get.clone(), "ChatSession/default"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "sessions_odata",
        AGENT2,
        (get.clone(), "ChatSession"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "sessions_for_user",
        AGENT2,
        (get.clone(), "ChatSession/ForCurrentUser"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_get",
        AGENT2,
        (get.clone(), "ChatSession/1"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_get_select",
        AGENT2,
        (get.clone(), "ChatSession/1?$select=Status,SessionKey"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_pickup",
        AGENT2,
        (post.clone(), "ChatSession/1/Pickup"),
        NONE,
        200,
    )
    .await;
    let msg = json!({"Message": "Hi from REST", "Type": "ToCustomer"});
    rest(
        &w,
        "message_post",
        AGENT2,
        (post.clone(), "ChatSession/1/Messages"),
        ("ChatMessage", msg),
        200,
    )
    .await;
    rest(
        &w,
        "messages_get",
        AGENT2,
        (get.clone(), "ChatSession/1/Messages?after=5"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_transfer",
        AGENT2,
        (post.clone(), "ChatSession/1/TransferTo/agent1"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_reject",
        AGENT1,
        (post.clone(), "ChatSession/1/RejectTransfer"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_transfer_by_id",
        AGENT2,
        (post.clone(), "ChatSession/1/TransferTo/1"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_accept",
        AGENT1,
        (post.clone(), "ChatSession/1/AcceptTransfer"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_reset",
        AGENT1,
        (post.clone(), "ChatSession/1/Reset"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "session_pickup_first",
        AGENT2,
        (post.clone(), "ChatSession/Pickup"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "transcript",
        AGENT2,
        (post.clone(), "ChatSession/1/Transcript?html=false"),
        NONE,
        200,
    )
    .await;
    let put = json!({"ChatSessionId": 1, "CustomerName": "Grace"});
    rest(
        &w,
        "session_put",
        AGENT2,
        (Method::PUT, "ChatSession/1"),
        ("ChatSessionEntity", put),
        200,
    )
    .await;
    if fmt == Fmt::Json {
        let merge = json!({"customerName": "Grace H."});
        rest(
            &w,
            "session_merge_patch",
            AGENT2,
            (Method::PATCH, "ChatSession/1"),
            ("ChatSessionEntity", merge),
            200,
        )
        .await;
        let patch = json!([{"op": "replace", "path": "/CustomerName", "value": "G"}]);
        rest(
            &w,
            "session_json_patch",
            AGENT2,
            (Method::PATCH, "ChatSession/1"),
            ("ChatSessionEntity", patch),
            200,
        )
        .await;
    }
    let new = json!({"TopicId": 1, "CustomerName": "Ada"});
    rest(
        &w,
        "session_post",
        AGENT2,
        (post.clone(), "ChatSession"),
        ("ChatSessionEntity", new),
        200,
    )
    .await;
    rest(
        &w,
        "session_delete",
        AGENT2,
        (Method::DELETE, "ChatSession/1"),
        NONE,
        204,
    )
    .await;
    rest(
        &w,
        "error_404_session",
        AGENT2,
        (get.clone(), "ChatSession/99"),
        NONE,
        404,
    )
    .await;
    rest(
        &w,
        "error_404_resource",
        AGENT2,
        (get, "Chat/Sessions"),
        NONE,
        404,
    )
    .await;
    rest(
        &w,
        "error_401",
        "Basic Zm9vOmJhcg==",
        (post, "ChatSession/Pickup"),
        NONE,
        401,
    )
    .await;
}

#[tokio::test]
async fn superoffice_rest_sessions_json() {
    sessions(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_rest_sessions_xml() {
    sessions(Fmt::Xml).await;
}
