//! Wire snapshots of the Server Chat API (visitor side, spec §2.3), in JSON and in XML: the
//! account root, availability, available slots, estimated wait time (0, -1), the pre-chat and
//! offline surveys, App Engagement, the chat request, the chat resource while waiting,
//! chatting, after a transfer and ended, events, one event, lines, end, the standalone info and
//! its parts, the exit survey, custom variables, and the visitor-side error envelopes; a full
//! queue (-2) and the transcript requests are in `liveperson_snapshots_visitor_extras`. Each
//! scenario runs once per format on a fresh demo server.
//!
//! Besides the snapshots, the rules clients depend on are asserted in code in both formats: the
//! fixed link orders (§0 rule 3), no agent fields while waiting, agent-only events (pre-chat
//! lines, `ONLY_TO_REP` lines, transfer notes) never reaching the visitor, plain keys on the
//! standalone info, 201 with an empty body for the chat request, and 200 for set-name.

use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::liveperson_snapshots::agent_in;
use crate::lp::{ACCOUNT, Agent, key_of};
use crate::wire_snap::{Exchange, Fmt, Req, Wire};

/// The query string the visitor clients append (the Postman collection sends `v=1` only).
const V: &str = "v=1&NC=true";
/// The demo visitor app key's header.
const APP_KEY: &str = "LivePerson appKey=demo-app-key";
/// Text of agent-only events, none of which may ever reach the visitor.
const PRE_CHAT_LINE: &str = "order #42";
const PRIVATE_LINE: &str = "note: upsell the VIP plan";
const TRANSFER_NOTE: &str = "wants the enterprise discount";

/// `chat.link`, then `chat.events.link`, then `chat.info.link` (spec §0 rule 3).
const CHAT_RELS: [&str; 8] = [
    "self",
    "events",
    "info",
    "next",
    "transcript-request",
    "transcript-with-subject-request",
    "exit-survey",
    "custom-variables",
];
const EVENTS_RELS: [&str; 2] = ["self", "next"];
const INFO_RELS: [&str; 4] = ["self", "visitor-name", "visitor-typing", "agent-typing"];

/// A visitor request: the demo app key in the `Authorization` header.
pub(crate) fn visitor(req: Req) -> Req {
    req.header("authorization", APP_KEY)
}

/// A visitor `PUT`, sent as LivePerson documents it: `POST` + `X-HTTP-Method-Override: PUT`.
pub(crate) fn put(w: &Wire<'_>, url: &str) -> Req {
    visitor(Req::post(w.at(url, V))).header("x-http-method-override", "PUT")
}

/// The `rel`s of a JSON `link` (one object or a list) under `key` (`@rel` or `rel`).
fn json_rels(links: &Value, key: &str) -> Vec<String> {
    let list = match links {
        Value::Array(items) => items.clone(),
        Value::Null => vec![],
        one => vec![one.clone()],
    };
    list.iter()
        .map(|l| l[key].as_str().expect("rel").to_owned())
        .collect()
}

