//! History, statistics and offline messages on SQLite (migration 0009): the writes that keep
//! the search index and the per-chat facts in step with the event log (run inside the
//! writer's transaction, beside the events), and the reads.
//!
//! - Search: `chat_lines_fts` (FTS5, one row per visitor or agent line, rowid = the event's
//!   seq) gives the chats whose lines hold every word; the other filters and the keyset cursor
//!   run on the `chats` indexes (`(account_id, requested_at)`, whose entries end in the rowid,
//!   the chat number, so the order `requested_at DESC, num DESC` is the index's).
//! - Statistics: `chat_facts`, one narrow row per chat, scanned by `(account_id, requested_at)`.
//! - Deletion and retention: `erase`.
//! - The index's writes are staged per batch and enter it once per commit: `index`.

mod erase;
pub(crate) mod index;
mod store;

pub(crate) use erase::{delete_chat, erase_visitor, set_retention, sweep_retention};

use chatwire_core::history::{ChatFact, HistoryQuery, OfflineMessage, searchable_text};
use chatwire_core::{AccountId, AgentId, Chat, ChatEvent, SkillId, SurveyResponse, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

use crate::error;
use crate::rows::chat_from_json;
use crate::writer::WriteCx;

fn lines_in(events: &[ChatEvent]) -> i64 {
    events
        .iter()
        .filter(|e| searchable_text(&e.kind).is_some())
        .count() as i64
}

/// Writes the facts row of a chat just opened.
pub(crate) fn insert_facts(cx: &WriteCx<'_>, chat: &Chat, events: &[ChatEvent]) -> StoreResult<()> {
    let sql = "INSERT INTO chat_facts (num, account_id, requested_at, skill_id, agent_id,
                   accepted_at, ended_at, line_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        chat.num.0,
        chat.account.as_str(),
        chat.started_at.0,
        chat.skill.map(|s| s.0),
        chat.agent.as_ref().map(|a| a.id.0),
        chat.accepted_at.map(|t| t.0),
        chat.ended_at.map(|t| t.0),
        lines_in(events),
    ])
    .map_err(error::sql)?;
    Ok(())
}

/// Brings the facts row up to date after a command: the line count when lines were added,
/// every column when an indexed chat column changed. Nothing otherwise (typing, names).
pub(crate) fn update_facts(
    cx: &WriteCx<'_>,
    chat: &Chat,
    events: &[ChatEvent],
    columns_changed: bool,
) -> StoreResult<()> {
    let lines = lines_in(events);
    if columns_changed {
        let sql = "UPDATE chat_facts SET skill_id = ?2, agent_id = ?3, accepted_at = ?4,
                       ended_at = ?5, line_count = line_count + ?6 WHERE num = ?1";
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        stmt.execute(params![
            chat.num.0,
            chat.skill.map(|s| s.0),
            chat.agent.as_ref().map(|a| a.id.0),
            chat.accepted_at.map(|t| t.0),
            chat.ended_at.map(|t| t.0),
            lines,
        ])
        .map_err(error::sql)?;
    } else if lines > 0 {
        let sql = "UPDATE chat_facts SET line_count = line_count + ?2 WHERE num = ?1";
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        stmt.execute(params![chat.num.0, lines])
            .map_err(error::sql)?;
    }
    Ok(())
}

/// Adds a visitor or agent line to the search index (other events are not indexed).
pub(crate) fn index_line(cx: &WriteCx<'_>, event: &ChatEvent) -> StoreResult<()> {
    if let Some(text) = searchable_text(&event.kind) {
        index::stage(cx, event.seq.0, text)?;
    }
    Ok(())
}

