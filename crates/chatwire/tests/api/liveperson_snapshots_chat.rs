//! Wire snapshots of the chat-level LivePerson methods, in JSON and in XML: the visitor chat
//! request, ring and accept, the chat resource, events, lines (plain, html, ONLY_TO_REP), info,
//! visitor name and typing, agent typing, chat sessions, the multi-chat retrieve, transfer and
//! end, and the chat-level error envelopes. One scenario per format on a fresh demo server.

use chatwire_engine::LineInput;
use chatwire_engine::core::{AccountId, ChatKey, Typing};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app, visitor_post};
use crate::liveperson_snapshots::{Q, agent_in};
use crate::lp::{ACCOUNT, key_of};
use crate::wire_snap::{Fmt, Req, Wire};

fn ids(key: &str) -> (AccountId, ChatKey) {
    (
        AccountId::parse("1000").expect("account"),
        ChatKey::parse(key).expect("chat key"),
    )
}

async fn visitor_line(app: &TestApp, key: &str, text: &str) {
    let (account, key) = ids(key);
    visitor_post(&app.engine, &account, &key, LineInput::plain(text)).await;
}

/// A line event in both formats.
fn line(w: &Wire<'_>, req: Req, text: &str, text_type: &str, sub_type: Option<&str>) -> Req {
    let mut json = json!({"event": {"@type": "line", "text": text, "textType": text_type}});
    let mut xml = format!(
        "<event type=\"line\"><text>{}</text><textType>{text_type}</textType>",
        text.replace('&', "&amp;").replace('<', "&lt;")
    );
    if let Some(sub) = sub_type {
        json["event"]["subType"] = json!(sub);
        xml.push_str(&format!("<subType>{sub}</subType>"));
    }
    xml.push_str("</event>");
    w.body(req, &json, &xml)
}

