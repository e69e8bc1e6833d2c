//! Wire snapshots of every implemented LivePerson method, in JSON and in XML: login, refresh,
//! logout, the agent session and its resources, CSDS lookups and the error envelopes here; the
//! chat-level methods in `liveperson_snapshots_chat`; survey, participant and visit resources in
//! `liveperson_snapshots_extras`. Each scenario runs once per format on a fresh demo server, so
//! both formats describe the same state. The documented JSON value types are also asserted in
//! code (`json_value_types_follow_the_documented_rules`). Snapshots: `snapshots/lp_*@{json,xml}.snap`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::{ACCOUNT, Agent, key_of};
use crate::wire_snap::{Fmt, Req, Wire};

/// The query string clients append to Chat Agent API calls.
pub(crate) const Q: &str = "v=1&NC=true";

/// Logs in and opens an agent session in `w`'s format, snapshotting both as `login` and
/// `agent_session_create`.
async fn login_snapshotted(w: &Wire<'_>, user: &str) -> Agent {
    // The Login API documents only a JSON body; the answer follows `Accept`.
    let req = Req::post(format!("{ACCOUNT}/login??v=1&NC=true"))
        .accept(w.fmt)
        .body(
            "application/json",
            json!({"username": user, "password": "demo-pass"}).to_string(),
        );
    let ex = w.call(req).await;
    assert_eq!(ex.status, 200, "{}", ex.body);
    let cookie = ex
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("Session_id cookie")
        .to_owned();
    let (bearer, csrf) = (ex.field("bearer"), ex.field("csrf"));
    w.learn(&bearer, &format!("[BEARER_{user}]"));
    w.learn(&csrf, &format!("[CSRF_{user}]"));
    w.snap("login", &ex);

    let req = w.body(
        Req::post(format!("{ACCOUNT}/agentSession?{Q}"))
            .bearer(&bearer)
            .accept(w.fmt),
        &json!({"loginData": ""}),
        "<loginData><userName>agent1</userName><password>demo-pass</password></loginData>",
    );
    let ex = w.call(req).await;
    assert_eq!(ex.status, 201, "{}", ex.body);
    let session = ex.location();
    w.learn_session(&session, user);
    w.snap("agent_session_create", &ex);
    Agent {
        bearer,
        csrf,
        cookie,
        session,
    }
}

/// Logs in (JSON, not snapshotted), opens an agent session, goes Online, and teaches `w` the
/// agent's bearer and session id.
pub(crate) async fn agent_in(w: &Wire<'_>, user: &str) -> Agent {
    let agent = w.app.lp_agent(user).await;
    w.learn(&agent.bearer, &format!("[BEARER_{user}]"));
    w.learn(&agent.csrf, &format!("[CSRF_{user}]"));
    w.learn_session(&agent.session, user);
    agent
}

/// The JSON body and the XML body of an availability change.
fn availability(w: &Wire<'_>, req: Req, chat: &str) -> Req {
    w.body(
        req,
        &json!({"availability": {"chat": chat}}),
        &format!("<availability><chat>{chat}</chat></availability>"),
    )
}