/// Every `rel="…"` of an XML body, in document order.
fn xml_rels(body: &str) -> Vec<String> {
    regex::Regex::new(r#"rel="([^"]*)""#)
        .expect("regex")
        .captures_iter(body)
        .map(|c| c[1].to_owned())
        .collect()
}

/// The chat resource's links in document order: chat, events, info.
fn chat_rels(fmt: Fmt, ex: &Exchange) -> Vec<String> {
    match fmt {
        Fmt::Json => {
            let v = ex.json();
            let mut rels = json_rels(&v["chat"]["link"], "@rel");
            rels.extend(json_rels(&v["chat"]["events"]["link"], "@rel"));
            rels.extend(json_rels(&v["chat"]["info"]["link"], "@rel"));
            rels
        }
        Fmt::Xml => xml_rels(&ex.body),
    }
}

/// Asserts the documented link orders of a visitor chat resource.
fn assert_chat_links(fmt: Fmt, ex: &Exchange) {
    let want: Vec<&str> = CHAT_RELS
        .iter()
        .chain(&EVENTS_RELS)
        .chain(&INFO_RELS)
        .copied()
        .collect();
    assert_eq!(chat_rels(fmt, ex), want, "{}", ex.body);
}

/// Asserts that no agent-only event reached the visitor.
fn assert_no_agent_only_events(ex: &Exchange) {
    for hidden in [PRE_CHAT_LINE, PRIVATE_LINE, TRANSFER_NOTE, "ONLY_TO_REP"] {
        assert!(!ex.body.contains(hidden), "{hidden:?} visible: {}", ex.body);
    }
}

/// Whether the body carries agent fields (`agentName`, `agentId`).
fn has_agent_fields(fmt: Fmt, ex: &Exchange) -> bool {
    match fmt {
        Fmt::Json => {
            let v = ex.json();
            let info = &v["chat"]["info"];
            info.get("agentName").is_some() || info.get("agentId").is_some()
        }
        Fmt::Xml => ex.body.contains("<agentName>") || ex.body.contains("<agentId>"),
    }
}

/// The `survey.id` of a survey structure.
fn survey_id(fmt: Fmt, ex: &Exchange) -> i64 {
    match fmt {
        Fmt::Json => ex.json()["survey"]["id"].as_i64().expect("survey id"),
        Fmt::Xml => ex.field("id").parse().expect("survey id"),
    }
}

/// A survey submission in both formats: `(question id, answer)`.
fn answers(w: &Wire<'_>, req: Req, id: i64, answers: &[(i64, &str)]) -> Req {
    let questions: Vec<Value> = answers
        .iter()
        .map(|(q, a)| json!({"id": q, "answer": a}))
        .collect();
    let xml: String = answers
        .iter()
        .map(|(q, a)| format!("<question><id>{q}</id><answer>{a}</answer></question>"))
        .collect();
    w.body(
        req,
        &json!({"survey": {"id": id, "question": questions, "skill": "Sales"}}),
        &format!("<survey><id>{id}</id>{xml}<skill>Sales</skill></survey>"),
    )
}

/// A visitor line in both formats.
fn line(w: &Wire<'_>, req: Req, text: &str) -> Req {
    w.body(
        req,
        &json!({"event": {"@type": "line", "text": text}}),
        &format!("<event type=\"line\"><text>{text}</text></event>"),
    )
}

/// `POST …/app/engagement/visitors/` (App Engagement, JSON body as documented), learning the
/// ids it issues so that the snapshot shows placeholders.
async fn engagement(w: &Wire<'_>, name: &str, sections: &[&str]) -> Exchange {
    let body = json!({
        "appType": "EXTERNAL",
        "appDetails": {"os": "MAC_OSX"},
        "consumerSections": sections
    });
    let req = Req::post(format!("{ACCOUNT}/app/engagement/visitors/?v=1.0"))
        .accept(w.fmt)
        .body("application/json", body.to_string());
    let ex = w.call(req).await;
    assert_eq!(ex.status, 200, "{}", ex.body);
    for (field, placeholder) in [
        ("sessionId", "[ENG_SESSION]"),
        ("visitorId", "[ENG_VISITOR]"),
        ("pageId", "[ENG_PAGE]"),
    ] {
        w.learn(&ex.field(field), placeholder);
    }
    if ex.body.contains("contextId") {
        // A number as text: learnt with its key, so that it cannot hit digits elsewhere.
        let id = ex.field("contextId");
        w.learn(
            &format!("\"contextId\": \"{id}\""),
            "\"contextId\": \"[ENG_CONTEXT]\"",
        );
        w.learn(&format!("<contextId>{id}<"), "<contextId>[ENG_CONTEXT]<");
    }
    w.snap(name, &ex);
    ex
}

/// Account-level methods before and after agent1 comes Online; returns agent1.
async fn account_methods(w: &Wire<'_>) -> Agent {
    let acct = |path: &str| format!("{ACCOUNT}{path}");
    let get = |path: &str, query: &str| visitor(Req::get(w.at(&acct(path), query)));

    // Nobody Online.
    w.check("visitor_account_root", get("", "v=1"), 200).await;
    let ex = w
        .check(
            "visitor_availability_nobody_online",
            get("/chat/availability", "skill=Sales&v=1"),
            200,
        )
        .await;
    assert!(ex.body.contains("false"), "{}", ex.body);
    w.check(
        "visitor_estimated_wait_time_nobody_online",
        get("/chat/estimatedWaitTime", "skill=Sales&v=1"),
        200,
    )
    .await;
    let ex = engagement(w, "visitor_engagement_not_available", &["Sales"]).await;
    assert!(ex.body.contains("NOT_AVAILABLE") && !ex.body.contains("engagementDetails"));

    // agent1 (Sales + Support, four chats) Online.
    let agent1 = agent_in(w, "agent1").await;
    // The Postman collection's form: the key as a query parameter.
    let by_query = Req::get(w.at(
        &acct("/chat/availability"),
        "skill=Sales&v=1&appKey=demo-app-key",
    ));
    w.check("visitor_availability_skill", by_query, 200).await;
    w.check(
        "visitor_availability_max_wait_0",
        get("/chat/availability", "skill=Sales&maxWaitTime=0&v=1"),
        200,
    )
    .await;
    w.check(
        "visitor_availability_agent",
        get("/chat/availability", "agent=agent1&v=1"),
        200,
    )
    .await;
    w.check(
        "visitor_available_slots",
        get("/chat/availableSlots", "skill=Sales&maxWaitTime=0&v=1"),
        200,
    )
    .await;
    w.check(
        "visitor_estimated_wait_time_now",
        get("/chat/estimatedWaitTime", "skill=Sales&v=1"),
        200,
    )
    .await;
    w.check("visitor_pre_survey", get("/chat/preSurvey", "v=1"), 200)
        .await;
    let ex = w
        .check(
            "visitor_offline_survey_get",
            get("/chat/offlineSurvey", "skill=Sales&v=1"),
            200,
        )
        .await;
    let offline = survey_id(w.fmt, &ex);
    let offline_url = acct("/chat/offlineSurvey");
    let valid = [(1, "Ada"), (2, "ada@example.com"), (3, "Call me back")];
    w.check(
        "visitor_offline_survey_put",
        answers(w, put(w, &offline_url), offline, &valid),
        200,
    )
    .await;
    let invalid = [(1, "Ada"), (2, "not-an-email"), (3, "Call me back")];
    w.check(
        "visitor_offline_survey_put_invalid",
        answers(w, put(w, &offline_url), offline, &invalid),
        400,
    )
    .await;
    let ex = engagement(w, "visitor_engagement_available", &["Sales", "English"]).await;
    assert!(ex.body.contains("AVAILABLE") && ex.body.contains("engagementDetails"));
    agent1
}

/// The chat request in this run's format: 201, empty body, `Location` = the chat URL.
async fn request_chat(w: &Wire<'_>) -> String {
    let req = w.body(
        visitor(Req::post(format!("{ACCOUNT}/chat/request?{V}"))),
        &json!({"request": {
            "skill": "Sales",
            "LETagVisitorId": "QzZDNhYTViMjA1OTJjN2Y5",
            "LETagSessionId": "ttJpjOmRQ0adbOusBi5UlA",
            "LETagContextId": "1",
            "engagementId": 311_098_710,
            "campaignId": 311_098_610,
            "language": "en-US",
            "interactionTimeout": 120,
            "preChatLines": {"line": [PRE_CHAT_LINE]}
        }}),
        &format!(
            "<request><skill>Sales</skill>\
             <LETagVisitorId>QzZDNhYTViMjA1OTJjN2Y5</LETagVisitorId>\
             <LETagSessionId>ttJpjOmRQ0adbOusBi5UlA</LETagSessionId>\
             <LETagContextId>1</LETagContextId>\
             <engagementId>311098710</engagementId><campaignId>311098610</campaignId>\
             <language>en-US</language><interactionTimeout>120</interactionTimeout>\
             <preChatLines><line>{PRE_CHAT_LINE}</line></preChatLines></request>"
        ),
    );
    let ex = w.call(req).await;
    assert_eq!(ex.status, 201, "{}", ex.body);
    assert!(ex.body.is_empty(), "the chat request answers an empty body");
    let chat = ex.location();
    assert!(chat.starts_with(&w.app.address) && chat.contains("/api/account/1000/chat/H"));
    w.learn_chat(key_of(&chat), "A");
    w.snap("visitor_request", &ex);
    chat
}

async fn chat_methods(fmt: Fmt) {
    // Arrange: account-level calls, then a waiting chat.
    let app = spawn_app().await;
    let w = Wire::new(&app, fmt);
    let a1 = account_methods(&w).await;
    let chat = request_chat(&w).await;
    let get = |url: &str, query: &str| visitor(Req::get(w.at(url, query)));
    let events = format!("{chat}/events");

    // Act + Assert: waiting. No agent fields; the pre-chat line is the agents'.
    let ex = w.check("visitor_chat_waiting", get(&chat, V), 200).await;
    assert_chat_links(fmt, &ex);
    assert!(!has_agent_fields(fmt, &ex), "agent fields while waiting");
    assert_no_agent_only_events(&ex);
    let ex = w
        .check("visitor_events_waiting", get(&events, V), 200)
        .await;
    let rels = match fmt {
        Fmt::Json => json_rels(&ex.json()["events"]["link"], "@rel"),
        Fmt::Xml => xml_rels(&ex.body),
    };
    assert_eq!(rels, EVENTS_RELS);

    // agent1 accepts and writes a line and a private note; the visitor answers.
    let incoming = format!("{}/incomingRequests", a1.session);
    let (status, agent_chat, _) = app.lp_post(&a1, &incoming, json!({})).await;
    assert_eq!(status, 201);
    let agent_chat = agent_chat.expect("Location");
    let agent_events = format!("{agent_chat}/events");
    for event in [
        json!({"event": {"@type": "line", "text": "Hello, how can I help?"}}),
        json!({"event": {"@type": "line", "text": PRIVATE_LINE, "subType": "ONLY_TO_REP"}}),
    ] {
        assert_eq!(app.lp_post(&a1, &agent_events, event).await.0, 201);
    }
    let post = || visitor(Req::post(w.at(&events, V)));
    let ex = w
        .check(
            "visitor_add_line",
            line(&w, post(), "I need a bigger plan"),
            201,
        )
        .await;
    let event_url = ex.location();

    // Chatting: the whole chat, then from the waiting read's `next` (3: the pre-chat line, 2,
    // is skipped), then the events from 5.
    let ex = w.check("visitor_chat_chatting", get(&chat, V), 200).await;
    assert_chat_links(fmt, &ex);
    assert!(has_agent_fields(fmt, &ex), "agent fields once chatting");
    assert_no_agent_only_events(&ex);
    let ex = w
        .check("visitor_chat_from", get(&chat, "from=3&v=1&NC=true"), 200)
        .await;
    assert_no_agent_only_events(&ex);
    let ex = w
        .check(
            "visitor_events_from",
            get(&events, "from=5&v=1&NC=true"),
            200,
        )
        .await;
    assert_no_agent_only_events(&ex);
    w.check("visitor_event_single", get(&event_url, V), 200)
        .await;

    // The standalone info (plain keys in JSON) and its parts.
    let ex = w
        .check("visitor_info", get(&format!("{chat}/info"), V), 200)
        .await;
    match fmt {
        Fmt::Json => {
            let v = ex.json();
            assert_eq!(json_rels(&v["info"]["link"], "rel"), INFO_RELS);
            assert!(v["info"]["link"][1]["href"].is_string(), "plain href");
            assert!(v["info"]["link"][1].get("@href").is_none());
        }
        Fmt::Xml => assert_eq!(xml_rels(&ex.body), INFO_RELS),
    }
    let info = |part: &str| format!("{chat}/info/{part}");
    w.check("visitor_info_name_get", get(&info("visitorName"), V), 200)
        .await;
    let set_name = w.body(
        put(&w, &info("visitorName")),
        &json!({"visitorName": "Natalie"}),
        "<visitorName>Natalie</visitorName>",
    );
    // The CaféX SDK requires 200 here (the doc's 201 is wrong).
    let ex = w.check("visitor_info_name_put", set_name, 200).await;
    assert!(ex.body.contains("Natalie"), "{}", ex.body);
    w.check(
        "visitor_info_typing_get",
        get(&info("visitorTyping"), V),
        200,
    )
    .await;
    let typing = w.body(
        put(&w, &info("visitorTyping")),
        &json!({"visitorTyping": "typing"}),
        "<visitorTyping>typing</visitorTyping>",
    );
    w.check("visitor_info_typing_put", typing, 200).await;
    let agent_typing = app
        .client
        .put(format!("{agent_chat}/info/agentTyping.json"))
        .bearer_auth(&a1.bearer)
        .json(&json!({"agentTyping": "typing"}))
        .send()
        .await
        .expect("agent typing");
    assert_eq!(agent_typing.status(), 201);
    w.check(
        "visitor_info_agent_typing_get",
        get(&info("agentTyping"), V),
        200,
    )
    .await;
    let vars = w.body(
        put(&w, &format!("{chat}/customVariables")),
        &json!({"customVariables": {"customVariable": [{"name": "cart", "value": "42.50"}]}}),
        "<customVariables><customVariable><name>cart</name><value>42.50</value>\
         </customVariable></customVariables>",
    );
    w.check("visitor_custom_variables_put", vars, 200).await;

    // agent1 says goodbye (which also ends its typing) and transfers to Sales with a note for
    // agent2 only; agent2 accepts. The visitor polls from the chatting read's `next` (8).
    let bye = json!({"event": {"@type": "line", "text": "A colleague will take over."}});
    assert_eq!(app.lp_post(&a1, &agent_events, bye).await.0, 201);
    let a2 = agent_in(&w, "agent2").await;
    let sales = app
        .engine
        .skill_by_name_or_id(
            &chatwire_engine::core::AccountId::parse("1000").expect("account"),
            "Sales",
        )
        .await
        .expect("Sales")
        .id
        .0;
    let transfer = json!({"transfer": {"skill": {"id": sales}, "text": TRANSFER_NOTE}});
    let (status, _, _) = app
        .lp_post(&a1, &format!("{agent_chat}/transfer"), transfer)
        .await;
    assert_eq!(status, 200);
    let ex = w
        .check("visitor_chat_transferred", get(&chat, "from=8&v=1"), 200)
        .await;
    assert!(!has_agent_fields(fmt, &ex), "agent fields while waiting");
    assert_no_agent_only_events(&ex);
    let accept = format!("{}/incomingRequests", a2.session);
    assert_eq!(app.lp_post(&a2, &accept, json!({})).await.0, 201);
    let ex = w
        .check("visitor_chat_after_transfer", get(&chat, "from=8&v=1"), 200)
        .await;
    assert_chat_links(fmt, &ex);
    assert!(ex.body.contains("Agent 2"), "{}", ex.body);
    assert_no_agent_only_events(&ex);

    // The exit survey; the visitor ends; the survey is submitted (valid, then invalid).
    let exit = format!("{chat}/exitSurvey");
    let ex = w.check("visitor_exit_survey_get", get(&exit, V), 200).await;
    let exit_id = survey_id(fmt, &ex);
    let end = w.body(
        post(),
        &json!({"event": {"@type": "state", "state": "ended"}}),
        "<event type=\"state\"><state>ended</state></event>",
    );
    w.check("visitor_end", end, 201).await;
    let ex = w
        .check("visitor_chat_ended", get(&chat, "from=11&v=1"), 200)
        .await;
    assert_no_agent_only_events(&ex);
    w.check(
        "visitor_exit_survey_put",
        answers(&w, put(&w, &exit), exit_id, &[(1, "yes"), (3, "5")]),
        200,
    )
    .await;
    w.check(
        "visitor_exit_survey_put_invalid",
        answers(&w, put(&w, &exit), exit_id, &[(1, "perhaps")]),
        400,
    )
    .await;
    // Answers to question ids the survey lacks (LivePerson's collection sends "123") are
    // kept with the response and change nothing: a submission of only those is a declined
    // survey, 200; beside a known question they do not excuse its rules.
    w.check(
        "visitor_exit_survey_put_unknown_question",
        answers(&w, put(&w, &exit), exit_id, &[(123, "answer1")]),
        200,
    )
    .await;
    w.check(
        "visitor_exit_survey_put_unknown_and_invalid",
        answers(
            &w,
            put(&w, &exit),
            exit_id,
            &[(123, "answer1"), (1, "perhaps")],
        ),
        400,
    )
    .await;

    // Metadata after the end (the collection's order): the name is recorded, typing is
    // accepted and changes nothing (the answer says the visitor is not typing).
    let set_name = w.body(
        put(&w, &info("visitorName")),
        &json!({"visitorName": "visitor1"}),
        "<visitorName>visitor1</visitorName>",
    );
    let ex = w
        .check("visitor_info_name_put_after_end", set_name, 200)
        .await;
    assert!(ex.body.contains("visitor1"), "{}", ex.body);
    let typing = w.body(
        put(&w, &info("visitorTyping")),
        &json!({"visitorTyping": "typing"}),
        "<visitorTyping>typing</visitorTyping>",
    );
    let ex = w
        .check("visitor_info_typing_put_after_end", typing, 200)
        .await;
    assert!(ex.body.contains("not-typing"), "{}", ex.body);

    // Error envelopes.
    w.check(
        "visitor_error_409_line_after_end",
        line(&w, post(), "still there?"),
        409,
    )
    .await;
    w.check("visitor_error_401_no_key", Req::get(w.at(&chat, V)), 401)
        .await;
    let unknown = Req::get(w.at(&chat, V)).header("authorization", "LivePerson appKey=nope");
    w.check("visitor_error_401_unknown_key", unknown, 401).await;
    let other = chatwire_engine::core::NewAppKey {
        key: "second-site-key".into(),
        account: chatwire_engine::core::AccountId::parse("1000").expect("account"),
        name: "second site".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    app.engine.create_app_key(&other).await.expect("second key");
    let foreign =
        Req::get(w.at(&chat, V)).header("authorization", "LivePerson appKey=second-site-key");
    w.check("visitor_error_403_other_app_key", foreign, 403)
        .await;
    let nowhere = format!(
        "{}{ACCOUNT}/chat/H1234567890123456789-0123456789abcdef0123456789abcdefK1234567",
        app.address
    );
    w.check("visitor_error_404_unknown_chat", get(&nowhere, V), 404)
        .await;
    let malformed = visitor(Req::post(w.at(&events, V))).body(fmt.mime(), "{not json or <xml");
    w.check("visitor_error_400_malformed_body", malformed, 400)
        .await;
    let bad_event = w.body(
        post(),
        &json!({"event": {"@type": "state", "state": "dancing"}}),
        "<event type=\"state\"><state>dancing</state></event>",
    );
    w.check("visitor_error_400_bad_event", bad_event, 400).await;
    app.stop().await;
}

#[tokio::test]
async fn visitor_methods_match_the_json_snapshots() {
    chat_methods(Fmt::Json).await;
}

#[tokio::test]
async fn visitor_methods_match_the_xml_snapshots() {
    chat_methods(Fmt::Xml).await;
}
