//! Property tests of the LivePerson dialect's parsers (issue 11, item 6): request bodies in
//! JSON, XML and form encoding on every route that reads one, and query strings on the routes
//! that read them. Whatever arrives: no panic, no 5xx, JSON answers parse and XML answers are
//! well-formed. `PROPTEST_CASES` raises the number of cases (default 48 per target).

mod fuzz;

use proptest::prelude::*;

use fuzz::{Fixture, body_value, check, enc, encode, run, send, text};

/// Field names LivePerson bodies use (never `wait`: a long-poll would only slow the run).
const KEYS: &[&str] = &[
    "event",
    "@type",
    "type",
    "line",
    "state",
    "text",
    "textType",
    "subType",
    "chat",
    "request",
    "skill",
    "id",
    "agent",
    "availability",
    "visitorName",
    "agentTyping",
    "visitorTyping",
    "transfer",
    "survey",
    "question",
    "answers",
    "answer",
    "value",
    "customVariables",
    "customVariable",
    "name",
    "email",
    "subject",
    "preChatLines",
    "interactionTimeout",
    "LETagContextId",
    "engagementId",
    "loginData",
    "username",
    "password",
    "typing",
    "ended",
    "chatting",
    "plain",
    "html",
    "Online",
    "Away",
    "visitor",
];

/// Routes that read a body: method, path (with `{S}` the agent session, `{C}` the chat),
/// whether the visitor's app key is the credential, and the XML root.
const BODY_ROUTES: &[(&str, &str, bool, &str)] = &[
    ("POST", "{S}/chat/{C}/events", false, "event"),
    ("POST", "/api/account/1000/chat/{C}/events", true, "event"),
    (
        "PUT",
        "/api/account/1000/chat/{C}/info/visitorName",
        true,
        "visitorName",
    ),
    (
        "PUT",
        "/api/account/1000/chat/{C}/info/visitorTyping",
        true,
        "visitorTyping",
    ),
    ("POST", "/api/account/1000/chat/request", true, "request"),
    ("PUT", "{S}/availability", false, "availability"),
    ("POST", "{S}/chat/{C}/transfer", false, "transfer"),
    ("PUT", "{S}/chat/{C}/info/agentTyping", false, "agentTyping"),
    ("PUT", "{S}/chat/{C}/survey", false, "survey"),
    (
        "PUT",
        "/api/account/1000/chat/{C}/exitSurvey",
        true,
        "survey",
    ),
    (
        "PUT",
        "/api/account/1000/chat/{C}/customVariables",
        true,
        "customVariables",
    ),
    (
        "PUT",
        "/api/account/1000/chat/{C}/transcriptRequest",
        true,
        "transcriptRequest",
    ),
    (
        "PUT",
        "/api/account/1000/chat/offlineSurvey",
        true,
        "survey",
    ),
    (
        "POST",
        "/api/account/1000/app/engagement/visitors",
        true,
        "engagement",
    ),
    (
        "POST",
        "/api/account/1000/agentSession",
        false,
        "agentSession",
    ),
    ("POST", "{S}/incomingRequests", false, "incomingRequests"),
];

/// Routes that read a query string.
const QUERY_ROUTES: &[(&str, bool)] = &[
    ("{S}/chat/{C}", false),
    ("{S}/chat/{C}/events", false),
    ("{S}/chat", false),
    ("{S}/incomingRequests", false),
    ("{S}/availableAgents", false),
    ("{S}/chat/availableSlots", false),
    ("{S}/chatSessions", false),
    ("/api/account/1000/chat/{C}", true),
    ("/api/account/1000/chat/{C}/events", true),
    ("/api/account/1000/chat/availability", true),
    ("/api/account/1000/chat/estimatedWaitTime", true),
    ("/api/account/1000/chat/preSurvey", true),
    ("/api/account/1000/service/agentVep/baseURI", true),
    ("/csdr/account/1000/service/baseURI", true),
];

const QUERY_KEYS: &[&str] = &[
    "from",
    "fromEventIds",
    "chatSessionKeys",
    "v",
    "NC",
    "skill",
    "agent",
    "agentId",
    "serviceName",
    "maxWaitTime",
    "mode",
    "surveyId",
    "appKey",
    "version",
];

fn path(f: &Fixture, template: &str, xml: bool) -> String {
    let p = template.replace("{S}", &f.session).replace("{C}", &f.chat);
    if xml {
        format!("{p}.xml")
    } else {
        format!("{p}.json")
    }
}

fn credential(f: &Fixture, visitor: bool) -> (&'static str, String) {
    if visitor {
        ("authorization", "LivePerson appKey=app-key-1".to_owned())
    } else {
        ("authorization", format!("Bearer {}", f.bearer))
    }
}

#[test]
fn any_liveperson_body_in_any_format_gets_a_well_formed_answer_and_never_a_5xx() {
    let strategy = (
        proptest::sample::select(BODY_ROUTES),
        body_value(KEYS),
        any::<u8>(),
        any::<bool>(),
    );
    run(
        strategy,
        |rt, f, ((method, template, visitor, root), value, format, xml)| {
            let (content_type, body) = encode(format, root, &value);
            let mut headers = vec![credential(f, visitor)];
            if !content_type.is_empty() {
                headers.push(("content-type", content_type));
            }
            let uri = path(f, template, xml);
            if let Some(answer) = rt.block_on(send(&f.app, method, &uri, &headers, body)) {
                check(&answer, &format!("{method} {uri}"));
            }
        },
    );
}

#[test]
fn any_raw_liveperson_body_bytes_get_a_well_formed_answer_and_never_a_5xx() {
    let strategy = (
        proptest::sample::select(BODY_ROUTES),
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            text().prop_map(String::into_bytes),
        ],
        any::<bool>(),
    );
    run(
        strategy,
        |rt, f, ((method, template, visitor, _), body, xml)| {
            let headers = vec![
                credential(f, visitor),
                ("content-type", "application/xml".to_owned()),
            ];
            let uri = path(f, template, xml);
            if let Some(answer) = rt.block_on(send(&f.app, method, &uri, &headers, body)) {
                check(&answer, &format!("{method} {uri}"));
            }
        },
    );
}

#[test]
fn any_liveperson_query_string_gets_a_well_formed_answer_and_never_a_5xx() {
    let pair = (
        prop_oneof![4 => proptest::sample::select(QUERY_KEYS).prop_map(str::to_owned), 1 => text()],
        prop_oneof![
            text(),
            "[0-9,-]{0,12}",
            "H[0-9]{1,19}-[0-9a-f]{0,32}K[0-9]{0,7}"
        ],
    );
    let strategy = (
        proptest::sample::select(QUERY_ROUTES),
        proptest::collection::vec(pair, 0..5),
        any::<bool>(),
        prop_oneof![Just(String::new()), "[?&=%a-z0-9]{0,8}"],
    );
    run(
        strategy,
        |rt, f, ((template, visitor), pairs, xml, junk)| {
            let query: Vec<String> = pairs
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("wait"))
                .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
                .collect();
            let uri = format!("{}?{}{junk}", path(f, template, xml), query.join("&"));
            let headers = vec![credential(f, visitor)];
            if let Some(answer) = rt.block_on(send(&f.app, "GET", &uri, &headers, Vec::new())) {
                check(&answer, &format!("GET {uri}"));
            }
        },
    );
}
