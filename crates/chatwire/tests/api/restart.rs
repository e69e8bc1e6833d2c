//! Data written before a restart is there after it, and ids continue where they stopped.

use chatwire_engine::core::{AccountId, ChatState, EventId, EventKind};
use chatwire_engine::{ChatRequestInput, Cursor, LineInput};

use crate::helpers::{agent_caller, spawn_app, spawn_with, test_settings, visitor_post};

#[tokio::test]
async fn chats_and_their_events_survive_a_restart() {
    // Arrange: a chat with lines, accepted by agent3.
    let app = spawn_app().await;
    let account = AccountId::parse("1000").expect("id");
    let input = ChatRequestInput {
        skill: Some("Support".into()),
        ..ChatRequestInput::default()
    };
    let key = app
        .engine
        .request_chat_from(&account, input, None)
        .await
        .expect("chat")
        .chat
        .key;
    let agent3 = app
        .engine
        .agent_by_login(&account, "agent3")
        .await
        .expect("agent3")
        .id;
    app.engine
        .set_availability(
            &account,
            agent3,
            chatwire_engine::core::Availability::Online,
        )
        .await
        .expect("online");
    let caller = chatwire_engine::AgentPrincipal::for_tests(&account, agent3);
    app.engine.accept_next(&caller).await.expect("accept");
    for i in 0..5 {
        visitor_post(
            &app.engine,
            &account,
            &key,
            LineInput::plain(format!("line {i}")),
        )
        .await;
    }
    let before = app
        .engine
        .read_events(
            &agent_caller(&account, agent3),
            &key,
            Cursor::From(EventId(0)),
            std::time::Duration::ZERO,
        )
        .await
        .expect("read");
    let data = app.data_dir.clone();
    let dir = app.stop_keeping_data().await;

    // Act: a new server over the same directory.
    let app = spawn_with(test_settings(&data)).await;

    // Assert: same chat, same events, still chatting with agent3, ids continue.
    let after = app
        .engine
        .read_events(
            &agent_caller(&account, agent3),
            &key,
            Cursor::From(EventId(0)),
            std::time::Duration::ZERO,
        )
        .await
        .expect("read after restart");
    assert_eq!(after.events, before.events);
    assert_eq!(after.chat.state, ChatState::Chatting);
    assert!(after.chat.is_handled_by(agent3));
    assert_eq!(
        app.engine
            .agent(&account, agent3)
            .await
            .expect("agent")
            .availability,
        chatwire_engine::core::Availability::Online
    );
    let more = visitor_post(&app.engine, &account, &key, LineInput::plain("after")).await;
    assert_eq!(more.events[0].id, after.next);
    assert!(more.events[0].seq > after.events.last().expect("events").seq);
    assert!(matches!(&more.events[0].kind, EventKind::Line(l) if l.text == "after"));
    app.stop().await;
    drop(dir);
}
