//! The LivePerson Server Chat (visitor) API end to end, against the agent API on the other side.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::lp::ACCOUNT;

fn list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        Value::Null => vec![],
        one => vec![one.clone()],
    }
}

impl TestApp {
    /// A visitor call with the demo app key in the `Authorization` header.
    pub(crate) async fn visitor(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.address)
        };
        let mut req = self
            .client
            .request(method, url)
            .header("Authorization", "LivePerson appKey=demo-app-key");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn a_visitor_and_an_agent_chat_each_with_its_own_cursor() {
    use reqwest::Method;
    let app = spawn_app().await;
    let agent = app.lp_agent("agent2").await;

    // The account root, availability, estimate, slots.
    let (status, root) = app
        .visitor(Method::GET, &format!("{ACCOUNT}?v=1"), None)
        .await;
    assert_eq!(status, 200);
    let rels: Vec<&str> = root["account"]["link"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| l["@rel"].as_str().expect("rel"))
        .collect();
    assert!(rels.contains(&"chat-request") && rels.contains(&"chat-estimatedWaitTime"));
    assert_eq!(
        app.visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/availability.json?skill=Sales"),
            None
        )
        .await
        .1,
        json!({"availability": true})
    );
    assert_eq!(
        app.visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/availability.json?skill=Support"),
            None
        )
        .await
        .1,
        json!({"availability": false})
    );
    assert_eq!(
        app.visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/estimatedWaitTime.json?skill=Sales"),
            None
        )
        .await
        .1,
        json!({"estimatedWaitTime": 0})
    );
    assert_eq!(
        app.visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/estimatedWaitTime.json?skill=Support"),
            None
        )
        .await
        .1,
        json!({"estimatedWaitTime": -1})
    );
    assert_eq!(
        app.visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/availableSlots.json?skill=Sales&maxWaitTime=0"),
            None
        )
        .await
        .1,
        json!({"availableSlots": 2})
    );

    // The visitor opens a chat and reads it: fixed link order, no agent fields yet.
    let chat_url = app.lp_request_chat("Sales").await;
    let (status, chat) = app
        .visitor(Method::GET, &format!("{chat_url}.json?v=1"), None)
        .await;
    assert_eq!(status, 200);
    let rels: Vec<&str> = chat["chat"]["link"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| l["@rel"].as_str().expect("rel"))
        .collect();
    assert_eq!(
        rels,
        [
            "self",
            "events",
            "info",
            "next",
            "transcript-request",
            "transcript-with-subject-request",
            "exit-survey",
            "custom-variables"
        ]
    );
    let info = &chat["chat"]["info"];
    assert_eq!(
        (info["state"].as_str(), info["skillName"].as_str()),
        (Some("waiting"), Some("Sales"))
    );
    assert!(info.get("agentName").is_none());
    let visible = list(&chat["chat"]["events"]["event"]);
    assert_eq!(visible.len(), 2, "the pre-chat line is for agents only");
    let visitor_next = chat["chat"]["link"][3]["@href"]
        .as_str()
        .expect("next")
        .to_owned();

    // The agent accepts and writes; the visitor writes; each side reads exactly what is new.
    let (status, location, _) = app
        .lp_post(
            &agent,
            &format!("{}/incomingRequests", agent.session),
            json!({}),
        )
        .await;
    assert_eq!(status, 201);
    let agent_chat = location.expect("location");
    app.lp_post(
        &agent,
        &format!("{agent_chat}/events"),
        json!({"event":{"@type":"line","text":"Hi, I am Agent 2"}}),
    )
    .await;
    app.lp_post(
        &agent,
        &format!("{agent_chat}/events"),
        json!({"event":{"@type":"line","text":"note","subType":"ONLY_TO_REP"}}),
    )
    .await;
    let (status, posted) = app
        .visitor(
            Method::POST,
            &format!("{chat_url}/events.json"),
            Some(json!({"event":{"@type":"line","text":"hi"}})),
        )
        .await;
    assert_eq!(status, 201);
    assert!(
        posted["chatEventLocation"]["link"]["@href"]
            .as_str()
            .is_some_and(|h| h.contains("/events/"))
    );
    let (_, page) = app
        .visitor(Method::GET, &format!("{visitor_next}&v=1"), None)
        .await;
    let texts: Vec<String> = list(&page["chat"]["events"]["event"])
        .iter()
        .filter_map(|e| e["text"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        texts,
        [
            "You are now chatting with Agent 2.",
            "Hi, I am Agent 2",
            "hi"
        ],
        "no agent-only note"
    );
    assert_eq!(page["chat"]["info"]["agentName"], "Agent 2");
    let next = page["chat"]["events"]["link"][1]["@href"]
        .as_str()
        .expect("next")
        .to_owned();
    let (_, empty) = app.visitor(Method::GET, &next, None).await;
    assert!(empty["events"].get("event").is_none());

    // Name and typing; the agent sees them.
    let (status, name) = app
        .visitor(
            Method::PUT,
            &format!("{chat_url}/info/visitorName"),
            Some(json!({"visitorName":"Natalie"})),
        )
        .await;
    assert_eq!((status, name), (200, json!({"visitorName":"Natalie"})));
    let (status, _) = app
        .visitor(
            Method::PUT,
            &format!("{chat_url}/info/visitorTyping"),
            Some(json!({"visitorTyping":"typing"})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, agent_info) = app.lp_get(&agent, &format!("{agent_chat}/info")).await;
    assert_eq!(
        (
            agent_info["info"]["visitorName"].as_str(),
            agent_info["info"]["visitorTyping"].as_str()
        ),
        (Some("Natalie"), Some("typing"))
    );
    let (_, standalone) = app
        .visitor(Method::GET, &format!("{chat_url}/info"), None)
        .await;
    assert_eq!(
        standalone["info"]["link"][1]["rel"], "visitor-name",
        "plain keys on the standalone info"
    );
    assert_eq!(
        app.visitor(Method::GET, &format!("{chat_url}/info/agentTyping"), None)
            .await
            .1,
        json!({"agentTyping":"not-typing"})
    );

    // Custom variables reach the agent's visit resource.
    let (status, _) = app
        .visitor(
            Method::PUT,
            &format!("{chat_url}/customVariables"),
            Some(json!({"customVariables":{"customVariable":[{"name":"cart","value":"42.50"}]}})),
        )
        .await;
    assert_eq!(status, 200);

    // The visitor ends; the exit survey is validated and stored.
    let (status, _) = app
        .visitor(
            Method::POST,
            &format!("{chat_url}/events"),
            Some(json!({"event":{"@type":"state","state":"ended"}})),
        )
        .await;
    assert_eq!(status, 201);
    let (_, survey) = app
        .visitor(Method::GET, &format!("{chat_url}/exitSurvey"), None)
        .await;
    let id = survey["survey"]["id"].as_i64().expect("id");
    let (status, _) = app
        .visitor(
            Method::PUT,
            &format!("{chat_url}/exitSurvey"),
            Some(json!({"survey":{"id":id,"question":{"id":"1","answer":"yes"}}})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, err) = app
        .visitor(
            Method::PUT,
            &format!("{chat_url}/exitSurvey"),
            Some(json!({"survey":{"id":id,"question":{"id":"1","answer":"perhaps"}}})),
        )
        .await;
    assert_eq!(
        (status, err["error"]["internalCode"].as_i64()),
        (400, Some(20))
    );
    let (status, _) = app
        .visitor(
            Method::POST,
            &format!("{chat_url}/events"),
            Some(json!({"event":{"@type":"line","text":"hello?"}})),
        )
        .await;
    assert_eq!(status, 409, "ended chats take no more lines");
    app.stop().await;
}

#[tokio::test]
async fn a_chat_is_only_reachable_with_the_app_key_that_opened_it() {
    use reqwest::Method;
    let app = spawn_app().await;
    let chat_url = app.lp_request_chat("Sales").await;
    // No key at all, an unknown key, and the query-parameter form.
    let none = app.client.get(&chat_url).send().await.expect("get");
    assert_eq!(none.status(), 401);
    let wrong = app
        .client
        .get(format!("{chat_url}?appKey=nope-nope-nope"))
        .send()
        .await
        .expect("get");
    assert_eq!(wrong.status(), 401);
    let by_query = app
        .client
        .get(format!("{chat_url}.json?appKey=demo-app-key"))
        .send()
        .await
        .expect("get");
    assert_eq!(by_query.status(), 200);
    // Another valid key of the same account is not this chat's visitor.
    let other = chatwire_engine::core::NewAppKey {
        key: "second-site-key".into(),
        account: chatwire_engine::core::AccountId::parse("1000").expect("id"),
        name: "second site".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    app.engine.create_app_key(&other).await.expect("key");
    let foreign = app
        .client
        .get(&chat_url)
        .header("Authorization", "LivePerson appKey=second-site-key")
        .send()
        .await
        .expect("get");
    assert_eq!(foreign.status(), 403);
    let (status, _) = app.visitor(Method::GET, &chat_url, None).await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn offline_and_pre_chat_surveys_and_xml_on_the_visitor_side() {
    use reqwest::Method;
    let app = spawn_app().await;
    let (status, pre) = app
        .visitor(Method::GET, &format!("{ACCOUNT}/chat/preSurvey.json"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        pre["survey"]["questions"]["question"][0]["label"],
        "Your name"
    );
    let (_, offline) = app
        .visitor(
            Method::GET,
            &format!("{ACCOUNT}/chat/offlineSurvey.json"),
            None,
        )
        .await;
    let id = offline["survey"]["id"].as_i64().expect("id");
    let answer = json!({"survey":{"id":id,"question":[{"id":1,"answer":"Natalie"},{"id":2,"answer":"nat@example.com"},{"id":3,"answer":"Call me back"}],"skill":"Sales","LETagVisitorId":"abc"}});
    let (status, _) = app
        .visitor(
            Method::PUT,
            &format!("{ACCOUNT}/chat/offlineSurvey"),
            Some(answer),
        )
        .await;
    assert_eq!(status, 200);
    let stored = app
        .engine
        .survey_responses(
            &chatwire_engine::core::AccountId::parse("1000").expect("id"),
            None,
        )
        .await
        .expect("responses");
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0]
            .context
            .contains(&("skill".into(), "Sales".into()))
    );
    let bad = json!({"survey":{"id":id,"question":[{"id":2,"answer":"not-an-email"}]}});
    assert_eq!(
        app.visitor(
            Method::PUT,
            &format!("{ACCOUNT}/chat/offlineSurvey"),
            Some(bad)
        )
        .await
        .0,
        400
    );

    // XML: request and response.
    let resp = app
        .client
        .post(format!("{}{ACCOUNT}/chat/request.xml", app.address))
        .header("Authorization", "LivePerson appKey=demo-app-key")
        .header("Content-Type", "application/xml")
        .body("<request><skill>Sales</skill><maxWaitTime>150</maxWaitTime></request>")
        .send()
        .await
        .expect("xml request");
    assert_eq!(resp.status(), 201);
    let chat_url = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    let xml = app
        .client
        .get(format!("{chat_url}.xml"))
        .header("Authorization", "LivePerson appKey=demo-app-key")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(
        xml.contains("<link href=\"")
            && xml.contains("rel=\"transcript-request\"/>")
            && xml.contains("<skillName>Sales</skillName>"),
        "{xml}"
    );
    app.stop().await;
}
