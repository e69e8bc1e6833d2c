//! Wire snapshots of issue 14's SuperOffice behaviours, in JSON and XML (helpers in
//! `superoffice_snapshots`): an offer to an agent who is not present is accepted or rejected by
//! that agent; every message type an agent adds (and how LivePerson's visitor reads them);
//! customer lines relayed into a session an agent opened; every writable field of a saved
//! session; who may delete a session; topic widget, bot, alert and ticket settings as saved.

use serde_json::{Value, json};

use crate::superoffice_snapshots::{AGENT1, AGENT2, call, field};
use crate::wire_snap::{Exchange, Fmt, Req, Wire};

/// `Authorization` of agent3 (Support, not an admin).
const AGENT3: &str = "Basic YWdlbnQzOmRlbW8tcGFzcw==";

async fn id_of(w: &Wire<'_>, name: &str, auth: &str, method: &str, body: Value) -> i64 {
    let ex: Exchange = call(w, name, auth, method, body, 200).await;
    field(&ex, "ChatSessionId").parse().expect("id")
}

fn message(id: i64, m: &Value) -> Value {
    json!({"ChatSessionId": id, "Message": m})
}

async fn offers_and_messages(fmt: Fmt) {
    // Arrange: two visitor chats in Sales, both picked up by agent2; agent1 is not present.
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let first = app.lp_request_chat("Sales").await;
    let second = app.lp_request_chat("Sales").await;
    w.learn(first.rsplit('/').next().expect("key"), "[CHAT_1]");
    w.learn(second.rsplit('/').next().expect("key"), "[CHAT_2]");
    let present = |on: bool| json!({"ChatPresence": [{"UserId": 0, "Present": on}]});
    call(
        &w,
        "offer_agent2_present",
        AGENT2,
        "SaveChatPresence",
        present(true),
        204,
    )
    .await;
    call(
        &w,
        "offer_agent1_absent",
        AGENT1,
        "SaveChatPresence",
        present(false),
        204,
    )
    .await;
    for id in [1, 2] {
        let pick = json!({"ChatSessionId": id});
        call(
            &w,
            &format!("offer_pick_up_{id}"),
            AGENT2,
            "PickUpChatSession",
            pick,
            200,
        )
        .await;
    }

    // Act / Assert: offers to the absent agent1, taken and declined.
    let to = |id: i64| json!({"ChatSessionId": id, "ToAssociate": "agent1"});
    call(
        &w,
        "offer_absent_transfer",
        AGENT2,
        "TransferChatSession",
        to(1),
        200,
    )
    .await;
    let one = json!({"ChatSessionId": 1});
    call(
        &w,
        "offer_absent_accept",
        AGENT1,
        "AcceptChatSessionTransfer",
        one,
        200,
    )
    .await;
    call(
        &w,
        "offer_absent_transfer_2",
        AGENT2,
        "TransferChatSession",
        to(2),
        200,
    )
    .await;
    let two = json!({"ChatSessionId": 2});
    call(
        &w,
        "offer_absent_reject",
        AGENT1,
        "RejectChatSessionTransfer",
        two,
        200,
    )
    .await;

    // Every message type agent2 adds to chat 2, a visitor's chat.
    let options = json!({"Type": "Special", "SpecialType": "Options", "Message": "What do you need?",
                         "SpecialParam": r#"["Prices",{"Text":"Support"}]"#});
    call(
        &w,
        "add_options",
        AGENT2,
        "AddChatMessage",
        message(2, &options),
        200,
    )
    .await;
    let bot = json!({"type": "Special", "specialType": "BotMessage", "message": "I am a bot."});
    call(
        &w,
        "add_bot_message",
        AGENT2,
        "AddChatMessage",
        message(2, &bot),
        200,
    )
    .await;
    let clicked = json!({"Type": "3", "SpecialType": "15", "SpecialParam": "Prices"});
    call(
        &w,
        "add_clicked_option",
        AGENT2,
        "AddChatMessage",
        message(2, &clicked),
        200,
    )
    .await;
    let note = json!({"Type": "Special", "SpecialType": "None", "Message": "VIP customer"});
    call(
        &w,
        "add_note",
        AGENT2,
        "AddChatMessage",
        message(2, &note),
        200,
    )
    .await;
    let welcome = json!({"Type": "Special", "SpecialType": "Welcome", "Message": "Welcome back!"});
    call(
        &w,
        "add_welcome",
        AGENT2,
        "AddChatMessage",
        message(2, &welcome),
        200,
    )
    .await;
    let as_visitor = json!({"Type": "ToUser", "Message": "I am the visitor"});
    call(
        &w,
        "add_to_user_visitor_chat",
        AGENT2,
        "AddChatMessage",
        message(2, &as_visitor),
        403,
    )
    .await;
    let invalid = json!({"Type": "Invalid", "Message": "?"});
    call(
        &w,
        "add_invalid_type",
        AGENT2,
        "AddChatMessage",
        message(2, &invalid),
        400,
    )
    .await;
    let bad =
        json!({"Type": "Special", "SpecialType": "Options", "SpecialParam": "Prices, Support"});
    call(
        &w,
        "add_options_not_an_array",
        AGENT2,
        "AddChatMessage",
        message(2, &bad),
        400,
    )
    .await;
    let after0 = json!({"ChatSessionId": 2, "After": 0});
    call(
        &w,
        "messages_of_every_type",
        AGENT2,
        "GetChatMessages",
        after0,
        200,
    )
    .await;
    let events = format!("{second}/events");
    let lp = Req::get(w.at(&events, "v=1&NC=true"))
        .header("authorization", "LivePerson appKey=demo-app-key");
    w.check("lp_visitor_events_of_special_messages", lp, 200)
        .await;
}

async fn sessions_opened_for_customers(fmt: Fmt) {
    // Arrange: agent2 present; a session agent2 opens for a customer and picks up.
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let present = json!({"ChatPresence": [{"UserId": 0, "Present": true}]});
    call(
        &w,
        "opened_agent2_present",
        AGENT2,
        "SaveChatPresence",
        present,
        204,
    )
    .await;
    let topic = json!({"ChatTopicId": 1});
    let id = id_of(
        &w,
        "opened_create",
        AGENT2,
        "CreateChatSessionForTopic",
        topic.clone(),
    )
    .await;
    let pick = json!({"ChatSessionId": id});
    let ex = call(&w, "opened_pick_up", AGENT2, "PickUpChatSession", pick, 200).await;
    w.learn(&field(&ex, "SessionKey"), "[CHAT_1]");

    // Act / Assert: a relayed customer line, every writable field, refusals.
    let line = json!({"Type": "ToUser", "Message": "Hi, via SMS"});
    call(
        &w,
        "add_to_user_relayed",
        AGENT2,
        "AddChatMessage",
        message(id, &line),
        200,
    )
    .await;
    let fields = json!({"ChatSessionId": id, "TopicId": 1, "CustomerName": "Ada Lovelace",
        "CustomerAlias": "Ada", "CustomerHost": "sms:+4712345678", "CustomerEmail": "ada@example.com",
        "CustomerPhone": "+47 12 34 56 78", "CustomerConsented": true,
        "CustomerCompanyName": "Analytical Engines", "AlertLevel": 2, "Rating": 5,
        "ChatbotIsActive": true, "Status": "Closed"});
    call(
        &w,
        "save_session_every_field",
        AGENT2,
        "SaveChatSessionEntity",
        fields,
        200,
    )
    .await;
    let moved = json!({"ChatSessionId": id, "TopicId": 2});
    call(
        &w,
        "save_session_topic_refused",
        AGENT2,
        "SaveChatSessionEntity",
        moved,
        400,
    )
    .await;
    let rating = json!({"ChatSessionId": id, "Rating": -1});
    call(
        &w,
        "save_session_bad_rating",
        AGENT2,
        "SaveChatSessionEntity",
        rating,
        400,
    )
    .await;

    // Deletes: agent3 (another topic) is refused; the admin and the creator may.
    let queued = id_of(
        &w,
        "opened_create_2",
        AGENT2,
        "CreateChatSessionForTopic",
        topic.clone(),
    )
    .await;
    let delete = |id: i64| format!("DeleteChatSessionEntity?ChatSessionEntityId={id}");
    call(
        &w,
        "delete_by_another_agent",
        AGENT3,
        &delete(queued),
        Value::Null,
        403,
    )
    .await;
    call(
        &w,
        "delete_by_admin",
        AGENT1,
        &delete(queued),
        Value::Null,
        204,
    )
    .await;
    let own = id_of(
        &w,
        "opened_create_3",
        AGENT2,
        "CreateChatSessionForTopic",
        topic,
    )
    .await;
    call(
        &w,
        "delete_by_creator",
        AGENT2,
        &delete(own),
        Value::Null,
        204,
    )
    .await;
    let get = format!("GetChatSessionEntity?chatSessionEntityId={own}");
    call(&w, "deleted_by_creator", AGENT2, &get, Value::Null, 200).await;
}

async fn topic_options(fmt: Fmt) {
    // Arrange
    let app = crate::helpers::spawn_app().await;
    let w = Wire::superoffice(&app, fmt);
    let saved = json!({"ChatTopicId": 1,
        "Language": {"Id": 2, "Value": "Norsk", "Tooltip": ""},
        "AlertRecipient": "lead@example.com", "AlertTemplate": {"ReplyTemplateId": 7, "Name": "Alert"},
        "CollectConsent": true, "BadgeHeader": "Chat with us", "CustomQueueTextEnabled": true,
        "CustomQueueText": "You are number {0}", "WarnNewChatMinutes": 2,
        "WarnManagerNewChatMinutes": 5, "TicketEnabled": true,
        "TicketCategory": {"Id": 3, "Value": "Sales"}, "TicketPriority": {"Id": 1, "Value": "High"},
        "Widget": {"Color": "#004f9f", "Theme": "Modern", "Size": "Large",
                   "RequiredFields": "Email, Name", "PreFormEnabled": true,
                   "AutoFaqCategory": {"KbCategoryId": 4, "Name": "FAQ"}},
        "BotEnabled": true, "BotSettings": {"BotName": "Robbie", "BotMessageReceivedScriptId": 12},
        "OfflineCollectConsent": true, "WarnChatMessageMinutes": 3,
        "WarnManagerChatMessageMinutes": 6, "UseQueueOfflineForm": true, "OfflineFormTimeLimit": 10,
        "OfflineFormQueueLength": 4, "WidgetEnableRating": true, "WidgetRatingText": "How did we do?"});

    // Act / Assert: saved, read back as saved; a property left out keeps its value.
    call(
        &w,
        "topic_options_save",
        AGENT1,
        "SaveChatTopicEntity",
        saved,
        200,
    )
    .await;
    let partial = json!({"ChatTopicId": 1, "Widget": {"Font": "Verdana"}});
    call(
        &w,
        "topic_options_save_partial",
        AGENT1,
        "SaveChatTopicEntity",
        partial,
        200,
    )
    .await;
    call(
        &w,
        "topic_options_get",
        AGENT2,
        "GetChatTopicEntity?chatTopicEntityId=1",
        Value::Null,
        200,
    )
    .await;
    let bad = json!({"ChatTopicId": 1, "Widget": {"Theme": "Neon"}});
    call(
        &w,
        "topic_options_bad_theme",
        AGENT1,
        "SaveChatTopicEntity",
        bad,
        400,
    )
    .await;
}

#[tokio::test]
async fn superoffice_offers_and_message_types_json() {
    offers_and_messages(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_offers_and_message_types_xml() {
    offers_and_messages(Fmt::Xml).await;
}

#[tokio::test]
async fn superoffice_sessions_opened_for_customers_json() {
    sessions_opened_for_customers(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_sessions_opened_for_customers_xml() {
    sessions_opened_for_customers(Fmt::Xml).await;
}

#[tokio::test]
async fn superoffice_topic_options_json() {
    topic_options(Fmt::Json).await;
}

#[tokio::test]
async fn superoffice_topic_options_xml() {
    topic_options(Fmt::Xml).await;
}
