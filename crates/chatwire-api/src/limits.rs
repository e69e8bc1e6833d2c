//! Request limits checked before routing ([`RequestLimits`], [`Enforce`]) and the one place
//! that knows which dialect a path belongs to ([`dialect_of`], [`error_for`]), so a refusal made
//! outside a dialect's router (URI or head too large, a framework 405 on `/healthz`) still
//! answers in the caller's error format.
//!
//! Why a check here and not only hyper's: hyper answers heads over its own buffer limit with a
//! bare 431/414 and no body, before any of our code runs. The server gives hyper a larger
//! buffer (see `chatwire::conn`) and this layer refuses at the configured, smaller limit, with
//! a body the client can parse.
//!
//! What it must not do: decide anything about chats; it only measures requests.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::http::around::{Around, Before};
use crate::http::error::ApiError;
use crate::http::negotiate::Format;

/// Sizes a request may have; the server's `[limits]` settings fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// Longest request target (path and query), bytes; longer: 414.
    pub max_uri_bytes: usize,
    /// Largest request head (target plus every header name and value), bytes; larger: 431.
    pub max_header_bytes: usize,
    /// Most header fields; more: 431.
    pub max_headers: usize,
    /// Largest body on LivePerson routes, bytes; larger: 413.
    pub liveperson_body_bytes: usize,
    /// Largest body on SuperOffice routes, bytes; larger: 413.
    pub superoffice_body_bytes: usize,
    /// Largest body on chatwire's own routes (`/chatwire/…`, `/healthz`), bytes; larger: 413.
    pub chatwire_body_bytes: usize,
    /// Most `chatSessionKeys` in one LivePerson multi-chat request; more: 400.
    pub max_chat_session_keys: usize,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            // A 100-key multi-chat poll is ~6.5 KB of target (tests/api/limits.rs measures it).
            max_uri_bytes: 16 * 1024,
            max_header_bytes: 32 * 1024,
            max_headers: 100,
            liveperson_body_bytes: 256 * 1024,
            superoffice_body_bytes: 1024 * 1024,
            chatwire_body_bytes: 64 * 1024,
            max_chat_session_keys: 100,
        }
    }
}

/// Which error format a request gets, decided by its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `/api/account/…`, `/csdr/…`.
    LivePerson,
    /// `/api/v1/…`, `/{account}/api/v1/…`.
    SuperOffice,
    /// `/chatwire/…`, `/healthz` and anything else.
    Chatwire,
}

/// The dialect a path belongs to.
pub fn dialect_of(path: &str) -> Dialect {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next(), segments.next()) {
        (Some("api"), Some("v1"), _) | (Some(_), Some("api"), Some("v1")) => Dialect::SuperOffice,
        (Some("api"), Some("account"), _) | (Some("csdr"), _, _) => Dialect::LivePerson,
        _ => Dialect::Chatwire,
    }
}

/// `e` rendered as the error of the dialect `path` belongs to, in the format the request asks
/// for (LivePerson: `.xml`/`.json` suffix, else `Accept`; SuperOffice: `Accept`), with
/// `status` (which may differ from `e`'s own, e.g. 414 for a `BadRequest`).
pub fn error_for(path: &str, headers: &HeaderMap, e: &ApiError, status: StatusCode) -> Response {
    let accept = Format::from_accept(headers).unwrap_or_default();
    match dialect_of(path) {
        Dialect::LivePerson => {
            let last = path.rsplit('/').next().unwrap_or("");
            let format = crate::liveperson::compat::format_suffix(last).map_or(accept, |(_, f)| f);
            with_status(crate::liveperson::compat::render_error(e, format), status)
        }
        Dialect::SuperOffice => {
            with_status(crate::superoffice::compat::render_error(e, accept), status)
        }
        // The same envelope `ApiError` renders by default, with the status sent.
        Dialect::Chatwire => (status, axum::Json(e.chatwire_body(status))).into_response(),
    }
}

