//! Engine tests of issue 14's SuperOffice session rules: offers by name taken or declined
//! whatever the target's presence, who may delete a session, sessions an agent opens for a
//! customer (no visitor timeout, customer details, relayed customer lines) and special messages.

use chatwire_core::chat::{CustomerUpdate, Special, SpecialKind};
use chatwire_core::{Availability, ChatKey, ChatState, EventKind, LineSource, TopicSettings};

use super::{Fixture, fixture};
use crate::{ChatRequestInput, EngineError};

/// A Sales chat agent2 handles.
async fn handled_by_agent2(f: &Fixture) -> ChatKey {
    let key = f.request("Sales").await;
    f.engine
        .pick_up(&f.caller(f.agents[1]), &key)
        .await
        .expect("pick up");
    key
}

/// A Sales session agent2 opened for a customer.
async fn opened_by_agent2(f: &Fixture) -> ChatKey {
    let input = ChatRequestInput {
        skill: Some("Sales".into()),
        ..ChatRequestInput::default()
    };
    f.engine
        .open_session_for_customer(&f.caller(f.agents[1]), input, None)
        .await
        .expect("open")
        .chat
        .key
}

async fn make_admin(f: &Fixture, index: usize) {
    let mut a = f
        .engine
        .agent(&f.account, f.agents[index])
        .await
        .expect("agent");
    a.is_admin = true;
    f.engine.update_agent(&a).await.expect("admin");
}

#[tokio::test]
async fn an_offer_by_name_is_taken_or_declined_by_an_away_or_offline_target() {
    for presence in [Availability::Away, Availability::Offline] {
        // Arrange: agent1 is not present; agent2 offers them two chats.
        let f = fixture().await;
        f.engine
            .set_availability(&f.account, f.agents[0], presence)
            .await
            .expect("presence");
        let (taken, declined) = (handled_by_agent2(&f).await, handled_by_agent2(&f).await);
        for key in [&taken, &declined] {
            f.engine
                .transfer_to_agent(&f.caller(f.agents[1]), key, "agent1")
                .await
                .expect("offer");
        }

        // Act
        let rings = f.engine.ring_count(&f.account, f.agents[0]).await;
        let accepted = f
            .engine
            .accept_transfer(&f.caller(f.agents[0]), &taken)
            .await
            .expect("accept");
        let back = f
            .engine
            .decline_transfer(&f.caller(f.agents[0]), &declined)
            .await
            .expect("decline");

        // Assert
        assert_eq!(rings.ok(), Some(2), "{presence}: both offers ring");
        assert!(accepted.is_handled_by(f.agents[0]), "{presence}");
        assert!(
            back.is_handled_by(f.agents[1]),
            "{presence}: back to agent2"
        );
    }
}

#[tokio::test]
async fn nobody_takes_a_colleagues_chat_by_offering_it_to_themselves() {
    // Arrange: agent2 handles a chat; agent1 (Sales, Online) may read it only as an admin.
    let f = fixture().await;
    make_admin(&f, 0).await;
    let key = handled_by_agent2(&f).await;

    // Act
    let to_self = f
        .engine
        .transfer_to_agent(&f.caller(f.agents[0]), &key, "agent1")
        .await;
    let take = f.engine.accept_transfer(&f.caller(f.agents[0]), &key).await;

    // Assert
    assert!(matches!(to_self, Err(EngineError::Domain(_))));
    let chat = take.expect("no-op for a reader");
    assert!(chat.is_handled_by(f.agents[1]), "still agent2's");
}

#[tokio::test]
async fn a_session_is_deleted_by_its_creator_or_an_admin_and_refused_to_others() {
    // Arrange: agent2 opened two sessions; agent1 (Sales) and agent3 (Support) are colleagues.
    let f = fixture().await;
    let by_creator = opened_by_agent2(&f).await;
    let by_admin = opened_by_agent2(&f).await;

    // Act
    let colleague = f
        .engine
        .close_session(&f.caller(f.agents[0]), &by_admin)
        .await;
    let stranger = f
        .engine
        .close_session(&f.caller(f.agents[2]), &by_admin)
        .await;
    f.engine
        .close_session(&f.caller(f.agents[1]), &by_creator)
        .await
        .expect("creator");
    make_admin(&f, 2).await;
    f.engine
        .close_session(&f.caller(f.agents[2]), &by_admin)
        .await
        .expect("admin");

    // Assert
    assert!(matches!(
        colleague,
        Err(EngineError::Domain(
            chatwire_core::DomainError::NotParticipant
        ))
    ));
    assert!(matches!(stranger, Err(EngineError::Forbidden(_))));
    for key in [&by_creator, &by_admin] {
        let chat = f.engine.chat(&f.account, key).await.expect("chat");
        assert_eq!(chat.state, ChatState::Ended);
    }
}