async fn session_methods(fmt: Fmt) {
    // Arrange
    let app = spawn_app().await;
    let w = Wire::new(&app, fmt);

    // Act + Assert: login and agent session.
    let me = login_snapshotted(&w, "agent1").await;
    let s = me.session.clone();
    let b = me.bearer.clone();
    let get = |path: &str, query: &str| Req::get(w.at(&format!("{s}{path}"), query)).bearer(&b);
    w.check("agent_session_read", get("", "v=1&cs=1"), 200)
        .await;
    w.check("availability_get", get("/availability", Q), 200)
        .await;
    let put = Req::new(Method::PUT, w.at(&format!("{s}/availability"), Q)).bearer(&b);
    w.check("availability_put", availability(&w, put, "Away"), 200)
        .await;
    let overridden = Req::post(w.at(&format!("{s}/availability"), Q))
        .bearer(&b)
        .header("x-http-method-override", "PUT");
    w.check(
        "availability_post_override",
        availability(&w, overridden, "Online"),
        200,
    )
    .await;
    w.check("available_agents", get("/availableAgents", Q), 200)
        .await;
    w.check(
        "available_agents_filtered",
        get(
            "/availableAgents",
            "skill=Sales&chatState=Online&v=1&NC=true",
        ),
        200,
    )
    .await;
    w.check(
        "available_slots",
        get(
            "/chat/availableSlots",
            "skill=Sales&maxWaitTime=0&v=1&NC=true",
        ),
        200,
    )
    .await;
    w.check(
        "available_slots_agent",
        get("/chat/availableSlots", "agent=agent3&v=1&NC=true"),
        200,
    )
    .await;
    w.check("agent_info", get("/info", Q), 200).await;
    w.check("incoming_requests_none", get("/incomingRequests", Q), 200)
        .await;
    w.check("chat_sessions_none", get("/chatSessions", Q), 200)
        .await;

    // Errors in both formats.
    let accept = Req::post(w.at(&format!("{s}/incomingRequests"), Q)).bearer(&b);
    w.check("error_409_nothing_to_accept", accept, 409).await;
    let bad = Req::new(Method::PUT, w.at(&format!("{s}/availability"), Q)).bearer(&b);
    w.check(
        "error_400_bad_availability",
        availability(&w, bad, "Sleeping"),
        400,
    )
    .await;
    let malformed = Req::new(Method::PUT, w.at(&format!("{s}/availability"), Q))
        .bearer(&b)
        .body(fmt.mime(), "{not json or <xml");
    w.check("error_400_malformed_body", malformed, 400).await;
    w.check("error_404_unknown_uri", get("/nonsense", Q), 404)
        .await;
    let unknown_chat = "H1234567890123456789-0123456789abcdef0123456789abcdefK1234567";
    w.check(
        "error_404_unknown_chat",
        get(&format!("/chat/{unknown_chat}"), Q),
        404,
    )
    .await;
    let foreign_session =
        Req::get(w.at(&format!("{ACCOUNT}/agentSession/123/availability"), Q)).bearer(&b);
    w.check("error_404_unknown_agent_session", foreign_session, 404)
        .await;
    let asdf = Req::get(format!("{ACCOUNT}/chat.asdf?{Q}")).accept(fmt);
    w.check("error_404_unknown_extension", asdf, 404).await;
    let no_bearer = Req::get(w.at(&format!("{s}/availability"), Q));
    w.check("error_401_no_bearer", no_bearer, 401).await;
    let wrong_bearer = Req::get(w.at(&format!("{s}/availability"), Q)).bearer("not-a-bearer");
    w.check("error_401_bad_bearer", wrong_bearer, 401).await;

    // Refresh and logout: cookie plus CSRF; empty 200s; a wrong CSRF is 401 code 10.
    let csrf_body = |csrf: &str| {
        w.body(
            Req::post(format!("{ACCOUNT}/refresh?{Q}"))
                .accept(fmt)
                .header("cookie", me.cookie.clone()),
            &json!({"csrf": csrf}),
            &format!("<csrf>{csrf}</csrf>"),
        )
    };
    w.check("error_401_wrong_csrf", csrf_body(&"0".repeat(64)), 401)
        .await;
    w.check("refresh", csrf_body(&me.csrf), 200).await;
    let logout = w.body(
        Req::post(format!("{ACCOUNT}/logout?{Q}"))
            .accept(fmt)
            .header("cookie", me.cookie.clone()),
        &json!({"csrf": me.csrf}),
        &format!("<csrf>{}</csrf>", me.csrf),
    );
    w.check("logout", logout, 200).await;
    w.check("error_401_after_logout", get("/availability", Q), 401)
        .await;
    app.stop().await;
}

#[tokio::test]
async fn login_agent_session_and_errors_match_the_json_snapshots() {
    session_methods(Fmt::Json).await;
}

#[tokio::test]
async fn login_agent_session_and_errors_match_the_xml_snapshots() {
    session_methods(Fmt::Xml).await;
}

async fn csds_lookups(fmt: Fmt) {
    // Arrange
    let app = spawn_app().await;
    let w = Wire::new(&app, fmt);
    let cases = [
        (
            "csds_service",
            w.at(
                &format!("{ACCOUNT}/service/agentVep/baseURI"),
                "version=1.0",
            ),
            200,
        ),
        (
            "csds_all",
            w.at("/csdr/account/1000/service/baseURI", "version=1.0"),
            200,
        ),
        (
            "csds_csdr_service",
            w.at(
                "/csdr/account/1000/service/conversationVep/baseURI",
                "version=1.0",
            ),
            200,
        ),
        (
            "csds_unknown_service",
            w.at(
                "/csdr/account/1000/service/leDataReporting/baseURI",
                "version=1.0",
            ),
            404,
        ),
    ];

    // Act + Assert
    for (name, url, status) in cases {
        w.check(name, Req::get(url), status).await;
    }
    let lpcsds = Req::get(format!(
        "{}/csdr/account/1000/service/adminArea/baseURI.lpCsds?version=1.0",
        app.address
    ))
    .accept(fmt);
    w.check("csds_lpcsds", lpcsds, 200).await;
    app.stop().await;
}

