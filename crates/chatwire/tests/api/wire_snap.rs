//! Wire snapshots of LivePerson exchanges: [`Wire`] sends one request in one format (JSON or
//! XML) and records it, with the response's status, headers and body, as an `insta` file
//! snapshot under `tests/api/snapshots/`.
//!
//! Every dynamic value is normalised by `insta` regex filters: values this test learnt (server
//! address, bearer, agent-session ids, chat keys) become named placeholders, and the rest
//! (times, epoch milliseconds, visitor ids, `rtSessionId`, …) generic ones. A placeholder
//! replaces only the value, so quotes stay: `"wsuk": "[WSUK]"` is a string on the wire,
//! `"visitorId": [VISITOR_ID]` a number. Everything else (key order, `@` keys, value types,
//! XML attributes) is kept verbatim: the snapshots are the wire contract.
//!
//! JSON bodies are pretty-printed after checking that parsing and re-serialising gives back the
//! exact bytes sent (so no duplicate keys or number forms are hidden); XML bodies, sent on one
//! line, get a line break between adjacent tags and nothing else.

use std::cell::RefCell;

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::helpers::TestApp;

/// The two wire formats every method is snapshotted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fmt {
    /// JSON (`.json` suffix or `Accept: application/json`).
    Json,
    /// XML (`.xml` suffix or `Accept: application/xml`).
    Xml,
}

impl Fmt {
    /// `json` / `xml`: the path suffix and the snapshot suffix.
    pub(crate) const fn ext(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Xml => "xml",
        }
    }

    /// The media type for `Accept` and `Content-Type`.
    pub(crate) const fn mime(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Xml => "application/xml",
        }
    }
}

/// One request to send.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    method: Method,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
}

impl Req {
    /// A request without body or headers.
    pub(crate) fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// `GET url`.
    pub(crate) fn get(url: impl Into<String>) -> Self {
        Self::new(Method::GET, url)
    }

    /// `POST url`.
    pub(crate) fn post(url: impl Into<String>) -> Self {
        Self::new(Method::POST, url)
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// `Authorization: Bearer {bearer}`.
    pub(crate) fn bearer(self, bearer: &str) -> Self {
        self.header("authorization", format!("Bearer {bearer}"))
    }

    /// `Accept` for a format (for URLs without a suffix).
    pub(crate) fn accept(self, fmt: Fmt) -> Self {
        self.header("accept", fmt.mime())
    }

    /// A body with its `Content-Type`.
    pub(crate) fn body(mut self, content_type: &str, body: impl Into<String>) -> Self {
        self.headers.push(("content-type", content_type.to_owned()));
        self.body = Some(body.into());
        self
    }
}

/// A response, read in full, with the request that caused it (as text).
#[derive(Debug)]
pub(crate) struct Exchange {
    /// What was sent.
    pub(crate) request: String,
    /// Status code.
    pub(crate) status: u16,
    /// Response headers.
    pub(crate) headers: HeaderMap,
    /// Response body as sent.
    pub(crate) body: String,
}

impl Exchange {
    /// A response header as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Location` header.
    pub(crate) fn location(&self) -> String {
        self.header("location").expect("Location header").to_owned()
    }

