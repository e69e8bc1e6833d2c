//! LivePerson quirks applied around the dialect's router (spec §0, §1.7–§1.9):
//! - before routing: a `.json` / `.xml` suffix on the last path segment is stripped and picks
//!   the format (else `Accept`, else JSON); `POST` + `X-HTTP-Method-Override: PUT|DELETE`
//!   becomes that method. Routing then sees clean paths, and the query string (which clients
//!   fill with junk such as `??v=1` or `from=4?v=1`) is never part of routing;
//! - after the handler: any error becomes LivePerson's envelope
//!   `{"error":{"time","message","internalCode"}}` (or `<error>…</error>`) in that format.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::wire::{Elem, KeyStyle, to_json, to_xml};
use crate::http::around::{Around, Before};
use crate::http::error::{ApiError, ErrorDetails};
use crate::http::negotiate::Format;
use crate::http::time::iso_millis;

/// A last path segment's format suffix: `(stem, format)` for `chat.json` / `chat.xml` (the stem
/// may be empty), `None` without one. The one reading of the suffix, before routing and when a
/// limit answers before it.
pub fn format_suffix(segment: &str) -> Option<(&str, Format)> {
    [(".json", Format::Json), (".xml", Format::Xml)]
        .into_iter()
        .find_map(|(suffix, f)| segment.strip_suffix(suffix).map(|stem| (stem, f)))
}

