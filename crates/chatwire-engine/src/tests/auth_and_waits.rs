//! Engine tests of login lifetimes and of long-poll waits (many chats, ring count, feed).

use std::time::Duration;

use chatwire_core::{AccountId, Actor, ChatKey, EventId};

use super::fixture;
use super::readers::Who;
use crate::{EngineError, LineInput};

#[tokio::test]
async fn a_bearer_expires_after_its_ttl_unless_refreshed() {
    let f = fixture().await;
    let grant = f
        .engine
        .login(&f.account, "agent1", "demo-pass")
        .await
        .expect("login");
    let ttl = grant.ttl_ms;
    f.clock.advance_ms(ttl - 1_000);
    assert!(f.engine.bearer(&f.account, &grant.bearer).await.is_ok());
    f.engine
        .refresh(&f.account, Some(&grant.cookie), Some(&grant.csrf))
        .await
        .expect("refresh");
    f.clock.advance_ms(ttl - 1_000);
    assert!(
        f.engine.bearer(&f.account, &grant.bearer).await.is_ok(),
        "refresh restarted the lifetime"
    );
    f.clock.advance_ms(2_000);
    // The session cache may still hold the row; expiry is checked on every use regardless.
    assert!(matches!(
        f.engine.bearer(&f.account, &grant.bearer).await,
        Err(EngineError::Unauthorized(_))
    ));
    assert!(matches!(
        f.engine
            .refresh(&f.account, Some(&grant.cookie), Some(&grant.csrf))
            .await,
        Err(EngineError::Unauthorized(_) | EngineError::InvalidCsrf)
    ));
}

#[tokio::test]
async fn a_bearer_of_one_account_is_not_valid_for_another() {
    let f = fixture().await;
    let grant = f
        .engine
        .login(&f.account, "agent1", "demo-pass")
        .await
        .expect("login");
    f.engine
        .create_account("2000", "Other")
        .await
        .expect("account");
    let other = AccountId::parse("2000").expect("id");
    assert!(matches!(
        f.engine.bearer(&other, &grant.bearer).await,
        Err(EngineError::Unauthorized(_))
    ));
}

#[tokio::test]
async fn a_multi_chat_wait_returns_when_any_of_its_chats_gets_an_event() {
    let f = fixture().await;
    let a = f.request("Sales").await;
    let b = f.request("Sales").await;
    let next_a = f
        .engine
        .poll(&f.account, &a, EventId(0), Who::Visitor)
        .await
        .expect("read")
        .next;
    let next_b = f
        .engine
        .poll(&f.account, &b, EventId(0), Who::Visitor)
        .await
        .expect("read")
        .next;
    let waiter = {
        let (engine, account, reqs) = (
            f.engine.clone(),
            f.account.clone(),
            vec![(a.clone(), next_a), (b.clone(), next_b)],
        );
        tokio::spawn(async move {
            engine
                .poll_many(&account, &reqs, Who::Visitor, Duration::from_secs(30))
                .await
        })
    };
    tokio::task::yield_now().await;
    f.engine
        .post_line(&f.account, &b, Actor::Visitor, LineInput::plain("on b"))
        .await
        .expect("line");
    let views = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken")
        .expect("task");
    assert!(views[0].as_ref().expect("a").events.is_empty());
    assert_eq!(views[1].as_ref().expect("b").events.len(), 1);
}

