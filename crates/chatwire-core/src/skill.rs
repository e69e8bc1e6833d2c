//! Skills: the queues chats wait in. SuperOffice calls them chat topics.

use serde::{Deserialize, Serialize};

use crate::{AccountId, DomainError, SkillId};

/// A skill (SuperOffice `ChatTopic`). Chat requests name it; transfers use its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skill {
    /// Server-wide numeric id.
    pub id: SkillId,
    /// The owning account.
    pub account: AccountId,
    /// Display name, unique within the account (case-insensitively).
    pub name: String,
    /// Free text shown to operators.
    pub description: String,
    /// Sent to the visitor when an agent accepts (SuperOffice `WelcomeMessage`); empty for none.
    pub welcome_message: String,
}

impl Skill {
    /// Validates a skill name: 1 to 100 characters, not blank.
    pub fn validate_name(name: &str) -> Result<(), DomainError> {
        if name.trim().is_empty() || name.chars().count() > 100 {
            Err(DomainError::invalid(
                "skill name",
                "must be 1-100 characters and not blank",
            ))
        } else {
            Ok(())
        }
    }
}
