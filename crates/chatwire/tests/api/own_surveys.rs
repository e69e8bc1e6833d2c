//! Surveys through chatwire's admin API and the command line: definitions checked (the field
//! at fault named), one active survey per kind and skill, a skill's own survey served to
//! LivePerson visitors of that skill, retiring and deleting.

use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::http::ACCOUNT;
use crate::helpers::{TestApp, spawn_app};

const SURVEYS: &str = "/chatwire/v1/accounts/1000/surveys";

async fn admin_call(
    app: &TestApp,
    bearer: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    crate::own_api::call(app, method, path, Some(bearer), body).await
}

fn billing_pre_chat(skill: i64) -> Value {
    json!({
        "kind": "preChat",
        "name": "Sales pre-chat",
        "title": "Before we talk sales",
        "skillId": skill,
        "questions": [
            {"id": 1, "type": "textField", "label": "Company", "mandatory": true},
            {"id": 2, "type": "radio", "label": "Size", "entries": [
                {"value": "small"}, {"value": "large", "showLogicIds": [9]}]},
            {"id": 3, "logicId": 9, "type": "textField", "validation": "numeric", "label": "Seats"}
        ]
    })
}

#[tokio::test]
async fn an_admin_defines_a_skill_survey_that_visitors_of_the_skill_get() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await.bearer;
    let sales = app
        .engine
        .skill_by_name_or_id(
            &chatwire_engine::core::AccountId::parse("1000").unwrap(),
            "Sales",
        )
        .await
        .expect("Sales")
        .id
        .0;

    // Broken definitions name the field at fault.
    let mut broken = billing_pre_chat(sales);
    broken["questions"][1]["entries"][1]["showLogicIds"] = json!([42]);
    let (status, err) = admin_call(&app, &admin, Method::POST, SURVEYS, Some(broken)).await;
    assert_eq!(
        (status, &err["error"]["field"]),
        (400, &json!("questions.entries.showLogicIds")),
        "{err}"
    );
    let mut broken = billing_pre_chat(sales);
    broken["questions"][0]["type"] = json!("slider");
    let (status, err) = admin_call(&app, &admin, Method::POST, SURVEYS, Some(broken)).await;
    assert_eq!(
        (status, &err["error"]["field"]),
        (400, &json!("questions[0].type")),
        "{err}"
    );
    let (status, err) = admin_call(
        &app,
        &admin,
        Method::POST,
        SURVEYS,
        Some(billing_pre_chat(999_999)),
    )
    .await;
    assert_eq!(
        (status, &err["error"]["field"]),
        (400, &json!("skillId")),
        "{err}"
    );

    // A sound one is stored and listed.
    let (status, created) = admin_call(
        &app,
        &admin,
        Method::POST,
        SURVEYS,
        Some(billing_pre_chat(sales)),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(
        created["questions"][1]["entries"][0]["displayValue"],
        "small"
    );
    let (_, page) = admin_call(
        &app,
        &admin,
        Method::GET,
        &format!("{SURVEYS}?limit=500"),
        None,
    )
    .await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == id),
        "{page}"
    );

    // A second active one for the same kind and skill is refused.
    let (status, err) = admin_call(
        &app,
        &admin,
        Method::POST,
        SURVEYS,
        Some(billing_pre_chat(sales)),
    )
    .await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (409, &json!("conflict")),
        "{err}"
    );

    // LivePerson visitors asking for Sales get it; others keep the account's.
    let (status, pre) = app
        .visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/preSurvey.json?skill=Sales"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(pre["survey"]["title"], "Before we talk sales", "{pre}");
    let (_, pre) = app
        .visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/preSurvey.json?skill=Support"),
            None,
        )
        .await;
    assert_eq!(
        pre["survey"]["questions"]["question"][0]["label"], "Your name",
        "{pre}"
    );

    // Retired, the skill falls back to the account's; deleted, it is gone.
    let mut retired = billing_pre_chat(sales);
    retired["active"] = json!(false);
    let (status, stored) = admin_call(
        &app,
        &admin,
        Method::PUT,
        &format!("{SURVEYS}/{id}"),
        Some(retired),
    )
    .await;
    assert_eq!(
        (status, &stored["active"]),
        (200, &json!(false)),
        "{stored}"
    );
    let (_, pre) = app
        .visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/preSurvey.json?skill=Sales"),
            None,
        )
        .await;
    assert_eq!(
        pre["survey"]["questions"]["question"][0]["label"], "Your name",
        "{pre}"
    );
    let (status, _) = admin_call(
        &app,
        &admin,
        Method::DELETE,
        &format!("{SURVEYS}/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, err) =
        admin_call(&app, &admin, Method::GET, &format!("{SURVEYS}/{id}"), None).await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (404, &json!("not_found")),
        "{err}"
    );
    let (status, err) = admin_call(&app, &admin, Method::GET, &format!("{SURVEYS}/x"), None).await;
    assert_eq!(
        (status, &err["error"]["field"]),
        (400, &json!("surveyId")),
        "{err}"
    );
}

