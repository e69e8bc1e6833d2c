//! Over HTTP on one node: a LivePerson agent session unused for `agents.session_ttl_secs`
//! answers 401 (the bearer stays good and a new agent session works), and with
//! `routing.ring_timeout_secs` a chat rings one agent at a time, the agent who lets it ring out
//! twice going Away as their own availability shows.

use std::time::Duration;

use crate::helpers::{TestApp, spawn_with, test_settings};
use crate::lp::ACCOUNT;

/// The ring count `agent` sees.
async fn ringing(app: &TestApp, agent: &crate::lp::Agent) -> String {
    let (status, body) = app
        .lp_get(agent, &format!("{}/incomingRequests", agent.session))
        .await;
    assert_eq!(status, 200, "{body}");
    body["incomingRequests"]["ringingCount"]
        .as_str()
        .expect("ringingCount")
        .to_owned()
}

#[tokio::test]
async fn an_agent_session_unused_for_its_ttl_answers_401_and_a_new_one_works() {
    // Arrange: a one-second agent-session TTL.
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = test_settings(dir.path());
    s.agents.session_ttl_secs = 1;
    s.agents.idle_timeout_secs = 0;
    let app = spawn_with(s).await;
    let agent = app.lp_agent("agent1").await;
    let availability = format!("{}/availability", agent.session);

    // Act + Assert: polled every 300 ms for three seconds, it stays.
    for _ in 0..10 {
        let (status, body) = app.lp_get(&agent, &availability).await;
        assert_eq!(status, 200, "{body}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // Act + Assert: unused for more than the TTL and a quarter, it answers 401 with the error
    // body; an agent session that never existed stays 404.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let (status, body) = app.lp_get(&agent, &availability).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    let unknown = format!("{ACCOUNT}/agentSession/1234567890/availability");
    let (status, _) = app.lp_get(&agent, &unknown).await;
    assert_eq!(status, 404);

    // Act + Assert: the login lives on; a new agent session works.
    let resp = app
        .lp(
            reqwest::Method::POST,
            &format!("{ACCOUNT}/agentSession?v=1&NC=true"),
            Some(&agent.bearer),
            Some(serde_json::json!({"loginData": ""})),
        )
        .await;
    assert_eq!(resp.status(), 201);
}

#[tokio::test]
async fn with_a_ring_timeout_a_chat_rings_one_agent_at_a_time_and_ignoring_it_means_away() {
    // Arrange: one-second turns, Away after two ring-outs; agent1 and agent2 answer Sales.
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = test_settings(dir.path());
    s.routing.ring_timeout_secs = 1;
    s.routing.away_after_ring_outs = 2;
    s.engine.sweep_interval_ms = 50;
    let app = spawn_with(s).await;
    let agent1 = app.lp_agent("agent1").await;
    let agent2 = app.lp_agent("agent2").await;

    // Act: a Sales chat.
    app.lp_request_chat("Sales").await;

    // Assert: agent1's turn alone, then agent2's.
    assert_eq!(ringing(&app, &agent1).await, "1");
    assert_eq!(ringing(&app, &agent2).await, "0");
    let mut moved = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if ringing(&app, &agent2).await == "1" {
            moved = true;
            break;
        }
    }
    assert!(moved, "the turn never passed to agent2");
    assert_eq!(ringing(&app, &agent1).await, "0");

    // Act + Assert: agent1 ignores it a second time (after agent2's turn): Away, as agent1's
    // own availability says.
    let mut away = false;
    for _ in 0..80 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (_, own) = app
            .lp_get(&agent1, &format!("{}/availability", agent1.session))
            .await;
        if own["availability"]["chat"] == "Away" {
            away = true;
            break;
        }
    }
    assert!(away, "agent1 never went Away");
}
