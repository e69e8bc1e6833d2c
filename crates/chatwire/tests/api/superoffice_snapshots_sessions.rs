//! Wire snapshots of the session methods of the SuperOffice agent API (helpers in
//! `superoffice_snapshots`): presence, sessions, pick-up, messages, transfers, reset,
//! transcripts, save / delete, in JSON and XML.

use serde_json::{Value, json};

use crate::superoffice_snapshots::{AGENT1, AGENT2, call, field};
use crate::wire_snap::{Fmt, Wire};

async fn session_methods(fmt: Fmt) {
    // Arrange: agent2 and agent1 Online; a LivePerson visitor asks for Sales.
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let chat = app.lp_request_chat("Sales").await;
    w.learn(chat.rsplit('/').next().expect("key"), "[CHAT_1]");
    let me = json!({"ChatPresence": [{"UserId": 0, "Present": true}]});

    // Act / Assert: every session method in the order an agent uses them.
    call(
        &w,
        "get_presence",
        AGENT2,
        "GetChatPresence",
        Value::Null,
        200,
    )
    .await;
    call(
        &w,
        "save_presence",
        AGENT2,
        "SaveChatPresence",
        me.clone(),
        204,
    )
    .await;
    let camel = json!({"chatPresence": [{"userId": 0, "present": true}]});
    call(
        &w,
        "save_presence_camel",
        AGENT1,
        "SaveChatPresence",
        camel,
        204,
    )
    .await;
    call(
        &w,
        "create_default_session",
        AGENT2,
        "CreateDefaultChatSessionEntity",
        Value::Null,
        200,
    )
    .await;
    call(
        &w,
        "sessions_for_user",
        AGENT2,
        "ChatSessionsForUser",
        Value::Null,
        200,
    )
    .await;
    let select = "ChatSessionsForUser?$select=ChatSessionId,Status,User/UserName";
    call(
        &w,
        "sessions_for_user_select",
        AGENT2,
        select,
        Value::Null,
        200,
    )
    .await;
    call(
        &w,
        "get_session",
        AGENT2,
        "GetChatSessionEntity?chatSessionEntityId=1",
        Value::Null,
        200,
    )
    .await;
    call(
        &w,
        "pick_up",
        AGENT2,
        "PickUpChatSession",
        json!({"ChatSessionId": 1}),
        200,
    )
    .await;
    call(
        &w,
        "pick_up_taken",
        AGENT2,
        "PickUpChatSession",
        json!({"chatSessionId": 1}),
        200,
    )
    .await;
    let line = json!({"ChatSessionId": 1, "Message": {"Message": "Hello <b>there</b>", "Type": "ToCustomer"}});
    let added = call(&w, "add_message", AGENT2, "AddChatMessage", line, 200).await;
    let url = json!({"chatSessionId": 1, "message": {"type": "Special", "specialType": "Url", "specialParam": "https://example.com/offer"}});
    call(
        &w,
        "add_message_url_camel",
        AGENT2,
        "AddChatMessage",
        url,
        200,
    )
    .await;
    call(
        &w,
        "get_messages",
        AGENT2,
        "GetChatMessages",
        json!({"ChatSessionId": 1, "After": 0}),
        200,
    )
    .await;
    let after = json!({"chatSessionId": 1, "after": field(&added, "ChatMessageId").parse::<i64>().expect("id")});
    call(
        &w,
        "get_messages_after_camel",
        AGENT2,
        "GetChatMessages",
        after,
        200,
    )
    .await;
    call(
        &w,
        "get_messages_select",
        AGENT2,
        "GetChatMessages?$select=ChatMessageId,Type",
        json!({"ChatSessionId": 1, "After": 0}),
        200,
    )
    .await;
    let to = json!({"ChatSessionId": 1, "ToAssociate": "agent1"});
    call(
        &w,
        "transfer",
        AGENT2,
        "TransferChatSession",
        to.clone(),
        200,
    )
    .await;
    call(
        &w,
        "reject_transfer",
        AGENT1,
        "RejectChatSessionTransfer",
        json!({"ChatSessionId": 1}),
        200,
    )
    .await;
    call(&w, "transfer_again", AGENT2, "TransferChatSession", to, 200).await;
    call(
        &w,
        "accept_transfer",
        AGENT1,
        "AcceptChatSessionTransfer",
        json!({"ChatSessionId": 1}),
        200,
    )
    .await;
    call(
        &w,
        "reset",
        AGENT1,
        "ResetChatSession",
        json!({"ChatSessionId": 1}),
        200,
    )
    .await;
    call(
        &w,
        "pick_up_first",
        AGENT2,
        "PickUpFirstChatSession",
        Value::Null,
        200,
    )
    .await;
    call(
        &w,
        "pick_up_first_nothing",
        AGENT2,
        "PickUpFirstChatSession",
        Value::Null,
        200,
    )
    .await;
    call(
        &w,
        "transcript_text",
        AGENT2,
        "GetChatTranscript",
        json!({"ChatSessionId": 1, "Html": false}),
        200,
    )
    .await;
    call(
        &w,
        "transcript_html",
        AGENT2,
        "GetChatTranscript",
        json!({"chatSessionId": 1, "html": true}),
        200,
    )
    .await;
    let new = json!({"ChatSessionId": 0, "TopicId": 1, "CustomerName": "Ada", "CustomerEmail": "ada@example.com"});
    let created = call(
        &w,
        "save_session_new",
        AGENT2,
        "SaveChatSessionEntity",
        new,
        200,
    )
    .await;
    let id: i64 = field(&created, "ChatSessionId").parse().expect("id");
    let rename = json!({"ChatSessionId": id, "CustomerName": "Ada L."});
    call(
        &w,
        "save_session_rename",
        AGENT2,
        "SaveChatSessionEntity",
        rename,
        200,
    )
    .await;
    call(
        &w,
        "session_for_topic",
        AGENT2,
        "CreateChatSessionForTopic",
        json!({"ChatTopicId": 1}),
        200,
    )
    .await;
    call(
        &w,
        "delete_session",
        AGENT2,
        "DeleteChatSessionEntity?ChatSessionEntityId=1",
        Value::Null,
        204,
    )
    .await;
    call(
        &w,
        "get_session_ended",
        AGENT2,
        "GetChatSessionEntity?chatsessionentityid=1",
        Value::Null,
        200,
    )
    .await;
}

#[tokio::test]
async fn superoffice_session_methods_json() {
    session_methods(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_session_methods_xml() {
    session_methods(Fmt::Xml).await;
}
