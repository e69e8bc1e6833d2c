//! In-process tests of the SuperOffice dialect's conventions: authentication, case-insensitive
//! JSON / XML / form bodies, `null` and empty bodies, `$select`, XML answers, 204s and the
//! error envelope; plus one pick-up flow over the agent methods and the REST routes.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatwire_api::{AppState, HttpSettings, app};
use chatwire_engine::core::{AccountId, NewAppKey};
use chatwire_engine::{Engine, EngineConfig, NewAgentInput, NewSkillInput};
use chatwire_store::memory::MemoryStore;
use serde_json::{Value, json};
use tower::ServiceExt;

const BASIC: &str = "Basic YWdlbnQxOnB3"; // agent1:pw

/// Account 1000 (the default account) with skill Sales, admin agent1 (Online) and agent2.
async fn setup() -> axum::Router {
    let engine = Engine::new(Arc::new(MemoryStore::new()), EngineConfig::default());
    let account = engine
        .create_account("1000", "demo")
        .await
        .expect("account")
        .id;
    let sales = NewSkillInput {
        name: "Sales".into(),
        welcome_message: "Welcome to Sales!".into(),
        ..NewSkillInput::default()
    };
    engine.create_skill(&account, sales).await.expect("skill");
    for (login, admin) in [("agent1", true), ("agent2", false)] {
        let input = NewAgentInput {
            login_name: login.into(),
            password: "pw".into(),
            nickname: format!("{login}-nick"),
            display_name: format!("Agent {login}"),
            email: String::new(),
            max_chats: 4,
            skills: vec!["Sales".into()],
            is_admin: admin,
        };
        engine.create_agent(&account, input).await.expect("agent");
    }
    let key = NewAppKey {
        key: "app-key-1".into(),
        account: AccountId::parse("1000").expect("id"),
        name: "app".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    engine.create_app_key(&key).await.expect("key");
    let http = HttpSettings {
        superoffice_default_account: "1000".into(),
        ..HttpSettings::default()
    };
    app(AppState::new(engine, http))
}

struct Resp {
    status: StatusCode,
    content_type: String,
    text: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }
}

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Resp {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body.to_owned())).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    Resp {
        status,
        content_type,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// `POST /api/v1/Agents/Chat/{method}` as agent1 with a JSON body.
async fn call(app: &axum::Router, method: &str, body: &str) -> Resp {
    let uri = format!("/api/v1/Agents/Chat/{method}");
    let headers = [
        ("authorization", BASIC),
        ("content-type", "application/json"),
    ];
    send(app, "POST", &uri, &headers, body).await
}

#[tokio::test]
async fn requests_without_valid_credentials_are_401_in_the_superoffice_envelope() {
    // Arrange
    let app = setup().await;
    let uri = "/api/v1/Agents/Chat/GetChatPresence";

    // Act
    let none = send(&app, "POST", uri, &[], "").await;
    let wrong = send(
        &app,
        "POST",
        uri,
        &[("authorization", "Basic YWdlbnQxOnd4")],
        "",
    )
    .await;
    let bad_app = send(
        &app,
        "POST",
        uri,
        &[("authorization", BASIC), ("so-apptoken", "nope")],
        "",
    )
    .await;
    let good_app = send(
        &app,
        "POST",
        uri,
        &[("authorization", BASIC), ("SO-AppToken", "app-key-1")],
        "",
    )
    .await;
    let xml = send(&app, "POST", uri, &[("accept", "application/xml")], "").await;

    // Assert
    for r in [&none, &wrong, &bad_app] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
        let v = r.json();
        assert_eq!(v["Error"], true);
        assert_eq!(v["ErrorType"], "UnauthorizedAccessException");
        assert!(v["ErrorMessage"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(v["ErrorSource"].is_string());
    }
    assert_eq!(good_app.status, StatusCode::OK, "{}", good_app.text);
    assert_eq!(xml.status, StatusCode::UNAUTHORIZED);
    assert!(xml.content_type.starts_with("application/xml"));
    assert!(
        xml.text
            .contains("<Error>true</Error><ErrorType>UnauthorizedAccessException</ErrorType>"),
        "{}",
        xml.text
    );
}

#[tokio::test]
async fn null_empty_camel_case_xml_and_form_bodies_are_all_understood() {
    // Arrange
    let app = setup().await;
    let open = call(&app, "CreateChatSessionForTopic", r#"{"ChatTopicId": 1}"#).await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.text);
    let id = open.json()["ChatSessionId"].as_i64().expect("id");

    // Act
    let null = call(&app, "GetChatPresence", "null").await;
    let empty = call(&app, "GetChatPresence", "").await;
    let camel = call(
        &app,
        "GetChatMessages",
        &format!(r#"{{"chatSessionId":{id},"after":0}}"#),
    )
    .await;
    let xml_body =
        format!("<request><ChatSessionId>{id}</ChatSessionId><After>0</After></request>");
    let xml = send(
        &app,
        "POST",
        "/api/v1/Agents/Chat/GetChatMessages",
        &[("authorization", BASIC), ("content-type", "text/xml")],
        &xml_body,
    )
    .await;
    let form = send(
        &app,
        "POST",
        "/api/v1/Agents/Chat/getchatmessages",
        &[
            ("authorization", BASIC),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        &format!("chatsessionid={id}&AFTER=0"),
    )
    .await;

    // Assert
    for r in [&null, &empty, &camel, &xml, &form] {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    assert_eq!(camel.json(), xml.json());
    assert_eq!(camel.json(), form.json());
    assert_eq!(
        camel.json()[0]["SpecialType"],
        "NewSession",
        "{}",
        camel.text
    );
}

#[tokio::test]
async fn a_session_is_picked_up_answered_and_read_after_a_cursor() {
    // Arrange
    let app = setup().await;
    let open = call(&app, "CreateChatSessionForTopic", r#"{"ChatTopicId": 1}"#).await;
    let id = open.json()["ChatSessionId"].as_i64().expect("id");
    assert_eq!(open.json()["Status"], "InQueue");
    let online = r#"{"ChatPresence":[{"UserId":0,"Present":true}]}"#;
    assert_eq!(
        call(&app, "SaveChatPresence", online).await.status,
        StatusCode::NO_CONTENT
    );

    // Act
    let picked = call(
        &app,
        "PickUpChatSession",
        &format!(r#"{{"ChatSessionId":{id}}}"#),
    )
    .await;
    let again = call(
        &app,
        "PickUpChatSession",
        &format!(r#"{{"ChatSessionId":{id}}}"#),
    )
    .await;
    let before = call(
        &app,
        "GetChatMessages",
        &format!(r#"{{"ChatSessionId":{id},"After":0}}"#),
    )
    .await;
    let cursor = before
        .json()
        .as_array()
        .and_then(|a| a.last())
        .map(|m| m["ChatMessageId"].clone());
    let added = call(
        &app,
        "AddChatMessage",
        &format!(r#"{{"chatSessionId":{id},"message":{{"message":"yo","type":"ToCustomer","author":"Agent"}}}}"#),
    )
    .await;
    let after = call(
        &app,
        "GetChatMessages",
        &format!(
            r#"{{"ChatSessionId":{id},"After":{}}}"#,
            cursor.expect("cursor")
        ),
    )
    .await;
    let refused = call(
        &app,
        "AddChatMessage",
        &format!(r#"{{"ChatSessionId":{id},"Message":{{"Message":"x","Type":"Invalid"}}}}"#),
    )
    .await;

    // Assert
    assert_eq!(picked.status, StatusCode::OK, "{}", picked.text);
    assert_eq!(picked.json()["Status"], "UserLast");
    assert_eq!(picked.json()["User"]["UserName"], "agent1");
    assert_eq!(
        again.text, "null",
        "a chat no longer in the queue picks up as null"
    );
    let welcome = before.json();
    assert!(
        welcome.as_array().is_some_and(|a| a
            .iter()
            .any(|m| m["Message"] == "Welcome to Sales!" && m["Type"] == "ToCustomer")),
        "{}",
        before.text
    );
    assert_eq!(added.json()["Message"], "yo");
    assert_eq!(added.json()["Type"], "ToCustomer");
    assert_eq!(
        after.json(),
        json!([added.json()]),
        "After returns exactly the new message"
    );
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["ErrorType"], "ArgumentException");
}

#[tokio::test]
async fn select_nulls_unselected_properties_and_xml_answers_use_carrier_elements() {
    // Arrange
    let app = setup().await;
    let open = call(&app, "CreateChatSessionForTopic", r#"{"ChatTopicId": 1}"#).await;
    let id = open.json()["ChatSessionId"].as_i64().expect("id");

    // Act
    let selected = send(
        &app,
        "POST",
        &format!("/api/v1/Agents/Chat/GetChatSessionEntity?chatSessionEntityId={id}&$select=status,TableRight/Mask"),
        &[("authorization", BASIC)],
        "null",
    )
    .await;
    let xml = send(
        &app,
        "POST",
        &format!("/1000/api/v1/Agents/Chat/GetChatSessionEntity?ChatSessionEntityId={id}"),
        &[("authorization", BASIC), ("accept", "application/xml")],
        "",
    )
    .await;

    // Assert
    let v = selected.json();
    assert_eq!(v["Status"], "InQueue");
    assert_eq!(v["ChatSessionId"], Value::Null);
    assert_eq!(
        v["TableRight"],
        json!({"Mask": "Select, Update, Insert, Delete", "Reason": null})
    );
    assert!(
        v.as_object()
            .is_some_and(|m| m.contains_key("CustomerName")),
        "keys stay"
    );
    assert_eq!(xml.status, StatusCode::OK, "{}", xml.text);
    assert!(
        xml.text.contains("<ChatSessionEntity xmlns="),
        "{}",
        xml.text
    );
    assert!(
        xml.text
            .contains(&format!("<ChatSessionId>{id}</ChatSessionId>"))
    );
    assert!(xml.text.contains("<User i:nil=\"true\" />"));
}

#[tokio::test]
async fn void_methods_answer_204_and_unknown_things_404() {
    // Arrange
    let app = setup().await;
    let open = call(&app, "CreateChatSessionForTopic", r#"{"ChatTopicId": 1}"#).await;
    let id = open.json()["ChatSessionId"].as_i64().expect("id");

    // Act
    let unknown_method = call(&app, "Nope", "").await;
    let unknown_session = call(
        &app,
        "GetChatMessages",
        r#"{"ChatSessionId":999,"After":0}"#,
    )
    .await;
    let unknown_account = send(
        &app,
        "POST",
        "/9999/api/v1/Agents/Chat/GetChatPresence",
        &[("authorization", BASIC)],
        "",
    )
    .await;
    let missing = call(&app, "GetChatMessages", "{}").await;
    let rest = send(
        &app,
        "GET",
        &format!("/api/v1/ChatSession/{id}"),
        &[("authorization", BASIC), ("host", "h")],
        "",
    )
    .await;
    let presence = send(
        &app,
        "POST",
        "/api/v1/Presence/SaveAll",
        &[
            ("authorization", BASIC),
            ("content-type", "application/json"),
        ],
        r#"[{"userId":0,"present":false}]"#,
    )
    .await;

    // Assert
    assert_eq!(unknown_method.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown_session.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown_session.json()["ErrorType"], "SoNotFoundException");
    assert_eq!(
        unknown_account.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        unknown_account.text
    );
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(rest.status, StatusCode::OK, "{}", rest.text);
    assert_eq!(
        rest.json()["_Links"]["Self"],
        format!("http://h/api/v1/ChatSession/{id}")
    );
    assert_eq!(presence.status, StatusCode::NO_CONTENT);
    assert!(presence.text.is_empty());
}

#[tokio::test]
async fn topics_are_updated_given_opening_hours_and_deleted() {
    // Arrange: a new topic.
    let app = setup().await;
    let created = call(
        &app,
        "SaveChatTopicEntity",
        r#"{"ChatTopicId":0,"Name":"Billing"}"#,
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let id = created.json()["ChatTopicId"].as_i64().expect("id");

    // Act: rename it and give it hours that are closed every day (all days disabled).
    let closed = r#"{"MonEnabled":false,"TueEnabled":false,"WedEnabled":false,"ThuEnabled":false,"FriEnabled":false,"SatEnabled":false,"SunEnabled":false}"#;
    let body = format!(
        r#"{{"chatTopicId":{id},"name":"Billing EU","openingHoursEnabled":true,"openingHours":{closed}}}"#
    );
    let saved = call(&app, "SaveChatTopicEntity", &body).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let v = saved.json();
    assert_eq!(
        (v["Name"].as_str(), v["OpeningHoursEnabled"].as_bool()),
        (Some("Billing EU"), Some(true))
    );
    assert_eq!(v["OpeningHours"]["MonEnabled"], false);
    let open = call(
        &app,
        "IsWithinOpeningHours",
        &format!(r#"{{"ChatTopicId":{id}}}"#),
    )
    .await;
    assert_eq!(open.text, "false", "closed every day");

    // Open all day, every day (ISO durations, as the TypeScript client sends them).
    let always = (["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
        .iter()
        .map(|d| format!(r#""{d}Enabled":true,"{d}Start":"PT0S","{d}Stop":"24:00:00""#))
        .collect::<Vec<_>>()
        .join(",");
    let body = format!(r#"{{"ChatTopicId":{id},"OpeningHours":{{{always}}}}}"#);
    assert_eq!(
        call(&app, "SaveChatTopicEntity", &body).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &app,
            "IsWithinOpeningHours",
            &format!(r#"{{"ChatTopicId":{id}}}"#)
        )
        .await
        .text,
        "true"
    );
    let bad = format!(r#"{{"ChatTopicId":{id},"OpeningHours":{{"MonStart":"noon"}}}}"#);
    assert_eq!(
        call(&app, "SaveChatTopicEntity", &bad).await.status,
        StatusCode::BAD_REQUEST
    );

    // Delete: 204, then gone.
    let uri = format!("/api/v1/Agents/Chat/DeleteChatTopicEntity?ChatTopicEntityId={id}");
    let deleted = send(&app, "POST", &uri, &[("authorization", BASIC)], "").await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let uri = format!("/api/v1/Agents/Chat/GetChatTopicEntity?chatTopicEntityId={id}");
    assert_eq!(
        send(&app, "POST", &uri, &[("authorization", BASIC)], "null")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn rest_patch_takes_json_patch_arrays_with_test_ops() {
    let app = setup().await;
    let created = call(
        &app,
        "SaveChatTopicEntity",
        r#"{"ChatTopicId":0,"Name":"Returns"}"#,
    )
    .await;
    let id = created.json()["ChatTopicId"].as_i64().expect("id");
    let uri = format!("/api/v1/ChatTopic/{id}");
    let headers = [
        ("authorization", BASIC),
        ("content-type", "application/json"),
        ("host", "localhost"),
    ];
    let ops = r#"[{"op":"test","path":"/Name","value":"Returns"},{"op":"replace","path":"/Name","value":"Returns EU"},{"op":"replace","path":"/WelcomeMessage","value":"Hi!"}]"#;
    let patched = send(&app, "PATCH", &uri, &headers, ops).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(
        (
            patched.json()["Name"].as_str(),
            patched.json()["WelcomeMessage"].as_str()
        ),
        (Some("Returns EU"), Some("Hi!"))
    );
    let stale = r#"[{"op":"test","path":"/Name","value":"Returns"},{"op":"replace","path":"/Name","value":"Oops"}]"#;
    let refused = send(&app, "PATCH", &uri, &headers, stale).await;
    assert_eq!(
        refused.status,
        StatusCode::CONFLICT,
        "a failed test op is 409"
    );
    assert_eq!(refused.json()["Error"], true);
    let moved = send(
        &app,
        "PATCH",
        &uri,
        &headers,
        r#"[{"op":"move","from":"/Name","path":"/Description"}]"#,
    )
    .await;
    assert_eq!(moved.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_new_session_with_a_bad_field_is_refused_before_anything_is_opened() {
    let app = setup().await;
    let bad = call(
        &app,
        "SaveChatSessionEntity",
        r#"{"ChatSessionId": 0, "TopicId": 1, "CustomerName": "Ada", "Rating": -1}"#,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    let list = send(
        &app,
        "GET",
        "/api/v1/ChatSession",
        &[
            ("authorization", BASIC),
            ("accept", "application/json"),
            ("host", "h"),
        ],
        "",
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.json()["value"], json!([]), "no session was opened");
}
