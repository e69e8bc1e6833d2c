//! The agent survey, participant info and visit resources end to end.

use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::lp::{ACCOUNT, key_of};

#[tokio::test]
async fn agent_survey_participant_info_and_visit_resources_come_from_the_chat() {
    let app = spawn_app().await;
    let agent = app.lp_agent("agent1").await;
    let request = json!({"request":{"skill":"Sales","participantId":"55fc1779-aaaa","email":"ann@example.com",
        "userAgent":"Mozilla/5.0","customVariables":{"customVariable":[{"name":"tier","value":"gold"}]}}});
    let resp = app
        .client
        .post(format!(
            "{}{ACCOUNT}/chat/request?appKey=demo-app-key",
            app.address
        ))
        .json(&request)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 201);
    let (_, location, _) = app
        .lp_post(
            &agent,
            &format!("{}/incomingRequests", agent.session),
            json!({}),
        )
        .await;
    let chat = location.expect("accepted");

    // The agent survey: structure, a valid submission, refusals.
    let (status, survey) = app.lp_get(&agent, &format!("{chat}/survey")).await;
    assert_eq!(status, 200, "{survey}");
    let id = survey["survey"]["id"].as_i64().expect("survey id");
    assert_eq!(
        survey["survey"]["questions"]["question"][0]["type"],
        "Radio Button"
    );
    let submit = |body: Value| {
        let (app, chat, bearer) = (&app, chat.clone(), agent.bearer.clone());
        async move {
            app.client
                .post(format!("{chat}/survey"))
                .bearer_auth(bearer)
                .header("X-HTTP-Method-Override", "PUT")
                .json(&body)
                .send()
                .await
                .expect("put")
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        submit(json!({"survey":{"id":id,"question":[{"id":1,"answer":"no"}]}})).await,
        400,
        "'no' reveals a mandatory question"
    );
    assert_eq!(submit(json!({"survey":{"id":id,"question":[{"id":1,"answer":"no"},{"id":2,"answer":"needs a callback"},{"id":3,"answer":["billing","other"]}]}})).await, 200);
    assert_eq!(
        submit(json!({"survey":{"id":id,"question":{"id":"1","answer":"maybe"}}})).await,
        400
    );
    let stored = app
        .engine
        .survey_responses(
            &chatwire_engine::core::AccountId::parse("1000").expect("id"),
            None,
        )
        .await
        .expect("responses");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].answers[2].answers, vec!["billing", "other"]);

    // Participant info: a participant id sent without a verified token is not authenticated
    // and shows nothing the request claimed; unknown participants are 404.
    let (status, p) = app
        .lp_get(
            &agent,
            &format!("{}/participantExtendedInfo/55fc1779-aaaa", agent.session),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        p["authenticatedParticipantInfo"]["participantId"],
        "55fc1779-aaaa"
    );
    assert_eq!(
        p["authenticatedParticipantInfo"]["isUserAuthenticated"],
        false
    );
    assert!(p.get("authenticatedPersonalInfo").is_none());
    assert_eq!(
        app.lp_get(
            &agent,
            &format!("{}/participantExtendedInfo/nobody", agent.session)
        )
        .await
        .0,
        404
    );

    // Visit resources, addressed by the H…K… visit id.
    let key = key_of(&chat);
    let visit = format!("{}K{}", &key[..20], key.rsplit('K').next().expect("tail"));
    let (status, v) = app
        .lp_get(&agent, &format!("{}/visits/visit/{visit}", agent.session))
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["visitId"]["link"][1]["@rel"], "custom-variables");
    let (_, info) = app
        .lp_get(
            &agent,
            &format!("{}/visits/visit/{visit}/info", agent.session),
        )
        .await;
    assert_eq!(info["visitInfo"]["isInCurrentChat"], true);
    let user_agent = info["visitInfo"]["sessionInfo"]["info"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["@name"] == "userAgent")
        .cloned()
        .expect("ua");
    assert_eq!(user_agent["$"], "Mozilla/5.0");
    let (_, vars) = app
        .lp_get(
            &agent,
            &format!("{}/visits/visit/{visit}/customVariables", agent.session),
        )
        .await;
    assert_eq!(vars["customVariables"]["customVariable"]["value"], "gold");
    assert_eq!(
        app.lp_get(&agent, &format!("{}/visits/visit/H1K2", agent.session))
            .await
            .0,
        404
    );

    // Another agent can neither read nor submit this chat's survey.
    let other = app.lp_agent("agent2").await;
    let foreign = format!("{}/chat/{key}/survey", other.session);
    assert_eq!(app.lp_get(&other, &foreign).await.0, 403);
    app.stop().await;
}