#[tokio::test]
async fn a_wait_also_ends_when_a_typing_indicator_changes() {
    use chatwire_core::chat::TypingSide;
    use chatwire_core::{ChatCommand, Typing};
    let f = fixture().await;
    let a = f.request("Sales").await;
    let b = f.request("Sales").await;
    let next = |key: ChatKey| {
        let (engine, account) = (f.engine.clone(), f.account.clone());
        async move {
            engine
                .poll(&account, &key, EventId(0), Who::Visitor)
                .await
                .expect("read")
                .next
        }
    };
    let (next_a, next_b) = (next(a.clone()).await, next(b.clone()).await);
    let typing = |key: ChatKey, side| {
        let (engine, account) = (f.engine.clone(), f.account.clone());
        async move {
            engine
                .commit(&account, &key, ChatCommand::SetTyping(side, Typing::Typing))
                .await
                .expect("typing")
        }
    };

    // Only a change while the wait is parked ends it, so each change waits for the waiter.
    let parked = |key: ChatKey| {
        let engine = f.engine.clone();
        async move {
            while !engine
                .0
                .notifier
                .is_watched(&crate::Topic::Chat(key.clone()))
            {
                tokio::task::yield_now().await;
            }
        }
    };

    // One chat: the wait returns with no event but the new indicator.
    let one = {
        let (engine, account, a) = (f.engine.clone(), f.account.clone(), a.clone());
        tokio::spawn(async move {
            engine
                .poll_wait(&account, &a, next_a, Who::Visitor, Duration::from_secs(30))
                .await
        })
    };
    parked(a.clone()).await;
    typing(a.clone(), TypingSide::Agent).await;
    let view = tokio::time::timeout(Duration::from_secs(5), one)
        .await
        .expect("woken by the agent's typing")
        .expect("task")
        .expect("view");
    assert!(view.events.is_empty());
    assert_eq!(view.chat.agent_typing, Typing::Typing);

    // Several chats (the multi-chat retrieve): the same, for the chat whose indicator moved.
    let many = {
        let (engine, account, reqs) = (
            f.engine.clone(),
            f.account.clone(),
            vec![(a.clone(), next_a), (b.clone(), next_b)],
        );
        tokio::spawn(async move {
            engine
                .poll_many(&account, &reqs, Who::Visitor, Duration::from_secs(30))
                .await
        })
    };
    parked(b.clone()).await;
    // The reader's own side typing does not end its wait; the other side's does.
    typing(b.clone(), TypingSide::Visitor).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !many.is_finished(),
        "the visitor's own typing woke the visitor"
    );
    typing(b.clone(), TypingSide::Agent).await;
    let views = tokio::time::timeout(Duration::from_secs(5), many)
        .await
        .expect("woken by the agent's typing")
        .expect("task");
    let b_view = views[1].as_ref().expect("b");
    assert!(b_view.events.is_empty());
    assert_eq!(b_view.chat.agent_typing, Typing::Typing);

    // A change between two polls (nobody parked): the next wait answers at once, since it
    // compares with what the last wait answered, and the one after that waits again.
    f.engine
        .commit(
            &f.account,
            &a,
            ChatCommand::SetTyping(TypingSide::Agent, Typing::NotTyping),
        )
        .await
        .expect("typing");
    let quick = tokio::time::timeout(
        Duration::from_secs(5),
        f.engine.poll_wait(
            &f.account,
            &a,
            next_a,
            Who::Visitor,
            Duration::from_secs(30),
        ),
    )
    .await
    .expect("answered at once")
    .expect("view");
    assert_eq!(quick.chat.agent_typing, Typing::NotTyping);
    let again = tokio::time::timeout(
        Duration::from_millis(300),
        f.engine.poll_wait(
            &f.account,
            &a,
            next_a,
            Who::Visitor,
            Duration::from_secs(30),
        ),
    )
    .await;
    assert!(
        again.is_err(),
        "nothing changed since the last answer: it waits"
    );
}

#[tokio::test]
async fn a_ring_count_wait_returns_when_a_chat_starts_ringing_and_waits_are_clamped() {
    let f = fixture().await;
    assert_eq!(
        f.engine.clamp_wait(Duration::from_secs(3600)),
        Duration::from_secs(60)
    );
    let waiter = {
        let (engine, account, agent) = (f.engine.clone(), f.account.clone(), f.agents[1]);
        tokio::spawn(async move {
            engine
                .wait_ring_count(&account, agent, Duration::from_secs(30))
                .await
        })
    };
    tokio::task::yield_now().await;
    f.request("Sales").await;
    let count = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken")
        .expect("task")
        .expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn the_account_feed_lists_every_event_in_sequence_and_waits_for_the_next() {
    let f = fixture().await;
    let a = f.request("Sales").await;
    f.request("Support").await;
    let new = chatwire_core::NewAppKey {
        key: "feed-reader".into(),
        account: f.account.clone(),
        name: "feed".into(),
        can_read_feed: true,
        allowed_origins: Vec::new(),
    };
    f.engine.create_app_key(&new).await.expect("app key");
    let reader: crate::Caller = f
        .engine
        .visitor_caller(&f.account, "feed-reader")
        .await
        .expect("caller")
        .into();
    let all = f
        .engine
        .feed(&reader, chatwire_core::GlobalSeq(0), 100, Duration::ZERO)
        .await
        .expect("feed");
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].event.seq < w[1].event.seq));
    let last = all.last().expect("items").event.seq;
    let empty = f
        .engine
        .feed(&reader, last, 100, Duration::from_millis(30))
        .await
        .expect("deadline");
    assert!(empty.is_empty());
    let waiter = {
        let (engine, reader) = (f.engine.clone(), reader.clone());
        tokio::spawn(async move {
            engine
                .feed(&reader, last, 100, Duration::from_secs(30))
                .await
        })
    };
    tokio::task::yield_now().await;
    f.engine
        .post_line(&f.account, &a, Actor::Visitor, LineInput::plain("news"))
        .await
        .expect("line");
    let items = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken")
        .expect("task")
        .expect("feed");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].chat, a);
}

#[test]
fn a_wait_is_whole_seconds_and_anything_else_is_no_wait() {
    assert_eq!(crate::parse_wait(" 25 "), Some(Duration::from_secs(25)));
    assert_eq!(crate::parse_wait("0"), Some(Duration::ZERO));
    for bad in ["", "-5", "1.5", "later"] {
        assert_eq!(crate::parse_wait(bad), None, "{bad:?}");
    }
    assert_eq!(crate::wait_secs(Some("later")), Duration::ZERO);
    assert_eq!(crate::wait_secs(None), Duration::ZERO);
    assert_eq!(crate::wait_secs(Some("3")), Duration::from_secs(3));
}
