//! Account events (the log beside `chat_events` that webhooks read merged with it): written
//! only while a subscription of the account (even a paused one) takes their kind; numbered
//! from the same global sequence as chat events, strictly increasing across both tables; the
//! merged read returns both in seq order after a cursor, paged, while the account feed keeps
//! chat events only; each event is written with its cause or not at all (a refused survey
//! response or an update that keeps the availability writes none); a claim sees a
//! subscription whose only pending entry is an account event; erasing a visitor erases the
//! offline message's event with the message.

use chatwire_core::chat::SurveyAnswer;
use chatwire_core::history::VisitorRef;
use chatwire_core::outbox::{MailKind, OutboxMail};
use chatwire_core::survey::{Question, QuestionType, Survey, SurveyKind, SurveyResponse};
use chatwire_core::webhook::Typist;
use chatwire_core::{
    AccountEventKind, AccountId, Actor, Availability, GlobalSeq, LogEntry, PayloadFormat,
    Timestamp, Webhook, WebhookId, WebhookKind, WebhookKinds, WebhookProgress,
};

use super::{account, agent, line, new_chat};
use crate::{Store, StoreError};

fn offline_survey(account: &AccountId) -> Survey {
    Survey {
        id: 0,
        account: account.clone(),
        kind: SurveyKind::Offline,
        name: "leave a message".into(),
        title: "We are away".into(),
        header: String::new(),
        questions: vec![Question {
            id: 1,
            logic_id: None,
            order: 0,
            mandatory: true,
            kind: QuestionType::TextArea,
            validation: None,
            label: "Message".into(),
            entries: vec![],
        }],
        skill: None,
        active: true,
    }
}

fn message(account: &AccountId, survey: i64, text: &str, at: i64) -> SurveyResponse {
    SurveyResponse {
        survey,
        kind: SurveyKind::Offline,
        account: account.clone(),
        chat: None,
        agent: None,
        answers: vec![SurveyAnswer {
            question: "1".into(),
            answers: vec![text.into()],
        }],
        context: vec![("visitorId".into(), "4242".into())],
        submitted_at: Timestamp(at),
    }
}

fn subscription(account: &AccountId, kinds: WebhookKinds) -> Webhook {
    Webhook {
        id: WebhookId(0),
        account: account.clone(),
        url: "https://a.example/ae".into(),
        secret: "0123456789abcdef0123".into(),
        kinds,
        format: PayloadFormat::Chatwire,
        enabled: true,
        created_at: Timestamp(0),
        progress: WebhookProgress {
            cursor: GlobalSeq(0),
            attempts: 0,
            next_attempt_at: Timestamp(0),
            failing_since: None,
            last_error: None,
        },
    }
}

async fn log(store: &dyn Store, account: &AccountId, after: GlobalSeq) -> Vec<LogEntry> {
    store
        .webhook_log_since(account, after, 1_000)
        .await
        .expect("log")
}

fn account_kinds(entries: &[LogEntry]) -> Vec<AccountEventKind> {
    entries
        .iter()
        .filter_map(|e| match e {
            LogEntry::Account(a) => Some(a.kind.clone()),
            LogEntry::Chat(_) => None,
        })
        .collect()
}

