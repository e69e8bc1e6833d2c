//! Tail window behaviour: out-of-order absorption, gaps, window bounds.

use chatwire_core::{
    AccountId, Chat, ChatEvent, ChatKey, ChatNum, ChatRequest, ChatState, EventId, EventKind,
    GlobalSeq, Line, NewChat, SystemMessageId, Timestamp,
};

use super::{Tail, TailRead};

fn chat() -> Chat {
    let new = NewChat {
        key: ChatKey::from_random(1, 2, 3),
        account: AccountId::parse("1000").expect("valid"),
        skill: None,
        visitor_name: "visitor".into(),
        visitor_id: 1,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest::default(),
    };
    Chat::open(new, ChatNum(1), Timestamp(0)).expect("open").0
}

fn event(id: u32) -> ChatEvent {
    ChatEvent {
        id: EventId(id),
        seq: GlobalSeq(i64::from(id) + 1),
        at: Timestamp(0),
        kind: EventKind::Line(Line::system(SystemMessageId::ROUTING, format!("e{id}"))),
    }
}

fn with_next(mut c: Chat, next: u32, revision: u64) -> Chat {
    c.next_event_id = EventId(next);
    c.revision = revision;
    c
}

fn ids(read: TailRead) -> Vec<u32> {
    match read {
        TailRead::Hit(events) => events.iter().map(|e| e.id.0).collect(),
        TailRead::Miss => panic!("expected a memory hit"),
    }
}

fn loaded_tail(n: u32) -> Tail {
    let mut t = Tail::new(with_next(chat(), n, 1), Timestamp(0));
    t.fill(&(0..n).map(event).collect::<Vec<_>>(), 8);
    t
}

#[test]
fn nothing_new_is_a_memory_hit() {
    let t = loaded_tail(3);
    assert_eq!(ids(t.read(EventId(3), 100)), Vec::<u32>::new());
    assert_eq!(ids(t.read(EventId(1), 100)), vec![1, 2]);
}

#[test]
fn out_of_order_commits_are_served_only_when_contiguous() {
    let mut t = loaded_tail(3);
    // The commit of events 5-6 lands before the commit of 3-4.
    t.absorb(&with_next(chat(), 7, 3), &[event(5), event(6)], 8);
    assert_eq!(
        t.read(EventId(3), 100),
        TailRead::Miss,
        "gap at 3: ask the store"
    );
    assert_eq!(
        ids(t.read(EventId(1), 100)),
        vec![1, 2],
        "never skips past the gap"
    );
    t.absorb(&with_next(chat(), 5, 2), &[event(3), event(4)], 8);
    assert_eq!(ids(t.read(EventId(3), 100)), vec![3, 4, 5, 6]);
    assert_eq!(t.chat.revision, 3, "older snapshot does not roll back");
}

#[test]
fn the_window_is_bounded_and_older_reads_go_to_the_store() {
    let mut t = loaded_tail(8);
    t.absorb(
        &with_next(chat(), 12, 2),
        &[event(8), event(9), event(10), event(11)],
        8,
    );
    assert_eq!(t.read(EventId(2), 100), TailRead::Miss);
    assert_eq!(ids(t.read(EventId(4), 2)), vec![4, 5]);
}

#[test]
fn an_unloaded_tail_misses_unless_nothing_is_new() {
    let t = Tail::new(with_next(chat(), 3, 1), Timestamp(0));
    assert_eq!(ids(t.read(EventId(3), 10)), Vec::<u32>::new());
    assert_eq!(t.read(EventId(0), 10), TailRead::Miss);
}

fn numbered(n: u32, state: ChatState) -> Chat {
    let mut c = chat();
    c.key = ChatKey::from_random(u64::from(n), u128::from(n), n);
    c.num = ChatNum(i64::from(n));
    c.state = state;
    c
}

