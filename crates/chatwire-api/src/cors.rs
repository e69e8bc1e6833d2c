//! Cross-origin requests (CORS): which web pages of other sites may call this server from a
//! browser. Only the LivePerson visitor API (the Server Chat API the widget uses) may be
//! called cross-origin, and only from the origins the app key lists (`allowedOrigins`, admin
//! API); the engine decides that ([`chatwire_engine::Engine::origin_allowed`]). Every other
//! cross-origin request is refused with 403 in the caller's error format, which also stops a
//! foreign page from posting a form to the agent API. Requests without `Origin` (servers,
//! bots, the SDKs) and same-origin requests (the console, the demo page) pass untouched.
//!
//! The static files of the widget (`/widget.js`, `/ui/…`) are public and answered to any
//! origin by [`crate::web`]. docs/ui.md has the rules and why.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chatwire_engine::core::AccountId;

use crate::http::around::{Around, Before};
use crate::http::query::Query;
use crate::{ApiError, AppState};

/// Methods the visitor API uses (LivePerson clients also send `X-HTTP-Method-Override`).
const METHODS: &str = "GET, POST, PUT, DELETE";
/// Request headers a page may send.
const HEADERS: &str = "Authorization, Content-Type, Accept, X-HTTP-Method-Override";
/// Response headers a page may read: a new chat's address is in `Location`.
const EXPOSED: &str = "Location, ETag, Retry-After";
/// How long a browser may reuse a preflight answer, seconds (a revoked origin is refused by
/// the request itself at once; only the preflight is cached).
const MAX_AGE: &str = "600";

/// Middleware: answers preflights and refuses cross-origin requests the app key does not
/// allow; adds the CORS headers to the answers of allowed ones.
#[derive(Clone)]
pub struct Enforce(pub AppState);

impl Around for Enforce {
    /// The origin to allow on the answer; `None` when the request is not cross-origin.
    type Carry = Option<String>;

    fn before(&self, req: &mut Request) -> Before<Option<String>> {
        let state = &self.0;
        let Some(origin) = origin_of(req.headers()) else {
            return Before::Go(None);
        };
        if is_same_origin(state, req, &origin) || is_public_file(req.uri().path()) {
            return Before::Go(None);
        }
        let path = req.uri().path().to_owned();
        let preflight = req.method() == Method::OPTIONS
            && req
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let Some(account) = visitor_account(&path) else {
            return match decide(false, origin, &path, req.headers(), preflight) {
                Ok(origin) => Before::Go(origin),
                Err(answer) => Before::Answer(*answer),
            };
        };
        let query = Query::parse(req.uri().query().unwrap_or(""));
        // A preflight carries no credentials: only an `appKey` in its URL names a key.
        let key = crate::http::auth::app_key(req.headers(), &query, !preflight);
        // Only a cross-origin call of the visitor API waits for the engine, with copies of what
        // an answer needs; the routes get the request once it is allowed.
        let (engine, headers) = (state.engine.clone(), req.headers().clone());
        Before::Check(Box::pin(async move {
            let allowed = engine
                .origin_allowed(&account, key.as_deref(), &origin)
                .await
                .map_err(|e| refusal(&path, &headers, &e.into()))?;
            decide(allowed, origin, &path, &headers, preflight).map_err(|answer| *answer)
        }))
    }

    fn after(&self, origin: Option<String>, mut response: Response) -> Response {
        if let Some(origin) = origin {
            allow(response.headers_mut(), &origin);
        }
        response
    }
}

/// What a cross-origin request gets once it is known whether its origin is `allowed`: a
/// refusal, a preflight's answer, or `Ok` with the origin to allow on the routes' answer.
fn decide(
    allowed: bool,
    origin: String,
    path: &str,
    headers: &HeaderMap,
    preflight: bool,
) -> Result<Option<String>, Box<Response>> {
    if !allowed {
        let why = ApiError::Forbidden(format!(
            "origin {origin} may not call {path}: only the visitor API accepts cross-origin \
             requests, from the origins the app key allows (allowedOrigins)"
        ));
        let mut response = refusal(path, headers, &why);
        // A page of a refused origin may read why (no data is in it), so the widget can say
        // "this site is not allowed" instead of a bare network error. Only for a simple
        // request: a refused preflight stops the browser anyway.
        if !preflight && visitor_account(path).is_some() {
            allow(response.headers_mut(), &origin);
        }
        return Err(Box::new(response));
    }
    if preflight {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let h = response.headers_mut();
        allow(h, &origin);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(METHODS),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(HEADERS),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(MAX_AGE),
        );
        return Err(Box::new(response));
    }
    Ok(Some(origin))
}

