//! Agent liveness with the test clock: idle agents go Offline, their chats are requeued after
//! `requeue_after` (system message 23) or kept when that is 0, and any authenticated request
//! (bearer or password call) keeps an agent Online.

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{Availability, ChatState, EventId, EventKind, SystemMessageId, Timestamp};
use chatwire_store::memory::MemoryStore;

use super::readers::Who;
use super::{Fixture, populate};
use crate::{Engine, EngineConfig, LivenessSweep, ManualClock};

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

fn swept(went_offline: usize, requeued: usize) -> LivenessSweep {
    LivenessSweep {
        went_offline,
        requeued,
    }
}

impl Fixture {
    async fn availability(&self, index: usize) -> Availability {
        let agent = self.engine.agent(&self.account, self.agents[index]).await;
        agent.expect("agent").availability
    }
}

#[tokio::test]
async fn an_idle_agent_goes_offline_and_their_chat_is_requeued_with_message_23() {
    let f = super::fixture().await;
    let grant = f.engine.login(&f.account, "agent2", "demo-pass").await;
    let bearer = grant.expect("login").bearer;
    let key = f.request("Sales").await;
    f.engine
        .accept_next(&f.caller(f.agents[0]))
        .await
        .expect("agent1 accepts");
    let support = f.engine.skill_by_name_or_id(&f.account, "Support").await;
    let support = Some(support.expect("skill").id);

    f.clock.advance_ms(30_000);
    f.engine.bearer(&f.account, &bearer).await.expect("poll");
    assert_eq!(
        f.engine.sweep_agents().await,
        swept(0, 0),
        "30 s is not idle"
    );
    f.clock.advance_ms(30_000);
    assert_eq!(
        f.engine.sweep_agents().await,
        swept(2, 0),
        "agent1 and agent3 idle for 60 s; agent2 polled 30 s ago"
    );
    assert_eq!(f.availability(0).await, Availability::Offline);
    assert_eq!(f.availability(1).await, Availability::Online);
    assert_eq!(f.availability(2).await, Availability::Offline);
    let available = f
        .engine
        .visitor_availability(&f.account, support, None, None);
    assert!(
        !available.await.expect("availability"),
        "nobody for Support"
    );
    let wait = f.engine.estimated_wait(&f.account, support).await;
    assert_eq!(wait.expect("estimate"), -1);
    let presences = f.engine.presences(&f.account).await.expect("presences");
    let present: Vec<bool> = presences.iter().map(|p| p.present).collect();
    assert_eq!(present, vec![false, true, false]);

    f.engine.bearer(&f.account, &bearer).await.expect("poll");
    f.clock.advance_ms(119_000);
    f.engine.bearer(&f.account, &bearer).await.expect("poll");
    assert_eq!(f.engine.sweep_agents().await, swept(0, 0), "not yet 120 s");
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.state, ChatState::Chatting, "still with its agent");
    f.clock.advance_ms(1_000);
    assert_eq!(f.engine.sweep_agents().await, swept(0, 1));

    let view = f.engine.poll(&f.account, &key, EventId(0), Who::Visitor);
    let view = view.await.expect("read");
    assert_eq!(view.chat.state, ChatState::Waiting);
    assert_eq!(view.chat.agent, None);
    let requeued = view.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Line(l) => l.system_message,
        _ => None,
    });
    assert_eq!(requeued, Some(SystemMessageId::REQUEUED));
    let rings = f.engine.ring_count(&f.account, f.agents[1]).await;
    assert_eq!(
        rings.expect("ring count"),
        1,
        "the Sales queue rings agent2"
    );
    assert_eq!(f.engine.sweep_agents().await, swept(0, 0), "requeued once");
}

#[tokio::test]
async fn password_calls_keep_an_agent_online_and_becoming_online_restarts_the_timeout() {
    let f = super::fixture().await;
    for _ in 0..5 {
        f.clock.advance_ms(50_000);
        f.engine
            .authenticate_caller_from(&f.account, "agent1", "demo-pass", None)
            .await
            .expect("password call");
        f.engine.sweep_agents().await;
    }
    assert_eq!(f.availability(0).await, Availability::Online);
    assert_eq!(f.availability(1).await, Availability::Offline);
    f.engine
        .set_availability(&f.account, f.agents[1], Availability::Online)
        .await
        .expect("back online");
    f.clock.advance_ms(59_000);
    f.engine.sweep_agents().await;
    assert_eq!(
        f.availability(1).await,
        Availability::Online,
        "fresh timeout"
    );
}

