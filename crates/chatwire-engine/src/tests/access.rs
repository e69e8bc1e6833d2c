//! Engine tests of who may act on a chat (`access`): the hijack sequence of issue 11, refusals
//! that reveal nothing, SuperOffice's no-ops kept only for agents who may read the chat, and
//! transfers taken only by their target.
//!
//! Fixture agents: 0 = agent1 (Sales+Support), 1 = agent2 (Sales), 2 = agent3 (Support).

use chatwire_core::access::ChatDisclosure;
use chatwire_core::{AgentId, ChatKey, ChatState, DomainError, Typing};

use super::{Fixture, fixture};
use crate::{EngineError, LineInput, TransferTo};

/// A Sales chat agent2 (index 1) has picked up.
async fn chat_of_agent2(f: &Fixture) -> ChatKey {
    let key = f.request("Sales").await;
    f.engine
        .pick_up(&f.caller(f.agents[1]), &key)
        .await
        .expect("pick up")
        .expect("taken");
    key
}

async fn revision(f: &Fixture, key: &ChatKey) -> u64 {
    f.engine.chat(&f.account, key).await.expect("chat").revision
}

fn hidden<T: std::fmt::Debug>(result: &Result<T, EngineError>) -> bool {
    matches!(result, Err(EngineError::Forbidden(_)))
}

async fn make_admin(f: &Fixture, agent: AgentId) {
    let mut record = f.engine.agent(&f.account, agent).await.expect("agent");
    record.is_admin = true;
    f.engine.update_agent(&record).await.expect("admin");
}

#[tokio::test]
async fn the_hijack_sequence_is_refused_and_changes_nothing() {
    // Arrange: agent1 shares agent2's skill but has nothing to do with the chat.
    let f = fixture().await;
    let key = chat_of_agent2(&f).await;
    let before = revision(&f, &key).await;
    let thief = f.agents[0];

    // Act
    let transfer = f
        .engine
        .transfer_to_agent(&f.caller(thief), &key, "agent1")
        .await;
    let accept = f.engine.accept_transfer(&f.caller(thief), &key).await;
    let decline = f.engine.decline_transfer(&f.caller(thief), &key).await;
    let lp_transfer = f
        .engine
        .transfer(
            &f.caller(thief),
            &key,
            TransferTo::Agent(thief),
            String::new(),
        )
        .await;

    // Assert
    assert!(hidden(&transfer), "{transfer:?}");
    assert!(hidden(&accept), "{accept:?}");
    assert!(hidden(&decline), "{decline:?}");
    assert!(hidden(&lp_transfer), "{lp_transfer:?}");
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.revision, before, "nothing changed");
    assert!(chat.is_handled_by(f.agents[1]));
}

#[tokio::test]
async fn every_agent_action_on_a_chat_the_agent_may_not_read_is_refused() {
    // Arrange
    let f = fixture().await;
    let key = chat_of_agent2(&f).await;
    let before = revision(&f, &key).await;
    let (a, e, other) = (&f.account, &f.engine, f.agents[2]);

    // Act
    let results = [
        e.agent_post_line(&f.caller(other), &key, LineInput::plain("hi"))
            .await
            .map(|_| ()),
        e.push_url(&f.caller(other), &key, "https://example.com".into())
            .await
            .map(|_| ()),
        e.agent_end_chat(&f.caller(other), &key).await.map(|_| ()),
        e.set_agent_typing(&f.caller(other), &key, Typing::Typing)
            .await
            .map(|_| ()),
        e.requeue(&f.caller(other), &key).await.map(|_| ()),
        e.reject_transfer(a, &key, other).await.map(|_| ()),
        e.close_session(&f.caller(other), &key).await,
        e.pick_up(&f.caller(other), &key).await.map(|_| ()),
    ];

    // Assert
    for (i, r) in results.iter().enumerate() {
        assert!(hidden(r), "action {i}: {r:?}");
    }
    assert_eq!(revision(&f, &key).await, before);
}

#[tokio::test]
async fn a_transfer_to_oneself_is_refused_even_for_the_handling_agent() {
    // Arrange
    let f = fixture().await;
    let key = chat_of_agent2(&f).await;

    // Act
    let own = f
        .engine
        .transfer_to_agent(&f.caller(f.agents[1]), &key, "agent2")
        .await;

    // Assert
    assert!(
        matches!(own, Err(EngineError::Domain(DomainError::Invalid { .. }))),
        "{own:?}"
    );
}

