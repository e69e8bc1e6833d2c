//! Callers decide access inside the engine: a visitor application's use cases refuse a chat
//! opened with another app key, and the account feed refuses callers without the right, with
//! no HTTP code in between.

use std::time::Duration;

use chatwire_core::{GlobalSeq, NewAppKey, Typing};

use super::fixture;
use crate::{Caller, ChatRequestInput, EngineError, LineInput, TranscriptRequest, VisitorCaller};

async fn visitor(f: &super::Fixture, key: &str, can_read_feed: bool) -> VisitorCaller {
    let new = NewAppKey {
        key: key.into(),
        account: f.account.clone(),
        name: key.into(),
        can_read_feed,
        allowed_origins: Vec::new(),
    };
    f.engine.create_app_key(&new).await.expect("app key");
    f.engine
        .visitor_caller(&f.account, key)
        .await
        .expect("caller")
}

fn forbidden<T>(result: &Result<T, EngineError>) -> bool {
    matches!(result, Err(EngineError::Forbidden(_)))
}

#[tokio::test]
async fn every_visitor_use_case_refuses_a_chat_opened_with_another_app_key() {
    let f = fixture().await;
    let owner = visitor(&f, "owner-key-1", false).await;
    let other = visitor(&f, "other-key-2", false).await;
    let key = f
        .engine
        .visitor_request_chat(&owner, ChatRequestInput::default(), None)
        .await
        .expect("request")
        .chat
        .key;
    let e = &f.engine;
    assert!(forbidden(
        &e.visitor_post_line(&other, &key, LineInput::plain("x"))
            .await
    ));
    assert!(forbidden(
        &e.visitor_set_name(&other, &key, "Eve".into()).await
    ));
    assert!(forbidden(
        &e.set_visitor_typing(&other, &key, Typing::Typing).await
    ));
    assert!(forbidden(
        &e.set_custom_variables(&other, &key, vec![]).await
    ));
    assert!(forbidden(
        &e.submit_exit_survey(&other, &key, None, vec![], vec![])
            .await
    ));
    let mail = TranscriptRequest {
        email: "eve@example.com".into(),
        subject: None,
        timezone_offset_ms: None,
    };
    assert!(forbidden(&e.request_transcript(&other, &key, mail).await));
    assert!(forbidden(&e.visitor_end_chat(&other, &key).await));
    // Nothing happened to the chat; its own key still may act on it.
    let chat = e.chat(&f.account, &key).await.expect("chat");
    assert_eq!(chat.visitor_name, "visitor");
    e.visitor_post_line(&owner, &key, LineInput::plain("hi"))
        .await
        .expect("the owner's line");
    e.visitor_end_chat(&owner, &key)
        .await
        .expect("the owner's end");
}

#[tokio::test]
async fn the_feed_is_for_admins_and_app_keys_with_the_feed_right() {
    let f = fixture().await;
    f.request("Sales").await;
    let plain: Caller = visitor(&f, "plain-key-1", false).await.into();
    let reader: Caller = visitor(&f, "feed-key-22", true).await.into();
    let agent: Caller = f
        .engine
        .bearer(
            &f.account,
            &f.engine
                .login(&f.account, "agent1", "demo-pass")
                .await
                .expect("login")
                .bearer,
        )
        .await
        .expect("bearer")
        .into();
    let read = |c: Caller| {
        let engine = f.engine.clone();
        async move { engine.feed(&c, GlobalSeq(0), 10, Duration::ZERO).await }
    };
    assert!(forbidden(&read(plain).await));
    assert!(forbidden(&read(agent).await));
    assert_eq!(read(reader).await.expect("feed").len(), 2);
}
