//! Regression tests for LivePerson wire bugs found by the snapshot review: handler error
//! bodies kept, agent HTML sanitised, survey entries directly in their question, the agent
//! typing indicator ending with a transfer, and XML transcript
//! requests that carry more than the address.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::Agent;
use crate::wire_snap::{Fmt, Req, Wire};

/// agent1 Online with one accepted Sales chat; returns the agent and the chat URL.
async fn agent_with_a_chat(app: &TestApp) -> (Agent, String) {
    let agent = app.lp_agent("agent1").await;
    app.lp_request_chat("Sales").await;
    let (status, location, _) = app
        .lp_post(
            &agent,
            &format!("{}/incomingRequests", agent.session),
            json!({}),
        )
        .await;
    assert_eq!(status, 201);
    (agent, location.expect("Location"))
}

#[tokio::test]
async fn a_transfer_nobody_can_take_answers_the_transfer_errormsg_body_in_both_formats() {
    // Arrange: agent1 is the only agent online, so no other Sales agent can take the chat.
    let app = spawn_app().await;
    let (agent, chat) = agent_with_a_chat(&app).await;
    for fmt in [Fmt::Json, Fmt::Xml] {
        let w = Wire::new(&app, fmt);
        let req = w.body(
            Req::post(w.at(&format!("{chat}/transfer"), "v=1&NC=true")).bearer(&agent.bearer),
            &json!({"transfer": {"skill": {"id": 1}, "text": "VIP customer"}}),
            "<transfer><skill><id>1</id></skill><text>VIP customer</text></transfer>",
        );

        // Act
        let ex = w.call(req).await;

        // Assert: 400 with the shape the Scala client models (spec §2.2.21–22, §5).
        assert_eq!(ex.status, 400);
        let message = match fmt {
            Fmt::Json => {
                let v = ex.json();
                let keys: Vec<&String> = v["transfer"]
                    .as_object()
                    .expect("transfer")
                    .keys()
                    .collect();
                assert_eq!(keys, ["errormsg"], "{v}");
                v["transfer"]["errormsg"]
                    .as_str()
                    .expect("errormsg")
                    .to_owned()
            }
            Fmt::Xml => {
                assert!(ex.body.contains("<transfer><errormsg>"), "{}", ex.body);
                ex.field("errormsg")
            }
        };
        assert!(message.contains("Sales"), "{message}");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_html_line_never_carries_scripts_iframes_or_foreign_link_targets() {
    // Arrange
    let app = spawn_app().await;
    let (agent, chat) = agent_with_a_chat(&app).await;
    let html = "<div dir=\"ltr\">hi<script>alert(1)</script><iframe src=\"x\"></iframe>\
                <a href=\"https://example.com\" target=\"_top\">plans</a></div>";

    // Act
    let (status, _, _) = app
        .lp_post(
            &agent,
            &format!("{chat}/events"),
            json!({"event": {"@type": "line", "text": html, "textType": "html"}}),
        )
        .await;

    // Assert: refused, or stored without the disallowed parts.
    if status == 201 {
        let (_, v) = app.lp_get(&agent, &format!("{chat}/events?from=5")).await;
        let text = v["events"]["event"]["text"]
            .as_str()
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        assert!(
            !text.contains("<script") && !text.contains("<iframe"),
            "{text}"
        );
        assert!(!text.contains("_top") && text.contains("_blank"), "{text}");
    } else {
        assert_eq!(status, 400);
    }
    app.stop().await;
}

#[tokio::test]
async fn survey_questions_carry_their_choices_as_entry_directly() {
    // Arrange
    let app = spawn_app().await;
    let (agent, chat) = agent_with_a_chat(&app).await;

    // Act
    let (status, v) = app.lp_get(&agent, &format!("{chat}/survey.json")).await;

    // Assert: `{"id":1,…,"entry":[{"value":"yes",…},…]}`, and no `entries` element.
    assert_eq!(status, 200);
    let question = &v["survey"]["questions"]["question"][0];
    assert!(question.get("entries").is_none(), "{question}");
    assert_eq!(question["entry"][0]["value"], "yes", "{question}");
    app.stop().await;
}

#[tokio::test]
async fn a_transfer_ends_the_leaving_agents_typing() {
    // Arrange: agent1 has the chat and is typing; agent2 is Online for Sales.
    let app = spawn_app().await;
    let (a1, agent_chat) = agent_with_a_chat(&app).await;
    let key = agent_chat.rsplit('/').next().expect("key").to_owned();
    let typing = app
        .client
        .put(format!("{agent_chat}/info/agentTyping.json"))
        .bearer_auth(&a1.bearer)
        .json(&json!({"agentTyping": "typing"}))
        .send()
        .await
        .expect("agent typing");
    assert_eq!(typing.status(), 201);
    let a2 = app.lp_agent("agent2").await;
    let account = chatwire_engine::core::AccountId::parse("1000").expect("account");
    let sales = app
        .engine
        .skill_by_name_or_id(&account, "Sales")
        .await
        .expect("Sales")
        .id
        .0;
    let visitor_sees = |app: &TestApp| {
        let req = app
            .client
            .get(format!(
                "{}/api/account/1000/chat/{key}/info/agentTyping.json",
                app.address
            ))
            .header("authorization", "LivePerson appKey=demo-app-key");
        async move {
            let resp = req.send().await.expect("read");
            resp.json::<Value>().await.expect("json")
        }
    };

    // Act: agent1 transfers while typing; the visitor looks; agent2 accepts; the visitor looks.
    let transfer = json!({"transfer": {"skill": {"id": sales}}});
    let (status, _, _) = app
        .lp_post(&a1, &format!("{agent_chat}/transfer"), transfer)
        .await;
    assert_eq!(status, 200);
    let waiting = visitor_sees(&app).await;
    let accept = format!("{}/incomingRequests", a2.session);
    assert_eq!(app.lp_post(&a2, &accept, json!({})).await.0, 201);
    let chatting = visitor_sees(&app).await;

    // Assert
    assert_eq!(
        waiting,
        json!({"agentTyping": "not-typing"}),
        "nobody is in the chat"
    );
    assert_eq!(
        chatting,
        json!({"agentTyping": "not-typing"}),
        "agent2 has not typed"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_xml_transcript_request_carries_the_address_the_subject_and_the_offset() {
    // Arrange: mail on (towards a closed port: nothing is sent while the chat is open).
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = crate::helpers::test_settings(dir.path());
    settings.mail.smtp_host = "127.0.0.1".into();
    settings.mail.smtp_port = 9;
    let app = crate::helpers::spawn_with(settings).await;
    let chat = app.lp_request_chat("Sales").await;

    // Act: the JSON body's fields under a root element, as every other XML body has one.
    let resp = app
        .client
        .put(format!("{chat}/transcriptWithSubjectRequest.xml?v=1"))
        .header("authorization", "LivePerson appKey=demo-app-key")
        .header("content-type", "application/xml; charset=UTF-8")
        .body(
            "<transcriptRequest><email>ada@example.com</email><subject>Our chat</subject>\
             <timezoneOffset>-7200000</timezoneOffset></transcriptRequest>",
        )
        .send()
        .await
        .expect("transcript request");

    // Assert
    let status = resp.status().as_u16();
    assert_eq!(status, 200, "{}", resp.text().await.unwrap_or_default());
    let account = chatwire_engine::core::AccountId::parse("1000").expect("account");
    let key =
        chatwire_engine::core::ChatKey::parse(chat.rsplit('/').next().expect("key")).expect("key");
    let mails = app
        .engine
        .transcript_mails(&account, &key)
        .await
        .expect("mails");
    let got: Vec<(&str, &str, Option<i64>)> = mails
        .iter()
        .map(|m| (m.to.as_str(), m.subject.as_str(), m.timezone_offset_ms))
        .collect();
    assert_eq!(got, [("ada@example.com", "Our chat", Some(-7_200_000))]);
    app.stop().await;
}
