//! A topic's settings beyond its opening hours, as SuperOffice's `ChatTopicEntity` carries them:
//! the visitor widget and queue texts, the chat bot, alerts to agents and managers, and offline
//! tickets. Stored with the topic ([`crate::TopicSettings::options`]) and returned as saved.
//!
//! What it must not do: parse wire names (the dialect turns `"Email, Name"` into
//! [`RequiredFields`] bits) or act on the values; chatwire stores them for the clients that
//! configure and read them, and documents which it acts on (docs/superoffice.md).

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// An entry of a SuperOffice list (`CustomerLanguage`, `TicketCategory`, `TicketPriority`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListEntry {
    /// The entry's id.
    pub id: i64,
    /// Its text.
    pub value: String,
    /// Its tooltip.
    pub tooltip: String,
}

/// A reply template chosen for alerts (`ReplyTemplate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplyTemplateRef {
    /// Template id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Folder id.
    pub folder_id: i64,
}

/// A knowledge-base category the widget suggests answers from (`KbCategory`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KbCategoryRef {
    /// Category id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Full path name.
    pub full_name: String,
    /// Parent category id.
    pub parent_id: i64,
    /// Sort order.
    pub sort_order: i64,
}

/// Which customer fields a widget form asks for (SuperOffice `WidgetRequiredFields` flags:
/// Email 1, Name 2, Company 4, Phone 8, Country 16).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredFields(pub u8);

impl RequiredFields {
    /// Every flag, by its SuperOffice name, lowest bit first.
    pub const NAMES: [(&'static str, u8); 5] = [
        ("Email", 1),
        ("Name", 2),
        ("Company", 4),
        ("Phone", 8),
        ("Country", 16),
    ];
}

/// Widget size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum WidgetSize {
    /// `Normal`.
    #[default]
    Normal,
    /// `Large`.
    Large,
}

/// Widget theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum WidgetTheme {
    /// `Classic`.
    #[default]
    Classic,
    /// `Modern`.
    Modern,
}

/// The visitor widget (`ChatWidgetSettings`) and the topic's widget-facing options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WidgetSettings {
    /// Suggest knowledge-base answers.
    pub auto_faq_enabled: bool,
    /// Category the answers come from.
    pub auto_faq_category: Option<KbCategoryRef>,
    /// Show a form before the chat.
    pub pre_form_enabled: bool,
    /// Its text.
    pub pre_form_message: String,
    /// Fields the pre-chat form asks for.
    pub required_fields: RequiredFields,
    /// Show a form after the chat.
    pub post_form_enabled: bool,
    /// Its header.
    pub post_form_header: String,
    /// Its text.
    pub post_form_message: String,
    /// Offer the transcript after the chat.
    pub post_transcript_enabled: bool,
    /// Widget language (ISO code).
    pub language_iso_code: String,
    /// Size.
    pub size: WidgetSize,
    /// Theme.
    pub theme: WidgetTheme,
    /// Colours and font, as the client writes them: `color`, `badge_color`,
    /// `badge_text_color`, `cust_msg_color`, `cust_msg_text_color`, `agent_msg_color`,
    /// `agent_msg_text_color`, `button_color`, `button_text_color`, `font`, `font_size`.
    pub style: WidgetStyle,
    /// Show a logo.
    pub logo_enabled: bool,
    /// Logo blob id.
    pub logo_blob_id: i64,
    /// Logo name.
    pub logo_name: String,
    /// Show the agent's photo.
    pub show_agent_photo: bool,
    /// Welcome title.
    pub welcome_title: String,
    /// Welcome text (the widget's, not the topic's `WelcomeMessage` line).
    pub welcome_message: String,
    /// Header when offline.
    pub offline_header: String,
    /// Text when offline.
    pub offline_message: String,
    /// Fields the offline form asks for.
    pub offline_fields: RequiredFields,
    /// Show agents by first name only.
    pub use_agent_firstname: bool,
    /// Ask for consent before the chat (`CollectConsent`).
    pub collect_consent: bool,
    /// Ask for consent on the offline form (`OfflineCollectConsent`).
    pub offline_collect_consent: bool,
    /// Badge header (`BadgeHeader`).
    pub badge_header: String,
    /// Use `custom_queue_text` while queued (`CustomQueueTextEnabled`).
    pub custom_queue_text_enabled: bool,
    /// Text shown while queued (`CustomQueueText`).
    pub custom_queue_text: String,
    /// Offer the offline form when the queue is long (`UseQueueOfflineForm`).
    pub use_queue_offline_form: bool,
    /// After this many minutes in the queue (`OfflineFormTimeLimit`).
    pub offline_form_time_limit: i64,
    /// Or beyond this queue length (`OfflineFormQueueLength`).
    pub offline_form_queue_length: i64,
    /// Ask the customer to rate the chat (`WidgetEnableRating`).
    pub enable_rating: bool,
    /// The rating question (`WidgetRatingText`).
    pub rating_text: String,
    /// The widget's language (`Language`).
    pub language: Option<ListEntry>,
}

