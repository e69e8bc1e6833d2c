//! Bots' application logins in the store: admins create, list and revoke them (callers of
//! another account are refused); a revoked login refuses its credentials and ends the bot's sessions, on this node
//! and on another one at once; configured logins are a seed imported at start or first use,
//! and a revocation outlives a restart with the seed still configured.

use std::sync::Arc;

use chatwire_core::Timestamp;
use chatwire_store::memory::MemoryStore;

use super::ring_nodes::two_nodes;
use super::{Fixture, fixture, populate};
use crate::sessions::{AppCredentials, AppLogin};
use crate::{AdminCaller, Engine, EngineConfig, EngineError, ManualClock, NewAgentInput};

/// Adds an admin agent to the fixture's account and returns them as an admin caller (as the
/// admin API makes one from their bearer).
async fn admin(f: &Fixture, engine: &Engine) -> AdminCaller {
    let input = NewAgentInput {
        login_name: "boss".into(),
        password: "demo-pass".into(),
        nickname: "boss".into(),
        display_name: "Boss".into(),
        email: String::new(),
        max_chats: 1,
        skills: Vec::new(),
        is_admin: true,
    };
    engine.create_agent(&f.account, input).await.expect("admin");
    let grant = engine.login(&f.account, "boss", "demo-pass").await;
    let bearer = grant.expect("admin login").bearer;
    engine
        .admin_by_bearer(&f.account, &bearer)
        .await
        .expect("admin caller")
}

#[tokio::test]
async fn an_admin_creates_lists_and_revokes_a_bots_application_login() {
    // Arrange
    let f = fixture().await;
    let boss = admin(&f, &f.engine).await;

    // Act: the admin creates credentials for agent3; the bot logs in with them.
    let grant = f
        .engine
        .create_app_login(&boss, &f.account, "agent3", Some("bot-key"))
        .await
        .expect("create");
    let creds = grant.credentials.clone();
    assert_eq!(creds.app_key, "bot-key");
    assert_eq!(creds.secret.len(), 64, "32 random bytes, hex");
    let login = f.engine.login_app(&f.account, "agent3", &creds).await;
    let bearer = login.expect("bot login").bearer;
    f.engine.bearer(&f.account, &bearer).await.expect("bearer");

    // Assert: wrong secrets, another username or a non-admin are refused.
    let wrong = AppCredentials {
        secret: "guess".into(),
        ..creds.clone()
    };
    for (user, c) in [("agent3", &wrong), ("agent2", &creds)] {
        let refused = f.engine.login_app(&f.account, user, c).await;
        assert!(
            matches!(refused, Err(EngineError::Unauthorized(_))),
            "{user}"
        );
    }
    let other = f
        .engine
        .create_account("2000", "Other")
        .await
        .expect("account");
    for refused in [
        f.engine.app_logins(&boss, &other.id).await.map(drop),
        f.engine
            .create_app_login(&boss, &other.id, "agent3", None)
            .await
            .map(drop),
        f.engine
            .revoke_app_login(&boss, &other.id, grant.login.id)
            .await
            .map(drop),
    ] {
        assert!(
            matches!(refused, Err(EngineError::NotFound(_))),
            "{refused:?}"
        );
    }
    let nobody = f.engine.login(&f.account, "agent1", "demo-pass").await;
    let not_admin = f
        .engine
        .admin_by_bearer(&f.account, &nobody.expect("login").bearer)
        .await;
    assert!(matches!(not_admin, Err(EngineError::Forbidden(_))));
    let listed = f.engine.app_logins(&boss, &f.account).await.expect("list");
    assert_eq!(listed, vec![grant.login.clone()]);
    assert_eq!(listed[0].username, "agent3");

    // Act: revoke.
    let revoked = f
        .engine
        .revoke_app_login(&boss, &f.account, grant.login.id)
        .await
        .expect("revoke");

    // Assert: the credentials and the bot's bearer are refused at once; the row stays.
    assert!(revoked.revoked_at.is_some());
    let again = f.engine.login_app(&f.account, "agent3", &creds).await;
    assert!(matches!(again, Err(EngineError::Unauthorized(_))));
    let ended = f.engine.bearer(&f.account, &bearer).await;
    assert!(
        matches!(ended, Err(EngineError::Unauthorized(_))),
        "{ended:?}"
    );
    let reuse = f
        .engine
        .create_app_login(&boss, &f.account, "agent3", Some("bot-key"))
        .await;
    assert!(matches!(reuse, Err(EngineError::Conflict(_))), "{reuse:?}");
    let unknown = f.engine.revoke_app_login(&boss, &f.account, i64::MAX).await;
    assert!(matches!(unknown, Err(EngineError::NotFound(_))));
}

