//! The App Engagement call (`smt`) in-process: skill from consumer sections, availability, ids.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatwire_api::{AppState, HttpSettings, app};
use chatwire_engine::core::{AccountId, Availability};
use chatwire_engine::{Engine, EngineConfig, NewAgentInput, NewSkillInput};
use chatwire_store::memory::MemoryStore;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn post(app: axum::Router, body: Value) -> (StatusCode, Value) {
    let req = Request::post("/api/account/1000/app/engagement/visitors/?v=1.0")
        .header("host", "chat.example.com")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = app.oneshot(req).await.expect("response");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 16)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn engagement_picks_the_skill_from_consumer_sections_and_reports_availability() {
    // Arrange: Sales and Support, one Support agent who is Online.
    let engine = Engine::new(Arc::new(MemoryStore::new()), EngineConfig::default());
    let account = AccountId::parse("1000").expect("id");
    engine
        .create_account("1000", "demo")
        .await
        .expect("account");
    for name in ["Sales", "Support"] {
        engine
            .create_skill(
                &account,
                NewSkillInput {
                    name: name.into(),
                    ..NewSkillInput::default()
                },
            )
            .await
            .expect("skill");
    }
    let input = NewAgentInput {
        login_name: "a".into(),
        password: "p".into(),
        nickname: "A".into(),
        display_name: "A".into(),
        email: String::new(),
        max_chats: -1,
        skills: vec!["Support".into()],
        is_admin: false,
    };
    let agent = engine.create_agent(&account, input).await.expect("agent");
    engine
        .set_availability(&account, agent.id, Availability::Online)
        .await
        .expect("online");
    let app = app(AppState::new(engine, HttpSettings::default()));

    // Act + Assert: "Support" is served now; the ids come back for the chat request.
    let (status, v) = post(
        app.clone(),
        json!({"appType":"EXTERNAL","consumerSections":["Support","English"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["status"], "AVAILABLE");
    assert_eq!(v["engagementDetails"]["skillName"], "Support");
    assert!(v["visitorId"].as_str().is_some_and(|s| s.len() == 24) && v["sessionId"].is_string());
    assert!(
        v["engagementDetails"]["engagementId"].is_number()
            && v["engagementDetails"]["contextId"].is_string()
    );
    // "Sales" has nobody online: no engagement.
    let (_, v) = post(app.clone(), json!({"consumerSections":"Sales"})).await;
    assert_eq!(v["status"], "NOT_AVAILABLE");
    assert!(v.get("engagementDetails").is_none());
    let (status, _) = post(app, json!(["not", "an", "object"])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