/// FTS5 query: every word, quoted (words are letters and digits only, so nothing in them is
/// FTS5 syntax; the quotes make that explicit).
fn match_expr(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One page of history (see the module doc).
pub(crate) fn search_chats(conn: &Connection, q: &HistoryQuery) -> StoreResult<Vec<Chat>> {
    let mut sql = String::from("SELECT chat_json FROM chats WHERE account_id = ?");
    let mut args: Vec<Value> = vec![Value::Text(q.account.as_str().to_owned())];
    let mut add = |cond: &str, v: Vec<Value>| {
        sql.push_str(" AND ");
        sql.push_str(cond);
        args.extend(v);
    };
    if let Some(f) = q.from {
        add("requested_at >= ?", vec![Value::Integer(f.0)]);
    }
    if let Some(t) = q.to {
        add("requested_at < ?", vec![Value::Integer(t.0)]);
    }
    if let Some(s) = q.skill {
        add("skill_id = ?", vec![Value::Integer(s.0)]);
    }
    if let Some(a) = q.agent {
        add("agent_id = ?", vec![Value::Integer(a.0)]);
    }
    if let Some(v) = q.visitor {
        add("visitor_id = ?", vec![Value::Integer(v)]);
    }
    if let Some(s) = q.state {
        add("state = ?", vec![Value::Text(s.as_str().to_owned())]);
    }
    if let Some(c) = q.after {
        let (at, num) = (Value::Integer(c.requested_at.0), Value::Integer(c.num.0));
        add(
            "(requested_at < ? OR (requested_at = ? AND num < ?))",
            vec![at.clone(), at, num],
        );
    }
    if !q.words.is_empty() {
        add(
            "num IN (SELECT e.chat_num FROM chat_lines_fts f JOIN chat_events e ON e.seq = f.rowid
                      WHERE chat_lines_fts MATCH ?)",
            vec![Value::Text(match_expr(&q.words))],
        );
    }
    sql.push_str(" ORDER BY requested_at DESC, num DESC LIMIT ?");
    args.push(Value::Integer(i64::from(q.limit)));
    // Not prepare_cached: the filters vary (up to 2^8 shapes), and caching them would evict
    // the hot statements (as in chat_query).
    let mut stmt = conn.prepare(&sql).map_err(error::sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(0))
        .map_err(error::sql)?;
    rows.map(|r| r.map_err(error::sql).and_then(|j| chat_from_json(&j)))
        .collect()
}

/// Statistics' raw data of `[from, to)`: facts rows with the exit-survey scores of each chat.
pub(crate) fn chat_facts(
    conn: &Connection,
    account: &AccountId,
    from: Timestamp,
    to: Timestamp,
) -> StoreResult<Vec<ChatFact>> {
    let sql = "SELECT f.skill_id, f.agent_id, f.requested_at, f.accepted_at, f.ended_at,
                      f.line_count, COALESCE(s.sum, 0.0), COALESCE(s.n, 0)
               FROM chat_facts f
               LEFT JOIN (SELECT c.num AS num, SUM(r.score_sum) AS sum, SUM(r.score_count) AS n
                            FROM survey_responses r JOIN chats c ON c.key = r.chat_key
                           WHERE r.account_id = ?1 AND r.score_count > 0
                             AND c.requested_at >= ?2 AND c.requested_at < ?3
                           GROUP BY c.num) s ON s.num = f.num
               WHERE f.account_id = ?1 AND f.requested_at >= ?2 AND f.requested_at < ?3
               ORDER BY f.num";
    let mut stmt = conn.prepare_cached(sql).map_err(error::sql)?;
    let rows = stmt
        .query_map(params![account.as_str(), from.0, to.0], |r| {
            Ok(ChatFact {
                skill: r.get::<_, Option<i64>>(0)?.map(SkillId),
                agent: r.get::<_, Option<i64>>(1)?.map(AgentId),
                requested_at: Timestamp(r.get(2)?),
                accepted_at: r.get::<_, Option<i64>>(3)?.map(Timestamp),
                ended_at: r.get::<_, Option<i64>>(4)?.map(Timestamp),
                lines: u32::try_from(r.get::<_, i64>(5)?).unwrap_or(u32::MAX),
                score_sum: r.get(6)?,
                score_count: u32::try_from(r.get::<_, i64>(7)?).unwrap_or(u32::MAX),
            })
        })
        .map_err(error::sql)?;
    rows.map(|r| r.map_err(error::sql)).collect()
}