/// The account event log on one backend.
pub async fn run_account_events(store: &dyn Store) {
    // Arrange: an account with an agent (created Offline, then Online, before any
    // subscription: no event), then a paused subscription taking every kind.
    let acc = account(store, "ae").await;
    let other = account(store, "af").await;
    let start = GlobalSeq(0);
    let anna = agent(store, &acc, "anna", vec![], 2).await;
    assert!(
        account_kinds(&log(store, &acc, start).await).is_empty(),
        "no subscription, no account event"
    );
    let mut all_kinds = subscription(&acc, WebhookKinds::from_kinds(WebhookKind::ALL));
    all_kinds.enabled = false;
    store
        .create_webhook(&all_kinds)
        .await
        .expect("paused subscription");
    let survey = store
        .create_survey(&offline_survey(&acc))
        .await
        .expect("survey");

    // Act: interleave chat events and each kind of account event.
    let opened = store
        .create_chat(new_chat(&acc, None, 501), Timestamp(10))
        .await
        .expect("chat");
    let key = opened.chat.key.clone();
    store
        .save_survey_response(&message(&acc, survey.id, "call me", 20))
        .await
        .expect("offline message");
    store
        .execute(&acc, &key, line(Actor::Visitor, "hello"), Timestamp(30))
        .await
        .expect("line");
    let mut away = anna.clone();
    away.availability = Availability::Away;
    store
        .update_agent(&away, Timestamp(40))
        .await
        .expect("away");
    let typing = AccountEventKind::Typing {
        chat: key.clone(),
        side: Typist::Visitor,
        agent: None,
        typing: true,
    };
    let typed = store
        .append_account_event(&acc, Timestamp(50), &typing)
        .await
        .expect("typing");
    store
        .execute(&acc, &key, line(Actor::Visitor, "anyone?"), Timestamp(60))
        .await
        .expect("line");

    // Assert: one strictly increasing order over both tables, with every entry of ours.
    let all = log(store, &acc, start).await;
    let seqs: Vec<i64> = all.iter().map(|e| e.seq().0).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "strictly increasing across both logs: {seqs:?}"
    );
    assert_eq!(
        account_kinds(&all),
        vec![
            AccountEventKind::OfflineMessage {
                response: match &account_kinds(&all)[0] {
                    AccountEventKind::OfflineMessage { response, .. } => *response,
                    other => panic!("expected the offline message, got {other:?}"),
                },
                survey: survey.id,
                skill: None,
                visitor_id: Some(4242),
                answers: message(&acc, survey.id, "call me", 20).answers,
            },
            AccountEventKind::AgentAvailability {
                agent: anna.id,
                from: Availability::Online,
                to: Availability::Away,
            },
            typing.clone(),
        ]
    );
    let position = |pred: &dyn Fn(&LogEntry) -> bool| all.iter().position(pred).expect("entry");
    let first_line = position(
        &|e| matches!(e, LogEntry::Chat(i) if i.event.seq > opened.events.last().expect("e").seq),
    );
    let offline = position(
        &|e| matches!(e, LogEntry::Account(a) if matches!(a.kind, AccountEventKind::OfflineMessage { .. })),
    );
    assert!(
        offline < first_line,
        "commit order: the message before the line"
    );
    let typed = typed.expect("a subscription takes typing");
    assert_eq!(
        all.iter().find(|e| e.seq() == typed.seq),
        Some(&LogEntry::Account(typed.clone())),
        "the appended event is what is read back"
    );

    // The merged read pages from any cursor; the feed still has chat events only.
    let page = store
        .webhook_log_since(&acc, all[1].seq(), 2)
        .await
        .expect("page");
    assert_eq!(page, all[2..4].to_vec());
    let feed = store.feed_since(&acc, start, 1_000).await.expect("feed");
    let chat_entries: Vec<LogEntry> = all
        .iter()
        .filter(|e| matches!(e, LogEntry::Chat(_)))
        .cloned()
        .collect();
    assert_eq!(
        feed.into_iter().map(LogEntry::Chat).collect::<Vec<_>>(),
        chat_entries
    );
    assert!(
        log(store, &other, start).await.is_empty(),
        "scoped to the account"
    );

    // Atomic with the cause: nothing is written when the cause is refused or changes nothing.
    let tail = all.last().expect("entries").seq();
    let unknown_survey = message(&acc, survey.id + 1_000_000, "lost", 70);
    assert!(matches!(
        store.save_survey_response(&unknown_survey).await,
        Err(StoreError::NotFound(_))
    ));
    let mut foreign = message(&acc, survey.id, "elsewhere", 71);
    foreign.account = other.clone();
    assert!(store.save_survey_response(&foreign).await.is_err());
    away.nickname = "anna-renamed".into();
    store
        .update_agent(&away, Timestamp(72))
        .await
        .expect("rename keeps the availability");
    let mut ghost = away.clone();
    ghost.id = chatwire_core::AgentId(away.id.0 + 1_000_000);
    ghost.availability = Availability::Online;
    assert!(matches!(
        store.update_agent(&ghost, Timestamp(73)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .append_account_event(
                &AccountId::parse("nobody_at_all").expect("id"),
                Timestamp(74),
                &typing
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        log(store, &acc, tail).await.is_empty(),
        "no event without its cause"
    );

    // Another account's subscription that does not take typing: nothing written for it.
    store
        .create_webhook(&subscription(&other, WebhookKinds::default_set()))
        .await
        .expect("other's subscription");
    let skipped = store
        .append_account_event(&other, Timestamp(75), &typing)
        .await
        .expect("typing elsewhere");
    assert_eq!(skipped, None);
    assert!(log(store, &other, start).await.is_empty());

    // A subscription whose only pending entry is an account event is claimed.
    let hook = store
        .create_webhook(&subscription(&acc, WebhookKinds::default_set()))
        .await
        .expect("webhook");
    let claimed = |list: Vec<Webhook>| list.iter().any(|w| w.id == hook.id);
    let now = store
        .claim_due_webhooks(Timestamp(1), Timestamp(2), 10_000)
        .await
        .expect("claim");
    assert!(!claimed(now), "nothing after its cursor yet");
    away.availability = Availability::Online;
    store
        .update_agent(&away, Timestamp(80))
        .await
        .expect("online");
    let now = store
        .claim_due_webhooks(Timestamp(3), Timestamp(4), 10_000)
        .await
        .expect("claim");
    assert!(claimed(now), "an availability change is a pending delivery");

    // Erasing the visitor erases the offline messages' events (their answers) with them, and
    // the newest seq, deleted, is never handed out again (a cursor may already be past it).
    store
        .save_survey_response(&message(&acc, survey.id, "still there?", 85))
        .await
        .expect("second message");
    let newest = log(store, &acc, start).await.last().expect("entries").seq();
    let erased = store
        .erase_visitor(&acc, &VisitorRef::Id(4242))
        .await
        .expect("erase");
    assert_eq!(erased.offline_messages, 2);
    let left = log(store, &acc, start).await;
    assert!(
        !account_kinds(&left)
            .iter()
            .any(|k| matches!(k, AccountEventKind::OfflineMessage { .. })),
        "the messages' events went with them"
    );
    let again = store
        .append_account_event(&acc, Timestamp(90), &typing)
        .await
        .expect("typing again")
        .expect("still subscribed");
    assert!(again.seq > newest, "{:?} reuses a deleted seq", again.seq);

    // An offline message saved with its staff notice is announced too, naming that message.
    let notice = OutboxMail::notice(
        acc.clone(),
        MailKind::OfflineMessage,
        None,
        "desk@example.com",
        "Offline message",
        Timestamp(95),
    )
    .expect("notice");
    let id = store
        .save_offline_with_notice(&message(&acc, survey.id, "mail me", 95), &notice)
        .await
        .expect("saved with its notice");
    let announced = log(store, &acc, again.seq).await;
    assert!(
        matches!(
            account_kinds(&announced).as_slice(),
            [AccountEventKind::OfflineMessage { response, .. }] if *response == id
        ),
        "{announced:?}"
    );
}
