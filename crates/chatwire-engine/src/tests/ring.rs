//! Ring timeout on one node (manual clock): a waiting chat rings one agent at a time and moves
//! on after the timeout; an agent who lets chats ring out twice in a row goes Away, taking a
//! chat starts the count again; an agent who cannot take the chat loses their turn at once
//! without a ring-out. LivePerson agent sessions expire when unused for their TTL (401).

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{Availability, Timestamp};
use chatwire_store::memory::MemoryStore;

use super::{Fixture, futures_counts, populate};
use crate::{Engine, EngineConfig, EngineError, ManualClock, RingSweep};

/// Turns of 20 s; Away after two ring-outs in a row.
pub(super) fn ring_config() -> EngineConfig {
    EngineConfig {
        ring_timeout: Duration::from_secs(20),
        away_after_ring_outs: 2,
        ..EngineConfig::default()
    }
}

async fn fixture_with(config: EngineConfig) -> Fixture {
    let store = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let engine = Engine::with_clock(store.clone(), config, clock.clone());
    let (account, agents) = populate(&engine).await;
    Fixture {
        engine,
        store,
        clock,
        account,
        agents,
    }
}

fn swept(rung: usize, rang_out: usize, went_away: usize) -> RingSweep {
    RingSweep {
        rung,
        rang_out,
        went_away,
    }
}

impl Fixture {
    async fn availability_of(&self, index: usize) -> Availability {
        let agent = self.engine.agent(&self.account, self.agents[index]).await;
        agent.expect("agent").availability
    }
}

#[tokio::test]
async fn a_chat_rings_one_agent_at_a_time_and_moves_on_after_the_ring_timeout() {
    // Arrange: a Sales chat; agent1 and agent2 answer Sales, both idle.
    let f = fixture_with(ring_config()).await;
    let key = f.request("Sales").await;

    // Assert: the first turn is agent1's (least busy, lowest id) alone.
    assert_eq!(futures_counts(&f).await, vec![1, 0, 0]);

    // Act + Assert: 19 s is within the turn; at 20 s it moves to agent2, then back.
    f.clock.advance_ms(19_000);
    assert_eq!(f.engine.sweep_rings().await, swept(0, 0, 0));
    assert_eq!(futures_counts(&f).await, vec![1, 0, 0]);
    f.clock.advance_ms(1_000);
    assert_eq!(f.engine.sweep_rings().await, swept(1, 1, 0));
    assert_eq!(futures_counts(&f).await, vec![0, 1, 0]);
    let refused = f.engine.accept_next(&f.caller(f.agents[0])).await;
    assert!(
        matches!(refused, Err(EngineError::NothingToDo(_))),
        "not agent1's turn: {refused:?}"
    );

    // Act + Assert: agent2 takes it in their turn.
    let taken = f.engine.accept_next(&f.caller(f.agents[1])).await;
    assert_eq!(taken.expect("agent2 accepts").chat.key, key);
    assert_eq!(futures_counts(&f).await, vec![0, 0, 0]);
    assert_eq!(
        f.engine.sweep_rings().await,
        swept(0, 0, 0),
        "nothing waits"
    );
}

#[tokio::test]
async fn an_agent_who_lets_chats_ring_out_twice_in_a_row_goes_away() {
    // Arrange
    let f = fixture_with(ring_config()).await;
    f.request("Sales").await;

    // Act: agent1, agent2, agent1 let it ring out.
    for _ in 0..3 {
        f.clock.advance_ms(20_000);
        f.engine.sweep_rings().await;
    }

    // Assert: agent1 (two ring-outs) is Away, agent2 (one) Online, and it is agent2's turn.
    assert_eq!(f.availability_of(0).await, Availability::Away);
    assert_eq!(f.availability_of(1).await, Availability::Online);
    assert_eq!(futures_counts(&f).await, vec![0, 1, 0]);

    // Act + Assert: agent2 takes it (their count starts again), then lets one more chat ring
    // out: one in a row, so still Online.
    f.engine
        .accept_next(&f.caller(f.agents[1]))
        .await
        .expect("agent2 accepts");
    f.request("Sales").await;
    assert_eq!(futures_counts(&f).await, vec![0, 1, 0], "agent2 alone");
    f.clock.advance_ms(20_000);
    assert_eq!(
        f.engine.sweep_rings().await,
        swept(1, 1, 0),
        "agent2 rang out once; agent2 again (the only one left)"
    );
    assert_eq!(f.availability_of(1).await, Availability::Online);
    f.clock.advance_ms(20_000);
    assert_eq!(f.engine.sweep_rings().await, swept(1, 1, 1));
    assert_eq!(f.availability_of(1).await, Availability::Away);
    assert_eq!(futures_counts(&f).await, vec![0, 0, 0], "nobody left");
}

#[tokio::test]
async fn an_agent_who_cannot_take_the_chat_loses_the_turn_at_once_without_a_ring_out() {
    let f = fixture_with(ring_config()).await;
    f.request("Sales").await;
    f.engine
        .set_availability(&f.account, f.agents[0], Availability::Occupied)
        .await
        .expect("occupied");
    assert_eq!(f.engine.sweep_rings().await, swept(1, 0, 0));
    assert_eq!(futures_counts(&f).await, vec![0, 1, 0]);
    assert_eq!(f.availability_of(0).await, Availability::Occupied);
}

#[tokio::test]
async fn without_a_ring_timeout_every_eligible_agent_rings_at_once() {
    let f = super::fixture().await;
    f.request("Sales").await;
    assert_eq!(futures_counts(&f).await, vec![1, 1, 0]);
    f.clock.advance_ms(600_000);
    assert_eq!(f.engine.sweep_rings().await, swept(0, 0, 0));
    assert_eq!(futures_counts(&f).await, vec![1, 1, 0]);
}

#[tokio::test]
async fn an_agent_session_unused_for_its_ttl_answers_unauthorized() {
    // Arrange: a 100 s TTL; agent1 logs in and opens an agent session.
    let f = fixture_with(EngineConfig {
        agent_session_ttl: Duration::from_secs(100),
        agent_idle_timeout: Duration::ZERO,
        ..EngineConfig::default()
    })
    .await;
    let grant = f.engine.login(&f.account, "agent1", "demo-pass").await;
    let bearer = grant.expect("login").bearer;
    let who = f.engine.bearer(&f.account, &bearer).await.expect("bearer");
    let asid = f.engine.open_agent_session(&who).await.expect("session");

    // Act + Assert: used every 90 s for five minutes, it stays.
    for _ in 0..4 {
        f.clock.advance_ms(90_000);
        f.engine.agent_session(&who, asid).await.expect("in use");
    }

    // Act + Assert: unused for the TTL plus a quarter, it is refused as expired (401), while
    // an id that never existed stays unknown (404).
    f.clock.advance_ms(125_000);
    let expired = f.engine.agent_session(&who, asid).await;
    assert!(
        matches!(expired, Err(EngineError::Unauthorized(_))),
        "{expired:?}"
    );
    let unknown = f.engine.agent_session(&who, 1_234_567_890).await;
    assert!(
        matches!(unknown, Err(EngineError::NotFound(_))),
        "{unknown:?}"
    );
    f.engine
        .bearer(&f.account, &bearer)
        .await
        .expect("the login lives on");
    let fresh = f.engine.open_agent_session(&who).await.expect("a new one");
    f.engine.agent_session(&who, fresh).await.expect("usable");
}