#[tokio::test]
async fn an_answered_survey_is_retired_not_deleted() {
    let app = spawn_app().await;
    let admin = app.lp_agent("agent1").await.bearer;
    let (_, offline) = app
        .visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/offlineSurvey.json"),
            None,
        )
        .await;
    let survey = &offline["survey"];
    let id = survey["id"]
        .as_i64()
        .or_else(|| survey["id"].as_str()?.parse().ok())
        .expect("id");
    let questions = survey["questions"]["question"]
        .as_array()
        .expect("questions");
    let answers: Vec<Value> = questions
        .iter()
        .map(|q| {
            let answer = match q["type"].as_str() {
                Some("Text Field" | "Text Area") => match q["validationType"].as_str() {
                    Some("email") => json!("ada@example.com"),
                    Some("numeric") => json!("42"),
                    _ => json!("Ada"),
                },
                _ => q["entry"]
                    .as_array()
                    .and_then(|e| e.first())
                    .map_or(json!("x"), |e| e["value"].clone()),
            };
            json!({"id": q["id"], "answer": answer})
        })
        .collect();
    let (status, body) = app
        .visitor(
            Method::PUT,
            &format!("{ACCOUNT}/chat/offlineSurvey.json"),
            Some(json!({"survey": {"id": id, "question": answers}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, err) = admin_call(
        &app,
        &admin,
        Method::DELETE,
        &format!("{SURVEYS}/{id}"),
        None,
    )
    .await;
    assert_eq!(
        (status, &err["error"]["code"]),
        (409, &json!("conflict")),
        "{err}"
    );
}

fn chatwire(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatwire"));
    cmd.current_dir(dir).args(["--data-dir", "data"]);
    for (k, _) in std::env::vars() {
        if k.starts_with("CHATWIRE") || k.starts_with("RUST_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_manages_surveys_with_the_same_document() {
    let dir = tempfile::tempdir().expect("tmp");
    let c = |args: &[&str]| {
        let mut cmd = chatwire(dir.path());
        cmd.args(args);
        run(&mut cmd)
    };
    assert!(c(&["account", "create", "acme", "--create"]).0);
    assert!(c(&["skill", "create", "--account", "acme", "Billing"]).0);
    let mut doc = billing_pre_chat(1);
    doc.as_object_mut().unwrap().remove("skillId");
    std::fs::write(dir.path().join("s.json"), doc.to_string()).expect("write");

    let (ok, out, err) = c(&["survey", "create", "--account", "acme", "--file", "s.json"]);
    assert!(ok, "{err}");
    let id: String = out
        .trim()
        .trim_start_matches("created survey ")
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    let (ok, out, _) = c(&["survey", "list", "--account", "acme"]);
    assert!(
        ok && out.contains("PreChat")
            && out.contains("Sales pre-chat")
            && out.contains("active=true"),
        "{out}"
    );
    let (ok, out, _) = c(&["survey", "show", "--account", "acme", &id]);
    let shown: Value = serde_json::from_str(&out).expect("json document");
    assert!(
        ok && shown["questions"].as_array().unwrap().len() == 3,
        "{out}"
    );

    // A broken document is refused with the field, and nothing changes.
    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"kind":"exit","name":"x","questions":[{"id":1,"type":"radio","label":"q"}]}"#,
    )
    .expect("write");
    let (ok, _, err) = c(&[
        "survey",
        "update",
        "--account",
        "acme",
        &id,
        "--file",
        "bad.json",
    ]);
    assert!(!ok && err.contains("entries"), "{err}");
    let mut retired = doc.clone();
    retired["active"] = json!(false);
    std::fs::write(dir.path().join("r.json"), retired.to_string()).expect("write");
    assert!(
        c(&[
            "survey",
            "update",
            "--account",
            "acme",
            &id,
            "--file",
            "r.json"
        ])
        .0
    );
    let (_, out, _) = c(&["survey", "list", "--account", "acme"]);
    assert!(out.contains("active=false"), "{out}");
    assert!(c(&["survey", "delete", "--account", "acme", &id]).0);
    let (ok, _, err) = c(&["survey", "show", "--account", "acme", &id]);
    assert!(!ok && err.contains("not found"), "{err}");
}
