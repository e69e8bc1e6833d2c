//! Unit tests of the subscription rules: URLs, secrets, kind sets, event mapping, and the
//! account events (the merged log, what a stored survey response is announced as).

use super::*;

#[test]
fn https_urls_are_accepted_and_plain_http_only_on_loopback() {
    assert!(check_url("https://hooks.example.com/chatwire?x=1").is_ok());
    assert!(check_url("https://hooks.example.com:8443").is_ok());
    assert!(check_url("http://127.0.0.1:9000/hook").is_ok());
    assert!(check_url("http://localhost/hook").is_ok());
    assert!(check_url("http://[::1]:80/hook").is_ok());
    assert!(check_url("http://hooks.example.com/hook").is_err());
    assert!(check_url("http://10.0.0.1/hook").is_err());
    assert!(check_url("ftp://example.com/").is_err());
    assert!(check_url("https://user@example.com/").is_err());
    assert!(check_url("https://example.com/a b").is_err());
    assert!(check_url("https://example.com/#frag").is_err());
    assert!(check_url("example.com/hook").is_err());
}

#[test]
fn secrets_must_be_long_printable_ascii() {
    assert!(check_secret("0123456789abcdef").is_ok());
    assert!(check_secret("short").is_err());
    assert!(check_secret("0123456789abcdef with space").is_err());
    assert!(check_secret(&"x".repeat(201)).is_err());
}

#[test]
fn kind_sets_parse_wire_names_and_default_excludes_typing() {
    let set = WebhookKinds::parse(&["chat.line", "chat.ended"]).unwrap();
    assert_eq!(set.kinds(), vec![WebhookKind::Line, WebhookKind::Ended]);
    assert!(WebhookKinds::parse(&["chat.nope"]).is_err());
    assert!(WebhookKinds::parse::<&str>(&[]).is_err());
    let default = WebhookKinds::default_set();
    assert!(!default.contains(WebhookKind::Typing));
    assert!(default.contains(WebhookKind::Line));
    for kind in WebhookKind::ALL {
        assert_eq!(WebhookKind::parse(kind.as_str()), Some(kind));
    }
}

fn event(id: u32, kind: EventKind) -> ChatEvent {
    ChatEvent {
        id: crate::EventId(id),
        seq: GlobalSeq(i64::from(id) + 100),
        at: Timestamp(0),
        kind,
    }
}

fn state(state: ChatState) -> EventKind {
    EventKind::State(crate::StateChange {
        state,
        end_cause: None,
    })
}

#[test]
fn chat_events_map_to_kinds_and_a_requeue_is_not_a_new_request() {
    use crate::{AgentId, TransferTarget};
    let kind = |id, k| WebhookKind::of_event(&event(id, k));
    assert_eq!(
        kind(0, state(ChatState::Waiting)),
        Some(WebhookKind::ChatRequested)
    );
    assert_eq!(kind(7, state(ChatState::Waiting)), None, "requeued");
    assert_eq!(
        kind(3, state(ChatState::Chatting)),
        Some(WebhookKind::ChatAccepted)
    );
    assert_eq!(kind(9, state(ChatState::Ended)), Some(WebhookKind::Ended));
    let url = EventKind::Url {
        url: "https://x.example".into(),
        by: "ann".into(),
    };
    assert_eq!(kind(4, url), Some(WebhookKind::Line));
    let transfer = EventKind::Transfer {
        from: Some(AgentId(1)),
        to: TransferTarget::Agent {
            id: AgentId(2),
            name: "bob".into(),
        },
        text: String::new(),
    };
    assert_eq!(kind(5, transfer), Some(WebhookKind::Transferred));
}

#[test]
fn superoffice_names_and_stable_event_ids() {
    assert_eq!(
        PayloadFormat::parse("superoffice"),
        Ok(PayloadFormat::SuperOffice)
    );
    assert!(PayloadFormat::parse("xml").is_err());
    assert_eq!(
        superoffice_event(WebhookKind::ChatRequested),
        Some("chatsession.created")
    );
    assert_eq!(
        superoffice_event(WebhookKind::Line),
        Some("chatsession.message")
    );
    assert_eq!(
        superoffice_event(WebhookKind::Ended),
        Some("chatsession.changed")
    );
    assert_eq!(superoffice_event(WebhookKind::AgentAvailability), None);
    assert_eq!(
        superoffice_event_id(GlobalSeq(0x2a)),
        "00000000-0000-4000-8000-00000000002a"
    );
}

fn availability_at(seq: i64) -> AccountEvent {
    AccountEvent {
        seq: GlobalSeq(seq),
        account: AccountId::parse("acme").expect("account"),
        at: Timestamp(0),
        kind: AccountEventKind::AgentAvailability {
            agent: crate::AgentId(7),
            from: crate::Availability::Online,
            to: crate::Availability::Away,
        },
    }
}

#[test]
fn the_merged_log_interleaves_both_runs_by_seq_and_stops_at_the_limit() {
    // Arrange: chat events 100, 101, 103 and account events 102, 104.
    let key = crate::ChatKey::from_random(1, 2, 3);
    let chat = [0, 1, 3]
        .map(|id| crate::FeedItem {
            chat: key.clone(),
            event: event(id, state(ChatState::Chatting)),
        })
        .to_vec();
    let account = vec![availability_at(102), availability_at(104)];

    // Act
    let all = merge_log(chat.clone(), account.clone(), 10);
    let four = merge_log(chat, account, 4);

    // Assert
    let seqs = |l: &[LogEntry]| l.iter().map(|e| e.seq().0).collect::<Vec<_>>();
    assert_eq!(seqs(&all), vec![100, 101, 102, 103, 104]);
    assert_eq!(seqs(&four), vec![100, 101, 102, 103]);
    assert_eq!(all[2].webhook_kind(), Some(WebhookKind::AgentAvailability));
    assert_eq!(all[0].webhook_kind(), Some(WebhookKind::ChatAccepted));
}

#[test]
fn a_stored_response_is_an_offline_message_or_a_submitted_survey_by_its_kind() {
    let mut response = crate::SurveyResponse {
        survey: 4,
        kind: crate::SurveyKind::Offline,
        account: AccountId::parse("acme").expect("account"),
        chat: None,
        agent: None,
        answers: vec![],
        context: vec![
            ("visitorId".into(), "77".into()),
            ("ip".into(), "10.0.0.1".into()),
        ],
        submitted_at: Timestamp(5),
    };
    let offline = AccountEventKind::of_response(12, &response, Some(crate::SkillId(2)));
    assert_eq!(
        offline,
        AccountEventKind::OfflineMessage {
            response: 12,
            survey: 4,
            skill: Some(crate::SkillId(2)),
            visitor_id: Some(77),
            answers: vec![],
        },
        "the context beyond the visitor id is not copied"
    );
    assert_eq!(offline.response(), Some(12));
    response.kind = crate::SurveyKind::Exit;
    let exit = AccountEventKind::of_response(13, &response, None);
    assert_eq!(exit.webhook_kind(), WebhookKind::SurveySubmitted);
    assert_eq!(exit.response(), Some(13));
}