async fn chat_methods(fmt: Fmt) {
    // Arrange: agent1 Online; a visitor asks for Sales with LETag ids and a pre-chat line.
    let app = spawn_app().await;
    let w = Wire::new(&app, fmt);
    let a1 = agent_in(&w, "agent1").await;
    let (s, b) = (a1.session.clone(), a1.bearer.clone());
    let request = w.body(
        Req::post(format!("{ACCOUNT}/chat/request?{Q}"))
            .header("authorization", "LivePerson appKey=demo-app-key"),
        &json!({"request": {
            "skill": "Sales",
            "LETagVisitorId": "QzZDNhYTViMjA1OTJjN2Y5",
            "LETagSessionId": "ttJpjOmRQ0adbOusBi5UlA",
            "LETagContextId": 1,
            "engagementId": 311_098_710,
            "campaignId": 311_098_610,
            "language": "en-US",
            "preChatLines": {"line": ["order #42"]}
        }}),
        "<request><skill>Sales</skill><LETagVisitorId>QzZDNhYTViMjA1OTJjN2Y5</LETagVisitorId>\
         <LETagSessionId>ttJpjOmRQ0adbOusBi5UlA</LETagSessionId><LETagContextId>1</LETagContextId>\
         <engagementId>311098710</engagementId><campaignId>311098610</campaignId>\
         <language>en-US</language><preChatLines><line>order #42</line></preChatLines></request>",
    );
    let ex = w.call(request).await;
    assert_eq!(ex.status, 201, "{}", ex.body);
    let key_a = key_of(&ex.location()).to_owned();
    w.learn_chat(&key_a, "A");
    w.snap("visitor_chat_request", &ex);

    // Act + Assert: ring, accept.
    let get = |url: &str, query: &str| Req::get(w.at(url, query)).bearer(&b);
    let incoming = format!("{s}/incomingRequests");
    w.check("incoming_requests_ringing", get(&incoming, Q), 200)
        .await;
    let accept = Req::post(w.at(&incoming, Q)).bearer(&b);
    let accept = match fmt {
        Fmt::Json => accept.body("application/json", "{}"),
        Fmt::Xml => accept,
    };
    let ex = w.check("incoming_requests_accept", accept, 201).await;
    let chat = ex.location();
    assert!(chat.ends_with(&key_a));

    // Transfer with nobody else online: no skills. (A transfer to Sales now is refused; its
    // body is checked in `liveperson_wire_bugs`.)
    w.check(
        "transfer_get_none",
        get(&format!("{chat}/transfer"), Q),
        200,
    )
    .await;
    let sales = app
        .engine
        .skill_by_name_or_id(&ids(&key_a).0, "Sales")
        .await
        .expect("Sales")
        .id
        .0;
    let support = app
        .engine
        .skill_by_name_or_id(&ids(&key_a).0, "Support")
        .await
        .expect("Support")
        .id
        .0;
    // The chat resource, then lines both ways.
    w.check("chat", get(&chat, Q), 200).await;
    visitor_line(&app, &key_a, "I need a bigger plan").await;
    let events = format!("{chat}/events");
    let post = || Req::post(w.at(&events, Q)).bearer(&b);
    w.check(
        "add_line_plain",
        line(&w, post(), "Hello, how can I help?", "plain", None),
        201,
    )
    .await;
    w.check(
        "add_line_html",
        line(
            &w,
            post(),
            "<div dir=\"ltr\">See <b>plans</b> & prices</div>",
            "html",
            None,
        ),
        201,
    )
    .await;
    w.check(
        "add_line_only_to_rep",
        line(&w, post(), "note: upsell", "plain", Some("ONLY_TO_REP")),
        201,
    )
    .await;
    w.check("chat_from", get(&chat, "from=5&v=1&NC=true"), 200)
        .await;
    w.check("events_from", get(&events, "from=6&v=1&NC=true"), 200)
        .await;
    w.check("events_none_new", get(&events, "from=9&v=1&NC=true"), 200)
        .await;

    // Info and its parts; the visitor is typing.
    let (account, key) = ids(&key_a);
    let visitor = app
        .engine
        .visitor_caller(&account, "demo-app-key")
        .await
        .expect("app key");
    app.engine
        .set_visitor_typing(&visitor, &key, Typing::Typing)
        .await
        .expect("typing");
    w.check("chat_info", get(&format!("{chat}/info"), Q), 200)
        .await;
    w.check(
        "visitor_name",
        get(&format!("{chat}/info/visitorName"), Q),
        200,
    )
    .await;
    w.check(
        "visitor_typing",
        get(&format!("{chat}/info/visitorTyping"), Q),
        200,
    )
    .await;
    w.check(
        "agent_typing_get",
        get(&format!("{chat}/info/agentTyping"), Q),
        200,
    )
    .await;
    let typing = w.body(
        Req::post(w.at(&format!("{chat}/info/agentTyping"), Q))
            .bearer(&b)
            .header("x-http-method-override", "PUT"),
        &json!({"agentTyping": "typing"}),
        "<agentTyping>typing</agentTyping>",
    );
    w.check("agent_typing_put", typing, 201).await;
    w.check("chat_sessions", get(&format!("{s}/chatSessions"), Q), 200)
        .await;

    // Two more chats: B (Support) and C (Sales), both accepted by agent1.
    let key_b = key_of(&app.lp_request_chat("Support").await).to_owned();
    let key_c = key_of(&app.lp_request_chat("Sales").await).to_owned();
    w.learn_chat(&key_b, "B");
    w.learn_chat(&key_c, "C");
    for _ in 0..2 {
        let (status, _, _) = app.lp_post(&a1, &incoming, json!({})).await;
        assert_eq!(status, 201);
    }
    w.check(
        "chats_multi",
        get(
            &format!("{s}/chat"),
            &format!("chatSessionKeys={key_a},{key_b}&fromEventIds=8,3&v=1&NC=true"),
        ),
        200,
    )
    .await;
    let errors = get(
        &format!("{s}/chat"),
        &format!("chatSessionKeys={key_a},Hnope&v=1&NC=true"),
    );
    let ex = w.check("chats_multi_errors", errors, 200).await;
    assert!(ex.body.contains("Hnope"), "the unknown key is named");

    // Another agent: 403 on agent1's chat. Then transfers of B (to Sales) and C (to agent3).
    let a2 = agent_in(&w, "agent2").await;
    let a3 = agent_in(&w, "agent3").await;
    let foreign = Req::get(w.at(&format!("{}/chat/{key_a}", a2.session), Q)).bearer(&a2.bearer);
    w.check("error_403_foreign_chat", foreign, 403).await;
    w.check("transfer_get", get(&format!("{chat}/transfer"), Q), 200)
        .await;
    let chat_b = chat.replace(&key_a, &key_b);
    let transfer_b = w.body(
        Req::post(w.at(&format!("{chat_b}/transfer"), Q)).bearer(&b),
        &json!({"transfer": {"skill": {"id": sales}, "text": "billing question"}}),
        &format!(
            "<transfer><skill><id>{sales}</id></skill><text>billing question</text></transfer>"
        ),
    );
    w.check("transfer_post_skill", transfer_b, 200).await;
    let agent3_id = app
        .engine
        .agent_by_login(&account, "agent3")
        .await
        .expect("agent3")
        .id
        .0;
    let chat_c = chat.replace(&key_a, &key_c);
    let transfer_c = w.body(
        Req::post(w.at(&format!("{chat_c}/transfer"), Q)).bearer(&b),
        &json!({"transfer": {"agent": {"id": agent3_id}, "skill": {"id": support}, "text": "for you"}}),
        &format!(
            "<transfer><agent><id>{agent3_id}</id></agent><skill><id>{support}</id></skill>\
             <text>for you</text></transfer>"
        ),
    );
    w.check("transfer_post_agent", transfer_c, 200).await;
    w.check(
        "chat_after_transfer",
        get(&chat_c, "from=5&v=1&NC=true"),
        200,
    )
    .await;
    w.check(
        "incoming_requests_transferred",
        Req::get(w.at(&format!("{}/incomingRequests", a3.session), Q)).bearer(&a3.bearer),
        200,
    )
    .await;

    // End A; then a line is refused with 409, and the chat stays readable.
    let end = w.body(
        post(),
        &json!({"event": {"@type": "state", "state": "ended"}}),
        "<event type=\"state\"><state>ended</state></event>",
    );
    w.check("end_chat", end, 201).await;
    w.check(
        "error_409_chat_ended",
        line(&w, post(), "still there?", "plain", None),
        409,
    )
    .await;
    w.check("chat_ended", get(&chat, "from=9&v=1&NC=true"), 200)
        .await;
    app.stop().await;
}

#[tokio::test]
async fn chat_methods_match_the_json_snapshots() {
    chat_methods(Fmt::Json).await;
}

#[tokio::test]
async fn chat_methods_match_the_xml_snapshots() {
    chat_methods(Fmt::Xml).await;
}
