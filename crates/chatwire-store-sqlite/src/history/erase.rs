//! Deleting chats and everything about them on SQLite, inside the writer's transaction: a
//! chat, a visitor's chats and messages, or one bounded retention step. Every statement is by
//! primary key or an index, per chat, so the cost of a step is proportional to what it
//! deletes (the sweeper picks the step size; see `chatwire_engine::history`).

use chatwire_core::history::{Erased, VisitorRef};
use chatwire_core::{AccountId, ChatKey, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{OptionalExtension, params};

use crate::error;
use crate::writer::WriteCx;

fn count(cx: &WriteCx<'_>, sql: &str, p: impl rusqlite::Params) -> StoreResult<u64> {
    let n = cx
        .conn
        .prepare_cached(sql)
        .and_then(|mut s| s.execute(p))
        .map_err(error::sql)?;
    Ok(n as u64)
}

/// Raises the high-water mark `name` to `value` (numbers never handed out again).
fn raise(cx: &WriteCx<'_>, name: &str, value: Option<i64>) -> StoreResult<()> {
    if let Some(v) = value {
        let sql = "INSERT INTO high_water (name, value) VALUES (?1, ?2)
                   ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)";
        count(cx, sql, params![name, v])?;
    }
    Ok(())
}

/// Deletes one ended chat (`num`, `key`) of `account` with its events, search entries, facts,
/// survey responses and mail, adding the counts to `erased`.
fn erase_one(
    cx: &WriteCx<'_>,
    account: &AccountId,
    num: i64,
    key: &str,
    erased: &mut Erased,
) -> StoreResult<()> {
    let max_seq: Option<i64> = cx
        .conn
        .prepare_cached("SELECT MAX(seq) FROM chat_events WHERE chat_num = ?1")
        .and_then(|mut s| s.query_row([num], |r| r.get(0)))
        .map_err(error::sql)?;
    raise(cx, "seq", max_seq)?;
    raise(cx, "num", Some(num))?;
    // The lines in the search index are exactly these (as migration 0009 and index_line
    // chose). Each leaves the contentless index by FTS5's 'delete' command with the text it
    // was indexed with: a delete marker written like an insert and merged like one, so a
    // deletion never makes FTS5 rewrite a large segment inside this transaction (tombstones
    // of `contentless_delete` did, stalling line appends up to 218 ms; docs/performance.md).
    let lines: Vec<(i64, String)> = {
        let sql = "SELECT seq, json_extract(kind_json, '$.text') FROM chat_events
                    WHERE chat_num = ?1
                      AND json_extract(kind_json, '$.kind') = 'line'
                      AND json_extract(kind_json, '$.source') IN ('visitor', 'agent')";
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        let rows = stmt
            .query_map([num], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(error::sql)?;
        rows.collect::<rusqlite::Result<_>>().map_err(error::sql)?
    };
    for (seq, text) in lines {
        super::index::unindex(cx, seq, &text)?;
    }
    erased.mailbox_mails += count(cx, "DELETE FROM mailbox WHERE chat_key = ?1", [key])?;
    erased.mails += count(cx, "DELETE FROM outbox WHERE chat_key = ?1", [key])?;
    let offline = "DELETE FROM survey_responses
                   WHERE account_id = ?1 AND chat_key = ?2 AND kind = 'offline'";
    let n = count(cx, offline, params![account.as_str(), key])?;
    erased.offline_messages += n;
    let responses = "DELETE FROM survey_responses WHERE account_id = ?1 AND chat_key = ?2";
    erased.survey_responses += n + count(cx, responses, params![account.as_str(), key])?;
    erased.events += count(cx, "DELETE FROM chat_events WHERE chat_num = ?1", [num])?;
    count(cx, "DELETE FROM chat_facts WHERE num = ?1", [num])?;
    count(cx, "DELETE FROM chats WHERE num = ?1", [num])?;
    erased
        .chats
        .push(ChatKey::parse(key).map_err(|e| StoreError::Other(anyhow::anyhow!("{e}")))?);
    Ok(())
}

/// Deletes an ended chat; `NotFound` / `Conflict` (open) as the trait says.
pub(crate) fn delete_chat(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    key: &ChatKey,
) -> StoreResult<Erased> {
    let sql = "SELECT num, state FROM chats WHERE key = ?1 AND account_id = ?2";
    let row: Option<(i64, String)> = cx
        .conn
        .prepare_cached(sql)
        .and_then(|mut s| {
            s.query_row(params![key.as_str(), account.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
        })
        .map_err(error::sql)?;
    let (num, state) = row.ok_or(StoreError::NotFound("chat"))?;
    if state != "ended" {
        return Err(StoreError::Conflict("the chat is still open".into()));
    }
    let mut erased = Erased::default();
    erase_one(cx, account, num, key.as_str(), &mut erased)?;
    Ok(erased)
}

/// Deletes everything about a visitor (see `Store::erase_visitor`).
pub(crate) fn erase_visitor(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    who: &VisitorRef,
) -> StoreResult<Erased> {
    let (chats_sql, responses_sql, arg) = match who {
        VisitorRef::Id(id) => (
            "SELECT num, key, state FROM chats WHERE account_id = ?1 AND visitor_id = ?2",
            "visitor_id = ?2",
            rusqlite::types::Value::Integer(*id),
        ),
        VisitorRef::Email(e) => (
            // The chat's visitor e-mail, or a transcript sent to it. Only transcripts: a staff
            // notice goes to a staff address, and erasing that person must not take every
            // chat they were alerted about.
            "SELECT num, key, state FROM chats WHERE account_id = ?1 AND (customer_email = ?2
                OR key IN (SELECT chat_key FROM outbox
                            WHERE account_id = ?1 AND kind = 'transcript'
                              AND lower(trim(to_address)) = ?2))",
            "email = ?2",
            rusqlite::types::Value::Text(VisitorRef::normalized_email(e)),
        ),
    };
    let chats: Vec<(i64, String, String)> = {
        let mut stmt = cx.conn.prepare_cached(chats_sql).map_err(error::sql)?;
        let rows = stmt
            .query_map(params![account.as_str(), arg], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(error::sql)?;
        rows.collect::<rusqlite::Result<_>>().map_err(error::sql)?
    };
    if chats.iter().any(|(_, _, state)| state != "ended") {
        return Err(StoreError::Conflict(
            "one of the visitor's chats is still open".into(),
        ));
    }
    let mut erased = Erased::default();
    for (num, key, _) in &chats {
        erase_one(cx, account, *num, key, &mut erased)?;
    }
    let offline = format!(
        "DELETE FROM survey_responses WHERE account_id = ?1 AND {responses_sql} AND kind = 'offline'"
    );
    let n = count(cx, &offline, params![account.as_str(), arg])?;
    erased.offline_messages += n;
    erased.survey_responses += n;
    let rest = format!("DELETE FROM survey_responses WHERE account_id = ?1 AND {responses_sql}");
    erased.survey_responses += count(cx, &rest, params![account.as_str(), arg])?;
    if let VisitorRef::Email(e) = who {
        let e = VisitorRef::normalized_email(e);
        // Transcripts to that address; staff notices about others stay.
        let mailbox = "DELETE FROM mailbox WHERE account_id = ?1 AND lower(trim(to_address)) = ?2
                        AND outbox_id IN (SELECT id FROM outbox WHERE kind = 'transcript')";
        erased.mailbox_mails += count(cx, mailbox, params![account.as_str(), e])?;
        let outbox = "DELETE FROM outbox WHERE account_id = ?1 AND lower(trim(to_address)) = ?2
                        AND kind = 'transcript' AND id NOT IN (SELECT outbox_id FROM mailbox)";
        erased.mails += count(cx, outbox, params![account.as_str(), e])?;
    }
    drop_orphan_notices(cx, account, &mut erased)?;
    Ok(erased)
}

/// Deletes the staff notices (outbox rows and their local-mailbox copies) of offline messages
/// that no longer exist: a notice repeats the visitor's name, address and words, so it goes
/// with the message it is about.
fn drop_orphan_notices(
    cx: &WriteCx<'_>,
    account: &AccountId,
    erased: &mut Erased,
) -> StoreResult<()> {
    let orphans = "SELECT id FROM outbox WHERE account_id = ?1 AND kind = 'offline_message'
                   AND offline_id NOT IN (SELECT id FROM survey_responses WHERE account_id = ?1)";
    let mailbox = format!("DELETE FROM mailbox WHERE account_id = ?1 AND outbox_id IN ({orphans})");
    erased.mailbox_mails += count(cx, &mailbox, [account.as_str()])?;
    let outbox = format!("DELETE FROM outbox WHERE id IN ({orphans})");
    erased.mails += count(cx, &outbox, [account.as_str()])?;
    Ok(())
}

/// One retention step: up to `max` chats that ended before `ended_before`, oldest first, and
/// up to `max` survey responses about no chat submitted before it.
pub(crate) fn sweep_retention(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    ended_before: Timestamp,
    max: u32,
) -> StoreResult<Erased> {
    let sql = "SELECT num, key FROM chats
               WHERE account_id = ?1 AND ended_at < ?2 AND state = 'ended'
               ORDER BY ended_at, num LIMIT ?3";
    let old: Vec<(i64, String)> = {
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        let rows = stmt
            .query_map(params![account.as_str(), ended_before.0, max], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(error::sql)?;
        rows.collect::<rusqlite::Result<_>>().map_err(error::sql)?
    };
    let mut erased = Erased::default();
    for (num, key) in &old {
        erase_one(cx, account, *num, key, &mut erased)?;
    }
    sweep_chatless(cx, account, ended_before, max, &mut erased)?;
    drop_orphan_notices(cx, account, &mut erased)?;
    Ok(erased)
}

/// Deletes up to `max` of the account's survey responses about no chat (offline messages:
/// e-mail addresses and text) submitted before `before`, oldest first. They have no chat
/// to end, so the chat sweep never reaches them. The scan is of the account's chat-less
/// responses (`survey_responses_account`, chat_key NULL), which retention keeps to one
/// period's worth; each delete is by primary key.
fn sweep_chatless(
    cx: &WriteCx<'_>,
    account: &AccountId,
    before: Timestamp,
    max: u32,
    erased: &mut Erased,
) -> StoreResult<()> {
    let sql = "SELECT id, kind FROM survey_responses
               WHERE account_id = ?1 AND chat_key IS NULL AND submitted_at < ?2
               ORDER BY submitted_at, id LIMIT ?3";
    let old: Vec<(i64, Option<String>)> = {
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        let rows = stmt
            .query_map(params![account.as_str(), before.0, max], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(error::sql)?;
        rows.collect::<rusqlite::Result<_>>().map_err(error::sql)?
    };
    for (id, kind) in old {
        let n = count(cx, "DELETE FROM survey_responses WHERE id = ?1", [id])?;
        erased.survey_responses += n;
        erased.chatless_responses += n;
        if kind.as_deref() == Some("offline") {
            erased.offline_messages += n;
        }
    }
    Ok(())
}

/// Sets or clears the account's retention period.
pub(crate) fn set_retention(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    days: Option<u32>,
) -> StoreResult<()> {
    let exists = cx
        .conn
        .prepare_cached("SELECT 1 FROM accounts WHERE id = ?1")
        .and_then(|mut s| s.exists([account.as_str()]))
        .map_err(error::sql)?;
    if !exists {
        return Err(StoreError::NotFound("account"));
    }
    match days {
        Some(d) => count(
            cx,
            "INSERT INTO retention (account_id, days) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET days = excluded.days",
            params![account.as_str(), d],
        )?,
        None => count(
            cx,
            "DELETE FROM retention WHERE account_id = ?1",
            [account.as_str()],
        )?,
    };
    Ok(())
}
