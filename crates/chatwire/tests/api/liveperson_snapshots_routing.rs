//! Wire snapshots, in JSON and in XML, of three LivePerson behaviours around who takes a chat:
//! a chat request naming an agent (that agent rings first, the skill after the wait); an
//! account-to-account transfer (`transferAccount`, the visitor's `a2a-transfer` event, the new
//! chat request in the other account with the `a2a…` ids); and a supervisor's collaboration
//! channel (listen, then write, then leave), with the events each side sees.

use std::time::Duration;

use chatwire_engine::core::{AccountId, Availability, NewAppKey};
use chatwire_engine::{NewAgentInput, NewSkillInput};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_configured};
use crate::liveperson_snapshots::{Q, agent_in};
use crate::lp::{Agent, key_of};
use crate::wire_snap::{Fmt, Req, Wire};

/// Account 1000 may send chats to account 2000 ("Billing", one Online agent, app key
/// `key-2000`); a named agent rings alone for one second.
async fn routing_app() -> TestApp {
    let app = spawn_configured(|s| {
        s.engine.agent_first_wait_secs = 1;
        s.engine.account_transfers = vec![chatwire::settings::AccountTransferSettings {
            from: "1000".into(),
            to: "2000".into(),
        }];
    })
    .await;
    let e = &app.engine;
    let other = AccountId::parse("2000").expect("account");
    e.create_account("2000", "partner").await.expect("account");
    e.create_skill(
        &other,
        NewSkillInput {
            name: "Billing".into(),
            description: "Billing questions".into(),
            welcome_message: String::new(),
        },
    )
    .await
    .expect("skill");
    let billing = e
        .create_agent(
            &other,
            NewAgentInput {
                login_name: "b1".into(),
                password: "partner-pass".into(),
                nickname: "Bea".into(),
                display_name: "Bea Billing".into(),
                email: "b1@example.com".into(),
                max_chats: 2,
                skills: vec!["Billing".into()],
                is_admin: false,
            },
        )
        .await
        .expect("agent");
    e.set_availability(&other, billing.id, Availability::Online)
        .await
        .expect("online");
    e.create_app_key(&NewAppKey {
        key: "key-2000".into(),
        account: other,
        name: "partner site".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    })
    .await
    .expect("key");
    app
}

/// A chat request to `account` with these `request` fields, in the run's format.
fn chat_request(w: &Wire<'_>, account: &str, key: &str, fields: &Value) -> Req {
    let xml: String = fields
        .as_object()
        .expect("fields")
        .iter()
        .map(|(k, v)| {
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            format!("<{k}>{v}</{k}>")
        })
        .collect();
    let req = Req::post(format!("/api/account/{account}/chat/request?{Q}"))
        .accept(w.fmt)
        .header("authorization", format!("LivePerson appKey={key}"));
    w.body(
        req,
        &json!({ "request": fields }),
        &format!("<request>{xml}</request>"),
    )
}

/// Opens a Sales chat and has `agent` accept it; returns the agent-side chat URL and the
/// visitor-side one.
async fn accepted(w: &Wire<'_>, agent: &Agent, name: &str) -> (String, String) {
    let ex = w
        .call(chat_request(
            w,
            "1000",
            "demo-app-key",
            &json!({"skill": "Sales"}),
        ))
        .await;
    assert_eq!(ex.status, 201, "{}", ex.body);
    let visitor = ex.location();
    w.learn_chat(key_of(&visitor), name);
    let (status, chat, _) = w
        .app
        .lp_post(
            agent,
            &format!("{}/incomingRequests", agent.session),
            json!({}),
        )
        .await;
    assert_eq!(status, 201);
    (chat.expect("Location"), visitor)
}

async fn named_agent(fmt: Fmt) {
    // Arrange: agent1 (Sales, Support) is named; agent2 (Sales) is the skill's colleague.
    let app = routing_app().await;
    let w = Wire::new(&app, fmt);
    let named = agent_in(&w, "agent1").await;
    let colleague = agent_in(&w, "agent2").await;
    let rings =
        |a: &Agent| Req::get(w.at(&format!("{}/incomingRequests", a.session), Q)).bearer(&a.bearer);

    // Act: the visitor names agent1.
    let ex = w
        .call(chat_request(
            &w,
            "1000",
            "demo-app-key",
            &json!({"agent": "agent1"}),
        ))
        .await;
    assert_eq!(ex.status, 201, "{}", ex.body);

    // Assert: agent1 rings, agent2 does not, until the wait is over; then agent2 rings too.
    w.check("named_agent_rings_first", rings(&named), 200).await;
    w.check("named_agent_colleague_waits", rings(&colleague), 200)
        .await;
    let mut fallback = None;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let ex = w.call(rings(&colleague)).await;
        let count = match fmt {
            Fmt::Json => ex.json()["incomingRequests"]["ringingCount"].to_string(),
            Fmt::Xml => ex.field("ringingCount"),
        };
        if count.trim_matches('"') == "1" {
            fallback = Some(ex);
            break;
        }
    }
    let ex = fallback.expect("the skill rings after the wait");
    w.snap("named_agent_colleague_rings_after_the_wait", &ex);
    w.check(
        "error_404_named_agent_unknown",
        chat_request(&w, "1000", "demo-app-key", &json!({"agent": "nobody"})),
        404,
    )
    .await;
    w.check(
        "error_400_named_agent_with_skill",
        chat_request(
            &w,
            "1000",
            "demo-app-key",
            &json!({"agent": "agent1", "skill": "Sales"}),
        ),
        400,
    )
    .await;
    app.stop().await;
}