#[tokio::test]
async fn csds_lookups_match_the_json_snapshots() {
    csds_lookups(Fmt::Json).await;
}

#[tokio::test]
async fn csds_lookups_match_the_xml_snapshots() {
    csds_lookups(Fmt::Xml).await;
}

fn first_key(v: &Value) -> Option<&str> {
    v.as_object()
        .and_then(|m| m.keys().next())
        .map(String::as_str)
}

async fn get_json(app: &TestApp, bearer: &str, url: &str) -> Value {
    let w = Wire::new(app, Fmt::Json);
    let ex = w.call(Req::get(url).bearer(bearer).accept(Fmt::Json)).await;
    assert_eq!(ex.status, 200, "{url}: {}", ex.body);
    ex.json()
}

#[tokio::test]
async fn json_value_types_follow_the_documented_rules() {
    // Arrange: agent1 Online, one Sales chat ringing.
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let s = &agent.session;
    let chat_url = app.lp_request_chat("Sales").await;

    // Act
    let ring = get_json(&app, &agent.bearer, &format!("{s}/incomingRequests")).await;
    let (status, location, accepted) = app
        .lp_post(&agent, &format!("{s}/incomingRequests"), json!({}))
        .await;
    let location = location.expect("Location");
    let chat = get_json(&app, &agent.bearer, &location).await;
    let next = chat["chat"]["events"]["link"][1]["@href"]
        .as_str()
        .expect("events next")
        .to_owned();
    let empty = get_json(&app, &agent.bearer, &next).await;
    let info = get_json(&app, &agent.bearer, &format!("{location}/info")).await;
    let multi = get_json(
        &app,
        &agent.bearer,
        &format!("{s}/chat?chatSessionKeys={}", key_of(&chat_url)),
    )
    .await;

    // Assert: ringingCount is a string; a single link is an object with @href first.
    assert_eq!(ring["incomingRequests"]["ringingCount"], json!("1"));
    let link = &ring["incomingRequests"]["link"];
    assert!(link.is_object(), "one link is an object, not a list");
    assert_eq!(first_key(link), Some("@href"));
    assert_eq!(status, 201);
    let link = &accepted["chatLocation"]["link"];
    assert!(link.is_object() && first_key(link) == Some("@href"));
    assert_eq!(link["@href"], json!(location));

    // Event @id strings, systemMessageId numbers (including 0 for the pre-chat line).
    let events = chat["chat"]["events"]["event"].as_array().expect("events");
    assert!(events.iter().all(|e| e["@id"].is_string()));
    assert_eq!(events[0]["@id"], json!("0"));
    let system: Vec<&Value> = events
        .iter()
        .filter_map(|e| e.get("systemMessageId"))
        .collect();
    assert_eq!(system, [&json!(4), &json!(0), &json!(3)]);
    assert!(
        events
            .iter()
            .all(|e| first_key(e) == Some("@id") && e["@type"].is_string())
    );

    // Info numbers, in the chat resource and on its own.
    for info in [&chat["chat"]["info"], &info["info"]] {
        for field in [
            "agentId",
            "visitorId",
            "chatTimeout",
            "rtSessionId",
            "duration",
        ] {
            assert!(info[field].is_i64(), "{field} is a number: {info}");
        }
        for field in ["sharkContextId", "engagementId", "campaignId"] {
            assert!(info[field].is_i64(), "{field} is a number: {info}");
        }
        assert_eq!(info["chatTimeout"], json!(40));
    }

    // An empty event list leaves the key out.
    assert!(empty["events"].is_object());
    assert!(empty["events"].get("event").is_none(), "{empty}");

    // The multi-chat retrieve keeps the seed's plain keys and numeric ids.
    let one = &multi["chats"]["chat"];
    assert!(
        one.is_array(),
        "chats.chat is always a list (clients iterate)"
    );
    let event = &one[0]["events"]["event"][0];
    assert_eq!((&event["id"], &event["type"]), (&json!(0), &json!("state")));
    assert_eq!(first_key(&one[0]["link"][0]), Some("href"));
    app.stop().await;
}
