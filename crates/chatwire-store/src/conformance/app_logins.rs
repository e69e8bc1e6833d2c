//! Conformance: bots' application logins (create, list, find by app key, revoke).

use chatwire_core::{AuthSession, NewAppLogin, SessionKind, Timestamp};

use super::{account, agent, unique};
use crate::{Store, StoreError};

/// Application logins: ids assigned, app keys unique per account (revoked ones included),
/// scoped to the account, agents of other accounts refused; revoking keeps the row with its
/// first revocation time and deletes the bot's sessions, and no one else's.
pub async fn run_app_logins(store: &dyn Store) {
    // Arrange: two bots of one account, an agent of another.
    let acc = account(store, "al").await;
    let other = account(store, "am").await;
    let bot = agent(store, &acc, "bot1", vec![], 1).await.id;
    let colleague = agent(store, &acc, "bot2", vec![], 1).await.id;
    let stranger = agent(store, &other, "bot3", vec![], 1).await.id;
    let new = |agent, key: &str| NewAppLogin {
        account: acc.clone(),
        agent,
        app_key: key.to_owned(),
        secret_hash: format!("hash-of-{key}"),
        created_at: Timestamp(1_000),
    };

    // Act + Assert: create, find, list.
    let first = store
        .create_app_login(&new(bot, "key-a"))
        .await
        .expect("create");
    let second = store
        .create_app_login(&new(colleague, "key-b"))
        .await
        .expect("create");
    assert_ne!(first.id, second.id);
    assert_eq!(first.secret_hash, "hash-of-key-a");
    assert!(first.is_active());
    assert_eq!(
        store.find_app_login(&acc, "key-a").await.expect("find"),
        first
    );
    assert_eq!(
        store.list_app_logins(&acc).await.expect("list"),
        vec![first.clone(), second.clone()]
    );
    assert!(matches!(
        store.find_app_login(&other, "key-a").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.create_app_login(&new(bot, "key-a")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.create_app_login(&new(stranger, "key-c")).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.create_app_login(&new(bot, "has space")).await,
        Err(StoreError::Domain(_))
    ));

    // Arrange: sessions of the bot and of its colleague.
    let session = |agent, key: &str| AuthSession {
        key_hash: format!("{key}-{}", unique("")),
        kind: SessionKind::Login,
        account: acc.clone(),
        agent,
        parent: None,
        data: String::new(),
        created_at: Timestamp(1),
        expires_at: Timestamp(i64::MAX),
    };
    let (bots, colleagues) = (session(bot, "bot"), session(colleague, "colleague"));
    for s in [&bots, &colleagues] {
        store.put_session(s).await.expect("put");
    }

    // Act + Assert: revoke (twice); the row stays, the bot's session goes.
    let revoked = store
        .revoke_app_login(&acc, first.id, Timestamp(2_000))
        .await
        .expect("revoke");
    assert_eq!(revoked.revoked_at, Some(Timestamp(2_000)));
    let again = store
        .revoke_app_login(&acc, first.id, Timestamp(3_000))
        .await
        .expect("revoke again");
    assert_eq!(
        again.revoked_at,
        Some(Timestamp(2_000)),
        "the first time stays"
    );
    let found = store.find_app_login(&acc, "key-a").await.expect("kept");
    assert!(!found.is_active());
    assert!(matches!(
        store.get_session(&bots.key_hash).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .get_session(&colleagues.key_hash)
        .await
        .expect("others' sessions stay");
    assert!(matches!(
        store.create_app_login(&new(bot, "key-a")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .revoke_app_login(&other, second.id, Timestamp(2_000))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .revoke_app_login(&acc, i64::MAX, Timestamp(2_000))
            .await,
        Err(StoreError::NotFound(_))
    ));
}
