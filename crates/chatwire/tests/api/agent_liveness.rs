//! Agent liveness over HTTP, one test per dialect: an agent who stops making requests
//! disappears from availability (idle timeout shortened to 1 s), while one who keeps polling
//! stays.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_with, test_settings};
use crate::lp::ACCOUNT;

/// A server whose agents go Offline after one idle second.
async fn quick_idle_app(dir: &tempfile::TempDir) -> TestApp {
    let mut s = test_settings(dir.path());
    s.agents.idle_timeout_secs = 1;
    s.engine.sweep_interval_ms = 50;
    spawn_with(s).await
}

/// LivePerson visitor availability of one agent.
async fn available(app: &TestApp, agent: &str) -> bool {
    let resp = app
        .client
        .get(format!(
            "{}{ACCOUNT}/chat/availability.json?agent={agent}&v=1",
            app.address
        ))
        .header(AUTHORIZATION, "LivePerson appKey=demo-app-key")
        .send()
        .await
        .expect("availability");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    body["availability"].as_bool().expect("a boolean")
}

#[tokio::test]
async fn an_idle_liveperson_agent_disappears_from_availability() {
    // Arrange: agent1 and agent2 log in and go Online.
    let dir = tempfile::tempdir().expect("tmp");
    let app = quick_idle_app(&dir).await;
    let agent1 = app.lp_agent("agent1").await;
    let agent2 = app.lp_agent("agent2").await;
    assert!(available(&app, "agent1").await);

    // Act: agent2 keeps polling its availability; agent1 makes no request.
    let mut gone = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (status, _) = app
            .lp_get(&agent2, &format!("{}/availability", agent2.session))
            .await;
        assert_eq!(status, 200);
        if !available(&app, "agent1").await {
            gone = true;
            break;
        }
    }

    // Assert: agent1 went Offline within seconds; agent2 is still there.
    assert!(gone, "agent1 still available after 4 s of silence");
    assert!(
        available(&app, "agent2").await,
        "a polling agent stays Online"
    );
    let (_, own) = app
        .lp_get(&agent1, &format!("{}/availability", agent1.session))
        .await;
    assert_eq!(own["availability"]["chat"], "Offline", "{own}");
}

/// `POST /api/v1/Agents/Chat/{method}` with Basic credentials and a JSON body.
async fn so(app: &TestApp, auth: &str, method: &str, body: Value) -> (u16, Value) {
    let resp = app
        .client
        .post(format!("{}/api/v1/Agents/Chat/{method}", app.address))
        .header(AUTHORIZATION, auth)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Whether the agent shown as `name` is present in a `GetChatPresence` answer.
fn present(list: &Value, name: &str) -> bool {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|p| p["DisplayName"] == json!(name))
        .map(|p| p["Present"].as_bool().expect("Present"))
        .expect("user listed")
}

#[tokio::test]
async fn an_idle_superoffice_agent_is_no_longer_present() {
    // Arrange: agent1 and agent2 (Basic credentials on every call) say they are present.
    let dir = tempfile::tempdir().expect("tmp");
    let app = quick_idle_app(&dir).await;
    let agent1 = "Basic YWdlbnQxOmRlbW8tcGFzcw=="; // agent1:demo-pass
    let agent2 = "Basic YWdlbnQyOmRlbW8tcGFzcw=="; // agent2:demo-pass
    for auth in [agent1, agent2] {
        let presence = json!({"chatPresence": [{"userId": 0, "present": true}]});
        let (status, body) = so(&app, auth, "SaveChatPresence", presence).await;
        assert_eq!(status, 204, "{body}");
    }
    let (_, list) = so(&app, agent2, "GetChatPresence", Value::Null).await;
    assert!(present(&list, "Demo Agent 1"), "{list}");

    // Act: agent2 keeps asking for the presence list; agent1 makes no call.
    let mut gone = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (status, list) = so(&app, agent2, "GetChatPresence", Value::Null).await;
        assert_eq!(status, 200, "{list}");
        if !present(&list, "Demo Agent 1") {
            gone = true;
            assert!(
                present(&list, "Demo Agent 2"),
                "a calling agent stays present"
            );
            break;
        }
    }

    // Assert: agent1 is no longer present, and a LivePerson visitor sees nobody but agent2.
    assert!(gone, "agent1 still present after 4 s of silence");
    assert!(!available(&app, "agent1").await);
}
