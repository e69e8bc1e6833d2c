//! In-process tests of the app shell: health and fallback.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatwire_api::{AppState, HttpSettings, app};
use chatwire_engine::{Engine, EngineConfig};
use chatwire_store::memory::MemoryStore;
use tower::ServiceExt;

fn state(store: Arc<MemoryStore>) -> AppState {
    AppState::new(
        Engine::new(store, EngineConfig::default()),
        HttpSettings::default(),
    )
}

#[tokio::test]
async fn healthz_is_200_when_the_store_answers_and_503_when_it_does_not() {
    let store = Arc::new(MemoryStore::new());
    let app = app(state(store.clone()));
    let ok = app
        .clone()
        .oneshot(Request::get("/healthz").body(Body::empty()).expect("req"))
        .await
        .expect("resp");
    assert_eq!(ok.status(), StatusCode::OK);
    store.set_unavailable(true);
    let down = app
        .oneshot(Request::get("/healthz").body(Body::empty()).expect("req"))
        .await
        .expect("resp");
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn unknown_paths_are_404_with_an_error_body() {
    let app = app(state(Arc::new(MemoryStore::new())));
    let resp = app
        .oneshot(Request::get("/nope").body(Body::empty()).expect("req"))
        .await
        .expect("resp");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
        .await
        .expect("body");
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(
        json["error"]["internalCode"], 28,
        "LivePerson's unknown-URI code"
    );
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("null for uri"))
    );
}

async fn get_json(app: axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let resp = app
        .oneshot(
            Request::get(uri)
                .header("host", "chat.example.com")
                .body(Body::empty())
                .expect("req"),
        )
        .await
        .expect("resp");
    let status = resp.status();
    let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn domain_lookups_point_clients_at_this_server() {
    let store = Arc::new(MemoryStore::new());
    let state = state(store);
    state
        .engine
        .create_account("1000", "demo")
        .await
        .expect("account");
    let app = app(state);
    let (status, v) = get_json(
        app.clone(),
        "/api/account/1000/service/agentVep/baseURI.json?version=1.0",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        v,
        serde_json::json!({"service":"agentVep","account":"1000","baseURI":"chat.example.com"})
    );
    let (_, all) = get_json(
        app.clone(),
        "/csdr/account/1000/service/baseURI.json?version=1.0",
    )
    .await;
    assert_eq!(all["baseURIs"].as_array().map(Vec::len), Some(4));
    let (_, lp) = get_json(
        app.clone(),
        "/csdr/account/1000/service/adminArea/baseURI.lpCsds?version=1.0",
    )
    .await;
    assert_eq!(lp["ResultSet"]["lpData"][0]["lpServer"], "chat.example.com");
    let (status, v) = get_json(app.clone(), "/api/account/1000/service/nope/baseURI.json").await;
    assert_eq!(
        (status, v["error"]["internalCode"].as_i64()),
        (StatusCode::NOT_FOUND, Some(28))
    );
    let (status, _) = get_json(app, "/api/account/9999/service/agentVep/baseURI.json").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "unknown accounts are not found"
    );
}
