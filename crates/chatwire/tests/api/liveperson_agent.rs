//! The LivePerson Login and Chat Agent APIs end to end: the two-sided flow, cursors, the
//! multi-chat retrieve, formats and errors.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::lp::{ACCOUNT, key_of};

fn events(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        Value::Null => vec![],
        one => vec![one.clone()],
    }
}

#[tokio::test]
async fn login_answers_the_documented_fields_with_the_bearer_last() {
    let app = spawn_app().await;
    let resp = app.lp_login_raw("agent1", "demo-pass").await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("Session_id="))
    );
    let text = resp.text().await.expect("body");
    let v: Value = serde_json::from_str(&text).expect("json");
    for key in [
        "csrf",
        "wsuk",
        "config",
        "csdsCollectionResponse",
        "accountData",
        "sessionTTl",
        "bearer",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["sessionTTl"], "28800000");
    assert_eq!(v["bearer"].as_str().map(str::len), Some(64));
    assert_eq!(v["csrf"].as_str().map(str::len), Some(64));
    assert!(
        text.rfind("\"bearer\"") > text.rfind("\"sessionTTl\""),
        "bearer comes last"
    );
    let agent_vep = v["csdsCollectionResponse"]["baseURIs"]
        .as_array()
        .expect("list")
        .iter()
        .find(|b| b["service"] == "agentVep")
        .cloned()
        .expect("agentVep");
    assert_eq!(
        Some(agent_vep["baseURI"].as_str().expect("host")),
        app.address.strip_prefix("http://")
    );
    let bad = app.lp_login_raw("agent1", "wrong").await;
    assert_eq!(bad.status(), 401);
    let err: Value = bad.json().await.expect("error json");
    assert!(err["error"]["message"].is_string() && err["error"]["time"].is_string());
    app.stop().await;
}

