//! Rows to domain values and back. Nothing else in the crate knows how a type is laid out in
//! SQL, and nothing here touches a connection.
//!
//! Reading goes in two steps: a `*Row` struct takes the raw column values inside rusqlite's row
//! callback (which can only fail with a driver error), then `decode` validates them into domain
//! types and reports bad data as [`StoreError::Other`] instead of panicking.

use std::str::FromStr;

use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, Availability, Chat, ChatEvent, EventId, EventKind,
    GlobalSeq, MaxChats, Skill, SkillId, Timestamp,
};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::Row;

use crate::error::corrupt;

/// Columns of `accounts` in the order [`AccountRow::read`] takes them.
pub(crate) const ACCOUNT_COLUMNS: &str = "id, name, created_at";
/// Columns of `skills` in the order [`SkillRow::read`] takes them.
pub(crate) const SKILL_COLUMNS: &str = "id, account_id, name, description, welcome_message";
/// Columns of `agents` in the order [`AgentRow::read`] takes them.
pub(crate) const AGENT_COLUMNS: &str = "id, account_id, login_name, password_hash, nickname, \
     display_name, email, max_chats, skills_json, availability, is_admin, enabled";
/// Columns of `app_keys` in the order [`AppKeyRow::read`] takes them.
pub(crate) const APP_KEY_COLUMNS: &str =
    "key, account_id, name, can_read_feed, created_at, allowed_origins";
/// Columns of `chat_events` in the order [`EventRow::read`] takes them.
pub(crate) const EVENT_COLUMNS: &str = "seq, event_id, at, kind_json";

fn account_id(raw: &str, table: &str) -> StoreResult<AccountId> {
    AccountId::parse(raw).map_err(|e| corrupt(table, e))
}

/// Raw `accounts` row.
pub(crate) struct AccountRow(String, String, i64);

impl AccountRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self(row.get(0)?, row.get(1)?, row.get(2)?))
    }

    pub(crate) fn decode(self) -> StoreResult<Account> {
        Ok(Account {
            id: account_id(&self.0, "account")?,
            name: self.1,
            created_at: Timestamp(self.2),
        })
    }
}

/// Raw `skills` row.
pub(crate) struct SkillRow(i64, String, String, String, String);

impl SkillRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self(
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
        ))
    }

    pub(crate) fn decode(self) -> StoreResult<Skill> {
        Ok(Skill {
            id: SkillId(self.0),
            account: account_id(&self.1, "skill")?,
            name: self.2,
            description: self.3,
            welcome_message: self.4,
        })
    }
}

/// Raw `agents` row (see [`AGENT_COLUMNS`]).
pub(crate) struct AgentRow {
    id: i64,
    account: String,
    texts: [String; 5],
    max_chats: i64,
    skills_json: String,
    availability: String,
    is_admin: bool,
    enabled: bool,
}

impl AgentRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            account: row.get(1)?,
            texts: [
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
            ],
            max_chats: row.get(7)?,
            skills_json: row.get(8)?,
            availability: row.get(9)?,
            is_admin: row.get(10)?,
            enabled: row.get(11)?,
        })
    }

    pub(crate) fn decode(self) -> StoreResult<Agent> {
        let [login_name, password_hash, nickname, display_name, email] = self.texts;
        let max = i32::try_from(self.max_chats).map_err(|e| corrupt("agent", e))?;
        Ok(Agent {
            id: AgentId(self.id),
            account: account_id(&self.account, "agent")?,
            login_name,
            password_hash,
            nickname,
            display_name,
            email,
            max_chats: MaxChats::from(max),
            skills: serde_json::from_str(&self.skills_json).map_err(|e| corrupt("agent", e))?,
            availability: Availability::from_str(&self.availability)
                .map_err(|e| corrupt("agent", e))?,
            is_admin: self.is_admin,
            enabled: self.enabled,
        })
    }
}

/// The JSON text stored in `agents.skills_json`.
pub(crate) fn skills_json(skills: &[SkillId]) -> StoreResult<String> {
    serde_json::to_string(skills).map_err(|e| StoreError::Other(e.into()))
}

/// Raw `app_keys` row.
pub(crate) struct AppKeyRow(String, String, String, bool, i64, String);

