//! Two engines over one shared in-memory store (`MemoryStore::with_wakeups`) stand in for two
//! chatwire nodes on one PostgreSQL: what one node commits must reach the other's memory and
//! waiters through the store's wake-ups alone. Caches are trusted for an hour here, so nothing
//! passes by waiting out a TTL.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{Availability, EventId, Timestamp};
use chatwire_store::memory::MemoryStore;
use chatwire_store::{Store, Wakeup};

use super::readers::Who;
use super::{Fixture, populate};
use crate::{Engine, EngineConfig, EngineError, LineInput, ManualClock};

/// How long a test waits for another node to catch up before it fails.
const PROMPTLY: Duration = Duration::from_secs(2);
/// Long-polls in these tests wait far longer than [`PROMPTLY`]: returning in time proves a wake.
const LONG_POLL: Duration = Duration::from_secs(30);

/// Node A (the fixture's engine, with its account) and node B on the same store and clock.
async fn two_nodes() -> (Fixture, Engine) {
    let store = Arc::new(MemoryStore::with_wakeups());
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let config = EngineConfig {
        directory_ttl: Duration::from_secs(3600),
        sweep_interval: Duration::from_secs(3600),
        ..EngineConfig::default()
    };
    let shared: Arc<dyn Store> = store.clone();
    let a = Engine::with_clock(Arc::clone(&shared), config.clone(), clock.clone());
    let b = Engine::with_clock(shared, config, clock.clone());
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
    (f, b)
}

/// Polls `check` until it holds, failing after [`PROMPTLY`].
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PROMPTLY;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Lets the other node's tasks run a little (for checks that something did NOT happen).
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn a_long_poll_on_one_node_returns_a_line_posted_through_the_other() {
    // Arrange: a chat opened on A; B's agent long-polls it from its current end.
    let (f, b) = two_nodes().await;
    let key = f.request("Sales").await;
    let from = b.chat(&f.account, &key).await.expect("chat").next_event_id;
    let (acc, k) = (f.account.clone(), key.clone());
    let poll = tokio::spawn(async move {
        b.poll_wait(&acc, &k, from, Who::Agent(f.agents[0]), LONG_POLL)
            .await
    });
    settle().await;

    // Act
    f.engine
        .post_line(
            &f.account,
            &key,
            chatwire_core::Actor::Visitor,
            LineInput::plain("hello B"),
        )
        .await
        .expect("line");

    // Assert: B's waiter woke (long before its deadline) and found the line in memory.
    let view = tokio::time::timeout(PROMPTLY, poll)
        .await
        .expect("woken promptly")
        .expect("task")
        .expect("view");
    let texts: Vec<_> = view.events.iter().filter_map(super::line_text).collect();
    assert_eq!(texts, vec!["hello B".to_owned()]);
}

#[tokio::test]
async fn a_chat_opened_on_one_node_rings_on_the_other_and_stops_when_accepted_there() {
    // Arrange: B's agent waits for something to ring.
    let (f, b) = two_nodes().await;
    let (acc, agent) = (f.account.clone(), f.agents[1]);
    let b2 = b.clone();
    let ring = tokio::spawn(async move { b2.wait_ring_count(&acc, agent, LONG_POLL).await });
    settle().await;

    // Act: a visitor's chat arrives through A.
    let key = f.request("Sales").await;

    // Assert: it rings on B at once; accepted on A, it stops ringing on B.
    let count = tokio::time::timeout(PROMPTLY, ring)
        .await
        .expect("woken promptly")
        .expect("task")
        .expect("count");
    assert_eq!(count, 1);
    f.engine
        .accept(&f.account, f.agents[0], &key)
        .await
        .expect("accept on A");
    eventually("B sees the chat accepted", || async {
        b.ring_count(&f.account, agent).await.expect("count") == 0
            && b.open_chats(&f.account)
                .iter()
                .any(|c| c.is_handled_by(f.agents[0]))
    })
    .await;
}

#[tokio::test]
async fn an_availability_change_on_one_node_reaches_the_others_routing_without_the_ttl() {
    // Arrange: a Sales chat rings agent 2 on B (B has cached the directory).
    let (f, b) = two_nodes().await;
    f.request("Sales").await;
    let agent = f.agents[1];
    eventually("the chat rings on B", || async {
        b.ring_count(&f.account, agent).await.expect("count") == 1
    })
    .await;

    // Act: the agent goes Away through A.
    f.engine
        .set_availability(&f.account, agent, Availability::Away)
        .await
        .expect("away");

    // Assert
    eventually("B routes around the Away agent", || async {
        b.ring_count(&f.account, agent).await.expect("count") == 0
    })
    .await;
    let seen = b.agent(&f.account, agent).await.expect("agent");
    assert_eq!(seen.availability, Availability::Away);
}