/// The widget's colours and font, free text as SuperOffice keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WidgetStyle {
    /// `Color`.
    pub color: String,
    /// `BadgeColor`.
    pub badge_color: String,
    /// `BadgeTextColor`.
    pub badge_text_color: String,
    /// `CustMsgColor`.
    pub cust_msg_color: String,
    /// `CustMsgTextColor`.
    pub cust_msg_text_color: String,
    /// `AgentMsgColor`.
    pub agent_msg_color: String,
    /// `AgentMsgTextColor`.
    pub agent_msg_text_color: String,
    /// `ButtonColor`.
    pub button_color: String,
    /// `ButtonTextColor`.
    pub button_text_color: String,
    /// `Font`.
    pub font: String,
    /// `FontSize`.
    pub font_size: String,
}

/// The topic's chat bot (`BotEnabled`, `ChatBotSettings`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BotSettings {
    /// A bot answers the topic's chats.
    pub enabled: bool,
    /// The bot's name (the author of its messages).
    pub name: String,
    /// CRMScript run when the bot registers.
    pub register_script_id: i64,
    /// … when a session is created.
    pub session_created_script_id: i64,
    /// … when a session changes.
    pub session_changed_script_id: i64,
    /// … when a message arrives.
    pub message_received_script_id: i64,
}

/// Alerts to agents and managers about unanswered chats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertSettings {
    /// Who is alerted (`AlertRecipient`).
    pub recipient: String,
    /// The template of the alert (`AlertTemplate`).
    pub template: Option<ReplyTemplateRef>,
    /// Alert agents after a new chat waits this many minutes (`WarnNewChatMinutes`).
    pub warn_new_chat_minutes: i64,
    /// … managers (`WarnManagerNewChatMinutes`).
    pub warn_manager_new_chat_minutes: i64,
    /// Alert agents after a message waits this many minutes (`WarnChatMessageMinutes`).
    pub warn_chat_message_minutes: i64,
    /// … managers (`WarnManagerChatMessageMinutes`).
    pub warn_manager_chat_message_minutes: i64,
}

/// Offline tickets (`TicketEnabled`, `TicketCategory`, `TicketPriority`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketSettings {
    /// The offline form creates a ticket.
    pub enabled: bool,
    /// Its category.
    pub category: Option<ListEntry>,
    /// Its priority.
    pub priority: Option<ListEntry>,
}

/// Everything a topic stores besides its identity and opening hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicOptions {
    /// The visitor widget.
    pub widget: WidgetSettings,
    /// The chat bot.
    pub bot: BotSettings,
    /// Alerts.
    pub alerts: AlertSettings,
    /// Offline tickets.
    pub ticket: TicketSettings,
}

