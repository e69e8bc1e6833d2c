//! Property tests of the SuperOffice dialect's parsers (issue 11, item 6): method bodies in
//! JSON, XML and form encoding, REST bodies including JSON Patch and merge patch, the OData
//! subset (`$select` and friends), the `SO-TimeZone` date style and opening-hours times.
//! Whatever arrives: no panic, no 5xx, JSON answers parse and XML answers are well-formed.
//! `PROPTEST_CASES` raises the number of cases (default 48 per target).

mod fuzz;

use proptest::prelude::*;

use fuzz::{Fixture, body_value, check, enc, encode, run, send, text};

/// Property names SuperOffice bodies use (never `Wait`: a long-poll would only slow the run).
const KEYS: &[&str] = &[
    "ChatSessionId",
    "ChatTopicId",
    "Id",
    "Message",
    "Type",
    "Author",
    "After",
    "ChatSession",
    "ChatTopic",
    "Name",
    "Description",
    "WelcomeMessage",
    "CustomerName",
    "CustomerEmail",
    "CustomerPhone",
    "CustomerCompanyName",
    "Status",
    "User",
    "UserId",
    "AssociateId",
    "ToAssociate",
    "TransferTo",
    "ChatPresence",
    "Present",
    "ChatOpeningHours",
    "MondayEnabled",
    "MondayStart",
    "MondayStop",
    "UseLunchHours",
    "LunchStart",
    "LunchStop",
    "TopicUserAgent",
    "CanListen",
    "CanRespond",
    "ManageTopic",
    "op",
    "path",
    "value",
    "from",
    "replace",
    "add",
    "remove",
    "/CustomerName",
    "/Status",
    "08:00",
    "17:30:00",
    "25:61",
    "ToCustomer",
    "Special",
];

const METHODS: &[&str] = &[
    "GetChatPresence",
    "SaveChatPresence",
    "CreateDefaultChatSessionEntity",
    "SaveChatSessionEntity",
    "GetChatSessionEntity",
    "ChatSessionsForUser",
    "TransferChatSession",
    "AcceptChatSessionTransfer",
    "RejectChatSessionTransfer",
    "PickUpChatSession",
    "ResetChatSession",
    "GetChatTranscript",
    "AddChatMessage",
    "CreateDefaultChatTopicEntity",
    "SaveChatTopicEntity",
    "GetChatTopicEntity",
    "IsWithinOpeningHours",
    "ChatTopicsForUser",
    "GetUserAgentList",
    "GetChatTopicUserAgentList",
    "GetChatTopicUserAgent",
    "AddChatTopicUserAgent",
    "UpdateChatTopicUserAgent",
    "UpdateChatTopicUserAgents",
    "CreateChatSessionForTopic",
    "NoSuchMethod",
];

/// REST routes with a body: method, path, XML root.
const REST: &[(&str, &str, &str)] = &[
    ("PUT", "/api/v1/ChatSession/1", "ChatSessionEntity"),
    ("PATCH", "/api/v1/ChatSession/1", "ChatSessionEntity"),
    ("POST", "/api/v1/ChatSession", "ChatSessionEntity"),
    ("POST", "/api/v1/ChatSession/1/Messages", "ChatMessage"),
    ("POST", "/api/v1/ChatSession/1/TransferTo/1", "request"),
    ("PUT", "/api/v1/ChatTopic/1", "ChatTopicEntity"),
    ("PATCH", "/api/v1/ChatTopic/1", "ChatTopicEntity"),
    ("POST", "/api/v1/ChatTopic", "ChatTopicEntity"),
    (
        "PUT",
        "/api/v1/ChatTopic/1/UserAgent",
        "ArrayOfChatTopicAgent",
    ),
    ("POST", "/api/v1/ChatTopic/1/UserAgent", "ChatTopicAgent"),
    (
        "POST",
        "/api/v1/ChatPresence/SaveAll",
        "ArrayOfChatPresence",
    ),
    (
        "POST",
        "/1000/api/v1/ChatTopic/1/Sessions",
        "ChatSessionEntity",
    ),
];

/// Routes answering OData-style queries.
const ODATA: &[&str] = &[
    "/api/v1/ChatSession",
    "/api/v1/ChatSession/1",
    "/api/v1/ChatSession/ForCurrentUser",
    "/api/v1/ChatSession/1/Messages",
    "/api/v1/ChatTopic/1",
    "/api/v1/ChatTopic/ForCurrentUser",
    "/api/v1/ChatTopic/1/UserAgent",
    "/api/v1/ChatTopic/1/IsOpen",
    "/api/v1/ChatPresence/GetAll",
    "/1000/api/v1/ChatTopic/UserAgents",
];