#[tokio::test]
async fn a_logout_on_one_node_rejects_the_bearer_on_the_other() {
    // Arrange: B has checked (and cached) the bearer.
    let (f, b) = two_nodes().await;
    let grant = f
        .engine
        .login(&f.account, "agent1", "demo-pass")
        .await
        .expect("login");
    b.bearer(&f.account, &grant.bearer)
        .await
        .expect("valid on B");

    // Act
    f.engine
        .logout(&f.account, Some(&grant.cookie), Some(&grant.csrf))
        .await
        .expect("logout on A");

    // Assert
    eventually("B refuses the bearer", || async {
        matches!(
            b.bearer(&f.account, &grant.bearer).await,
            Err(EngineError::Unauthorized(_))
        )
    })
    .await;
}

#[tokio::test]
async fn after_lost_wakeups_a_reconnect_makes_parked_waiters_resample() {
    // Arrange: B's agent long-polls a chat; then B stops hearing of writes.
    let (f, b) = two_nodes().await;
    let key = f.request("Sales").await;
    let from = b.chat(&f.account, &key).await.expect("chat").next_event_id;
    let (acc, k, agent) = (f.account.clone(), key.clone(), f.agents[0]);
    let b2 = b.clone();
    let poll = tokio::spawn(async move {
        b2.poll_wait(&acc, &k, from, Who::Agent(agent), LONG_POLL)
            .await
    });
    settle().await;
    f.store.lose_wakeups(true);
    let opened_on_a = f.request("Support").await;
    f.engine
        .post_line(
            &f.account,
            &key,
            chatwire_core::Actor::Visitor,
            LineInput::plain("missed"),
        )
        .await
        .expect("line");
    settle().await;
    assert!(!poll.is_finished(), "B cannot know yet");

    // Act: the connection comes back.
    f.store.lose_wakeups(false);
    f.store.send_wakeup(Wakeup::All);

    // Assert: the waiter re-sampled and found the line; B's index has the other chat.
    let view = tokio::time::timeout(PROMPTLY, poll)
        .await
        .expect("woken promptly")
        .expect("task")
        .expect("view");
    let texts: Vec<_> = view.events.iter().filter_map(super::line_text).collect();
    assert_eq!(texts, vec!["missed".to_owned()]);
    assert!(
        b.open_chats(&f.account)
            .iter()
            .any(|c| c.key == opened_on_a)
    );
}

#[tokio::test]
async fn visitor_polls_on_one_node_keep_the_other_from_timing_the_chat_out() {
    // Arrange: a chat (40 s timeout) opened on A and known to B.
    let (f, b) = two_nodes().await;
    let key = f.request("Sales").await;
    eventually("B holds the chat", || async {
        b.open_chats(&f.account).iter().any(|c| c.key == key)
    })
    .await;

    // Act: 30 s in, the visitor polls A (only); 20 s later both nodes sweep.
    f.clock.advance_ms(30_000);
    f.engine
        .poll(&f.account, &key, EventId(0), Who::Visitor)
        .await
        .expect("visitor poll");
    eventually("A recorded the sighting", || async {
        f.store
            .visitor_seen(&f.account, &key)
            .await
            .expect("seen")
            .is_some()
    })
    .await;
    f.clock.advance_ms(20_000);
    let ended_by_b = b.sweep_once().await;
    let ended_by_a = f.engine.sweep_once().await;

    // Assert: B (which saw no poll for 50 s) left it open; once the stored sighting is older
    // than the timeout plus the recording margin (40 + 10 s), B ends it.
    assert_eq!((ended_by_a, ended_by_b), (0, 0));
    f.clock.advance_ms(29_000);
    assert_eq!(b.sweep_once().await, 0, "49 s after the last sighting");
    f.clock.advance_ms(1_000);
    assert_eq!(b.sweep_once().await, 1, "50 s after the last sighting");
}

#[tokio::test]
async fn an_agent_polling_only_the_other_node_stays_online_until_idle_everywhere() {
    // Arrange: agent1 logs in and polls through B only; A runs the liveness sweeps.
    let (f, b) = two_nodes().await;
    let grant = b.login(&f.account, "agent1", "demo-pass").await;
    let bearer = grant.expect("login").bearer;
    let availability = |i: usize| {
        let (engine, account, id) = (f.engine.clone(), f.account.clone(), f.agents[i]);
        async move {
            engine
                .agent(&account, id)
                .await
                .expect("agent")
                .availability
        }
    };

    // Act: two minutes of polls on B, a sweep on A after each.
    for _ in 0..6 {
        f.clock.advance_ms(20_000);
        b.bearer(&f.account, &bearer).await.expect("poll on B");
        f.engine.sweep_agents().await;
    }

    // Assert: A trusted B's heartbeat for agent1, and set the silent agents Offline.
    assert_eq!(availability(0).await, Availability::Online);
    assert_eq!(availability(1).await, Availability::Offline);
    assert_eq!(availability(2).await, Availability::Offline);

    // Act + Assert: agent1 stops polling; A waits out the idle timeout plus the heartbeat
    // margin (60 s + 15 s) after B's last heartbeat, then sets agent1 Offline.
    f.clock.advance_ms(60_000);
    f.engine.sweep_agents().await;
    assert_eq!(
        availability(0).await,
        Availability::Online,
        "within the margin"
    );
    f.clock.advance_ms(15_000);
    assert_eq!(f.engine.sweep_agents().await.went_offline, 1);
    assert_eq!(availability(0).await, Availability::Offline);
}