/// The longest text one topic option may hold, in characters (a widget message is the
/// longest kind).
pub const MAX_OPTION_CHARS: usize = 4000;
/// The longest bot name: it becomes the author of the bot's lines, as an agent's name does.
pub const MAX_BOT_NAME_CHARS: usize = 100;

impl TopicOptions {
    /// Refuses texts a topic's settings may not hold: longer than [`MAX_OPTION_CHARS`] (the bot
    /// name: [`MAX_BOT_NAME_CHARS`]), or with control characters other than line breaks and
    /// tabs, which XML answers cannot carry.
    pub fn validate(&self) -> Result<(), DomainError> {
        let (w, s) = (&self.widget, &self.widget.style);
        let mut texts: Vec<(&'static str, &str)> = vec![
            ("PreFormMessage", &w.pre_form_message),
            ("PostFormHeader", &w.post_form_header),
            ("PostFormMessage", &w.post_form_message),
            ("LanguageIsoCode", &w.language_iso_code),
            ("LogoName", &w.logo_name),
            ("WelcomeTitle", &w.welcome_title),
            ("WelcomeMessage", &w.welcome_message),
            ("OfflineHeader", &w.offline_header),
            ("OfflineMessage", &w.offline_message),
            ("BadgeHeader", &w.badge_header),
            ("CustomQueueText", &w.custom_queue_text),
            ("RatingText", &w.rating_text),
            ("Color", &s.color),
            ("BadgeColor", &s.badge_color),
            ("BadgeTextColor", &s.badge_text_color),
            ("CustMsgColor", &s.cust_msg_color),
            ("CustMsgTextColor", &s.cust_msg_text_color),
            ("AgentMsgColor", &s.agent_msg_color),
            ("AgentMsgTextColor", &s.agent_msg_text_color),
            ("ButtonColor", &s.button_color),
            ("ButtonTextColor", &s.button_text_color),
            ("Font", &s.font),
            ("FontSize", &s.font_size),
            ("AlertRecipient", &self.alerts.recipient),
        ];
        let entries = [
            w.language.as_ref(),
            self.ticket.category.as_ref(),
            self.ticket.priority.as_ref(),
        ];
        for e in entries.into_iter().flatten() {
            texts.extend([
                ("list entry value", e.value.as_str()),
                ("list entry tooltip", &e.tooltip),
            ]);
        }
        if let Some(k) = &w.auto_faq_category {
            texts.extend([
                ("AutoFaqCategory", k.name.as_str()),
                ("AutoFaqCategory", &k.description),
                ("AutoFaqCategory", &k.full_name),
            ]);
        }
        if let Some(t) = &self.alerts.template {
            texts.extend([
                ("AlertTemplate", t.name.as_str()),
                ("AlertTemplate", &t.description),
            ]);
        }
        for (what, text) in texts {
            check_text(what, text, MAX_OPTION_CHARS)?;
        }
        check_text("BotName", &self.bot.name, MAX_BOT_NAME_CHARS)
    }
}

fn check_text(what: &'static str, text: &str, most: usize) -> Result<(), DomainError> {
    if text.chars().count() > most {
        return Err(DomainError::invalid(
            what,
            format!("must be at most {most} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(DomainError::invalid(
            what,
            "must not hold control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_too_long_or_with_control_characters_are_refused() {
        let mut o = TopicOptions::default();
        assert!(o.validate().is_ok());
        o.widget.welcome_message = "Hello\nthere\t!".into();
        assert!(o.validate().is_ok(), "line breaks and tabs are text");
        o.bot.name = "b".repeat(MAX_BOT_NAME_CHARS + 1);
        assert!(o.validate().is_err());
        o.bot.name = "Bot\u{1}".into();
        assert!(o.validate().is_err());
        o.bot.name = "Bot".into();
        o.widget.style.font = "x".repeat(MAX_OPTION_CHARS + 1);
        assert!(o.validate().is_err());
    }
}
