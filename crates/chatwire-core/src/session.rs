//! Authentication sessions: login bearers, their CSRF/cookie aliases, LivePerson agent
//! sessions, SuperOffice tickets. Only a hash of each secret is ever stored.

use serde::{Deserialize, Serialize};

use crate::{AccountId, AgentId, Timestamp};

/// What a session row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// An agent login (LivePerson bearer, SuperOffice bearer/ticket).
    Login,
    /// Another key for a login (CSRF token, `Session_id` cookie); `parent` is the login.
    LoginAlias,
    /// A LivePerson agent session (`/agentSession/{id}`); `parent` is the login.
    AgentSession,
}

impl SessionKind {
    /// The stored name (`login`, `login_alias`, `agent_session`), the same in every backend.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::LoginAlias => "login_alias",
            Self::AgentSession => "agent_session",
        }
    }

    /// Parses a stored name; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Login, Self::LoginAlias, Self::AgentSession]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSession {
    /// SHA-256 (hex) of the secret or id that names the session; the primary key.
    pub key_hash: String,
    /// What it is.
    pub kind: SessionKind,
    /// The account it belongs to.
    pub account: AccountId,
    /// The agent it authenticates.
    pub agent: AgentId,
    /// The login this alias or agent session belongs to (its `key_hash`).
    pub parent: Option<String>,
    /// Dialect details (e.g. the CSRF hash of a login), JSON text; empty when none.
    pub data: String,
    /// Creation time.
    pub created_at: Timestamp,
    /// Expiry; an expired session is treated as absent.
    pub expires_at: Timestamp,
}

impl AuthSession {
    /// Whether the session is still valid at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }
}
