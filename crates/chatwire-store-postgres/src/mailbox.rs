//! The local mailbox (`mailbox` table, migration 0003): delivery in one statement with the
//! outbox mail's "sent" (so it is atomic without a transaction), and pages by cursor.

use chatwire_core::{AccountId, ChatKey, MailId, MailboxId, MailboxMail, Timestamp};
use chatwire_store::StoreResult;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use crate::db;
use crate::error::corrupt;
use crate::rows::get;

/// Columns of `mailbox` in the order [`mail`] reads them.
const COLUMNS: &str = "id, account_id, outbox_id, chat_key, from_address, to_address, subject, \
     body_text, body_html, delivered_at";

fn mail(row: &Row) -> StoreResult<MailboxMail> {
    let t = "mailbox";
    let account: &str = get(row, 1, t)?;
    let chat: Option<&str> = get(row, 3, t)?;
    Ok(MailboxMail {
        id: MailboxId(get(row, 0, t)?),
        account: AccountId::parse(account).map_err(|e| corrupt(t, e))?,
        outbox: MailId(get(row, 2, t)?),
        chat: chat
            .map(ChatKey::parse)
            .transpose()
            .map_err(|e| corrupt(t, e))?,
        from: get(row, 4, t)?,
        to: get(row, 5, t)?,
        subject: get(row, 6, t)?,
        text: get(row, 7, t)?,
        html: get(row, 8, t)?,
        delivered_at: Timestamp(get(row, 9, t)?),
    })
}

/// Marks the outbox mail sent and files the message; `NotFound` when the account has no such
/// outbox mail (then nothing is written).
pub(crate) async fn deliver<C: GenericClient>(c: &C, m: &MailboxMail) -> StoreResult<MailboxId> {
    let sql = "WITH sent AS (
                   UPDATE outbox SET status = 'sent', sent_at = $3
                   WHERE id = $2 AND account_id = $1 RETURNING id
               )
               INSERT INTO mailbox (account_id, outbox_id, chat_key, from_address, to_address,
                   subject, body_text, body_html, delivered_at)
               SELECT $1, sent.id, $4, $5, $6, $7, $8, $9, $3 FROM sent
               RETURNING id";
    let params: db::Params<'_> = &[
        &m.account.as_str(),
        &m.outbox.0,
        &m.delivered_at.0,
        &m.chat.as_ref().map(ChatKey::as_str),
        &m.from,
        &m.to,
        &m.subject,
        &m.text,
        &m.html,
    ];
    let row = db::one(c, sql, params, "mail").await?;
    Ok(MailboxId(get(&row, 0, "mailbox")?))
}

/// One page of an account's mailbox after the cursor, oldest first.
pub(crate) async fn page<C: GenericClient>(
    c: &C,
    account: &AccountId,
    after: MailboxId,
    limit: u32,
) -> StoreResult<Vec<MailboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mailbox WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3"
    );
    let rows = db::rows(c, &sql, &[&account.as_str(), &after.0, &i64::from(limit)]).await?;
    rows.iter().map(mail).collect()
}
