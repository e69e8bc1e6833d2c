//! Engine tests of the SuperOffice-style use cases: pick-up, messages after a sequence
//! cursor, transfers by user name, presence, topic membership, topic edits and opening hours.

use std::time::Duration;

use chatwire_core::{Actor, ChatState, GlobalSeq, Skill, SkillId, TopicSettings};

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
        .pick_up(&f.caller(f.agents[1]), &key)
        .await
        .expect("pick up");
    let second = f
        .engine
        .pick_up(&f.caller(f.agents[0]), &key)
        .await
        .expect("pick up");
    let none_left = f
        .engine
        .pick_up_first(&f.caller(f.agents[0]))
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
        .pick_up(&f.caller(f.agents[1]), &key)
        .await
        .expect("pick up");
    let (_, before) = f
        .engine
        .messages_after(&f.account, &key, f.agents[1], GlobalSeq(0), Duration::ZERO)
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
        .messages_after(&f.account, &key, f.agents[1], cursor, Duration::ZERO)
        .await
        .expect("read");

    // Assert
    assert_eq!(after.len(), 1);
    assert!(after[0].seq > cursor);
}

#[tokio::test]
async fn transfers_by_login_name_are_accepted_or_declined_and_foreign_ones_are_refused() {
    // Arrange
    let f = fixture().await;
    let key = f.request("Sales").await;
    f.engine
        .pick_up(&f.caller(f.agents[1]), &key)
        .await
        .expect("pick up");

    // Act
    let foreign = f
        .engine
        .transfer_to_agent(&f.caller(f.agents[2]), &key, "agent1")
        .await;
    let moved = f
        .engine
        .transfer_to_agent(&f.caller(f.agents[1]), &key, "agent1")
        .await
        .expect("transfer");
    let declined = f
        .engine
        .decline_transfer(&f.caller(f.agents[0]), &key)
        .await
        .expect("decline");
    let nothing_pending = f
        .engine
        .accept_transfer(&f.caller(f.agents[1]), &key)
        .await
        .expect("no-op");

    // Assert
    assert!(matches!(foreign, Err(EngineError::Forbidden(_))));
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
        .set_presence(&f.caller(f.agents[1]), f.agents[1], false)
        .await
        .expect("own presence");
    let foreign = f
        .engine
        .set_presence(&f.caller(f.agents[1]), f.agents[2], false)
        .await;
    let member = f
        .engine
        .set_topic_member(&f.caller(f.agents[1]), SkillId(1), f.agents[2], true)
        .await;
    let presences = f.engine.presences(&f.account).await.expect("presences");

    // Assert
    assert!(matches!(foreign, Err(EngineError::Forbidden(_))));
    assert!(matches!(member, Err(EngineError::Forbidden(_))));
    let present: Vec<bool> = presences.iter().map(|p| p.present).collect();
    assert_eq!(present, [true, false, true]);
}

#[tokio::test]
async fn admins_edit_and_delete_topics_not_while_chats_are_open_and_hours_decide_openness() {
    // Arrange: agent1 is an admin; a Support chat waits.
    let f = fixture().await;
    let mut admin = f
        .engine
        .agent(&f.account, f.agents[0])
        .await
        .expect("agent");
    admin.is_admin = true;
    f.engine.update_agent(&admin).await.expect("admin");
    let sales = f
        .engine
        .skill_by_name_or_id(&f.account, "Sales")
        .await
        .expect("sales");
    let support = f
        .engine
        .skill_by_name_or_id(&f.account, "Support")
        .await
        .expect("support");
    let _waiting = f.request("Support").await;
    let rename = Skill {
        name: " Sales EMEA ".into(),
        ..sales.clone()
    };
    let closed = TopicSettings {
        opening_hours_enabled: true,
        ..TopicSettings::default()
    };

    // Act
    let not_admin = f.engine.update_topic(&f.caller(f.agents[1]), &rename).await;
    let renamed = f
        .engine
        .update_topic(&f.caller(admin.id), &rename)
        .await
        .expect("rename");
    let busy = f.engine.delete_topic(&f.caller(admin.id), support.id).await;
    f.engine
        .delete_topic(&f.caller(admin.id), sales.id)
        .await
        .expect("delete");
    let open_before = f
        .engine
        .is_topic_open(&f.account, support.id)
        .await
        .expect("open?");
    f.engine
        .save_topic_settings(&f.caller(admin.id), support.id, &closed)
        .await
        .expect("save");
    let open_after = f
        .engine
        .is_topic_open(&f.account, support.id)
        .await
        .expect("open?");

    // Assert
    assert!(matches!(not_admin, Err(EngineError::Forbidden(_))));
    assert_eq!(renamed.name, "Sales EMEA");
    assert!(matches!(busy, Err(EngineError::Conflict(_))));
    assert!(f.engine.skill(&f.account, sales.id).await.is_err());
    let agent2 = f
        .engine
        .agent(&f.account, f.agents[1])
        .await
        .expect("agent2");
    assert!(!agent2.has_skill(sales.id), "members lose a deleted topic");
    assert!(open_before, "no stored hours: open");
    assert!(!open_after, "hours enabled with every day off: closed");
}

#[tokio::test]
async fn only_an_admin_creates_a_topic() {
    // Arrange
    let f = fixture().await;
    let input = |name: &str| crate::NewSkillInput {
        name: name.into(),
        description: String::new(),
        welcome_message: String::new(),
    };
    let before = f.engine.skills(&f.account).await.expect("skills").len();

    // Act
    let refused = f
        .engine
        .create_topic(&f.caller(f.agents[1]), input("Billing"))
        .await;
    let mut admin = f
        .engine
        .agent(&f.account, f.agents[0])
        .await
        .expect("agent");
    admin.is_admin = true;
    f.engine.update_agent(&admin).await.expect("admin");
    let created = f
        .engine
        .create_topic(&f.caller(f.agents[0]), input("Returns"))
        .await;

    // Assert
    assert!(
        matches!(refused, Err(EngineError::Forbidden(_))),
        "{refused:?}"
    );
    assert_eq!(created.expect("created").name, "Returns");
    assert_eq!(
        f.engine.skills(&f.account).await.expect("skills").len(),
        before + 1
    );
}
