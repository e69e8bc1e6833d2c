//! Application logins: the credentials a bot logs in with instead of a password (LivePerson
//! "application login": `appKey`, `secret`, `accessToken`, `accessTokenSecret`; the agent must
//! be a bot). The app key names the credentials (it is sent in clear and looked up); the other
//! three are secrets, kept only as one hash (the engine's `sessions::app_logins` decides which).

use serde::{Deserialize, Serialize};

use crate::{AccountId, AgentId, DomainError, Timestamp};

/// Longest app key accepted.
pub const MAX_APP_KEY_LEN: usize = 128;

/// A stored application login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppLoginRecord {
    /// Store-assigned id (what an admin revokes it by).
    pub id: i64,
    /// The account.
    pub account: AccountId,
    /// The bot agent it logs in as.
    pub agent: AgentId,
    /// `appKey`, unique within the account (revoked ones included).
    pub app_key: String,
    /// Hash of the secret parts (hex); never the secrets.
    pub secret_hash: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked; a revoked login is kept (so a configuration seed cannot bring its
    /// app key back) and refuses every login.
    pub revoked_at: Option<Timestamp>,
}

impl AppLoginRecord {
    /// Whether it still lets the bot log in.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// An application login to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppLogin {
    /// The account.
    pub account: AccountId,
    /// The bot agent.
    pub agent: AgentId,
    /// `appKey`.
    pub app_key: String,
    /// Hash of the secret parts.
    pub secret_hash: String,
    /// Creation time.
    pub created_at: Timestamp,
}

impl NewAppLogin {
    /// Checks the app key: 1 to [`MAX_APP_KEY_LEN`] visible ASCII characters, no spaces.
    pub fn validate(&self) -> Result<(), DomainError> {
        let key = &self.app_key;
        if key.is_empty() || key.len() > MAX_APP_KEY_LEN {
            return Err(DomainError::invalid(
                "appKey",
                "must be 1 to 128 characters",
            ));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::invalid(
                "appKey",
                "must be visible ASCII characters without spaces",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(key: &str) -> NewAppLogin {
        NewAppLogin {
            account: AccountId::parse("1000").expect("account"),
            agent: AgentId(1),
            app_key: key.into(),
            secret_hash: String::new(),
            created_at: Timestamp(0),
        }
    }

    #[test]
    fn app_keys_are_short_visible_ascii() {
        assert!(new("bot-key_1").validate().is_ok());
        assert!(new("").validate().is_err());
        assert!(new("with space").validate().is_err());
        assert!(new("é").validate().is_err());
        assert!(new(&"k".repeat(129)).validate().is_err());
    }
}
