//! Engine use-case tests over the in-memory store and a manual clock.

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{
    AccountId, Actor, AgentId, Availability, ChatKey, ChatState, DomainError, EventId, EventKind,
    LineSubType, SystemMessageId,
};
use chatwire_store::memory::MemoryStore;

use crate::{
    ChatRequestInput, Engine, EngineConfig, EngineError, LineInput, ManualClock, NewAgentInput,
    NewSkillInput, TransferTo,
};
use readers::Who;

struct Fixture {
    engine: Engine,
    store: Arc<MemoryStore>,
    clock: Arc<ManualClock>,
    account: AccountId,
    agents: Vec<AgentId>,
}

/// Account 1000 with Sales/Support and three agents: 0 (Sales+Support, max 4), 1 (Sales, max 2),
/// 2 (Support, unlimited); all Online.
async fn fixture() -> Fixture {
    let store = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::new(chatwire_core::Timestamp(
        1_700_000_000_000,
    )));
    let engine = Engine::with_clock(store.clone(), EngineConfig::default(), clock.clone());
    let (account, agents) = populate(&engine).await;
    Fixture {
        engine,
        store,
        clock,
        account,
        agents,
    }
}

/// Gives `engine` the fixture's account, skills and agents (see [`fixture`]).
async fn populate(engine: &Engine) -> (AccountId, Vec<AgentId>) {
    let account = engine
        .create_account("1000", "Demo")
        .await
        .expect("account")
        .id;
    for name in ["Sales", "Support"] {
        let input = NewSkillInput {
            name: name.into(),
            ..NewSkillInput::default()
        };
        engine.create_skill(&account, input).await.expect("skill");
    }
    let mut agents = Vec::new();
    for (login, skills, max) in [
        ("agent1", vec!["Sales", "Support"], 4),
        ("agent2", vec!["Sales"], 2),
        ("agent3", vec!["Support"], -1),
    ] {
        let input = NewAgentInput {
            login_name: login.into(),
            password: "demo-pass".into(),
            nickname: format!("{login}-nick"),
            display_name: login.into(),
            email: String::new(),
            max_chats: max,
            skills: skills.into_iter().map(String::from).collect(),
            is_admin: false,
        };
        let agent = engine.create_agent(&account, input).await.expect("agent");
        engine
            .set_availability(&account, agent.id, Availability::Online)
            .await
            .expect("online");
        agents.push(agent.id);
    }
    (account, agents)
}

impl Fixture {
    /// Agent `agent` of the fixture's account as a caller (as a password check gives it).
    fn caller(&self, agent: AgentId) -> crate::AgentPrincipal {
        crate::AgentPrincipal {
            account: self.account.clone(),
            agent,
            login: None,
        }
    }

    async fn request(&self, skill: &str) -> ChatKey {
        let input = ChatRequestInput {
            skill: Some(skill.into()),
            ..ChatRequestInput::default()
        };
        self.engine
            .request_chat(&self.account, input)
            .await
            .expect("request")
            .chat
            .key
    }
}

#[tokio::test]
async fn a_waiting_chat_rings_online_agents_with_its_skill_only() {
    let f = fixture().await;
    f.request("sales").await;
    let counts: Vec<u32> = futures_counts(&f).await;
    assert_eq!(counts, vec![1, 1, 0]);
}

async fn futures_counts(f: &Fixture) -> Vec<u32> {
    let mut out = Vec::new();
    for a in &f.agents {
        out.push(
            f.engine
                .ring_count(&f.account, *a)
                .await
                .expect("ring count"),
        );
    }
    out
}

#[tokio::test]
async fn first_accept_wins_and_the_loser_is_told_nothing_rings() {
    let f = fixture().await;
    let key = f.request("Sales").await;
    let (first, second) = (f.caller(f.agents[0]), f.caller(f.agents[1]));
    let (a, b) = tokio::join!(f.engine.accept_next(&first), f.engine.accept_next(&second));
    let winners = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(winners, 1);
    let loser = if a.is_ok() { b } else { a };
    assert!(matches!(loser, Err(EngineError::NothingToDo(_))));
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.state, ChatState::Chatting);
    assert_eq!(futures_counts(&f).await, vec![0, 0, 0]);
}

#[tokio::test]
async fn capacity_stops_ringing_and_accepting() {
    let f = fixture().await;
    for _ in 0..3 {
        f.request("Sales").await;
    }
    // agent1 (max 4) is away, so agent2 (max 2) takes two and then hits the limit.
    f.engine
        .set_availability(&f.account, f.agents[0], Availability::Away)
        .await
        .expect("away");
    f.engine
        .accept_next(&f.caller(f.agents[1]))
        .await
        .expect("first");
    f.engine
        .accept_next(&f.caller(f.agents[1]))
        .await
        .expect("second");
    assert_eq!(
        f.engine
            .ring_count(&f.account, f.agents[1])
            .await
            .expect("count"),
        0
    );
    let third = f.engine.accept_next(&f.caller(f.agents[1])).await;
    assert!(matches!(
        third,
        Err(EngineError::Domain(DomainError::AgentAtCapacity {
            active: 2,
            max: 2
        }))
    ));
}

