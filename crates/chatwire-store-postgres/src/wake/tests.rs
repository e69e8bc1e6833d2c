//! Payload round trips: what a batch sends, what a node reads back, what is ignored.

use chatwire_core::{
    AccountId, AgentId, Availability, Chat, ChatEvent, ChatKey, ChatNum, ChatRequest, GlobalSeq,
    NewChat, Timestamp,
};
use chatwire_store::Wakeup;

use super::{ChatWakeups, MAX_PAYLOAD, parse};
use crate::chats::Written;
use crate::rows;

fn chat() -> Chat {
    let new = NewChat {
        key: ChatKey::from_random(1, 2, 3),
        account: AccountId::parse("acc").expect("account"),
        skill: None,
        visitor_name: "v".into(),
        visitor_id: 1,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest::default(),
    };
    let (mut chat, changes) = Chat::open(new, ChatNum(7), Timestamp(1)).expect("open");
    chat.apply_changes(changes, Timestamp(1), chatwire_core::GlobalSeq(1));
    chat
}

/// A chat and its line, as the batch writes them (events not numbered yet).
fn lined(mut chat: Chat, text: &str) -> Written {
    let cmd = chatwire_core::ChatCommand::PostLine {
        author: chatwire_core::Actor::Visitor,
        text: text.into(),
        text_type: chatwire_core::TextType::Plain,
        json: None,
        sub_type: chatwire_core::LineSubType::Regular,
    };
    let ctx = chatwire_core::DecisionContext::default();
    let events = chatwire_store::decide_and_apply(
        &mut chat,
        cmd,
        &ctx,
        Timestamp(2),
        crate::seq::PLACEHOLDER,
    )
    .expect("line");
    Written { chat, events }
}

/// The payloads as the counter's statement sends them, with `base` written in.
fn sent(wakeups: &ChatWakeups, base: i64) -> Vec<String> {
    (0..wakeups.heads.len())
        .map(|i| match wakeups.based[i] {
            true => format!("{}{base} {}", wakeups.heads[i], wakeups.bodies[i]),
            false => wakeups.heads[i].clone(),
        })
        .collect()
}

#[test]
fn a_batch_sends_one_payload_per_chat_with_the_chat_and_its_numbered_events() {
    // Arrange: two lines on one chat around a line on another, in one batch.
    let mut other = chat();
    other.key = ChatKey::from_random(4, 5, 6);
    let first = lined(chat(), "one");
    let elsewhere = lined(other, "two");
    let second = lined(first.chat.clone(), "three");
    let writes = [first, elsewhere, second];

    // Act: the counter gave the batch's events 101..=103 (base 100).
    let wakeups = ChatWakeups::of("cw_a n1", &writes, true).expect("payloads");
    let payloads = sent(&wakeups, 100);

    // Assert: the first chat's payload holds it as last written and both of its lines,
    // numbered as the counter numbers them (in the batch's order).
    assert_eq!(payloads.len(), 2);
    let hint = parse("cw_a", "n2", &payloads[0]).expect("a hint");
    let Wakeup::Chat {
        chat: Some(carried),
        events,
        revision,
        next_event,
        ..
    } = hint
    else {
        panic!("no chat carried: {}", payloads[0]);
    };
    assert_eq!(*carried, writes[2].chat);
    assert_eq!(
        (revision, next_event),
        (carried.revision, carried.next_event_id)
    );
    let expected: Vec<ChatEvent> = [(&writes[0], 101), (&writes[2], 103)]
        .into_iter()
        .map(|(w, seq)| ChatEvent {
            seq: GlobalSeq(seq),
            ..w.events[0].clone()
        })
        .collect();
    assert_eq!(*events, *expected);
    let Some(Wakeup::Chat { events, .. }) = parse("cw_a", "n2", &payloads[1]) else {
        panic!("{}", payloads[1]);
    };
    assert_eq!(events[0].seq, GlobalSeq(102));
    assert_eq!(parse("cw_a", "n1", &payloads[0]), None, "our own echo");
}

