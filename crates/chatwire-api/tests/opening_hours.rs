//! Opening hours in a topic's time zone, across a daylight-saving change, on both dialects:
//! SuperOffice `IsWithinOpeningHours` and LivePerson's visitor availability, free slots and
//! estimated wait agree, on a clock moved by hand over Oslo's switch to summer time.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatwire_api::{AppState, HttpSettings, app};
use chatwire_engine::core::{AccountId, Availability, NewAppKey, Timestamp};
use chatwire_engine::{Engine, EngineConfig, ManualClock, NewAgentInput, NewSkillInput};
use chatwire_store::memory::MemoryStore;
use serde_json::{Value, json};
use tower::ServiceExt;

const BASIC: &str = "Basic YWdlbnQxOnB3"; // agent1:pw

/// Sunday 2024-03-24 07:30 UTC: 08:30 in Oslo (UTC+1), a week before summer time.
const WEEK_BEFORE: i64 = 1_711_265_400_000;
const HOUR: i64 = 3_600_000;

async fn send(app: &axum::Router, method: &str, uri: &str, body: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", BASIC)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(Body::from(body.to_owned()))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// What each dialect says about Sales now: SuperOffice open, LivePerson available, free
/// slots, estimated wait.
async fn both(app: &axum::Router, topic: i64) -> (Value, Value, Value, Value) {
    let body = json!({ "ChatTopicId": topic }).to_string();
    let (_, open) = send(
        app,
        "POST",
        "/api/v1/Agents/Chat/IsWithinOpeningHours",
        &body,
    )
    .await;
    let lp = |what: &str| format!("/api/account/1000/chat/{what}?skill=Sales&appKey=app-key-1&v=1");
    let (_, available) = send(app, "GET", &lp("availability"), "").await;
    let (_, slots) = send(app, "GET", &lp("availableSlots"), "").await;
    let (_, wait) = send(app, "GET", &lp("estimatedWaitTime"), "").await;
    (
        open,
        available["availability"].clone(),
        slots["availableSlots"].clone(),
        wait["estimatedWaitTime"].clone(),
    )
}

#[tokio::test]
async fn a_topic_in_oslo_opens_by_local_time_on_both_dialects_across_summer_time() {
    // Arrange: Sales with an Online agent (unlimited chats), open 08:00-16:00 every day in
    // Europe/Oslo, saved through SuperOffice.
    let clock = Arc::new(ManualClock::new(Timestamp(WEEK_BEFORE)));
    let engine = Engine::with_clock(
        Arc::new(MemoryStore::new()),
        EngineConfig::default(),
        clock.clone(),
    );
    let account = engine
        .create_account("1000", "demo")
        .await
        .expect("account")
        .id;
    let sales = NewSkillInput {
        name: "Sales".into(),
        ..NewSkillInput::default()
    };
    let topic = engine
        .create_skill(&account, sales)
        .await
        .expect("skill")
        .id
        .0;
    let input = NewAgentInput {
        login_name: "agent1".into(),
        password: "pw".into(),
        nickname: "a1".into(),
        display_name: "Agent 1".into(),
        email: String::new(),
        max_chats: -1,
        skills: vec!["Sales".into()],
        is_admin: true,
    };
    let agent = engine.create_agent(&account, input).await.expect("agent");
    engine
        .set_availability(&account, agent.id, Availability::Online)
        .await
        .expect("online");
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
    let app = app(AppState::new(engine, http));
    let mut hours = serde_json::Map::new();
    hours.insert("TzLocation".into(), json!({ "Name": "Europe/Oslo" }));
    for day in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
        hours.insert(format!("{day}Enabled"), json!(true));
        hours.insert(format!("{day}Start"), json!("08:00:00"));
        hours.insert(format!("{day}Stop"), json!("16:00:00"));
    }
    let save = json!({"ChatTopicId": topic, "OpeningHoursEnabled": true, "OpeningHours": hours});
    let (status, saved) = send(
        &app,
        "POST",
        "/api/v1/Agents/Chat/SaveChatTopicEntity",
        &save.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["OpeningHours"]["TzLocation"]["Name"], "Europe/Oslo");

    // Act / Assert: a week before the change, 07:30 UTC is 08:30 local and 15:30 UTC 16:30.
    let open = (json!(true), json!(true), json!(-1), json!(0));
    let closed = (json!(false), json!(false), json!(0), json!(-1));
    assert_eq!(both(&app, topic).await, open, "Sunday 08:30 CET");
    clock.advance_ms(8 * HOUR);
    assert_eq!(both(&app, topic).await, closed, "Sunday 16:30 CET");
    // After the change (Sunday 2024-03-31, UTC+2) the same local hours are an hour earlier
    // in UTC: 06:30 UTC is open, 14:30 UTC is closed, where a fixed UTC+1 would say the
    // opposite.
    clock.advance_ms(7 * 24 * HOUR - 9 * HOUR);
    assert_eq!(both(&app, topic).await, open, "Sunday 08:30 CEST");
    clock.advance_ms(8 * HOUR);
    assert_eq!(both(&app, topic).await, closed, "Sunday 16:30 CEST");

    // An unknown zone is refused in SuperOffice's envelope and changes nothing.
    let mut bad = save;
    bad["OpeningHours"]["TzLocation"] = json!({ "TZLocationCode": "NO" });
    let (status, err) = send(
        &app,
        "POST",
        "/api/v1/Agents/Chat/SaveChatTopicEntity",
        &bad.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["ErrorType"], "ArgumentException", "{err}");
    assert_eq!(both(&app, topic).await, closed);
}
