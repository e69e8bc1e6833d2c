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
    assert_eq!(json["error"]["status"], 404);
}
