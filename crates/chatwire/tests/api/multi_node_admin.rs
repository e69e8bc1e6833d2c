//! Admin changes on one node take effect on the other within a second (two real `chatwire
//! serve --demo` processes on one PostgreSQL schema): a disabled agent's bearer, a revoked app
//! key and a revoked admin token are refused on the node that did not make the change.
//!
//! Needs `CHATWIRE_TEST_PG_URL`; without it each test passes at once after printing a
//! `SKIPPED` line.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::http;
use crate::multi_node::cluster;

/// The most an admin change may take to reach the other node.
const WITHIN: Duration = Duration::from_secs(1);

/// Polls `probe` until it answers `want`; returns how long that took after `since`.
async fn until_status<F, Fut>(since: Instant, want: u16, mut probe: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = u16>,
{
    loop {
        let got = probe().await;
        if got == want {
            return since.elapsed();
        }
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "still {got} (want {want}) 5 s after the change"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The real binary's admin command against the cluster's schema.
fn cli(db: &crate::helpers::process::Database, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatwire"))
        .args(["--database-url", db.pg_url().expect("pg")])
        .args(["--database-schema", db.pg_schema().expect("schema")])
        .args(args)
        .env_remove("CHATWIRE_CONFIG")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_an_agent_on_one_node_ends_their_bearer_on_the_other_within_a_second() {
    let Some(nodes) = cluster() else { return };
    let client = reqwest::Client::new();
    let admin = http::lp_agent(&client, &nodes.a.url, "agent1").await;
    let agent = http::lp_agent(&client, &nodes.b.url, "agent3").await;
    let probe = || async {
        client
            .get(format!("{}/incomingRequests", agent.session))
            .bearer_auth(&agent.bearer)
            .header("Accept", "application/json")
            .send()
            .await
            .expect("probe")
            .status()
            .as_u16()
    };
    assert_eq!(probe().await, 200, "works before");
    let list: Value = client
        .get(format!("{}/chatwire/v1/accounts/1000/agents", nodes.a.url))
        .bearer_auth(&admin.bearer)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let id = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["loginName"] == "agent3")
        .expect("agent3")["id"]
        .clone();

    let resp = client
        .post(format!(
            "{}/chatwire/v1/accounts/1000/agents/{id}/disable",
            nodes.a.url
        ))
        .bearer_auth(&admin.bearer)
        .send()
        .await
        .expect("disable");
    assert_eq!(resp.status(), 200);
    let took = until_status(Instant::now(), 401, probe).await;
    eprintln!("disable reached the other node in {took:?}");
    assert!(took < WITHIN, "took {took:?}");

    // Nor can they log in again there.
    let login = client
        .post(format!("{}{}/login", nodes.b.url, http::ACCOUNT))
        .json(&json!({"username": "agent3", "password": "demo-pass"}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_or_token_revoked_on_one_node_is_refused_on_the_other_within_a_second() {
    let Some(nodes) = cluster() else { return };
    let client = reqwest::Client::new();
    let token = cli(&nodes.db, &["admin-token", "create", "--name", "ops"]);
    assert!(token.starts_with("cwadm_"), "{token}");

    // An app key made on A with the server token, used on B.
    let made: Value = client
        .post(format!("{}/chatwire/v1/accounts/1000/appKeys", nodes.a.url))
        .bearer_auth(&token)
        .json(&json!({"name": "shop", "allowedOrigins": ["https://Shop.example.com:443"]}))
        .send()
        .await
        .expect("create key")
        .json()
        .await
        .expect("json");
    assert_eq!(made["allowedOrigins"], json!(["https://shop.example.com"]));
    let key = made["key"].as_str().expect("key").to_owned();
    let visitor = || async {
        client
            .get(format!(
                "{}{}/chat/availability",
                nodes.b.url,
                http::ACCOUNT
            ))
            .header("Authorization", format!("LivePerson appKey={key}"))
            .header("Accept", "application/json")
            .send()
            .await
            .expect("availability")
            .status()
            .as_u16()
    };
    assert_eq!(
        visitor().await,
        200,
        "the key works on B (and is cached there)"
    );
    let resp = client
        .delete(format!(
            "{}/chatwire/v1/accounts/1000/appKeys/{key}",
            nodes.a.url
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("revoke");
    assert_eq!(resp.status(), 204);
    let took = until_status(Instant::now(), 401, visitor).await;
    eprintln!("key revocation reached the other node in {took:?}");
    assert!(took < WITHIN, "took {took:?}");

    // The token itself, revoked with the command line, is refused on B at once.
    let admin = || async {
        client
            .get(format!("{}/chatwire/v1/accounts", nodes.b.url))
            .bearer_auth(&token)
            .send()
            .await
            .expect("accounts")
            .status()
            .as_u16()
    };
    assert_eq!(admin().await, 200);
    let listed = cli(&nodes.db, &["admin-token", "list"]);
    let id = listed.split('\t').next().expect("id").to_owned();
    cli(&nodes.db, &["admin-token", "revoke", &id]);
    let took = until_status(Instant::now(), 401, admin).await;
    assert!(took < WITHIN, "took {took:?}");
}
