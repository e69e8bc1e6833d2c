//! A `ChatTopicEntity`'s widget, bot, alert and ticket properties ↔ the stored
//! [`TopicOptions`]: read from a saved entity (properties left out keep their value, nested
//! ones too) and written back as saved. Enums are read by name (any case) or number.

use chatwire_engine::core::topic_options::{
    KbCategoryRef, ListEntry, ReplyTemplateRef, RequiredFields, TopicOptions, WidgetSize,
    WidgetTheme,
};
use serde_json::{Value, json};

use super::body::Fields;
use super::types_topic::ChatTopicEntity;
use crate::ApiError;

fn set_str(target: &mut String, body: &Fields, name: &str) {
    if let Some(v) = body.str(name) {
        *target = v;
    }
}

fn set_bool(target: &mut bool, body: &Fields, name: &str) -> Result<(), ApiError> {
    if let Some(v) = body.bool(name)? {
        *target = v;
    }
    Ok(())
}

fn set_int(target: &mut i64, body: &Fields, name: &str) -> Result<(), ApiError> {
    if let Some(v) = body.int(name)? {
        *target = v;
    }
    Ok(())
}

/// A list entry (`{"Id","Value","Tooltip"}`) when the property is sent; id 0 clears it.
fn set_entry(target: &mut Option<ListEntry>, body: &Fields, name: &str) -> Result<(), ApiError> {
    if body.get(name).is_none() {
        return Ok(());
    }
    let o = body.obj(name);
    let mut e = target.clone().unwrap_or_default();
    set_int(&mut e.id, &o, "Id")?;
    set_str(&mut e.value, &o, "Value");
    set_str(&mut e.tooltip, &o, "Tooltip");
    *target = (e.id != 0).then_some(e);
    Ok(())
}

fn entry_value(e: Option<&ListEntry>) -> Option<Value> {
    e.map(|e| json!({"Id": e.id, "Value": e.value, "Tooltip": e.tooltip}))
}

/// `WidgetRequiredFields`: a number, or flag names separated by commas (`"None"` is 0).
fn required_fields(name: &str, v: &Value) -> Result<RequiredFields, ApiError> {
    let bad = || ApiError::BadRequest(format!("{name} must be WidgetRequiredFields names"));
    if let Some(n) = v.as_u64() {
        return u8::try_from(n)
            .ok()
            .filter(|n| *n < 32)
            .map(RequiredFields)
            .ok_or_else(bad);
    }
    let text = v.as_str().ok_or_else(bad)?;
    let mut bits = 0_u8;
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.eq_ignore_ascii_case("None") {
            continue;
        }
        let (_, bit) = RequiredFields::NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(part))
            .ok_or_else(bad)?;
        bits |= bit;
    }
    Ok(RequiredFields(bits))
}

fn required_fields_name(f: RequiredFields) -> String {
    let names: Vec<&str> = RequiredFields::NAMES
        .iter()
        .filter(|(_, bit)| f.0 & bit != 0)
        .map(|(n, _)| *n)
        .collect();
    if names.is_empty() {
        "None".to_owned()
    } else {
        names.join(", ")
    }
}

/// One of two enum names (`first` = 0, `second` = 1), by name or number.
fn two_names(name: &str, v: &Value, first: &str, second: &str) -> Result<bool, ApiError> {
    let text = v.as_str().map(str::trim);
    match (v.as_u64(), text) {
        (Some(0), _) => Ok(false),
        (Some(1), _) => Ok(true),
        (_, Some(t)) if t.eq_ignore_ascii_case(first) || t == "0" => Ok(false),
        (_, Some(t)) if t.eq_ignore_ascii_case(second) || t == "1" => Ok(true),
        _ => Err(ApiError::BadRequest(format!(
            "{name} must be {first} or {second}"
        ))),
    }
}

