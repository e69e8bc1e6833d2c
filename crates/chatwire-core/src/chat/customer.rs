//! What an agent records about a session's customer (SuperOffice `SaveChatSessionEntity` on an
//! existing session): the customer's name and contact details, an alias, consent, the alert
//! level agents give the session, the customer's rating and whether a chat bot is active.
//!
//! Rules owned here: a field left out keeps its value; a name follows the visitor-name rule;
//! other texts are at most [`MAX_DETAIL_CHARS`] characters XML can carry, and an empty one
//! clears the field; alert level and rating are 0 or more.

use serde::{Deserialize, Serialize};

use super::Chat;
use super::command::validate_name;
use crate::DomainError;

/// Longest customer detail (e-mail, phone, company, host, alias), in characters.
pub const MAX_DETAIL_CHARS: usize = 254;

/// Session facts that only agents set (SuperOffice `CustomerAlias`, `CustomerConsented`,
/// `AlertLevel`, `Rating`, `ChatbotIsActive`); all zero for a new chat.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionNotes {
    /// Another name the customer goes by.
    pub customer_alias: String,
    /// The customer consented to storing their details.
    pub customer_consented: bool,
    /// How urgent agents find the session.
    pub alert_level: i32,
    /// The customer's rating of the session.
    pub rating: i32,
    /// A chat bot speaks for the account (its triggers fire) while set.
    pub bot_active: bool,
}

/// Changes to a session's customer fields; `None` keeps a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerUpdate {
    /// The visitor name.
    pub name: Option<String>,
    /// E-mail (empty clears it).
    pub email: Option<String>,
    /// Phone (empty clears it).
    pub phone: Option<String>,
    /// Company (empty clears it).
    pub company: Option<String>,
    /// Host or address the customer came from (empty clears it).
    pub host: Option<String>,
    /// Alias (empty clears it).
    pub alias: Option<String>,
    /// Consent.
    pub consented: Option<bool>,
    /// Alert level, 0 or more.
    pub alert_level: Option<i32>,
    /// Rating, 0 or more.
    pub rating: Option<i32>,
    /// Chat bot active.
    pub bot_active: Option<bool>,
}

impl CustomerUpdate {
    /// Checks every given value (see the module rules).
    pub fn validate(&self) -> Result<(), DomainError> {
        if let Some(name) = &self.name {
            validate_name(name)?;
        }
        for (what, value) in [
            ("CustomerEmail", &self.email),
            ("CustomerPhone", &self.phone),
            ("CustomerCompanyName", &self.company),
            ("CustomerHost", &self.host),
            ("CustomerAlias", &self.alias),
        ] {
            if let Some(text) = value {
                crate::text::check_xml_text(what, text)?;
                if text.chars().count() > MAX_DETAIL_CHARS {
                    return Err(DomainError::invalid(what, "must be at most 254 characters"));
                }
            }
        }
        for (what, value) in [("AlertLevel", self.alert_level), ("Rating", self.rating)] {
            if value.is_some_and(|v| v < 0) {
                return Err(DomainError::invalid(what, "must be 0 or more"));
            }
        }
        Ok(())
    }

    /// Whether applying it to `chat` would change nothing.
    pub fn is_noop_for(&self, chat: &Chat) -> bool {
        let mut after = chat.clone();
        after.apply_customer(self.clone());
        after == *chat
    }
}

/// `Some(text)`, or `None` for empty text (a cleared detail).
fn detail(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl Chat {
    /// Applies a checked update to the customer fields.
    pub(crate) fn apply_customer(&mut self, u: CustomerUpdate) {
        let req = &mut self.request;
        if let Some(name) = u.name {
            self.visitor_name = name.trim().to_owned();
        }
        if let Some(v) = u.email {
            req.customer_email = detail(&v);
        }
        if let Some(v) = u.phone {
            req.customer_phone = detail(&v);
        }
        if let Some(v) = u.company {
            req.customer_company = detail(&v);
        }
        if let Some(v) = u.host {
            req.visitor_ip = detail(&v);
        }
        let notes = &mut req.notes;
        if let Some(v) = u.alias {
            notes.customer_alias = v.trim().to_owned();
        }
        if let Some(v) = u.consented {
            notes.customer_consented = v;
        }
        if let Some(v) = u.alert_level {
            notes.alert_level = v;
        }
        if let Some(v) = u.rating {
            notes.rating = v;
        }
        if let Some(v) = u.bot_active {
            notes.bot_active = v;
        }
    }
}
