//! chatwire's own API conventions over HTTP (`/chatwire/v1`): admin-only routes, the JSON
//! error envelope with the field at fault, cursor pagination, the OpenAPI document and its
//! reference page. Uses the skills routes as the example.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

pub(crate) async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app.client.request(method, format!("{}{path}", app.address));
    if let Some(b) = bearer {
        req = req.bearer_auth(b);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

const SKILLS: &str = "/chatwire/v1/accounts/1000/skills";

#[tokio::test]
async fn an_admin_creates_and_pages_skills_and_mistakes_name_their_field() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let post = reqwest::Method::POST;

    // Create two skills; a third with a taken name is a conflict.
    for name in ["Billing", "Returns"] {
        let (status, skill) = call(
            &app,
            post.clone(),
            SKILLS,
            Some(&admin.bearer),
            Some(json!({"name": name, "welcomeMessage": "Hi"})),
        )
        .await;
        assert_eq!(status, 201, "{skill}");
        assert_eq!(skill["name"], name);
        assert_eq!(skill["welcomeMessage"], "Hi");
    }
    let (status, err) = call(
        &app,
        post.clone(),
        SKILLS,
        Some(&admin.bearer),
        Some(json!({"name": "billing"})),
    )
    .await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["error"]["code"], "conflict");

    // A wrong member type names the field; an unknown member too.
    let (status, err) = call(
        &app,
        post.clone(),
        SKILLS,
        Some(&admin.bearer),
        Some(json!({"name": 5})),
    )
    .await;
    assert_eq!(
        (status, &err["error"]["code"], &err["error"]["field"]),
        (400, &json!("invalid_field"), &json!("name")),
        "{err}"
    );
    assert_eq!(err["error"]["status"], 400);
    let (status, err) = call(
        &app,
        post.clone(),
        SKILLS,
        Some(&admin.bearer),
        Some(json!({"name": "X", "colour": "red"})),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(
        err["error"]["message"].as_str().unwrap().contains("colour"),
        "{err}"
    );
    // Not JSON at all.
    let resp = app
        .client
        .post(format!("{}{SKILLS}", app.address))
        .bearer_auth(&admin.bearer)
        .body("name=X")
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 400);
    let err: Value = resp.json().await.expect("json error");
    assert_eq!(err["error"]["code"], "bad_request");

    // Page through every skill two at a time: each once, in id order.
    let mut names = Vec::new();
    let mut query = "?limit=2".to_owned();
    loop {
        let (status, page) = call(
            &app,
            reqwest::Method::GET,
            &format!("{SKILLS}{query}"),
            Some(&admin.bearer),
            None,
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        names.extend(items.iter().map(|s| s["name"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(next) => query = format!("?limit=2&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(names, ["Sales", "Support", "Billing", "Returns"]);

    // Bad paging parameters name theirs.
    for (q, field) in [
        ("?limit=0", "limit"),
        ("?limit=x", "limit"),
        ("?cursor=!!", "cursor"),
    ] {
        let (status, err) = call(
            &app,
            reqwest::Method::GET,
            &format!("{SKILLS}{q}"),
            Some(&admin.bearer),
            None,
        )
        .await;
        assert_eq!(
            (status, &err["error"]["field"]),
            (400, &json!(field)),
            "{q}: {err}"
        );
    }
}

#[tokio::test]
async fn non_admins_and_strangers_are_refused_before_the_body_is_read() {
    let app = spawn_app().await;
    let agent = app.lp_agent("agent2").await; // not an admin
    let (status, err) = call(
        &app,
        reqwest::Method::POST,
        SKILLS,
        Some(&agent.bearer),
        Some(json!({"name": 5})),
    )
    .await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (403, &json!("forbidden")),
        "{err}"
    );
    let (status, err) = call(&app, reqwest::Method::POST, SKILLS, None, Some(json!({}))).await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (401, &json!("unauthorized")),
        "{err}"
    );
    let (status, _) = call(
        &app,
        reqwest::Method::GET,
        SKILLS,
        Some("not-a-bearer"),
        None,
    )
    .await;
    assert_eq!(status, 401);
    // An admin of account 1000 is not an admin of another account.
    let admin = app.lp_agent("agent1").await;
    let (status, _) = call(
        &app,
        reqwest::Method::GET,
        "/chatwire/v1/accounts/2000/skills",
        Some(&admin.bearer),
        None,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_openapi_document_and_reference_page_are_served() {
    let app = spawn_app().await;
    let (status, doc) = call(
        &app,
        reqwest::Method::GET,
        "/chatwire/v1/openapi.json",
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["paths"]["/chatwire/v1/accounts/{account}/skills"]["post"].is_object());
    let resp = app
        .client
        .get(format!("{}/chatwire/v1/docs", app.address))
        .send()
        .await
        .expect("docs");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = resp.text().await.expect("html");
    assert!(html.contains("/chatwire/v1/accounts/{account}/feed"));
    assert!(html.contains("id=\"schema-ErrorBody\""));
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_the_own_envelope() {
    let app = spawn_app().await;
    let (status, err) = call(&app, reqwest::Method::GET, "/chatwire/v1/nope", None, None).await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (404, &json!("not_found")),
        "{err}"
    );
    let (status, err) = call(
        &app,
        reqwest::Method::DELETE,
        "/chatwire/v1/openapi.json",
        None,
        None,
    )
    .await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (405, &json!("method_not_allowed")),
        "{err}"
    );
    let big = "x".repeat(200_000);
    let resp = app
        .client
        .post(format!("{}{SKILLS}", app.address))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 413);
    let err: Value = resp.json().await.expect("json");
    assert_eq!(err["error"]["code"], "payload_too_large", "{err}");
}