impl AppKeyRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self(
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
            row.get(5)?,
        ))
    }

    pub(crate) fn decode(self) -> StoreResult<AppKey> {
        Ok(AppKey {
            key: self.0,
            account: account_id(&self.1, "app key")?,
            name: self.2,
            can_read_feed: self.3,
            allowed_origins: serde_json::from_str(&self.5).map_err(|e| corrupt("app key", e))?,
            created_at: Timestamp(self.4),
        })
    }
}

/// Raw `chat_events` row (see [`EVENT_COLUMNS`]).
pub(crate) struct EventRow(i64, i64, i64, String);

impl EventRow {
    /// Reads the four event columns starting at column `at`, so joins can put others first.
    pub(crate) fn read_from(row: &Row<'_>, at: usize) -> rusqlite::Result<Self> {
        Ok(Self(
            row.get(at)?,
            row.get(at + 1)?,
            row.get(at + 2)?,
            row.get(at + 3)?,
        ))
    }

    /// Seq, time and JSON text, for rows of the merged log that are account events.
    pub(crate) fn into_parts(self) -> (i64, i64, String) {
        (self.0, self.2, self.3)
    }

    pub(crate) fn decode(self) -> StoreResult<ChatEvent> {
        Ok(ChatEvent {
            id: EventId(u32::try_from(self.1).map_err(|e| corrupt("event", e))?),
            seq: GlobalSeq(self.0),
            at: Timestamp(self.2),
            kind: serde_json::from_str(&self.3).map_err(|e| corrupt("event", e))?,
        })
    }
}

/// The JSON text stored in `chat_events.kind_json`.
pub(crate) fn kind_json(kind: &EventKind) -> StoreResult<String> {
    serde_json::to_string(kind).map_err(|e| StoreError::Other(e.into()))
}

/// The JSON text stored in `chats.chat_json`.
pub(crate) fn chat_json(chat: &Chat) -> StoreResult<String> {
    serde_json::to_string(chat).map_err(|e| StoreError::Other(e.into()))
}

/// Decodes `chats.chat_json`.
pub(crate) fn chat_from_json(json: &str) -> StoreResult<Chat> {
    serde_json::from_str(json).map_err(|e| corrupt("chat", e))
}

/// The `chats.agent_id` column value: the handling (or last) agent.
pub(crate) fn agent_column(chat: &Chat) -> Option<i64> {
    chat.agent.as_ref().map(|a| a.id.0)
}

/// The `chats` columns copied out of `chat_json` (migration 0006): everything a chat query
/// filters, sorts or scopes on. A write rewrites them only when one of them changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChatColumns {
    pub(crate) state: &'static str,
    pub(crate) agent_id: Option<i64>,
    pub(crate) skill_id: Option<i64>,
    pub(crate) requested_at: i64,
    pub(crate) accepted_at: Option<i64>,
    pub(crate) ended_at: Option<i64>,
    pub(crate) visitor_name: String,
    pub(crate) transfer_from: Option<i64>,
    pub(crate) transfer_to: Option<i64>,
    pub(crate) customer_email: Option<String>,
}

impl ChatColumns {
    /// The columns of `chat`.
    pub(crate) fn of(chat: &Chat) -> Self {
        let (from, to) = chatwire_core::chat_query::transfer_agents(chat);
        Self {
            state: chat.state.as_str(),
            agent_id: agent_column(chat),
            skill_id: chat.skill.map(|s| s.0),
            requested_at: chat.started_at.0,
            accepted_at: chat.accepted_at.map(|t| t.0),
            ended_at: chat.ended_at.map(|t| t.0),
            visitor_name: chat.visitor_name.clone(),
            transfer_from: from.map(|a| a.0),
            transfer_to: to.map(|a| a.0),
            customer_email: chatwire_core::history::visitor_email(chat),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_row_with_unknown_availability_is_an_error_not_a_panic() {
        let row = AgentRow {
            id: 1,
            account: "acc".into(),
            texts: Default::default(),
            max_chats: -1,
            skills_json: "[1,2]".into(),
            availability: "Sleeping".into(),
            is_admin: false,
            enabled: true,
        };
        assert!(matches!(row.decode(), Err(StoreError::Other(_))));
    }

    #[test]
    fn event_row_with_negative_id_is_an_error() {
        let kind = r#"{"kind":"url","url":"https://x","by":"a"}"#;
        assert!(EventRow(1, 0, 5, kind.into()).decode().is_ok());
        assert!(matches!(
            EventRow(1, -1, 5, kind.into()).decode(),
            Err(StoreError::Other(_))
        ));
    }
}