#[test]
fn eviction_drops_only_ended_tails_unread_for_the_retention_and_their_numbers() {
    // Arrange: chat 1 open, chat 2 ended in memory (retired by a pass), chat 3 arriving ended.
    let live = super::Live::default();
    let mut chats = vec![
        numbered(1, ChatState::Waiting),
        numbered(2, ChatState::Waiting),
        numbered(3, ChatState::Ended),
    ];
    for c in &chats {
        live.upsert(c, Timestamp(0));
    }
    let account = chats[0].account.clone();
    chats[1].state = ChatState::Ended;
    chats[1].revision += 1;
    live.upsert(&chats[1], Timestamp(5));
    assert_eq!(
        live.open_chats(&account).len(),
        1,
        "an ended chat is not open"
    );
    assert_eq!(live.retire_ended(), 1);
    assert_eq!(live.retire_ended(), 0, "retired once");
    assert_eq!(
        live.collect_open(|t| Some(t.chat.num)),
        vec![ChatNum(1)],
        "only open tails are walked"
    );

    // Act + Assert: nothing is due before the retention has passed.
    assert_eq!(live.evict(Timestamp(99), 100), 0);
    // Chat 3 is read at 50: it stays until 150, chat 2 (last read at 0) leaves at 100.
    live.get(&account, &chats[2].key)
        .map(|t| super::lock(&t).last_access = Timestamp(50))
        .expect("held");
    assert_eq!(live.evict(Timestamp(100), 100), 1);
    assert!(live.get(&account, &chats[1].key).is_none());
    assert_eq!(live.key_of_num(&account, ChatNum(2)), None);
    assert!(
        live.get(&account, &chats[2].key).is_some(),
        "read since: kept"
    );
    assert_eq!(live.evict(Timestamp(150), 100), 1);
    assert!(live.get(&account, &chats[2].key).is_none());
    assert_eq!(
        live.evict(Timestamp(10_000), 100),
        0,
        "the open chat never leaves"
    );
    assert_eq!(
        live.key_of_num(&account, ChatNum(1)),
        Some(chats[0].key.clone())
    );
}

#[test]
fn a_reset_tail_keeps_its_place_in_the_open_set() {
    let live = super::Live::default();
    let mut c = numbered(1, ChatState::Waiting);
    live.upsert(&c, Timestamp(0));
    c.state = ChatState::Ended;
    c.revision += 1;
    live.reset(&c, Timestamp(1));
    assert_eq!(
        live.retire_ended(),
        1,
        "the ended replacement is retired by the pass"
    );
    assert_eq!(live.evict(Timestamp(1), 1), 1);
    assert!(live.all().is_empty());
}

#[test]
fn a_snapshot_without_new_events_keeps_the_window() {
    // A typing change made elsewhere: a new revision, no new event.
    let mut t = loaded_tail(3);
    let gate = std::sync::Arc::clone(&t.fill_gate);
    t.take_snapshot(&std::sync::Arc::new(with_next(chat(), 3, 2)));
    assert_eq!(t.chat.revision, 2);
    assert!(t.is_loaded());
    assert!(std::sync::Arc::ptr_eq(&gate, &t.fill_gate));
    assert_eq!(ids(t.read(EventId(0), 100)), vec![0, 1, 2]);
}

#[test]
fn a_snapshot_ahead_of_the_events_drops_the_window_for_a_fresh_fill() {
    let mut t = loaded_tail(3);
    let gate = std::sync::Arc::clone(&t.fill_gate);
    t.take_snapshot(&std::sync::Arc::new(with_next(chat(), 5, 2)));
    assert!(!t.is_loaded());
    assert!(
        !std::sync::Arc::ptr_eq(&gate, &t.fill_gate),
        "a fill in flight is discarded"
    );
    assert_eq!(
        t.read(EventId(3), 100),
        TailRead::Miss,
        "events 3 and 4 are not here"
    );
    assert_eq!(
        ids(t.read(EventId(5), 100)),
        Vec::<u32>::new(),
        "nothing past the chat"
    );

    // The next fill serves everything again.
    t.fill(&(0..5).map(event).collect::<Vec<_>>(), 8);
    assert_eq!(ids(t.read(EventId(2), 100)), vec![2, 3, 4]);

    // An older snapshot changes nothing.
    t.take_snapshot(&std::sync::Arc::new(with_next(chat(), 9, 1)));
    assert!(t.is_loaded());
    assert_eq!(t.chat.next_event_id, EventId(5));
}

#[test]
fn chats_read_together_are_each_read_under_their_own_tail() {
    let live = super::Live::default();
    let held = chat();
    let mut other_account = chat();
    other_account.account = AccountId::parse("2000").expect("valid");
    other_account.key = ChatKey::from_random(7, 8, 9);
    live.upsert(&held, Timestamp(0));
    live.upsert(&other_account, Timestamp(0));
    let absent = ChatKey::from_random(4, 5, 6);

    let keys = [held.key.clone(), absent, other_account.key];
    let read = live.read_many(&held.account, keys.iter().zip(1..), |n, tail| {
        tail.last_access = Timestamp(n);
        Some((n, tail.chat.key.clone()))
    });

    assert_eq!(
        read,
        [Some((1, held.key.clone())), None, None],
        "absent, another account's"
    );
    let tail = live.get(&held.account, &held.key).expect("held");
    assert_eq!(
        super::lock(&tail).last_access,
        Timestamp(1),
        "read under its lock"
    );
    let none = live.read_many(
        &AccountId::parse("3000").expect("valid"),
        keys.iter().zip(0..),
        |_, _| Some(()),
    );
    assert!(none.iter().all(Option::is_none));
}
