//! When the pieces a poll was answered with are remembered with the kept answer, when they
//! are sent again, and when the kept answer is rendered again in its own order for them.

use std::time::Duration;

use super::layouts::MAX_LAYOUTS;
use super::tests::{ASKED, account, bump, held_by, keep, keep_body, poller, read};
use super::*;

/// The kept answer's items for chats `asked` (numbers, cursor as [`read`] gave them).
fn items(answers: &PollAnswers, who: &Poller<'_>, asked: &[(u64, u32)]) -> Vec<KeptItem> {
    let keys: Vec<(ChatKey, EventId)> = asked
        .iter()
        .map(|&(n, from)| (ChatKey::from_random(n, 2, 3), EventId(from)))
        .collect();
    let last = answers.last(who).expect("kept");
    let items = last.items_for(who, Timestamp(0), keys.iter().map(|(k, f)| Some((k, *f))));
    items.into_iter().map(|i| i.expect("kept item")).collect()
}

/// Pieces standing for an answer (what they are is `list_pieces`'s business).
fn pieces(items: &[KeptItem]) -> Vec<Bytes> {
    items.iter().map(KeptItem::bytes).collect()
}

/// Remembers `items`, sent to `query`, as [`pieces`] of their answer.
fn remember(answers: &PollAnswers, who: &Poller<'_>, query: &str, items: &[KeptItem]) {
    let chats: Vec<u32> = items.iter().map(|i| i.index as u32).collect();
    answers.remember_pieces(who, query, &items[0].body, &chats, &pieces(items));
}

#[test]
fn pieces_sent_once_are_sent_again_for_the_same_query_while_their_answer_holds() {
    // Arrange: a kept answer of session 7 with chats 1 and 2; a poll of 2, 1 answered in pieces.
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    keep_body(&answers, &who, &[read(1, 5, false), read(2, 9, false)]);
    let rotated = items(&answers, &who, &[(2, 9), (1, 5)]);
    let sent = pieces(&rotated);
    let before = answers.held().1;

    // Act
    remember(&answers, &who, "k=2,1", &rotated);

    // Assert: the same query gets the same pieces, and the chats and revisions they show;
    // another query, reader, time or session gets none.
    let last = answers.last(&who).expect("kept");
    let kept = last
        .pieces_for("k=2,1", &who, Timestamp(0))
        .expect("remembered");
    assert_eq!(kept.pieces(), sent);
    let shown: Vec<(ChatKey, u64)> = kept.revisions().map(|(k, r)| (k.clone(), r)).collect();
    let expected: Vec<(ChatKey, u64)> = [2, 1]
        .iter()
        .map(|&n| (ChatKey::from_random(n, 2, 3), 0))
        .collect();
    assert_eq!(shown, expected);
    assert!(answers.held().1 > before, "its bytes are counted");
    assert!(last.pieces_for("k=1,2", &who, Timestamp(0)).is_none());
    let xml = poller(&account, 7, "http://h", Format::Xml);
    assert!(last.pieces_for("k=2,1", &xml, Timestamp(0)).is_none());
    let host = poller(&account, 7, "http://other", Format::Json);
    assert!(last.pieces_for("k=2,1", &host, Timestamp(0)).is_none());
    assert!(
        last.pieces_for("k=2,1", &who, Timestamp(-1)).is_none(),
        "an answer of a later time"
    );
    let other = poller(&account, 8, "http://h", Format::Json);
    assert!(answers.last(&other).is_none());
    keep_body(&answers, &who, &[read(1, 5, false)]);
    let replaced = answers.last(&who).expect("kept");
    assert!(
        replaced.pieces_for("k=2,1", &who, Timestamp(0)).is_none(),
        "an answer to other chats remembers nothing yet"
    );
}

#[test]
fn pieces_showing_a_chat_whose_duration_moved_are_not_sent() {
    // Arrange: chat 2 accepted at 10 s (its `duration` moves each second), chat 1 not.
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let body = Bytes::from_static(b"body");
    let entries = [read(1, 5, false), read(2, 9, true)];
    keep(&answers, &who, ASKED, &entries, Timestamp(0), &body);
    let both = items(&answers, &who, &[(2, 9), (1, 5)]);
    let one = items(&answers, &who, &[(1, 5)]);
    remember(&answers, &who, "both", &both);
    remember(&answers, &who, "one", &one);

    // Act
    let last = answers.last(&who).expect("kept");
    let later = Timestamp(11_000);

    // Assert: only the pieces that show the moving chat are stale.
    assert!(last.pieces_for("both", &who, Timestamp(0)).is_some());
    assert!(last.pieces_for("both", &who, later).is_none());
    assert!(last.pieces_for("one", &who, later).is_some());
}

