//! Transcript requests and the mailer's bookkeeping over the in-memory store. Delivery to a real
//! SMTP server is tested end to end in `crates/chatwire/tests/api/transcript.rs`.

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{AccountId, Actor, ChatKey, DomainError, MailStatus, MailboxId, Timestamp};
use chatwire_store::Store;
use chatwire_store::memory::MemoryStore;

use crate::{
    AgentPrincipal, ChatRequestInput, Engine, EngineConfig, EngineError, MailConfig, NewAgentInput,
    TranscriptRequest,
};

/// A port nothing listens on: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Mail pointed at a closed local port, with quick retries.
fn unreachable_smtp() -> MailConfig {
    MailConfig {
        smtp_host: "127.0.0.1".into(),
        smtp_port: closed_port(),
        max_attempts: 3,
        retry_initial: Duration::from_millis(20),
        retry_max: Duration::from_millis(40),
        timeout: Duration::from_secs(2),
        ..MailConfig::default()
    }
}

async fn engine_with(mail: MailConfig) -> (Engine, Arc<MemoryStore>, AccountId, ChatKey) {
    let store = Arc::new(MemoryStore::new());
    let config = EngineConfig {
        mail,
        ..EngineConfig::default()
    };
    let engine = Engine::new(store.clone(), config);
    let account = engine
        .create_account("1000", "Demo")
        .await
        .expect("account")
        .id;
    let key = engine
        .request_chat(&account, ChatRequestInput::default())
        .await
        .expect("chat")
        .chat
        .key;
    (engine, store, account, key)
}

fn request(email: &str) -> TranscriptRequest {
    TranscriptRequest {
        email: email.into(),
        subject: None,
        timezone_offset_ms: Some(-7_200_000),
    }
}

#[tokio::test]
async fn a_request_is_queued_and_becomes_due_when_the_chat_ends() {
    // Arrange
    let (engine, store, account, key) = engine_with(unreachable_smtp()).await;

    // Act
    engine
        .queue_transcript(&account, &key, request("visitor@example.com"))
        .await
        .expect("queued");

    // Assert: queued with the default subject, held back while the chat is open.
    let mails = engine
        .transcript_mails(&account, &key)
        .await
        .expect("mails");
    assert_eq!(mails.len(), 1);
    assert_eq!(
        (mails[0].to.as_str(), mails[0].subject.as_str()),
        ("visitor@example.com", crate::DEFAULT_SUBJECT)
    );
    assert_eq!(mails[0].timezone_offset_ms, Some(-7_200_000));
    assert!(
        store
            .due_mail(Timestamp(i64::MAX), 10)
            .await
            .expect("due")
            .is_empty()
    );
    engine
        .end_chat(&account, &key, Actor::Visitor)
        .await
        .expect("end");
    assert_eq!(
        store
            .due_mail(Timestamp(i64::MAX), 10)
            .await
            .expect("due")
            .len(),
        1
    );
}

#[tokio::test]
async fn a_given_subject_is_kept_and_a_blank_one_is_the_default() {
    let (engine, _, account, key) = engine_with(unreachable_smtp()).await;
    for (email, subject) in [("a@example.com", "  Our chat  "), ("b@example.com", "   ")] {
        let req = TranscriptRequest {
            subject: Some(subject.into()),
            ..request(email)
        };
        engine
            .queue_transcript(&account, &key, req)
            .await
            .expect("queued");
    }
    let subjects: Vec<String> = engine
        .transcript_mails(&account, &key)
        .await
        .expect("mails")
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert_eq!(subjects, vec!["Our chat", crate::DEFAULT_SUBJECT]);
}

#[tokio::test]
async fn asking_again_for_the_same_address_queues_one_mail_and_a_chat_has_a_cap() {
    // Arrange
    let (engine, _, account, key) = engine_with(unreachable_smtp()).await;

    // Act: a retried PUT, differently cased, then more addresses than the cap.
    for email in ["v@example.com", "V@Example.com"] {
        engine
            .queue_transcript(&account, &key, request(email))
            .await
            .expect("queued");
    }
    for i in 1..crate::mail::MAX_TRANSCRIPTS_PER_CHAT {
        engine
            .queue_transcript(&account, &key, request(&format!("v{i}@example.com")))
            .await
            .expect("under the cap");
    }
    let over = engine
        .queue_transcript(&account, &key, request("one-more@example.com"))
        .await;

    // Assert
    assert!(matches!(over, Err(EngineError::Conflict(_))), "{over:?}");
    let mails = engine
        .transcript_mails(&account, &key)
        .await
        .expect("mails");
    assert_eq!(mails.len(), crate::mail::MAX_TRANSCRIPTS_PER_CHAT);
    assert_eq!(mails[0].to, "v@example.com");
}

