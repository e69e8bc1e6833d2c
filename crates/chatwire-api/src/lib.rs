//! chatwire's HTTP layer. [`app`] builds the whole router; tests call it directly.
//!
//! Map:
//! - [`state`]: [`AppState`], the engine plus the HTTP settings every handler can reach.
//! - [`base_url`]: [`BaseUrl`], the scheme and host absolute links are built from.
//! - [`client_addr`]: the client's address (peer, or behind trusted proxies, forwarded).
//! - [`http`]: plumbing every surface shares: [`ApiError`] and the engine-failure → status
//!   mapping, content negotiation, credentials in headers, the query/form decoder, path
//!   parameters, time formats. No dialect imports another; they share this.
//! - [`trace`]: the access log line, request id and request metrics (route template, not raw
//!   path).
//! - [`metrics`]: `/metrics`, Prometheus text.
//! - [`landing`]: the page at `/` for people.
//! - [`web`]: the browser side (widget, agent console, demo page), embedded files.
//! - [`cors`]: which other sites' pages may call the visitor API (app key `allowedOrigins`).
//! - [`routes`]: [`RouteTable`], how routers are built and list their routes ([`routes()`]).
//! - [`limits`]: request size limits and the dialect of a path (errors outside the routers).
//! - [`liveperson`], [`superoffice`]: the two wire dialects; [`own`]: chatwire's own API
//!   (admin, history, statistics, OpenAPI) with [`feed`], its real-time part.
//! - [`webhook_payloads`]: webhook bodies by format (chatwire's own, SuperOffice's).
//!
//! Handlers call the [`chatwire_engine::Engine`], never a store.

pub mod base_url;
pub mod client_addr;
pub mod cors;
pub mod feed;
pub mod http;
pub mod landing;
pub mod limits;
pub mod liveperson;
pub mod metrics;
pub mod own;
pub mod routes;
pub mod state;
pub mod superoffice;
pub mod trace;
pub mod web;
pub mod webhook_payloads;

use crate::http::around::AroundLayer;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;

pub use base_url::{BaseUrl, HttpSettings};
pub use http::error::ApiError;
pub use routes::{Route, RouteTable};
pub use state::AppState;

/// The complete router over `state`.
pub fn app(state: AppState) -> Router {
    // The LivePerson router sits behind `compat::prepare`, which rewrites suffixes and method
    // overrides *before* routing; a router layer would run after route matching.
    let limits = state.limits;
    let liveperson = tower::ServiceBuilder::new()
        .map_request(liveperson::compat::prepare)
        .service(
            liveperson::router()
                .layer(
                    tower::ServiceBuilder::new()
                        .layer(AroundLayer(trace::RecordRoute))
                        .layer(DefaultBodyLimit::max(limits.liveperson_body_bytes)),
                )
                .with_state(state.clone()),
        );
    Router::new()
        .merge(own_table().into_router())
        .merge(web::table().into_router())
        .merge(own::table().into_router())
        .layer(DefaultBodyLimit::max(limits.chatwire_body_bytes))
        // SuperOffice paths (`/api/v1/…`, `/{account}/api/v1/…`) never match LivePerson's
        // (`/api/account/…`, `/csdr/…`); what they do not match falls through to LivePerson.
        .merge(superoffice::router().layer(DefaultBodyLimit::max(limits.superoffice_body_bytes)))
        .fallback_service(liveperson)
        // One layer of three, so that a request's futures are boxed once, not three times
        // (docs/performance.md, "Issue 18, session 17"). Outermost first: the access log, so
        // refusals of the others are logged and counted too; CORS before the limits, which
        // would answer an `OPTIONS` preflight with 405.
        .layer(
            tower::ServiceBuilder::new()
                .layer(AroundLayer(trace::Access(state.clone())))
                .layer(AroundLayer(cors::Enforce(state.clone())))
                .layer(AroundLayer(limits::Enforce(limits))),
        )
        .with_state(state)
}

/// The routes outside the dialects.
fn own_table() -> RouteTable {
    RouteTable::new()
        .get("/", landing::page)
        .get("/healthz", health)
        .get("/metrics", metrics::scrape)
}

/// Every route of [`app`] (method and path template), as its routers registered them.
pub fn routes() -> Vec<Route> {
    let mut all = own_table().into_routes();
    all.extend(web::table().into_routes());
    all.extend(own::table().into_routes());
    all.extend(superoffice::table().into_routes());
    all.extend(liveperson::table().into_routes());
    all
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
