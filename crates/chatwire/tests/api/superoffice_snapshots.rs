//! Wire snapshots of the SuperOffice dialect, in JSON and in XML: the helpers, the error
//! envelopes and 401s here; the 31 agent methods (`POST /api/v1/Agents/Chat/{Method}`) in
//! `superoffice_snapshots_sessions` and `superoffice_snapshots_topics`, the REST routes in
//! `superoffice_snapshots_rest`. Bodies are sent in PascalCase (docs, Python SDK) and camelCase
//! (TS client); `$select` is exercised on lists and single entities. Each scenario runs once per
//! format on a fresh demo server, so both formats describe the same state. Snapshots:
//! `snapshots/so_*@{json,xml}.snap`.

use serde_json::{Value, json};

use crate::wire_snap::{Exchange, Fmt, Req, Wire};

/// `Authorization` of agent1 (admin, Sales + Support) and agent2 (Sales).
pub(crate) const AGENT1: &str = "Basic YWdlbnQxOmRlbW8tcGFzcw==";
/// See [`AGENT1`].
pub(crate) const AGENT2: &str = "Basic YWdlbnQyOmRlbW8tcGFzcw==";

/// A DataContract-style XML body: `root` with the SuperOffice namespaces, properties as
/// elements, lists as wrapper elements of items, `null` as `i:nil`; a bare list under
/// `ArrayOfX` has `X` items.
pub(crate) fn to_xml(root: &str, v: &Value) -> String {
    let content = match (v, root.strip_prefix("ArrayOf")) {
        (Value::Array(items), Some(item)) => items
            .iter()
            .map(|i| format!("<{item}>{}</{item}>", inner(i)))
            .collect(),
        _ => inner(v),
    };
    format!(
        r#"<{root} xmlns="http://schemas.datacontract.org/2004/07/SuperOffice.WebApi.Data" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">{content}</{root}>"#
    )
}

fn inner(v: &Value) -> String {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                Value::Null => format!(r#"<{k} i:nil="true"/>"#),
                Value::Array(items) => {
                    let item = match k.as_str() {
                        "Useragents" | "useragents" => "ChatTopicAgent",
                        _ => "ChatPresence",
                    };
                    let items: String = items
                        .iter()
                        .map(|i| format!("<{item}>{}</{item}>", inner(i)))
                        .collect();
                    format!("<{k}>{items}</{k}>")
                }
                _ => format!("<{k}>{}</{k}>", inner(v)),
            })
            .collect(),
        Value::String(s) => s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
        other => other.to_string(),
    }
}

/// A request with `auth` and `Accept` in the run's format, and `body` (JSON, or XML under
/// `root`) unless it is `null`.
pub(crate) fn so_req(w: &Wire<'_>, req: Req, auth: &str, root: &str, body: &Value) -> Req {
    let req = req.header("authorization", auth).accept(w.fmt);
    if body.is_null() {
        return req;
    }
    match w.fmt {
        Fmt::Json => req.body("application/json", body.to_string()),
        Fmt::Xml => req.body("application/xml", to_xml(root, body)),
    }
}

/// `POST /api/v1/Agents/Chat/{method}{query}`, checked and snapshotted as `{name}`.
pub(crate) async fn call(
    w: &Wire<'_>,
    name: &str,
    auth: &str,
    method_and_query: &str,
    body: Value,
    status: u16,
) -> Exchange {
    let req = Req::post(format!("/api/v1/Agents/Chat/{method_and_query}"));
    w.check(name, so_req(w, req, auth, "request", &body), status)
        .await
}

/// A field of a JSON or XML answer as text.
pub(crate) fn field(ex: &Exchange, name: &str) -> String {
    let xml = regex::Regex::new(&format!("<{name}>([^<]*)</{name}>")).expect("regex");
    let json = regex::Regex::new(&format!(r#""{name}":("[^"]*"|[^,}}]*)"#)).expect("regex");
    xml.captures(&ex.body)
        .or_else(|| json.captures(&ex.body))
        .map(|c| c[1].trim_matches('"').to_owned())
        .unwrap_or_else(|| panic!("no {name} in {}", ex.body))
}

async fn errors(fmt: Fmt) {
    // Arrange
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);

    // Act / Assert: 401s, 400, 404, 403 and the GET description.
    let anon = Req::post("/api/v1/Agents/Chat/GetChatPresence").accept(fmt);
    w.check("error_401_no_credentials", anon, 401).await;
    let wrong = "Basic YWdlbnQxOndyb25n"; // agent1:wrong
    call(
        &w,
        "error_401_wrong_password",
        wrong,
        "GetChatPresence",
        Value::Null,
        401,
    )
    .await;
    call(
        &w,
        "error_401_bad_bearer",
        "Bearer nope",
        "GetChatPresence",
        Value::Null,
        401,
    )
    .await;
    let app_token = so_req(
        &w,
        Req::post("/api/v1/Agents/Chat/GetChatPresence"),
        AGENT2,
        "request",
        &Value::Null,
    )
    .header("so-apptoken", "unknown-key");
    w.check("error_401_app_token", app_token, 401).await;
    call(
        &w,
        "error_400_bad_after",
        AGENT2,
        "GetChatMessages",
        json!({"ChatSessionId": 1, "After": "x"}),
        400,
    )
    .await;
    call(
        &w,
        "error_400_missing_id",
        AGENT2,
        "PickUpChatSession",
        json!({}),
        400,
    )
    .await;
    call(
        &w,
        "error_404_session",
        AGENT2,
        "GetChatSessionEntity?chatSessionEntityId=99",
        Value::Null,
        404,
    )
    .await;
    call(
        &w,
        "error_404_method",
        AGENT2,
        "GetChatSessions",
        Value::Null,
        404,
    )
    .await;
    call(
        &w,
        "error_403_create_topic",
        AGENT2,
        "SaveChatTopicEntity",
        json!({"ChatTopicId": 0, "Name": "Billing"}),
        403,
    )
    .await;
    let describe = Req::get("/api/v1/Agents/Chat/GetChatMessages")
        .header("authorization", AGENT2)
        .accept(fmt);
    w.check("describe_method", describe, 200).await;
    let other_root = Req::post("/1000/api/v1/Agents/Chat/ChatTopicsForUser");
    w.check(
        "account_root",
        so_req(&w, other_root, AGENT2, "request", &Value::Null),
        200,
    )
    .await;
}

#[tokio::test]
async fn superoffice_errors_json() {
    errors(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_errors_xml() {
    errors(Fmt::Xml).await;
}
