//! Conformance: the admin store ([`crate::AdminStore`]): account edits, agent and session
//! deletion, app key listing, edits and revocation, admin tokens.

use chatwire_core::{Account, AdminToken, AuthSession, NewAppKey, SessionKind, Timestamp};

use super::{account, agent, unique};
use crate::{Store, StoreError};

fn session(acc: &chatwire_core::AccountId, agent: chatwire_core::AgentId) -> AuthSession {
    AuthSession {
        key_hash: unique("admin-sess-"),
        kind: SessionKind::Login,
        account: acc.clone(),
        agent,
        parent: None,
        data: String::new(),
        created_at: Timestamp(1),
        expires_at: Timestamp(i64::MAX),
    }
}

/// Every [`crate::AdminStore`] method, with its `NotFound` and `Conflict` cases.
pub async fn run_admin(store: &dyn Store) {
    accounts_and_agents(store).await;
    app_keys(store).await;
    admin_tokens(store).await;
}

async fn accounts_and_agents(store: &dyn Store) {
    let acc = account(store, "adm").await;
    let renamed = Account {
        id: acc.clone(),
        name: "Renamed".into(),
        created_at: Timestamp(999),
    };
    store.update_account(&renamed).await.expect("rename");
    let read = store.get_account(&acc).await.expect("read");
    assert_eq!(read.name, "Renamed");
    assert_eq!(read.created_at, Timestamp(1), "creation time stays");
    let ghost = Account {
        id: chatwire_core::AccountId::parse(&unique("ghost")).expect("id"),
        ..renamed
    };
    assert!(matches!(
        store.update_account(&ghost).await,
        Err(StoreError::NotFound(_))
    ));

    let a = agent(store, &acc, "del-a", vec![], 1).await;
    let b = agent(store, &acc, "del-b", vec![], 1).await;
    let (sa1, sa2, sb) = (
        session(&acc, a.id),
        session(&acc, a.id),
        session(&acc, b.id),
    );
    for s in [&sa1, &sa2, &sb] {
        store.put_session(s).await.expect("put session");
    }
    assert_eq!(
        store.delete_agent_sessions(&acc, a.id).await.expect("end"),
        2
    );
    assert!(store.get_session(&sa1.key_hash).await.is_err());
    assert!(
        store.get_session(&sb.key_hash).await.is_ok(),
        "others keep theirs"
    );
    assert_eq!(
        store.delete_agent_sessions(&acc, a.id).await.expect("none"),
        0
    );

    let other = account(store, "adm").await;
    assert!(matches!(
        store.delete_agent(&other, b.id).await,
        Err(StoreError::NotFound(_))
    ));
    store.delete_agent(&acc, b.id).await.expect("delete");
    assert!(matches!(
        store.get_agent(&acc, b.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        store.get_session(&sb.key_hash).await.is_err(),
        "sessions go too"
    );
    assert!(matches!(
        store.delete_agent(&acc, b.id).await,
        Err(StoreError::NotFound(_))
    ));
    // A new agent never takes a deleted one's id (events keep the ids of their authors).
    let c = agent(store, &acc, "del-c", vec![], 1).await;
    assert!(c.id.0 > b.id.0, "{:?} reuses {:?}", c.id, b.id);
    store.delete_agent(&acc, c.id).await.expect("delete c");
    let left: Vec<_> = store
        .list_agents(&acc)
        .await
        .expect("list")
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(left, vec![a.id]);
}

async fn app_keys(store: &dyn Store) {
    let acc = account(store, "keys").await;
    let other = account(store, "keys").await;
    let mut made = Vec::new();
    for n in [2, 1, 3] {
        let new = NewAppKey {
            key: unique(&format!("k{n}-key-")),
            account: acc.clone(),
            name: format!("key {n}"),
            can_read_feed: false,
            allowed_origins: vec!["https://shop.example.com".into()],
        };
        made.push(
            store
                .create_app_key(&new, Timestamp(5))
                .await
                .expect("create"),
        );
    }
    let mut listed = store.list_app_keys(&acc).await.expect("list");
    assert_eq!(listed.len(), 3);
    let mut sorted = made.clone();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(listed, sorted, "by key text, origins kept");
    assert!(store.list_app_keys(&other).await.expect("none").is_empty());

    let mut key = listed.remove(0);
    key.name = "renamed".into();
    key.can_read_feed = true;
    key.allowed_origins = vec!["https://a.example".into(), "http://localhost:8080".into()];
    store.update_app_key(&key).await.expect("update");
    assert_eq!(store.find_app_key(&key.key).await.expect("find"), key);
    let foreign = chatwire_core::AppKey {
        account: other.clone(),
        ..key.clone()
    };
    assert!(matches!(
        store.update_app_key(&foreign).await,
        Err(StoreError::NotFound(_))
    ));

    assert!(matches!(
        store.delete_app_key(&other, &key.key).await,
        Err(StoreError::NotFound(_))
    ));
    store.delete_app_key(&acc, &key.key).await.expect("revoke");
    assert!(matches!(
        store.find_app_key(&key.key).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.list_app_keys(&acc).await.expect("list").len(), 2);
}

async fn admin_tokens(store: &dyn Store) {
    let acc = account(store, "tok").await;
    let server = AdminToken {
        id: unique("t"),
        name: "ops".into(),
        account: None,
        token_hash: unique("hash-"),
        created_at: Timestamp(7),
    };
    let scoped = AdminToken {
        id: unique("t"),
        name: "shop".into(),
        account: Some(acc.clone()),
        token_hash: unique("hash-"),
        created_at: Timestamp(8),
    };
    store
        .create_admin_token(&server)
        .await
        .expect("server token");
    store
        .create_admin_token(&scoped)
        .await
        .expect("account token");
    assert_eq!(
        store
            .find_admin_token(&scoped.token_hash)
            .await
            .expect("find"),
        scoped
    );
    assert_eq!(
        store
            .find_admin_token(&server.token_hash)
            .await
            .expect("find"),
        server
    );
    let dup = AdminToken {
        id: unique("t"),
        ..server.clone()
    };
    assert!(matches!(
        store.create_admin_token(&dup).await,
        Err(StoreError::Conflict(_))
    ));
    let orphan = AdminToken {
        id: unique("t"),
        token_hash: unique("hash-"),
        account: Some(chatwire_core::AccountId::parse(&unique("ghost")).expect("id")),
        ..server.clone()
    };
    assert!(matches!(
        store.create_admin_token(&orphan).await,
        Err(StoreError::NotFound(_))
    ));
    let all = store.list_admin_tokens().await.expect("list");
    assert!(all.contains(&server) && all.contains(&scoped));
    let ids: Vec<&String> = all.iter().map(|t| &t.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "by id");

    store.delete_admin_token(&scoped.id).await.expect("revoke");
    assert!(matches!(
        store.find_admin_token(&scoped.token_hash).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.delete_admin_token(&scoped.id).await,
        Err(StoreError::NotFound(_))
    ));
    store.delete_admin_token(&server.id).await.expect("cleanup");
}