#[test]
fn what_does_not_fit_in_a_notification_is_left_out_step_by_step() {
    let written = lined(chat(), &"x".repeat(MAX_PAYLOAD / 2));
    let size = |w: &Written| {
        let wakeups = ChatWakeups::of("cw_a n1", std::slice::from_ref(w), true).expect("payload");
        let payload = sent(&wakeups, i64::MAX - 1_000).remove(0);
        assert!(payload.len() <= MAX_PAYLOAD, "{} bytes", payload.len());
        match parse("cw_a", "n2", &payload) {
            Some(Wakeup::Chat { chat, events, .. }) => (chat.is_some(), events.len()),
            other => panic!("{other:?}"),
        }
    };
    // The chat and its events fit.
    assert_eq!(size(&written), (true, 1));
    // The line is too long to come along; the chat still fits.
    let long = lined(chat(), &"x".repeat(MAX_PAYLOAD));
    assert_eq!(size(&long), (true, 0));
    // The chat itself is too large: only its revision and next event id go.
    let mut huge = chat();
    huge.visitor_name = "v".repeat(MAX_PAYLOAD);
    assert_eq!(size(&lined(huge, "hi")), (false, 0));
    // No event in the batch (typing): a `chat` payload with the chat.
    let quiet = Written {
        chat: chat(),
        events: Vec::new(),
    };
    assert_eq!(size(&quiet), (true, 0));
}

#[test]
fn without_other_nodes_listening_a_batch_sends_only_revisions() {
    let writes = [lined(chat(), "one")];
    let wakeups = ChatWakeups::of("cw_a n1", &writes, false).expect("payloads");
    let chat = &writes[0].chat;
    assert_eq!(
        sent(&wakeups, 100),
        [format!(
            "cw_a n1 chat acc {} {} {}",
            chat.key, chat.revision, chat.next_event_id.0
        )]
    );
}

#[test]
fn a_carried_json_that_does_not_match_its_hint_is_ignored_not_trusted() {
    let chat = chat();
    let json = rows::chat_json(&chat).expect("json");
    let fields = |revision: u64| format!("acc {} {revision} {}", chat.key, chat.next_event_id.0);
    for payload in [
        format!("cw_a n1 chat {} {json}", fields(chat.revision + 1)),
        format!(
            "cw_a n1 chat {} {{\"not\": \"a chat\"}}",
            fields(chat.revision)
        ),
        format!(
            "cw_a n1 events {} 7 {{\"chat\":{json},\"events\":[]}}",
            fields(chat.revision + 1)
        ),
        format!("cw_a n1 events {} 7 [1, 2]", fields(chat.revision)),
    ] {
        let Some(Wakeup::Chat {
            chat: carried,
            key,
            events,
            ..
        }) = parse("cw_a", "n2", &payload)
        else {
            panic!("not a chat hint: {payload}");
        };
        assert_eq!(
            (carried, key, events.len()),
            (None, chat.key.clone(), 0),
            "{payload}"
        );
    }
    // An `events` payload without its base is not a hint we can read.
    let broken = format!("cw_a n1 events {}", fields(chat.revision));
    assert_eq!(parse("cw_a", "n2", &broken), Some(Wakeup::All));
}

#[test]
fn directory_and_session_payloads_name_what_changed() {
    let acc = AccountId::parse("acc").expect("account");
    assert_eq!(
        parse("cw_a", "me", "cw_a n1 directory acc"),
        Some(Wakeup::Directory(acc.clone()))
    );
    assert_eq!(
        parse("cw_a", "me", "cw_a n1 session 0abc"),
        Some(Wakeup::SessionFamily("0abc".into()))
    );
    assert_eq!(
        parse("cw_a", "me", "cw_a n1 availability acc 12 Away"),
        Some(Wakeup::Availability {
            account: acc,
            agent: AgentId(12),
            availability: Availability::Away,
        })
    );
}

#[test]
fn other_schemas_are_ignored_and_unreadable_payloads_wake_everyone() {
    assert_eq!(parse("cw_a", "me", "cw_b n1 directory acc"), None);
    assert_eq!(parse("cw_a", "me", "garbage"), None, "not even our schema");
    for bad in [
        "cw_a",
        "cw_a n1",
        "cw_a n1 chat acc not-a-key 1 1",
        "cw_a n1 chat acc",
        "cw_a n1 availability acc 12 sleepy",
        "cw_a n1 directory a-b-c!",
        "cw_a n1 session",
        "cw_a n1 something new",
    ] {
        assert_eq!(parse("cw_a", "me", bad), Some(Wakeup::All), "{bad}");
    }
}
