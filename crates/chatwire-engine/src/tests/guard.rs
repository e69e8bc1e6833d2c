//! Engine tests of the abuse guards: login failure locks, the verified-login cache and its
//! invalidation, chat request throttles.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chatwire_core::Timestamp;
use chatwire_store::memory::MemoryStore;

use super::populate;
use crate::{
    ChatRequestInput, Engine, EngineConfig, EngineError, GuardConfig, ManualClock, password,
};

/// An engine with the fixture's directory and small limits over a 60 s window.
pub(super) async fn guarded(
    guard: GuardConfig,
) -> (Engine, Arc<ManualClock>, chatwire_core::AccountId) {
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let config = EngineConfig {
        guard,
        ..EngineConfig::default()
    };
    let engine = Engine::with_clock(Arc::new(MemoryStore::new()), config, clock.clone());
    let (account, _) = populate(&engine).await;
    (engine, clock, account)
}

pub(super) fn small_limits() -> GuardConfig {
    GuardConfig {
        login_failures_per_user: 3,
        login_failures_per_address: 5,
        login_failure_window: Duration::from_secs(60),
        chat_requests_per_address: 2,
        chat_requests_per_app_key: 3,
        chat_request_window: Duration::from_secs(60),
        ..GuardConfig::default()
    }
}

pub(super) fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().expect("ip"))
}

