//! Ring timeout and agent-session TTL across two nodes on one shared store
//! (`MemoryStore::with_wakeups`, standing in for PostgreSQL): the turn is a stored fact both
//! nodes route by, only one node moves a turn that ran out, ring-outs counted by either node
//! add up to Away, and an agent session kept in use through one node is not expired by the
//! other.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{Availability, Timestamp};
use chatwire_store::Store;
use chatwire_store::memory::MemoryStore;

use super::ring::ring_config;
use super::{Fixture, populate};
use crate::{Engine, EngineConfig, ManualClock};

/// Node A (the fixture's engine) and node B on one store and clock; caches trusted an hour.
pub(super) async fn two_nodes(config: EngineConfig) -> (Fixture, Engine) {
    let store = Arc::new(MemoryStore::with_wakeups());
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let config = EngineConfig {
        directory_ttl: Duration::from_secs(3600),
        sweep_interval: Duration::from_secs(3600),
        ..config
    };
    let shared: Arc<dyn Store> = store.clone();
    let a = Engine::with_clock(Arc::clone(&shared), config.clone(), clock.clone());
    let b = Engine::with_clock(shared, config, clock.clone());
    let (account, agents) = populate(&a).await;
    a.start().await.expect("start a");
    b.start().await.expect("start b");
    // Each node's sweeper sweeps once at start (its interval's first tick), then hourly here.
    // Let those first sweeps run now: run later, after a test has moved the clock, they would
    // take a ring-out the test expects a given node to take.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let f = Fixture {
        engine: a,
        store,
        clock,
        account,
        agents,
    };
    (f, b)
}

/// Polls `check` until it holds, failing after two seconds.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The ring counts of the fixture's three agents on `engine`.
async fn counts(engine: &Engine, f: &Fixture) -> Vec<u32> {
    let mut out = Vec::new();
    for agent in &f.agents {
        out.push(engine.ring_count(&f.account, *agent).await.expect("count"));
    }
    out
}

#[tokio::test]
async fn a_turn_that_runs_out_moves_once_whichever_node_sweeps_and_both_route_by_it() {
    // Arrange: a Sales chat opened on A rings agent1 alone, on both nodes.
    let (f, b) = two_nodes(ring_config()).await;
    f.request("Sales").await;
    eventually("B routes by A's turn", || async {
        counts(&b, &f).await == vec![1, 0, 0]
    })
    .await;

    // Act: the turn runs out; both nodes sweep at once.
    f.clock.advance_ms(20_000);
    let (on_a, on_b) = tokio::join!(f.engine.sweep_rings(), b.sweep_rings());

    // Assert: one ring-out in all; agent2's turn on both nodes.
    assert_eq!(on_a.rang_out + on_b.rang_out, 1, "{on_a:?} {on_b:?}");
    for (name, engine) in [("A", &f.engine), ("B", &b)] {
        eventually(&format!("agent2's turn on {name}"), || async {
            counts(engine, &f).await == vec![0, 1, 0]
        })
        .await;
    }
}

#[tokio::test]
async fn ring_outs_counted_on_either_node_add_up_to_away_on_both() {
    // Arrange
    let (f, b) = two_nodes(ring_config()).await;
    f.request("Sales").await;

    // Act: agent1's turn runs out swept by A, agent2's by B, agent1's again by B.
    f.clock.advance_ms(20_000);
    assert_eq!(f.engine.sweep_rings().await.rang_out, 1);
    eventually("B sees agent2's turn", || async {
        counts(&b, &f).await == vec![0, 1, 0]
    })
    .await;
    f.clock.advance_ms(20_000);
    assert_eq!(b.sweep_rings().await.rang_out, 1);
    f.clock.advance_ms(20_000);
    assert_eq!(
        b.sweep_rings().await.went_away,
        1,
        "agent1's second in a row"
    );

    // Assert: agent1 is Away on both nodes.
    for engine in [&f.engine, &b] {
        eventually("agent1 Away", || async {
            let agent = engine.agent(&f.account, f.agents[0]).await.expect("agent");
            agent.availability == Availability::Away
        })
        .await;
    }
}

#[tokio::test]
async fn an_agent_session_used_only_through_one_node_stays_valid_on_the_other() {
    // Arrange: a 100 s TTL; the session is opened (and cached) on A.
    let (f, b) = two_nodes(EngineConfig {
        agent_session_ttl: Duration::from_secs(100),
        agent_idle_timeout: Duration::ZERO,
        ..EngineConfig::default()
    })
    .await;
    let grant = f.engine.login(&f.account, "agent1", "demo-pass").await;
    let bearer = grant.expect("login").bearer;
    let on_a = f
        .engine
        .bearer(&f.account, &bearer)
        .await
        .expect("bearer A");
    let asid = f.engine.open_agent_session(&on_a).await.expect("session");
    f.engine
        .agent_session(&on_a, asid)
        .await
        .expect("cached on A");
    let on_b = b.bearer(&f.account, &bearer).await.expect("bearer B");

    // Act: five minutes of use through B only.
    for _ in 0..4 {
        f.clock.advance_ms(90_000);
        b.agent_session(&on_b, asid).await.expect("in use on B");
    }

    // Assert: A takes B's use into account; once unused everywhere, both refuse it.
    f.engine
        .agent_session(&on_a, asid)
        .await
        .expect("valid on A");
    f.clock.advance_ms(125_000);
    for engine in [&f.engine, &b] {
        let who = engine.bearer(&f.account, &bearer).await.expect("bearer");
        let expired = engine.agent_session(&who, asid).await;
        assert!(
            matches!(expired, Err(crate::EngineError::Unauthorized(_))),
            "{expired:?}"
        );
    }
}
