//! The mail outbox (`outbox` table): queueing, delivery bookkeeping, the due scan, the claim
//! that hands each due mail to one node's mailer, and the per-chat listing.
//!
//! Readiness is not stored: the due scan joins `chats` and takes transcripts only once their
//! chat has ended, so the chat's committed state is the one source of truth (see
//! `0001_init.sql`); staff notices (`0012_staff_mail.sql`) are due at once.

use chatwire_core::{AccountId, ChatKey, MailId, MailKind, MailStatus, OutboxMail, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use crate::error::{self, corrupt};
use crate::rows::get;
use crate::{db, queries};

/// Columns of `outbox` (as `o`) in the order [`mail`] reads them.
const COLUMNS: &str = "o.id, o.account_id, o.chat_key, o.to_address, o.subject, o.tz_offset_ms, \
     o.created_at, o.status, o.attempts, o.next_attempt_at, o.sent_at, o.last_error, o.kind, \
     o.offline_id";

fn mail(row: &Row) -> StoreResult<OutboxMail> {
    let t = "outbox";
    let account: &str = get(row, 1, t)?;
    let chat: Option<&str> = get(row, 2, t)?;
    let kind: &str = get(row, 12, t)?;
    let status: &str = get(row, 7, t)?;
    let attempts: i32 = get(row, 8, t)?;
    let sent_at: Option<i64> = get(row, 10, t)?;
    Ok(OutboxMail {
        id: MailId(get(row, 0, t)?),
        account: AccountId::parse(account).map_err(|e| corrupt(t, e))?,
        kind: MailKind::parse(kind).ok_or_else(|| corrupt(t, format!("kind {kind:?}")))?,
        chat: chat
            .map(ChatKey::parse)
            .transpose()
            .map_err(|e| corrupt(t, e))?,
        offline: get(row, 13, t)?,
        to: get(row, 3, t)?,
        subject: get(row, 4, t)?,
        timezone_offset_ms: get(row, 5, t)?,
        created_at: Timestamp(get(row, 6, t)?),
        status: MailStatus::parse(status)
            .ok_or_else(|| corrupt(t, format!("status {status:?}")))?,
        attempts: u32::try_from(attempts).map_err(|e| corrupt(t, e))?,
        next_attempt_at: Timestamp(get(row, 9, t)?),
        sent_at: sent_at.map(Timestamp),
        last_error: get(row, 11, t)?,
    })
}

/// Inserts a pending mail; `NotFound` if the account or its chat does not exist.
pub(crate) async fn enqueue<C: GenericClient>(c: &C, m: &OutboxMail) -> StoreResult<MailId> {
    queries::require_account(c, &m.account).await?;
    if let Some(key) = &m.chat {
        let check = "SELECT 1 FROM chats WHERE key = $1 AND account_id = $2";
        if !db::exists(c, check, &[&key.as_str(), &m.account.as_str()]).await? {
            return Err(StoreError::NotFound("chat"));
        }
    }
    let sql = "INSERT INTO outbox (account_id, chat_key, to_address, subject, tz_offset_ms,
                   created_at, status, attempts, next_attempt_at, kind, offline_id)
               VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8, $9) RETURNING id";
    let params: db::Params<'_> = &[
        &m.account.as_str(),
        &m.chat.as_ref().map(ChatKey::as_str),
        &m.to,
        &m.subject,
        &m.timezone_offset_ms,
        &m.created_at.0,
        &m.next_attempt_at.0,
        &m.kind.as_str(),
        &m.offline,
    ];
    let row = db::one(c, sql, params, "mail").await?;
    Ok(MailId(get(&row, 0, "outbox")?))
}

/// Marks a mail sent.
pub(crate) async fn mark_sent<C: GenericClient>(
    c: &C,
    id: MailId,
    at: Timestamp,
) -> StoreResult<()> {
    let sql = "UPDATE outbox SET status = 'sent', sent_at = $2 WHERE id = $1";
    match db::exec(c, sql, &[&id.0, &at.0]).await.map_err(error::pg)? {
        0 => Err(StoreError::NotFound("mail")),
        _ => Ok(()),
    }
}

/// Records a failed attempt; without `retry_at` the mail is given up.
pub(crate) async fn mark_failed<C: GenericClient>(
    c: &C,
    id: MailId,
    attempts: u32,
    retry_at: Option<Timestamp>,
    error: &str,
) -> StoreResult<()> {
    // COALESCE keeps the old next_attempt_at when giving up: the column is NOT NULL and a
    // failed mail is never scanned again anyway.
    let sql = "UPDATE outbox SET attempts = $2, last_error = $3,
                   next_attempt_at = COALESCE($4::int8, next_attempt_at),
                   status = CASE WHEN $4::int8 IS NULL THEN 'failed' ELSE status END
               WHERE id = $1";
    let attempts = i32::try_from(attempts).unwrap_or(i32::MAX);
    let retry_at = retry_at.map(|t| t.0);
    let changed = db::exec(c, sql, &[&id.0, &attempts, &error, &retry_at])
        .await
        .map_err(error::pg)?;
    if changed == 0 {
        Err(StoreError::NotFound("mail"))
    } else {
        Ok(())
    }
}

/// Pending mails whose next attempt is due, earliest first: notices at once, transcripts once
/// their chat has ended.
pub(crate) async fn due<C: GenericClient>(
    c: &C,
    now: Timestamp,
    limit: u32,
) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox o LEFT JOIN chats c ON c.key = o.chat_key
         WHERE o.status = 'pending' AND o.next_attempt_at <= $1
           AND (o.kind <> 'transcript' OR c.state = 'ended')
         ORDER BY o.next_attempt_at, o.id LIMIT $2"
    );
    db::rows(c, &sql, &[&now.0, &i64::from(limit)])
        .await?
        .iter()
        .map(mail)
        .collect()
}

/// Claims due mails for one delivery attempt: selects them as [`due`] does, locking the rows
/// and skipping rows another claimer has locked (`SKIP LOCKED`, so concurrent mailers on other
/// nodes take different mails instead of queueing behind each other), and moves their next
/// attempt to `lease_until` in the same statement. A mail a concurrent claim committed first
/// is re-checked against the new `next_attempt_at` and so not taken twice.
pub(crate) async fn claim<C: GenericClient>(
    c: &C,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "WITH picked AS (
             SELECT o.id, o.next_attempt_at AS due_at
             FROM outbox o LEFT JOIN chats c ON c.key = o.chat_key
             WHERE o.status = 'pending' AND o.next_attempt_at <= $1
               AND (o.kind <> 'transcript' OR c.state = 'ended')
             ORDER BY o.next_attempt_at, o.id LIMIT $3
             FOR UPDATE OF o SKIP LOCKED
         ), claimed AS (
             UPDATE outbox o SET next_attempt_at = $2 FROM picked WHERE o.id = picked.id
             RETURNING {COLUMNS}, picked.due_at
         )
         SELECT * FROM claimed o ORDER BY o.due_at, o.id"
    );
    db::rows(c, &sql, &[&now.0, &lease_until.0, &i64::from(limit)])
        .await?
        .iter()
        .map(mail)
        .collect()
}

/// A chat's mails, oldest first.
pub(crate) async fn of_chat<C: GenericClient>(
    c: &C,
    account: &AccountId,
    key: &ChatKey,
) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox o WHERE o.chat_key = $1 AND o.account_id = $2 ORDER BY o.id"
    );
    db::rows(c, &sql, &[&key.as_str(), &account.as_str()])
        .await?
        .iter()
        .map(mail)
        .collect()
}