#[tokio::test]
async fn bad_addresses_and_injected_headers_are_refused_as_invalid() {
    let (engine, _, account, key) = engine_with(unreachable_smtp()).await;
    let invalid = |r: Result<(), EngineError>| {
        matches!(r, Err(EngineError::Domain(DomainError::Invalid { .. })))
    };
    for email in [
        "not-an-address",
        "v@example.com\r\nBcc: x@example.com",
        "v@[127.0.0.1]",
        "v@exa..mple.com",
    ] {
        let r = engine
            .queue_transcript(&account, &key, request(email))
            .await;
        assert!(invalid(r), "{email:?}");
    }
    let injected = TranscriptRequest {
        subject: Some("Hi\r\nBcc: x@example.com".into()),
        ..request("v@example.com")
    };
    assert!(invalid(
        engine.queue_transcript(&account, &key, injected).await
    ));
    let far = TranscriptRequest {
        timezone_offset_ms: Some(100_000_000),
        ..request("v@example.com")
    };
    assert!(invalid(engine.queue_transcript(&account, &key, far).await));
    assert!(
        engine
            .transcript_mails(&account, &key)
            .await
            .expect("mails")
            .is_empty(),
        "nothing refused was queued"
    );
}

#[tokio::test]
async fn an_unknown_chat_is_not_found() {
    let (engine, _, account, _) = engine_with(unreachable_smtp()).await;
    let unknown = ChatKey::from_random(7, 7, 7);
    assert!(matches!(
        engine
            .queue_transcript(&account, &unknown, request("v@example.com"))
            .await,
        Err(EngineError::NotFound(_))
    ));
}

#[tokio::test]
async fn without_an_smtp_host_mail_is_filed_in_the_local_mailbox_for_admins() {
    // Arrange: no SMTP host, the mailer running, an admin and an ordinary agent.
    let (engine, _, account, key) = engine_with(MailConfig::default()).await;
    engine.start().await.expect("start");
    let admin = principal(&engine, &account, "boss", true).await;
    let agent = principal(&engine, &account, "worker", false).await;

    // Act: the request is accepted as with SMTP, and the chat ends.
    engine
        .queue_transcript(&account, &key, request("email@domain"))
        .await
        .expect("queued without SMTP");
    engine
        .end_chat(&account, &key, Actor::Visitor)
        .await
        .expect("end");

    // Assert: poll (no blind sleep) until the mailer has filed it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let filed = loop {
        let page = engine
            .mailbox(&admin, MailboxId(0), 10)
            .await
            .expect("admin reads");
        if !page.is_empty() {
            break page;
        }
        assert!(tokio::time::Instant::now() < deadline, "never filed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(filed.len(), 1);
    assert_eq!(
        (
            filed[0].to.as_str(),
            filed[0].subject.as_str(),
            &filed[0].chat
        ),
        ("email@domain", crate::DEFAULT_SUBJECT, &Some(key.clone()))
    );
    assert!(!filed[0].text.is_empty() && filed[0].html.contains("<"));
    let mails = engine
        .transcript_mails(&account, &key)
        .await
        .expect("mails");
    assert_eq!(mails[0].status, MailStatus::Sent, "filed once, as sent");
    assert!(
        engine
            .mailbox(&admin, filed[0].id, 10)
            .await
            .expect("next page")
            .is_empty()
    );
    assert!(matches!(
        engine.mailbox(&agent, MailboxId(0), 10).await,
        Err(EngineError::Forbidden(_))
    ));
    engine.shutdown();
}

/// A logged-in agent of `account` (an admin when `admin`).
async fn principal(
    engine: &Engine,
    account: &AccountId,
    login: &str,
    admin: bool,
) -> AgentPrincipal {
    let agent = engine
        .create_agent(
            account,
            NewAgentInput {
                login_name: login.into(),
                password: "long-enough-password".into(),
                nickname: login.into(),
                display_name: login.into(),
                email: String::new(),
                max_chats: 1,
                skills: Vec::new(),
                is_admin: admin,
            },
        )
        .await
        .expect("agent");
    AgentPrincipal {
        account: account.clone(),
        agent: agent.id,
        login: None,
    }
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_retried_then_given_up_with_the_error_kept() {
    // Arrange: mailer running, SMTP port closed, 3 attempts 20-40 ms apart.
    let (engine, _, account, key) = engine_with(unreachable_smtp()).await;
    engine.start().await.expect("start");
    engine
        .queue_transcript(&account, &key, request("visitor@example.com"))
        .await
        .expect("queued");

    // Act
    engine
        .end_chat(&account, &key, Actor::Visitor)
        .await
        .expect("end");

    // Assert: poll (no blind sleep) until the mailer gives up.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mail = loop {
        let mails = engine
            .transcript_mails(&account, &key)
            .await
            .expect("mails");
        if mails[0].status != MailStatus::Pending {
            break mails[0].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still pending: {mails:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!((mail.status, mail.attempts), (MailStatus::Failed, 3));
    assert!(mail.last_error.is_some_and(|e| !e.is_empty()));
    engine.shutdown();
}
