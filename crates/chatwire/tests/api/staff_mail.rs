//! Staff notifications over HTTP: an admin sets the account's and a skill's staff address
//! (`notifyEmail` on `PATCH …/accounts/{account}` and `…/skills/{id}`, shown in reads, a bad
//! address a 400 that changes nothing), and an offline message lands in the local mailbox as a
//! notice to the skill's address naming the id the offline list shows.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::ACCOUNT;

const BASE: &str = "/chatwire/v1/accounts/1000";

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    bearer: &str,
    body: Option<Value>,
) -> (u16, Value) {
    crate::own_api::call(app, method, &format!("{BASE}{path}"), Some(bearer), body).await
}

/// The id of the demo's Sales skill.
async fn sales(app: &TestApp, bearer: &str) -> i64 {
    let (_, skills) = call(app, reqwest::Method::GET, "/skills", bearer, None).await;
    skills["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["name"] == "Sales")
        .and_then(|s| s["id"].as_i64())
        .expect("Sales")
}

#[tokio::test]
async fn staff_addresses_are_set_shown_and_checked() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let patch = reqwest::Method::PATCH;
    let get = reqwest::Method::GET;

    let (status, account) = call(&app, get.clone(), "", &admin.bearer, None).await;
    assert_eq!((status, &account["notifyEmail"]), (200, &Value::Null));
    let body = json!({"notifyEmail": "desk@example.com"});
    let (status, account) = call(&app, patch.clone(), "", &admin.bearer, Some(body)).await;
    assert_eq!(status, 200, "{account}");
    assert_eq!(account["notifyEmail"], "desk@example.com");

    // A bad address is refused with its field named, and nothing else in the body is applied.
    for bad in [
        "not an address",
        "a@b.com\r\nBcc: x@example.com",
        "two@@example.com",
    ] {
        let body = json!({"name": "Renamed", "notifyEmail": bad});
        let (status, err) = call(&app, patch.clone(), "", &admin.bearer, Some(body)).await;
        assert_eq!(status, 400, "{bad:?}: {err}");
        assert_eq!(err["error"]["field"], "notifyEmail", "{err}");
    }
    let (_, account) = call(&app, get.clone(), "", &admin.bearer, None).await;
    assert_ne!(account["name"], "Renamed");
    assert_eq!(account["notifyEmail"], "desk@example.com");

    let id = sales(&app, &admin.bearer).await;
    let path = format!("/skills/{id}");
    let body = json!({"notifyEmail": "sales@example.com"});
    let (status, skill) = call(&app, patch.clone(), &path, &admin.bearer, Some(body)).await;
    assert_eq!(
        (status, &skill["notifyEmail"]),
        (200, &json!("sales@example.com"))
    );
    let (_, skill) = call(&app, get.clone(), &path, &admin.bearer, None).await;
    assert_eq!(skill["notifyEmail"], "sales@example.com");

    // null clears; a plain agent may not set it.
    let body = json!({"notifyEmail": null});
    let (status, skill) = call(&app, patch.clone(), &path, &admin.bearer, Some(body)).await;
    assert_eq!((status, &skill["notifyEmail"]), (200, &Value::Null));
    let plain = app.lp_agent("agent2").await;
    let body = json!({"notifyEmail": "x@example.com"});
    let (status, _) = call(&app, patch, "", &plain.bearer, Some(body)).await;
    assert_eq!(status, 403);
    app.stop().await;
}

#[tokio::test]
async fn an_offline_message_is_mailed_to_its_skill_in_the_local_mailbox() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await;
    let id = sales(&app, &admin.bearer).await;
    let body = json!({"notifyEmail": "sales@example.com"});
    let (status, _) = call(
        &app,
        reqwest::Method::PATCH,
        &format!("/skills/{id}"),
        &admin.bearer,
        Some(body),
    )
    .await;
    assert_eq!(status, 200);

    let (_, offline) = app
        .visitor(
            reqwest::Method::GET,
            &format!("{ACCOUNT}/chat/offlineSurvey.json"),
            None,
        )
        .await;
    let survey = offline["survey"]["id"].as_i64().expect("id");
    let answer = json!({"survey":{"id":survey,"question":[{"id":1,"answer":"Natalie"},{"id":2,"answer":"nat@example.com"},{"id":3,"answer":"Call me back"}],"skill":"Sales"}});
    let (status, _) = app
        .visitor(
            reqwest::Method::PUT,
            &format!("{ACCOUNT}/chat/offlineSurvey"),
            Some(answer),
        )
        .await;
    assert_eq!(status, 200);
    let (_, list) = call(
        &app,
        reqwest::Method::GET,
        "/offline-messages",
        &admin.bearer,
        None,
    )
    .await;
    let message = list["items"][0]["id"].as_i64().expect("message id");

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mail = loop {
        let (status, page) =
            call(&app, reqwest::Method::GET, "/mailbox", &admin.bearer, None).await;
        assert_eq!(status, 200, "{page}");
        if let Some(m) = page["mail"].as_array().and_then(|m| m.first()) {
            break m.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "not filed: {page}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(mail["to"], "sales@example.com");
    assert_eq!(mail["chatId"], Value::Null);
    assert_eq!(mail["subject"], "New offline message (Sales)");
    let text = mail["text"].as_str().expect("text");
    for want in [
        "Natalie",
        "nat@example.com",
        "Call me back",
        "Skill: Sales",
        &format!("Offline message id: {message}"),
    ] {
        assert!(text.contains(want), "{want:?} missing from {text}");
    }
    app.stop().await;
}
