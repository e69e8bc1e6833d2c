//! The "ChatSession" archive provider behind the OData lists (`GET ChatSession`,
//! `GET ChatTopic/{id}/Sessions`, and the `Archive` link of every session and topic): one page
//! of the sessions the agent may list, open and ended, as SuperOffice's flat archive rows
//! `{"PrimaryKey": id, "EntityName": "chat", <column>: value…}` in
//! `{"odata.metadata", "odata.nextLink"?, "value"}`.
//!
//! Columns are the provider's names (SuperOffice's archive provider reference), plus
//! `customerName`; which of them filter and sort is [`COLUMNS`]. The engine decides which
//! sessions the agent sees and how much of each (`Engine::session_archive`); the store answers
//! the page from its indexes.

use chatwire_engine::core::ChatState;
use chatwire_engine::core::access::ChatDisclosure;
use chatwire_engine::core::chat_query::{ChatField, ChatFilter, Cmp, FieldValue};
use chatwire_engine::{AgentChatView, ArchivePage};
use serde_json::{Map, Value, json};

use super::odata::{count, parse_filter, parse_order};
use super::operation::{Answer, Call, Out};
use super::reply::SoReply;
use super::topics::skill_of;
use super::{convert, types::ChatSessionEntity};
use crate::ApiError;

/// Rows in one page at most; `odata.nextLink` points past it.
pub const PAGE_MAX: u64 = 500;
/// Rows per page when `firstMessage` or `lastMessage` is selected (each needs the session's
/// history read).
const PAGE_MAX_WITH_MESSAGES: u64 = 50;

/// What a column holds, for reading its literals and writing its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An integer.
    Int,
    /// An id where 0 means none.
    IdOrNone,
    /// A date-time.
    Date,
    /// Text.
    Text,
    /// A `ChatSessionStatus` name.
    Status,
    /// Shown only: neither filtered nor sorted.
    Display,
}

/// One archive column.
#[derive(Debug)]
pub struct Column {
    /// The provider's spelling.
    pub name: &'static str,
    /// Other names read as this one (the `ChatSessionEntity` property).
    pub alias: Option<&'static str>,
    /// The chat field it filters and sorts on; `None` for display-only columns.
    pub field: Option<ChatField>,
    /// What it holds.
    pub kind: Kind,
}

const fn col(name: &'static str, field: Option<ChatField>, kind: Kind) -> Column {
    Column {
        name,
        alias: None,
        field,
        kind,
    }
}

/// Every column, in the default order.
pub const COLUMNS: &[Column] = &[
    col("chatSessionId", Some(ChatField::Num), Kind::Int),
    Column {
        alias: Some("topicId"),
        ..col(
            "chatTopic/chatTopicId",
            Some(ChatField::Skill),
            Kind::IdOrNone,
        )
    },
    col("customerName", Some(ChatField::VisitorName), Kind::Text),
    col("status", Some(ChatField::State), Kind::Status),
    col("whenRequested", Some(ChatField::RequestedAt), Kind::Date),
    col("whenStarted", Some(ChatField::AcceptedAt), Kind::Date),
    col("whenEnded", Some(ChatField::EndedAt), Kind::Date),
    col("agent", Some(ChatField::Agent), Kind::IdOrNone),
    col("chatTopic/name", None, Kind::Display),
    col("associate/fullName", None, Kind::Display),
    col("associate/userName", None, Kind::Display),
    col("firstMessage", None, Kind::Display),
    col("lastMessage", None, Kind::Display),
    col("duration", None, Kind::Display),
    col("timeInQueue", None, Kind::Display),
];

/// Columns shown when `$select` names none.
const DEFAULT_COLUMNS: usize = 8;

/// The column called `name` (case-insensitive, alias included).
pub fn column(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| {
        c.name.eq_ignore_ascii_case(name) || c.alias.is_some_and(|a| a.eq_ignore_ascii_case(name))
    })
}

/// The state a status name filters on; only the names that are a state on their own.
pub fn status_filter(name: &str) -> Option<FieldValue> {
    let state = match name {
        n if n.eq_ignore_ascii_case("InQueue") => ChatState::Waiting,
        n if n.eq_ignore_ascii_case("Closed") => ChatState::Ended,
        _ => return None,
    };
    Some(FieldValue::State(state))
}

/// `$select` as columns (the defaults when absent or empty).
fn selected(select: Option<&str>) -> Result<Vec<&'static Column>, ApiError> {
    let names: Vec<&str> = select
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Ok(COLUMNS[..DEFAULT_COLUMNS].iter().collect());
    }
    names
        .into_iter()
        .map(|n| {
            column(n).ok_or_else(|| ApiError::BadRequest(format!("$select: unknown column '{n}'")))
        })
        .collect()
}

