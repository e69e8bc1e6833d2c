//! Chat transcripts by e-mail, delivered to a real SMTP server: Python's `aiosmtpd`, started
//! here on a free port, decoding each message it receives into a JSON file we poll for.
//!
//! Needs a Python with `aiosmtpd` (see `smtp.rs`: `CHATWIRE_TEST_PYTHON`, else `python3`);
//! without it these tests print a `SKIPPED` line and pass.

use std::path::Path;
use std::time::Duration;

use chatwire_engine::core::{
    AccountId, Availability, ChatKey, EventId, EventKind, LineSubType, MailStatus, OutboxMail,
    TextType,
};
use chatwire_engine::{
    AgentPrincipal, ChatRequestInput, Cursor, LineInput, TranscriptRequest, VisitorCaller,
};
use serde_json::Value;

use crate::helpers::{TestApp, agent_caller, spawn_with, test_settings, visitor_post};
use crate::smtp::{SmtpSink, available as smtp_available, free_port};

/// A demo server whose mail goes to 127.0.0.1:`port`, retrying every 100-400 ms.
async fn app_mailing_to(port: u16, data: &Path) -> TestApp {
    let mut settings = test_settings(data);
    settings.mail.smtp_host = "127.0.0.1".into();
    settings.mail.smtp_port = port;
    settings.mail.from = "chatwire <noreply@chatwire.test>".into();
    settings.mail.retry_initial_ms = 100;
    settings.mail.retry_max_ms = 400;
    settings.mail.max_attempts = 1_000;
    settings.mail.timeout_secs = 5;
    spawn_with(settings).await
}

fn demo() -> AccountId {
    AccountId::parse("1000").expect("id")
}

/// A Support chat from Natalie (with a pre-chat line), accepted by agent3.
async fn accepted_chat(app: &TestApp) -> (ChatKey, chatwire_engine::core::AgentId) {
    let account = demo();
    let input = ChatRequestInput {
        skill: Some("Support".into()),
        visitor_name: Some("Natalie".into()),
        pre_chat_lines: vec!["pre-chat: customer tier gold".into()],
        ..ChatRequestInput::default()
    };
    let key = app
        .engine
        .request_chat_from(&account, input, None)
        .await
        .expect("chat")
        .chat
        .key;
    let agent3 = app
        .engine
        .agent_by_login(&account, "agent3")
        .await
        .expect("agent3")
        .id;
    app.engine
        .set_availability(&account, agent3, Availability::Online)
        .await
        .expect("online");
    app.engine
        .pick_up(&crate::helpers::agent_principal(&account, agent3), &key)
        .await
        .expect("accept")
        .expect("the chat was waiting");
    (key, agent3)
}

async fn mails(app: &TestApp, key: &ChatKey) -> Vec<OutboxMail> {
    app.engine
        .transcript_mails(&demo(), key)
        .await
        .expect("outbox")
}

/// Agent `agent` of `account` as the caller of agent writes.
fn agent_principal(account: &AccountId, agent: chatwire_engine::core::AgentId) -> AgentPrincipal {
    AgentPrincipal::for_tests(account, agent)
}

/// The seeded visitor application (its key may act on chats opened without one).
async fn visitor(app: &TestApp, account: &AccountId) -> VisitorCaller {
    app.engine
        .visitor_caller(account, "demo-app-key")
        .await
        .expect("seeded app key")
}

fn request(email: &str, subject: Option<&str>) -> TranscriptRequest {
    TranscriptRequest {
        email: email.into(),
        subject: subject.map(str::to_owned),
        timezone_offset_ms: Some(-7_200_000),
    }
}

