//! Plain HTTP calls against a node by its base URL (no in-process engine), for the tests that
//! drive real `chatwire` processes: LivePerson agent and visitor calls, and reading a chat's
//! events page by page.

use reqwest::Client;
use serde_json::{Value, json};

/// The demo account's LivePerson root, under a node's base URL.
pub(crate) const ACCOUNT: &str = "/api/account/1000";

/// The visitor side's `Authorization` header value for the demo app key.
pub(crate) const APP_KEY_AUTH: &str = "LivePerson appKey=demo-app-key";

/// A demo agent logged in (with an agent session, Online) on one node.
pub(crate) struct LpAgent {
    pub(crate) bearer: String,
    /// `{node}/api/account/1000/agentSession/{id}`.
    pub(crate) session: String,
}

/// `Location` of a response, if any.
pub(crate) fn location(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Logs `login` in on `node`, opens an agent session and goes Online.
pub(crate) async fn lp_agent(client: &Client, node: &str, login: &str) -> LpAgent {
    let v: Value = client
        .post(format!("{node}{ACCOUNT}/login"))
        .json(&json!({"username": login, "password": "demo-pass"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    let bearer = v["bearer"].as_str().expect("bearer").to_owned();
    let resp = client
        .post(format!("{node}{ACCOUNT}/agentSession"))
        .bearer_auth(&bearer)
        .json(&json!({"loginData": ""}))
        .send()
        .await
        .expect("agent session");
    let session = location(&resp).expect("session location");
    let online = client
        .put(format!("{session}/availability"))
        .bearer_auth(&bearer)
        .json(&json!({"availability": {"chat": "Online"}}))
        .send()
        .await
        .expect("availability");
    assert_eq!(online.status(), 200, "going Online on {node}");
    LpAgent { bearer, session }
}

/// A visitor asks `node` for a chat on `skill`; returns the visitor's chat URL.
pub(crate) async fn request_chat(client: &Client, node: &str, skill: &str) -> String {
    let resp = client
        .post(format!("{node}{ACCOUNT}/chat/request"))
        .header("Authorization", APP_KEY_AUTH)
        .json(&json!({"request": {"skill": skill, "interactionTimeout": 3600}}))
        .send()
        .await
        .expect("chat request");
    assert_eq!(resp.status(), 201, "chat request on {node}");
    location(&resp).expect("chat location")
}

/// Waits (up to 5 s) until the agent's node shows at least one chat ringing for the agent: a
/// chat requested through another node reaches this node's queue by a wake-up, not at once.
pub(crate) async fn wait_ringing(client: &Client, agent: &LpAgent) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let v: Value = client
            .get(format!("{}/incomingRequests", agent.session))
            .bearer_auth(&agent.bearer)
            .header("Accept", "application/json")
            .send()
            .await
            .expect("incoming requests")
            .json()
            .await
            .expect("incoming requests json");
        let ringing = v["incomingRequests"]["ringingCount"]
            .as_str()
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        if ringing > 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no chat rings on {} after 5 s: {v}",
            agent.session
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The agent accepts the next ringing chat: status and the agent's chat URL on a 201.
pub(crate) async fn accept(client: &Client, agent: &LpAgent) -> (u16, Option<String>) {
    let resp = client
        .post(format!("{}/incomingRequests", agent.session))
        .bearer_auth(&agent.bearer)
        .send()
        .await
        .expect("accept");
    (resp.status().as_u16(), location(&resp))
}

/// Posts a visitor event (a line, or `{"@type":"state",...}`) to the visitor's chat URL,
/// rewritten onto `node`; returns the response.
pub(crate) async fn visitor_post(
    client: &Client,
    node: &str,
    chat: &str,
    event: Value,
) -> reqwest::Response {
    client
        .post(format!("{}/events", on_node(chat, node)))
        .header("Authorization", APP_KEY_AUTH)
        .json(&json!({"event": event}))
        .send()
        .await
        .expect("visitor event")
}

/// `url` (from any node) with its `scheme://host:port` replaced by `node`'s.
pub(crate) fn on_node(url: &str, node: &str) -> String {
    let path_start = url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
        .unwrap_or(url.len());
    format!("{node}{}", &url[path_start..])
}

/// Every event of the chat at `events_url` (an agent's `…/events` or a visitor's), following
/// `from` until an empty page; `auth` is the `Authorization` value.
pub(crate) async fn all_events(client: &Client, events_url: &str, auth: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut from = 0;
    loop {
        let v: Value = client
            .get(format!("{events_url}?from={from}"))
            .header("Authorization", auth)
            .header("Accept", "application/json")
            .send()
            .await
            .expect("events")
            .json()
            .await
            .expect("events json");
        let page = match &v["events"]["event"] {
            Value::Array(items) => items.clone(),
            Value::Null => break,
            one => vec![one.clone()],
        };
        for e in page {
            let id: u32 = e["@id"].as_str().and_then(|i| i.parse().ok()).expect("id");
            from = id + 1;
            all.push(e);
        }
    }
    all
}
