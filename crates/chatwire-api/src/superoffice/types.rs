//! SuperOffice wire shapes (spec §2): PascalCase, every property present (`null` where
//! chatwire has nothing), enums as names, dates as text (see [`super::dates`]). Topic shapes
//! are in [`super::types_topic`]. Built from engine values in [`super::convert`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

/// `TableRight` of a carrier (spec §2.9).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableRight {
    /// `[Flags] ETableRight` names, comma+space joined.
    pub mask: &'static str,
    /// Why rights are limited; empty.
    pub reason: &'static str,
}

impl TableRight {
    /// What an agent may do with chat carriers.
    pub const FULL: Self = Self {
        mask: "Select, Update, Insert, Delete",
        reason: "",
    };
}

/// `FieldProperties` of a carrier: always `{}` (no per-field restrictions).
pub type FieldProperties = Map<String, Value>;

/// `Associate` (spec §2.7): an agent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Associate {
    /// Agent id.
    pub associate_id: i64,
    /// Short name: the login name.
    pub name: String,
    /// No person record: 0.
    pub person_id: i64,
    /// 0.
    pub rank: i64,
    /// The display name.
    pub tooltip: String,
    /// `InternalAssociate`.
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// 0.
    pub group_idx: i64,
    /// The display name.
    pub full_name: String,
    /// The display name.
    pub formal_name: String,
    /// Disabled agents are "deleted".
    pub deleted: bool,
    /// The agent id (the "ejuser" of the chat licence).
    pub ej_user_id: i64,
    /// The login name.
    pub user_name: String,
    /// `{}`.
    pub extra_fields: BTreeMap<String, String>,
    /// `{}`.
    pub custom_fields: BTreeMap<String, String>,
    /// Carrier rights.
    pub table_right: TableRight,
    /// `{}`.
    pub field_properties: FieldProperties,
}

/// `ChatMessage` (spec §2.1).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChatMessage {
    /// The event's server-wide sequence number.
    pub chat_message_id: i64,
    /// The chat number.
    pub chat_session_id: i64,
    /// `ToCustomer`, `ToUser` or `Special`.
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// Text.
    pub message: String,
    /// Who wrote it (agent nickname, visitor name, `info` for the system).
    pub author: String,
    /// Reads are not tracked: 0.
    pub read_by_customer: i64,
    /// `None` unless `Type` is `Special`.
    pub special_type: &'static str,
    /// Parameter of the special type (URL, transfer target); empty otherwise.
    pub special_param: String,
    /// When it was posted.
    pub when_posted: String,
}

/// `ChatSessionEntity` (spec §2.2).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChatSessionEntity {
    /// The chat number.
    pub chat_session_id: i64,
    /// The skill id, 0 for none.
    pub topic_id: i64,
    /// The handling (or last) agent.
    pub user: Option<Associate>,
    /// No CRM person: null.
    pub person: Option<Value>,
    /// Empty.
    pub customer_alias: String,
    /// Visitor IP, when known.
    pub customer_host: String,
    /// Visitor name.
    pub customer_name: String,
    /// Visitor e-mail.
    pub customer_email: String,
    /// Visitor phone.
    pub customer_phone: String,
    /// Not collected: false.
    pub customer_consented: bool,
    /// Visitor company.
    pub customer_company_name: String,
    /// Derived status.
    pub status: &'static str,
    /// First visitor line.
    pub first_message: String,
    /// Last visitor or agent line.
    pub last_message: String,
    /// Requested.
    pub when_requested: String,
    /// First accepted.
    pub when_started: String,
    /// Ended.
    pub when_ended: String,
    /// Last line by anyone.
    pub when_idle: String,
    /// Not tracked: unset.
    pub when_fetched: String,
    /// The chat key (LivePerson `chatSessionKey`).
    pub session_key: String,
    /// Not tracked: 0.
    pub initial_queue_pos: i64,
    /// 0.
    pub alert_level: i64,
    /// 0.
    pub rank: i64,
    /// Typing flags, null when nobody types.
    pub flags: Option<String>,
    /// Null.
    pub contact: Option<Value>,
    /// Null.
    pub project: Option<Value>,
    /// Null.
    pub sale: Option<Value>,
    /// Null.
    pub ticket: Option<Value>,
    /// Target of a pending personal transfer.
    pub transfer_to: Option<Associate>,
    /// No bots: false.
    pub chatbot_is_active: bool,
    /// 0.
    pub rating: i64,
    /// Carrier rights.
    pub table_right: TableRight,
    /// `{}`.
    pub field_properties: FieldProperties,
}

/// `ChatPresence` (spec §2.5).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChatPresence {
    /// Agent id.
    pub user_id: i64,
    /// Display name.
    pub display_name: String,
    /// Chats handled now.
    pub ongoing_chats: i64,
    /// Online.
    pub present: bool,
    /// Skill ids.
    pub chat_topics: Vec<i64>,
    /// Carrier rights.
    pub table_right: TableRight,
    /// `{}`.
    pub field_properties: FieldProperties,
}

/// `ChatTopicAgent` (spec §2.4); the default is `CreateDefaultChatTopicAgent`'s.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChatTopicAgent {
    /// Skill id.
    pub topic_id: i64,
    /// The agent.
    pub user: Option<Associate>,
    /// May listen.
    pub can_listen: bool,
    /// May answer (member of the skill).
    pub can_respond: bool,
    /// May manage.
    pub can_manage: bool,
    /// Notified of new chats.
    pub can_notify: bool,
}

/// `MDOListItem` (spec §2.7).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MdoListItem {
    /// Id (agent id; negative for groups).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Tooltip.
    pub tool_tip: String,
    /// false.
    pub deleted: bool,
    /// Order.
    pub rank: i64,
    /// `associate` or `group`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// Group members.
    pub child_items: Vec<Self>,
    /// Empty.
    pub icon_hint: String,
    /// 0.
    pub color_block: i64,
    /// Presence (`present`/`absent`) for agents.
    pub extra_info: String,
    /// Empty.
    pub style_hint: String,
    /// Full name.
    pub full_name: String,
}
