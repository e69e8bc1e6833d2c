//! The access layer: one log line and one metrics sample per request, and a request id.
//!
//! The line (`info`, target `chatwire::access`) carries the method, the route template
//! (`MatchedPath`: `/api/account/{account}/chat/{chat}`, never the raw path, so no chat keys,
//! no query string and no app keys), the status, the duration in milliseconds and the request
//! id. No header is logged (Authorization holds credentials). Probes (`/healthz`, `/metrics`)
//! log at `debug` so a load balancer polling every second does not drown the log.
//!
//! The request id is the caller's `X-Request-Id` when it is a short token (so a proxy's id
//! follows the request through), otherwise one generated here; it is returned in the response
//! and set on the request span, so every line logged while handling the request carries it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method};
use axum::response::Response;
use tracing::Span;

use crate::AppState;
use crate::http::around::{Around, Before};

/// The request id header, in and out.
pub const REQUEST_ID: &str = "x-request-id";

/// Longest caller-supplied request id kept.
const MAX_REQUEST_ID: usize = 64;

/// Request ids of this process: a random prefix (ids of two nodes differ) and a counter.
#[derive(Debug)]
pub struct RequestIds {
    prefix: String,
    next: AtomicU64,
}

impl RequestIds {
    /// Ids `{prefix}-1`, `{prefix}-2`, …
    pub fn new(prefix: String) -> Self {
        Self {
            prefix,
            next: AtomicU64::new(1),
        }
    }

    /// The caller's id when usable, else a new one.
    fn for_request(&self, given: Option<&HeaderValue>) -> String {
        match given.and_then(|v| v.to_str().ok()) {
            Some(id) if is_token(id) => id.to_owned(),
            _ => format!(
                "{}-{}",
                self.prefix,
                self.next.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }
}

/// 1-64 of `A-Z a-z 0-9 - _ . :`: enough for UUIDs and proxies' ids, nothing that could
/// forge a log line.
fn is_token(id: &str) -> bool {
    (1..=MAX_REQUEST_ID).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The route template a nested router matched, carried out on the response (the LivePerson
/// router runs as the fallback service, so the outer layer never sees its `MatchedPath`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordRoute;

impl Around for RecordRoute {
    type Carry = Option<MatchedPath>;

    fn before(&self, request: &mut Request) -> Before<Self::Carry> {
        Before::Go(request.extensions().get::<MatchedPath>().cloned())
    }

    fn after(&self, route: Self::Carry, mut response: Response) -> Response {
        if let Some(route) = route {
            response.extensions_mut().insert(route);
        }
        response
    }
}

/// The access layer (see the module docs); the outermost of the app.
#[derive(Clone)]
pub struct Access(pub AppState);

/// What the access layer keeps of a request while the routes run.
pub struct Started {
    started: Instant,
    method: Method,
    outer_route: Option<MatchedPath>,
    id: String,
}

impl Around for Access {
    type Carry = Started;

    fn before(&self, request: &mut Request) -> Before<Started> {
        let started = Instant::now();
        let id = self
            .0
            .request_ids
            .for_request(request.headers().get(REQUEST_ID));
        Before::Go(Started {
            started,
            method: request.method().clone(),
            outer_route: request.extensions().get::<MatchedPath>().cloned(),
            id,
        })
    }

    /// Every line logged while the routes run carries the request id.
    fn span(&self, carry: &Started) -> Span {
        tracing::info_span!("request", request_id = %carry.id)
    }

    fn after(&self, carry: Started, mut response: Response) -> Response {
        let Started {
            started,
            method,
            outer_route,
            id,
        } = carry;
        let elapsed = started.elapsed();
        let route = outer_route
            .as_ref()
            .or_else(|| response.extensions().get::<MatchedPath>())
            .map_or("unmatched", MatchedPath::as_str)
            .to_owned();
        let status = response.status().as_u16();
        self.0
            .metrics
            .record_request(method.as_str(), &route, status, elapsed);
        let ms = elapsed.as_secs_f64() * 1000.0;
        if route == "/healthz" || route == "/metrics" {
            tracing::debug!(target: "chatwire::access", %method, %route, status, ms, request_id = %id, "request");
        } else {
            tracing::info!(target: "chatwire::access", %method, %route, status, ms, request_id = %id, "request");
        }
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callers_short_token_id_is_kept_and_anything_else_replaced() {
        let ids = RequestIds::new("n1".into());
        let keep = HeaderValue::from_static("3f2a-9c:proxy.7");
        assert_eq!(ids.for_request(Some(&keep)), "3f2a-9c:proxy.7");
        let forged = HeaderValue::from_static("x status=200");
        assert_eq!(ids.for_request(Some(&forged)), "n1-1");
        let long = HeaderValue::from_str(&"a".repeat(65)).expect("header");
        assert_eq!(ids.for_request(Some(&long)), "n1-2");
        assert_eq!(ids.for_request(None), "n1-3");
    }
}
