//! The whole LivePerson agent flow in one test: two agents, a visitor, ring and accept, lines
//! both ways, the multi-chat retrieve with per-chat cursors, a transfer to a skill the other
//! agent holds, accept and history on the other side, end and logout. Each step asserts its
//! status and exactly the new events.

use chatwire_engine::LineInput;
use chatwire_engine::core::{AccountId, ChatKey};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, visitor_post};
use crate::lp::{ACCOUNT, Agent, key_of};

/// `event` as a list, whatever its JSON form (absent, one object, array).
fn event_list(events: &Value) -> Vec<Value> {
    match events.get("event") {
        None => vec![],
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
    }
}

/// One line per event: `id type detail`, where detail is the state, or
/// `source[#systemMessageId][ ONLY_TO_REP]: text`. Reads `@id`/`@type` and plain `id`/`type`.
fn brief(e: &Value) -> String {
    let id = e
        .get("@id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| e.get("id").and_then(Value::as_i64).map(|i| i.to_string()))
        .expect("event id");
    let typ = e
        .get("@type")
        .or_else(|| e.get("type"))
        .and_then(Value::as_str)
        .expect("event type");
    if typ == "state" {
        return format!("{id} state {}", e["state"].as_str().expect("state"));
    }
    let mut who = e["source"].as_str().expect("source").to_owned();
    if let Some(n) = e.get("systemMessageId") {
        who.push_str(&format!(
            "#{}",
            n.as_i64().expect("numeric systemMessageId")
        ));
    }
    if e["subType"] == "ONLY_TO_REP" {
        who.push_str(" ONLY_TO_REP");
    }
    format!("{id} {typ} {who}: {}", e["text"].as_str().expect("text"))
}

fn briefs(events: &Value) -> Vec<String> {
    event_list(events).iter().map(brief).collect()
}

async fn ringing(app: &TestApp, agent: &Agent) -> String {
    let (status, v) = app
        .lp_get(
            agent,
            &format!("{}/incomingRequests.json?v=1&NC=true", agent.session),
        )
        .await;
    assert_eq!(status, 200);
    v["incomingRequests"]["ringingCount"]
        .as_str()
        .expect("ringingCount is a string")
        .to_owned()
}

async fn accept(app: &TestApp, agent: &Agent) -> String {
    let (status, location, body) = app
        .lp_post(
            agent,
            &format!("{}/incomingRequests?v=1&NC=true", agent.session),
            json!({}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let location = location.expect("Location");
    assert_eq!(body["chatLocation"]["link"]["@href"], json!(location));
    location
}

async fn say(app: &TestApp, agent: &Agent, chat: &str, text: &str) -> String {
    let (status, location, _) = app
        .lp_post(
            agent,
            &format!("{chat}/events.json?v=1&NC=true"),
            json!({"event": {"@type": "line", "text": text, "textType": "plain"}}),
        )
        .await;
    assert_eq!(status, 201);
    location.expect("Location")
}

async fn visitor_says(app: &TestApp, chat: &str, text: &str) {
    visitor_post(
        &app.engine,
        &AccountId::parse("1000").expect("account"),
        &ChatKey::parse(key_of(chat)).expect("key"),
        LineInput::plain(text),
    )
    .await;
}

/// The multi-chat retrieve; returns each chat's events (as briefs) and its next cursor.
async fn retrieve(
    app: &TestApp,
    agent: &Agent,
    keys: &[&str],
    from: &[u32],
) -> Vec<(Vec<String>, u32)> {
    let from: Vec<String> = from.iter().map(u32::to_string).collect();
    let url = format!(
        "{}/chat.json?chatSessionKeys={}&fromEventIds={}&v=1&NC=true",
        agent.session,
        keys.join(","),
        from.join(",")
    );
    let (status, v) = app.lp_get(agent, &url).await;
    assert_eq!(status, 200, "{v}");
    let chats = v["chats"]["chat"].as_array().expect("chats.chat list");
    assert_eq!(chats.len(), keys.len());
    chats
        .iter()
        .zip(keys)
        .map(|(chat, key)| {
            assert_eq!(chat["info"]["chatSessionKey"], json!(key));
            let next = chat["link"][3]["href"].as_str().expect("next link");
            assert_eq!(chat["link"][3]["rel"], "next");
            let cursor = next
                .rsplit_once("?from=")
                .and_then(|(_, n)| n.parse().ok())
                .expect("?from=N");
            (briefs(&chat["events"]), cursor)
        })
        .collect()
}

const GREETING: &str =
    "Thank you for choosing to chat with us.  An agent will be with you shortly.";

#[tokio::test]
async fn two_agents_carry_a_chat_from_request_through_transfer_to_logout() {
    // Arrange: two agents log in, open agent sessions and go Online (each step asserted in
    // `lp_agent`); nothing rings yet.
    let app = spawn_app().await;
    let a1 = app.lp_agent("agent1").await;
    let a2 = app.lp_agent("agent2").await;
    for agent in [&a1, &a2] {
        let (status, v) = app
            .lp_get(agent, &format!("{}/availability.json", agent.session))
            .await;
        assert_eq!(
            (status, &v["availability"]["chat"]),
            (200, &json!("Online"))
        );
        assert_eq!(ringing(&app, agent).await, "0");
    }

    // A visitor asks for Sales: it rings for both Sales agents; agent1 takes it.
    let visitor_a = app.lp_request_chat("Sales").await;
    let key_a = key_of(&visitor_a).to_owned();
    assert_eq!(ringing(&app, &a1).await, "1");
    assert_eq!(ringing(&app, &a2).await, "1");
    let chat_a = accept(&app, &a1).await;
    assert_eq!(chat_a, format!("{}/chat/{key_a}", a1.session));
    assert_eq!(ringing(&app, &a2).await, "0", "taken chats stop ringing");
    let (status, v) = app.lp_get(&a1, &format!("{chat_a}.json?v=1&NC=true")).await;
    assert_eq!(status, 200);
    assert_eq!(
        briefs(&v["chat"]["events"]),
        [
            "0 state waiting".to_owned(),
            format!("1 line system#4: {GREETING}"),
            "2 line system#0: order #42".to_owned(),
            "3 state chatting".to_owned(),
            "4 line system#3: You are now chatting with Agent 1.".to_owned(),
        ]
    );

    // A Support chat only agent1 can take.
    let visitor_b = app.lp_request_chat("Support").await;
    let key_b = key_of(&visitor_b).to_owned();
    assert_eq!(ringing(&app, &a2).await, "0", "agent2 has no Support skill");
    assert_eq!(ringing(&app, &a1).await, "1");
    let chat_b = accept(&app, &a1).await;
    assert!(chat_b.ends_with(&key_b));

    // Lines both ways in both chats.
    let loc = say(&app, &a1, &chat_a, "Hello from Agent 1").await;
    assert_eq!(loc, format!("{chat_a}/events/5"));
    visitor_says(&app, &chat_a, "I want to upgrade").await;
    visitor_says(&app, &chat_b, "Where is my invoice?").await;
    say(&app, &a1, &chat_b, "Let me check.").await;

    // Multi-chat retrieve from each chat's own cursor: exactly the new events, then nothing.
    let keys = [key_a.as_str(), key_b.as_str()];
    let page = retrieve(&app, &a1, &keys, &[5, 5]).await;
    assert_eq!(
        page,
        [
            (
                vec![
                    "5 line agent: Hello from Agent 1".to_owned(),
                    "6 line visitor: I want to upgrade".to_owned()
                ],
                7
            ),
            (
                vec![
                    "5 line visitor: Where is my invoice?".to_owned(),
                    "6 line agent: Let me check.".to_owned()
                ],
                7
            ),
        ]
    );
    let again = retrieve(&app, &a1, &keys, &[page[0].1, page[1].1]).await;
    assert_eq!(
        again,
        [(vec![], 7), (vec![], 7)],
        "nothing new, cursors unchanged"
    );

    // Transfer A to Sales with a note: agent1 (who transferred it) does not ring, agent2 does.
    let sales = app
        .engine
        .skill_by_name_or_id(&AccountId::parse("1000").expect("account"), "Sales")
        .await
        .expect("Sales")
        .id
        .0;
    let (status, _, body) = app
        .lp_post(
            &a1,
            &format!("{chat_a}/transfer.json?v=1&NC=true"),
            json!({"transfer": {"skill": {"id": sales}, "text": "wants the gold plan"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ringing(&app, &a1).await, "0");
    assert_eq!(ringing(&app, &a2).await, "1");
    let page = retrieve(&app, &a1, &keys, &[7, 7]).await;
    assert_eq!(
        page,
        [
            (
                vec![
                    "7 line system ONLY_TO_REP: Transferred to Sales: wants the gold plan"
                        .to_owned(),
                    "8 state waiting".to_owned(),
                    "9 line system#15: Please hold while the chat is transferred to Sales."
                        .to_owned(),
                ],
                10
            ),
            (vec![], 7),
        ]
    );

    // agent2 accepts and reads the whole history under its own session.
    let chat_a2 = accept(&app, &a2).await;
    assert_eq!(chat_a2, format!("{}/chat/{key_a}", a2.session));
    assert_eq!(ringing(&app, &a2).await, "0");
    let (status, v) = app
        .lp_get(&a2, &format!("{chat_a2}.json?v=1&NC=true"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        briefs(&v["chat"]["events"]),
        [
            "0 state waiting".to_owned(),
            format!("1 line system#4: {GREETING}"),
            "2 line system#0: order #42".to_owned(),
            "3 state chatting".to_owned(),
            "4 line system#3: You are now chatting with Agent 1.".to_owned(),
            "5 line agent: Hello from Agent 1".to_owned(),
            "6 line visitor: I want to upgrade".to_owned(),
            "7 line system ONLY_TO_REP: Transferred to Sales: wants the gold plan".to_owned(),
            "8 state waiting".to_owned(),
            "9 line system#15: Please hold while the chat is transferred to Sales.".to_owned(),
            "10 state chatting".to_owned(),
            "11 line system#3: You are now chatting with Agent 2.".to_owned(),
        ]
    );
    assert_eq!(v["chat"]["info"]["agentName"], "Agent 2");

    // agent2 answers and ends; agent1's cursor sees exactly that.
    say(&app, &a2, &chat_a2, "Gold it is.").await;
    let (status, location, body) = app
        .lp_post(
            &a2,
            &format!("{chat_a2}/events.json?v=1&NC=true"),
            json!({"event": {"@type": "state", "state": "ended"}}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(location.as_deref(), Some(&*format!("{chat_a2}/events/13")));
    assert_eq!(body["chatLocation"]["link"]["@rel"], "location");
    let page = retrieve(&app, &a1, &keys, &[10, 7]).await;
    assert_eq!(
        page,
        [
            (
                vec![
                    "10 state chatting".to_owned(),
                    "11 line system#3: You are now chatting with Agent 2.".to_owned(),
                    "12 line agent: Gold it is.".to_owned(),
                    "13 line system#5: Agent 2 has ended the chat.".to_owned(),
                    "14 state ended".to_owned(),
                ],
                15
            ),
            (vec![], 7),
        ]
    );

    // Logout: 200, then the bearer is refused (401) while the other agent's still works.
    let out = app
        .lp_with_cookie(
            &format!("{ACCOUNT}/logout"),
            Some(&a1.cookie),
            json!({"csrf": a1.csrf}),
        )
        .await;
    assert_eq!(out.status(), 200);
    let (status, v) = app
        .lp_get(&a1, &format!("{}/availability.json", a1.session))
        .await;
    assert_eq!((status, &v["error"]["internalCode"]), (401, &json!(11)));
    let (status, _) = app
        .lp_get(&a2, &format!("{}/availability.json", a2.session))
        .await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_multi_chat_query_sent_again_is_answered_like_a_fresh_one() {
    // The same query string again is not parsed again (it is known from the session's last
    // answer); it must still see news, use its own cursors and wait as asked.
    let app = spawn_app().await;
    let a1 = app.lp_agent("agent1").await;
    let visitor_a = app.lp_request_chat("Sales").await;
    let chat_a = accept(&app, &a1).await;
    let visitor_b = app.lp_request_chat("Support").await;
    accept(&app, &a1).await;
    let keys = [key_of(&visitor_a), key_of(&visitor_b)];

    let first = retrieve(&app, &a1, &keys, &[5, 5]).await;
    assert_eq!(first, [(vec![], 5), (vec![], 5)], "nothing after 5 yet");
    assert_eq!(retrieve(&app, &a1, &keys, &[5, 5]).await, first, "again");

    say(&app, &a1, &chat_a, "news").await;
    let news = retrieve(&app, &a1, &keys, &[5, 5]).await;
    assert_eq!(
        news,
        [(vec!["5 line agent: news".to_owned()], 6), (vec![], 5)],
        "the same query sees the new line"
    );
    assert_eq!(
        retrieve(&app, &a1, &keys, &[6, 5]).await,
        [(vec![], 6), (vec![], 5)]
    );
    assert_eq!(
        retrieve(&app, &a1, &keys, &[5, 5]).await,
        news,
        "the older cursor again"
    );

    // A waiting query sent again waits again: the first times out with nothing new (its
    // answer is kept with the query), the second is known and must wake for a line.
    let url = format!(
        "{}/chat.json?chatSessionKeys={}&fromEventIds=6,5&wait=1",
        a1.session,
        keys.join(",")
    );
    let (status, v) = app.lp_get(&a1, &url).await;
    assert_eq!(status, 200, "{v}");
    assert!(briefs(&v["chats"]["chat"][1]["events"]).is_empty(), "{v}");
    let poll = app.lp_get(&a1, &url);
    let line = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        visitor_says(&app, &visitor_b, "while waiting").await;
    };
    let ((status, v), ()) = tokio::join!(poll, line);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        briefs(&v["chats"]["chat"][1]["events"]),
        ["5 line visitor: while waiting".to_owned()]
    );
}