/// The `Origin` header, when the browser sent one.
fn origin_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Whether `origin` is this server's own (browsers send `Origin` on same-origin POSTs too):
/// its host and port are the configured public URL's, or the request's own `Host` (or the
/// forwarded host from a trusted proxy). The scheme is not compared: behind a proxy that ends
/// TLS the server sees `http` while the page is `https`, and a page cannot choose the `Host`
/// its browser sends, so the host alone tells the console's own calls from another site's.
fn is_same_origin(state: &AppState, req: &Request, origin: &str) -> bool {
    let Some(origin_host) = host_of(origin) else {
        return false;
    };
    let matches = |base: &str| host_of(base).is_some_and(|h| h.eq_ignore_ascii_case(origin_host));
    if state.http.public_url.as_deref().is_some_and(matches) {
        return true;
    }
    let scheme = req
        .extensions()
        .get::<crate::base_url::ListenerScheme>()
        .map_or("http", |s| s.0);
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    crate::base_url::resolve(&state.http, peer, scheme, req.headers(), req.uri().host())
        .is_ok_and(|base| matches(&base.0))
}

/// `host[:port]` of `scheme://host[:port][/path]`, without a default port (`:80`, `:443`).
fn host_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let host = rest.split('/').next().unwrap_or(rest);
    let host = host
        .strip_suffix(":80")
        .or_else(|| host.strip_suffix(":443"))
        .unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// The widget's files, which any page may load.
fn is_public_file(path: &str) -> bool {
    path == "/widget.js" || path.starts_with("/ui/")
}

/// The account of a LivePerson visitor API path (`/api/account/{account}`, `…/chat/…`,
/// `…/app/engagement/visitors`, `…/conversation`), or `None` for every other path (agent
/// API, login, CSDS, SuperOffice, chatwire's own).
fn visitor_account(path: &str) -> Option<AccountId> {
    let rest = path.strip_prefix("/api/account/")?;
    let mut segments = rest.split('/');
    let account = segments.next()?;
    let account = account
        .strip_suffix(".json")
        .or_else(|| account.strip_suffix(".xml"))
        .unwrap_or(account);
    let visitor = match segments.next() {
        None | Some("") => true,
        Some(s) => {
            matches!(s, "chat" | "app" | "conversation")
                || [
                    "chat.json",
                    "chat.xml",
                    "conversation.json",
                    "conversation.xml",
                ]
                .contains(&s)
        }
    };
    (visitor && !account.is_empty())
        .then(|| chatwire_engine::Engine::parse_account(account).ok())
        .flatten()
}

/// `Access-Control-Allow-Origin` for one origin; answers differ per origin, so caches must
/// key on it.
fn allow(h: &mut HeaderMap, origin: &str) {
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED),
    );
}

fn refusal(path: &str, headers: &HeaderMap, e: &ApiError) -> Response {
    crate::limits::error_for(path, headers, e, e.status())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_visitor_paths_name_an_account() {
        let acc = |p: &str| visitor_account(p).map(|a| a.as_str().to_owned());
        assert_eq!(acc("/api/account/1000").as_deref(), Some("1000"));
        assert_eq!(
            acc("/api/account/1000/chat/request").as_deref(),
            Some("1000")
        );
        assert_eq!(
            acc("/api/account/1000/chat/abc/events").as_deref(),
            Some("1000")
        );
        assert_eq!(acc("/api/account/1000/chat.json").as_deref(), Some("1000"));
        assert_eq!(
            acc("/api/account/1000/conversation").as_deref(),
            Some("1000")
        );
        assert_eq!(
            acc("/api/account/1000/app/engagement/visitors").as_deref(),
            Some("1000")
        );
        assert_eq!(acc("/api/account/1000/agentSession/x/chat"), None);
        assert_eq!(acc("/api/account/1000/login"), None);
        assert_eq!(acc("/api/account/1000/service/x/baseURI"), None);
        assert_eq!(acc("/api/v1/Agents/Chat/GetChatTopic"), None);
        assert_eq!(acc("/chatwire/v1/accounts/1000/feed"), None);
    }

    #[test]
    fn same_origin_compares_host_and_port_not_the_scheme() {
        assert_eq!(
            host_of("https://chat.example.com"),
            Some("chat.example.com")
        );
        assert_eq!(
            host_of("http://chat.example.com:80/x"),
            Some("chat.example.com")
        );
        assert_eq!(
            host_of("https://chat.example.com:443"),
            Some("chat.example.com")
        );
        assert_eq!(host_of("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(host_of("null"), None);
        assert_eq!(host_of("https://"), None);
    }

    #[test]
    fn the_widget_files_are_public() {
        assert!(is_public_file("/widget.js"));
        assert!(is_public_file("/ui/widget/main.js"));
        assert!(!is_public_file("/console/"));
    }
}
