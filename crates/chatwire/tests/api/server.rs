//! The server shell over real TCP: health, fallback, TLS, graceful shutdown.

use crate::helpers::{spawn_app, spawn_with, test_settings};

#[tokio::test]
async fn healthz_answers_200_over_http() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await, (200, "ok".to_owned()));
    app.stop().await;
}

#[tokio::test]
async fn unknown_routes_answer_404_with_an_error_body() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/nothing/here").await;
    assert_eq!(status, 404);
    let json: serde_json::Value = serde_json::from_str(&body).expect("json body");
    assert_eq!(
        json["error"]["internalCode"], 28,
        "LivePerson's unknown-URI code"
    );
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("null for uri"))
    );
    app.stop().await;
}

#[tokio::test]
async fn self_signed_tls_serves_https() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut settings = test_settings(dir.path());
    settings.server.tls.self_signed = true;
    let app = spawn_with(settings).await;
    assert!(app.address.starts_with("https://"));
    assert_eq!(app.get("/healthz").await.0, 200);
    let plain = reqwest::get(app.address.replace("https://", "http://") + "/healthz").await;
    assert!(
        plain.is_err() || plain.is_ok_and(|r| !r.status().is_success()),
        "plain HTTP is not served on the TLS port"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_demo_account_is_seeded_and_seeding_twice_changes_nothing() {
    let app = spawn_app().await;
    let account = chatwire_engine::core::AccountId::parse("1000").expect("id");
    let agents = app.engine.agents(&account).await.expect("agents");
    let logins: Vec<&str> = agents.iter().map(|a| a.login_name.as_str()).collect();
    assert_eq!(logins, vec!["agent1", "agent2", "agent3"]);
    assert_eq!(
        agents
            .iter()
            .map(|a| a.max_chats.as_wire())
            .collect::<Vec<_>>(),
        vec![4, 2, -1]
    );
    assert!(
        app.engine
            .authenticate(&account, "agent2", "demo-pass")
            .await
            .is_ok()
    );
    let visitor_key = app
        .engine
        .check_app_key(&account, "demo-app-key")
        .await
        .expect("visitor key");
    let feed_key = app
        .engine
        .check_app_key(&account, "demo-feed-key")
        .await
        .expect("feed key");
    assert!(
        !visitor_key.can_read_feed,
        "a key for web pages never reads the feed"
    );
    assert!(feed_key.can_read_feed);
    chatwire::demo::seed(&app.engine).await.expect("idempotent");
    assert_eq!(app.engine.agents(&account).await.expect("agents").len(), 3);
    assert_eq!(app.engine.skills(&account).await.expect("skills").len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn reseeding_a_demo_whose_visitor_key_reads_the_feed_withdraws_that_right() {
    // Arrange: the visitor key as an older seed left it, with the feed right.
    let app = spawn_app().await;
    let account = chatwire_engine::core::AccountId::parse("1000").expect("id");
    app.engine
        .set_app_key_feed(&account, "demo-app-key", true)
        .await
        .expect("old right");

    // Act
    chatwire::demo::seed(&app.engine).await.expect("reseed");

    // Assert
    let visitor_key = app
        .engine
        .check_app_key(&account, "demo-app-key")
        .await
        .expect("visitor key");
    assert!(!visitor_key.can_read_feed);
    app.stop().await;
}