#[tokio::test]
async fn a_session_opened_for_a_customer_is_not_ended_by_the_visitor_timeout() {
    // Arrange
    let f = fixture().await;
    let opened = opened_by_agent2(&f).await;
    let visitor = f.request("Sales").await;

    // Act
    f.clock.advance_ms(3_600_000);
    let ended = f.engine.sweep_once().await;

    // Assert
    assert_eq!(ended, 1, "only the visitor's chat");
    let opened = f.engine.chat(&f.account, &opened).await.expect("chat");
    let visitor = f.engine.chat(&f.account, &visitor).await.expect("chat");
    assert_eq!(opened.state, ChatState::Waiting);
    assert_eq!(visitor.state, ChatState::Ended);
}

#[tokio::test]
async fn customer_details_are_applied_checked_and_a_noop_commits_nothing() {
    // Arrange
    let f = fixture().await;
    let key = handled_by_agent2(&f).await;
    let update = CustomerUpdate {
        name: Some("Ada".into()),
        email: Some("ada@example.com".into()),
        alias: Some("A".into()),
        consented: Some(true),
        alert_level: Some(2),
        rating: Some(5),
        bot_active: Some(true),
        ..CustomerUpdate::default()
    };
    let who = f.caller(f.agents[1]);

    // Act
    let chat = f
        .engine
        .agent_update_customer(&who, &key, update.clone())
        .await
        .expect("update");
    let again = f
        .engine
        .agent_update_customer(&who, &key, update)
        .await
        .expect("same");
    let negative = CustomerUpdate {
        rating: Some(-1),
        ..CustomerUpdate::default()
    };
    let refused = f.engine.agent_update_customer(&who, &key, negative).await;

    // Assert
    assert_eq!(chat.visitor_name, "Ada");
    assert_eq!(
        chat.request.customer_email.as_deref(),
        Some("ada@example.com")
    );
    let n = &chat.request.notes;
    assert!(n.customer_consented && n.bot_active);
    assert_eq!(
        (n.alert_level, n.rating, n.customer_alias.as_str()),
        (2, 5, "A")
    );
    assert_eq!(again.revision, chat.revision, "nothing committed");
    assert!(matches!(refused, Err(EngineError::Domain(_))));
}

#[tokio::test]
async fn bot_messages_are_by_the_topics_bot_and_customer_lines_are_relayed_only_where_no_visitor_is()
 {
    // Arrange: Sales has a bot named Robbie; agent2 handles a visitor's chat and an opened one.
    let f = fixture().await;
    make_admin(&f, 0).await;
    let sales = f
        .engine
        .skill_by_name_or_id(&f.account, "Sales")
        .await
        .expect("sales");
    let mut settings = TopicSettings::default();
    settings.options.bot.name = "Robbie".into();
    f.engine
        .save_topic_settings(&f.caller(f.agents[0]), sales.id, &settings)
        .await
        .expect("settings");
    let visitors = handled_by_agent2(&f).await;
    let opened = opened_by_agent2(&f).await;
    let who = f.caller(f.agents[1]);
    let options = Special {
        kind: SpecialKind::Options,
        message: "Pick one".into(),
        param: r#"["Yes","No"]"#.into(),
    };

    // Act
    let posted = f
        .engine
        .agent_post_special(&who, &visitors, options, vec!["Yes".into(), "No".into()])
        .await
        .expect("options");
    let relayed = f
        .engine
        .relay_customer_line(&who, &opened, "hi from SMS".into())
        .await
        .expect("relay");
    let impersonation = f
        .engine
        .relay_customer_line(&who, &visitors, "I am the visitor".into())
        .await;

    // Assert
    let EventKind::Line(line) = &posted.events[0].kind else {
        panic!("a line");
    };
    assert_eq!(line.by, "Robbie");
    assert_eq!(line.text, "Pick one\n1. Yes\n2. No");
    assert_eq!(
        line.special.as_ref().map(|s| s.kind),
        Some(SpecialKind::Options)
    );
    let EventKind::Line(line) = &relayed.events[0].kind else {
        panic!("a line");
    };
    assert_eq!(line.source, LineSource::Visitor);
    assert!(matches!(impersonation, Err(EngineError::Forbidden(_))));
}

#[tokio::test]
async fn no_app_key_speaks_for_a_session_an_agent_opened_for_a_customer() {
    // Arrange
    let f = fixture().await;
    let opened = opened_by_agent2(&f).await;
    let new = chatwire_core::NewAppKey {
        key: "site-key-1".into(),
        account: f.account.clone(),
        name: "site".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    f.engine.create_app_key(&new).await.expect("app key");
    let visitor = f
        .engine
        .visitor_caller(&f.account, "site-key-1")
        .await
        .expect("caller");

    // Act
    let post = f
        .engine
        .visitor_post_line(
            &visitor,
            &opened,
            crate::LineInput::plain("I am the customer"),
        )
        .await;
    let read = f
        .engine
        .read_events(
            &crate::Caller::Visitor(visitor),
            &opened,
            crate::Cursor::From(chatwire_core::EventId(0)),
            std::time::Duration::ZERO,
        )
        .await;

    // Assert
    assert!(
        matches!(post, Err(crate::EngineError::Forbidden(_))),
        "{post:?}"
    );
    assert!(
        matches!(read, Err(crate::EngineError::Forbidden(_))),
        "{read:?}"
    );
}