/// `[HH:MM:SS]` of `at_ms` at UTC+2 (what timezoneOffset -7 200 000 asks for).
fn clock_utc_plus_2(at_ms: i64) -> String {
    let secs = (at_ms.div_euclid(1000) + 7_200).rem_euclid(86_400);
    format!(
        "[{:02}:{:02}:{:02}]",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[tokio::test]
async fn a_transcript_requested_during_the_chat_arrives_after_it_ends_with_only_visible_lines() {
    if !smtp_available() {
        return;
    }
    // Arrange: SMTP up; a chat with lines both ways, one of them for agents only.
    let port = free_port();
    let sink = SmtpSink::start(port);
    let data = tempfile::tempdir().expect("data dir");
    let app = app_mailing_to(port, data.path()).await;
    let account = demo();
    let (key, agent3) = accepted_chat(&app).await;
    let agent = agent_principal(&account, agent3);
    visitor_post(
        &app.engine,
        &account,
        &key,
        LineInput::plain("Hello, my order is late"),
    )
    .await;
    app.engine
        .agent_post_line(&agent, &key, LineInput::plain("Sorry! Let me check."))
        .await
        .expect("agent line");
    let private = LineInput {
        sub_type: LineSubType::OnlyToRep,
        ..LineInput::plain("note to self: refund without asking")
    };
    app.engine
        .agent_post_line(&agent, &key, private)
        .await
        .expect("private line");
    let html = LineInput {
        text_type: TextType::Html,
        ..LineInput::plain("It ships <b>today</b>.")
    };
    app.engine
        .agent_post_line(&agent, &key, html)
        .await
        .expect("html line");

    // Act 1: ask for the transcript while the chat is open.
    app.engine
        .request_transcript(
            &visitor(&app, &account).await,
            &key,
            request("visitor@example.com", Some("Your chat with ACME")),
        )
        .await
        .expect("transcript requested");

    // Assert 1: nothing is sent while the chat is open. A second, already ended chat acts as
    // the barrier: its mail is queued after ours, so once it has arrived the mailer has
    // scanned with ours in the outbox, and would have sent ours first had it been due.
    let other = app
        .engine
        .request_chat_from(&account, ChatRequestInput::default(), None)
        .await
        .expect("second chat")
        .chat
        .key;
    app.engine
        .visitor_end_chat(&visitor(&app, &account).await, &other)
        .await
        .expect("end second chat");
    app.engine
        .request_transcript(
            &visitor(&app, &account).await,
            &other,
            request("other@example.com", None),
        )
        .await
        .expect("second transcript");
    let first = sink.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(first.len(), 1);
    assert_eq!(
        first[0]["rcpt_tos"],
        serde_json::json!(["other@example.com"])
    );
    assert_eq!(first[0]["subject"], "Your chat transcript");
    let queued = mails(&app, &key).await;
    assert_eq!(
        (queued[0].status, queued[0].attempts),
        (MailStatus::Pending, 0)
    );

    // Act 2: the agent ends the chat.
    app.engine.agent_end_chat(&agent, &key).await.expect("end");

    // Assert 2: the transcript arrives with every visible line, in the visitor's time zone.
    let all = sink.wait_for(2, Duration::from_secs(30)).await;
    let mail = all
        .iter()
        .find(|m| m["rcpt_tos"] == serde_json::json!(["visitor@example.com"]))
        .expect("the transcript");
    assert_eq!(mail["subject"], "Your chat with ACME");
    assert_eq!(mail["from"], "chatwire <noreply@chatwire.test>");
    let plain = mail["plain"].as_str().expect("text/plain part");
    let html = mail["html"].as_str().expect("text/html part");
    let events = app
        .engine
        .read_events(
            &agent_caller(&account, agent3),
            &key,
            Cursor::From(EventId(0)),
            Duration::ZERO,
        )
        .await
        .expect("events")
        .events;
    let hello = events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::Line(l) if l.text.starts_with("Hello")))
        .expect("visitor line event");
    for expected in [
        format!(
            "{} Natalie: Hello, my order is late",
            clock_utc_plus_2(hello.at.0)
        ),
        "Agent 3: Sorry! Let me check.".to_owned(),
        "Agent 3: It ships today.".to_owned(),
        "* You are now chatting with Agent 3.".to_owned(),
        "Agent 3 has ended the chat.".to_owned(),
        "Agent: Agent 3".to_owned(),
        "(UTC+02:00)".to_owned(),
    ] {
        assert!(
            plain.contains(&expected),
            "missing {expected:?} in:\n{plain}"
        );
    }
    assert!(html.contains("It ships <b>today</b>."), "{html}");
    for secret in ["refund without asking", "customer tier gold"] {
        assert!(
            !plain.contains(secret) && !html.contains(secret),
            "{secret:?} leaked"
        );
    }
    // The SMTP server has the message before the mailer records it as sent: poll for the row.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let sent = loop {
        let rows = mails(&app, &key).await;
        if rows[0].status == MailStatus::Sent || tokio::time::Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(sent[0].status, MailStatus::Sent);
    assert!(sent[0].sent_at.is_some());
    app.stop().await;
}

