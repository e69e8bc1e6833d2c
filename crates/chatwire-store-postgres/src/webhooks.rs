//! [`WebhookStore`] for [`PgStore`]: subscriptions, the claim that hands a due subscription to
//! one node (`FOR UPDATE SKIP LOCKED`, as the mail outbox's), settling an attempt and dead
//! letters (migration 0010). Semantics follow `chatwire_store::memory` exactly.

use async_trait::async_trait;
use chatwire_core::{
    AccountEvent, AccountEventKind, AccountId, DeadLetter, GlobalSeq, LogEntry, PayloadFormat,
    Timestamp, Webhook, WebhookId, WebhookKinds, WebhookProgress,
};
use chatwire_store::{StoreError, StoreResult, WebhookStore};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use crate::error::{self, corrupt};
use crate::rows::get;
use crate::{PgStore, account_events, db};

/// Columns of `webhooks` in the order [`hook`] reads them.
const COLUMNS: &str = "id, account_id, url, secret, kinds, format, enabled, created_at, cursor, \
     attempts, next_attempt_at, failing_since, last_error";

/// Columns of `webhook_dead_letters` in the order [`letter`] reads them.
const LETTER_COLUMNS: &str = "id, webhook_id, seq, attempts, last_error, first_failed_at, dead_at";

fn hook(row: &Row) -> StoreResult<Webhook> {
    let t = "webhook";
    let account: &str = get(row, 1, t)?;
    let kinds: i32 = get(row, 4, t)?;
    let format: &str = get(row, 5, t)?;
    let attempts: i32 = get(row, 9, t)?;
    let failing_since: Option<i64> = get(row, 11, t)?;
    Ok(Webhook {
        id: WebhookId(get(row, 0, t)?),
        account: AccountId::parse(account).map_err(|e| corrupt(t, e))?,
        url: get(row, 2, t)?,
        secret: get(row, 3, t)?,
        kinds: WebhookKinds(u32::try_from(kinds).map_err(|e| corrupt(t, e))?),
        format: PayloadFormat::parse(format).map_err(|e| corrupt(t, e))?,
        enabled: get(row, 6, t)?,
        created_at: Timestamp(get(row, 7, t)?),
        progress: WebhookProgress {
            cursor: GlobalSeq(get(row, 8, t)?),
            attempts: u32::try_from(attempts).map_err(|e| corrupt(t, e))?,
            next_attempt_at: Timestamp(get(row, 10, t)?),
            failing_since: failing_since.map(Timestamp),
            last_error: get(row, 12, t)?,
        },
    })
}

fn letter(row: &Row) -> StoreResult<DeadLetter> {
    let t = "dead letter";
    let attempts: i32 = get(row, 3, t)?;
    Ok(DeadLetter {
        id: get(row, 0, t)?,
        webhook: WebhookId(get(row, 1, t)?),
        seq: GlobalSeq(get(row, 2, t)?),
        attempts: u32::try_from(attempts).map_err(|e| corrupt(t, e))?,
        last_error: get(row, 4, t)?,
        first_failed_at: Timestamp(get(row, 5, t)?),
        dead_at: Timestamp(get(row, 6, t)?),
    })
}

fn int(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

async fn read<C: GenericClient>(c: &C, account: &AccountId, id: WebhookId) -> StoreResult<Webhook> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE id = $1 AND account_id = $2");
    hook(&db::one(c, &sql, &[&id.0, &account.as_str()], "webhook").await?)
}

/// Locks the account's row against account-event writers (`account_events::append` takes it
/// shared) for the rest of the transaction; `NotFound` if there is no such account. `NO KEY`:
/// chat writes referencing the account (key share) are not held up.
async fn lock_account<C: GenericClient>(c: &C, account: &AccountId) -> StoreResult<()> {
    let sql = "SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE";
    db::one(c, sql, &[&account.as_str()], "account")
        .await
        .map(drop)
}

fn found(n: u64, what: &'static str) -> StoreResult<()> {
    if n == 0 {
        Err(StoreError::NotFound(what))
    } else {
        Ok(())
    }
}

