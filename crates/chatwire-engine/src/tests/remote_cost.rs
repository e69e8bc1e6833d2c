//! What another node's write costs this node: every store call is a database round trip on
//! PostgreSQL, so node B's calls are counted ([`CountingStore`]) while node A writes through
//! the same (in-memory) store. The bounds: none when the wake-up carries the chat and the
//! write's events; none for a write nobody on B waits on when it carries the chat alone (B's
//! next read of the chat fills its window once); otherwise one call per remote write someone
//! waits on, fewer than one per line when lines arrive faster than a read takes; none for an
//! availability change.

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{Actor, Availability, EventId, Timestamp};
use chatwire_store::Store;
use chatwire_store::memory::MemoryStore;
use chatwire_store::memory::wakeups::ChatHintDetail;

use super::counting_store::CountingStore;
use super::readers::Who;
use super::{Fixture, populate};
use crate::{Engine, EngineConfig, LineInput, ManualClock};

/// Long-polls here wait far longer than a test may take: returning proves a wake.
const LONG_POLL: Duration = Duration::from_secs(30);
/// How long a test waits for B to catch up before it fails.
const PROMPTLY: Duration = Duration::from_secs(2);

/// Node A (the fixture's engine) and node B, whose store calls are counted.
async fn two_nodes() -> (Fixture, Engine, Arc<CountingStore>) {
    let store = Arc::new(MemoryStore::with_wakeups());
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let config = EngineConfig {
        directory_ttl: Duration::from_secs(3600),
        sweep_interval: Duration::from_secs(3600),
        ..EngineConfig::default()
    };
    let counted = Arc::new(CountingStore::over(Arc::clone(&store)));
    let shared: Arc<dyn Store> = store.clone();
    let a = Engine::with_clock(shared, config.clone(), clock.clone());
    let b = Engine::with_clock(counted.clone(), config, clock.clone());
    let (account, agents) = populate(&a).await;
    a.start().await.expect("start a");
    b.start().await.expect("start b");
    let f = Fixture {
        engine: a,
        store,
        clock,
        account,
        agents,
    };
    (f, b, counted)
}

/// Lets B's wake-up handlers run to the end.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// A chat opened on A that B holds (and has caught up with).
async fn chat_on_both(f: &Fixture, b: &Engine) -> chatwire_core::ChatKey {
    let key = f.request("Sales").await;
    let deadline = tokio::time::Instant::now() + PROMPTLY;
    while !b.open_chats(&f.account).iter().any(|c| c.key == key) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "B never held the chat"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    settle().await;
    key
}

/// Two nodes and a chat B holds with its window filled (nobody on B waits on it), the hints
/// carrying what `detail` says; with B's store calls so far.
async fn filled_on_b(
    detail: ChatHintDetail,
) -> (
    Fixture,
    Engine,
    Arc<CountingStore>,
    chatwire_core::ChatKey,
    usize,
) {
    let (f, b, counted) = two_nodes().await;
    f.store.set_chat_hint_detail(detail);
    let key = chat_on_both(&f, &b).await;
    b.poll(&f.account, &key, EventId(0), Who::Agent(f.agents[0]))
        .await
        .expect("first poll fills the tail");
    let before = counted.calls();
    (f, b, counted, key, before)
}

/// Ten lines posted on A, then time for B to take them in.
async fn ten_lines(f: &Fixture, key: &chatwire_core::ChatKey) {
    for i in 0..10 {
        post(f, key, &format!("line {i}")).await;
    }
    settle().await;
}

async fn post(f: &Fixture, key: &chatwire_core::ChatKey, text: &str) {
    f.engine
        .post_line(&f.account, key, Actor::Visitor, LineInput::plain(text))
        .await
        .expect("line");
}

/// A's line reaches B's long-poll; returns B's store calls meanwhile.
async fn line_to_a_waiter(detail: ChatHintDetail) -> Vec<&'static str> {
    // Arrange: B's agent long-polls a chat B holds.
    let (f, b, counted) = two_nodes().await;
    f.store.set_chat_hint_detail(detail);
    let key = chat_on_both(&f, &b).await;
    let from = b.chat(&f.account, &key).await.expect("chat").next_event_id;
    // The agent's first poll loads the directory and fills the tail: not what is measured.
    b.poll(&f.account, &key, EventId(0), Who::Agent(f.agents[0]))
        .await
        .expect("first poll");
    let before = counted.calls();
    let (acc, k, agent) = (f.account.clone(), key.clone(), f.agents[0]);
    let b2 = b.clone();
    let poll = tokio::spawn(async move {
        b2.poll_wait(&acc, &k, from, Who::Agent(agent), LONG_POLL)
            .await
    });
    settle().await;

    // Act
    post(&f, &key, "one").await;

    // Assert: the waiter got the line.
    let view = tokio::time::timeout(PROMPTLY, poll)
        .await
        .expect("woken promptly")
        .expect("task")
        .expect("view");
    let texts: Vec<_> = view.events.iter().filter_map(super::line_text).collect();
    assert_eq!(texts, vec!["one".to_owned()]);
    settle().await;
    counted.calls_from(before)
}

