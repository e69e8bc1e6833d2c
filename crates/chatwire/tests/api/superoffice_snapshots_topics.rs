//! Wire snapshots of the topic methods of the SuperOffice agent API (helpers in
//! `superoffice_snapshots`): topic entities, opening hours, topics for the user, the user-agent
//! list and topic membership, in JSON and XML.

use serde_json::{Value, json};

use crate::superoffice_snapshots::{AGENT1, AGENT2, call};
use crate::wire_snap::{Fmt, Wire};

async fn topic_methods(fmt: Fmt) {
    // Arrange: agent2 Online (so OnlyPresent lists someone).
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let online = json!({"ChatPresence": [{"UserId": 0, "Present": true}]});
    let req = crate::superoffice_snapshots::so_req(
        &w,
        crate::wire_snap::Req::post("/api/v1/Agents/Chat/SaveChatPresence"),
        AGENT2,
        "request",
        &online,
    );
    assert_eq!(w.call(req).await.status, 204);
    let null = Value::Null;

    // Act / Assert
    call(
        &w,
        "create_default_topic_agent",
        AGENT1,
        "CreateDefaultChatTopicAgent",
        null.clone(),
        200,
    )
    .await;
    call(
        &w,
        "create_default_topic",
        AGENT1,
        "CreateDefaultChatTopicEntity",
        null.clone(),
        200,
    )
    .await;
    call(
        &w,
        "get_topic",
        AGENT2,
        "GetChatTopicEntity?chatTopicEntityId=1",
        null.clone(),
        200,
    )
    .await;
    let select =
        "GetChatTopicEntity?ChatTopicEntityId=1&$select=ChatTopicId,Name,OpeningHours/MonEnabled";
    call(&w, "get_topic_select", AGENT2, select, null.clone(), 200).await;
    call(
        &w,
        "topics_for_user",
        AGENT2,
        "ChatTopicsForUser",
        null.clone(),
        200,
    )
    .await;
    call(
        &w,
        "is_open",
        AGENT2,
        "IsWithinOpeningHours",
        json!({"chatTopicId": 1}),
        200,
    )
    .await;
    let topic = json!({"ChatTopicId": 0, "Name": "Billing", "Description": "Invoices", "WelcomeMessage": "Billing here."});
    call(
        &w,
        "save_topic_new",
        AGENT1,
        "SaveChatTopicEntity",
        topic,
        200,
    )
    .await;
    let change = json!({"ChatTopicId": 3, "Name": "Billing & Co"});
    call(
        &w,
        "save_topic_change",
        AGENT1,
        "SaveChatTopicEntity",
        change,
        200,
    )
    .await;
    call(
        &w,
        "user_agent_list",
        AGENT2,
        "GetUserAgentList",
        json!({"Flat": false, "OnlyPresent": false}),
        200,
    )
    .await;
    let flat = json!({"flat": true, "onlyPresent": true});
    call(
        &w,
        "user_agent_list_flat_present",
        AGENT2,
        "GetUserAgentList",
        flat,
        200,
    )
    .await;
    call(
        &w,
        "topic_agents",
        AGENT1,
        "GetChatTopicUserAgentList",
        json!({"ChatTopicId": 1}),
        200,
    )
    .await;
    let one = json!({"ChatTopicId": 1, "Username": "agent2"});
    call(&w, "topic_agent", AGENT1, "GetChatTopicUserAgent", one, 200).await;
    let add =
        json!({"ChatTopicId": 3, "Useragent": {"User": {"AssociateId": 2}, "CanRespond": true}});
    call(
        &w,
        "add_topic_agent",
        AGENT1,
        "AddChatTopicUserAgent",
        add,
        200,
    )
    .await;
    let update =
        json!({"chatTopicId": 3, "username": "agent2", "useragent": {"canRespond": false}});
    call(
        &w,
        "update_topic_agent_camel",
        AGENT1,
        "UpdateChatTopicUserAgent",
        update,
        200,
    )
    .await;
    let all = json!({"ChatTopicId": 3, "Useragents": [{"User": {"UserName": "agent2"}}, {"User": {"UserName": "agent3"}}]});
    call(
        &w,
        "update_topic_agents",
        AGENT1,
        "UpdateChatTopicUserAgents",
        all,
        200,
    )
    .await;
    let gone = json!({"ChatTopicId": 3, "Username": "agent3"});
    call(
        &w,
        "delete_topic_agent",
        AGENT1,
        "DeleteChatTopicUserAgent",
        gone,
        204,
    )
    .await;
    call(
        &w,
        "delete_topic",
        AGENT1,
        "DeleteChatTopicEntity?ChatTopicEntityId=3",
        null.clone(),
        204,
    )
    .await;
    call(
        &w,
        "error_404_topic",
        AGENT2,
        "GetChatTopicEntity?chatTopicEntityId=99",
        null.clone(),
        404,
    )
    .await;
    let not_admin = json!({"ChatTopicId": 1, "Username": "agent2"});
    call(
        &w,
        "error_403_topic_agent",
        AGENT2,
        "DeleteChatTopicUserAgent",
        not_admin,
        403,
    )
    .await;
}

#[tokio::test]
async fn superoffice_topic_methods_json() {
    topic_methods(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_topic_methods_xml() {
    topic_methods(Fmt::Xml).await;
}
