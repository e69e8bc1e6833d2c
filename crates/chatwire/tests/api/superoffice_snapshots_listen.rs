//! Wire snapshots, in JSON and in XML, of SuperOffice's "listen in": an admin (a topic
//! manager) reads the messages of a session another agent handles, without taking it; after
//! joining the chat to write (the LivePerson collaboration channel) their `AddChatMessage`
//! reaches the customer; an agent who is not a supervisor may not write; the handling agent's
//! messages show the supervisor's line and nothing of the joining.

use serde_json::json;

use crate::helpers::spawn_app;
use crate::liveperson_snapshots::Q;
use crate::superoffice_snapshots::{AGENT1, AGENT2, call, field};
use crate::wire_snap::{Fmt, Wire};

/// agent3 (Support, not an admin).
const AGENT3: &str = "Basic YWdlbnQzOmRlbW8tcGFzcw==";

async fn listen_in(fmt: Fmt) {
    // Arrange: a LivePerson visitor's Sales chat, accepted by agent2 in LivePerson.
    let app = spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let visitor = app.lp_request_chat("Sales").await;
    w.learn_chat(crate::lp::key_of(&visitor), "A");
    let agent2 = app.lp_agent("agent2").await;
    let (status, _, _) = app
        .lp_post(
            &agent2,
            &format!("{}/incomingRequests", agent2.session),
            json!({}),
        )
        .await;
    assert_eq!(status, 201);
    let ex = call(
        &w,
        "listen_in_sessions_of_the_handler",
        AGENT2,
        "ChatSessionsForUser",
        json!(null),
        200,
    )
    .await;
    let id: i64 = field(&ex, "ChatSessionId").parse().expect("session id");

    // Act + Assert: the admin listens (reads) without taking the chat.
    let read = json!({"ChatSessionId": id, "After": 0});
    call(
        &w,
        "listen_in_admin_reads",
        AGENT1,
        "GetChatMessages",
        read.clone(),
        200,
    )
    .await;
    let say = |text: &str| json!({"ChatSessionId": id, "Message": {"Message": text, "Type": "ToCustomer"}});
    call(
        &w,
        "error_403_listen_in_before_joining_to_write",
        AGENT1,
        "AddChatMessage",
        say("hello"),
        403,
    )
    .await;

    // The admin joins to write (LivePerson collaboration channel), then writes in SuperOffice.
    let agent1 = app.lp_agent("agent1").await;
    let key = crate::lp::key_of(&visitor).to_owned();
    let (status, _, _) = app
        .lp_post(
            &agent1,
            &format!(
                "{}/chat/{key}/collaborationChannels.json?{Q}",
                agent1.session
            ),
            json!({"collaborationChannel": {"mode": "write"}}),
        )
        .await;
    assert_eq!(status, 201);
    call(
        &w,
        "listen_in_supervisor_writes",
        AGENT1,
        "AddChatMessage",
        say("A supervisor here."),
        200,
    )
    .await;
    call(
        &w,
        "error_403_listen_in_not_a_supervisor",
        AGENT3,
        "AddChatMessage",
        say("me too"),
        403,
    )
    .await;
    call(
        &w,
        "listen_in_handler_reads",
        AGENT2,
        "GetChatMessages",
        read,
        200,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn listen_in_matches_the_json_snapshots() {
    listen_in(Fmt::Json).await;
}

#[tokio::test]
async fn listen_in_matches_the_xml_snapshots() {
    listen_in(Fmt::Xml).await;
}