/// `hh:mm:ss` between two instants (zero when either is missing).
fn span(from: Option<i64>, to: Option<i64>) -> String {
    let secs = match (from, to) {
        (Some(a), Some(b)) if b > a => (b - a) / 1000,
        _ => 0,
    };
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// One column's value for a session.
fn value(c: &Column, view: &AgentChatView, e: &ChatSessionEntity, topic: &str) -> Value {
    let chat = &view.chat;
    let user = e.user.as_ref();
    match c.name {
        "chatSessionId" => json!(e.chat_session_id),
        "chatTopic/chatTopicId" => json!(e.topic_id),
        "chatTopic/name" => json!(topic),
        "customerName" if view.disclosure == ChatDisclosure::Outline => json!(""),
        "customerName" => json!(e.customer_name),
        "status" => json!(e.status),
        "whenRequested" => json!(e.when_requested),
        "whenStarted" => json!(e.when_started),
        "whenEnded" => json!(e.when_ended),
        "agent" => json!(user.map_or(0, |u| u.associate_id)),
        "associate/fullName" => json!(user.map_or("", |u| u.full_name.as_str())),
        "associate/userName" => json!(user.map_or("", |u| u.user_name.as_str())),
        "firstMessage" => json!(e.first_message),
        "lastMessage" => json!(e.last_message),
        "duration" => json!(span(
            chat.accepted_at.map(|t| t.0),
            chat.ended_at.map(|t| t.0)
        )),
        "timeInQueue" => json!(span(
            Some(chat.started_at.0),
            chat.accepted_at.or(chat.ended_at).map(|t| t.0)
        )),
        _ => Value::Null,
    }
}

/// The archive of the agent's sessions, all or one topic's, at `url` (for `odata.*`).
pub struct SessionArchive {
    /// Only this topic's sessions (`ChatTopic/{id}/Sessions`; 404 for an unknown topic).
    pub topic: Option<i64>,
    /// The list's URL.
    pub url: String,
}

impl Answer for SessionArchive {
    async fn answer(self, Call { state, who, ctx }: Call<'_>) -> Out {
        let param = |n: &str| ctx.param(n).filter(|v| !v.trim().is_empty());
        if let Some(e) = param("$entities")
            && !e.split(',').all(|x| x.trim().eq_ignore_ascii_case("chat"))
        {
            return Err(ApiError::BadRequest(format!(
                "$entities: the ChatSession archive has only 'chat', not '{e}'"
            )));
        }
        let mut filter = param("$filter").map(parse_filter).transpose()?;
        let order = param("$orderby")
            .map(parse_order)
            .transpose()?
            .unwrap_or_default();
        let top = count("$top", param("$top"))?;
        let skip = count("$skip", param("$skip"))?.unwrap_or(0);
        let columns = selected(param("$select"))?;
        let json_safe = param("$jsonsafe").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if let Some(topic) = self.topic {
            let skill = skill_of(state, who, topic).await?;
            let mine = ChatFilter::Compare(ChatField::Skill, Cmp::Eq, FieldValue::Int(skill.id.0));
            filter = Some(filter.map_or_else(|| mine.clone(), |f| mine.clone().and(f)));
        }
        let with_events = columns
            .iter()
            .any(|c| matches!(c.name, "firstMessage" | "lastMessage"));
        // Message columns read each listed session's history: shorter pages.
        let most = if with_events {
            PAGE_MAX_WITH_MESSAGES
        } else {
            PAGE_MAX
        };
        let page = top.map_or(most, |t| t.min(most));
        let ask = ArchivePage {
            filter,
            order,
            skip,
            limit: u32::try_from(page + 1).unwrap_or(u32::MAX),
            with_events,
        };
        let mut views = state.engine.session_archive(&who.caller, ask).await?;
        let more = page > 0 && views.len() as u64 > page;
        views.truncate(usize::try_from(page).unwrap_or(usize::MAX));
        let agents = state.engine.agents(&who.account).await?;
        let skills = state.engine.skills(&who.account).await?;
        let xml = ctx.format == crate::http::negotiate::Format::Xml;
        let rows: Vec<Value> = views
            .iter()
            .map(|view| {
                let e = convert::session(&view.chat, &agents, &view.events, ctx.dates);
                let topic = skills
                    .iter()
                    .find(|s| Some(s.id) == view.chat.skill)
                    .map_or("", |s| s.name.as_str());
                let mut row = Map::new();
                row.insert("PrimaryKey".into(), json!(e.chat_session_id));
                row.insert("EntityName".into(), json!("chat"));
                for c in &columns {
                    let key = if json_safe || xml {
                        c.name.replace('/', "_")
                    } else {
                        c.name.to_owned()
                    };
                    row.insert(key, value(c, view, &e, topic));
                }
                Value::Object(row)
            })
            .collect();
        let mut body = Map::new();
        body.insert(
            "odata.metadata".into(),
            json!(format!("{}/$metadata", self.url)),
        );
        if more {
            body.insert(
                "odata.nextLink".into(),
                json!(next_link(&self.url, ctx, skip + page)),
            );
        }
        body.insert("value".into(), Value::Array(rows));
        Ok(SoReply::Value {
            format: ctx.format,
            root: "ODataSlimResponse",
            value: Value::Object(body),
        })
    }
}

/// The URL of the next page: the same options with `$skip` moved on.
fn next_link(url: &str, ctx: &super::reply::SoCtx, skip: u64) -> String {
    let mut keys: Vec<&String> = ctx.query.keys().filter(|k| *k != "$skip").collect();
    keys.sort();
    let mut q = form_urlencoded::Serializer::new(String::new());
    for k in keys {
        q.append_pair(k, &ctx.query[k]);
    }
    q.append_pair("$skip", &skip.to_string());
    format!("{url}?{}", q.finish())
}
