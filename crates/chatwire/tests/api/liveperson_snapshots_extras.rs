//! Wire snapshots of the Chat Agent API extras, in JSON and in XML: the agent survey
//! (structure, submit by PUT and by POST + override, invalid answers), participant extended
//! info, and the visit resources (visit, info, custom variables). One scenario per format on a
//! fresh demo server, with a visitor who names a participant id without a token (so is not
//! authenticated: `liveperson_snapshots_identity` has the authenticated case) and sends custom
//! variables.

use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;
use crate::liveperson_snapshots::{Q, agent_in};
use crate::lp::{ACCOUNT, key_of};
use crate::wire_snap::{Exchange, Fmt, Req, Wire};

const PARTICIPANT: &str = "55fc1779-e3c4-4e2b-8c29-2b5f4d9f3a10";

/// The `survey.id` of a survey structure, in either format.
fn survey_id(fmt: Fmt, ex: &Exchange) -> i64 {
    match fmt {
        Fmt::Json => ex.json()["survey"]["id"]
            .as_i64()
            .expect("numeric survey id"),
        Fmt::Xml => ex.field("id").parse().expect("survey id"),
    }
}

/// A survey submission in both formats: `(question id, answers)`.
fn answers(w: &Wire<'_>, req: Req, id: i64, answers: &[(i64, &[&str])]) -> Req {
    let questions: Vec<_> = answers
        .iter()
        .map(|(q, a)| match a {
            [one] => json!({"id": q, "answer": one}),
            many => json!({"id": q, "answer": many}),
        })
        .collect();
    let xml: String = answers
        .iter()
        .map(|(q, a)| {
            let a: String = a.iter().map(|v| format!("<answer>{v}</answer>")).collect();
            format!("<question><id>{q}</id>{a}</question>")
        })
        .collect();
    w.body(
        req,
        &json!({"survey": {"id": id, "question": questions}}),
        &format!("<survey><id>{id}</id>{xml}</survey>"),
    )
}

async fn extras(fmt: Fmt) {
    // Arrange: a visitor naming a participant, with contact details and custom variables; agent1
    // accepts the chat.
    let app = spawn_app().await;
    let w = Wire::new(&app, fmt);
    let agent = agent_in(&w, "agent1").await;
    let (s, b) = (agent.session.clone(), agent.bearer.clone());
    let request = Req::post(format!("{ACCOUNT}/chat/request?{Q}"))
        .header("authorization", "LivePerson appKey=demo-app-key")
        .body(
            "application/json",
            json!({"request": {
                "skill": "Sales",
                "participantId": PARTICIPANT,
                "visitorSessionId": "cust-1042",
                "email": "ada@example.com",
                "phone": "+47 22 00 00 00",
                "company": "bank corp",
                "visitorIp": "192.0.2.7",
                "userAgent": "Mozilla/5.0 (test)",
                "chatReferrer": "https://shop.example.com/cart",
                "language": "nb-NO",
                "customVariables": {"customVariable": [
                    {"name": "tier", "value": "gold"},
                    {"name": "cart", "value": "3 items"}
                ]}
            }})
            .to_string(),
        );
    let ex = w.call(request).await;
    assert_eq!(ex.status, 201, "{}", ex.body);
    let key = key_of(&ex.location()).to_owned();
    w.learn_chat(&key, "A");
    let (status, chat, _) = app
        .lp_post(&agent, &format!("{s}/incomingRequests"), json!({}))
        .await;
    assert_eq!(status, 201);
    let chat = chat.expect("Location");
    let get = |url: &str, query: &str| Req::get(w.at(url, query)).bearer(&b);

    // Act + Assert: the agent survey.
    let survey = format!("{chat}/survey");
    let ex = w.check("survey_get", get(&survey, Q), 200).await;
    let id = survey_id(fmt, &ex);
    w.check(
        "survey_get_by_name",
        get(&survey, "surveyName=Wrap-up&v=1&NC=true"),
        200,
    )
    .await;
    let invalid = Req::new(Method::PUT, w.at(&survey, Q)).bearer(&b);
    w.check(
        "survey_put_invalid",
        answers(&w, invalid, id, &[(1, &["maybe"])]),
        400,
    )
    .await;
    let missing = Req::new(Method::PUT, w.at(&survey, Q)).bearer(&b);
    w.check(
        "survey_put_missing_revealed_answer",
        answers(&w, missing, id, &[(1, &["no"])]),
        400,
    )
    .await;
    let put = Req::new(Method::PUT, w.at(&survey, Q)).bearer(&b);
    w.check(
        "survey_put",
        answers(&w, put, id, &[(1, &["yes"]), (3, &["billing", "product"])]),
        200,
    )
    .await;
    let overridden = Req::post(w.at(&survey, Q))
        .bearer(&b)
        .header("x-http-method-override", "PUT");
    w.check(
        "survey_post_override",
        answers(
            &w,
            overridden,
            id,
            &[(1, &["no"]), (2, &["customer will call back"])],
        ),
        200,
    )
    .await;

    // Participant extended info.
    let participant = format!("{s}/participantExtendedInfo/{PARTICIPANT}");
    w.check("participant_info", get(&participant, Q), 200).await;
    let unknown = format!("{s}/participantExtendedInfo/nobody");
    w.check("error_404_unknown_participant", get(&unknown, Q), 404)
        .await;

    // The visit resources, reached from the chat's `visit-id` link.
    let visit_id = chatwire_engine::core::ChatKey::parse(&key)
        .expect("key")
        .visit_id();
    let visit = format!("{s}/visits/visit/{visit_id}");
    w.check("visit", get(&visit, Q), 200).await;
    w.check("visit_info", get(&format!("{visit}/info"), Q), 200)
        .await;
    w.check(
        "visit_custom_variables",
        get(&format!("{visit}/customVariables"), Q),
        200,
    )
    .await;
    let nowhere = format!("{s}/visits/visit/H1234567890123456789K1234567");
    w.check("error_404_unknown_visit", get(&nowhere, Q), 404)
        .await;
    app.stop().await;
}

#[tokio::test]
async fn survey_participant_and_visit_methods_match_the_json_snapshots() {
    extras(Fmt::Json).await;
}

#[tokio::test]
async fn survey_participant_and_visit_methods_match_the_xml_snapshots() {
    extras(Fmt::Xml).await;
}

#[tokio::test]
async fn every_link_of_the_agent_chat_resource_leads_somewhere_that_answers() {
    // Arrange
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    app.lp_request_chat("Sales").await;
    let (_, chat, _) = app
        .lp_post(
            &agent,
            &format!("{}/incomingRequests", agent.session),
            json!({}),
        )
        .await;
    let chat = chat.expect("Location");
    let (_, v) = app.lp_get(&agent, &format!("{chat}.json")).await;

    // Act
    let mut answers = Vec::new();
    for link in v["chat"]["link"].as_array().expect("links") {
        let href = link["@href"].as_str().expect("href");
        let (status, _) = app.lp_get(&agent, href).await;
        answers.push((link["@rel"].as_str().expect("rel").to_owned(), status));
    }

    // Assert
    let expected: Vec<(String, u16)> = [
        "self",
        "events",
        "info",
        "next",
        "collaboration-channels",
        "visit-id",
        "transfer",
        "transfer-account",
        "agent-survey",
    ]
    .iter()
    .map(|rel| ((*rel).to_owned(), 200))
    .collect();
    assert_eq!(answers, expected);
    app.stop().await;
}