#[tokio::test]
async fn requeue_after_zero_leaves_chats_with_their_offline_agent() {
    let f = fixture_with(EngineConfig {
        requeue_after: Duration::ZERO,
        ..EngineConfig::default()
    })
    .await;
    let key = f.request("Sales").await;
    f.engine
        .accept_next(&f.caller(f.agents[0]))
        .await
        .expect("accept");
    f.clock.advance_ms(60_000);
    assert_eq!(f.engine.sweep_agents().await, swept(3, 0));
    f.clock.advance_ms(3_600_000);
    assert_eq!(f.engine.sweep_agents().await, swept(0, 0));
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.state, ChatState::Chatting);
    assert_eq!(chat.agent.map(|a| a.id), Some(f.agents[0]));
}

#[tokio::test]
async fn idle_timeout_zero_keeps_agents_online_and_logout_still_requeues() {
    let f = fixture_with(EngineConfig {
        agent_idle_timeout: Duration::ZERO,
        ..EngineConfig::default()
    })
    .await;
    let grant = f.engine.login(&f.account, "agent1", "demo-pass").await;
    let grant = grant.expect("login");
    let key = f.request("Sales").await;
    f.engine
        .accept_next(&f.caller(f.agents[0]))
        .await
        .expect("accept");
    f.clock.advance_ms(3_600_000);
    assert_eq!(f.engine.sweep_agents().await, swept(0, 0));
    assert_eq!(f.availability(2).await, Availability::Online);
    f.engine
        .logout(&f.account, Some(&grant.cookie), Some(&grant.csrf))
        .await
        .expect("logout");
    assert_eq!(f.engine.sweep_agents().await, swept(0, 0), "noted Offline");
    f.clock.advance_ms(120_000);
    assert_eq!(f.engine.sweep_agents().await, swept(0, 1));
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.state, ChatState::Waiting);
}

#[tokio::test]
async fn an_agent_who_chose_offline_but_keeps_calling_keeps_their_chats() {
    // SuperOffice "not present": no new chats, but the agent finishes the ones they have.
    let f = super::fixture().await;
    let key = f.request("Sales").await;
    f.engine
        .accept_next(&f.caller(f.agents[0]))
        .await
        .expect("accept");
    f.engine
        .set_presence(&f.caller(f.agents[0]), f.agents[0], false)
        .await
        .expect("not present");
    for _ in 0..10 {
        f.clock.advance_ms(30_000);
        f.engine
            .authenticate_caller_from(&f.account, "agent1", "demo-pass", None)
            .await
            .expect("password call");
        assert_eq!(f.engine.sweep_agents().await.requeued, 0);
    }
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.agent.map(|a| a.id), Some(f.agents[0]), "still theirs");

    // The agent stops calling: two minutes later the chat goes back to the queue.
    f.clock.advance_ms(119_000);
    assert_eq!(f.engine.sweep_agents().await.requeued, 0);
    f.clock.advance_ms(1_000);
    assert_eq!(f.engine.sweep_agents().await.requeued, 1);
}

#[tokio::test]
async fn the_frequent_pass_covers_agents_seen_here_and_the_full_one_every_account() {
    // Arrange: the fixture's engine saw its agents go Online; a restarted engine over the same
    // store has seen nobody.
    let f = super::fixture().await;
    let restarted = Engine::with_clock(f.store.clone(), EngineConfig::default(), f.clock.clone());

    // Act + Assert: the restarted engine's frequent pass knows no account; its full pass
    // notes everyone as seen now, a full timeout before they go Offline.
    f.clock.advance_ms(60_000);
    assert_eq!(restarted.sweep_known_agents().await, swept(0, 0));
    assert_eq!(
        restarted.sweep_agents().await,
        swept(0, 0),
        "first sighting"
    );
    f.clock.advance_ms(60_000);
    assert_eq!(restarted.sweep_known_agents().await, swept(3, 0));

    // The original engine's frequent pass covers its own account.
    let g = super::fixture().await;
    g.clock.advance_ms(60_000);
    assert_eq!(g.engine.sweep_known_agents().await, swept(3, 0));
}