#[tokio::test]
async fn each_side_reads_exactly_the_new_events_by_cursor_and_private_lines_stay_private() {
    let f = fixture().await;
    let key = f.request("Sales").await;
    f.engine
        .accept_next(&f.caller(f.agents[1]))
        .await
        .expect("accept");
    let agent = Actor::Agent {
        id: f.agents[1],
        name: "agent2-nick".into(),
    };
    let before = f
        .engine
        .poll(&f.account, &key, EventId(0), Who::Visitor)
        .await
        .expect("read");
    f.engine
        .post_line(&f.account, &key, Actor::Visitor, LineInput::plain("hello"))
        .await
        .expect("visitor line");
    let private = LineInput {
        sub_type: LineSubType::OnlyToRep,
        ..LineInput::plain("note to self")
    };
    f.engine
        .post_line(&f.account, &key, agent.clone(), private)
        .await
        .expect("private");
    f.engine
        .post_line(&f.account, &key, agent, LineInput::plain("hi!"))
        .await
        .expect("agent line");

    let visitor = f
        .engine
        .poll(&f.account, &key, before.next, Who::Visitor)
        .await
        .expect("visitor poll");
    let texts: Vec<String> = visitor.events.iter().filter_map(line_text).collect();
    assert_eq!(texts, vec!["hello", "hi!"]);
    let agent_view = f
        .engine
        .poll(&f.account, &key, before.next, Who::Agent(f.agents[1]))
        .await
        .expect("agent poll");
    assert_eq!(agent_view.events.len(), 3);
    assert_eq!(
        visitor.next, agent_view.next,
        "hidden events still advance the cursor"
    );
    let again = f
        .engine
        .poll(&f.account, &key, visitor.next, Who::Visitor)
        .await
        .expect("empty poll");
    assert!(again.events.is_empty());
    assert_eq!(again.next, visitor.next);
}