#[tokio::test]
async fn a_line_posted_on_another_node_costs_a_waiting_node_one_store_call() {
    // The hint carries the chat and the line: nothing is read.
    assert_eq!(
        line_to_a_waiter(ChatHintDetail::ChatAndEvents).await,
        [""; 0]
    );
    // It carries the chat alone: only the new events are read.
    assert_eq!(
        line_to_a_waiter(ChatHintDetail::Chat).await,
        ["events_since"]
    );
    // A chat too large for a notification: the chat and its events, in one call.
    assert_eq!(line_to_a_waiter(ChatHintDetail::Bare).await, ["chat_since"]);
}

#[tokio::test]
async fn lines_nobody_here_waits_on_cost_no_store_call_until_the_chat_is_read() {
    // Arrange: the hints carry the chat, not the lines.
    let (f, b, counted, key, before) = filled_on_b(ChatHintDetail::Chat).await;
    let agent = Who::Agent(f.agents[0]);

    // Act
    ten_lines(&f, &key).await;

    // Assert: B read nothing, yet holds the chat as A committed it.
    assert_eq!(counted.calls_from(before), [""; 0], "store calls on B");
    let on_a = f.engine.chat(&f.account, &key).await.expect("chat on A");
    let held = b.open_chats(&f.account);
    let on_b = held.iter().find(|c| c.key == key).expect("held on B");
    assert_eq!(
        (on_b.revision, on_b.next_event_id),
        (on_a.revision, on_a.next_event_id)
    );

    // B's next read fills the window once, and every line is there; the one after is
    // answered from memory.
    let view = b
        .poll(&f.account, &key, EventId(0), agent)
        .await
        .expect("view");
    let texts: Vec<_> = view.events.iter().filter_map(super::line_text).collect();
    assert_eq!(texts.len(), 10, "{texts:?}");
    assert_eq!(counted.calls_from(before), ["events_since"]);
    let again = b
        .poll(&f.account, &key, EventId(0), agent)
        .await
        .expect("view");
    assert_eq!(again.events, view.events);
    assert_eq!(counted.calls_from(before), ["events_since"], "from memory");
}

#[tokio::test]
async fn an_accept_on_another_node_counts_in_this_nodes_wait_estimate_without_a_read() {
    for detail in [ChatHintDetail::ChatAndEvents, ChatHintDetail::Chat] {
        // Arrange
        let (f, b, counted) = two_nodes().await;
        f.store.set_chat_hint_detail(detail);
        chat_on_both(&f, &b).await;
        assert_eq!(b.0.waits.average_ms(&f.account, None), None);
        let before = counted.calls();

        // Act
        f.clock.advance_ms(12_000);
        f.engine
            .accept_next(&f.caller(f.agents[0]))
            .await
            .expect("accept");
        settle().await;

        // Assert
        assert_eq!(
            b.0.waits.average_ms(&f.account, None),
            Some(12_000),
            "{detail:?}"
        );
        assert_eq!(counted.calls_from(before), [""; 0], "store calls on B");
    }
}

#[tokio::test]
async fn lines_carried_with_their_events_keep_this_nodes_window_without_a_read() {
    // Arrange
    let (f, b, counted, key, before) = filled_on_b(ChatHintDetail::ChatAndEvents).await;
    let agent = Who::Agent(f.agents[0]);

    // Act
    ten_lines(&f, &key).await;

    // Assert: every line is answered from B's memory, with A's numbers.
    let on_a = f
        .engine
        .poll(&f.account, &key, EventId(0), agent)
        .await
        .expect("view on A");
    let on_b = b
        .poll(&f.account, &key, EventId(0), agent)
        .await
        .expect("view on B");
    assert_eq!(on_b.events, on_a.events);
    assert_eq!(on_b.events.iter().filter_map(super::line_text).count(), 10);
    assert_eq!(counted.calls_from(before), [""; 0], "store calls on B");
}