/// Rewrites a request before routing (suffix → format, method override).
pub fn prepare(mut req: Request) -> Request {
    // Clients write `…/visitors/?v=1.0`: a trailing slash names the same resource.
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let pq = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_owned(),
        };
        if let Ok(pq) = pq.parse::<axum::http::uri::PathAndQuery>() {
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    let mut format = None;
    let path = req.uri().path();
    let last = path.rsplit('/').next().unwrap_or("");
    let stripped = format_suffix(last)
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(stem, f)| (path.len() - last.len() + stem.len(), f));
    if let Some((cut, f)) = stripped {
        format = Some(f);
        let new_path = &path[..cut];
        let pq = match req.uri().query() {
            Some(q) => format!("{new_path}?{q}"),
            None => new_path.to_owned(),
        };
        if let Ok(pq) = pq.parse::<axum::http::uri::PathAndQuery>() {
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    let format = format
        .or_else(|| Format::from_accept(req.headers()))
        .unwrap_or_default();
    req.extensions_mut().insert(format);
    if req.method() == Method::POST {
        let wanted = req
            .headers()
            .get("x-http-method-override")
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        match wanted.map(str::to_ascii_uppercase).as_deref() {
            Some("PUT") => *req.method_mut() = Method::PUT,
            Some("DELETE") => *req.method_mut() = Method::DELETE,
            _ => {}
        }
    }
    req
}

/// LivePerson `internalCode` per error: 10 is documented for an invalid CSRF token and 28 for an
/// unknown URI; the others are ours (documented in docs/liveperson.md).
fn internal_code(e: &ApiError) -> i64 {
    match e {
        ApiError::InvalidCsrf => 10,
        ApiError::NotFound(_) => 28,
        ApiError::BadRequest(_) | ApiError::InvalidField { .. } => 20,
        ApiError::Unauthorized(_) => 11,
        ApiError::Forbidden(_) => 13,
        ApiError::Conflict(_) => 30,
        ApiError::NotAcceptable => 21,
        ApiError::PayloadTooLarge => 22,
        ApiError::TooManyRequests { .. } => 29,
        ApiError::Busy { .. } => 51,
        ApiError::Unavailable => 50,
        ApiError::Internal => 1,
    }
}

/// The LivePerson error element.
pub fn error_elem(e: &ApiError, now_ms: i64) -> Elem {
    let mut elem = Elem::new("error")
        .field("time", iso_millis(chatwire_engine::core::Timestamp(now_ms)))
        .field("message", e.message())
        .field("internalCode", internal_code(e));
    if matches!(e, ApiError::InvalidCsrf | ApiError::Unauthorized(_)) {
        elem = elem.field("responseStatus", "UNAUTHORIZED");
    }
    elem
}

/// Renders an error response in LivePerson's envelope and the request's format.
pub fn render_error(e: &ApiError, format: Format) -> Response {
    let now = chrono::Utc::now().timestamp_millis();
    let elem = error_elem(e, now);
    let body = match format {
        Format::Json => to_json(&elem, KeyStyle::Attributes).to_string(),
        Format::Xml => to_xml(&elem),
    };
    let mut resp = (e.status(), body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    e.add_retry_after(&mut resp);
    resp
}

/// Marks a response whose body a LivePerson handler wrote on purpose (e.g. a 400
/// `{"transfer":{"errormsg":…}}`), so the error renderer leaves it alone.
#[derive(Debug, Clone, Copy)]
pub struct DialectBody;

/// Middleware: replaces any error response with the LivePerson envelope, in the format the
/// request asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderErrors;

impl Around for RenderErrors {
    type Carry = Format;

    fn before(&self, req: &mut Request) -> Before<Format> {
        Before::Go(
            req.extensions()
                .get::<Format>()
                .copied()
                .unwrap_or_default(),
        )
    }

    fn after(&self, format: Format, resp: Response) -> Response {
        match resp.extensions().get::<ErrorDetails>() {
            Some(details) => render_error(&details.error, format),
            None if resp.extensions().get::<DialectBody>().is_some() => resp,
            // Framework rejections (e.g. 405) carry no details: wrap them too.
            None if resp.status().is_client_error()
                && resp.status() != StatusCode::NOT_MODIFIED =>
            {
                let e = match resp.status() {
                    StatusCode::METHOD_NOT_ALLOWED => {
                        ApiError::NotFound("method not supported on this resource".into())
                    }
                    StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                    StatusCode::NOT_FOUND => ApiError::NotFound("no such resource".into()),
                    _ => ApiError::BadRequest("bad request".into()),
                };
                let mut out = render_error(&e, format);
                if resp.status() == StatusCode::METHOD_NOT_ALLOWED {
                    *out.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                }
                out
            }
            None => resp,
        }
    }
}

/// An empty-bodied response helper for handlers that answer with status only.
pub fn empty(status: StatusCode) -> Response {
    let mut resp = (status, Body::empty()).into_response();
    resp.extensions_mut().insert(DialectBody);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: Method, uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).expect("request")
    }

    #[test]
    fn json_suffix_is_stripped_before_the_query() {
        let r = prepare(req(
            Method::GET,
            "/api/account/1/agentSession/5/chat/K.json?from=4&v=1",
            &[],
        ));
        assert_eq!(r.uri().path(), "/api/account/1/agentSession/5/chat/K");
        assert_eq!(r.uri().query(), Some("from=4&v=1"));
        assert_eq!(r.extensions().get::<Format>(), Some(&Format::Json));
    }

    #[test]
    fn trailing_slashes_are_dropped() {
        let r = prepare(req(
            Method::POST,
            "/api/account/1/app/engagement/visitors/?v=1.0",
            &[],
        ));
        assert_eq!(r.uri().path(), "/api/account/1/app/engagement/visitors");
        assert_eq!(r.uri().query(), Some("v=1.0"));
    }

    #[test]
    fn xml_suffix_wins_over_accept() {
        let r = prepare(req(
            Method::GET,
            "/api/account/1/agentSession/5.xml",
            &[("accept", "application/json")],
        ));
        assert_eq!(r.uri().path(), "/api/account/1/agentSession/5");
        assert_eq!(r.extensions().get::<Format>(), Some(&Format::Xml));
    }

    #[test]
    fn other_extensions_are_left_for_the_404() {
        let r = prepare(req(Method::GET, "/api/account/1/chat.asdf", &[]));
        assert_eq!(r.uri().path(), "/api/account/1/chat.asdf");
    }

    #[test]
    fn method_override_turns_post_into_put_or_delete() {
        let r = prepare(req(
            Method::POST,
            "/x",
            &[("X-HTTP-Method-Override", "put")],
        ));
        assert_eq!(r.method(), Method::PUT);
        let r = prepare(req(
            Method::POST,
            "/x",
            &[("x-http-method-override", "DELETE")],
        ));
        assert_eq!(r.method(), Method::DELETE);
        let r = prepare(req(
            Method::GET,
            "/x",
            &[("x-http-method-override", "DELETE")],
        ));
        assert_eq!(r.method(), Method::GET, "only POST is overridden");
    }

    #[test]
    fn csrf_error_has_the_documented_body() {
        let e = error_elem(&ApiError::InvalidCsrf, 0);
        let v = to_json(&e, KeyStyle::Attributes);
        assert_eq!(v["error"]["internalCode"], 10);
        assert_eq!(v["error"]["responseStatus"], "UNAUTHORIZED");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("CSRF token invalid!"))
        );
    }
}
