//! Bots' application logins through chatwire's admin API and the command line: created at
//! runtime, the secrets shown once, a bot logs in with them over LivePerson's login, and a
//! revocation refuses the credentials and ends the bot's session at once.

use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const LOGINS: &str = "/chatwire/v1/accounts/1000/appLogins";

async fn admin_call(
    app: &TestApp,
    bearer: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    crate::own_api::call(app, method, path, Some(bearer), body).await
}

async fn bot_login(app: &TestApp, creds: &Value) -> (u16, Value) {
    let body = json!({
        "username": "agent3",
        "appKey": creds["appKey"], "secret": creds["secret"],
        "accessToken": creds["accessToken"], "accessTokenSecret": creds["accessTokenSecret"],
    });
    let resp = app
        .client
        .post(format!("{}/api/account/1000/login?v=1.3", app.address))
        .header("accept", "application/json")
        .json(&body)
        .send()
        .await
        .expect("login");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_bot_logs_in_with_runtime_credentials_until_they_are_revoked() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await.bearer;
    let post = reqwest::Method::POST;

    let (status, err) = admin_call(
        &app,
        &admin,
        post.clone(),
        LOGINS,
        Some(json!({"username": "nobody"})),
    )
    .await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (404, &json!("not_found")),
        "{err}"
    );
    let (status, err) = admin_call(
        &app,
        &admin,
        post.clone(),
        LOGINS,
        Some(json!({"username": 3})),
    )
    .await;
    assert_eq!(
        (status, &err["error"]["field"]),
        (400, &json!("username")),
        "{err}"
    );

    let (status, created) = admin_call(
        &app,
        &admin,
        post.clone(),
        LOGINS,
        Some(json!({"username": "agent3", "appKey": "bot-key-1"})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["appKey"], "bot-key-1");
    assert_eq!(
        created["secret"].as_str().map(str::len),
        Some(64),
        "{created}"
    );
    let id = created["login"]["id"].as_i64().expect("id");
    let (status, _) = admin_call(
        &app,
        &admin,
        post.clone(),
        LOGINS,
        Some(json!({"username": "agent3", "appKey": "bot-key-1"})),
    )
    .await;
    assert_eq!(status, 409, "an app key is used once");

    // The list shows it without secrets.
    let (_, page) = admin_call(&app, &admin, reqwest::Method::GET, LOGINS, None).await;
    let listed = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|l| l["id"] == id)
        .cloned()
        .expect("listed");
    assert!(
        listed.get("secret").is_none() && listed["revokedAt"].is_null(),
        "{listed}"
    );

    // The bot logs in; a wrong secret does not.
    let (status, session) = bot_login(&app, &created).await;
    assert_eq!(status, 200, "{session}");
    let bearer = session["bearer"].as_str().expect("bearer").to_owned();
    let mut wrong = created.clone();
    wrong["secret"] = json!("0".repeat(64));
    assert_eq!(bot_login(&app, &wrong).await.0, 401);

    // Revoked: its login is refused and its session ends at once.
    let (status, revoked) = admin_call(
        &app,
        &admin,
        reqwest::Method::DELETE,
        &format!("{LOGINS}/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{revoked}");
    assert!(revoked["revokedAt"].is_string(), "{revoked}");
    assert_eq!(bot_login(&app, &created).await.0, 401);
    let resp = app
        .client
        .get(format!("{}/chatwire/v1/accounts/1000/skills", app.address))
        .bearer_auth(&bearer)
        .send()
        .await
        .expect("call");
    assert_eq!(
        resp.status().as_u16(),
        401,
        "the bot's bearer died with its credentials"
    );
}

#[test]
fn the_command_line_creates_lists_and_revokes_application_logins() {
    let dir = tempfile::tempdir().expect("tmp");
    let c = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatwire"));
        cmd.current_dir(dir.path())
            .args(["--data-dir", "data"])
            .args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("CHATWIRE") {
                cmd.env_remove(k);
            }
        }
        cmd.envs(env.iter().copied());
        let out = cmd.output().expect("runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(c(&["account", "create", "acme", "--create"], &[]).0);
    assert!(
        c(
            &["agent", "create", "--account", "acme", "--login", "bot"],
            &[("CHATWIRE_AGENT_PASSWORD", "pw-of-the-bot")]
        )
        .0
    );
    let (ok, out, err) = c(
        &[
            "app-login",
            "create",
            "--account",
            "acme",
            "--username",
            "bot",
        ],
        &[],
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("secret=") && out.contains("accessTokenSecret="),
        "{out}"
    );
    let id = out.split_whitespace().nth(3).expect("id").to_owned();
    let (_, list, _) = c(&["app-login", "list", "--account", "acme"], &[]);
    assert!(list.contains("bot") && list.contains("active"), "{list}");
    assert!(c(&["app-login", "revoke", "--account", "acme", &id], &[]).0);
    let (_, list, _) = c(&["app-login", "list", "--account", "acme"], &[]);
    assert!(list.contains("revoked"), "{list}");
    let (ok, _, err) = c(&["app-login", "revoke", "--account", "acme", "99999"], &[]);
    assert!(!ok && err.contains("not found"), "{err}");
}