#[tokio::test]
async fn an_admin_reads_and_requeues_but_transfers_only_as_a_no_op() {
    // Arrange
    let f = fixture().await;
    make_admin(&f, f.agents[2]).await;
    let key = chat_of_agent2(&f).await;
    let before = revision(&f, &key).await;

    // Act
    let no_op = f
        .engine
        .transfer_to_agent(&f.caller(f.agents[2]), &key, "agent1")
        .await
        .expect("no-op for a reader");
    let to_self = f
        .engine
        .transfer_to_agent(&f.caller(f.agents[2]), &key, "agent3")
        .await;
    let unchanged = revision(&f, &key).await;
    let requeued = f.engine.requeue(&f.caller(f.agents[2]), &key).await;

    // Assert
    assert!(no_op.is_handled_by(f.agents[1]));
    assert!(matches!(to_self, Err(EngineError::Domain(_))));
    assert_eq!(unchanged, before);
    assert_eq!(
        requeued.expect("admin requeues").chat.state,
        ChatState::Waiting
    );
}

#[tokio::test]
async fn a_personal_transfer_is_accepted_by_its_target_and_by_nobody_else() {
    // Arrange: agent2 hands the chat to agent3 personally.
    let f = fixture().await;
    let key = chat_of_agent2(&f).await;
    f.engine
        .transfer_to_agent(&f.caller(f.agents[1]), &key, "agent3")
        .await
        .expect("transfer");
    let pending = revision(&f, &key).await;

    // Act
    let bystander = f.engine.accept_transfer(&f.caller(f.agents[0]), &key).await;
    let sender = f.engine.accept_transfer(&f.caller(f.agents[1]), &key).await;
    let after_refusals = revision(&f, &key).await;
    let target = f
        .engine
        .accept_transfer(&f.caller(f.agents[2]), &key)
        .await
        .expect("target accepts");

    // Assert
    assert!(hidden(&bystander), "{bystander:?}");
    assert!(
        matches!(sender, Err(EngineError::Domain(DomainError::NotRoutable))),
        "{sender:?}"
    );
    assert_eq!(after_refusals, pending);
    assert!(target.is_handled_by(f.agents[2]));
}

#[tokio::test]
async fn a_skill_transfer_is_accepted_only_by_an_agent_of_that_skill() {
    // Arrange: agent1 (Sales+Support) takes a Support chat and sends it to Support.
    let f = fixture().await;
    let key = f.request("Support").await;
    f.engine
        .pick_up(&f.caller(f.agents[0]), &key)
        .await
        .expect("pick up");
    let support = f
        .engine
        .skill_by_name_or_id(&f.account, "Support")
        .await
        .expect("skill");
    f.engine
        .transfer(
            &f.caller(f.agents[0]),
            &key,
            TransferTo::Skill(support.id),
            String::new(),
        )
        .await
        .expect("transfer");

    // Act
    let sales_only = f.engine.accept_transfer(&f.caller(f.agents[1]), &key).await;
    let support_agent = f
        .engine
        .accept_transfer(&f.caller(f.agents[2]), &key)
        .await
        .expect("accept");

    // Assert
    assert!(hidden(&sales_only), "{sales_only:?}");
    assert!(support_agent.is_handled_by(f.agents[2]));
}

#[tokio::test]
async fn a_pick_up_lost_to_a_colleague_of_the_skill_answers_none_but_others_are_refused() {
    // Arrange
    let f = fixture().await;
    let key = chat_of_agent2(&f).await;

    // Act
    let colleague = f.engine.pick_up(&f.caller(f.agents[0]), &key).await;
    let stranger = f.engine.pick_up(&f.caller(f.agents[2]), &key).await;

    // Assert
    assert!(matches!(colleague, Ok(None)), "{colleague:?}");
    assert!(hidden(&stranger), "{stranger:?}");
}

#[tokio::test]
async fn a_reader_who_may_not_transfer_learns_nothing_of_which_logins_exist() {
    // Arrange: agent3 is an admin (reads the chat) but does not handle it.
    let f = fixture().await;
    make_admin(&f, f.agents[2]).await;
    let key = chat_of_agent2(&f).await;

    // Act
    let known = f
        .engine
        .transfer_to_agent(&f.caller(f.agents[2]), &key, "agent1")
        .await;
    let unknown = f
        .engine
        .transfer_to_agent(&f.caller(f.agents[2]), &key, "no-such-login")
        .await;

    // Assert: the same no-op either way, never a "not found".
    assert!(known.is_ok(), "{known:?}");
    assert!(unknown.is_ok(), "{unknown:?}");
}