#[test]
fn pieces_of_another_answer_or_past_the_bounds_are_not_remembered() {
    // Arrange: items of a first kept answer, then a second answer kept in its place.
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let entries = [read(1, 5, false), read(2, 9, false)];
    let answers = PollAnswers::default();
    let fresh_body = || Bytes::from(b"body".to_vec());
    keep(&answers, &who, ASKED, &entries, Timestamp(0), &fresh_body());
    let old = items(&answers, &who, &[(2, 9), (1, 5)]);
    keep_body(&answers, &who, &[read(1, 5, false)]);
    keep(&answers, &who, ASKED, &entries, Timestamp(0), &fresh_body());

    // Act / Assert: items of the answer replaced are not of the one kept.
    remember(&answers, &who, "old", &old);
    let last = answers.last(&who).expect("kept");
    assert!(last.pieces_for("old", &who, Timestamp(0)).is_none());

    // Act / Assert: no more than MAX_LAYOUTS queries per answer.
    let new = items(&answers, &who, &[(2, 9), (1, 5)]);
    for n in 0..=MAX_LAYOUTS {
        remember(&answers, &who, &format!("q{n}"), &new);
    }
    let last = answers.last(&who).expect("kept");
    assert!(last.pieces_for("q0", &who, Timestamp(0)).is_some());
    let over = format!("q{MAX_LAYOUTS}");
    assert!(last.pieces_for(&over, &who, Timestamp(0)).is_none());

    // Act / Assert: nothing past the byte bound (four sessions' answers take it all).
    let tight = PollAnswers::with_bounds(8, 4 * held_by(4, "", 2));
    for asid in [8, 9, 10, 7] {
        keep_body(
            &tight,
            &poller(&account, asid, "http://h", Format::Json),
            &entries,
        );
    }
    assert_eq!(tight.held(), (4, 4 * held_by(4, "", 2)));
    let items = items(&tight, &who, &[(2, 9), (1, 5)]);
    let held = tight.held();
    remember(&tight, &who, "k=2,1", &items);
    assert_eq!(tight.held(), held, "nothing counted");
    let last = tight.last(&who).expect("kept");
    assert!(last.pieces_for("k=2,1", &who, Timestamp(0)).is_none());
}

