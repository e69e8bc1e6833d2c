//! A wrong password takes as long for a login that does not exist as for one that does (both
//! dialects), so answer times do not reveal which agent logins exist.
//!
//! Many attempts of each kind, interleaved so machine load hits both alike; medians compared.
//! The throttles are off here (they would lock the logins after a few failures).

use std::time::{Duration, Instant};

use reqwest::header::AUTHORIZATION;
use serde_json::json;

use crate::helpers::{TestApp, spawn_with, test_settings};

const ROUNDS: usize = 30;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Times `attempt(known)` for `known` true and false, interleaved; returns both medians.
async fn medians<F, Fut>(attempt: F) -> (Duration, Duration)
where
    F: Fn(bool) -> Fut,
    Fut: std::future::Future<Output = u16>,
{
    // One untimed attempt each: the first check starts the password workers.
    assert_eq!(attempt(true).await, 401);
    assert_eq!(attempt(false).await, 401);
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (is_known, into) in [(true, &mut known), (false, &mut unknown)] {
            let start = Instant::now();
            let status = attempt(is_known).await;
            into.push(start.elapsed());
            assert_eq!(status, 401);
        }
    }
    (median(known), median(unknown))
}

fn assert_close(dialect: &str, (known, unknown): (Duration, Duration)) {
    let gap = known.abs_diff(unknown);
    eprintln!("{dialect}: median wrong password {known:?} (known) vs {unknown:?} (unknown)");
    assert!(
        gap < Duration::from_millis(2),
        "{dialect}: known {known:?} vs unknown {unknown:?}"
    );
    // The unknown login really did the argon2 work (it took ~0.5 ms before the dummy hash).
    assert!(unknown > Duration::from_millis(3), "{dialect}: {unknown:?}");
}

async fn server() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = test_settings(dir.path());
    settings.throttle.enabled = false;
    (spawn_with(settings).await, dir)
}

#[tokio::test]
async fn a_wrong_liveperson_login_takes_as_long_for_an_unknown_user_as_for_a_known_one() {
    let (app, _dir) = server().await;
    let url = format!("{}/api/account/1000/login", app.address);

    let result = medians(|known| {
        let body =
            json!({"username": if known { "agent1" } else { "nobody7" }, "password": "wrong"});
        let req = app.client.post(&url).json(&body);
        async move { req.send().await.expect("login").status().as_u16() }
    })
    .await;

    assert_close("LivePerson", result);
}

#[tokio::test]
async fn a_wrong_superoffice_basic_password_takes_as_long_for_an_unknown_user_as_for_a_known_one() {
    let (app, _dir) = server().await;
    let url = format!("{}/api/v1/Agents/Chat/GetChatPresence", app.address);

    let result = medians(|known| {
        // agent1:wrong and nobody7:wrong
        let auth = if known {
            "Basic YWdlbnQxOndyb25n"
        } else {
            "Basic bm9ib2R5Nzp3cm9uZw=="
        };
        let req = app
            .client
            .post(&url)
            .header(AUTHORIZATION, auth)
            .json(&json!({}));
        async move { req.send().await.expect("call").status().as_u16() }
    })
    .await;

    assert_close("SuperOffice", result);
}