async fn account_transfer(fmt: Fmt) {
    // Arrange: agent2 handles a Sales chat.
    let app = routing_app().await;
    let w = Wire::new(&app, fmt);
    let agent = agent_in(&w, "agent2").await;
    let (chat, visitor) = accepted(&w, &agent, "A").await;
    let url = format!("{chat}/transferAccount");
    let post =
        |body: Value, xml: &str| w.body(Req::post(w.at(&url, Q)).bearer(&agent.bearer), &body, xml);

    // Act + Assert: the targets, refusals, then the transfer.
    w.check(
        "transfer_account_targets",
        Req::get(w.at(&url, Q)).bearer(&agent.bearer),
        200,
    )
    .await;
    w.check(
        "error_400_transfer_account_not_a_partner",
        post(
            json!({"transferAccount": {"account": {"id": "3000"}, "skill": {"name": "Billing"}}}),
            "<transferAccount><account><id>3000</id></account><skill><name>Billing</name></skill></transferAccount>",
        ),
        400,
    )
    .await;
    w.check(
        "error_400_transfer_account_no_skill",
        post(
            json!({"transferAccount": {"account": {"id": "2000"}}}),
            "<transferAccount><account><id>2000</id></account></transferAccount>",
        ),
        400,
    )
    .await;
    w.check(
        "transfer_account",
        post(
            json!({"transferAccount": {"account": {"id": "2000"}, "skill": {"name": "Billing"}, "text": "wants a refund"}}),
            "<transferAccount><account><id>2000</id></account><skill><name>Billing</name></skill><text>wants a refund</text></transferAccount>",
        ),
        200,
    )
    .await;
    let events = Req::get(w.at(&format!("{visitor}/events"), "from=4&v=1&NC=true"))
        .header("authorization", "LivePerson appKey=demo-app-key");
    let ex = w.check("visitor_events_a2a_transfer", events, 200).await;

    // The visitor's new chat request in account 2000, with the event's parameters as they are.
    let params = match fmt {
        Fmt::Json => {
            let evs = ex.json()["events"]["event"].clone();
            let a2a = evs
                .as_array()
                .expect("events")
                .iter()
                .find(|e| e["@type"] == "a2a-transfer")
                .expect("a2a event")
                .clone();
            a2a["chatRequestParameters"].clone()
        }
        Fmt::Xml => json!({
            "a2aEventId": ex.field("a2aEventId"),
            "a2aSourceSessionId": ex.field("a2aSourceSessionId"),
            "a2aSourceSiteId": ex.field("a2aSourceSiteId"),
            "skill": ex.field("skill"),
        }),
    };
    let ex = w.call(chat_request(&w, "2000", "key-2000", &params)).await;
    assert_eq!(ex.status, 201, "{}", ex.body);
    w.learn_chat(key_of(&ex.location()), "B");
    let partner = partner_agent(&w).await;
    let (status, chat_b, _) = w
        .app
        .lp_post(
            &partner,
            &format!("{}/incomingRequests", partner.session),
            json!({}),
        )
        .await;
    assert_eq!(status, 201, "the partner's agent takes the new chat");
    // The receiving agent sees where the chat comes from, with the note.
    w.check(
        "a2a_receiving_agent_events",
        Req::get(w.at(&format!("{}/events", chat_b.expect("Location")), Q)).bearer(&partner.bearer),
        200,
    )
    .await;
    let mut forged = params.clone();
    forged["a2aEventId"] = json!(1);
    w.check(
        "error_400_a2a_ids_name_no_transfer",
        chat_request(&w, "2000", "key-2000", &forged),
        400,
    )
    .await;
    app.stop().await;
}