fn line_text(e: &chatwire_core::ChatEvent) -> Option<String> {
    match &e.kind {
        EventKind::Line(l) if l.system_message.is_none() => Some(l.text.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn polls_inside_the_window_never_touch_the_store() {
    let f = fixture().await;
    let key = f.request("Sales").await;
    let first = f
        .engine
        .poll(&f.account, &key, EventId(0), Who::Visitor)
        .await
        .expect("warm");
    f.store.set_unavailable(true);
    let empty = f
        .engine
        .poll(&f.account, &key, first.next, Who::Visitor)
        .await
        .expect("memory only");
    assert!(empty.events.is_empty());
    let again = f
        .engine
        .poll(&f.account, &key, EventId(1), Who::Visitor)
        .await
        .expect("window");
    assert_eq!(again.events.len(), 1);
    assert!(
        f.engine.ring_count(&f.account, f.agents[0]).await.is_ok(),
        "ring count is memory-only too"
    );
    let write = f
        .engine
        .post_line(&f.account, &key, Actor::Visitor, LineInput::plain("x"))
        .await;
    assert!(matches!(write, Err(EngineError::Unavailable(_))));
}

#[tokio::test]
async fn agents_cannot_read_chats_that_are_not_theirs() {
    let f = fixture().await;
    let key = f.request("Support").await;
    // agent2 has no Support skill: the chat does not ring for them and stays hidden.
    let read = f
        .engine
        .poll(&f.account, &key, EventId(0), Who::Agent(f.agents[1]))
        .await;
    assert!(matches!(read, Err(EngineError::Forbidden(_))));
    assert!(
        f.engine
            .poll(&f.account, &key, EventId(0), Who::Agent(f.agents[2]))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_silent_visitor_times_out_with_system_message_6() {
    let f = fixture().await;
    let key = f.request("Sales").await;
    f.clock.advance_ms(30_000);
    f.engine.touch_visitor(&f.account, &key);
    f.clock.advance_ms(30_000);
    assert_eq!(
        f.engine.sweep_once().await,
        0,
        "activity 30 s ago keeps it alive"
    );
    f.clock.advance_ms(11_000);
    assert_eq!(f.engine.sweep_once().await, 1);
    let view = f
        .engine
        .poll(&f.account, &key, EventId(0), Who::Visitor)
        .await
        .expect("read");
    assert_eq!(view.chat.state, ChatState::Ended);
    let EventKind::Line(l) = &view.events[view.events.len() - 2].kind else {
        panic!("line expected")
    };
    assert_eq!(l.system_message, Some(SystemMessageId::DISCONNECTED));
}

#[tokio::test]
async fn transfer_to_a_skill_rings_its_agents_but_not_the_sender() {
    let f = fixture().await;
    let key = f.request("Sales").await;
    f.engine
        .accept_next(&f.caller(f.agents[0]))
        .await
        .expect("accept");
    f.engine
        .transfer(
            &f.caller(f.agents[0]),
            &key,
            TransferTo::Skill(
                f.engine
                    .skill_by_name_or_id(&f.account, "Support")
                    .await
                    .expect("skill")
                    .id,
            ),
            "vip".into(),
        )
        .await
        .expect("transfer");
    assert_eq!(futures_counts(&f).await, vec![0, 0, 1]);
    f.engine
        .accept_next(&f.caller(f.agents[2]))
        .await
        .expect("agent3 accepts");
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert!(chat.is_handled_by(f.agents[2]));
}

#[tokio::test]
async fn transfer_to_a_skill_nobody_can_take_is_refused() {
    let f = fixture().await;
    let key = f.request("Support").await;
    f.engine
        .accept_next(&f.caller(f.agents[2]))
        .await
        .expect("accept");
    f.engine
        .set_availability(&f.account, f.agents[0], Availability::Away)
        .await
        .expect("away");
    f.engine
        .set_availability(&f.account, f.agents[1], Availability::Away)
        .await
        .expect("away");
    let sales = f
        .engine
        .skill_by_name_or_id(&f.account, "Sales")
        .await
        .expect("skill")
        .id;
    let refused = f
        .engine
        .transfer(
            &f.caller(f.agents[2]),
            &key,
            TransferTo::Skill(sales),
            String::new(),
        )
        .await;
    assert!(matches!(
        refused,
        Err(EngineError::Domain(DomainError::Invalid { .. }))
    ));
}

#[tokio::test]
async fn login_checks_the_password_and_hides_which_part_was_wrong() {
    let f = fixture().await;
    assert!(
        f.engine
            .authenticate(&f.account, "AGENT1", "demo-pass")
            .await
            .is_ok()
    );
    for (login, pass) in [("agent1", "nope"), ("ghost", "demo-pass")] {
        let err = f.engine.authenticate(&f.account, login, pass).await;
        assert!(matches!(err, Err(EngineError::Unauthorized(_))));
    }
}

#[tokio::test]
async fn a_parked_waiter_returns_when_a_line_is_posted() {
    let f = fixture().await;
    let key = f.request("Sales").await;
    let next = f
        .engine
        .poll(&f.account, &key, EventId(0), Who::Visitor)
        .await
        .expect("read")
        .next;
    let waiter = {
        let (engine, account, key) = (f.engine.clone(), f.account.clone(), key.clone());
        tokio::spawn(async move {
            engine
                .poll_wait(&account, &key, next, Who::Visitor, Duration::from_secs(30))
                .await
        })
    };
    tokio::task::yield_now().await;
    f.engine
        .post_line(&f.account, &key, Actor::Visitor, LineInput::plain("ping"))
        .await
        .expect("line");
    let view = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("returned")
        .expect("task")
        .expect("view");
    assert_eq!(view.events.len(), 1);
}

#[tokio::test]
async fn a_waiter_returns_empty_at_its_deadline_and_at_shutdown() {
    let f = fixture().await;
    let key = f.request("Sales").await;
    let next = f
        .engine
        .poll(&f.account, &key, EventId(0), Who::Visitor)
        .await
        .expect("read")
        .next;
    let view = f
        .engine
        .poll_wait(
            &f.account,
            &key,
            next,
            Who::Visitor,
            Duration::from_millis(50),
        )
        .await
        .expect("deadline");
    assert!(view.events.is_empty());
    let waiter = {
        let (engine, account, key) = (f.engine.clone(), f.account.clone(), key.clone());
        tokio::spawn(async move {
            engine
                .poll_wait(&account, &key, next, Who::Visitor, Duration::from_secs(600))
                .await
        })
    };
    tokio::task::yield_now().await;
    f.engine.shutdown();
    let view = tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("released")
        .expect("task")
        .expect("view");
    assert!(view.events.is_empty());
}

#[tokio::test]
async fn a_restarted_engine_sees_open_chats_and_routes_them() {
    let f = fixture().await;
    let key = f.request("Support").await;
    let fresh = Engine::new(f.store.clone(), EngineConfig::default());
    fresh.start().await.expect("start");
    assert_eq!(
        fresh
            .ring_count(&f.account, f.agents[2])
            .await
            .expect("count"),
        1
    );
    fresh
        .accept_next(&f.caller(f.agents[2]))
        .await
        .expect("accept");
    assert_eq!(
        fresh.chat(&f.account, &key).await.expect("chat").state,
        ChatState::Chatting
    );
    fresh.shutdown();
}

#[tokio::test]
async fn unknown_skill_in_a_request_is_not_found() {
    let f = fixture().await;
    let input = ChatRequestInput {
        skill: Some("Nope".into()),
        ..ChatRequestInput::default()
    };
    assert!(matches!(
        f.engine.request_chat(&f.account, input).await,
        Err(EngineError::NotFound("skill"))
    ));
}

mod access;
mod account_events;
mod admin;
mod app_logins;
mod archive;
mod auth_and_waits;
mod counting_store;
mod guard;
mod guard_locks;
mod history;
mod liveness;
mod multi_node;
mod named_agent;
mod patch_order;
mod readers;
mod remote_cost;
mod ring;
mod ring_nodes;
mod superoffice;
mod superoffice_sessions;
mod superoffice_waits;
mod tail_fill;
mod visitor_caller;
