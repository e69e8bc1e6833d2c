//! `GET /` (and `HEAD /`): a small static page for a person who opens the server in a browser:
//! what it is, its version, where the APIs and the operational endpoints are. No state, no
//! database: it answers even when the store does not.

use axum::http::header;
use axum::response::{Html, IntoResponse};

/// The page, with `{{version}}` where the crate version goes.
const PAGE: &str = include_str!("assets/landing.html");

/// The landing page. Rendered per request: one `replace` on a 1.5 kB page costs less than
/// keeping a rendered copy anywhere.
pub async fn page() -> impl IntoResponse {
    (
        // Browsers should revalidate: the version on it changes with an upgrade.
        [(header::CACHE_CONTROL, "no-cache")],
        Html(PAGE.replace("{{version}}", env!("CARGO_PKG_VERSION"))),
    )
}
