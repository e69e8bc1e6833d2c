//! Engine tests of the login-failure lock against the people it must not hurt: a polling agent
//! whose login an attacker keeps locked, bursts of concurrent guesses, application logins.

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::Timestamp;
use chatwire_store::memory::MemoryStore;

use super::guard::{guarded, ip, small_limits};
use super::populate;
use crate::sessions::{AppCredentials, AppLogin};
use crate::{Engine, EngineConfig, EngineError, GuardConfig, ManualClock};

#[tokio::test]
async fn a_polling_basic_agent_keeps_working_past_the_ttl_while_an_attacker_keeps_its_login_locked()
{
    let (engine, clock, account) = guarded(GuardConfig {
        credential_cache_ttl: Duration::from_secs(60),
        ..small_limits()
    })
    .await;
    let agent = ip("198.51.100.10");
    let attacker = ip("203.0.113.66");
    engine
        .authenticate_from(&account, "agent1", "demo-pass", agent)
        .await
        .expect("the agent's first poll");

    // Ten minutes of polls every 30 s; the attacker relocks the login in every window.
    for poll in 0..20 {
        for _ in 0..4 {
            let _ = engine
                .authenticate_from(&account, "agent1", "wrong", attacker)
                .await;
        }
        let locked = engine
            .authenticate_from(&account, "agent1", "wrong", attacker)
            .await;
        assert!(
            matches!(locked, Err(EngineError::TooManyRequests { .. })),
            "poll {poll}: the attacker is locked out: {locked:?}"
        );

        let polled = engine
            .authenticate_from(&account, "agent1", "demo-pass", agent)
            .await;

        assert!(polled.is_ok(), "poll {poll}: {polled:?}");
        clock.advance_ms(30_000);
    }
}

#[tokio::test]
async fn concurrent_wrong_passwords_beyond_the_limit_are_refused_without_being_hashed() {
    let (engine, _clock, account) = guarded(GuardConfig {
        hash_workers: 1,
        hash_queue: 64,
        hash_queue_wait: Duration::from_secs(60),
        ..small_limits()
    })
    .await;
    let attempts: Vec<_> = (0..12)
        .map(|_| {
            let (engine, account) = (engine.clone(), account.clone());
            tokio::spawn(async move { engine.authenticate(&account, "agent1", "wrong").await })
        })
        .collect();
    let (mut unauthorized, mut refused) = (0, 0);
    for attempt in attempts {
        match attempt.await.expect("task") {
            Err(EngineError::Unauthorized(_)) => unauthorized += 1,
            Err(EngineError::TooManyRequests { .. }) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }

    assert_eq!(unauthorized, 3, "only the limit's worth reached argon2");
    assert_eq!(refused, 9);
}

/// An engine whose agent1 may also log in with application credentials.
async fn with_app_login() -> (Engine, Arc<ManualClock>, chatwire_core::AccountId) {
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let account = chatwire_core::AccountId::parse("1000").expect("account");
    let config = EngineConfig {
        guard: small_limits(),
        app_logins: vec![AppLogin {
            account: account.clone(),
            username: "agent1".into(),
            app_key: "bot-key".into(),
            secret: "s".into(),
            access_token: "t".into(),
            access_token_secret: "ts".into(),
        }],
        ..EngineConfig::default()
    };
    let engine = Engine::with_clock(Arc::new(MemoryStore::new()), config, clock.clone());
    let (populated, _) = populate(&engine).await;
    assert_eq!(populated, account, "the fixture's account");
    (engine, clock, account)
}

fn app_creds(secret: &str) -> AppCredentials {
    AppCredentials {
        app_key: "bot-key".into(),
        secret: secret.into(),
        access_token: "t".into(),
        access_token_secret: "ts".into(),
    }
}

#[tokio::test]
async fn application_login_failures_lock_the_login_like_password_failures_and_recover() {
    let (engine, clock, account) = with_app_login().await;
    let from = ip("203.0.113.70");
    assert!(
        engine
            .login_app_from(&account, "agent1", &app_creds("s"), from)
            .await
            .is_ok()
    );
    for _ in 0..3 {
        let r = engine
            .login_app_from(&account, "agent1", &app_creds("guess"), from)
            .await;
        assert!(matches!(r, Err(EngineError::Unauthorized(_))), "{r:?}");
    }

    let locked = engine
        .login_app_from(&account, "agent1", &app_creds("s"), from)
        .await;
    assert!(
        matches!(locked, Err(EngineError::TooManyRequests { .. })),
        "{locked:?}"
    );
    let password = engine.authenticate(&account, "agent1", "demo-pass").await;
    assert!(
        matches!(password, Err(EngineError::TooManyRequests { .. })),
        "one count per login, whatever the method: {password:?}"
    );

    clock.advance_ms(60_000);
    assert!(
        engine
            .login_app_from(&account, "agent1", &app_creds("s"), from)
            .await
            .is_ok()
    );
}
