//! When a kept poll answer is sent again, and when it must not be.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::ApiError;

pub(super) fn account() -> AccountId {
    AccountId::parse("1").expect("account")
}

/// A read of chat `n` from `from`; accepted at 10 s when `accepted`.
pub(super) fn read(n: u64, from: u32, accepted: bool) -> ChatEntry {
    let mut read = crate::liveperson::fragments::tests::chat_view();
    let chat = Arc::make_mut(&mut read.chat);
    chat.key = ChatKey::from_random(n, 2, 3);
    if accepted {
        chat.accepted_at = Some(Timestamp(10_000));
    }
    read.next = EventId(from);
    ChatEntry::Read {
        key: chat.key.clone(),
        from: EventId(from),
        read,
    }
}

pub(super) fn poller<'a>(
    account: &'a AccountId,
    asid: i64,
    base: &'a str,
    format: Format,
) -> Poller<'a> {
    Poller {
        account,
        asid,
        base,
        format,
    }
}

/// The bytes an answer of `body` bytes to a `raw` query over `chats` chats holds, its base
/// URL being `http://h`.
pub(super) fn held_by(body: usize, raw: &str, chats: usize) -> usize {
    body + raw.len() + "http://h".len() + chats * std::mem::size_of::<Shown>()
}

/// The query the kept answers in these tests were asked with.
pub(super) const ASKED: PollQuery<'static> = PollQuery {
    raw: "",
    wait: Duration::ZERO,
};

/// Keeps `body` as [`PollAnswers::keep`] does, each entry's item an equal share of it.
pub(super) fn keep(
    answers: &PollAnswers,
    who: &Poller<'_>,
    query: PollQuery<'_>,
    entries: &[ChatEntry],
    now: Timestamp,
    body: &Bytes,
) {
    let share = body.len() / entries.len().max(1);
    let spans: Vec<_> = (0..entries.len())
        .map(|i| i * share..(i + 1) * share)
        .collect();
    answers.keep(who, query, entries, &spans, now, body);
}

/// `who`'s last answer, when asked with `raw`.
fn asked_again(answers: &PollAnswers, who: &Poller<'_>, raw: &str) -> Option<LastAnswer> {
    answers.last(who).filter(|last| last.asked_with(raw))
}

/// Keeps a 4-byte answer to [`ASKED`] at time 0.
pub(super) fn keep_body(answers: &PollAnswers, who: &Poller<'_>, entries: &[ChatEntry]) {
    keep(
        answers,
        who,
        ASKED,
        entries,
        Timestamp(0),
        &Bytes::from_static(b"body"),
    );
}

pub(super) fn bump(entry: &mut ChatEntry) {
    if let ChatEntry::Read { read, .. } = entry {
        Arc::make_mut(&mut read.chat).revision += 1;
    }
}

#[test]
fn the_same_poll_finding_nothing_new_gets_the_same_body_without_a_copy() {
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let entries = vec![read(1, 5, false), read(2, 9, true)];
    let body = Bytes::from(vec![b'x'; 1_000]);

    keep(&answers, &who, ASKED, &entries, Timestamp(10_000), &body);
    let again = answers.reuse(&who, &entries, Timestamp(10_500));

    let again = again.expect("kept answer reused");
    assert_eq!(again.as_ptr(), body.as_ptr(), "the kept buffer itself");
    assert_eq!(answers.held(), (1, held_by(1_000, "", 2)));
}

#[test]
fn any_change_in_a_chat_its_cursor_the_order_or_the_reader_is_a_miss() {
    let answers = PollAnswers::default();
    let account = account();
    let other_account = AccountId::parse("2").expect("account");
    let who = poller(&account, 7, "http://h", Format::Json);
    let entries = vec![read(1, 5, false), read(2, 9, false)];
    keep_body(&answers, &who, &entries);
    let now = Timestamp(0);
    assert!(answers.reuse(&who, &entries, now).is_some());

    let mut changed = vec![read(1, 5, false), read(2, 9, false)];
    bump(&mut changed[1]);
    assert!(answers.reuse(&who, &changed, now).is_none(), "a revision");
    let cursor = vec![read(1, 5, false), read(2, 10, false)];
    assert!(answers.reuse(&who, &cursor, now).is_none(), "a cursor");
    let order = vec![read(2, 9, false), read(1, 5, false)];
    assert!(answers.reuse(&who, &order, now).is_none(), "the order");
    let fewer = vec![read(1, 5, false)];
    assert!(answers.reuse(&who, &fewer, now).is_none(), "fewer chats");
    for other in [
        poller(&account, 8, "http://h", Format::Json),
        poller(&account, 7, "http://other", Format::Json),
        poller(&account, 7, "http://h", Format::Xml),
        poller(&other_account, 7, "http://h", Format::Json),
    ] {
        assert!(answers.reuse(&other, &entries, now).is_none(), "{other:?}");
    }
}

