//! Admin API tokens: credentials for chatwire's own admin API that are not an agent's login,
//! created on the command line. Only a hash of the token is stored.

use serde::{Deserialize, Serialize};

use crate::{AccountId, Timestamp};

/// The text every admin token starts with, so a log or a leaked secret is recognisable and
/// the API can tell a token from a login bearer without a lookup.
pub const ADMIN_TOKEN_PREFIX: &str = "cwadm_";

/// A stored admin token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminToken {
    /// Public id, to list and revoke the token (not a secret).
    pub id: String,
    /// A label for operators.
    pub name: String,
    /// The account it manages; `None` for a server-wide token (every account, and creating
    /// accounts).
    pub account: Option<AccountId>,
    /// Lowercase hex SHA-256 of the token text.
    pub token_hash: String,
    /// When it was created.
    pub created_at: Timestamp,
}
