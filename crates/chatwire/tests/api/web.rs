//! The browser side over HTTP: the embedded files (`/widget.js`, `/ui/…`, `/console/`,
//! `/demo/`) with their types, caching and page policy, and the CORS rules: the visitor API
//! answers only origins its app key allows, preflight included; everything else refuses other
//! origins; same-origin calls and calls without `Origin` are untouched.

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};
use crate::own_api::call;

const SHOP: &str = "https://shop.example.com";

/// An app key of account 1000 that allows `origins`, made through the admin API.
async fn key_for(app: &TestApp, origins: &[&str]) -> String {
    let admin = app.lp_agent("agent1").await;
    let (status, body) = call(
        app,
        Method::POST,
        "/chatwire/v1/accounts/1000/appKeys",
        Some(&admin.bearer),
        Some(json!({"name": "shop", "allowedOrigins": origins})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["key"].as_str().expect("key").to_owned()
}

fn get(app: &TestApp, path: &str) -> reqwest::RequestBuilder {
    app.client.get(format!("{}{path}", app.address))
}

fn preflight(app: &TestApp, path: &str, origin: &str) -> reqwest::RequestBuilder {
    app.client
        .request(Method::OPTIONS, format!("{}{path}", app.address))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type",
        )
}

fn allow_origin(resp: &reqwest::Response) -> Option<&str> {
    resp.headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn every_embedded_file_is_served_with_its_type_and_revalidated_by_etag() {
    let app = spawn_app().await;
    let paths = chatwire_api::web::embedded_paths();
    assert!(paths.iter().any(|p| p == "widget.js"), "{paths:?}");
    for path in &paths {
        let url = match path.as_str() {
            "console/index.html" => "/console/".to_owned(),
            "demo/index.html" => "/demo/".to_owned(),
            p => format!("/{p}"),
        };
        let resp = get(&app, &url).send().await.expect("get");
        assert_eq!(resp.status(), StatusCode::OK, "{url}");
        let ctype = resp.headers()[header::CONTENT_TYPE].to_str().expect("type");
        let want = match path.rsplit('.').next() {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("html") => "text/html; charset=utf-8",
            _ => ctype,
        };
        assert_eq!(ctype, want, "{url}");
        let etag = resp.headers()[header::ETAG].clone();
        let again = get(&app, &url)
            .header(header::IF_NONE_MATCH, etag)
            .send()
            .await
            .expect("get");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{url}");
    }
}

#[tokio::test]
async fn pages_carry_their_policy_and_unknown_files_are_404_in_chatwires_format() {
    let app = spawn_app().await;
    let console = get(&app, "/console/").send().await.expect("console");
    let csp = console.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        console
            .text()
            .await
            .expect("body")
            .contains("/ui/console/main.js")
    );

    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}/console", app.address))
        .send()
        .await
        .expect("console");
    assert_eq!(redirect.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(redirect.headers()[header::LOCATION], "/console/");

    // (A literal `/ui/../x` never arrives: clients resolve dot segments before sending.)
    for bad in ["/ui/nothing.js", "/ui/lib/%2e%2e/dom.js", "/ui/.hidden"] {
        let resp = get(&app, bad).send().await.expect("get");
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{bad}");
        let body: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(body["error"]["code"], "not_found", "{bad}: {body}");
    }
}

#[tokio::test]
async fn the_widget_files_are_readable_from_any_origin() {
    let app = spawn_app().await;
    let resp = get(&app, "/widget.js")
        .header(header::ORIGIN, "https://anywhere.example")
        .send()
        .await
        .expect("widget");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(allow_origin(&resp), Some("*"));
}

#[tokio::test]
async fn the_visitor_api_answers_an_allowed_origin_preflight_included() {
    let app = spawn_app().await;
    let key = key_for(&app, &[SHOP]).await;

    // Preflight naming the key in its URL, and one naming none (any key of the account).
    for path in [
        format!("/api/account/1000/chat/request?appKey={key}"),
        "/api/account/1000/chat/request".to_owned(),
    ] {
        let resp = preflight(&app, &path, SHOP)
            .send()
            .await
            .expect("preflight");
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{path}");
        assert_eq!(allow_origin(&resp), Some(SHOP));
        let allowed = resp.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS]
            .to_str()
            .expect("headers")
            .to_ascii_lowercase();
        assert!(allowed.contains("authorization") && allowed.contains("content-type"));
        assert!(resp.headers().contains_key(header::ACCESS_CONTROL_MAX_AGE));
    }

    // The request itself: answered with the origin, `Location` readable by the page.
    let resp = app
        .client
        .post(format!("{}/api/account/1000/chat/request", app.address))
        .header(header::ORIGIN, SHOP)
        .header(header::AUTHORIZATION, format!("LivePerson appKey={key}"))
        .header(header::ACCEPT, "application/json")
        .json(&json!({"request": {"skill": "Sales"}}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(allow_origin(&resp), Some(SHOP));
    assert!(
        resp.headers()[header::VARY]
            .to_str()
            .expect("vary")
            .contains("Origin")
    );
    let exposed = resp.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .expect("expose");
    assert!(exposed.contains("Location"), "{exposed}");
}

#[tokio::test]
async fn other_origins_and_other_keys_are_refused_in_the_callers_format() {
    let app = spawn_app().await;
    let key = key_for(&app, &[SHOP]).await;

    // An origin the key does not list: preflight and request refused.
    let path = format!("/api/account/1000/chat/availability?appKey={key}");
    let resp = preflight(&app, &path, "https://evil.example")
        .send()
        .await
        .expect("preflight");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(allow_origin(&resp), None);
    let resp = get(&app, &path)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = resp.json().await.expect("LivePerson error");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("allowedOrigins"))
    );

    // The demo key lists no origin: a shop page may not use it.
    let resp = get(
        &app,
        "/api/account/1000/chat/availability?appKey=demo-app-key",
    )
    .header(header::ORIGIN, SHOP)
    .send()
    .await
    .expect("get");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // `null` (a file, a sandboxed frame) is never an allowed origin.
    let resp = get(&app, &path)
        .header(header::ORIGIN, "null")
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // Agent API, login and chatwire's own API: refused from any other origin.
    let login = app
        .client
        .post(format!("{}/api/account/1000/login", app.address))
        .header(header::ORIGIN, SHOP)
        .json(&json!({"username": "agent1", "password": "demo-pass"}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::FORBIDDEN);
    let own = get(&app, "/chatwire/v1/accounts/1000/skills")
        .header(header::ORIGIN, SHOP)
        .send()
        .await
        .expect("own");
    assert_eq!(own.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = own.json().await.expect("json");
    assert_eq!(body["error"]["code"], "forbidden", "{body}");
    let so = app
        .client
        .post(format!("{}/api/v1/Agents/Chat/GetChatTopics", app.address))
        .header(header::ORIGIN, SHOP)
        .send()
        .await
        .expect("superoffice");
    assert_eq!(so.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn removing_an_origin_refuses_the_next_request_and_same_origin_calls_pass() {
    let app = spawn_app().await;
    let key = key_for(&app, &[SHOP]).await;
    let path = format!("/api/account/1000/chat/availability?appKey={key}");
    let ok = get(&app, &path)
        .header(header::ORIGIN, SHOP)
        .send()
        .await
        .expect("get");
    assert_eq!(ok.status(), StatusCode::OK);

    let admin = app.lp_agent("agent1").await;
    let (status, body) = call(
        &app,
        Method::PATCH,
        &format!("/chatwire/v1/accounts/1000/appKeys/{key}"),
        Some(&admin.bearer),
        Some(json!({"allowedOrigins": []})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let refused = get(&app, &path)
        .header(header::ORIGIN, SHOP)
        .send()
        .await
        .expect("get");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // The console is served by chatwire: its own origin logs in (browsers send `Origin` on a
    // same-origin POST too).
    let login = app
        .client
        .post(format!("{}/api/account/1000/login", app.address))
        .header(header::ORIGIN, &app.address)
        .json(&json!({"username": "agent1", "password": "demo-pass"}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(allow_origin(&login), None);

    // Behind a proxy that ends TLS the page is https while the server sees http: the same
    // host is still the console's own.
    let tls_page = app.address.replacen("http://", "https://", 1);
    let login = app
        .client
        .post(format!("{}/api/account/1000/login", app.address))
        .header(header::ORIGIN, tls_page)
        .json(&json!({"username": "agent1", "password": "demo-pass"}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::OK);
}