/// An offline message row: id, JSON, handled at, handled by.
type OfflineRow = (i64, String, Option<i64>, Option<i64>);

fn offline_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OfflineRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_offline(row: &OfflineRow) -> StoreResult<OfflineMessage> {
    let response: SurveyResponse = serde_json::from_str(&row.1)
        .map_err(|e| StoreError::Other(anyhow::anyhow!("corrupt survey JSON: {e}")))?;
    Ok(OfflineMessage {
        id: row.0,
        response,
        handled_at: row.2.map(Timestamp),
        handled_by: row.3.map(AgentId),
    })
}

/// The account's offline messages, newest first, below `before`.
pub(crate) fn offline_messages(
    conn: &Connection,
    account: &AccountId,
    unhandled_only: bool,
    before: Option<i64>,
    limit: u32,
) -> StoreResult<Vec<OfflineMessage>> {
    let sql = "SELECT id, json, handled_at, handled_by FROM survey_responses
               WHERE account_id = ?1 AND kind = 'offline' AND id < ?2
                 AND (?3 = 0 OR handled_at IS NULL)
               ORDER BY id DESC LIMIT ?4";
    let mut stmt = conn.prepare_cached(sql).map_err(error::sql)?;
    let rows = stmt
        .query_map(
            params![
                account.as_str(),
                before.unwrap_or(i64::MAX),
                unhandled_only,
                limit
            ],
            offline_row,
        )
        .map_err(error::sql)?;
    rows.map(|r| r.map_err(error::sql).and_then(|r| to_offline(&r)))
        .collect()
}

/// Marks an offline message handled (the first mark stays).
pub(crate) fn mark_offline_handled(
    cx: &WriteCx<'_>,
    account: &AccountId,
    id: i64,
    by: AgentId,
    at: Timestamp,
) -> StoreResult<OfflineMessage> {
    let sql = "UPDATE survey_responses SET handled_at = COALESCE(handled_at, ?3),
                   handled_by = COALESCE(handled_by, ?4)
               WHERE id = ?1 AND account_id = ?2 AND kind = 'offline'";
    cx.conn
        .prepare_cached(sql)
        .and_then(|mut s| s.execute(params![id, account.as_str(), at.0, by.0]))
        .map_err(error::sql)?;
    let sql = "SELECT id, json, handled_at, handled_by FROM survey_responses
               WHERE id = ?1 AND account_id = ?2 AND kind = 'offline'";
    let row = cx
        .conn
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_row(params![id, account.as_str()], offline_row)
                .optional()
        })
        .map_err(error::sql)?;
    to_offline(&row.ok_or(StoreError::NotFound("offline message"))?)
}

/// The account's retention period.
pub(crate) fn retention(conn: &Connection, account: &AccountId) -> StoreResult<Option<u32>> {
    conn.prepare_cached("SELECT days FROM retention WHERE account_id = ?1")
        .and_then(|mut s| {
            s.query_row([account.as_str()], |r| r.get::<_, u32>(0))
                .optional()
        })
        .map_err(error::sql)
}

/// Every account's retention period.
pub(crate) fn retention_policies(conn: &Connection) -> StoreResult<Vec<(AccountId, u32)>> {
    let mut stmt = conn
        .prepare_cached("SELECT account_id, days FROM retention ORDER BY account_id")
        .map_err(error::sql)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
        .map_err(error::sql)?;
    rows.map(|r| {
        let (a, d) = r.map_err(error::sql)?;
        let a = AccountId::parse(&a).map_err(|e| StoreError::Other(anyhow::anyhow!("{e}")))?;
        Ok((a, d))
    })
    .collect()
}
