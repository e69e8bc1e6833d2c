//! The browser side, served from files embedded at build time (`crates/chatwire-api/web/`):
//! `/widget.js` (the embed script a site puts on its pages), `/ui/…` (the modules and styles the
//! widget and the console load), `/console/` (agents and supervisors) and `/demo/` (a sample
//! shop page with the widget). The files are the source: plain ES modules, no build step, so
//! `cargo build` needs no Node.js (docs/ui.md says why).
//!
//! What it owns: content types, caching (an `ETag` from the file's hash, `no-cache` so an
//! upgrade is seen at once, 304 on a match) and the security headers of the pages. The data
//! the pages show comes from the public APIs only; nothing here reads the engine.

use std::borrow::Cow;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use rust_embed::RustEmbed;

use crate::AppState;
use crate::routes::RouteTable;

/// The embedded files, by their path under `web/`.
#[derive(RustEmbed)]
#[folder = "web/"]
struct Assets;

/// The pages' policy: everything from this server, nothing inline, no framing by other sites.
/// `connect-src` is this server too: the console and the demo page call its APIs.
const PAGE_CSP: &str = "default-src 'self'; img-src 'self' data:; media-src 'self' data:; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/// Every route of the browser side (public: the files hold no secret).
pub fn table() -> RouteTable {
    RouteTable::new()
        .get("/widget.js", widget_js)
        .get("/ui/{*path}", ui_file)
        .get("/console", to_console)
        .get("/console/", console_page)
        .get("/demo", to_demo)
        .get("/demo/", demo_page)
}

/// `GET /widget.js`.
async fn widget_js(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(&state, "widget.js", &headers)
}

/// `GET /ui/{path}`: the widget's and the console's modules, styles and sounds.
async fn ui_file(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(&state, &format!("ui/{path}"), &headers)
}

/// `GET /console/`.
async fn console_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(&state, "console/index.html", &headers)
}

/// `GET /demo/`.
async fn demo_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    serve(&state, "demo/index.html", &headers)
}

/// `GET /console`: relative links in the page need the trailing slash.
async fn to_console() -> Redirect {
    Redirect::permanent("/console/")
}

/// `GET /demo`.
async fn to_demo() -> Redirect {
    Redirect::permanent("/demo/")
}

/// A file's bytes and what the answer says about it.
struct File {
    data: Cow<'static, [u8]>,
    /// From the file's hash; none for a file read from the folder (it may change any time).
    etag: Option<String>,
    mime: Cow<'static, str>,
}

/// `path` from the configured folder (`server.web_dir`) or the built-in copy.
fn find(state: &AppState, path: &str) -> Option<File> {
    if !is_safe(path) {
        return None;
    }
    if let Some(dir) = &state.http.web_dir {
        let data = std::fs::read(dir.join(path)).ok()?;
        return Some(File {
            data: data.into(),
            etag: None,
            mime: mime_of(path).into(),
        });
    }
    let file = Assets::get(path)?;
    Some(File {
        etag: Some(format!("\"{}\"", hex(&file.metadata.sha256_hash()[..12]))),
        mime: file.metadata.mimetype().to_owned().into(),
        data: file.data,
    })
}

/// Whether a requested path stays inside the files: paths come from the URL (decoded), so no
/// `..`, empty, hidden (`.x`) or backslashed segment is served, in either mode.
fn is_safe(path: &str) -> bool {
    !path
        .split('/')
        .any(|s| s.is_empty() || s.starts_with('.') || s.contains('\\'))
}

fn mime_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html",
        "js" | "mjs" => "text/javascript",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// One file, or a 404 in chatwire's error format.
fn serve(state: &AppState, path: &str, request: &HeaderMap) -> Response {
    let Some(file) = find(state, path) else {
        return crate::ApiError::NotFound(format!("no file /{path}")).into_response();
    };
    let mut headers = HeaderMap::new();
    let mime = &*file.mime;
    // JavaScript modules must be served as JavaScript; every text type is UTF-8.
    let content_type = if mime.starts_with("text/") || mime.ends_with("javascript") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    };
    headers.insert(header::CONTENT_TYPE, value(&content_type));
    // `no-cache`: revalidate every time, so an upgraded server's files are used at once.
    let cache = if file.etag.is_some() {
        "no-cache"
    } else {
        "no-store"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(etag) = &file.etag {
        headers.insert(header::ETAG, value(etag));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if path.ends_with(".html") {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    } else {
        // Scripts, styles and sounds are loaded by pages of the customer's own sites (the
        // widget is a cross-origin module script there); they are public and carry no
        // credentials, so any origin may read them.
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    let matches = file.etag.as_ref().is_some_and(|etag| {
        request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    });
    if matches {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, file.data.into_owned()).into_response()
}

fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every embedded path (for tests: each one is served).
pub fn embedded_paths() -> Vec<String> {
    Assets::iter().map(|p| p.into_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn only_plain_relative_paths_are_served() {
        assert!(is_safe("ui/widget/main.js"));
        assert!(is_safe("console/index.html"));
        for bad in [
            "ui/../Cargo.toml",
            "../etc/passwd",
            "ui/..",
            "ui//x.js",
            "/etc/passwd",
            "ui/.hidden",
            "ui\\..\\x",
            "",
        ] {
            assert!(!is_safe(bad), "{bad:?}");
        }
    }
}