#[tokio::test]
async fn a_transcript_waits_in_the_outbox_while_smtp_is_down_and_is_delivered_by_a_retry() {
    if !smtp_available() {
        return;
    }
    // Arrange: SMTP down (nothing listens on the port yet); an ended chat.
    let port = free_port();
    let data = tempfile::tempdir().expect("data dir");
    let app = app_mailing_to(port, data.path()).await;
    let account = demo();
    let (key, agent3) = accepted_chat(&app).await;
    visitor_post(&app.engine, &account, &key, LineInput::plain("Thanks, bye")).await;
    app.engine
        .agent_end_chat(&agent_principal(&account, agent3), &key)
        .await
        .expect("end");

    // Act 1: request the transcript of the ended chat.
    app.engine
        .request_transcript(
            &visitor(&app, &account).await,
            &key,
            request("visitor@example.com", None),
        )
        .await
        .expect("queued even though SMTP is down");

    // Assert 1: attempts are recorded and the mail stays queued.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let failing = loop {
        let m = mails(&app, &key).await;
        if m[0].attempts >= 2 {
            break m[0].clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "no attempts: {m:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(failing.status, MailStatus::Pending);
    assert!(failing.last_error.is_some(), "the connection error is kept");

    // Act 2: the SMTP server comes up.
    let sink = SmtpSink::start(port);

    // Assert 2: a retry delivers it.
    let got = sink.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(
        got[0]["rcpt_tos"],
        serde_json::json!(["visitor@example.com"])
    );
    assert!(
        got[0]["plain"]
            .as_str()
            .is_some_and(|p| p.contains("Natalie: Thanks, bye"))
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let m = mails(&app, &key).await;
        if m[0].status == MailStatus::Sent {
            assert!(m[0].attempts >= 2, "delivered by a retry");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not marked sent: {m:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    app.stop().await;
}

/// The whole visitor story over HTTP: request → the agent rings and accepts → lines both ways,
/// each side polling with its own cursor → the visitor asks for the transcript and ends → the
/// mail arrives with every line.
#[tokio::test]
async fn the_two_sided_http_flow_ends_with_the_transcript_in_the_mailbox() {
    use serde_json::json;
    if !smtp_available() {
        return;
    }
    let port = free_port();
    let sink = SmtpSink::start(port);
    let data = tempfile::tempdir().expect("data");
    let app = app_mailing_to(port, data.path()).await;
    let agent = app.lp_agent("agent2").await;
    let chat = app.lp_request_chat("Sales").await;
    let key_header = ("Authorization", "LivePerson appKey=demo-app-key");
    let visitor_get = |url: String| {
        let req = app.client.get(url).header(key_header.0, key_header.1);
        async move {
            req.send()
                .await
                .expect("get")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let visitor_post = |url: String, body: Value| {
        let req = app
            .client
            .post(url)
            .header(key_header.0, key_header.1)
            .json(&body);
        async move { req.send().await.expect("post").status().as_u16() }
    };
    let list = |v: &Value| match v {
        Value::Array(a) => a.clone(),
        Value::Null => vec![],
        one => vec![one.clone()],
    };

    // Ring and accept.
    let (_, ring) = app
        .lp_get(&agent, &format!("{}/incomingRequests", agent.session))
        .await;
    assert_eq!(ring["incomingRequests"]["ringingCount"], "1");
    let (status, location, _) = app
        .lp_post(
            &agent,
            &format!("{}/incomingRequests", agent.session),
            json!({}),
        )
        .await;
    assert_eq!(status, 201);
    let agent_chat = location.expect("location");
    let key = agent_chat.rsplit('/').next().expect("key").to_owned();

    // Cursors: each side starts after what it has seen.
    let first = visitor_get(format!("{chat}.json")).await;
    let mut visitor_next = first["chat"]["link"][3]["@href"]
        .as_str()
        .expect("next")
        .to_owned();
    let (_, agent_first) = app
        .lp_get(
            &agent,
            &format!("{}/chat?chatSessionKeys={key}", agent.session),
        )
        .await;
    let mut agent_from = agent_first["chats"]["chat"][0]["link"][3]["href"]
        .as_str()
        .expect("next")
        .rsplit('=')
        .next()
        .expect("n")
        .to_owned();

    for (i, (side, text)) in [
        ("agent", "Hello, I'm Agent 2"),
        ("visitor", "Hi! Question about plans"),
        ("agent", "Sure, which plan?"),
        ("visitor", "The big one"),
    ]
    .into_iter()
    .enumerate()
    {
        if side == "agent" {
            let (status, _, _) = app
                .lp_post(
                    &agent,
                    &format!("{agent_chat}/events"),
                    json!({"event":{"@type":"line","text":text}}),
                )
                .await;
            assert_eq!(status, 201);
        } else {
            assert_eq!(
                visitor_post(
                    format!("{chat}/events"),
                    json!({"event":{"@type":"line","text":text}})
                )
                .await,
                201
            );
        }
        // The visitor sees exactly this new line.
        let page = visitor_get(format!("{visitor_next}&v=1")).await;
        let new: Vec<String> = list(&page["chat"]["events"]["event"])
            .iter()
            .filter(|e| e["source"] != "system")
            .filter_map(|e| e["text"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(new, [text], "visitor poll {i}");
        visitor_next = page["chat"]["link"][3]["@href"]
            .as_str()
            .expect("next")
            .to_owned();
        // So does the agent, through the multi-chat retrieve with its own cursor.
        let (_, multi) = app
            .lp_get(
                &agent,
                &format!(
                    "{}/chat?chatSessionKeys={key}&fromEventIds={agent_from}",
                    agent.session
                ),
            )
            .await;
        let got: Vec<String> = list(&multi["chats"]["chat"][0]["events"]["event"])
            .iter()
            .filter_map(|e| e["text"].as_str().map(str::to_owned))
            .collect();
        assert!(
            got.last().is_some_and(|t| t == text),
            "agent poll {i}: {got:?}"
        );
        agent_from = multi["chats"]["chat"][0]["link"][3]["href"]
            .as_str()
            .expect("next")
            .rsplit('=')
            .next()
            .expect("n")
            .to_owned();
    }

    // The visitor asks for the transcript (nothing is sent before the end), then ends.
    let transcript = app
        .client
        .post(format!("{chat}/transcriptRequest"))
        .header(key_header.0, key_header.1)
        .header("X-HTTP-Method-Override", "PUT")
        .json(&json!({"email":"natalie@example.com","timezoneOffset":0}))
        .send()
        .await
        .expect("transcript request");
    assert_eq!(transcript.status(), 200);
    assert!(sink.messages().is_empty());
    assert_eq!(
        visitor_post(
            format!("{chat}/events"),
            json!({"event":{"@type":"state","state":"ended"}})
        )
        .await,
        201
    );

    // The mail arrives with every line.
    let mail = sink.wait_for(1, Duration::from_secs(30)).await.remove(0);
    assert_eq!(mail["rcpt_tos"], json!(["natalie@example.com"]));
    let body = mail["plain"].as_str().expect("plain body");
    for text in [
        "Hello, I'm Agent 2",
        "Hi! Question about plans",
        "Sure, which plan?",
        "The big one",
        "You are now chatting with Agent 2.",
    ] {
        assert!(body.contains(text), "missing {text:?} in:\n{body}");
    }
    app.stop().await;
}
