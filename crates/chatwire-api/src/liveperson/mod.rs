//! The LivePerson legacy chat dialect: Login API, Chat Agent API and (later) Server Chat API.
//!
//! Map: `compat` (suffixes, method override, error envelope), `wire` (XML infoset ↔ JSON/XML),
//! `body` (request decoding), `reply` (responses), `types` (LivePerson shapes of engine values).

pub mod body;
pub mod compat;
pub mod domain;
pub mod reply;
pub mod types;
pub mod wire;

use axum::Router;
use axum::routing::get;

use crate::AppState;

/// The LivePerson routes (paths as clients send them, after `compat::prepare`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/account/{account}/service/{service}/baseURI", get(domain::get_service_base_uri))
        .route("/csdr/account/{account}/service/baseURI", get(domain::get_all_base_uris))
        .route("/csdr/account/{account}/service/{service}/baseURI", get(domain::get_service_base_uri))
        .route("/csdr/account/{account}/service/{service}/baseURI.lpCsds", get(domain::get_lpcsds))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(compat::render_errors))
}

/// LivePerson's answer to an unknown URI (internal code 28, "null for uri").
async fn not_found(uri: axum::http::Uri) -> crate::ApiError {
    crate::ApiError::NotFound(format!("null for uri: {uri}"))
}