    /// The body as JSON (panics on anything else).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The text of the first `<name>` element (XML) or `"name"` value (JSON) in the body.
    pub(crate) fn field(&self, name: &str) -> String {
        let xml = regex::Regex::new(&format!("<{name}>([^<]*)</{name}>")).expect("regex");
        let json = regex::Regex::new(&format!(r#""{name}":"([^"]*)""#)).expect("regex");
        xml.captures(&self.body)
            .or_else(|| json.captures(&self.body))
            .map(|c| c[1].to_owned())
            .unwrap_or_else(|| panic!("no {name} in {}", self.body))
    }
}

/// Sends requests in one format and snapshots them.
pub(crate) struct Wire<'a> {
    /// The server.
    pub(crate) app: &'a TestApp,
    /// The format of this run.
    pub(crate) fmt: Fmt,
    /// Literal value → placeholder, applied before the generic filters.
    known: RefCell<Vec<(String, String)>>,
    /// The dialect: snapshot names are `{prefix}_{name}`.
    prefix: &'static str,
    /// The dialect's own filters, after the generic ones.
    extra: &'static [(&'static str, &'static str)],
}

/// Generic filters, after the known values: (regex, replacement).
const GENERIC: &[(&str, &str)] = &[
    (
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?[+-]\d{2}:\d{2}",
        "[TIME]",
    ),
    (r"H\d{19}-[0-9a-f]{32}K\d{7}", "[CHAT_KEY]"),
    (r"H\d{19}K\d{7}", "[VISIT_ID]"),
    (r"/agentSession/\d{10}\b", "/agentSession/[ASID]"),
    (r"Session_id=[^;\s]+", "Session_id=[COOKIE]"),
    (r"\b[0-9a-f]{64}\b", "[TOKEN]"),
    (r#"("wsuk": "|<wsuk>)\d+"#, "${1}[WSUK]"),
    (r#"("visitorId": |<visitorId>)\d+"#, "${1}[VISITOR_ID]"),
    (
        r#"("rtSessionId": |<rtSessionId>)\d+"#,
        "${1}[RT_SESSION_ID]",
    ),
    (r#"("duration": |<duration>)\d+"#, "${1}[SECONDS]"),
    (r"\b1\d{12}\b", "[EPOCH_MS]"),
];

/// SuperOffice's own dynamic values: dates without offset (`Z` with `includeTZOffset`); the
/// unset date `0001-01-01T00:00:00` is kept. Transcript lines start with `[HH:MM:SS]`.
const SUPEROFFICE: &[(&str, &str)] = &[
    (
        r"\b2\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z?)",
        "[SO_TIME]${1}",
    ),
    (
        r"\b2\d{3}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?",
        "[SO_TRANSCRIPT_TIME]",
    ),
    (r"\[\d{2}:\d{2}:\d{2}\]", "[HH:MM:SS]"),
];

impl<'a> Wire<'a> {
    /// A LivePerson run in `fmt` against `app` (snapshots `lp_*`).
    pub(crate) fn new(app: &'a TestApp, fmt: Fmt) -> Self {
        Self::with_dialect(app, fmt, "lp", &[])
    }

    /// A SuperOffice run in `fmt` against `app` (snapshots `so_*`, SuperOffice date filters).
    pub(crate) fn superoffice(app: &'a TestApp, fmt: Fmt) -> Self {
        Self::with_dialect(app, fmt, "so", SUPEROFFICE)
    }

    /// A run whose snapshots are `{prefix}_*`, with the dialect's extra filters; the server
    /// address is known from the start.
    fn with_dialect(
        app: &'a TestApp,
        fmt: Fmt,
        prefix: &'static str,
        extra: &'static [(&'static str, &'static str)],
    ) -> Self {
        let wire = Self {
            app,
            fmt,
            known: RefCell::new(Vec::new()),
            prefix,
            extra,
        };
        let host = app
            .address
            .split_once("://")
            .map(|(_, h)| h.to_owned())
            .expect("address");
        wire.learn(&app.address, "http://[HOST]");
        wire.learn(&host, "[HOST]");
        wire
    }

    /// Replaces `value` by `placeholder` in every later snapshot.
    pub(crate) fn learn(&self, value: &str, placeholder: &str) {
        assert!(!value.is_empty(), "nothing to learn for {placeholder}");
        self.known
            .borrow_mut()
            .push((value.to_owned(), placeholder.to_owned()));
    }

    /// Learns an agent session URL (`…/agentSession/{asid}`) as `[ASID_{who}]`.
    pub(crate) fn learn_session(&self, session_url: &str, who: &str) {
        let asid = session_url.rsplit('/').next().expect("asid");
        self.learn(
            &format!("/agentSession/{asid}"),
            &format!("/agentSession/[ASID_{who}]"),
        );
    }

    /// Learns a chat key (and its visit id) as `[CHAT_{name}]` / `[VISIT_{name}]`.
    pub(crate) fn learn_chat(&self, key: &str, name: &str) {
        let visit = chatwire_engine::core::ChatKey::parse(key)
            .expect("chat key")
            .visit_id();
        self.learn(key, &format!("[CHAT_{name}]"));
        self.learn(&visit, &format!("[VISIT_{name}]"));
    }

    /// `{url}.{ext}?{query}`: the format picked by suffix, as most clients do.
    pub(crate) fn at(&self, url: &str, query: &str) -> String {
        let url = self.abs(url);
        if query.is_empty() {
            format!("{url}.{}", self.fmt.ext())
        } else {
            format!("{url}.{}?{query}", self.fmt.ext())
        }
    }

    fn abs(&self, url: &str) -> String {
        if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.app.address)
        }
    }

    /// The request body for this run's format.
    pub(crate) fn body(&self, req: Req, json: &Value, xml: &str) -> Req {
        match self.fmt {
            Fmt::Json => req.body("application/json", json.to_string()),
            Fmt::Xml => req.body("application/xml; charset=UTF-8", xml),
        }
    }

    /// Sends `req` and reads the whole response.
    pub(crate) async fn call(&self, req: Req) -> Exchange {
        let url = self.abs(&req.url);
        let mut request = format!("{} {url}\n", req.method);
        let mut builder = self.app.client.request(req.method.clone(), &url);
        for (name, value) in &req.headers {
            request.push_str(&format!("{name}: {value}\n"));
            builder = builder.header(*name, value);
        }
        if let Some(body) = &req.body {
            request.push('\n');
            request.push_str(body);
            request.push('\n');
            builder = builder.body(body.clone());
        }
        let resp = builder.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.text().await.expect("body");
        Exchange {
            request,
            status,
            headers,
            body,
        }
    }

    /// Snapshots `ex` as `{prefix}_{name}@{fmt}`.
    pub(crate) fn snap(&self, name: &str, ex: &Exchange) {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(self.fmt.ext());
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        for (value, placeholder) in self.known.borrow().iter() {
            settings.add_filter(&regex::escape(value), placeholder.as_str());
        }
        for (pattern, replacement) in GENERIC.iter().chain(self.extra) {
            settings.add_filter(pattern, *replacement);
        }
        let text = render(ex);
        let prefix = self.prefix;
        settings.bind(|| insta::assert_snapshot!(format!("{prefix}_{name}"), text));
    }

    /// Sends `req`, checks the status, and snapshots the exchange.
    pub(crate) async fn check(&self, name: &str, req: Req, status: u16) -> Exchange {
        let ex = self.call(req).await;
        assert_eq!(ex.status, status, "{name}: {}\n{}", ex.request, ex.body);
        self.snap(name, &ex);
        ex
    }
}

/// The snapshot text: request, then status and the headers of the contract, then the body.
fn render(ex: &Exchange) -> String {
    let mut out = String::new();
    out.push_str(&ex.request);
    out.push_str("---\n");
    let reason = reqwest::StatusCode::from_u16(ex.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    out.push_str(&format!("{} {reason}\n", ex.status));
    for name in ["content-type", "location", "cache-control", "set-cookie"] {
        if let Some(v) = ex.header(name) {
            out.push_str(&format!("{name}: {v}\n"));
        }
    }
    out.push_str("---\n");
    out.push_str(&render_body(ex));
    out
}

fn render_body(ex: &Exchange) -> String {
    if ex.body.is_empty() {
        return "(empty body)\n".to_owned();
    }
    let ct = ex.header("content-type").unwrap_or("");
    if ct.starts_with("application/json") {
        let v: Value = serde_json::from_str(&ex.body)
            .unwrap_or_else(|e| panic!("{e}: the JSON body does not parse: {}", ex.body));
        assert_eq!(
            serde_json::to_string(&v).expect("json"),
            ex.body,
            "the JSON body is not in canonical compact form, so pretty-printing would hide something"
        );
        return serde_json::to_string_pretty(&v).expect("json") + "\n";
    }
    if ct.starts_with("application/xml") {
        // One line between tags; text content (a transcript) may hold line breaks.
        assert!(!ex.body.contains(">\n<"), "XML is sent on one line");
        return ex.body.replace("><", ">\n<") + "\n";
    }
    format!("{}\n", ex.body)
}
