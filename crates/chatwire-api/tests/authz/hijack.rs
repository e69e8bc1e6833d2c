//! Issue 11's hijack, step by step, on every route it was reported on: a colleague of the
//! chat's skill transfers the chat to themselves and accepts it (SuperOffice RPC and REST),
//! declines it, or transfers it through LivePerson. Each step is refused, nothing changes, and
//! no answer carries the chat's session key or its visitor's details.

use super::fixture::{Creds, Resp, SECRETS, World, send, world};

fn bearer(c: &Creds) -> Vec<(String, String)> {
    vec![("authorization".to_owned(), format!("Bearer {}", c.bearer))]
}

/// Asserts a refusal that reveals nothing of the chat.
fn refused(w: &World, step: &str, resp: &Resp) {
    assert_eq!(resp.status.as_u16(), 403, "{step}: {}", resp.text);
    let key = w.chat.key.to_string();
    assert!(!resp.text.contains(&key), "{step} leaks the session key");
    for s in SECRETS {
        assert!(!resp.text.contains(s), "{step} leaks {s:?}");
    }
}

#[tokio::test]
async fn the_rpc_hijack_transfer_to_self_then_accept_is_refused_and_changes_nothing() {
    // Arrange
    let w = world().await;
    let before = w.fingerprint().await;
    let me = bearer(&w.colleague);
    let id = w.chat.num.0;
    let rpc = |m: &str| format!("/api/v1/Agents/Chat/{m}");
    let transfer = format!(
        r#"{{"ChatSessionId":{id},"ToAssociate":"{}"}}"#,
        w.colleague.login
    );
    let session = format!(r#"{{"ChatSessionId":{id}}}"#);

    // Act
    let steps = [
        (
            "TransferChatSession",
            send(&w.app, "POST", &rpc("TransferChatSession"), &me, &transfer).await,
        ),
        (
            "AcceptChatSessionTransfer",
            send(
                &w.app,
                "POST",
                &rpc("AcceptChatSessionTransfer"),
                &me,
                &session,
            )
            .await,
        ),
        (
            "RejectChatSessionTransfer",
            send(
                &w.app,
                "POST",
                &rpc("RejectChatSessionTransfer"),
                &me,
                &session,
            )
            .await,
        ),
    ];

    // Assert
    for (step, resp) in &steps {
        refused(&w, step, resp);
    }
    assert_eq!(w.fingerprint().await, before, "nothing changed");
}

#[tokio::test]
async fn the_rest_hijack_transfer_to_self_then_accept_or_reject_is_refused_and_changes_nothing() {
    // Arrange
    let w = world().await;
    let before = w.fingerprint().await;
    let me = bearer(&w.colleague);
    let base = format!("/1000/api/v1/ChatSession/{}", w.chat.num.0);

    // Act
    let steps = [
        (
            "TransferTo",
            send(
                &w.app,
                "POST",
                &format!("{base}/TransferTo/{}", w.colleague.login),
                &me,
                "",
            )
            .await,
        ),
        (
            "AcceptTransfer",
            send(&w.app, "POST", &format!("{base}/AcceptTransfer"), &me, "").await,
        ),
        (
            "RejectTransfer",
            send(&w.app, "POST", &format!("{base}/RejectTransfer"), &me, "").await,
        ),
        (
            "TransferTo by id",
            send(
                &w.app,
                "POST",
                &format!("{base}/TransferTo/{}", w.colleague.id),
                &me,
                "",
            )
            .await,
        ),
    ];

    // Assert
    for (step, resp) in &steps {
        refused(&w, step, resp);
    }
    assert_eq!(w.fingerprint().await, before, "nothing changed");
}

#[tokio::test]
async fn the_liveperson_transfer_of_a_foreign_chat_to_oneself_is_refused() {
    // Arrange
    let w = world().await;
    let before = w.fingerprint().await;
    let uri = format!(
        "/api/account/1000/agentSession/{}/chat/{}/transfer",
        w.colleague.asid, w.chat.key
    );
    let body = format!(r#"{{"transfer":{{"agent":{{"id":{}}}}}}}"#, w.colleague.id);

    // Act
    let resp = send(&w.app, "POST", &uri, &bearer(&w.colleague), &body).await;

    // Assert
    assert_eq!(resp.status.as_u16(), 403, "{}", resp.text);
    assert_eq!(w.fingerprint().await, before);
}

#[tokio::test]
async fn the_owner_still_transfers_and_the_target_accepts_over_both_routes() {
    // Arrange
    let w = world().await;
    let owner = bearer(&w.owner);
    let id = w.chat.num.0;
    let body = format!(
        r#"{{"ChatSessionId":{id},"ToAssociate":"{}"}}"#,
        w.colleague.login
    );

    // Act
    let transfer = send(
        &w.app,
        "POST",
        "/api/v1/Agents/Chat/TransferChatSession",
        &owner,
        &body,
    )
    .await;
    let accept = send(
        &w.app,
        "POST",
        &format!("/api/v1/ChatSession/{id}/AcceptTransfer"),
        &bearer(&w.colleague),
        "",
    )
    .await;

    // Assert
    assert_eq!(transfer.status.as_u16(), 200, "{}", transfer.text);
    assert_eq!(accept.status.as_u16(), 200, "{}", accept.text);
    let chat = w.engine.chat(&w.account, &w.chat.key).await.expect("chat");
    assert_eq!(chat.agent.map(|a| a.id.0), Some(w.colleague.id));
}

#[tokio::test]
async fn a_colleagues_session_list_shows_a_foreign_chat_without_its_key_or_visitor() {
    // Arrange
    let w = world().await;

    // Act
    let list = send(
        &w.app,
        "POST",
        "/api/v1/Agents/Chat/ChatSessionsForUser",
        &bearer(&w.colleague),
        "null",
    )
    .await;

    // Assert
    assert_eq!(list.status.as_u16(), 200, "{}", list.text);
    assert!(
        list.text
            .contains(&format!("\"ChatSessionId\":{}", w.chat.num.0)),
        "{}",
        list.text
    );
    assert!(
        !list.text.contains(&w.chat.key.to_string()),
        "leaks the session key"
    );
    for s in SECRETS {
        assert!(!list.text.contains(s), "leaks {s:?}");
    }
}
