//! The account event log (`account_events`, migration 0012): appending an event with the next
//! global seq from the writer's one counter (the one chat events are numbered from), and the
//! merged log a webhook subscription reads (chat events and account events by seq, one
//! statement, so one snapshot).

use chatwire_core::{
    AccountEvent, AccountEventKind, AccountId, ChatKey, FeedItem, GlobalSeq, LogEntry, Timestamp,
    WebhookKinds,
};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, Row, params};

use crate::error::{self, corrupt};
use crate::queries;
use crate::rows::EventRow;
use crate::writer::WriteCx;

/// Appends `kind` to `account`'s log with the next seq, inside the caller's job (so in the
/// transaction of its cause), if a subscription of the account (enabled or paused) takes its
/// kind; `None` otherwise (nothing would ever read it). `response` ties it to the survey
/// response it announces (the event is deleted with it). Subscriptions are created and changed
/// on this same writer thread, so the check and the append see one state of them.
pub(crate) fn append(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    at: Timestamp,
    response: Option<i64>,
    kind: AccountEventKind,
) -> StoreResult<Option<AccountEvent>> {
    let bit = i64::from(WebhookKinds::from_kinds([kind.webhook_kind()]).0);
    let taken = cx
        .conn
        .prepare_cached("SELECT 1 FROM webhooks WHERE account_id = ?1 AND (kinds & ?2) != 0")
        .and_then(|mut s| s.exists(params![account.as_str(), bit]))
        .map_err(error::sql)?;
    if !taken {
        return Ok(None);
    }
    let seq = cx.last_seq + 1;
    let json = serde_json::to_string(&kind).map_err(|e| StoreError::Other(e.into()))?;
    let sql = "INSERT INTO account_events (seq, account_id, at, response_id, kind_json)
               VALUES (?1, ?2, ?3, ?4, ?5)";
    cx.conn
        .prepare_cached(sql)
        .and_then(|mut s| s.execute(params![seq, account.as_str(), at.0, response, json]))
        .map_err(error::sql)?;
    // Only after the insert: a failed job gives its seq back anyway (the writer restores it).
    cx.last_seq = seq;
    Ok(Some(AccountEvent {
        seq: GlobalSeq(seq),
        account: account.clone(),
        at,
        kind,
    }))
}

/// One row of the merged read: 0 = chat event (with its chat key), 1 = account event.
type Merged = (i64, String, EventRow);

/// `account`'s chat and account events after `after`, by seq, at most `limit`. Each side is
/// limited first (its `(account_id, seq)` index gives it in order), so a cursor far behind
/// costs two index ranges of `limit` rows, not a sort of the backlog.
pub(crate) fn log_since(
    conn: &Connection,
    account: &AccountId,
    after: GlobalSeq,
    limit: u32,
) -> StoreResult<Vec<LogEntry>> {
    let sql = "SELECT * FROM (
                   SELECT 0, c.key, e.seq, e.event_id, e.at, e.kind_json
                   FROM chat_events e JOIN chats c ON c.num = e.chat_num
                   WHERE e.account_id = ?1 AND e.seq > ?2 ORDER BY e.seq LIMIT ?3)
               UNION ALL
               SELECT * FROM (
                   SELECT 1, '', a.seq, 0, a.at, a.kind_json
                   FROM account_events a
                   WHERE a.account_id = ?1 AND a.seq > ?2 ORDER BY a.seq LIMIT ?3)
               ORDER BY 3 LIMIT ?3";
    let read = |r: &Row<'_>| -> rusqlite::Result<Merged> {
        Ok((r.get(0)?, r.get(1)?, EventRow::read_from(r, 2)?))
    };
    let args = params![account.as_str(), after.0, i64::from(limit)];
    queries::all(conn, sql, args, read, |(source, key, row)| {
        decode(account, source, &key, row)
    })
}

fn decode(account: &AccountId, source: i64, key: &str, row: EventRow) -> StoreResult<LogEntry> {
    if source == 0 {
        return Ok(LogEntry::Chat(FeedItem {
            chat: ChatKey::parse(key).map_err(|e| corrupt("chat", e))?,
            event: row.decode()?,
        }));
    }
    let (seq, at, json) = row.into_parts();
    Ok(LogEntry::Account(AccountEvent {
        seq: GlobalSeq(seq),
        account: account.clone(),
        at: Timestamp(at),
        kind: serde_json::from_str(&json).map_err(|e| corrupt("account event", e))?,
    }))
}
