//! Conformance: authentication sessions.

use chatwire_core::{AuthSession, SessionKind, Timestamp};

use super::{account, agent, unique};
use crate::{Store, StoreError};

/// Sessions: put, replace, read, family delete, expiry sweep.
pub async fn run_sessions(store: &dyn Store) {
    let acc = account(store, "a").await;
    let agent = agent(store, &acc, "sess", vec![], 1).await;
    let row = |key: &str, kind, parent: Option<&str>, expires| AuthSession {
        key_hash: format!("{key}-{}", unique("")),
        kind,
        account: acc.clone(),
        agent: agent.id,
        parent: parent.map(str::to_owned),
        data: "csrf-hash".into(),
        created_at: Timestamp(1),
        expires_at: Timestamp(expires),
    };
    let login = row("login", SessionKind::Login, None, 10_000);
    store.put_session(&login).await.expect("put login");
    let alias = row(
        "alias",
        SessionKind::LoginAlias,
        Some(&login.key_hash),
        10_000,
    );
    let agent_session = row(
        "asid",
        SessionKind::AgentSession,
        Some(&login.key_hash),
        10_000,
    );
    let other = row("other", SessionKind::Login, None, 10_000);
    let stale = row("stale", SessionKind::Login, None, 5);
    for s in [&alias, &agent_session, &other, &stale] {
        store.put_session(s).await.expect("put");
    }
    assert_eq!(
        store.get_session(&login.key_hash).await.expect("get"),
        login
    );

    // Replacing extends the expiry in place.
    let mut longer = login.clone();
    longer.expires_at = Timestamp(20_000);
    store.put_session(&longer).await.expect("replace");
    assert_eq!(
        store
            .get_session(&login.key_hash)
            .await
            .expect("get")
            .expires_at,
        Timestamp(20_000)
    );

    // Deleting a login takes its aliases and agent sessions with it, nothing else.
    store
        .delete_session_family(&login.key_hash)
        .await
        .expect("delete family");
    for gone in [&login, &alias, &agent_session] {
        assert!(matches!(
            store.get_session(&gone.key_hash).await,
            Err(StoreError::NotFound(_))
        ));
    }
    assert!(store.get_session(&other.key_hash).await.is_ok());
    store
        .delete_session_family("no-such-key")
        .await
        .expect("deleting nothing is fine");

    // The sweep removes expired sessions only.
    let removed = store
        .delete_expired_sessions(Timestamp(100))
        .await
        .expect("sweep");
    assert!(removed >= 1);
    assert!(matches!(
        store.get_session(&stale.key_hash).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.get_session(&other.key_hash).await.is_ok());
}
