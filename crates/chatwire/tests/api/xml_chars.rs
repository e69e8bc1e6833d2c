//! Characters XML 1.0 cannot carry (issue 11, item 5): refused where text enters, in each
//! dialect's error format, and never present in an XML answer (an echoed `%00` chat key is
//! dropped from the XML, escaped in JSON). Snapshotted in both formats.

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::liveperson_snapshots::{Q, agent_in};
use crate::lp::key_of;
use crate::wire_snap::{Fmt, Req, Wire};

/// Panics unless `body` is a well-formed XML document.
pub(crate) fn assert_well_formed(body: &str) {
    let mut reader = quick_xml::Reader::from_str(body);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Text(t)) => {
                let text = t.decode().expect("text decodes");
                assert!(
                    text.chars().all(chatwire_engine::core::text::is_xml_char),
                    "a character XML cannot carry in {body}"
                );
            }
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML ({e}): {body}"),
        }
    }
}

async fn control_characters(fmt: Fmt) {
    // Arrange: agent1 Online handles a visitor's chat.
    let app = spawn_app().await;
    let w = Wire::new(&app, fmt);
    let a1 = agent_in(&w, "agent1").await;
    let chat = app.lp_request_chat("Sales").await;
    let key = key_of(&chat).to_owned();
    w.learn_chat(&key, "A");
    let incoming = format!("{}/incomingRequests?{Q}", a1.session);
    let (status, _, _) = app.lp_post(&a1, &incoming, json!({})).await;
    assert_eq!(status, 201);

    // Act / Assert: a visitor line with a BEL and a NUL is refused, in the run's format.
    let line =
        json!({"event": {"@type": "line", "text": "ring\u{7} and nul\u{0}", "textType": "plain"}});
    let refused = Req::post(w.at(&format!("{chat}/events"), Q))
        .header("authorization", "LivePerson appKey=demo-app-key")
        .body("application/json", line.to_string());
    let ex = w
        .check("visitor_error_400_control_character", refused, 400)
        .await;
    assert!(
        ex.body.contains("U+0007"),
        "names the character: {}",
        ex.body
    );

    // An unknown key holding a NUL is echoed without it in XML (escaped in JSON).
    let multi = Req::get(w.at(
        &format!("{}/chat", a1.session),
        &format!("chatSessionKeys={key},Hnul%00key&v=1&NC=true"),
    ))
    .bearer(&a1.bearer);
    let ex = w.check("chats_multi_nul_key", multi, 200).await;
    match fmt {
        Fmt::Xml => {
            assert!(ex.body.contains("<chatSessionKey>Hnulkey</chatSessionKey>"));
            assert_well_formed(&ex.body);
        }
        Fmt::Json => assert!(ex.body.contains(r"Hnul\u0000key"), "{}", ex.body),
    }
    app.stop().await;
}

#[tokio::test]
async fn liveperson_refuses_control_characters_and_never_writes_them_in_json() {
    control_characters(Fmt::Json).await;
}

#[tokio::test]
async fn liveperson_refuses_control_characters_and_never_writes_them_in_xml() {
    control_characters(Fmt::Xml).await;
}

#[tokio::test]
async fn superoffice_refuses_a_message_with_a_nul_in_its_error_format() {
    // Arrange: chat 1, accepted by agent1.
    let app = spawn_app().await;
    let a1 = app.lp_agent("agent1").await;
    app.lp_request_chat("Sales").await;
    let incoming = format!("{}/incomingRequests?{Q}", a1.session);
    let (status, _, _) = app.lp_post(&a1, &incoming, json!({})).await;
    assert_eq!(status, 201);

    // Act
    let mut answers = Vec::new();
    for accept in ["application/json", "application/xml"] {
        let resp = app
            .client
            .post(format!("{}/api/v1/ChatSession/1/Messages", app.address))
            .header(AUTHORIZATION, "Basic YWdlbnQxOmRlbW8tcGFzcw==")
            .header(ACCEPT, accept)
            .header(CONTENT_TYPE, "application/json")
            .body(json!({"Message": "nul\u{0} here", "Type": "ToCustomer"}).to_string())
            .send()
            .await
            .expect("message");
        answers.push((resp.status().as_u16(), resp.text().await.expect("body")));
    }

    // Assert
    let (status, body) = &answers[0];
    assert_eq!(*status, 400, "{body}");
    let body: Value = serde_json::from_str(body).expect("SuperOffice JSON error");
    assert_eq!(body["ErrorType"], "ArgumentException", "{body}");
    let (status, body) = &answers[1];
    assert_eq!(*status, 400, "{body}");
    assert!(body.contains("<Error "), "{body}");
    assert_well_formed(body);
    // The chat's messages as XML are well-formed.
    let xml = app
        .client
        .get(format!("{}/api/v1/ChatSession/1/Messages", app.address))
        .header(AUTHORIZATION, "Basic YWdlbnQxOmRlbW8tcGFzcw==")
        .header(ACCEPT, "application/xml")
        .send()
        .await
        .expect("messages");
    assert_eq!(xml.status(), 200);
    assert_well_formed(&xml.text().await.expect("body"));
    app.stop().await;
}
