//! chatwire's own admin API over HTTP, part one: admin tokens (server-wide and per account),
//! accounts, one skill, and app keys with their allowed origins and revocation. Agents are in
//! `own_admin_agents`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::own_api::call;

/// A server-wide admin token, made as the command line makes it.
async fn server_token(app: &TestApp) -> String {
    let by = app.engine.local_operator();
    app.engine
        .create_admin_token_as(&by, None, "tests")
        .await
        .expect("token")
        .token
}

fn field(err: &Value) -> (&Value, &Value) {
    (&err["error"]["code"], &err["error"]["field"])
}

#[tokio::test]
async fn a_server_token_creates_pages_reads_and_renames_accounts() {
    let app = spawn_app().await;
    let token = server_token(&app).await;
    let t = Some(token.as_str());

    for id in ["acme", "beta", "gamma"] {
        let (status, body) = call(
            &app,
            Method::POST,
            "/chatwire/v1/accounts",
            t,
            Some(json!({"id": id, "name": "N"})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["id"], id);
        assert!(
            // ISO 8601 in UTC with milliseconds, as every time of this API (and the feed).
            body["createdAt"]
                .as_str()
                .is_some_and(|s| s.len() == 29 && s.ends_with("+00:00")),
            "{body}"
        );
    }
    let (status, err) = call(
        &app,
        Method::POST,
        "/chatwire/v1/accounts",
        t,
        Some(json!({"id": "acme"})),
    )
    .await;
    assert_eq!((status, &err["error"]["code"]), (409, &json!("conflict")));
    let (status, err) = call(
        &app,
        Method::POST,
        "/chatwire/v1/accounts",
        t,
        Some(json!({"id": "no way"})),
    )
    .await;
    assert_eq!(
        (status, field(&err)),
        (400, (&json!("invalid_field"), &json!("id"))),
        "{err}"
    );
    let (status, err) = call(
        &app,
        Method::POST,
        "/chatwire/v1/accounts",
        t,
        Some(json!({"id": 7})),
    )
    .await;
    assert_eq!(
        (status, field(&err)),
        (400, (&json!("invalid_field"), &json!("id"))),
        "{err}"
    );

    // Paged two at a time: every account once, by id.
    let mut ids = Vec::new();
    let mut q = "?limit=2".to_owned();
    loop {
        let (status, page) = call(
            &app,
            Method::GET,
            &format!("/chatwire/v1/accounts{q}"),
            t,
            None,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        ids.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|a| a["id"].as_str().expect("id").to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => q = format!("?limit=2&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(ids, ["1000", "acme", "beta", "gamma"]);
    let (status, err) = call(&app, Method::GET, "/chatwire/v1/accounts?limit=0", t, None).await;
    assert_eq!((status, &err["error"]["field"]), (400, &json!("limit")));

    let (status, acc) = call(
        &app,
        Method::PATCH,
        "/chatwire/v1/accounts/acme",
        t,
        Some(json!({"name": "ACME Inc."})),
    )
    .await;
    assert_eq!((status, &acc["name"]), (200, &json!("ACME Inc.")), "{acc}");
    let (status, acc) = call(&app, Method::GET, "/chatwire/v1/accounts/acme", t, None).await;
    assert_eq!((status, &acc["name"]), (200, &json!("ACME Inc.")));
    let (status, err) = call(
        &app,
        Method::PATCH,
        "/chatwire/v1/accounts/acme",
        t,
        Some(json!({"nmae": "x"})),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("nmae"),
        "{err}"
    );
    let (status, _) = call(&app, Method::GET, "/chatwire/v1/accounts/nosuch", t, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn account_tokens_and_login_bearers_stay_in_their_account_and_revoked_tokens_stop() {
    let app = spawn_app().await;
    let by = app.engine.local_operator();
    app.engine
        .create_account_as(&by, "other", "")
        .await
        .expect("account");
    let acc = chatwire_engine::core::AccountId::parse("1000").expect("id");
    let made = app
        .engine
        .create_admin_token_as(&by, Some(&acc), "shop")
        .await
        .expect("token");
    let t = Some(made.token.as_str());

    let (status, _) = call(
        &app,
        Method::GET,
        "/chatwire/v1/accounts/1000/skills",
        t,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        Method::GET,
        "/chatwire/v1/accounts/other/skills",
        t,
        None,
    )
    .await;
    assert_eq!(status, 404, "another account does not exist for it");
    let (status, err) = call(&app, Method::GET, "/chatwire/v1/accounts", t, None).await;
    assert_eq!((status, &err["error"]["code"]), (403, &json!("forbidden")));
    let admin = app.lp_agent("agent1").await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/chatwire/v1/accounts",
        Some(&admin.bearer),
        Some(json!({"id": "x"})),
    )
    .await;
    assert_eq!(status, 403, "a login bearer is no server admin");
    let (status, _) = call(
        &app,
        Method::GET,
        "/chatwire/v1/accounts",
        Some("cwadm_nope"),
        None,
    )
    .await;
    assert_eq!(status, 401);

    app.engine
        .revoke_admin_token_as(&by, &made.record.id)
        .await
        .expect("revoke");
    let (status, err) = call(
        &app,
        Method::GET,
        "/chatwire/v1/accounts/1000/skills",
        t,
        None,
    )
    .await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (401, &json!("unauthorized"))
    );
    let listed = app.engine.admin_tokens_as(&by).await.expect("list");
    assert!(listed.iter().all(|x| x.id != made.record.id));
}

#[tokio::test]
async fn one_skill_is_read_renamed_and_deleted() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let b = Some(admin.bearer.as_str());
    let base = "/chatwire/v1/accounts/1000/skills";
    let (_, made) = call(
        &app,
        Method::POST,
        base,
        b,
        Some(json!({"name": "Returns"})),
    )
    .await;
    let id = made["id"].as_i64().expect("id");
    let one = format!("{base}/{id}");

    let (status, s) = call(&app, Method::GET, &one, b, None).await;
    assert_eq!((status, &s["name"]), (200, &json!("Returns")));
    let (status, s) = call(
        &app,
        Method::PATCH,
        &one,
        b,
        Some(json!({"name": "Refunds", "welcomeMessage": "Hello"})),
    )
    .await;
    assert_eq!(
        (status, &s["name"], &s["welcomeMessage"]),
        (200, &json!("Refunds"), &json!("Hello")),
        "{s}"
    );
    let (status, err) = call(&app, Method::PATCH, &one, b, Some(json!({"name": "sales"}))).await;
    assert_eq!(status, 409, "{err}");
    let (status, err) = call(&app, Method::PATCH, &one, b, Some(json!({"name": "  "}))).await;
    assert_eq!(
        (status, field(&err)),
        (400, (&json!("invalid_field"), &json!("name"))),
        "{err}"
    );
    let (status, _) = call(&app, Method::DELETE, &one, b, None).await;
    assert_eq!(status, 204);
    let (status, _) = call(&app, Method::GET, &one, b, None).await;
    assert_eq!(status, 404);
    let (status, _) = call(&app, Method::GET, &format!("{base}/abc"), b, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn app_keys_carry_checked_origins_and_a_revoked_key_is_refused_at_once() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let b = Some(admin.bearer.as_str());
    let base = "/chatwire/v1/accounts/1000/appKeys";

    let (status, k) = call(&app, Method::POST, base, b, Some(json!({"name": "shop", "allowedOrigins": ["https://Shop.Example.com", "http://localhost:8080"]}))).await;
    assert_eq!(status, 201, "{k}");
    assert_eq!(
        k["allowedOrigins"],
        json!(["https://shop.example.com", "http://localhost:8080"])
    );
    assert_eq!(k["canReadFeed"], false);
    let key = k["key"].as_str().expect("key").to_owned();
    assert_eq!(key.len(), 32);
    for bad in [
        json!(["https://shop.example.com/path"]),
        json!(["shop.example.com"]),
        json!(["ftp://x.example"]),
    ] {
        let (status, err) = call(
            &app,
            Method::POST,
            base,
            b,
            Some(json!({"allowedOrigins": bad})),
        )
        .await;
        assert_eq!(
            (status, field(&err)),
            (400, (&json!("invalid_field"), &json!("allowedOrigins"))),
            "{err}"
        );
    }
    let (status, err) = call(&app, Method::POST, base, b, Some(json!({"key": "short"}))).await;
    assert_eq!(
        (status, field(&err)),
        (400, (&json!("invalid_field"), &json!("key"))),
        "{err}"
    );
    let (status, _) = call(&app, Method::POST, base, b, Some(json!({"key": key}))).await;
    assert_eq!(status, 409);

    // Listed with the demo's two keys, in key order, one page at a time.
    let (_, page) = call(&app, Method::GET, &format!("{base}?limit=2"), b, None).await;
    assert_eq!(page["items"].as_array().expect("items").len(), 2);
    let next = page["next"].as_str().expect("more").to_owned();
    let (_, rest) = call(
        &app,
        Method::GET,
        &format!("{base}?limit=2&cursor={next}"),
        b,
        None,
    )
    .await;
    assert_eq!(rest["items"].as_array().expect("items").len(), 1);
    assert!(rest["next"].is_null());

    let one = format!("{base}/{key}");
    let (status, k) = call(
        &app,
        Method::PATCH,
        &one,
        b,
        Some(json!({"canReadFeed": true, "allowedOrigins": []})),
    )
    .await;
    assert_eq!(
        (status, &k["canReadFeed"], &k["allowedOrigins"]),
        (200, &json!(true), &json!([])),
        "{k}"
    );
    let (status, k) = call(&app, Method::GET, &one, b, None).await;
    assert_eq!((status, &k["name"]), (200, &json!("shop")));
    let acc = chatwire_engine::core::AccountId::parse("1000").expect("id");
    assert_eq!(
        app.engine
            .allowed_origins(&acc, &key)
            .await
            .expect("origins"),
        Vec::<String>::new()
    );

    // In use by a visitor, then revoked: the next request is refused.
    let visitor = |key: String| {
        let app = &app;
        async move {
            app.client
                .get(format!(
                    "{}/api/account/1000/chat/availability",
                    app.address
                ))
                .header("Authorization", format!("LivePerson appKey={key}"))
                .header("Accept", "application/json")
                .send()
                .await
                .expect("visitor")
                .status()
                .as_u16()
        }
    };
    assert_eq!(visitor(key.clone()).await, 200);
    let (status, _) = call(&app, Method::DELETE, &one, b, None).await;
    assert_eq!(status, 204);
    assert_eq!(visitor(key.clone()).await, 401);
    let (status, _) = call(&app, Method::GET, &one, b, None).await;
    assert_eq!(status, 404);
    let (status, _) = call(&app, Method::DELETE, &one, b, None).await;
    assert_eq!(status, 404);
}
