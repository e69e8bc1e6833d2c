//! Shared by the property tests (`fuzz_*.rs`): a demo-like app on the in-memory store with a
//! logged-in agent, an agent session and an accepted chat; a runner with a bounded number of
//! cases (`PROPTEST_CASES`, default 48, so CI stays at a few seconds per target); the input
//! generators; and the invariants every answer must keep.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use chatwire_api::{AppState, HttpSettings, app};
use chatwire_engine::core::{AccountId, NewAppKey};
use chatwire_engine::{Engine, EngineConfig, NewAgentInput, NewSkillInput};
use chatwire_store::memory::MemoryStore;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

/// The app and what a fuzz case can address.
pub(crate) struct Fixture {
    /// The router.
    pub(crate) app: axum::Router,
    /// agent1's bearer (no password hashing per case).
    pub(crate) bearer: String,
    /// agent1's agent session path, `/api/account/1000/agentSession/{asid}`.
    pub(crate) session: String,
    /// The accepted chat's key.
    pub(crate) chat: String,
}

/// An answer.
pub(crate) struct Answer {
    /// Status.
    pub(crate) status: u16,
    /// `Content-Type`.
    pub(crate) content_type: String,
    /// Body.
    pub(crate) body: String,
}

/// Sends one request; `None` when the generated request is not valid HTTP (no server would
/// ever see it).
pub(crate) async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> Option<Answer> {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "chat.test");
    for (k, v) in headers {
        req = req.header(*k, v.as_str());
    }
    let req = req.body(Body::from(body)).ok()?;
    let resp = app.clone().oneshot(req).await.expect("infallible");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = axum::body::to_bytes(resp.into_body(), 16 << 20)
        .await
        .expect("body");
    Some(Answer {
        status,
        content_type,
        body: String::from_utf8(bytes.to_vec()).expect("answers are UTF-8"),
    })
}

/// Builds the fixture: account 1000, skill Sales, agent1 (admin, Online) with an agent
/// session and a chat it accepted.
pub(crate) async fn fixture() -> Fixture {
    let engine = Engine::new(Arc::new(MemoryStore::new()), EngineConfig::default());
    let account = engine
        .create_account("1000", "demo")
        .await
        .expect("account")
        .id;
    let sales = NewSkillInput {
        name: "Sales".into(),
        ..NewSkillInput::default()
    };
    engine.create_skill(&account, sales).await.expect("skill");
    let input = NewAgentInput {
        login_name: "agent1".into(),
        password: "pw".into(),
        nickname: "agent1".into(),
        display_name: "Agent 1".into(),
        email: String::new(),
        max_chats: -1,
        skills: vec!["Sales".into()],
        is_admin: true,
    };
    engine.create_agent(&account, input).await.expect("agent");
    let key = NewAppKey {
        key: "app-key-1".into(),
        account: AccountId::parse("1000").expect("id"),
        name: "app".into(),
        can_read_feed: true,
        allowed_origins: Vec::new(),
    };
    engine.create_app_key(&key).await.expect("key");
    let http = HttpSettings {
        superoffice_default_account: "1000".into(),
        ..HttpSettings::default()
    };
    let app = app(AppState::new(engine, http));
    let json_ct = ("content-type", "application/json".to_owned());
    let login = send(
        &app,
        "POST",
        "/api/account/1000/login",
        std::slice::from_ref(&json_ct),
        br#"{"username":"agent1","password":"pw"}"#.to_vec(),
    )
    .await
    .expect("login");
    let bearer = serde_json::from_str::<Value>(&login.body).expect("login json")["bearer"]
        .as_str()
        .unwrap_or_else(|| panic!("no bearer: {} {}", login.status, login.body))
        .to_owned();
    let auth = ("authorization", format!("Bearer {bearer}"));
    let session = location(
        &app,
        "/api/account/1000/agentSession",
        &[auth.clone(), json_ct.clone()],
        r#"{"loginData":{}}"#,
    )
    .await;
    let avail = send(
        &app,
        "PUT",
        &format!("{session}/availability"),
        &[auth.clone(), json_ct.clone()],
        br#"{"availability":{"chat":"Online"}}"#.to_vec(),
    )
    .await
    .expect("availability");
    assert_eq!(avail.status, 200, "{}", avail.body);
    let chat_url = location(
        &app,
        "/api/account/1000/chat/request",
        &[
            ("authorization", "LivePerson appKey=app-key-1".to_owned()),
            json_ct.clone(),
        ],
        r#"{"request":{"skill":"Sales"}}"#,
    )
    .await;
    let accepted = send(
        &app,
        "POST",
        &format!("{session}/incomingRequests"),
        &[auth, json_ct],
        b"{}".to_vec(),
    )
    .await
    .expect("accept");
    assert_eq!(accepted.status, 201, "{}", accepted.body);
    let fixture = Fixture {
        app,
        bearer,
        session,
        chat: chat_url.rsplit('/').next().expect("key").to_owned(),
    };
    assert!(fixture.session.contains("/agentSession/") && fixture.chat.starts_with('H'));
    fixture
}