#[test]
fn a_chatting_chat_ends_the_answer_when_its_duration_ticks() {
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let entries = vec![read(1, 5, false), read(2, 9, true)];
    keep(
        &answers,
        &who,
        ASKED,
        &entries,
        Timestamp(12_300),
        &Bytes::from_static(b"body"),
    );

    assert!(answers.reuse(&who, &entries, Timestamp(12_999)).is_some());
    assert!(answers.reuse(&who, &entries, Timestamp(13_000)).is_none());
}

#[test]
fn an_answer_with_a_refused_chat_is_not_kept() {
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let entries = vec![
        read(1, 5, false),
        ChatEntry::Refused {
            raw: "nope".into(),
            error: ApiError::NotFound("no such chat".into()),
        },
    ];

    keep_body(&answers, &who, &entries);

    assert_eq!(answers.held(), (0, 0));
    assert!(answers.reuse(&who, &entries, Timestamp(0)).is_none());
}

#[test]
fn many_sessions_cannot_grow_the_answers_past_their_bounds() {
    let answers = PollAnswers::with_bounds(64, 100_000);
    let account = account();
    let entries = vec![read(1, 5, false)];

    for asid in 0..2_000 {
        let who = poller(&account, asid, "http://h", Format::Json);
        keep(
            &answers,
            &who,
            ASKED,
            &entries,
            Timestamp(0),
            &Bytes::from(vec![b'x'; 3_000]),
        );
        // A session's next answer replaces its last one.
        keep(
            &answers,
            &who,
            ASKED,
            &entries,
            Timestamp(0),
            &Bytes::from(vec![b'y'; 3_000]),
        );
    }

    let (kept, bytes) = answers.held();
    assert!(kept <= 64, "{kept} answers");
    assert!(bytes <= 100_000, "{bytes} bytes");
    assert_eq!(
        bytes,
        kept * held_by(3_000, "", 1),
        "the byte count is exact"
    );
    let too_big = Bytes::from(vec![b'z'; 30_000]);
    let who = poller(&account, 1, "http://h", Format::Json);
    keep(&answers, &who, ASKED, &entries, Timestamp(0), &too_big);
    assert!(answers.reuse(&who, &entries, Timestamp(0)).is_none());
    assert!(asked_again(&answers, &who, ASKED.raw).is_none());
}

#[test]
fn only_the_same_query_of_the_same_session_is_known_again() {
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let entries = vec![read(1, 5, false), read(2, 9, false)];
    let raw = "chatSessionKeys=A,B&fromEventIds=5,9&wait=20";
    let query = PollQuery {
        raw,
        wait: Duration::from_secs(20),
    };
    assert!(
        asked_again(&answers, &who, raw).is_none(),
        "nothing kept yet"
    );

    keep(
        &answers,
        &who,
        query,
        &entries,
        Timestamp(0),
        &Bytes::from_static(b"body"),
    );

    let again = asked_again(&answers, &who, raw).expect("the same query");
    let keys: Vec<_> = entries
        .iter()
        .map(|e| match e {
            ChatEntry::Read { key, from, .. } => (key.clone(), *from),
            _ => unreachable!("only reads here"),
        })
        .collect();
    let asked: Vec<_> = again.chats().map(|(k, from)| (k.clone(), from)).collect();
    assert_eq!(asked, keys, "the chats and cursors, in order");
    assert_eq!(again.wait(), Duration::from_secs(20));
    assert_eq!(
        answers.held(),
        (1, held_by(4, raw, 2)),
        "the query is counted"
    );
    let other_session = poller(&account, 8, "http://h", Format::Json);
    assert!(asked_again(&answers, &other_session, raw).is_none());
    for other in [
        "chatSessionKeys=A,B&fromEventIds=5,10&wait=20",
        "chatSessionKeys=A,B&fromEventIds=5,9&wait=20&x",
        "chatSessionKeys=A,B&fromEventIds=5,9&wait=2",
        "",
    ] {
        assert!(asked_again(&answers, &who, other).is_none(), "{other:?}");
    }
}

