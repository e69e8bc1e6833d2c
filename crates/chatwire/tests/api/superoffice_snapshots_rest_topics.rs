//! Wire snapshots of the SuperOffice REST routes `/api/v1/ChatTopic…`, in JSON and XML
//! (helpers in `superoffice_snapshots` and `superoffice_snapshots_rest`).

use reqwest::Method;
use serde_json::json;

use crate::superoffice_snapshots::{AGENT1, AGENT2};
use crate::superoffice_snapshots_rest::{NONE, rest};
use crate::wire_snap::{Fmt, Wire};

async fn topics(fmt: Fmt) {
    // Arrange
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let (get, post) = (Method::GET, Method::POST);

    // Act / Assert
    rest(
        &w,
        "topic_default",
        AGENT1,
        (get.clone(), "ChatTopic/default"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "topic_get",
        AGENT2,
        (get.clone(), "ChatTopic/1"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "topic_get_select",
        AGENT2,
        (get.clone(), "ChatTopic/1?$select=Name"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "topics_for_user",
        AGENT2,
        (get.clone(), "ChatTopic/ForCurrentUser"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "topic_is_open",
        AGENT2,
        (get.clone(), "ChatTopic/1/IsOpen"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "user_agents",
        AGENT2,
        (
            get.clone(),
            "ChatTopic/UserAgents?flat=true&onlyPresent=false",
        ),
        NONE,
        200,
    )
    .await;
    let topic = json!({"Name": "Billing", "Description": "Invoices"});
    rest(
        &w,
        "topic_post",
        AGENT1,
        (post.clone(), "ChatTopic"),
        ("ChatTopicEntity", topic),
        200,
    )
    .await;
    let change = json!({"ChatTopicId": 3, "Name": "Billing & Co"});
    rest(
        &w,
        "topic_put",
        AGENT1,
        (Method::PUT, "ChatTopic/3"),
        ("ChatTopicEntity", change),
        200,
    )
    .await;
    let session = json!({"CustomerName": "Ada"});
    rest(
        &w,
        "topic_session_post",
        AGENT2,
        (post.clone(), "ChatTopic/1/Sessions"),
        ("ChatSessionEntity", session),
        200,
    )
    .await;
    rest(
        &w,
        "topic_sessions",
        AGENT2,
        (get.clone(), "ChatTopic/1/Sessions"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "topic_agents",
        AGENT1,
        (get.clone(), "ChatTopic/1/UserAgent"),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "topic_agent",
        AGENT1,
        (get, "ChatTopic/1/UserAgent/agent2"),
        NONE,
        200,
    )
    .await;
    let agent = json!({"User": {"UserName": "agent3"}, "CanRespond": true});
    rest(
        &w,
        "topic_agent_post",
        AGENT1,
        (post, "ChatTopic/3/UserAgent"),
        ("ChatTopicAgent", agent),
        200,
    )
    .await;
    let roles = json!({"CanRespond": false});
    rest(
        &w,
        "topic_agent_put",
        AGENT1,
        (Method::PUT, "ChatTopic/3/UserAgent/agent3"),
        ("ChatTopicAgent", roles),
        200,
    )
    .await;
    let all = json!([{"User": {"AssociateId": 2}}, {"User": {"UserName": "agent3"}}]);
    rest(
        &w,
        "topic_agents_put",
        AGENT1,
        (Method::PUT, "ChatTopic/3/UserAgent"),
        ("ArrayOfChatTopicAgent", all),
        200,
    )
    .await;
    rest(
        &w,
        "topic_agent_delete",
        AGENT1,
        (Method::DELETE, "ChatTopic/3/UserAgent/agent3"),
        NONE,
        204,
    )
    .await;
    rest(
        &w,
        "topic_delete",
        AGENT1,
        (Method::DELETE, "ChatTopic/3"),
        NONE,
        204,
    )
    .await;
}

#[tokio::test]
async fn superoffice_rest_topics_json() {
    topics(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_rest_topics_xml() {
    topics(Fmt::Xml).await;
}
