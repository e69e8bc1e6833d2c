//! Engine tests of the SuperOffice-style use cases: pick-up, messages after a sequence
//! cursor, transfers by user name, presence and topic membership.

use chatwire_core::{Actor, ChatState, GlobalSeq, SkillId};

use super::fixture;
use crate::{EngineError, LineInput};

#[tokio::test]
async fn pick_up_takes_a_waiting_chat_once_and_then_answers_none() {
    // Arrange
    let f = fixture().await;
    let key = f.request("Sales").await;

    // Act
    let first = f
        .engine
        .pick_up(&f.account, f.agents[1], &key)
        .await
        .expect("pick up");
    let second = f
        .engine
        .pick_up(&f.account, f.agents[0], &key)
        .await
        .expect("pick up");
    let none_left = f
        .engine
        .pick_up_first(&f.account, f.agents[0])
        .await
        .expect("first");

    // Assert
    assert_eq!(first.map(|c| c.state), Some(ChatState::Chatting));
    assert!(second.is_none(), "not in the queue any more");
    assert!(none_left.is_none());
}

#[tokio::test]
async fn events_after_a_sequence_number_are_exactly_the_new_ones() {
    // Arrange
    let f = fixture().await;
    let key = f.request("Sales").await;
    f.engine
        .pick_up(&f.account, f.agents[1], &key)
        .await
        .expect("pick up");
    let (_, before) = f
        .engine
        .agent_events_after(&f.account, &key, f.agents[1], GlobalSeq(0))
        .await
        .expect("read");
    let cursor = before.last().map(|e| e.seq).expect("events");
    f.engine
        .post_line(&f.account, &key, Actor::Visitor, LineInput::plain("hello"))
        .await
        .expect("line");

    // Act
    let (_, after) = f
        .engine
        .agent_events_after(&f.account, &key, f.agents[1], cursor)
        .await
        .expect("read");

    // Assert
    assert_eq!(after.len(), 1);
    assert!(after[0].seq > cursor);
}

#[tokio::test]
async fn transfers_by_login_name_are_accepted_or_declined_and_foreign_ones_do_nothing() {
    // Arrange
    let f = fixture().await;
    let key = f.request("Sales").await;
    f.engine
        .pick_up(&f.account, f.agents[1], &key)
        .await
        .expect("pick up");

    // Act
    let untouched = f
        .engine
        .transfer_to_agent(&f.account, f.agents[2], &key, "agent1")
        .await
        .expect("no-op");
    let moved = f
        .engine
        .transfer_to_agent(&f.account, f.agents[1], &key, "agent1")
        .await
        .expect("transfer");
    let declined = f
        .engine
        .decline_transfer(&f.account, f.agents[0], &key)
        .await
        .expect("decline");
    let nothing_pending = f
        .engine
        .accept_transfer(&f.account, f.agents[0], &key)
        .await
        .expect("no-op");

    // Assert
    assert_eq!(untouched.state, ChatState::Chatting);
    assert_eq!(moved.state, ChatState::Waiting);
    assert!(declined.is_handled_by(f.agents[1]), "back to the sender");
    assert!(nothing_pending.is_handled_by(f.agents[1]));
}

#[tokio::test]
async fn presence_is_online_and_only_admins_change_others_or_topic_members() {
    // Arrange
    let f = fixture().await;

    // Act
    f.engine
        .set_presence(&f.account, f.agents[1], f.agents[1], false)
        .await
        .expect("own presence");
    let foreign = f
        .engine
        .set_presence(&f.account, f.agents[1], f.agents[2], false)
        .await;
    let member = f
        .engine
        .set_topic_member(&f.account, f.agents[1], SkillId(1), f.agents[2], true)
        .await;
    let presences = f.engine.presences(&f.account).await.expect("presences");

    // Assert
    assert!(matches!(foreign, Err(EngineError::Forbidden(_))));
    assert!(matches!(member, Err(EngineError::Forbidden(_))));
    let present: Vec<bool> = presences.iter().map(|p| p.present).collect();
    assert_eq!(present, [true, false, true]);
}
