//! One engine, two dialects: a LivePerson visitor's chat is picked up and answered by a
//! SuperOffice agent (bearer from the LivePerson login), transferred to a LivePerson agent, and
//! both dialects agree on the conversation.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// `POST /api/v1/Agents/Chat/{method}` with `Authorization: {auth}` and a JSON body.
async fn so(app: &TestApp, auth: &str, method: &str, body: Value) -> (u16, Value) {
    let resp = app
        .client
        .post(format!("{}/api/v1/Agents/Chat/{method}", app.address))
        .header(AUTHORIZATION, auth)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// `(Type, Message)` of the customer-visible lines of a `GetChatMessages` answer.
fn so_lines(messages: &Value) -> Vec<(String, String)> {
    messages
        .as_array()
        .expect("array")
        .iter()
        .filter(|m| m["Type"] == "ToUser" || m["Type"] == "ToCustomer")
        .map(|m| {
            let side = if m["Type"] == "ToUser" {
                "visitor"
            } else {
                "agent"
            };
            (
                side.to_owned(),
                m["Message"].as_str().expect("text").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_liveperson_visitor_is_answered_by_a_superoffice_agent_and_both_dialects_agree() {
    // Arrange: a LivePerson visitor asks for Sales; agent2 works in SuperOffice with the bearer
    // of a LivePerson login; agent1 works in LivePerson.
    let app = spawn_app().await;
    let visitor_chat = app.lp_request_chat("Sales").await;
    let key = crate::lp::key_of(&visitor_chat).to_owned();
    let login: Value = app
        .lp_login_raw("agent2", "demo-pass")
        .await
        .json()
        .await
        .expect("login");
    let so_agent2 = format!("Bearer {}", login["bearer"].as_str().expect("bearer"));
    let agent1 = app.lp_agent("agent1").await;
    let (status, _) = so(
        &app,
        &so_agent2,
        "SaveChatPresence",
        json!({"chatPresence": [{"userId": 0, "present": true}]}),
    )
    .await;
    assert_eq!(status, 204);

    // Act 1: agent2 finds the session and picks it up; lines go both ways.
    let (_, sessions) = so(&app, &so_agent2, "ChatSessionsForUser", Value::Null).await;
    let session = sessions
        .as_array()
        .and_then(|s| s.iter().find(|s| s["SessionKey"] == json!(key)))
        .expect("the LivePerson chat is a SuperOffice session")
        .clone();
    assert_eq!(session["Status"], "InQueue");
    let id = session["ChatSessionId"].as_i64().expect("id");
    let (status, picked) = so(
        &app,
        &so_agent2,
        "PickUpChatSession",
        json!({"chatSessionId": id}),
    )
    .await;
    assert_eq!(status, 200, "{picked}");
    assert_eq!(picked["User"]["UserName"], "agent2");
    let (status, added) = so(
        &app,
        &so_agent2,
        "AddChatMessage",
        json!({"chatSessionId": id, "message": {"message": "Hello from SuperOffice", "type": "ToCustomer"}}),
    )
    .await;
    assert_eq!(status, 200, "{added}");
    let resp = app
        .client
        .post(format!("{visitor_chat}/events.json?v=1"))
        .header(AUTHORIZATION, "LivePerson appKey=demo-app-key")
        .json(&json!({"event": {"@type": "line", "text": "Hi from LivePerson"}}))
        .send()
        .await
        .expect("visitor line");
    assert_eq!(resp.status(), 201);
    let (_, after_mine) = so(
        &app,
        &so_agent2,
        "GetChatMessages",
        json!({"ChatSessionId": id, "After": added["ChatMessageId"]}),
    )
    .await;

    // Assert 1
    assert_eq!(
        so_lines(&after_mine),
        [("visitor".to_owned(), "Hi from LivePerson".to_owned())],
        "After returns exactly what came after the agent's message"
    );

    // Act 2: agent2 transfers to agent1, who accepts in LivePerson and answers.
    let (status, transferred) = so(
        &app,
        &so_agent2,
        "TransferChatSession",
        json!({"ChatSessionId": id, "ToAssociate": "agent1"}),
    )
    .await;
    assert_eq!(status, 200, "{transferred}");
    assert_eq!(transferred["Status"], "InQueue");
    assert_eq!(transferred["TransferTo"]["UserName"], "agent1");
    let (status, location, body) = app
        .lp_post(
            &agent1,
            &format!("{}/incomingRequests?v=1", agent1.session),
            json!({}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let agent1_chat = location.expect("chat location");
    let (status, _, _) = app
        .lp_post(
            &agent1,
            &format!("{agent1_chat}/events.json?v=1"),
            json!({"event": {"@type": "line", "text": "Agent 1 here"}}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, lp) = app
        .lp_get(
            &agent1,
            &format!(
                "{}/chat.json?chatSessionKeys={key}&fromEventIds=0&v=1",
                agent1.session
            ),
        )
        .await;
    let basic_agent1 = "Basic YWdlbnQxOmRlbW8tcGFzcw=="; // agent1:demo-pass
    let (_, so_all) = so(
        &app,
        basic_agent1,
        "GetChatMessages",
        json!({"ChatSessionId": id, "After": 0}),
    )
    .await;

    // Assert 2: the LivePerson retrieve and GetChatMessages tell the same conversation.
    assert_eq!(status, 200, "{lp}");
    let chat = &lp["chats"]["chat"];
    let chat = if chat.is_array() { &chat[0] } else { chat };
    let events = &chat["events"]["event"];
    let lp_lines: Vec<(String, String)> = events
        .as_array()
        .map(|a| a.to_vec())
        .unwrap_or_else(|| vec![events.clone()])
        .iter()
        .filter(|e| e["type"] == "line" && (e["source"] == "visitor" || e["source"] == "agent"))
        .filter(|e| e["subType"] != "ONLY_TO_REP")
        .map(|e| {
            (
                e["source"].as_str().expect("source").to_owned(),
                e["text"].as_str().expect("text").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("agent", "Hello from SuperOffice"),
        ("visitor", "Hi from LivePerson"),
        ("agent", "Agent 1 here"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(lp_lines, expected, "{lp}");
    assert_eq!(so_lines(&so_all), expected, "{so_all}");
    let specials: Vec<&str> = so_all
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|m| m["SpecialType"].as_str())
        .filter(|s| *s != "None")
        .collect();
    assert_eq!(
        specials,
        ["NewSession", "Welcome", "TransferedSession", "Welcome"]
    );
}