#[tokio::test]
async fn a_burst_of_lines_on_another_node_is_read_in_fewer_calls_than_lines() {
    // Arrange: B's reads are slow, so the burst arrives while the first one is in flight.
    // The hints do not carry the chat, so each one asks B to read.
    let (f, b, counted) = two_nodes().await;
    f.store.set_chat_hint_detail(ChatHintDetail::Bare);
    let key = chat_on_both(&f, &b).await;
    let agent = Who::Agent(f.agents[0]);
    b.poll(&f.account, &key, EventId(0), agent)
        .await
        .expect("first poll fills the tail");
    counted.delay_reads(Duration::from_millis(30));
    let before = counted.calls();

    // Act
    for i in 0..10 {
        post(&f, &key, &format!("line {i}")).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Assert: B holds every line, read in at most two calls (the one in flight when the burst
    // began, and one more for everything that arrived meanwhile).
    let calls = counted.calls() - before;
    assert!(
        calls <= 2,
        "B for a burst of 10 lines: {:?}",
        counted.calls_from(before)
    );
    let view = b
        .poll(&f.account, &key, EventId(0), agent)
        .await
        .expect("view");
    let texts: Vec<_> = view.events.iter().filter_map(super::line_text).collect();
    assert_eq!(texts.len(), 10, "{texts:?}");
    assert_eq!(counted.calls() - before, calls, "the page came from memory");
}

#[tokio::test]
async fn an_availability_change_on_another_node_patches_this_nodes_directory() {
    // Arrange: a Sales chat rings agent 2 on B, which has the directory cached.
    let (f, b, counted) = two_nodes().await;
    chat_on_both(&f, &b).await;
    let agent = f.agents[1];
    assert_eq!(b.ring_count(&f.account, agent).await.expect("count"), 1);
    let before = counted.calls();

    // Act
    f.engine
        .set_availability(&f.account, agent, Availability::Away)
        .await
        .expect("away");
    settle().await;

    // Assert: B routes around the Away agent without reloading anything.
    assert_eq!(b.ring_count(&f.account, agent).await.expect("count"), 0);
    let seen = b.agent(&f.account, agent).await.expect("agent");
    assert_eq!(seen.availability, Availability::Away);
    assert_eq!(counted.calls_from(before), [""; 0], "store calls on B");
}

#[tokio::test]
async fn a_fill_overtaken_by_another_nodes_line_is_dropped_not_kept_with_a_gap() {
    // Arrange: B's first read of the chat fills its window; that read is held after it has
    // read, and A's line arrives meanwhile (nobody on B waits, so B takes the carried chat,
    // which its hint carries without the line).
    let (f, b, counted) = two_nodes().await;
    f.store.set_chat_hint_detail(ChatHintDetail::Chat);
    let key = chat_on_both(&f, &b).await;
    post(&f, &key, "before").await;
    settle().await;
    let agent = Who::Agent(f.agents[0]);
    let (reached, release) = counted.hold_next_full_read();
    let (acc, k, b2) = (f.account.clone(), key.clone(), b.clone());
    let first = tokio::spawn(async move { b2.poll(&acc, &k, EventId(0), agent).await });
    reached.await.expect("the fill has read");

    // Act
    post(&f, &key, "overtaking").await;
    settle().await;
    release.send(()).expect("release the fill");

    // Assert: the first read does not answer from the stale fill, and the window B keeps
    // afterwards has every line: filled once more, then answered from memory.
    let texts = |view: &crate::ChatView| -> Vec<String> {
        view.events.iter().filter_map(super::line_text).collect()
    };
    let view = first.await.expect("task").expect("view");
    assert_eq!(texts(&view), ["before", "overtaking"]);
    let before = counted.calls();
    let again = b
        .poll(&f.account, &key, EventId(0), agent)
        .await
        .expect("view");
    assert_eq!(texts(&again), ["before", "overtaking"]);
    let filled = counted.calls_from(before);
    assert!(filled.len() <= 1, "{filled:?}");
    b.poll(&f.account, &key, EventId(0), agent)
        .await
        .expect("view");
    assert_eq!(counted.calls_from(before), filled, "from memory");
}

#[tokio::test]
async fn a_hint_repeating_an_accept_already_taken_does_not_count_it_twice() {
    // Arrange: A's accept reached B (one wait sample there).
    let (f, b, _counted) = two_nodes().await;
    let key = chat_on_both(&f, &b).await;
    f.clock.advance_ms(12_000);
    f.engine
        .accept_next(&f.caller(f.agents[0]))
        .await
        .expect("accept");
    settle().await;
    assert_eq!(b.0.waits.average_ms(&f.account, None), Some(12_000));

    // Act: a later hint (a typing change, say) that carries the accept's events again, as a
    // coalesced burst may.
    let mut chat = f.engine.chat(&f.account, &key).await.expect("chat");
    let all = f
        .engine
        .poll(&f.account, &key, EventId(0), Who::Agent(f.agents[0]))
        .await
        .expect("events")
        .events;
    chat.revision += 1;
    f.store.send_wakeup(chatwire_store::Wakeup::Chat {
        account: f.account.clone(),
        key: key.clone(),
        revision: chat.revision,
        next_event: chat.next_event_id,
        chat: Some(Arc::new(chat)),
        events: all.into(),
    });
    settle().await;

    // Assert: still one sample of 12 s (a second would not change the average, so count).
    f.clock.advance_ms(1_000);
    let second = f.request("Sales").await;
    f.clock.advance_ms(2_000);
    f.engine
        .accept_next(&f.caller(f.agents[0]))
        .await
        .expect("accept");
    settle().await;
    assert_eq!(
        b.0.waits.average_ms(&f.account, None),
        Some((12_000 + 2_000) / 2),
        "samples on B after a second accept ({second})"
    );
}
