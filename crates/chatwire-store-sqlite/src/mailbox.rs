//! The local mailbox (`mailbox` table, migration 0006): delivery on the writer thread, together
//! with the outbox mail's "sent" in one savepoint; pages by cursor on the read pool.

use chatwire_core::{AccountId, ChatKey, MailId, MailboxId, MailboxMail, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, Row, params};

use crate::error::{self, corrupt};
use crate::writer::WriteCx;

/// Columns of `mailbox` in the order [`read`] takes them.
const COLUMNS: &str = "id, account_id, outbox_id, chat_key, from_address, to_address, subject, \
     body_text, body_html, delivered_at";

/// Raw `mailbox` row (see [`COLUMNS`]); decoded outside rusqlite's row callback so a corrupt
/// value becomes a store error, not a panic.
struct MailboxRow {
    id: i64,
    account: String,
    outbox: i64,
    chat: Option<String>,
    texts: [String; 5],
    delivered_at: i64,
}

fn read(row: &Row<'_>) -> rusqlite::Result<MailboxRow> {
    Ok(MailboxRow {
        id: row.get(0)?,
        account: row.get(1)?,
        outbox: row.get(2)?,
        chat: row.get(3)?,
        texts: [
            row.get(4)?,
            row.get(5)?,
            row.get(6)?,
            row.get(7)?,
            row.get(8)?,
        ],
        delivered_at: row.get(9)?,
    })
}

fn decode(row: MailboxRow) -> StoreResult<MailboxMail> {
    let [from, to, subject, text, html] = row.texts;
    Ok(MailboxMail {
        id: MailboxId(row.id),
        account: AccountId::parse(&row.account).map_err(|e| corrupt("mailbox", e))?,
        outbox: MailId(row.outbox),
        chat: row
            .chat
            .as_deref()
            .map(ChatKey::parse)
            .transpose()
            .map_err(|e| corrupt("mailbox", e))?,
        from,
        to,
        subject,
        text,
        html,
        delivered_at: Timestamp(row.delivered_at),
    })
}

/// Marks the outbox mail sent and files the message (both or neither: the writer runs each
/// operation in its own savepoint).
pub(crate) fn deliver(cx: &mut WriteCx<'_>, mail: &MailboxMail) -> StoreResult<MailboxId> {
    let sent = "UPDATE outbox SET status = 'sent', sent_at = ?3 WHERE id = ?1 AND account_id = ?2";
    let changed = cx
        .conn
        .prepare_cached(sent)
        .map_err(error::sql)?
        .execute(params![
            mail.outbox.0,
            mail.account.as_str(),
            mail.delivered_at.0
        ])
        .map_err(error::sql)?;
    if changed == 0 {
        return Err(StoreError::NotFound("mail"));
    }
    let insert = "INSERT INTO mailbox (account_id, outbox_id, chat_key, from_address, to_address,
                      subject, body_text, body_html, delivered_at)
                  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    cx.conn
        .prepare_cached(insert)
        .map_err(error::sql)?
        .execute(params![
            mail.account.as_str(),
            mail.outbox.0,
            mail.chat.as_ref().map(ChatKey::as_str),
            mail.from,
            mail.to,
            mail.subject,
            mail.text,
            mail.html,
            mail.delivered_at.0,
        ])
        .map_err(error::sql)?;
    Ok(MailboxId(cx.conn.last_insert_rowid()))
}

/// One page of an account's mailbox after the cursor, oldest first.
pub(crate) fn page(
    conn: &Connection,
    account: &AccountId,
    after: MailboxId,
    limit: u32,
) -> StoreResult<Vec<MailboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mailbox WHERE account_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(error::sql)?;
    let rows = stmt
        .query_map(params![account.as_str(), after.0, i64::from(limit)], read)
        .map_err(error::sql)?;
    rows.map(|r| r.map_err(error::sql).and_then(decode))
        .collect()
}
