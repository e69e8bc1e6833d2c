//! Wire snapshots of opening hours in a topic's time zone, in JSON and XML, on both dialects:
//! SuperOffice saves `TzLocation` (an IANA zone) and answers `IsOpen` by it, an unknown zone
//! is a 400; LivePerson visitors of a skill outside its hours see it unavailable (availability
//! false, no free slots, estimated wait -1) although its agent is Online, and are offered the
//! offline survey. (The DST-crossing checks run on a hand-moved clock in
//! `chatwire-api/tests/opening_hours.rs` and in core.)

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::liveperson_snapshots::agent_in;
use crate::lp::ACCOUNT;
use crate::superoffice_snapshots::AGENT1;
use crate::superoffice_snapshots_rest::{NONE, rest};
use crate::wire_snap::{Fmt, Req, Wire};

/// `OpeningHours` in Oslo with every day closed, so the answer does not depend on the clock.
fn closed_in_oslo(zone: Value) -> Value {
    let mut hours = Map::new();
    hours.insert("TzLocation".into(), zone);
    for day in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
        hours.insert(format!("{day}Enabled"), json!(false));
    }
    json!({"OpeningHoursEnabled": true, "OpeningHours": hours})
}

async fn hours(fmt: Fmt) {
    // Arrange: Sales closed all week in Europe/Oslo; agent1 (Sales) Online in LivePerson.
    let app = crate::helpers::spawn_app().await;
    let so = Wire::superoffice(&app, fmt);
    let oslo = json!({"TZLocationCode": "Europe/Oslo", "Name": "Oslo"});

    // Act / Assert: SuperOffice.
    rest(
        &so,
        "topic_hours_oslo",
        AGENT1,
        (Method::PUT, "ChatTopic/1"),
        ("ChatTopicEntity", closed_in_oslo(oslo)),
        200,
    )
    .await;
    rest(
        &so,
        "topic_is_open_outside_hours",
        AGENT1,
        (Method::GET, "ChatTopic/1/IsOpen"),
        NONE,
        200,
    )
    .await;
    rest(
        &so,
        "error_400_time_zone",
        AGENT1,
        (Method::PUT, "ChatTopic/1"),
        (
            "ChatTopicEntity",
            closed_in_oslo(json!({"TZLocationCode": "NO"})),
        ),
        400,
    )
    .await;

    // LivePerson: Online agent, closed skill.
    let lp = Wire::new(&app, fmt);
    agent_in(&lp, "agent1").await;
    let get = |path: &str| {
        Req::get(lp.at(&format!("{ACCOUNT}{path}"), "skill=Sales&v=1"))
            .header("authorization", "LivePerson appKey=demo-app-key")
    };
    let ex = lp
        .check(
            "visitor_availability_outside_hours",
            get("/chat/availability"),
            200,
        )
        .await;
    assert!(ex.body.contains("false"), "{}", ex.body);
    lp.check(
        "visitor_available_slots_outside_hours",
        get("/chat/availableSlots"),
        200,
    )
    .await;
    lp.check(
        "visitor_estimated_wait_time_outside_hours",
        get("/chat/estimatedWaitTime"),
        200,
    )
    .await;
    lp.check(
        "visitor_offline_survey_outside_hours",
        get("/chat/offlineSurvey"),
        200,
    )
    .await;
}

#[tokio::test]
async fn opening_hours_json() {
    hours(Fmt::Json).await;
}

#[tokio::test]
async fn opening_hours_xml() {
    hours(Fmt::Xml).await;
}
