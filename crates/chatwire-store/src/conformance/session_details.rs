//! Conformance: what SuperOffice sessions keep beyond a visitor's chat (issue 14): the agent
//! who opened a session for a customer, the customer details agents record, special messages
//! as posted, and a session closed by someone other than its handler.

use chatwire_core::chat::{AssignedAgent, CustomerUpdate, Special, SpecialKind};
use chatwire_core::{ChatCommand, ChatState, EventId, EventKind, LineSource, Timestamp};

use super::{accept, account, agent, new_chat, unique};
use crate::{NewSkill, Store};

/// A session opened by an agent keeps its creator and the recorded customer details; a special
/// message keeps its kind, message and parameter; a close by a non-handler ends it. Every value
/// reads back the same from the store.
pub async fn run_session_details(store: &dyn Store) {
    // Arrange
    let acc = account(store, "d").await;
    let sales = store
        .create_skill(&NewSkill {
            account: acc.clone(),
            name: "Sales".into(),
            description: String::new(),
            welcome_message: String::new(),
        })
        .await
        .expect("skill");
    let creator = agent(store, &acc, &unique("creator"), vec![sales.id], 2).await;
    let handler = agent(store, &acc, &unique("handler"), vec![sales.id], 2).await;
    let mut new = new_chat(&acc, Some(sales.id), 0xd5);
    new.request.opened_by = Some(creator.id);
    let key = new.key.clone();
    store
        .create_chat(new, Timestamp(1_000))
        .await
        .expect("open");
    let update = CustomerUpdate {
        email: Some("ada@example.com".into()),
        alias: Some("Ada L.".into()),
        consented: Some(true),
        alert_level: Some(3),
        rating: Some(4),
        bot_active: Some(true),
        ..CustomerUpdate::default()
    };
    let options = Special {
        kind: SpecialKind::Options,
        message: "Which one?".into(),
        param: r#"["A","B"]"#.into(),
    };
    let me = AssignedAgent {
        id: handler.id,
        name: handler.nickname.clone(),
    };

    // Act
    let at = |ms: i64| Timestamp(1_000 + ms);
    store
        .execute(
            &acc,
            &key,
            ChatCommand::UpdateCustomer(Box::new(update)),
            at(1),
        )
        .await
        .expect("details");
    store
        .execute(&acc, &key, accept(&handler), at(2))
        .await
        .expect("accept");
    let posted = store
        .execute(
            &acc,
            &key,
            ChatCommand::PostSpecial {
                agent: me,
                by: "Robbie".into(),
                special: Box::new(options.clone()),
                options: vec!["A".into(), "B".into()],
            },
            at(3),
        )
        .await
        .expect("special");
    let closer = AssignedAgent {
        id: creator.id,
        name: creator.nickname.clone(),
    };
    store
        .execute(&acc, &key, ChatCommand::Close { by: closer }, at(4))
        .await
        .expect("close");

    // Assert
    let chat = store.get_chat(&acc, &key).await.expect("chat");
    assert_eq!(chat.request.opened_by, Some(creator.id));
    assert!(!chat.has_visitor_client());
    assert_eq!(
        chat.request.customer_email.as_deref(),
        Some("ada@example.com")
    );
    let n = &chat.request.notes;
    assert_eq!(
        (
            n.customer_alias.as_str(),
            n.customer_consented,
            n.alert_level,
            n.rating,
            n.bot_active
        ),
        ("Ada L.", true, 3, 4, true)
    );
    assert_eq!(chat.state, ChatState::Ended);
    let events = store
        .events_since(&acc, &key, EventId(0), 100)
        .await
        .expect("events");
    let special_id = posted.events[0].id;
    let stored = events
        .iter()
        .find(|e| e.id == special_id)
        .expect("special event");
    let EventKind::Line(line) = &stored.kind else {
        panic!("a line, got {:?}", stored.kind);
    };
    assert_eq!(line.special.as_ref(), Some(&options));
    assert_eq!(
        (line.by.as_str(), line.source),
        ("Robbie", LineSource::Agent)
    );
    assert_eq!(line.text, "Which one?\n1. A\n2. B");
}
