//! The mail outbox (`outbox` table): queueing, claims and delivery bookkeeping run on the
//! writer thread, the due scan and the per-chat listing on the read pool.
//!
//! Readiness is not stored: the due scan joins `chats` and takes transcripts only once their
//! chat has ended, so the chat's committed state is the one source of truth (see
//! `0004_outbox.sql`); staff notices (`0013_staff_mail.sql`) are due at once.

use chatwire_core::{AccountId, ChatKey, MailId, MailKind, MailStatus, OutboxMail, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, Row, params};

use crate::error::{self, corrupt};
use crate::queries;
use crate::writer::WriteCx;

/// Columns of `outbox` (as `o`) in the order [`OutboxRow::read`] takes them.
const COLUMNS: &str = "o.id, o.account_id, o.chat_key, o.to_address, o.subject, o.tz_offset_ms, \
     o.created_at, o.status, o.attempts, o.next_attempt_at, o.sent_at, o.last_error, o.kind, \
     o.offline_id";

/// Raw `outbox` row (see [`COLUMNS`]).
struct OutboxRow {
    id: i64,
    account: String,
    chat: Option<String>,
    to: String,
    subject: String,
    tz_offset_ms: Option<i64>,
    created_at: i64,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    sent_at: Option<i64>,
    last_error: Option<String>,
    kind: String,
    offline: Option<i64>,
}

impl OutboxRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            account: row.get(1)?,
            chat: row.get(2)?,
            to: row.get(3)?,
            subject: row.get(4)?,
            tz_offset_ms: row.get(5)?,
            created_at: row.get(6)?,
            status: row.get(7)?,
            attempts: row.get(8)?,
            next_attempt_at: row.get(9)?,
            sent_at: row.get(10)?,
            last_error: row.get(11)?,
            kind: row.get(12)?,
            offline: row.get(13)?,
        })
    }

    fn decode(self) -> StoreResult<OutboxMail> {
        Ok(OutboxMail {
            id: MailId(self.id),
            account: AccountId::parse(&self.account).map_err(|e| corrupt("outbox", e))?,
            kind: MailKind::parse(&self.kind)
                .ok_or_else(|| corrupt("outbox", format!("kind {:?}", self.kind)))?,
            chat: self
                .chat
                .as_deref()
                .map(ChatKey::parse)
                .transpose()
                .map_err(|e| corrupt("outbox", e))?,
            offline: self.offline,
            to: self.to,
            subject: self.subject,
            timezone_offset_ms: self.tz_offset_ms,
            created_at: Timestamp(self.created_at),
            status: MailStatus::parse(&self.status)
                .ok_or_else(|| corrupt("outbox", format!("status {:?}", self.status)))?,
            attempts: u32::try_from(self.attempts).map_err(|e| corrupt("outbox", e))?,
            next_attempt_at: Timestamp(self.next_attempt_at),
            sent_at: self.sent_at.map(Timestamp),
            last_error: self.last_error,
        })
    }
}

fn all(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<Vec<OutboxMail>> {
    let mut stmt = conn.prepare_cached(sql).map_err(error::sql)?;
    let rows = stmt
        .query_map(params, OutboxRow::read)
        .map_err(error::sql)?;
    rows.map(|r| r.map_err(error::sql).and_then(OutboxRow::decode))
        .collect()
}

/// Inserts a pending mail; `NotFound` if the account or its chat does not exist.
pub(crate) fn enqueue(cx: &mut WriteCx<'_>, mail: &OutboxMail) -> StoreResult<MailId> {
    if !queries::account_exists(cx.conn, &mail.account)? {
        return Err(StoreError::NotFound("account"));
    }
    if let Some(key) = &mail.chat {
        let mut chat = cx
            .conn
            .prepare_cached("SELECT 1 FROM chats WHERE key = ?1 AND account_id = ?2")
            .map_err(error::sql)?;
        if !chat
            .exists(params![key.as_str(), mail.account.as_str()])
            .map_err(error::sql)?
        {
            return Err(StoreError::NotFound("chat"));
        }
    }
    let sql = "INSERT INTO outbox (account_id, chat_key, to_address, subject, tz_offset_ms,
                   created_at, status, attempts, next_attempt_at, kind, offline_id)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?8, ?9)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        mail.account.as_str(),
        mail.chat.as_ref().map(ChatKey::as_str),
        mail.to,
        mail.subject,
        mail.timezone_offset_ms,
        mail.created_at.0,
        mail.next_attempt_at.0,
        mail.kind.as_str(),
        mail.offline,
    ])
    .map_err(error::sql)?;
    Ok(MailId(cx.conn.last_insert_rowid()))
}