#[async_trait]
impl WebhookStore for PgStore {
    async fn create_webhook(&self, new: &Webhook) -> StoreResult<Webhook> {
        let mut client = self.client().await?;
        let c = crate::chats::begin(&mut client).await?;
        // Serialises with account-event writers (`account_events::append`): they see this
        // subscription, or committed before its cursor is read.
        lock_account(&c, &new.account).await?;
        // The counter as committed: every event numbered up to it is committed (the counter
        // row stays locked until its transaction's commit), every later one is delivered.
        let sql = format!(
            "INSERT INTO webhooks (account_id, url, secret, kinds, format, enabled, created_at,
                 cursor, attempts, next_attempt_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, last, 0, $7 FROM event_seq
             RETURNING {COLUMNS}"
        );
        let kinds = i32::try_from(new.kinds.0).map_err(|e| StoreError::Other(e.into()))?;
        let params: db::Params<'_> = &[
            &new.account.as_str(),
            &new.url,
            &new.secret,
            &kinds,
            &new.format.as_str(),
            &new.enabled,
            &new.created_at.0,
        ];
        let created = hook(&db::one(&c, &sql, params, "event_seq").await?)?;
        c.commit().await.map_err(error::pg)?;
        Ok(created)
    }

    async fn list_webhooks(&self, account: &AccountId) -> StoreResult<Vec<Webhook>> {
        let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE account_id = $1 ORDER BY id");
        let c = self.client().await?;
        db::rows(&c, &sql, &[&account.as_str()])
            .await?
            .iter()
            .map(hook)
            .collect()
    }

    async fn enabled_webhooks(&self) -> StoreResult<Vec<(AccountId, WebhookId, WebhookKinds)>> {
        let sql = "SELECT account_id, id, kinds FROM webhooks WHERE enabled ORDER BY id";
        let c = self.client().await?;
        db::rows(&c, sql, &[])
            .await?
            .iter()
            .map(|row| {
                let account: &str = get(row, 0, "webhook")?;
                let account = AccountId::parse(account).map_err(|e| corrupt("webhook", e))?;
                let kinds: i32 = get(row, 2, "webhook")?;
                let kinds = u32::try_from(kinds).map_err(|e| corrupt("webhook", e))?;
                Ok((
                    account,
                    WebhookId(get(row, 1, "webhook")?),
                    WebhookKinds(kinds),
                ))
            })
            .collect()
    }

    async fn get_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<Webhook> {
        read(&self.client().await?, account, id).await
    }

    async fn update_webhook(&self, w: &Webhook) -> StoreResult<()> {
        let sql = "UPDATE webhooks SET url = $3, secret = $4, kinds = $5, format = $6, enabled = $7
                   WHERE id = $1 AND account_id = $2";
        let kinds = i32::try_from(w.kinds.0).map_err(|e| StoreError::Other(e.into()))?;
        let params: db::Params<'_> = &[
            &w.id.0,
            &w.account.as_str(),
            &w.url,
            &w.secret,
            &kinds,
            &w.format.as_str(),
            &w.enabled,
        ];
        let mut client = self.client().await?;
        let c = crate::chats::begin(&mut client).await?;
        // Its kinds or pause may change what account events are written (see create).
        lock_account(&c, &w.account).await?;
        found(
            db::exec(&c, sql, params).await.map_err(error::pg)?,
            "webhook",
        )?;
        c.commit().await.map_err(error::pg)
    }

    async fn delete_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<()> {
        // Dead letters go with it (ON DELETE CASCADE).
        let sql = "DELETE FROM webhooks WHERE id = $1 AND account_id = $2";
        let c = self.client().await?;
        found(
            db::exec(&c, sql, &[&id.0, &account.as_str()])
                .await
                .map_err(error::pg)?,
            "webhook",
        )
    }

    async fn claim_due_webhooks(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Webhook>> {
        // SKIP LOCKED: another node's concurrent claim takes other subscriptions instead of
        // queueing behind this one; a row it committed first is re-checked against its new
        // next_attempt_at (READ COMMITTED re-evaluation) and so not taken twice.
        let sql = format!(
            "WITH picked AS (
                 SELECT w.id FROM webhooks w
                 WHERE w.enabled AND w.next_attempt_at <= $1
                   AND (EXISTS (SELECT 1 FROM chat_events e
                                WHERE e.account_id = w.account_id AND e.seq > w.cursor)
                        OR EXISTS (SELECT 1 FROM account_events a
                                   WHERE a.account_id = w.account_id AND a.seq > w.cursor))
                 ORDER BY w.next_attempt_at, w.id LIMIT $3
                 FOR UPDATE OF w SKIP LOCKED
             )
             UPDATE webhooks SET next_attempt_at = $2 FROM picked WHERE webhooks.id = picked.id
             RETURNING {}",
            COLUMNS
                .split(", ")
                .map(|c| format!("webhooks.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let c = self.client().await?;
        let mut hooks: Vec<Webhook> =
            db::rows(&c, &sql, &[&now.0, &lease_until.0, &i64::from(limit)])
                .await?
                .iter()
                .map(hook)
                .collect::<StoreResult<_>>()?;
        hooks.sort_by_key(|w| w.id);
        Ok(hooks)
    }

    async fn settle_webhook(
        &self,
        id: WebhookId,
        from: GlobalSeq,
        p: &WebhookProgress,
        dead: Option<&DeadLetter>,
    ) -> StoreResult<bool> {
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        let sql = "UPDATE webhooks SET cursor = $3, attempts = $4, next_attempt_at = $5,
                       failing_since = $6, last_error = $7
                   WHERE id = $1 AND cursor = $2";
        let failing = p.failing_since.map(|t| t.0);
        let params: db::Params<'_> = &[
            &id.0,
            &from.0,
            &p.cursor.0,
            &int(p.attempts),
            &p.next_attempt_at.0,
            &failing,
            &p.last_error,
        ];
        if db::exec(&tx, sql, params).await.map_err(error::pg)? == 0 {
            let exists = db::exists(&tx, "SELECT 1 FROM webhooks WHERE id = $1", &[&id.0]).await?;
            return if exists {
                Ok(false)
            } else {
                Err(StoreError::NotFound("webhook"))
            };
        }
        if let Some(d) = dead {
            let sql = "INSERT INTO webhook_dead_letters
                           (webhook_id, seq, attempts, last_error, first_failed_at, dead_at)
                       VALUES ($1, $2, $3, $4, $5, $6)";
            let params: db::Params<'_> = &[
                &id.0,
                &d.seq.0,
                &int(d.attempts),
                &d.last_error,
                &d.first_failed_at.0,
                &d.dead_at.0,
            ];
            db::exec(&tx, sql, params).await.map_err(error::pg)?;
        }
        tx.commit().await.map_err(error::pg)?;
        Ok(true)
    }

    async fn list_dead_letters(
        &self,
        account: &AccountId,
        webhook: WebhookId,
    ) -> StoreResult<Vec<DeadLetter>> {
        let c = self.client().await?;
        read(&c, account, webhook).await?;
        let sql = format!(
            "SELECT {LETTER_COLUMNS} FROM webhook_dead_letters WHERE webhook_id = $1 ORDER BY id"
        );
        db::rows(&c, &sql, &[&webhook.0])
            .await?
            .iter()
            .map(letter)
            .collect()
    }

    async fn delete_dead_letter(
        &self,
        account: &AccountId,
        webhook: WebhookId,
        id: i64,
    ) -> StoreResult<()> {
        let c = self.client().await?;
        read(&c, account, webhook).await?;
        let sql = "DELETE FROM webhook_dead_letters WHERE id = $1 AND webhook_id = $2";
        found(
            db::exec(&c, sql, &[&id, &webhook.0])
                .await
                .map_err(error::pg)?,
            "dead letter",
        )
    }

    async fn webhook_log_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<LogEntry>> {
        account_events::log_since(&self.client().await?, account, after, limit).await
    }

    async fn append_account_event(
        &self,
        account: &AccountId,
        at: Timestamp,
        kind: &AccountEventKind,
    ) -> StoreResult<Option<AccountEvent>> {
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        let exists = "SELECT 1 FROM accounts WHERE id = $1";
        if !db::exists(&tx, exists, &[&account.as_str()]).await? {
            return Err(StoreError::NotFound("account"));
        }
        let event = account_events::append(&tx, account, at, None, kind.clone()).await?;
        tx.commit().await.map_err(error::pg)?;
        Ok(event)
    }
}