/// b1 of account 2000, logged in with an agent session (learned as `[ASID_b1]`).
async fn partner_agent(w: &Wire<'_>) -> Agent {
    let login = w
        .app
        .client
        .post(format!("{}/api/account/2000/login?v=1.3", w.app.address))
        .json(&json!({"username": "b1", "password": "partner-pass"}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200);
    let login: Value = login.json().await.expect("login json");
    let bearer = login["bearer"].as_str().expect("bearer").to_owned();
    let session = w
        .app
        .client
        .post(format!(
            "{}/api/account/2000/agentSession?{Q}",
            w.app.address
        ))
        .bearer_auth(&bearer)
        .json(&json!({"loginData": {}}))
        .send()
        .await
        .expect("agent session");
    assert_eq!(session.status(), 201);
    let session = session
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    w.learn(&bearer, "[BEARER_b1]");
    w.learn_session(&session, "b1");
    Agent {
        bearer,
        csrf: String::new(),
        cookie: String::new(),
        session,
    }
}

async fn collaboration(fmt: Fmt) {
    // Arrange: agent2 handles a chat; agent1 is an admin (a supervisor), agent3 is not.
    let app = routing_app().await;
    let w = Wire::new(&app, fmt);
    let handler = agent_in(&w, "agent2").await;
    let supervisor = agent_in(&w, "agent1").await;
    let colleague = agent_in(&w, "agent3").await;
    let (chat, visitor) = accepted(&w, &handler, "A").await;
    let key = key_of(&chat).to_owned();
    let at = |a: &Agent, path: &str| format!("{}/chat/{key}{path}", a.session);
    let join = |a: &Agent, mode: &str| {
        let req = Req::post(w.at(&at(a, "/collaborationChannels"), Q)).bearer(&a.bearer);
        w.body(
            req,
            &json!({"collaborationChannel": {"mode": mode}}),
            &format!("<collaborationChannel><mode>{mode}</mode></collaborationChannel>"),
        )
    };
    let line = |a: &Agent, text: &str| {
        let req = Req::post(w.at(&at(a, "/events"), Q)).bearer(&a.bearer);
        w.body(
            req,
            &json!({"event": {"@type": "line", "text": text}}),
            &format!("<event type=\"line\"><text>{text}</text></event>"),
        )
    };

    // Act + Assert
    w.check(
        "collaboration_join_listen",
        join(&supervisor, "listen"),
        201,
    )
    .await;
    w.check(
        "collaboration_channels",
        Req::get(w.at(&at(&handler, "/collaborationChannels"), Q)).bearer(&handler.bearer),
        200,
    )
    .await;
    w.check(
        "error_403_collaboration_listener_writes",
        line(&supervisor, "psst"),
        403,
    )
    .await;
    w.check("collaboration_join_write", join(&supervisor, "write"), 201)
        .await;
    w.check(
        "collaboration_supervisor_line",
        line(&supervisor, "I can help with that."),
        201,
    )
    .await;
    w.check(
        "error_403_collaboration_not_a_supervisor",
        join(&colleague, "listen"),
        403,
    )
    .await;
    w.check(
        "error_400_collaboration_bad_mode",
        join(&supervisor, "shout"),
        400,
    )
    .await;
    let leave = Req::post(w.at(
        &format!(
            "{}/{}",
            at(&supervisor, "/collaborationChannels"),
            supervisor_id(&app).await
        ),
        Q,
    ))
    .bearer(&supervisor.bearer)
    .header("x-http-method-override", "DELETE");
    w.check("collaboration_leave", leave, 200).await;
    w.check(
        "collaboration_handler_events",
        Req::get(w.at(&at(&handler, "/events"), "from=4&v=1&NC=true")).bearer(&handler.bearer),
        200,
    )
    .await;
    let events = Req::get(w.at(&format!("{visitor}/events"), "from=4&v=1&NC=true"))
        .header("authorization", "LivePerson appKey=demo-app-key");
    w.check("collaboration_visitor_events", events, 200).await;
    app.stop().await;
}

/// agent1's id (the supervisor's channel id).
async fn supervisor_id(app: &TestApp) -> i64 {
    let account = AccountId::parse("1000").expect("account");
    app.engine
        .agent_by_login(&account, "agent1")
        .await
        .expect("agent1")
        .id
        .0
}

#[tokio::test]
async fn a_named_agent_rings_first_then_the_skill_json() {
    named_agent(Fmt::Json).await;
}

#[tokio::test]
async fn a_named_agent_rings_first_then_the_skill_xml() {
    named_agent(Fmt::Xml).await;
}

#[tokio::test]
async fn account_transfer_matches_the_json_snapshots() {
    account_transfer(Fmt::Json).await;
}

#[tokio::test]
async fn account_transfer_matches_the_xml_snapshots() {
    account_transfer(Fmt::Xml).await;
}

#[tokio::test]
async fn collaboration_channels_match_the_json_snapshots() {
    collaboration(Fmt::Json).await;
}

#[tokio::test]
async fn collaboration_channels_match_the_xml_snapshots() {
    collaboration(Fmt::Xml).await;
}