async fn location(app: &axum::Router, uri: &str, headers: &[(&str, String)], body: &str) -> String {
    let req = headers.iter().fold(
        Request::builder()
            .method("POST")
            .uri(uri)
            .header("host", "chat.test"),
        |r, (k, v)| r.header(*k, v.as_str()),
    );
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body.to_owned())).expect("req"))
        .await
        .expect("resp");
    assert!(resp.status().is_success(), "{uri}: {}", resp.status());
    let loc = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location");
    // Keep the path only: the fixture's requests have no host.
    let path = loc
        .split_once("://")
        .map_or(loc, |(_, rest)| rest.find('/').map_or(rest, |i| &rest[i..]));
    path.to_owned()
}

/// Runs `case` over `strategy` for the configured number of cases on one runtime.
pub(crate) fn run<S: Strategy>(
    strategy: S,
    case: impl Fn(&tokio::runtime::Runtime, &Fixture, S::Value),
) where
    S::Value: std::fmt::Debug,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let fixture = rt.block_on(fixture());
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |input| {
            case(&rt, &fixture, input);
            Ok(())
        })
        .expect("every case keeps the invariants");
}

/// The invariants of every answer: no 5xx, and a body in the format it claims (JSON parses;
/// XML is well-formed and holds only characters XML 1.0 allows).
pub(crate) fn check(answer: &Answer, what: &str) {
    assert!(
        answer.status < 500,
        "{what}: {} {}",
        answer.status,
        answer.body
    );
    if answer.content_type.contains("xml") {
        assert_well_formed_xml(&answer.body, what);
    } else if answer.content_type.contains("json") && !answer.body.is_empty() {
        serde_json::from_str::<Value>(&answer.body)
            .unwrap_or_else(|e| panic!("{what}: invalid JSON ({e}): {}", answer.body));
    }
}

/// Panics unless `body` is a well-formed XML document.
pub(crate) fn assert_well_formed_xml(body: &str, what: &str) {
    let mut reader = quick_xml::Reader::from_str(body);
    let mut depth = 0_i32;
    let mut roots = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(quick_xml::events::Event::Text(t)) => {
                let raw = std::str::from_utf8(t.as_ref()).expect("utf-8");
                assert!(
                    raw.chars().all(chatwire_engine::core::text::is_xml_char),
                    "{what}: a character XML cannot carry: {body:?}"
                );
            }
            Ok(_) => {}
            Err(e) => panic!("{what}: not well-formed XML ({e}): {body}"),
        }
    }
    assert_eq!(depth, 0, "{what}: unclosed elements: {body}");
    assert_eq!(roots, 1, "{what}: one root element: {body}");
}

/// Text with everything a hostile client might send: any Unicode (controls included), markup,
/// entities, long runs.
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z<>&;#x0-9\"' ]{0,24}",
        Just("\u{0}\u{1}\u{b}\u{fffe}\u{ffff}".to_owned()),
        Just("&#0;&#x1;&lt;<![CDATA[]]>".to_owned()),
        (1_usize..3000).prop_map(|n| "x".repeat(n)),
    ]
}

/// A JSON value whose keys are (mostly) the field names the dialects read, so generated bodies
/// reach deep into the parsers rather than failing at the first lookup.
pub(crate) fn body_value(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-5_i64..50).prop_map(Value::from),
        text().prop_map(Value::String),
        proptest::sample::select(keys).prop_map(|k| Value::String(k.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(
                (prop_oneof![4 => proptest::sample::select(keys).prop_map(str::to_owned), 1 => text()], inner),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `v` as an XML document (elements named after keys, `@key` as attributes), the way both
/// dialects' XML bodies look; invalid names are kept on purpose (the parser must refuse them).
pub(crate) fn to_xml(root: &str, v: &Value) -> String {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")
    }
    fn el(name: &str, v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                out.push('<');
                out.push_str(name);
                for (k, a) in map.iter().filter(|(k, _)| k.starts_with('@')) {
                    out.push_str(&format!(" {}=\"{}\"", &k[1..], esc(&a.to_string())));
                }
                out.push('>');
                for (k, c) in map.iter().filter(|(k, _)| !k.starts_with('@')) {
                    el(k, c, out);
                }
                out.push_str(&format!("</{name}>"));
            }
            Value::Array(items) => items.iter().for_each(|i| el(name, i, out)),
            Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", esc(s))),
            Value::Null => out.push_str(&format!("<{name}/>")),
            other => out.push_str(&format!("<{name}>{other}</{name}>")),
        }
    }
    let mut out = String::new();
    el(root, v, &mut out);
    out
}

/// `v`'s top-level scalars as `application/x-www-form-urlencoded`.
pub(crate) fn to_form(v: &Value) -> String {
    let Value::Object(map) = v else {
        return enc(&v.to_string());
    };
    map.iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                enc(k),
                enc(&v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes everything but unreserved characters.
pub(crate) fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A body in one of the formats, with its `Content-Type`.
pub(crate) fn encode(format: u8, root: &str, v: &Value) -> (String, Vec<u8>) {
    match format % 4 {
        0 => ("application/json".into(), v.to_string().into_bytes()),
        1 => ("application/xml".into(), to_xml(root, v).into_bytes()),
        2 => (
            "application/x-www-form-urlencoded".into(),
            to_form(v).into_bytes(),
        ),
        _ => (String::new(), json!(v).to_string().into_bytes()),
    }
}
