//! chatwire's own admin API over HTTP, part two: agents. Creating with every field checked,
//! editing, disabling (the bearer stops at once, the agent's chat goes back to the queue),
//! enabling, resetting a password, deleting, and the rules that keep an admin from locking
//! themselves out.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::own_api::call;

const AGENTS: &str = "/chatwire/v1/accounts/1000/agents";

fn field(err: &Value) -> (&Value, &Value) {
    (&err["error"]["code"], &err["error"]["field"])
}

async fn id_of(app: &TestApp, bearer: &str, login: &str) -> i64 {
    let (_, page) = call(app, Method::GET, AGENTS, Some(bearer), None).await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["loginName"] == login)
        .and_then(|a| a["id"].as_i64())
        .expect("agent listed")
}

#[tokio::test]
async fn agents_are_created_with_every_field_checked_and_paged() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let b = Some(admin.bearer.as_str());
    let sales = app
        .engine
        .skill_by_name_or_id(
            &chatwire_engine::core::AccountId::parse("1000").expect("id"),
            "Sales",
        )
        .await
        .expect("Sales")
        .id
        .0;

    let (status, a) = call(
        &app,
        Method::POST,
        AGENTS,
        b,
        Some(json!({
            "loginName": "ann", "password": "long-enough", "email": "ann@example.com",
            "maxChats": 3, "skills": [sales]
        })),
    )
    .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(
        (&a["nickname"], &a["displayName"]),
        (&json!("ann"), &json!("ann"))
    );
    assert_eq!(
        (&a["maxChats"], &a["skills"], &a["enabled"], &a["isAdmin"]),
        (&json!(3), &json!([sales]), &json!(true), &json!(false))
    );
    assert!(a.get("password").is_none() && a.get("passwordHash").is_none());
    let (status, _) = call(
        &app,
        Method::POST,
        AGENTS,
        b,
        Some(json!({"loginName": "ANN", "password": "long-enough"})),
    )
    .await;
    assert_eq!(status, 409, "login names are unique ignoring case");

    let bad = [
        (
            json!({"loginName": "a b", "password": "long-enough"}),
            "loginName",
        ),
        (json!({"loginName": "bob", "password": "short"}), "password"),
        (
            json!({"loginName": "bob", "password": "long-enough", "maxChats": 5000}),
            "maxChats",
        ),
        (
            json!({"loginName": "bob", "password": "long-enough", "maxChats": -2}),
            "maxChats",
        ),
        (
            json!({"loginName": "bob", "password": "long-enough", "skills": [987654]}),
            "skills",
        ),
        (
            json!({"loginName": "bob", "password": "long-enough", "skills": [1, "x"]}),
            "skills[1]",
        ),
        (
            json!({"loginName": "bob", "password": "long-enough", "email": "nope"}),
            "email",
        ),
        (
            json!({"loginName": "bob", "password": "long-enough", "nickname": " "}),
            "nickname",
        ),
        (
            json!({"loginName": "bob", "password": "long-enough", "isAdmin": "yes"}),
            "isAdmin",
        ),
    ];
    for (body, want) in bad {
        let (status, err) = call(&app, Method::POST, AGENTS, b, Some(body.clone())).await;
        assert_eq!(
            (status, field(&err)),
            (400, (&json!("invalid_field"), &json!(want))),
            "{body}: {err}"
        );
    }

    let mut seen = Vec::new();
    let mut q = "?limit=2".to_owned();
    loop {
        let (status, page) = call(&app, Method::GET, &format!("{AGENTS}{q}"), b, None).await;
        assert_eq!(status, 200);
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|a| a["loginName"].clone()),
        );
        match page["next"].as_str() {
            Some(n) => q = format!("?limit=2&cursor={n}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            json!("agent1"),
            json!("agent2"),
            json!("agent3"),
            json!("ann")
        ]
    );

    let id = a["id"].as_i64().expect("id");
    let (status, a) = call(
        &app,
        Method::PATCH,
        &format!("{AGENTS}/{id}"),
        b,
        Some(json!({
            "nickname": "Annie", "maxChats": -1, "skills": [], "isAdmin": true
        })),
    )
    .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(
        (&a["nickname"], &a["maxChats"], &a["skills"], &a["isAdmin"]),
        (&json!("Annie"), &json!(-1), &json!([]), &json!(true))
    );
    let (status, err) = call(
        &app,
        Method::PATCH,
        &format!("{AGENTS}/{id}"),
        b,
        Some(json!({"password": "x"})),
    )
    .await;
    assert_eq!(status, 400, "passwords have their own route: {err}");
    let (status, _) = call(&app, Method::GET, &format!("{AGENTS}/999999"), b, None).await;
    assert_eq!(status, 404);
    let (status, _) = call(&app, Method::GET, &format!("{AGENTS}/x"), b, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn disabling_ends_the_bearer_at_once_requeues_the_chat_and_enabling_lets_them_back() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let b = Some(admin.bearer.as_str());
    let agent = app.lp_agent("agent2").await;
    app.lp_request_chat("Sales").await;
    let accepted = app
        .client
        .post(format!("{}/incomingRequests", agent.session))
        .bearer_auth(&agent.bearer)
        .send()
        .await
        .expect("accept");
    assert_eq!(accepted.status(), 201);
    let id = id_of(&app, &admin.bearer, "agent2").await;

    let (status, a) = call(
        &app,
        Method::POST,
        &format!("{AGENTS}/{id}/disable"),
        b,
        None,
    )
    .await;
    assert_eq!(
        (status, &a["enabled"], &a["availability"]),
        (200, &json!(false), &json!("Offline")),
        "{a}"
    );
    let (status, _) = app
        .lp_get(&agent, &format!("{}/incomingRequests", agent.session))
        .await;
    assert_eq!(status, 401, "the bearer stopped at once");
    assert_eq!(app.lp_login_raw("agent2", "demo-pass").await.status(), 401);
    let acc = chatwire_engine::core::AccountId::parse("1000").expect("id");
    let open = app.engine.open_chats(&acc);
    assert_eq!(open.len(), 1);
    assert_eq!(
        open[0].state,
        chatwire_engine::core::ChatState::Waiting,
        "requeued"
    );

    let (status, a) = call(
        &app,
        Method::POST,
        &format!("{AGENTS}/{id}/enable"),
        b,
        None,
    )
    .await;
    assert_eq!((status, &a["enabled"]), (200, &json!(true)));
    let again = app.lp_agent("agent2").await;
    let accepted = app
        .client
        .post(format!("{}/incomingRequests", again.session))
        .bearer_auth(&again.bearer)
        .send()
        .await
        .expect("accept");
    assert_eq!(
        accepted.status(),
        201,
        "back at work: takes the requeued chat"
    );
    let (status, err) = call(&app, Method::DELETE, &format!("{AGENTS}/{id}"), b, None).await;
    assert_eq!(status, 409, "handles a chat: disable, not delete: {err}");
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out_but_manages_others() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let b = Some(admin.bearer.as_str());
    let me = id_of(&app, &admin.bearer, "agent1").await;
    let mine = format!("{AGENTS}/{me}");
    let (status, err) = call(&app, Method::POST, &format!("{mine}/disable"), b, None).await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (409, &json!("conflict")),
        "{err}"
    );
    let (status, _) = call(
        &app,
        Method::PATCH,
        &mine,
        b,
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = call(
        &app,
        Method::PATCH,
        &mine,
        b,
        Some(json!({"isAdmin": false})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = call(&app, Method::DELETE, &mine, b, None).await;
    assert_eq!(status, 409);
    let (status, me_now) = call(&app, Method::GET, &mine, b, None).await;
    assert_eq!(
        (status, &me_now["isAdmin"], &me_now["enabled"]),
        (200, &json!(true), &json!(true))
    );

    // A colleague without the right is refused; the admin demotes another admin freely.
    let (_, made) = call(
        &app,
        Method::POST,
        AGENTS,
        b,
        Some(json!({"loginName": "boss2", "password": "long-enough", "isAdmin": true})),
    )
    .await;
    let other = made["id"].as_i64().expect("id");
    let (status, a) = call(
        &app,
        Method::PATCH,
        &format!("{AGENTS}/{other}"),
        b,
        Some(json!({"isAdmin": false})),
    )
    .await;
    assert_eq!((status, &a["isAdmin"]), (200, &json!(false)));
    let colleague = app.lp_agent("agent3").await;
    let (status, _) = call(&app, Method::GET, AGENTS, Some(&colleague.bearer), None).await;
    assert_eq!(status, 403);
    let (status, _) = call(&app, Method::DELETE, &format!("{AGENTS}/{other}"), b, None).await;
    assert_eq!(status, 204, "never handled a chat");
    let (status, _) = call(&app, Method::GET, &format!("{AGENTS}/{other}"), b, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_password_reset_ends_sessions_and_the_new_password_works() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let b = Some(admin.bearer.as_str());
    let agent = app.lp_agent("agent3").await;
    let id = id_of(&app, &admin.bearer, "agent3").await;
    let url = format!("{AGENTS}/{id}/password");

    let (status, err) = call(
        &app,
        Method::POST,
        &url,
        b,
        Some(json!({"password": "short"})),
    )
    .await;
    assert_eq!(
        (status, field(&err)),
        (400, (&json!("invalid_field"), &json!("password")))
    );
    let (status, r) = call(&app, Method::POST, &url, b, Some(json!({}))).await;
    assert_eq!(status, 200, "{r}");
    let generated = r["password"].as_str().expect("generated once").to_owned();
    assert!(generated.len() >= 16);
    let (status, _) = app
        .lp_get(&agent, &format!("{}/incomingRequests", agent.session))
        .await;
    assert_eq!(status, 401, "the old login ended");
    assert_eq!(app.lp_login_raw("agent3", "demo-pass").await.status(), 401);
    assert_eq!(app.lp_login_raw("agent3", &generated).await.status(), 200);

    let (status, r) = call(
        &app,
        Method::POST,
        &url,
        b,
        Some(json!({"password": "chosen-pass"})),
    )
    .await;
    assert_eq!((status, &r["password"]), (200, &Value::Null));
    assert_eq!(
        app.lp_login_raw("agent3", "chosen-pass").await.status(),
        200
    );
}
