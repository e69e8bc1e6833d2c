//! Reading and writing a topic's widget, bot, alert and ticket properties.

use super::*;

fn fields(v: &Value) -> Fields {
    Fields::decode("application/json", v.to_string().as_bytes()).expect("json")
}

#[test]
fn saved_options_come_back_as_saved_and_left_out_ones_keep_their_value() {
    let mut o = TopicOptions::default();
    read(
        &mut o,
        &fields(&json!({
            "Widget": {"Color": "#ff0000", "RequiredFields": "Email, Phone", "Theme": "modern",
                       "AutoFaqCategory": {"KbCategoryId": 4, "Name": "FAQ"}},
            "BotEnabled": true, "BotSettings": {"BotName": "Robbie", "BotRegisterScriptId": 7},
            "AlertRecipient": "boss@example.com", "WarnNewChatMinutes": 3,
            "TicketEnabled": "true", "TicketPriority": {"Id": 2, "Value": "High"}
        })),
    )
    .expect("read");
    assert_eq!(o.widget.required_fields, RequiredFields(9));
    assert_eq!(o.widget.theme, WidgetTheme::Modern);
    read(&mut o, &fields(&json!({"Widget": {"Font": "Arial"}}))).expect("partial");
    let mut e = ChatTopicEntity::new(1, String::new(), String::new(), String::new());
    write(&mut e, &o);
    assert_eq!(e.widget["Color"], "#ff0000");
    assert_eq!(e.widget["Font"], "Arial");
    assert_eq!(e.widget["RequiredFields"], "Email, Phone");
    assert_eq!(e.widget["Theme"], "Modern");
    assert_eq!(e.widget["AutoFaqCategory"]["Name"], "FAQ");
    assert_eq!(e.bot_settings["BotName"], "Robbie");
    assert!(e.bot_enabled && e.ticket_enabled);
    assert_eq!(e.alert_recipient, "boss@example.com");
    assert_eq!(e.warn_new_chat_minutes, 3);
    assert_eq!(
        e.ticket_priority,
        Some(json!({"Id": 2, "Value": "High", "Tooltip": ""}))
    );
    let mut again = TopicOptions::default();
    read(
        &mut again,
        &fields(&serde_json::to_value(&e).expect("entity")),
    )
    .expect("round trip");
    assert_eq!(again, o, "an entity read back stores the same options");
}

#[test]
fn unknown_enum_names_are_refused() {
    let mut o = TopicOptions::default();
    assert!(read(&mut o, &fields(&json!({"Widget": {"Size": "Huge"}}))).is_err());
    assert!(
        read(
            &mut o,
            &fields(&json!({"Widget": {"RequiredFields": "Shoe"}}))
        )
        .is_err()
    );
    assert!(read(&mut o, &fields(&json!({"WarnNewChatMinutes": "x"}))).is_err());
}

#[test]
fn default_options_render_the_default_entity() {
    let plain = ChatTopicEntity::new(1, String::new(), String::new(), String::new());
    let mut e = plain.clone();
    write(&mut e, &TopicOptions::default());
    assert_eq!(
        serde_json::to_value(&e).expect("e"),
        serde_json::to_value(&plain).expect("plain")
    );
}