fn seeded(account: &chatwire_core::AccountId) -> EngineConfig {
    EngineConfig {
        app_logins: vec![AppLogin {
            account: account.clone(),
            username: "agent1".into(),
            app_key: "seed-key".into(),
            secret: "s".into(),
            access_token: "t".into(),
            access_token_secret: "ts".into(),
        }],
        ..EngineConfig::default()
    }
}

fn seed_creds() -> AppCredentials {
    AppCredentials {
        app_key: "seed-key".into(),
        secret: "s".into(),
        access_token: "t".into(),
        access_token_secret: "ts".into(),
    }
}

#[tokio::test]
async fn configured_logins_are_imported_once_and_a_revocation_outlives_a_restart() {
    // Arrange: an engine seeded from the configuration; agents are created after it started.
    let store = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let account = chatwire_core::AccountId::parse("1000").expect("account");
    let engine = Engine::with_clock(store.clone(), seeded(&account), clock.clone());
    engine.start().await.expect("start");
    let (account, agents) = populate(&engine).await;

    // Act: the first login imports the seed; a restart imports nothing more.
    engine
        .login_app(&account, "agent1", &seed_creds())
        .await
        .expect("seeded login");
    let restarted = Engine::with_clock(store.clone(), seeded(&account), clock.clone());
    restarted.start().await.expect("restart");
    let f = Fixture {
        engine: restarted,
        store,
        clock,
        account: account.clone(),
        agents,
    };
    let boss = admin(&f, &f.engine).await;
    let listed = f.engine.app_logins(&boss, &f.account).await.expect("list");
    assert_eq!(listed.len(), 1, "imported once: {listed:?}");
    assert_eq!(listed[0].app_key, "seed-key");

    // Act: revoke, then restart again with the seed still configured.
    f.engine
        .revoke_app_login(&boss, &f.account, listed[0].id)
        .await
        .expect("revoke");
    let third = Engine::with_clock(f.store.clone(), seeded(&account), f.clock.clone());
    third.start().await.expect("restart");

    // Assert: the seed does not bring it back.
    let refused = third.login_app(&account, "agent1", &seed_creds()).await;
    assert!(
        matches!(refused, Err(EngineError::Unauthorized(_))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_revocation_on_one_node_refuses_the_bot_on_the_other_at_once() {
    // Arrange: the bot logs in on A (its bearer cached there for an hour).
    let (f, b) = two_nodes(EngineConfig::default()).await;
    let boss = admin(&f, &f.engine).await;
    let grant = f
        .engine
        .create_app_login(&boss, &f.account, "agent3", None)
        .await
        .expect("create");
    let login = f
        .engine
        .login_app(&f.account, "agent3", &grant.credentials)
        .await;
    let bearer = login.expect("login").bearer;
    f.engine
        .bearer(&f.account, &bearer)
        .await
        .expect("cached on A");

    // Act: an admin revokes it through B.
    b.revoke_app_login(&boss, &f.account, grant.login.id)
        .await
        .expect("revoke on B");

    // Assert: A refuses the bearer as soon as B's wake-up arrives, and the credentials at once.
    let refused = f
        .engine
        .login_app(&f.account, "agent3", &grant.credentials)
        .await;
    assert!(matches!(refused, Err(EngineError::Unauthorized(_))));
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(2);
    while f.engine.bearer(&f.account, &bearer).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "A still accepts the bot"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}