const ODATA_KEYS: &[&str] = &[
    "$select", "$top", "$skip", "$filter", "$orderby", "$format", "after", "After", "id",
];

fn auth(f: &Fixture) -> (&'static str, String) {
    ("authorization", format!("Bearer {}", f.bearer))
}

fn accept(xml: bool) -> (&'static str, String) {
    (
        "accept",
        if xml {
            "application/xml"
        } else {
            "application/json"
        }
        .to_owned(),
    )
}

/// `SO-TimeZone` values: the documented ones and junk.
fn time_zone() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        Just("utc,includeTZOffset".to_owned()),
        Just("includeTZOffset".to_owned()),
        "[ -~]{0,20}",
    ])
}

#[test]
fn any_superoffice_method_body_in_any_format_gets_a_well_formed_answer_and_never_a_5xx() {
    let strategy = (
        proptest::sample::select(METHODS),
        body_value(KEYS),
        any::<u8>(),
        any::<bool>(),
        time_zone(),
    );
    run(strategy, |rt, f, (method, value, format, xml, tz)| {
        let (content_type, body) = encode(format, "request", &value);
        let mut headers = vec![auth(f), accept(xml)];
        if !content_type.is_empty() {
            headers.push(("content-type", content_type));
        }
        if let Some(tz) = tz {
            headers.push(("so-timezone", tz));
        }
        let uri = format!("/api/v1/Agents/Chat/{method}");
        if let Some(answer) = rt.block_on(send(&f.app, "POST", &uri, &headers, body)) {
            check(&answer, &uri);
        }
    });
}

#[test]
fn any_superoffice_rest_body_or_json_patch_gets_a_well_formed_answer_and_never_a_5xx() {
    let patch_op = (
        proptest::sample::select(&["add", "remove", "replace", "move", "copy", "test", "nope"][..]),
        prop_oneof![
            proptest::sample::select(&["/CustomerName", "/Status", "/Name", "/ChatOpeningHours/MondayStart", "/", "", "/a/b/0", "/~1x~0"][..]).prop_map(str::to_owned),
            text(),
        ],
        body_value(KEYS),
    )
        .prop_map(|(op, path, value)| serde_json::json!({"op": op, "path": path, "value": value, "from": "/Name"}));
    let strategy = (
        proptest::sample::select(REST),
        prop_oneof![
            body_value(KEYS).prop_map(|v| (v, false)),
            proptest::collection::vec(patch_op, 0..4)
                .prop_map(|ops| (serde_json::Value::Array(ops), true)),
        ],
        any::<u8>(),
        any::<bool>(),
    );
    run(
        strategy,
        |rt, f, ((method, uri, root), (value, is_patch), format, xml)| {
            let (content_type, body) = if is_patch {
                let ct = if format % 2 == 0 {
                    "application/json-patch+json"
                } else {
                    "application/json"
                };
                (ct.to_owned(), value.to_string().into_bytes())
            } else {
                encode(format, root, &value)
            };
            let mut headers = vec![auth(f), accept(xml)];
            if !content_type.is_empty() {
                headers.push(("content-type", content_type));
            }
            if let Some(answer) = rt.block_on(send(&f.app, method, uri, &headers, body)) {
                check(&answer, &format!("{method} {uri}"));
            }
        },
    );
}

#[test]
fn any_odata_query_gets_a_well_formed_answer_and_never_a_5xx() {
    let value = prop_oneof![
        text(),
        "[A-Za-z/, ]{0,30}",
        Just("ChatSessionId,CustomerName,User/FullName".to_owned()),
        Just("*".to_owned()),
        "-?[0-9]{1,20}",
    ];
    let pair = (
        prop_oneof![4 => proptest::sample::select(ODATA_KEYS).prop_map(str::to_owned), 1 => text()],
        value,
    );
    let strategy = (
        proptest::sample::select(ODATA),
        proptest::collection::vec(pair, 0..4),
        any::<bool>(),
        time_zone(),
    );
    run(strategy, |rt, f, (path, pairs, xml, tz)| {
        let query: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("wait"))
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        let uri = format!("{path}?{}", query.join("&"));
        let mut headers = vec![auth(f), accept(xml)];
        if let Some(tz) = tz {
            headers.push(("so-timezone", tz));
        }
        if let Some(answer) = rt.block_on(send(&f.app, "GET", &uri, &headers, Vec::new())) {
            check(&answer, &format!("GET {uri}"));
        }
    });
}