#[tokio::test]
async fn visitor_request_rings_accept_and_lines_flow_with_exact_cursors() {
    // Arrange
    let app = spawn_app().await;
    let agent = app.lp_agent("agent2").await;
    assert!(
        agent
            .session
            .rsplit('/')
            .next()
            .is_some_and(|id| id.chars().all(|c| c.is_ascii_digit()))
    );
    let (_, ring) = app
        .lp_get(
            &agent,
            &format!("{}/incomingRequests.json?v=1&NC=true", agent.session),
        )
        .await;
    assert_eq!(ring, json!({"incomingRequests":{"ringingCount":"0"}}));
    let chat_url = app.lp_request_chat("Sales").await;

    // Act: ring, accept.
    let (_, ring) = app
        .lp_get(
            &agent,
            &format!("{}/incomingRequests.json?v=1&NC=true&__d=1", agent.session),
        )
        .await;
    assert_eq!(ring["incomingRequests"]["ringingCount"], "1");
    assert_eq!(
        ring["incomingRequests"]["link"]["@rel"],
        "incoming-requests"
    );
    let accept = app
        .client
        .post(format!("{}/incomingRequests?v=1&NC=true", agent.session))
        .header("authorization", format!("bearer {}", agent.bearer))
        .body("{}")
        .send()
        .await
        .expect("accept");
    assert_eq!(accept.status(), 201);
    let location = accept
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    let body: Value = accept.json().await.expect("json");
    let href = body["chatLocation"]["link"]["@href"]
        .as_str()
        .expect("href");
    assert_eq!(href, location);
    assert_eq!(key_of(href), key_of(&chat_url));

    // Assert: the chat resource, links in order, events 0.. and complete info.
    let (status, chat) = app
        .lp_get(&agent, &format!("{location}.json?v=1&NC=true"))
        .await;
    assert_eq!(status, 200);
    let rels: Vec<&str> = chat["chat"]["link"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| l["@rel"].as_str().expect("rel"))
        .collect();
    assert_eq!(
        rels,
        [
            "self",
            "events",
            "info",
            "next",
            "collaboration-channels",
            "visit-id",
            "transfer",
            "transfer-account",
            "agent-survey"
        ]
    );
    let evs = events(&chat["chat"]["events"]["event"]);
    let kinds: Vec<(&str, &str)> = evs
        .iter()
        .map(|e| {
            (
                e["@id"].as_str().expect("id"),
                e["@type"].as_str().expect("type"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("0", "state"),
            ("1", "line"),
            ("2", "line"),
            ("3", "state"),
            ("4", "line")
        ]
    );
    assert_eq!(evs[2]["systemMessageId"], 0, "pre-chat line, agent only");
    assert_eq!(evs[4]["text"], "You are now chatting with Agent 2.");
    assert_eq!(evs[4]["systemMessageId"], 3);
    let info = &chat["chat"]["info"];
    assert_eq!(
        (
            info["state"].as_str(),
            info["agentName"].as_str(),
            info["chatTimeout"].as_i64()
        ),
        (Some("chatting"), Some("Agent 2"), Some(40))
    );
    assert!(
        info["agentId"].is_number()
            && info["visitorId"].is_number()
            && info["rtSessionId"].is_number()
    );
    let next = chat["chat"]["link"][3]["@href"]
        .as_str()
        .expect("next")
        .to_owned();
    assert!(next.ends_with("?from=5"));

    // Lines both ways: the agent's cursor sees exactly the new ones.
    let (status, loc, line) = app
        .lp_post(
            &agent,
            &format!("{location}/events.json?v=1&NC=true"),
            json!({"event":{"@type":"line","text":"Hello, how can I help?","textType":"plain"}}),
        )
        .await;
    assert_eq!(status, 201);
    assert!(loc.is_some_and(|l| l.ends_with("/events/5")));
    assert!(
        line["chatEventLocation"]["link"]["@href"]
            .as_str()
            .is_some_and(|h| h.ends_with("/events/5"))
    );
    crate::helpers::visitor_post(
        &app.engine,
        &chatwire_engine::core::AccountId::parse("1000").expect("id"),
        &chatwire_engine::core::ChatKey::parse(key_of(&chat_url)).expect("key"),
        chatwire_engine::LineInput::plain("I need a bigger plan"),
    )
    .await;
    let (_, page) = app.lp_get(&agent, &format!("{next}&v=1&NC=true")).await;
    let new: Vec<String> = events(&page["chat"]["events"]["event"])
        .iter()
        .map(|e| e["text"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(new, ["Hello, how can I help?", "I need a bigger plan"]);
    let next2 = page["chat"]["events"]["link"][1]["@href"]
        .as_str()
        .expect("events next")
        .to_owned();
    let (_, empty) = app.lp_get(&agent, &format!("{next2}?v=1")).await;
    assert!(
        empty["events"].get("event").is_none(),
        "an empty list is left out"
    );

    // End: 201 chatLocation; then lines are refused with a clear error.
    let (status, _, end) = app
        .lp_post(
            &agent,
            &format!("{location}/events"),
            json!({"event":{"@type":"state","state":"ended"}}),
        )
        .await;
    assert_eq!(status, 201);
    assert!(end["chatLocation"]["link"]["@href"].is_string());
    let (status, _, err) = app
        .lp_post(
            &agent,
            &format!("{location}/events"),
            json!({"event":{"@type":"line","text":"still there?"}}),
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        err["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("ended"))
    );
    app.stop().await;
}

#[tokio::test]
async fn multi_chat_retrieve_returns_each_chat_from_its_own_cursor_in_the_seed_shape() {
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let a = app.lp_request_chat("Sales").await;
    let b = app.lp_request_chat("Support").await;
    for _ in 0..2 {
        let (status, _, _) = app
            .lp_post(
                &agent,
                &format!("{}/incomingRequests", agent.session),
                json!({}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let (ka, kb) = (key_of(&a), key_of(&b));
    let url = format!(
        "{}/chat.json?chatSessionKeys={ka},{kb}&fromEventIds=4,0&v=1&NC=true",
        agent.session
    );
    let (status, v) = app.lp_get(&agent, &url).await;
    assert_eq!(status, 200);
    let chats = v["chats"]["chat"].as_array().expect("chat list");
    assert_eq!(chats.len(), 2);
    let first = events(&chats[0]["events"]["event"]);
    assert_eq!(
        first
            .iter()
            .map(|e| e["id"].as_i64().expect("numeric id"))
            .collect::<Vec<_>>(),
        vec![4]
    );
    assert_eq!(first[0]["type"], "line");
    assert_eq!(chats[0]["link"][0]["rel"], "self", "plain keys in the seed");
    assert!(
        chats[0]["link"][3]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("?from=5"))
    );
    assert_eq!(events(&chats[1]["events"]["event"]).len(), 5);
    assert!(chats[1]["info"]["chatSessionKey"] == kb);

    // Missing cursors read from 0; a foreign or unknown key fails alone; mismatched lists are 400.
    let (_, v) = app
        .lp_get(
            &agent,
            &format!("{}/chat?chatSessionKeys={ka}", agent.session),
        )
        .await;
    assert_eq!(events(&v["chats"]["chat"][0]["events"]["event"]).len(), 5);
    let other = app.lp_agent("agent2").await;
    let (status, v) = app
        .lp_get(
            &other,
            &format!("{}/chat?chatSessionKeys={ka},Hnope", other.session),
        )
        .await;
    assert_eq!(status, 200);
    let chats = v["chats"]["chat"].as_array().expect("list");
    assert_eq!(
        chats[0]["error"]["internalCode"], 13,
        "agent2 is not in this chat: forbidden, nothing of it leaked"
    );
    assert!(chats[0].get("events").is_none() && chats[0].get("info").is_none());
    assert_eq!(
        chats[1]["error"]["internalCode"], 28,
        "unknown key: not found"
    );
    let (status, single) = app
        .lp_get(&other, &format!("{}/chat/{ka}", other.session))
        .await;
    assert_eq!(
        (status, single["error"]["internalCode"].as_i64()),
        (403, Some(13))
    );
    let (status, v) = app
        .lp_get(
            &agent,
            &format!(
                "{}/chat?chatSessionKeys={ka},{kb}&fromEventIds=1",
                agent.session
            ),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("fromEventIds"))
    );
    app.stop().await;
}

#[tokio::test]
async fn xml_is_served_with_attributes_and_accepted_in_requests() {
    let app = spawn_app().await;
    let agent = app.lp_agent("agent3").await;
    app.lp_request_chat("Support").await;
    let accept = app
        .client
        .post(format!("{}/incomingRequests.xml", agent.session))
        .header("authorization", format!("Bearer {}", agent.bearer))
        .send()
        .await
        .expect("accept");
    assert_eq!(accept.status(), 201);
    assert_eq!(
        accept
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/xml; charset=utf-8")
    );
    let location = accept
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    let xml = accept.text().await.expect("xml");
    assert!(
        xml.contains(&format!(
            "<chatLocation><link href=\"{location}\" rel=\"location\"/></chatLocation>"
        )),
        "{xml}"
    );
    let post = app
        .client
        .post(format!("{location}/events"))
        .header("authorization", format!("Bearer {}", agent.bearer))
        .header("content-type", "application/xml; charset=UTF-8")
        .header("accept", "application/xml")
        .body("<event type=\"line\"><text>hi &amp; welcome</text></event>")
        .send()
        .await
        .expect("post xml");
    assert_eq!(post.status(), 201);
    let chat = app
        .client
        .get(format!("{location}.xml?from=5"))
        .header("authorization", format!("Bearer {}", agent.bearer))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("xml");
    assert!(chat.contains("<event id=\"5\" type=\"line\">"), "{chat}");
    assert!(chat.contains("<text>hi &amp; welcome</text>"), "{chat}");
    assert!(chat.contains("<ringingCount>") || chat.contains("<info>"));
    app.stop().await;
}

#[tokio::test]
async fn bad_credentials_and_bad_input_get_liveperson_errors_never_500s() {
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    // (method, url, bearer, body, expected status)
    type Case<'a> = (Method, String, Option<&'a str>, Option<&'a str>, u16);
    let cases: Vec<Case<'_>> = vec![
        (
            Method::GET,
            format!("{}/availability", agent.session),
            Some("not-a-bearer"),
            None,
            401,
        ),
        (
            Method::GET,
            format!("{}/availability", agent.session),
            None,
            None,
            401,
        ),
        (
            Method::GET,
            format!("{}{ACCOUNT}/agentSession/123/availability", app.address),
            Some(&agent.bearer),
            None,
            404,
        ),
        (
            Method::PUT,
            format!("{}/availability", agent.session),
            Some(&agent.bearer),
            Some(r#"{"availability":{"chat":"Sleeping"}}"#),
            400,
        ),
        (
            Method::PUT,
            format!("{}/availability", agent.session),
            Some(&agent.bearer),
            Some("{not json"),
            400,
        ),
        (
            Method::PUT,
            format!("{}/availability", agent.session),
            Some(&agent.bearer),
            Some("<availability><chat>"),
            400,
        ),
        (
            Method::POST,
            format!("{}/incomingRequests", agent.session),
            Some(&agent.bearer),
            Some("{}"),
            409,
        ),
        (
            Method::GET,
            format!("{}/chat/Hxyz", agent.session),
            Some(&agent.bearer),
            None,
            404,
        ),
        (
            Method::GET,
            format!("{}/chat", agent.session),
            Some(&agent.bearer),
            None,
            400,
        ),
        (
            Method::GET,
            format!("{}{ACCOUNT}/chat.asdf", app.address),
            None,
            None,
            404,
        ),
        (
            Method::POST,
            format!("{}{ACCOUNT}/chat/request", app.address),
            None,
            Some(r#"{"request":{}}"#),
            401,
        ),
    ];
    for (method, url, bearer, body, want) in cases {
        let mut req = app.client.request(method.clone(), &url);
        if let Some(b) = bearer {
            req = req.header("Authorization", format!("Bearer {b}"));
        }
        if let Some(body) = body {
            req = req.body(body.to_owned());
        }
        let resp = req.send().await.expect("request");
        assert_eq!(resp.status().as_u16(), want, "{method} {url}");
        let v: Value = resp.json().await.expect("error body is JSON");
        assert!(
            v["error"]["internalCode"].is_number(),
            "{method} {url}: {v}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn refresh_needs_the_right_csrf_and_logout_revokes_the_bearer() {
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let wrong = app
        .lp_with_cookie(
            &format!("{ACCOUNT}/refresh"),
            Some(&agent.cookie),
            json!({"csrf": "0".repeat(64)}),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    let err: Value = wrong.json().await.expect("json");
    assert_eq!(err["error"]["internalCode"], 10);
    assert_eq!(err["error"]["responseStatus"], "UNAUTHORIZED");
    let ok = app
        .lp_with_cookie(
            &format!("{ACCOUNT}/refresh"),
            Some(&agent.cookie),
            json!({"csrf": agent.csrf}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let by_csrf_only = app
        .lp_with_cookie(
            &format!("{ACCOUNT}/refresh"),
            None,
            json!({"csrf": agent.csrf}),
        )
        .await;
    assert_eq!(
        by_csrf_only.status(),
        200,
        "the CSRF token alone identifies the login"
    );
    let out = app
        .lp_with_cookie(
            &format!("{ACCOUNT}/logout"),
            Some(&agent.cookie),
            json!({"csrf": agent.csrf}),
        )
        .await;
    assert_eq!(out.status(), 200);
    let (status, _) = app
        .lp_get(&agent, &format!("{}/availability", agent.session))
        .await;
    assert_eq!(status, 401, "the bearer is revoked");
    app.stop().await;
}
