//! Rows to domain values and back. Nothing else in the crate knows how a type is laid out in
//! SQL, and nothing here talks to the database.
//!
//! Every read goes through [`get`], which turns a driver type mismatch into
//! [`StoreError::Other`] instead of panicking (`Row::get` would panic), and every domain
//! constructor that can refuse a stored value reports it as corrupt data.

use std::str::FromStr;

use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, Availability, Chat, ChatEvent, EventId, EventKind,
    GlobalSeq, MaxChats, Skill, SkillId, Timestamp,
};
use chatwire_store::{StoreError, StoreResult};
use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use crate::error::corrupt;

/// Columns of `accounts` in the order [`account`] reads them.
pub(crate) const ACCOUNT_COLUMNS: &str = "id, name, created_at";
/// Columns of `skills` in the order [`skill`] reads them.
pub(crate) const SKILL_COLUMNS: &str = "id, account_id, name, description, welcome_message";
/// Columns of `agents` in the order [`agent`] reads them.
pub(crate) const AGENT_COLUMNS: &str = "id, account_id, login_name, password_hash, nickname, \
     display_name, email, max_chats, skills, availability, is_admin, enabled";
/// Columns of `app_keys` in the order [`app_key`] reads them.
pub(crate) const APP_KEY_COLUMNS: &str =
    "key, account_id, name, can_read_feed, created_at, allowed_origins";
/// Columns of `chat_events` in the order [`event`] reads them.
pub(crate) const EVENT_COLUMNS: &str = "seq, event_id, at, kind_json";

/// Column `idx` of `row`; a type mismatch or NULL where none is allowed is corrupt data.
pub(crate) fn get<'a, T: FromSql<'a>>(row: &'a Row, idx: usize, table: &str) -> StoreResult<T> {
    row.try_get(idx).map_err(|e| corrupt(table, e))
}

fn account_id(raw: &str, table: &str) -> StoreResult<AccountId> {
    AccountId::parse(raw).map_err(|e| corrupt(table, e))
}

/// An `accounts` row.
pub(crate) fn account(row: &Row) -> StoreResult<Account> {
    Ok(Account {
        id: account_id(get(row, 0, "account")?, "account")?,
        name: get(row, 1, "account")?,
        created_at: Timestamp(get(row, 2, "account")?),
    })
}

/// A `skills` row.
pub(crate) fn skill(row: &Row) -> StoreResult<Skill> {
    Ok(Skill {
        id: SkillId(get(row, 0, "skill")?),
        account: account_id(get(row, 1, "skill")?, "skill")?,
        name: get(row, 2, "skill")?,
        description: get(row, 3, "skill")?,
        welcome_message: get(row, 4, "skill")?,
    })
}

/// An `agents` row (see [`AGENT_COLUMNS`]).
pub(crate) fn agent(row: &Row) -> StoreResult<Agent> {
    let t = "agent";
    let skills: Vec<i64> = get(row, 8, t)?;
    let availability: &str = get(row, 9, t)?;
    Ok(Agent {
        id: AgentId(get(row, 0, t)?),
        account: account_id(get(row, 1, t)?, t)?,
        login_name: get(row, 2, t)?,
        password_hash: get(row, 3, t)?,
        nickname: get(row, 4, t)?,
        display_name: get(row, 5, t)?,
        email: get(row, 6, t)?,
        max_chats: MaxChats::from(get::<i32>(row, 7, t)?),
        skills: skills.into_iter().map(SkillId).collect(),
        availability: Availability::from_str(availability).map_err(|e| corrupt(t, e))?,
        is_admin: get(row, 10, t)?,
        enabled: get(row, 11, t)?,
    })
}

/// The `agents.skills` array value.
pub(crate) fn skill_ids(skills: &[SkillId]) -> Vec<i64> {
    skills.iter().map(|s| s.0).collect()
}

/// An `app_keys` row.
pub(crate) fn app_key(row: &Row) -> StoreResult<AppKey> {
    Ok(AppKey {
        key: get(row, 0, "app key")?,
        account: account_id(get(row, 1, "app key")?, "app key")?,
        name: get(row, 2, "app key")?,
        can_read_feed: get(row, 3, "app key")?,
        created_at: Timestamp(get(row, 4, "app key")?),
        allowed_origins: get(row, 5, "app key")?,
    })
}

/// The four event columns of `row` starting at column `at`, so joins can put others first.
pub(crate) fn event(row: &Row, at: usize) -> StoreResult<ChatEvent> {
    let t = "event";
    let id: i32 = get(row, at + 1, t)?;
    let kind: &str = get(row, at + 3, t)?;
    Ok(ChatEvent {
        seq: GlobalSeq(get(row, at, t)?),
        id: EventId(u32::try_from(id).map_err(|e| corrupt(t, e))?),
        at: Timestamp(get(row, at + 2, t)?),
        kind: serde_json::from_str(kind).map_err(|e| corrupt(t, e))?,
    })
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

/// The `chats` columns copied out of `chat_json` (migration 0003): everything a chat query
/// filters, sorts or scopes on. Every chat write sets them with `chat_json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChatColumns {
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

/// Serialises a document column (surveys, topic settings).
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Other(e.into()))
}

/// Parses a document column; bad JSON is corrupt data of `table`.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str, table: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| corrupt(table, e))
}