#[test]
fn a_query_asked_again_offers_the_kept_body_only_as_it_was_written_and_while_fresh() {
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let entries = vec![read(1, 5, false), read(2, 9, true)];
    let body = Bytes::from(vec![b'x'; 1_000]);
    keep(&answers, &who, ASKED, &entries, Timestamp(12_300), &body);
    let again = asked_again(&answers, &who, ASKED.raw).expect("kept");

    let shown: Vec<_> = again.revisions().map(|(k, r)| (k.clone(), r)).collect();
    let expected: Vec<_> = entries
        .iter()
        .map(|e| match e {
            ChatEntry::Read { key, read, .. } => (key.clone(), read.chat.revision),
            _ => unreachable!("only reads here"),
        })
        .collect();
    assert_eq!(shown, expected, "each chat at the revision shown, in order");
    let offered = again.body_at(&who, Timestamp(12_999)).expect("fresh");
    assert_eq!(offered.as_ptr(), body.as_ptr(), "the kept buffer itself");
    assert!(
        again.body_at(&who, Timestamp(13_000)).is_none(),
        "an accepted chat's duration moved"
    );
    let xml = poller(&account, 7, "http://h", Format::Xml);
    let other_host = poller(&account, 7, "http://other", Format::Json);
    assert!(again.body_at(&xml, Timestamp(12_999)).is_none());
    assert!(again.body_at(&other_host, Timestamp(12_999)).is_none());
}

#[test]
fn another_poll_takes_each_chat_the_last_answer_showed_from_the_same_cursor() {
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let entries = vec![read(1, 5, false), read(2, 9, true), read(3, 1, false)];
    let body = Bytes::from_static(b"[one,two,three]");
    let spans = [1..4, 5..8, 9..14];
    answers.keep(&who, ASKED, &entries, &spans, Timestamp(12_300), &body);
    let last = answers.last(&who).expect("kept");
    let key = |n| ChatKey::from_random(n, 2, 3);
    let (k1, k2, k3, k4) = (key(1), key(2), key(3), key(4));

    let asked = [
        Some((&k3, EventId(1))),
        None,
        Some((&k1, EventId(5))),
        Some((&k2, EventId(9))),
        Some((&k1, EventId(6))),
        Some((&k4, EventId(5))),
    ];
    let items = last.items_for(&who, Timestamp(12_999), asked.into_iter());

    let shown: Vec<_> = items
        .iter()
        .map(|i| i.as_ref().map(|i| (i.bytes().to_vec(), i.revision)))
        .collect();
    let revision = |e: &ChatEntry| match e {
        ChatEntry::Read { read, .. } => read.chat.revision,
        _ => unreachable!("only reads here"),
    };
    assert_eq!(
        shown,
        vec![
            Some((b"three".to_vec(), revision(&entries[2]))),
            None,
            Some((b"one".to_vec(), revision(&entries[0]))),
            Some((b"two".to_vec(), revision(&entries[1]))),
            None,
            None,
        ],
        "another order takes each chat's own item; another cursor, a refused key and a chat \
         not shown take none"
    );
    assert_eq!(
        items[3].as_ref().map(|i| i.valid_until),
        Some(Some(Timestamp(13_000)))
    );

    let earlier = last.items_for(&who, Timestamp(12_000), asked.into_iter());
    assert!(
        earlier.iter().all(Option::is_none),
        "kept after this poll's time: its durations are of a later time"
    );
    let late = last.items_for(&who, Timestamp(13_000), asked.into_iter());
    assert!(late[3].is_none(), "an accepted chat's duration moved");
    assert!(late[0].is_some() && late[2].is_some());
    for other in [
        poller(&account, 7, "http://h", Format::Xml),
        poller(&account, 7, "http://other", Format::Json),
    ] {
        let items = last.items_for(&other, Timestamp(12_999), asked.into_iter());
        assert!(items.iter().all(Option::is_none), "{other:?}");
    }
}
