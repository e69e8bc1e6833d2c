//! `ChatMessageType` and `ChatMessageSpecialType` as SuperOffice writes them (names, or their
//! numbers) ↔ what an agent's message is, and the options of an `Options` message (a JSON array
//! in `SpecialParam`).

use chatwire_engine::core::chat::SpecialKind;
use serde_json::Value;

use crate::ApiError;

/// Every special type: its SuperOffice name and number (4 is unused by SuperOffice).
pub const SPECIAL_TYPES: [(SpecialKind, &str, i64); 18] = [
    (SpecialKind::None, "None", 0),
    (SpecialKind::Welcome, "Welcome", 1),
    (SpecialKind::Url, "Url", 2),
    (SpecialKind::Block, "Block", 3),
    (SpecialKind::NewSession, "NewSession", 5),
    (SpecialKind::TransferedSession, "TransferedSession", 6),
    (SpecialKind::Error, "Error", 7),
    (SpecialKind::SessionDeleted, "SessionDeleted", 8),
    (SpecialKind::FaqSuccessQuestion, "FaqSuccessQuestion", 9),
    (SpecialKind::ClosedByUser, "ClosedByUser", 10),
    (SpecialKind::ClosedByCustomer, "ClosedByCustomer", 11),
    (SpecialKind::ClosedByIdle, "ClosedByIdle", 12),
    (SpecialKind::TransferRejected, "TransferRejected", 13),
    (SpecialKind::ReopenedByCustomer, "ReopenedByCustomer", 14),
    (SpecialKind::ClickedOption, "ClickedOption", 15),
    (SpecialKind::BotMessage, "BotMessage", 16),
    (SpecialKind::Options, "Options", 17),
    (SpecialKind::IllegalFileType, "IllegalFileType", 18),
];

/// The SuperOffice name of a special kind.
pub fn special_name(kind: SpecialKind) -> &'static str {
    SPECIAL_TYPES
        .iter()
        .find(|(k, ..)| *k == kind)
        .map_or("None", |(_, name, _)| name)
}

/// Whether `text` names `name` (any case) or is its number.
fn names(text: &str, name: &str, number: i64) -> bool {
    let text = text.trim();
    text.eq_ignore_ascii_case(name) || text.parse::<i64>() == Ok(number)
}

/// `SpecialType` by name or number; absent or empty is `None` (SuperOffice's default).
pub fn parse_special(text: Option<&str>) -> Result<SpecialKind, ApiError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(SpecialKind::None);
    };
    // SuperOffice's CRMScript docs call SessionDeleted "Deleted".
    if text.trim().eq_ignore_ascii_case("Deleted") {
        return Ok(SpecialKind::SessionDeleted);
    }
    SPECIAL_TYPES
        .iter()
        .find(|(_, name, number)| names(text, name, *number))
        .map(|(kind, ..)| *kind)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "SpecialType {text} is not a ChatMessageSpecialType"
            ))
        })
}

/// What an agent's message is, by its `Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    /// `ToCustomer` (1, or absent): a line to the customer.
    ToCustomer,
    /// `ToUser` (2): a line from the customer.
    ToUser,
    /// `Special` (3).
    Special,
}

/// `Type` by name or number; absent or empty is `ToCustomer`. `Invalid` (0), SuperOffice's
/// "unknown" value, is refused like any other name.
pub fn parse_type(text: Option<&str>) -> Result<MessageType, ApiError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(MessageType::ToCustomer);
    };
    [
        (MessageType::ToCustomer, "ToCustomer", 1),
        (MessageType::ToUser, "ToUser", 2),
        (MessageType::Special, "Special", 3),
    ]
    .into_iter()
    .find(|(_, name, number)| names(text, name, *number))
    .map(|(t, ..)| t)
    .ok_or_else(|| {
        ApiError::BadRequest(format!(
            "Type {text} is not a message an agent adds (ToCustomer, ToUser or Special)"
        ))
    })
}

/// The labels of an `Options` message's `SpecialParam`, a JSON array: strings as they are,
/// objects by their `Text`, `Label`, `Value`, `Title` or `Name` (any case), anything else as
/// its JSON text. Anything but an array is a 400.
pub fn option_labels(param: &str) -> Result<Vec<String>, ApiError> {
    let bad =
        || ApiError::BadRequest("SpecialParam of an Options message must be a JSON array".into());
    let Value::Array(items) = serde_json::from_str::<Value>(param).map_err(|_| bad())? else {
        return Err(bad());
    };
    Ok(items.iter().map(label).collect())
}

fn label(item: &Value) -> String {
    match item {
        Value::String(s) => s.clone(),
        Value::Object(map) => ["text", "label", "value", "title", "name"]
            .iter()
            .find_map(|k| {
                map.iter()
                    .find(|(name, v)| name.eq_ignore_ascii_case(k) && v.is_string())
                    .and_then(|(_, v)| v.as_str().map(str::to_owned))
            })
            .unwrap_or_else(|| item.to_string()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_type_is_read_by_name_or_number_and_named_back() {
        for (kind, name, number) in SPECIAL_TYPES {
            assert_eq!(parse_special(Some(name)).ok(), Some(kind));
            assert_eq!(parse_special(Some(&name.to_lowercase())).ok(), Some(kind));
            assert_eq!(parse_special(Some(&number.to_string())).ok(), Some(kind));
            assert_eq!(special_name(kind), name);
        }
        assert_eq!(parse_special(None).ok(), Some(SpecialKind::None));
        assert!(parse_special(Some("Shout")).is_err());
        assert!(parse_special(Some("4")).is_err());
    }

    #[test]
    fn types_are_read_by_name_or_number_and_invalid_is_refused() {
        assert_eq!(parse_type(None).ok(), Some(MessageType::ToCustomer));
        assert_eq!(parse_type(Some("touser")).ok(), Some(MessageType::ToUser));
        assert_eq!(parse_type(Some("3")).ok(), Some(MessageType::Special));
        assert!(parse_type(Some("Invalid")).is_err());
        assert!(parse_type(Some("0")).is_err());
    }

    #[test]
    fn options_are_a_json_array_of_labels() {
        assert_eq!(
            option_labels(r#"["Sales", {"Text": "Support"}, {"id": 3}, 4]"#).ok(),
            Some(vec![
                "Sales".to_owned(),
                "Support".to_owned(),
                r#"{"id":3}"#.to_owned(),
                "4".to_owned()
            ])
        );
        assert!(option_labels("Sales, Support").is_err());
        assert!(option_labels(r#"{"a":1}"#).is_err());
    }
}
