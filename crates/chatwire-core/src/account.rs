//! Accounts and the visitor app keys that open chats on them.

use serde::{Deserialize, Serialize};

use crate::{AccountId, DomainError, Timestamp};

pub use crate::origin::validate_origin;

/// A tenant: every agent, skill, key and chat belongs to exactly one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The account id as it appears in `/api/account/{id}`.
    pub id: AccountId,
    /// A human-readable name.
    pub name: String,
    /// When the account was created.
    pub created_at: Timestamp,
}

/// A visitor application key (LivePerson `appKey`): lets a web site or bot start and run chats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppKey {
    /// The key itself, sent by clients as `appKey=` or `Authorization: LivePerson appKey=`.
    pub key: String,
    /// The account the key opens chats on.
    pub account: AccountId,
    /// A label for operators.
    pub name: String,
    /// Whether the key may read the account-wide event feed.
    pub can_read_feed: bool,
    /// Web origins (`https://shop.example.com`) whose pages may use the key from a browser
    /// (CORS); empty for none. Each passed [`validate_origin`].
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// When the key was created.
    pub created_at: Timestamp,
}

/// What an admin supplies to create an [`AppKey`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppKey {
    /// The key text (8 to 128 printable ASCII characters, no spaces).
    pub key: String,
    /// The account the key opens chats on.
    pub account: AccountId,
    /// A label for operators.
    pub name: String,
    /// Whether the key may read the account-wide event feed.
    pub can_read_feed: bool,
    /// Web origins allowed to use the key from a browser (see [`AppKey::allowed_origins`]).
    pub allowed_origins: Vec<String>,
}

impl NewAppKey {
    /// Checks the key text.
    pub fn validate(&self) -> Result<(), DomainError> {
        let ok = (8..=128).contains(&self.key.len())
            && self
                .key
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b',' && b != b'"');
        if ok {
            Ok(())
        } else {
            Err(DomainError::invalid(
                "app key",
                "must be 8-128 printable ASCII characters",
            ))
        }
    }
}
