//! Wire snapshots of the SuperOffice session archive (the OData lists `GET ChatSession` and
//! `GET ChatTopic/{id}/Sessions`, the `Archive` link's target), in JSON and XML: archive rows
//! of open and ended sessions, `$filter` / `$orderby` / `$select`, a page with
//! `odata.nextLink`, and the 400s of a bad filter or column.

use reqwest::Method;
use serde_json::json;

use crate::superoffice_snapshots::{AGENT1, AGENT2};
use crate::superoffice_snapshots_rest::{NONE, rest};
use crate::wire_snap::{Fmt, Req, Wire};

async fn archive(fmt: Fmt) {
    // Arrange: agent2 present; session 1 (Sales, LivePerson visitor) picked up by agent2, a line, ended;
    // session 2 (Sales) waiting; session 3 opened over REST for "Ada", waiting.
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let (get, post) = (Method::GET, Method::POST);
    for n in 1..=2 {
        let chat = app.lp_request_chat("Sales").await;
        w.learn(
            chat.rsplit('/').next().expect("key"),
            &format!("[CHAT_{n}]"),
        );
    }
    let online = Req::new(post.clone(), "/api/v1/Presence/SaveAll")
        .header("authorization", AGENT2)
        .body(
            "application/json",
            json!([{"UserId": 0, "Present": true}]).to_string(),
        );
    assert_eq!(w.call(online).await.status, 204);
    let pick = w
        .call(
            Req::new(post.clone(), "/api/v1/ChatSession/1/Pickup").header("authorization", AGENT2),
        )
        .await;
    assert_eq!(pick.status, 200, "{}", pick.body);
    let line = w
        .call(
            Req::new(post.clone(), "/api/v1/ChatSession/1/Messages")
                .header("authorization", AGENT2)
                .body(
                    "application/json",
                    json!({"Message": "Hello Ada"}).to_string(),
                ),
        )
        .await;
    assert_eq!(line.status, 200, "{}", line.body);
    let end = w
        .call(Req::new(Method::DELETE, "/api/v1/ChatSession/1").header("authorization", AGENT2))
        .await;
    assert_eq!(end.status, 204, "{}", end.body);
    let ada = w
        .call(
            Req::new(post, "/api/v1/ChatSession")
                .header("authorization", AGENT2)
                .body(
                    "application/json",
                    json!({"TopicId": 1, "CustomerName": "Ada"}).to_string(),
                ),
        )
        .await;
    assert_eq!(ada.status, 200, "{}", ada.body);

    // Act / Assert
    rest(
        &w,
        "archive_list",
        AGENT2,
        (get.clone(), "ChatSession"),
        NONE,
        200,
    )
    .await;
    // Filtering or sorting on the customer name is an admin's (others see some sessions only
    // in outline, without the name).
    rest(
        &w,
        "archive_filter",
        AGENT1,
        (
            get.clone(),
            "ChatSession?$filter=status%20eq%20'Closed'%20or%20(customerName%20eq%20'Ada'%20and%20whenRequested%20ge%202000-01-01)\
             &$orderby=chatSessionId%20desc\
             &$select=chatSessionId,customerName,status,whenEnded,chatTopic/name,associate/userName,firstMessage,lastMessage",
        ),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "archive_page",
        AGENT1,
        (
            get.clone(),
            "ChatSession?$top=1&$skip=1&$select=chatSessionId,status",
        ),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "archive_topic_open",
        AGENT2,
        (
            get.clone(),
            "ChatTopic/1/Sessions?$filter=whenEnded%20eq%20null&$select=chatSessionId,whenStarted",
        ),
        NONE,
        200,
    )
    .await;
    rest(
        &w,
        "archive_error_400_filter",
        AGENT2,
        (
            get.clone(),
            "ChatSession?$filter=status%20eq%20'CustomerLast'",
        ),
        NONE,
        400,
    )
    .await;
    rest(
        &w,
        "archive_error_403_customer_name",
        AGENT2,
        (get.clone(), "ChatSession?$filter=customerName%20ge%20'A'"),
        NONE,
        403,
    )
    .await;
    rest(
        &w,
        "archive_error_400_select",
        AGENT2,
        (get, "ChatSession?$select=chatSessionId,nosuch"),
        NONE,
        400,
    )
    .await;
}

#[tokio::test]
async fn superoffice_archive_json() {
    archive(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_archive_xml() {
    archive(Fmt::Xml).await;
}
