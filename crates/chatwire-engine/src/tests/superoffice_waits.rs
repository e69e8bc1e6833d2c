//! Engine tests of the SuperOffice messages long-poll (`GetChatMessages` with `Wait`): it
//! answers as soon as a newer event exists, empty at its deadline or at shutdown, and never
//! misses an event committed while it samples.

use std::time::{Duration, Instant};

use chatwire_core::{Actor, ChatKey, EventKind, GlobalSeq};

use super::counting_store::counted;
use super::fixture;
use super::readers::Who;
use crate::{Cursor, Engine, EngineResult, LineInput};

/// The newest `seq` of the chat as the agent sees it.
async fn last_seq(
    engine: &Engine,
    f: (&chatwire_core::AccountId, &ChatKey),
    agent: chatwire_core::AgentId,
) -> GlobalSeq {
    let (_, events) = engine
        .messages_after(f.0, f.1, agent, GlobalSeq(0), Duration::ZERO)
        .await
        .expect("read");
    events.last().expect("events").seq
}

type Waited =
    tokio::task::JoinHandle<EngineResult<(chatwire_core::Chat, Vec<chatwire_core::ChatEvent>)>>;

fn park(
    engine: &Engine,
    account: &chatwire_core::AccountId,
    key: &ChatKey,
    agent: chatwire_core::AgentId,
    after: GlobalSeq,
    wait: Duration,
) -> Waited {
    let (engine, account, key) = (engine.clone(), account.clone(), key.clone());
    tokio::spawn(async move {
        engine
            .messages_after(&account, &key, agent, after, wait)
            .await
    })
}

fn text(event: &chatwire_core::ChatEvent) -> &str {
    match &event.kind {
        EventKind::Line(line) => &line.text,
        _ => "",
    }
}

#[tokio::test]
async fn a_parked_messages_wait_returns_the_line_committed_after_it() {
    // Arrange
    let f = fixture().await;
    let key = f.request("Sales").await;
    let agent = f.agents[1];
    f.engine
        .pick_up(&f.caller(agent), &key)
        .await
        .expect("pick up");
    let after = last_seq(&f.engine, (&f.account, &key), agent).await;
    let waiter = park(
        &f.engine,
        &f.account,
        &key,
        agent,
        after,
        Duration::from_secs(30),
    );
    tokio::time::sleep(Duration::from_millis(20)).await;

    // Act
    f.engine
        .post_line(
            &f.account,
            &key,
            Actor::Visitor,
            LineInput::plain("anyone?"),
        )
        .await
        .expect("line");
    let (_, events) = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken")
        .expect("task")
        .expect("events");

    // Assert
    assert_eq!(events.len(), 1);
    assert_eq!(text(&events[0]), "anyone?");
    assert!(events[0].seq > after);
}

#[tokio::test]
async fn a_messages_wait_with_nothing_new_is_empty_at_its_deadline_or_at_shutdown() {
    // Arrange
    let f = fixture().await;
    let key = f.request("Sales").await;
    let agent = f.agents[1];
    f.engine
        .pick_up(&f.caller(agent), &key)
        .await
        .expect("pick up");
    let after = last_seq(&f.engine, (&f.account, &key), agent).await;

    // Act
    let started = Instant::now();
    let (_, at_deadline) = f
        .engine
        .messages_after(&f.account, &key, agent, after, Duration::from_millis(100))
        .await
        .expect("deadline");
    let waited = started.elapsed();
    let parked = park(
        &f.engine,
        &f.account,
        &key,
        agent,
        after,
        Duration::from_secs(30),
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    f.engine.shutdown();
    let (_, at_shutdown) = tokio::time::timeout(Duration::from_secs(5), parked)
        .await
        .expect("released")
        .expect("task")
        .expect("events");

    // Assert
    assert!(at_deadline.is_empty());
    assert!(waited >= Duration::from_millis(100), "waited {waited:?}");
    assert!(at_shutdown.is_empty());
}

#[tokio::test]
async fn a_poll_by_number_reads_no_store_and_a_wait_pass_reads_only_what_is_new() {
    // Arrange: a chat longer than the tail window, polled SuperOffice-style (by number, with an
    // `After` cursor) as a client does, once it has caught up.
    let c = counted().await;
    let input = crate::ChatRequestInput {
        skill: Some("Sales".into()),
        ..crate::ChatRequestInput::default()
    };
    let chat = c
        .engine
        .request_chat(&c.account, input)
        .await
        .expect("request")
        .chat;
    let agent = c.agents[1];
    c.engine
        .pick_up(
            &crate::AgentPrincipal {
                account: c.account.clone(),
                agent,
                login: None,
            },
            &chat.key,
        )
        .await
        .expect("pick up");
    for i in 0..300 {
        c.engine
            .post_line(
                &c.account,
                &chat.key,
                Actor::Visitor,
                LineInput::plain(format!("line {i}")),
            )
            .await
            .expect("line");
    }
    let after = last_seq(&c.engine, (&c.account, &chat.key), agent).await;
    let caller = c.engine.caller_for(&c.account, Who::Agent(agent)).await;
    let before = (
        c.store.get_chat_by_num_calls(),
        c.store.get_chat_calls(),
        c.store.events_since_calls(),
    );

    // Act: ten empty polls, then a wait woken by one line.
    for _ in 0..10 {
        let view = c
            .engine
            .read_events_by_num(&caller, chat.num, Cursor::After(after), Duration::ZERO)
            .await
            .expect("poll");
        assert!(view.events.is_empty());
    }
    let waiter = {
        let (engine, caller) = (c.engine.clone(), caller.clone());
        let wait = Duration::from_secs(30);
        tokio::spawn(async move {
            engine
                .read_events_by_num(&caller, chat.num, Cursor::After(after), wait)
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    c.engine
        .post_line(
            &c.account,
            &chat.key,
            Actor::Visitor,
            LineInput::plain("in between"),
        )
        .await
        .expect("line");
    let view = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken, not left to its 30 s deadline")
        .expect("task")
        .expect("events");

    // Assert: the number was mapped in memory and every pass was answered from the tail.
    assert_eq!(view.events.len(), 1);
    assert_eq!(text(&view.events[0]), "in between");
    let now = (
        c.store.get_chat_by_num_calls(),
        c.store.get_chat_calls(),
        c.store.events_since_calls(),
    );
    assert_eq!(
        now, before,
        "(get_chat_by_num, get_chat, events_since) calls"
    );
}