#[test]
fn an_answer_kept_for_the_same_query_takes_the_layouts_along_cut_from_its_own_body() {
    // Arrange: a kept answer of chats 1 and 2 (JSON, items "aa" and "bb"), a rotation
    // remembered, then chat 2 moved and the answer rendered again for the same query.
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    let document = |a: &'static str, b: &'static str| {
        let items = [
            Bytes::from_static(a.as_bytes()),
            Bytes::from_static(b.as_bytes()),
        ];
        crate::liveperson::views::list_document::list_document("chats", "chat", &items, who.format)
    };
    let (body, spans) = document("11", "22");
    let mut entries = vec![read(1, 5, false), read(2, 9, false)];
    answers.keep(&who, ASKED, &entries, &spans, Timestamp(0), &body);
    let rotated = items(&answers, &who, &[(2, 9), (1, 5)]);
    remember(&answers, &who, "k=2,1", &rotated);
    if let ChatEntry::Read { read, .. } = &mut entries[1] {
        std::sync::Arc::make_mut(&mut read.chat).revision += 1;
    }
    let (again, spans) = document("11", "33");

    // Act
    answers.keep(&who, ASKED, &entries, &spans, Timestamp(0), &again);

    // Assert: the rotation is cut from the new body, at the new revision; another query
    // kept drops it.
    let last = answers.last(&who).expect("kept");
    let kept = last
        .pieces_for("k=2,1", &who, Timestamp(0))
        .expect("carried");
    assert_eq!(kept.pieces().concat(), br#"{"chats":{"chat":[33,11]}}"#);
    let revisions: Vec<u64> = kept.revisions().map(|(_, r)| r).collect();
    assert_eq!(
        revisions,
        vec![1, 0],
        "chat 2 moved from 0 to 1, chat 1 did not"
    );
    let other = PollQuery {
        raw: "k=1,2",
        wait: std::time::Duration::ZERO,
    };
    answers.keep(&who, other, &entries, &spans, Timestamp(0), &again);
    let last = answers.last(&who).expect("kept");
    assert!(last.pieces_for("k=2,1", &who, Timestamp(0)).is_none());
}

#[test]
fn the_order_of_a_poll_is_found_only_for_the_kept_answers_very_chats() {
    let answers = PollAnswers::default();
    let account = account();
    let who = poller(&account, 7, "http://h", Format::Json);
    keep_body(
        &answers,
        &who,
        &[read(1, 5, false), read(2, 9, false), read(3, 0, false)],
    );
    let last = answers.last(&who).expect("kept");

    let rotated = [read(2, 9, false), read(3, 0, false), read(1, 5, false)];
    assert_eq!(last.order_of(&who, &rotated), Some(vec![1, 2, 0]));
    let cursor = [read(2, 9, false), read(3, 1, false), read(1, 5, false)];
    assert_eq!(last.order_of(&who, &cursor), None, "another cursor");
    let twice = [read(2, 9, false), read(2, 9, false), read(1, 5, false)];
    assert_eq!(last.order_of(&who, &twice), None, "a chat twice");
    let fewer = [read(2, 9, false), read(1, 5, false)];
    assert_eq!(last.order_of(&who, &fewer), None, "fewer");
    let xml = poller(&account, 7, "http://h", Format::Xml);
    assert_eq!(last.order_of(&xml, &rotated), None, "another format");
    let refused = [
        read(2, 9, false),
        ChatEntry::Refused {
            raw: "x".into(),
            error: crate::ApiError::NotFound("no".into()),
        },
        read(1, 5, false),
    ];
    assert_eq!(last.order_of(&who, &refused), None, "a refused key");
}

#[test]
fn a_poll_of_the_kept_chats_in_few_runs_with_one_moved_renders_the_kept_order_again() {
    use crate::BaseUrl;
    use crate::liveperson::fragments::FragmentCache;
    use crate::liveperson::reply::RawBody;
    use crate::liveperson::views::chat_list::ChatList;

    // Arrange: session 7's answer to "kept", chats 1 to 6 in that order.
    let account = account();
    let base = BaseUrl("http://h".into());
    let list = |raw| ChatList {
        account: &account,
        asid: 7,
        base: &base,
        format: Format::Json,
        now: Timestamp(0),
        query: PollQuery {
            raw,
            wait: Duration::ZERO,
        },
    };
    let (cache, answers) = (FragmentCache::default(), PollAnswers::default());
    let who = poller(&account, 7, "http://h", Format::Json);
    let polled = |order: &[u64], moved: u64| -> Vec<ChatEntry> {
        let mut entries: Vec<ChatEntry> = order.iter().map(|&n| read(n, 0, false)).collect();
        for entry in entries.iter_mut().filter(|e| matches!(e, ChatEntry::Read { key, .. } if *key == ChatKey::from_random(moved, 2, 3))) {
            bump(entry);
        }
        entries
    };
    list("kept").render(&cache, &answers, &polled(&[1, 2, 3, 4, 5, 6], 0));
    let fresh = |entries: &[ChatEntry]| -> Vec<u8> {
        let rendered =
            list("fresh").render(&FragmentCache::default(), &PollAnswers::default(), entries);
        match rendered.body {
            RawBody::Whole(body) => body.to_vec(),
            RawBody::Pieces(_) => panic!("a fresh render is whole"),
        }
    };

    // Act: the rotation 2..6, 1 with chat 1 moved.
    let rotated = polled(&[2, 3, 4, 5, 6, 1], 1);
    let sent = list("rotated").render(&cache, &answers, &rotated);

    // Assert: pieces of the kept order rendered again, which stays kept under its query; the
    // rotation is remembered.
    match sent.body {
        RawBody::Pieces(pieces) => assert_eq!(pieces.concat(), fresh(&rotated)),
        RawBody::Whole(_) => panic!("pieces of the kept order rendered again"),
    }
    let last = answers.last(&who).expect("kept");
    assert_eq!(last.query(), "kept");
    let revisions: Vec<u64> = last.revisions().map(|(_, r)| r).collect();
    assert_eq!(
        revisions,
        vec![1, 0, 0, 0, 0, 0],
        "chat 1 at its new revision"
    );
    assert!(last.pieces_for("rotated", &who, Timestamp(0)).is_some());

    // Act / Assert: the kept order itself, or an order of too many runs, with a chat moved,
    // is rendered and kept under its own query as before.
    for (query, order) in [
        ("same", [1, 2, 3, 4, 5, 6]),
        ("scrambled", [2, 1, 4, 3, 6, 5]),
    ] {
        let entries = polled(&order, 2);
        let sent = list(query).render(&cache, &answers, &entries);
        match sent.body {
            RawBody::Whole(body) => assert_eq!(body.to_vec(), fresh(&entries), "{query}"),
            RawBody::Pieces(_) => panic!("{query}: copied"),
        }
        assert_eq!(answers.last(&who).expect("kept").query(), query);
    }
}
