//! In-process tests of the landing page at `/`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chatwire_api::{AppState, HttpSettings, app};
use chatwire_engine::{Engine, EngineConfig};
use chatwire_store::memory::MemoryStore;
use tower::ServiceExt;

fn router() -> axum::Router {
    app(AppState::new(
        Engine::new(Arc::new(MemoryStore::new()), EngineConfig::default()),
        HttpSettings::default(),
    ))
}

#[tokio::test]
async fn the_root_is_an_html_page_naming_the_server_its_version_and_its_endpoints() {
    let resp = router()
        .oneshot(Request::get("/").body(Body::empty()).expect("req"))
        .await
        .expect("resp");
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers()[header::CONTENT_TYPE]
        .to_str()
        .expect("ascii");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
        .await
        .expect("body");
    let html = String::from_utf8(body.to_vec()).expect("utf-8");
    assert!(html.contains(&format!("version {}", env!("CARGO_PKG_VERSION"))));
    assert!(!html.contains("{{"), "every placeholder is filled");
    assert!(html.contains(r#"href="/healthz""#));
    assert!(html.contains(r#"href="/metrics""#));
    assert!(html.contains("LivePerson") && html.contains("SuperOffice"));
    for link in ["/console/", "/demo/", "/chatwire/v1/docs"] {
        assert!(html.contains(&format!(r#"href="{link}""#)), "{link}");
    }
}

#[tokio::test]
async fn head_on_the_root_answers_200_without_a_body() {
    let resp = router()
        .oneshot(
            Request::builder()
                .method(Method::HEAD)
                .uri("/")
                .body(Body::empty())
                .expect("req"),
        )
        .await
        .expect("resp");
    assert_eq!(resp.status(), StatusCode::OK);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
        .await
        .expect("body");
    assert!(body.is_empty());
}
