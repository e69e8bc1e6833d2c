//! Engine tests of the lazy tail fill: readers of a cold chat share one store read, and a fill
//! never loses events appended while it was reading.

use std::time::Duration;

use chatwire_core::{Actor, ChatKey, EventId};
use futures::future::join_all;

use super::counting_store::{Counted, counted};
use super::readers::Who;
use crate::{ChatRequestInput, LineInput};

const READERS: usize = 10;

async fn cold_chat(c: &Counted) -> (ChatKey, EventId) {
    let input = ChatRequestInput {
        skill: Some("Sales".into()),
        ..ChatRequestInput::default()
    };
    let chat = c
        .engine
        .request_chat(&c.account, input)
        .await
        .expect("request")
        .chat;
    (chat.key, chat.next_event_id)
}

#[tokio::test]
async fn concurrent_readers_of_a_cold_chat_cause_one_store_read_of_its_window() {
    // Arrange: a chat nobody has read yet, and a store slow enough for the readers to overlap.
    let c = counted().await;
    let (key, next) = cold_chat(&c).await;
    c.store.delay_reads(Duration::from_millis(50));
    let (before, chats_before) = (c.store.events_since_calls(), c.store.get_chat_calls());

    // Act
    let reads = join_all((0..READERS).map(|_| {
        c.engine
            .poll(&c.account, &key, EventId(0), Who::Agent(c.agents[0]))
    }))
    .await;

    // Assert
    assert_eq!(c.store.events_since_calls() - before, 1, "one fill for all");
    assert_eq!(
        c.store.get_chat_calls(),
        chats_before,
        "the chat itself is in memory"
    );
    for read in reads {
        let view = read.expect("read");
        assert_eq!(
            view.events.len() as u32,
            next.0,
            "every reader got the whole log"
        );
        assert_eq!(view.next, next);
    }
}

#[tokio::test]
async fn long_polls_parked_on_a_cold_chat_wake_on_an_append_with_one_store_read() {
    // Arrange: long-polls parked at the end of a chat that was never read (nothing new is
    // answered from memory, so the tail stays cold until the append wakes them all).
    let c = counted().await;
    let (key, next) = cold_chat(&c).await;
    let polls: Vec<_> = (0..READERS)
        .map(|_| {
            let (engine, account, key) = (c.engine.clone(), c.account.clone(), key.clone());
            tokio::spawn(async move {
                engine
                    .poll_many(
                        &account,
                        &[(key, next)],
                        Who::Visitor,
                        Duration::from_secs(30),
                    )
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    c.store.delay_reads(Duration::from_millis(50));
    let before = c.store.events_since_calls();

    // Act
    c.engine
        .post_line(&c.account, &key, Actor::Visitor, LineInput::plain("hello"))
        .await
        .expect("line");
    let woken = tokio::time::timeout(Duration::from_secs(5), join_all(polls))
        .await
        .expect("every poll woke");

    // Assert
    assert_eq!(c.store.events_since_calls() - before, 1, "one fill for all");
    for poll in woken {
        let views = poll.expect("task");
        let view = views.into_iter().next().expect("one chat").expect("read");
        assert_eq!(view.events.len(), 1, "exactly the new line");
        assert_eq!(view.events[0].id, next);
    }
}

#[tokio::test]
async fn a_fill_keeps_events_appended_while_its_store_read_was_in_flight() {
    // Arrange: the first read of a cold chat fills from the store; hold that read once it has
    // its (older) answer.
    let c = counted().await;
    let (key, next) = cold_chat(&c).await;
    let (reached, release) = c.store.hold_next_full_read();
    let reader = {
        let (engine, account, key) = (c.engine.clone(), c.account.clone(), key.clone());
        tokio::spawn(async move { engine.poll(&account, &key, EventId(0), Who::Visitor).await })
    };
    reached.await.expect("the fill read the store");

    // Act: a line is appended while the fill's answer is in flight, then the fill lands.
    c.engine
        .post_line(&c.account, &key, Actor::Visitor, LineInput::plain("late"))
        .await
        .expect("line");
    release.send(()).expect("release");
    let first = reader.await.expect("task").expect("read");
    let calls = c.store.events_since_calls();
    let again = c
        .engine
        .poll(&c.account, &key, EventId(0), Who::Visitor)
        .await
        .expect("read");

    // Assert: the line survives the fill, in memory.
    for view in [&first, &again] {
        assert_eq!(view.next, next.next(), "the appended line is included");
        assert_eq!(view.events.last().map(|e| e.id), Some(next));
    }
    assert_eq!(c.store.events_since_calls(), calls, "answered from memory");
}
