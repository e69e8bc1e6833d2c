//! `ChatTopicEntity` and its nested types (spec §2.3, §2.6). chatwire keeps a topic's name,
//! description and welcome message on the skill; the SuperOffice-only settings (opening hours,
//! widget, bot) have their documented shapes with default values.

use serde::Serialize;
use serde_json::{Value, json};

use super::types::{FieldProperties, TableRight};

/// `ChatTopicEntity`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChatTopicEntity {
    /// Skill id.
    pub chat_topic_id: i64,
    /// Skill name.
    pub name: String,
    /// Skill description.
    pub description: String,
    /// Skill welcome message (sent as the agent at pick-up).
    pub welcome_message: String,
    /// `CustomerLanguage`; null.
    pub language: Option<Value>,
    /// Last pick-up; unset.
    pub last_accept: String,
    /// 0.
    pub seconds_pr_accept: i64,
    /// Empty.
    pub alert_recipient: String,
    /// `ReplyTemplate`; null.
    pub alert_template: Option<Value>,
    /// false.
    pub collect_consent: bool,
    /// Empty.
    pub badge_header: String,
    /// false.
    pub custom_queue_text_enabled: bool,
    /// Empty.
    pub custom_queue_text: String,
    /// 0.
    pub warn_new_chat_minutes: i64,
    /// 0.
    pub warn_manager_new_chat_minutes: i64,
    /// false.
    pub ticket_enabled: bool,
    /// null.
    pub ticket_category: Option<Value>,
    /// null.
    pub ticket_priority: Option<Value>,
    /// false: always open.
    pub opening_hours_enabled: bool,
    /// `ChatOpeningHours`.
    pub opening_hours: Value,
    /// `ChatWidgetSettings`.
    pub widget: Value,
    /// false.
    pub bot_enabled: bool,
    /// `ChatBotSettings`.
    pub bot_settings: Value,
    /// false.
    pub offline_collect_consent: bool,
    /// 0.
    pub warn_chat_message_minutes: i64,
    /// 0.
    pub warn_manager_chat_message_minutes: i64,
    /// false.
    pub use_queue_offline_form: bool,
    /// 0.
    pub offline_form_time_limit: i64,
    /// 0.
    pub offline_form_queue_length: i64,
    /// false.
    pub widget_enable_rating: bool,
    /// Empty.
    pub widget_rating_text: String,
    /// Carrier rights.
    pub table_right: TableRight,
    /// `{}`.
    pub field_properties: FieldProperties,
}

impl ChatTopicEntity {
    /// A topic with the given identity and default settings.
    pub fn new(id: i64, name: String, description: String, welcome_message: String) -> Self {
        Self {
            chat_topic_id: id,
            name,
            description,
            welcome_message,
            language: None,
            last_accept: super::dates::UNSET.to_owned(),
            seconds_pr_accept: 0,
            alert_recipient: String::new(),
            alert_template: None,
            collect_consent: false,
            badge_header: String::new(),
            custom_queue_text_enabled: false,
            custom_queue_text: String::new(),
            warn_new_chat_minutes: 0,
            warn_manager_new_chat_minutes: 0,
            ticket_enabled: false,
            ticket_category: None,
            ticket_priority: None,
            opening_hours_enabled: false,
            opening_hours: opening_hours(),
            widget: widget(),
            bot_enabled: false,
            bot_settings: bot_settings(),
            offline_collect_consent: false,
            warn_chat_message_minutes: 0,
            warn_manager_chat_message_minutes: 0,
            use_queue_offline_form: false,
            offline_form_time_limit: 0,
            offline_form_queue_length: 0,
            widget_enable_rating: false,
            widget_rating_text: String::new(),
            table_right: TableRight::FULL,
            field_properties: FieldProperties::new(),
        }
    }
}

/// Default `ChatOpeningHours`: every day 08:00–16:00 (unused while `OpeningHoursEnabled` is false).
pub fn opening_hours() -> Value {
    let mut v = serde_json::Map::new();
    v.insert("TzLocation".into(), Value::Null);
    for day in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
        let weekday = !matches!(day, "Sat" | "Sun");
        v.insert(format!("{day}Enabled"), Value::Bool(weekday));
        v.insert(format!("{day}Start"), json!("08:00:00"));
        v.insert(format!("{day}Stop"), json!("16:00:00"));
    }
    v.insert("UseLunchHours".into(), Value::Bool(false));
    v.insert("LunchStart".into(), json!("11:30:00"));
    v.insert("LunchStop".into(), json!("12:00:00"));
    Value::Object(v)
}

/// Default `ChatWidgetSettings`.
pub fn widget() -> Value {
    json!({
        "AutoFaqEnabled": false, "AutoFaqCategory": null, "PreFormEnabled": false,
        "PreFormMessage": "", "RequiredFields": "None", "PostFormEnabled": false,
        "PostFormHeader": "", "PostFormMessage": "", "PostTranscriptEnabled": false,
        "LanguageIsoCode": "", "Size": "Normal", "Theme": "Classic", "Color": "",
        "BadgeColor": "", "BadgeTextColor": "", "CustMsgColor": "", "CustMsgTextColor": "",
        "AgentMsgColor": "", "AgentMsgTextColor": "", "ButtonColor": "", "ButtonTextColor": "",
        "Font": "", "FontSize": "", "LogoEnabled": false, "LogoBlobId": 0, "LogoName": "",
        "ShowAgentPhoto": false, "WelcomeTitle": "", "WelcomeMessage": "", "OfflineHeader": "",
        "OfflineMessage": "", "OfflineFields": "None", "UseAgentFirstname": false
    })
}

/// Default `ChatBotSettings`.
pub fn bot_settings() -> Value {
    json!({
        "BotName": "", "BotRegisterScriptId": 0, "BotSessionCreatedScriptId": 0,
        "BotSessionChangedScriptId": 0, "BotMessageReceivedScriptId": 0
    })
}