/// Applies the widget properties of `w` (`ChatWidgetSettings`) to `o`.
fn read_widget(o: &mut TopicOptions, w: &Fields) -> Result<(), ApiError> {
    let widget = &mut o.widget;
    set_bool(&mut widget.auto_faq_enabled, w, "AutoFaqEnabled")?;
    if w.get("AutoFaqCategory").is_some() {
        let c = w.obj("AutoFaqCategory");
        let mut k = widget.auto_faq_category.clone().unwrap_or_default();
        set_int(&mut k.id, &c, "KbCategoryId")?;
        set_str(&mut k.name, &c, "Name");
        set_str(&mut k.description, &c, "Description");
        set_str(&mut k.full_name, &c, "Fullname");
        set_int(&mut k.parent_id, &c, "ParentId")?;
        set_int(&mut k.sort_order, &c, "SortOrder")?;
        widget.auto_faq_category = (k.id != 0).then_some(k);
    }
    set_bool(&mut widget.pre_form_enabled, w, "PreFormEnabled")?;
    set_str(&mut widget.pre_form_message, w, "PreFormMessage");
    if let Some(v) = w.get("RequiredFields") {
        widget.required_fields = required_fields("RequiredFields", v)?;
    }
    set_bool(&mut widget.post_form_enabled, w, "PostFormEnabled")?;
    set_str(&mut widget.post_form_header, w, "PostFormHeader");
    set_str(&mut widget.post_form_message, w, "PostFormMessage");
    set_bool(
        &mut widget.post_transcript_enabled,
        w,
        "PostTranscriptEnabled",
    )?;
    set_str(&mut widget.language_iso_code, w, "LanguageIsoCode");
    if let Some(v) = w.get("Size") {
        widget.size = if two_names("Size", v, "Normal", "Large")? {
            WidgetSize::Large
        } else {
            WidgetSize::Normal
        };
    }
    if let Some(v) = w.get("Theme") {
        widget.theme = if two_names("Theme", v, "Classic", "Modern")? {
            WidgetTheme::Modern
        } else {
            WidgetTheme::Classic
        };
    }
    let s = &mut widget.style;
    for (target, name) in [
        (&mut s.color, "Color"),
        (&mut s.badge_color, "BadgeColor"),
        (&mut s.badge_text_color, "BadgeTextColor"),
        (&mut s.cust_msg_color, "CustMsgColor"),
        (&mut s.cust_msg_text_color, "CustMsgTextColor"),
        (&mut s.agent_msg_color, "AgentMsgColor"),
        (&mut s.agent_msg_text_color, "AgentMsgTextColor"),
        (&mut s.button_color, "ButtonColor"),
        (&mut s.button_text_color, "ButtonTextColor"),
        (&mut s.font, "Font"),
        (&mut s.font_size, "FontSize"),
    ] {
        set_str(target, w, name);
    }
    set_bool(&mut widget.logo_enabled, w, "LogoEnabled")?;
    set_int(&mut widget.logo_blob_id, w, "LogoBlobId")?;
    set_str(&mut widget.logo_name, w, "LogoName");
    set_bool(&mut widget.show_agent_photo, w, "ShowAgentPhoto")?;
    set_str(&mut widget.welcome_title, w, "WelcomeTitle");
    set_str(&mut widget.welcome_message, w, "WelcomeMessage");
    set_str(&mut widget.offline_header, w, "OfflineHeader");
    set_str(&mut widget.offline_message, w, "OfflineMessage");
    if let Some(v) = w.get("OfflineFields") {
        widget.offline_fields = required_fields("OfflineFields", v)?;
    }
    set_bool(&mut widget.use_agent_firstname, w, "UseAgentFirstname")?;
    Ok(())
}

/// Applies the widget, bot, alert and ticket properties of a saved `ChatTopicEntity` to `o`;
/// properties left out keep their value. Malformed values are a 400 naming the property.
pub fn read(o: &mut TopicOptions, body: &Fields) -> Result<(), ApiError> {
    if body.get("Widget").is_some() {
        read_widget(o, &body.obj("Widget"))?;
    }
    let w = &mut o.widget;
    set_bool(&mut w.collect_consent, body, "CollectConsent")?;
    set_bool(
        &mut w.offline_collect_consent,
        body,
        "OfflineCollectConsent",
    )?;
    set_str(&mut w.badge_header, body, "BadgeHeader");
    set_bool(
        &mut w.custom_queue_text_enabled,
        body,
        "CustomQueueTextEnabled",
    )?;
    set_str(&mut w.custom_queue_text, body, "CustomQueueText");
    set_bool(&mut w.use_queue_offline_form, body, "UseQueueOfflineForm")?;
    set_int(&mut w.offline_form_time_limit, body, "OfflineFormTimeLimit")?;
    set_int(
        &mut w.offline_form_queue_length,
        body,
        "OfflineFormQueueLength",
    )?;
    set_bool(&mut w.enable_rating, body, "WidgetEnableRating")?;
    set_str(&mut w.rating_text, body, "WidgetRatingText");
    set_entry(&mut w.language, body, "Language")?;

    let bot = &mut o.bot;
    set_bool(&mut bot.enabled, body, "BotEnabled")?;
    if body.get("BotSettings").is_some() {
        let b = body.obj("BotSettings");
        set_str(&mut bot.name, &b, "BotName");
        set_int(&mut bot.register_script_id, &b, "BotRegisterScriptId")?;
        set_int(
            &mut bot.session_created_script_id,
            &b,
            "BotSessionCreatedScriptId",
        )?;
        set_int(
            &mut bot.session_changed_script_id,
            &b,
            "BotSessionChangedScriptId",
        )?;
        set_int(
            &mut bot.message_received_script_id,
            &b,
            "BotMessageReceivedScriptId",
        )?;
    }

    let a = &mut o.alerts;
    set_str(&mut a.recipient, body, "AlertRecipient");
    if body.get("AlertTemplate").is_some() {
        let t = body.obj("AlertTemplate");
        let mut r: ReplyTemplateRef = a.template.clone().unwrap_or_default();
        set_int(&mut r.id, &t, "ReplyTemplateId")?;
        set_str(&mut r.name, &t, "Name");
        set_str(&mut r.description, &t, "Description");
        set_int(&mut r.folder_id, &t, "FolderId")?;
        a.template = (r.id != 0).then_some(r);
    }
    set_int(&mut a.warn_new_chat_minutes, body, "WarnNewChatMinutes")?;
    set_int(
        &mut a.warn_manager_new_chat_minutes,
        body,
        "WarnManagerNewChatMinutes",
    )?;
    set_int(
        &mut a.warn_chat_message_minutes,
        body,
        "WarnChatMessageMinutes",
    )?;
    set_int(
        &mut a.warn_manager_chat_message_minutes,
        body,
        "WarnManagerChatMessageMinutes",
    )?;

    let t = &mut o.ticket;
    set_bool(&mut t.enabled, body, "TicketEnabled")?;
    set_entry(&mut t.category, body, "TicketCategory")?;
    set_entry(&mut t.priority, body, "TicketPriority")?;
    Ok(())
}