#[tokio::test]
async fn a_session_view_carries_the_key_and_messages_only_for_who_may_see_them() {
    // Arrange: agent2 handles the chat; agent1 shares the skill but is not involved.
    let f = fixture().await;
    let key = chat_of_agent2(&f).await;
    let chat = f.engine.chat(&f.account, &key).await.expect("chat");

    // Act
    let handler = f
        .engine
        .agent_chat_view(&f.caller(f.agents[1]), &chat)
        .await
        .expect("handler view");
    let other = f
        .engine
        .agent_chat_view(&f.caller(f.agents[0]), &chat)
        .await
        .expect("outline view");

    // Assert
    assert_eq!(handler.disclosure, ChatDisclosure::Full);
    assert!(!handler.events.is_empty());
    assert_eq!(other.disclosure, ChatDisclosure::Outline);
    assert!(other.events.is_empty());
}

#[tokio::test]
async fn a_multi_chat_read_decides_access_as_a_single_read_does() {
    // agent2 handles the chat (read on the spot); agent1 shares its skill but not the chat
    // (refused), then is made an admin (read after the directory is asked); agent3 is refused.
    let f = fixture().await;
    let key = chat_of_agent2(&f).await;
    f.engine
        .agent_post_line(&f.caller(f.agents[1]), &key, LineInput::plain("hello"))
        .await
        .expect("line");
    let asked = [(key.clone(), chatwire_core::EventId(0))];
    let zero = std::time::Duration::ZERO;
    let read = |agent: AgentId| {
        let caller = crate::Caller::Agent(f.caller(agent));
        let asked = asked.clone();
        let key = key.clone();
        let e = f.engine.clone();
        async move {
            let many = e.read_events_many(&caller, &asked, zero).await;
            let one = e
                .read_events(&caller, &key, crate::Cursor::From(asked[0].1), zero)
                .await;
            (many.into_iter().next().expect("one answer"), one)
        }
    };

    let (many, one) = read(f.agents[1]).await;
    let (many, one) = (many.expect("handler reads"), one.expect("handler reads"));
    assert_eq!((many.events, many.next), (one.events, one.next));
    for refused in [f.agents[0], f.agents[2]] {
        let (many, one) = read(refused).await;
        assert!(hidden(&many), "{many:?}");
        assert!(hidden(&one), "{one:?}");
    }
    make_admin(&f, f.agents[0]).await;
    let (many, one) = read(f.agents[0]).await;
    let (many, one) = (many.expect("admin reads"), one.expect("admin reads"));
    assert_eq!((many.events, many.next), (one.events, one.next));
}

#[tokio::test]
async fn a_chat_is_unchanged_only_for_its_handler_and_only_at_its_revision() {
    // `unchanged_for` spares a read only where the read would show the same thing without a
    // lookup: the handler, at the revision last shown. Anyone the full check must decide
    // (agent1, same skill; agent3) reads, and so does a visitor.
    // Arrange
    let f = fixture().await;
    let key = chat_of_agent2(&f).await;
    let at = revision(&f, &key).await;
    let zero = std::time::Duration::ZERO;
    let unchanged = |caller: &crate::Caller, revision: u64| {
        f.engine
            .unchanged_for(caller, zero, std::iter::once((&key, revision)))
    };
    let agent = |i: usize| crate::Caller::Agent(f.caller(f.agents[i]));
    let visitor = f.engine.caller_for(&f.account, super::Who::Visitor).await;

    // Act and assert: before and after a line.
    assert!(unchanged(&agent(1), at), "the handler, nothing new");
    assert!(!unchanged(&agent(1), at - 1), "an older revision");
    assert!(!unchanged(&agent(0), at) && !unchanged(&agent(2), at));
    assert!(
        !unchanged(&visitor, at),
        "a visitor's read is activity: it reads"
    );

    f.engine
        .agent_post_line(&f.caller(f.agents[1]), &key, LineInput::plain("hello"))
        .await
        .expect("line");
    assert!(!unchanged(&agent(1), at), "a line moves the revision");
    let now = revision(&f, &key).await;
    assert!(unchanged(&agent(1), now));
    let wait = std::time::Duration::from_secs(1);
    assert!(
        !f.engine
            .unchanged_for(&agent(1), wait, std::iter::once((&key, now))),
        "a read that may wait reads"
    );

    let unknown = ChatKey::from_random(1, 2, 3);
    let both = [(&key, now), (&unknown, 1)];
    assert!(
        !f.engine.unchanged_for(&agent(1), zero, both.into_iter()),
        "a chat not held"
    );

    // Each chat on its own: the same rules, one answer per chat, in order.
    let each = |caller: &crate::Caller, wait| {
        let asked = [(&key, now), (&unknown, 1), (&key, now - 1), (&key, now)];
        f.engine.unchanged_each(caller, wait, asked.into_iter())
    };
    assert_eq!(each(&agent(1), zero), [true, false, false, true]);
    assert_eq!(
        each(&agent(1), wait),
        [false; 4],
        "a read that may wait reads"
    );
    assert_eq!(each(&agent(0), zero), [false; 4]);
    assert_eq!(each(&visitor, zero), [false; 4]);
}