/// Marks a mail sent.
pub(crate) fn mark_sent(cx: &mut WriteCx<'_>, id: MailId, at: Timestamp) -> StoreResult<()> {
    let sql = "UPDATE outbox SET status = 'sent', sent_at = ?2 WHERE id = ?1";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    match stmt.execute(params![id.0, at.0]).map_err(error::sql)? {
        0 => Err(StoreError::NotFound("mail")),
        _ => Ok(()),
    }
}

/// Records a failed attempt; without `retry_at` the mail is given up.
pub(crate) fn mark_failed(
    cx: &mut WriteCx<'_>,
    id: MailId,
    attempts: u32,
    retry_at: Option<Timestamp>,
    error: &str,
) -> StoreResult<()> {
    // COALESCE keeps the old next_attempt_at when giving up: the column is NOT NULL and a
    // failed mail is never scanned again anyway.
    let sql = "UPDATE outbox SET attempts = ?2, last_error = ?3,
                   next_attempt_at = COALESCE(?4, next_attempt_at),
                   status = CASE WHEN ?4 IS NULL THEN 'failed' ELSE status END
               WHERE id = ?1";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    let changed = stmt
        .execute(params![
            id.0,
            i64::from(attempts),
            error,
            retry_at.map(|t| t.0)
        ])
        .map_err(error::sql)?;
    if changed == 0 {
        Err(StoreError::NotFound("mail"))
    } else {
        Ok(())
    }
}

/// Pending mails whose next attempt is due: notices at once, transcripts once their chat
/// has ended.
pub(crate) fn due(conn: &Connection, now: Timestamp, limit: u32) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox o LEFT JOIN chats c ON c.key = o.chat_key
         WHERE o.status = 'pending' AND o.next_attempt_at <= ?1
           AND (o.kind <> 'transcript' OR c.state = 'ended')
         ORDER BY o.next_attempt_at, o.id LIMIT ?2"
    );
    all(conn, &sql, params![now.0, i64::from(limit)])
}

/// The due scan and the lease in one statement on the writer (so nothing can claim between
/// them). Returns the claimed mails as stored afterwards, in due order.
pub(crate) fn claim(
    cx: &mut WriteCx<'_>,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> StoreResult<Vec<OutboxMail>> {
    let due = due(cx.conn, now, limit)?;
    let sql = "UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    due.into_iter()
        .map(|mut mail| {
            stmt.execute(params![mail.id.0, lease_until.0])
                .map_err(error::sql)?;
            mail.next_attempt_at = lease_until;
            Ok(mail)
        })
        .collect()
}

/// A chat's mails, oldest first.
pub(crate) fn of_chat(
    conn: &Connection,
    account: &AccountId,
    key: &ChatKey,
) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox o WHERE o.chat_key = ?1 AND o.account_id = ?2 ORDER BY o.id"
    );
    all(conn, &sql, params![key.as_str(), account.as_str()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_with_an_unknown_status_is_an_error_not_a_panic() {
        let row = OutboxRow {
            id: 1,
            account: "acc".into(),
            chat: Some(ChatKey::from_random(1, 2, 3).as_str().to_owned()),
            to: "v@example.com".into(),
            subject: String::new(),
            tz_offset_ms: None,
            created_at: 0,
            status: "queued".into(),
            attempts: 0,
            next_attempt_at: 0,
            sent_at: None,
            last_error: None,
            kind: "transcript".into(),
            offline: None,
        };
        assert!(matches!(row.decode(), Err(StoreError::Other(_))));
    }
}