fn kb_value(k: Option<&KbCategoryRef>) -> Value {
    k.map_or(Value::Null, |k| {
        json!({"KbCategoryId": k.id, "Name": k.name, "Description": k.description,
               "Fullname": k.full_name, "ParentId": k.parent_id, "SortOrder": k.sort_order})
    })
}

/// Writes `o` into the entity's properties, in the shapes `read` takes.
pub fn write(e: &mut ChatTopicEntity, o: &TopicOptions) {
    let w = &o.widget;
    let s = &w.style;
    e.widget = json!({
        "AutoFaqEnabled": w.auto_faq_enabled, "AutoFaqCategory": kb_value(w.auto_faq_category.as_ref()),
        "PreFormEnabled": w.pre_form_enabled, "PreFormMessage": w.pre_form_message,
        "RequiredFields": required_fields_name(w.required_fields),
        "PostFormEnabled": w.post_form_enabled, "PostFormHeader": w.post_form_header,
        "PostFormMessage": w.post_form_message, "PostTranscriptEnabled": w.post_transcript_enabled,
        "LanguageIsoCode": w.language_iso_code,
        "Size": match w.size { WidgetSize::Normal => "Normal", WidgetSize::Large => "Large" },
        "Theme": match w.theme { WidgetTheme::Classic => "Classic", WidgetTheme::Modern => "Modern" },
        "Color": s.color, "BadgeColor": s.badge_color, "BadgeTextColor": s.badge_text_color,
        "CustMsgColor": s.cust_msg_color, "CustMsgTextColor": s.cust_msg_text_color,
        "AgentMsgColor": s.agent_msg_color, "AgentMsgTextColor": s.agent_msg_text_color,
        "ButtonColor": s.button_color, "ButtonTextColor": s.button_text_color,
        "Font": s.font, "FontSize": s.font_size, "LogoEnabled": w.logo_enabled,
        "LogoBlobId": w.logo_blob_id, "LogoName": w.logo_name,
        "ShowAgentPhoto": w.show_agent_photo, "WelcomeTitle": w.welcome_title,
        "WelcomeMessage": w.welcome_message, "OfflineHeader": w.offline_header,
        "OfflineMessage": w.offline_message,
        "OfflineFields": required_fields_name(w.offline_fields),
        "UseAgentFirstname": w.use_agent_firstname
    });
    e.collect_consent = w.collect_consent;
    e.offline_collect_consent = w.offline_collect_consent;
    e.badge_header.clone_from(&w.badge_header);
    e.custom_queue_text_enabled = w.custom_queue_text_enabled;
    e.custom_queue_text.clone_from(&w.custom_queue_text);
    e.use_queue_offline_form = w.use_queue_offline_form;
    e.offline_form_time_limit = w.offline_form_time_limit;
    e.offline_form_queue_length = w.offline_form_queue_length;
    e.widget_enable_rating = w.enable_rating;
    e.widget_rating_text.clone_from(&w.rating_text);
    e.language = entry_value(w.language.as_ref());

    let b = &o.bot;
    e.bot_enabled = b.enabled;
    e.bot_settings = json!({
        "BotName": b.name, "BotRegisterScriptId": b.register_script_id,
        "BotSessionCreatedScriptId": b.session_created_script_id,
        "BotSessionChangedScriptId": b.session_changed_script_id,
        "BotMessageReceivedScriptId": b.message_received_script_id
    });

    let a = &o.alerts;
    e.alert_recipient.clone_from(&a.recipient);
    e.alert_template = a.template.as_ref().map(|t| {
        json!({"ReplyTemplateId": t.id, "Name": t.name, "Description": t.description,
               "FolderId": t.folder_id})
    });
    e.warn_new_chat_minutes = a.warn_new_chat_minutes;
    e.warn_manager_new_chat_minutes = a.warn_manager_new_chat_minutes;
    e.warn_chat_message_minutes = a.warn_chat_message_minutes;
    e.warn_manager_chat_message_minutes = a.warn_manager_chat_message_minutes;

    let t = &o.ticket;
    e.ticket_enabled = t.enabled;
    e.ticket_category = entry_value(t.category.as_ref());
    e.ticket_priority = entry_value(t.priority.as_ref());
}

#[cfg(test)]
mod tests;