/// The size of a request head as the limits count it: the target plus every header's name
/// and value (separators not counted).
pub fn head_bytes(req: &Request) -> usize {
    let target = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    target
        + req
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len())
            .sum::<usize>()
}

/// Middleware: refuses requests over the head limits in the caller's dialect, and gives any
/// error answer that left the router without a body (a framework 405 outside the dialects)
/// the caller's error envelope, keeping its status.
#[derive(Debug, Clone, Copy)]
pub struct Enforce(pub RequestLimits);

impl Around for Enforce {
    /// Cheap clones (a shared buffer and one header value) kept only to render a bare error.
    type Carry = (Uri, Option<HeaderValue>);

    fn before(&self, req: &mut Request) -> Before<Self::Carry> {
        let limits = &self.0;
        let target_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
        let refusal = if target_len > limits.max_uri_bytes {
            Some((
                StatusCode::URI_TOO_LONG,
                format!(
                    "the request URI is {target_len} bytes, at most {} are accepted",
                    limits.max_uri_bytes
                ),
            ))
        } else if req.headers().len() > limits.max_headers {
            Some((
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!(
                    "the request has {} header fields, at most {} are accepted",
                    req.headers().len(),
                    limits.max_headers
                ),
            ))
        } else {
            let head = head_bytes(req);
            (head > limits.max_header_bytes).then(|| {
                (
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    format!(
                        "the request head is {head} bytes, at most {} are accepted",
                        limits.max_header_bytes
                    ),
                )
            })
        };
        if let Some((status, message)) = refusal {
            let e = ApiError::BadRequest(message);
            return Before::Answer(error_for(req.uri().path(), req.headers(), &e, status));
        }
        Before::Go((
            req.uri().clone(),
            req.headers().get(header::ACCEPT).cloned(),
        ))
    }

    fn after(&self, (uri, accept): Self::Carry, resp: Response) -> Response {
        let status = resp.status();
        if (status.is_client_error() || status.is_server_error())
            && !resp.headers().contains_key(header::CONTENT_TYPE)
        {
            let mut headers = HeaderMap::new();
            if let Some(a) = accept {
                headers.insert(header::ACCEPT, a);
            }
            let e = ApiError::of_bare_status(status);
            let mut out = error_for(uri.path(), &headers, &e, status);
            // Keep what the original answer said about how to proceed (`Allow` on a 405).
            for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
                if let Some(v) = resp.headers().get(&name) {
                    out.headers_mut().insert(name, v.clone());
                }
            }
            return out;
        }
        resp
    }
}

fn with_status(mut resp: Response, status: StatusCode) -> Response {
    *resp.status_mut() = status;
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_their_dialect() {
        assert_eq!(
            dialect_of("/api/v1/Agents/Chat/GetChatTopic"),
            Dialect::SuperOffice
        );
        assert_eq!(
            dialect_of("/Cust1/api/v1/ChatSession/1"),
            Dialect::SuperOffice
        );
        assert_eq!(dialect_of("/api/account/1/login"), Dialect::LivePerson);
        assert_eq!(
            dialect_of("/csdr/account/1/service/x/baseURI"),
            Dialect::LivePerson
        );
        assert_eq!(
            dialect_of("/chatwire/v1/accounts/1/feed"),
            Dialect::Chatwire
        );
        assert_eq!(dialect_of("/healthz"), Dialect::Chatwire);
        assert_eq!(dialect_of("/"), Dialect::Chatwire);
    }

    #[test]
    fn a_liveperson_xml_suffix_picks_the_xml_envelope() {
        let resp = error_for(
            "/api/account/1/chat/x.xml",
            &HeaderMap::new(),
            &ApiError::BadRequest("x".into()),
            StatusCode::URI_TOO_LONG,
        );
        assert_eq!(resp.status(), StatusCode::URI_TOO_LONG);
        let ct = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        assert_eq!(ct, Some(Format::Xml.content_type()));
    }
}
