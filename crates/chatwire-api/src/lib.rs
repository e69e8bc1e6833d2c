//! chatwire's HTTP layer. [`app`] builds the whole router; tests call it directly.
//!
//! Map:
//! - [`state`]: [`AppState`], the engine plus the HTTP settings every handler can reach.
//! - [`base_url`]: [`BaseUrl`], the scheme and host absolute links are built from.
//! - [`error`]: [`ApiError`], mapping engine failures to statuses.
//! - [`trace`]: the access log line, request id and request metrics (route template, not raw
//!   path).
//! - [`metrics`]: `/metrics`, Prometheus text.
//! - [`landing`]: the page at `/` for people.
//! - [`liveperson`], [`superoffice`]: the two wire dialects.
//!
//! Handlers call the [`chatwire_engine::Engine`], never a store.

pub mod base_url;
pub mod error;
pub mod feed;
pub mod landing;
pub mod liveperson;
pub mod metrics;
pub mod negotiate;
pub mod state;
pub mod superoffice;
pub mod trace;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

pub use base_url::{BaseUrl, HttpSettings};
pub use error::ApiError;
pub use state::AppState;

/// The complete router over `state`.
pub fn app(state: AppState) -> Router {
    // The LivePerson router sits behind `compat::prepare`, which rewrites suffixes and method
    // overrides *before* routing; a router layer would run after route matching.
    let liveperson = tower::ServiceBuilder::new()
        .map_request(liveperson::compat::prepare)
        .service(
            liveperson::router()
                .layer(axum::middleware::from_fn(trace::record_route))
                .with_state(state.clone()),
        );
    Router::new()
        .route("/", get(landing::page))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics::scrape))
        .merge(feed::router())
        // SuperOffice paths (`/api/v1/…`, `/{account}/api/v1/…`) never match LivePerson's
        // (`/api/account/…`, `/csdr/…`); what they do not match falls through to LivePerson.
        .merge(superoffice::router())
        .fallback_service(liveperson)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            trace::access,
        ))
        .with_state(state)
}

/// `GET /healthz`: 200 when the store answers, 503 otherwise (load balancers take the node out).
async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.engine.health().await?;
    Ok("ok")
}

/// The status a bare `ApiError` would have; re-exported for dialect tests.
pub fn status_of(err: &ApiError) -> StatusCode {
    err.status()
}