#[tokio::test]
async fn a_login_with_too_many_failures_is_locked_even_for_the_right_password_until_the_window_ends()
 {
    let (engine, clock, account) = guarded(small_limits()).await;
    for _ in 0..3 {
        let r = engine.authenticate(&account, "agent1", "wrong").await;
        assert!(matches!(r, Err(EngineError::Unauthorized(_))));
    }

    let locked = engine.authenticate(&account, "AGENT1", "demo-pass").await;
    let Err(EngineError::TooManyRequests { retry_after }) = locked else {
        panic!("expected a lock, got {locked:?}");
    };
    assert!(retry_after <= Duration::from_secs(60) && retry_after > Duration::from_secs(50));
    assert!(
        engine
            .authenticate(&account, "agent2", "demo-pass")
            .await
            .is_ok(),
        "other logins are not locked"
    );

    clock.advance_ms(60_000);
    assert!(
        engine
            .authenticate(&account, "agent1", "demo-pass")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn unknown_logins_are_throttled_exactly_like_real_ones() {
    let (engine, _clock, account) = guarded(small_limits()).await;
    for login in ["agent1", "ghost"] {
        for _ in 0..3 {
            let r = engine.authenticate(&account, login, "wrong").await;
            assert!(matches!(r, Err(EngineError::Unauthorized(_))), "{login}");
        }
        let r = engine.authenticate(&account, login, "wrong").await;
        assert!(
            matches!(r, Err(EngineError::TooManyRequests { .. })),
            "{login}"
        );
    }
}

#[tokio::test]
async fn an_address_with_too_many_failures_is_locked_for_every_login_but_others_are_not() {
    let (engine, _clock, account) = guarded(small_limits()).await;
    let attacker = ip("203.0.113.7");
    for login in ["a", "b", "c", "d", "e"] {
        let r = engine
            .authenticate_from(&account, login, "wrong", attacker)
            .await;
        assert!(matches!(r, Err(EngineError::Unauthorized(_))));
    }

    let r = engine
        .authenticate_from(&account, "agent2", "demo-pass", attacker)
        .await;
    assert!(matches!(r, Err(EngineError::TooManyRequests { .. })));
    let elsewhere = engine
        .authenticate_from(&account, "agent2", "demo-pass", ip("198.51.100.1"))
        .await;
    assert!(elsewhere.is_ok());
}

#[tokio::test]
async fn a_verified_login_is_served_from_the_cache_even_while_its_address_is_locked() {
    let (engine, _clock, account) = guarded(small_limits()).await;
    let office = ip("203.0.113.9");
    engine
        .authenticate_from(&account, "agent3", "demo-pass", office)
        .await
        .expect("first login");
    for login in ["a", "b", "c", "d", "e"] {
        let _ = engine.authenticate_from(&account, login, "x", office).await;
    }

    let cached = engine
        .authenticate_from(&account, "agent3", "demo-pass", office)
        .await;

    assert!(cached.is_ok(), "{cached:?}");
    let uncached = engine
        .authenticate_from(&account, "agent2", "demo-pass", office)
        .await;
    assert!(matches!(uncached, Err(EngineError::TooManyRequests { .. })));
}

#[tokio::test]
async fn a_cached_login_stops_working_when_the_password_changes_or_the_agent_is_disabled() {
    let (engine, _clock, account) = guarded(GuardConfig::default()).await;
    engine
        .authenticate(&account, "agent1", "demo-pass")
        .await
        .expect("cached now");
    engine
        .authenticate(&account, "agent2", "demo-pass")
        .await
        .expect("cached now");

    let mut agent1 = engine
        .agent_by_login(&account, "agent1")
        .await
        .expect("agent1");
    agent1.password_hash = password::hash("new-pass").expect("hash");
    engine.update_agent(&agent1).await.expect("update");
    let mut agent2 = engine
        .agent_by_login(&account, "agent2")
        .await
        .expect("agent2");
    agent2.enabled = false;
    engine.update_agent(&agent2).await.expect("update");

    let old = engine.authenticate(&account, "agent1", "demo-pass").await;
    assert!(matches!(old, Err(EngineError::Unauthorized(_))), "{old:?}");
    assert!(
        engine
            .authenticate(&account, "agent1", "new-pass")
            .await
            .is_ok()
    );
    let disabled = engine.authenticate(&account, "agent2", "demo-pass").await;
    assert!(
        matches!(disabled, Err(EngineError::Unauthorized(_))),
        "{disabled:?}"
    );
}

#[tokio::test]
async fn an_idle_cached_login_is_checked_again_after_its_ttl_but_not_refused_by_the_lock() {
    let (engine, clock, account) = guarded(GuardConfig {
        credential_cache_ttl: Duration::from_secs(30),
        ..small_limits()
    })
    .await;
    let office = ip("203.0.113.9");
    engine
        .authenticate_from(&account, "agent3", "demo-pass", office)
        .await
        .expect("first login");
    for login in ["a", "b", "c", "d", "e"] {
        let _ = engine.authenticate_from(&account, login, "x", office).await;
    }
    clock.advance_ms(30_000);
    assert!(
        engine
            .authenticate_from(&account, "agent3", "demo-pass", office)
            .await
            .is_ok(),
        "verified before: argon2 again, past the address lock"
    );

    let mut agent3 = engine
        .agent_by_login(&account, "agent3")
        .await
        .expect("agent3");
    agent3.password_hash = password::hash("new-pass").expect("hash");
    engine.update_agent(&agent3).await.expect("update");
    clock.advance_ms(10_000);
    let changed = engine
        .authenticate_from(&account, "agent3", "new-pass", office)
        .await;

    assert!(
        matches!(changed, Err(EngineError::TooManyRequests { .. })),
        "new credentials never verified here are locked like any: {changed:?}"
    );
}

fn request(app_key: &str) -> ChatRequestInput {
    let mut input = ChatRequestInput::default();
    input.request.app_key = Some(app_key.into());
    input
}

#[tokio::test]
async fn chat_requests_are_limited_per_address_and_per_app_key_and_recover() {
    let (engine, clock, account) = guarded(small_limits()).await;
    let visitor = ip("203.0.113.20");
    for _ in 0..2 {
        engine
            .request_chat_from(&account, request("k1"), visitor)
            .await
            .expect("within the limit");
    }
    let third = engine
        .request_chat_from(&account, request("k1"), visitor)
        .await;
    assert!(matches!(third, Err(EngineError::TooManyRequests { .. })));
    engine
        .request_chat_from(&account, request("k1"), ip("203.0.113.21"))
        .await
        .expect("the key has one left");
    let key_full = engine
        .request_chat_from(&account, request("k1"), ip("203.0.113.22"))
        .await;
    assert!(matches!(key_full, Err(EngineError::TooManyRequests { .. })));
    engine
        .request_chat_from(&account, request("k2"), ip("203.0.113.22"))
        .await
        .expect("other keys are counted apart");

    clock.advance_ms(60_000);

    engine
        .request_chat_from(&account, request("k1"), visitor)
        .await
        .expect("a new window");
}

#[tokio::test]
async fn with_throttling_off_nothing_is_counted() {
    let (engine, _clock, account) = guarded(GuardConfig {
        throttle: false,
        ..small_limits()
    })
    .await;
    for _ in 0..5 {
        let _ = engine.authenticate(&account, "agent1", "wrong").await;
        engine
            .request_chat_from(&account, request("k1"), ip("203.0.113.20"))
            .await
            .expect("not throttled");
    }
    assert!(
        engine
            .authenticate(&account, "agent1", "demo-pass")
            .await
            .is_ok()
    );
}
