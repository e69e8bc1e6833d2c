//! Chat requests that name an agent: that agent rings alone until the wait is over, then the
//! fallback skill rings; an agent who cannot take the chat is skipped at once; an account
//! transfer's chat request continues only a real transfer.

use chatwire_core::{Availability, ChatRequest};

use super::{fixture, futures_counts};
use crate::ChatRequestInput;

fn naming(login: &str) -> ChatRequestInput {
    ChatRequestInput {
        request: ChatRequest {
            agent_login: Some(login.into()),
            ..ChatRequest::default()
        },
        ..ChatRequestInput::default()
    }
}

#[tokio::test]
async fn a_named_agent_rings_alone_until_the_wait_then_their_first_skill_rings() {
    // Arrange
    let f = fixture().await;

    // Act: the visitor names agent2 (Sales only).
    let chat = f
        .engine
        .request_chat(&f.account, naming("agent2"))
        .await
        .expect("request")
        .chat;

    // Assert: only agent2 rings; after 30 s and a sweep, Sales rings (agent1 too).
    assert_eq!(futures_counts(&f).await, vec![0, 1, 0]);
    f.clock.advance_ms(29_000);
    f.engine.sweep_once().await;
    assert_eq!(futures_counts(&f).await, vec![0, 1, 0], "still waiting");
    f.clock.advance_ms(1_000);
    f.engine.sweep_once().await;
    assert_eq!(futures_counts(&f).await, vec![1, 1, 0]);
    let sales = f
        .engine
        .skill_by_name_or_id(&f.account, "Sales")
        .await
        .expect("skill");
    let released = f.engine.chat(&f.account, &chat.key).await.expect("chat");
    assert_eq!(released.skill, Some(sales.id));
    assert_eq!(released.preferred_agent, None);
}

#[tokio::test]
async fn a_named_agent_who_cannot_take_the_chat_is_skipped_at_once() {
    let f = fixture().await;
    f.engine
        .set_availability(&f.account, f.agents[1], Availability::Away)
        .await
        .expect("away");
    f.engine
        .request_chat(&f.account, naming("agent2"))
        .await
        .expect("request");
    assert_eq!(futures_counts(&f).await, vec![1, 0, 0], "Sales rings now");
}

#[tokio::test]
async fn a2a_ids_must_name_a_real_account_transfer() {
    let f = fixture().await;
    let forged = ChatRequestInput {
        request: ChatRequest {
            a2a: Some(chatwire_core::chat::A2aSource {
                source_account: "1000".into(),
                source_session: 999,
                event: 1,
            }),
            ..ChatRequest::default()
        },
        ..ChatRequestInput::default()
    };
    assert!(f.engine.request_chat(&f.account, forged).await.is_err());
    // A chat whose event 1 is not an account transfer is no source either.
    let key = f.request("sales").await;
    let num = f.engine.chat(&f.account, &key).await.expect("chat").num.0;
    let not_a_transfer = ChatRequestInput {
        request: ChatRequest {
            a2a: Some(chatwire_core::chat::A2aSource {
                source_account: "1000".into(),
                source_session: num,
                event: 1,
            }),
            ..ChatRequest::default()
        },
        ..ChatRequestInput::default()
    };
    assert!(
        f.engine
            .request_chat(&f.account, not_a_transfer)
            .await
            .is_err()
    );
}
