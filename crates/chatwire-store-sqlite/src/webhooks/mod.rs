//! [`WebhookStore`] for [`SqliteStore`]: subscriptions, the claim, settling an attempt and dead
//! letters (`webhooks`, `webhook_dead_letters`, migration 0011). Writes, the claim included,
//! run on the writer thread (so a claim is one atomic step); reads on the read pool. Semantics
//! follow `chatwire_store::memory` exactly. Row decoding is in `rows`; the account event log
//! the claim and the merged read also look at is `crate::account_events`.

mod rows;

use async_trait::async_trait;
use chatwire_core::{
    AccountEvent, AccountEventKind, AccountId, DeadLetter, GlobalSeq, LogEntry, Timestamp, Webhook,
    WebhookId, WebhookKinds, WebhookProgress,
};
use chatwire_store::{StoreError, StoreResult, WebhookStore};
use rusqlite::{Connection, Row, params};

use crate::error::{self, corrupt};
use crate::writer::WriteCx;
use crate::{SqliteStore, account_events, queries};

use rows::{COLUMNS, HookRow, LETTER_COLUMNS, letter, letter_row};

fn exec(cx: &mut WriteCx<'_>, sql: &str, p: impl rusqlite::Params) -> StoreResult<usize> {
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(p).map_err(error::sql)
}

fn get(conn: &Connection, account: &AccountId, id: WebhookId) -> StoreResult<Webhook> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE id = ?1 AND account_id = ?2");
    queries::one(
        conn,
        &sql,
        params![id.0, account.as_str()],
        HookRow::read,
        HookRow::decode,
        "webhook",
    )
}

fn create(cx: &mut WriteCx<'_>, new: &Webhook) -> StoreResult<Webhook> {
    if !queries::account_exists(cx.conn, &new.account)? {
        return Err(StoreError::NotFound("account"));
    }
    // The writer's tail is every committed event: the subscription receives what follows.
    let cursor = cx.last_seq;
    let sql = "INSERT INTO webhooks (account_id, url, secret, kinds, format, enabled, created_at,
                   cursor, attempts, next_attempt_at)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?7)";
    exec(
        cx,
        sql,
        params![
            new.account.as_str(),
            new.url,
            new.secret,
            i64::from(new.kinds.0),
            new.format.as_str(),
            new.enabled,
            new.created_at.0,
            cursor,
        ],
    )?;
    get(
        cx.conn,
        &new.account,
        WebhookId(cx.conn.last_insert_rowid()),
    )
}

fn claim(
    cx: &mut WriteCx<'_>,
    now: Timestamp,
    lease: Timestamp,
    limit: u32,
) -> StoreResult<Vec<Webhook>> {
    let sql = format!(
        "UPDATE webhooks SET next_attempt_at = ?2 WHERE id IN (
             SELECT d.id FROM webhooks d
             WHERE d.enabled = 1 AND d.next_attempt_at <= ?1
               AND (EXISTS (SELECT 1 FROM chat_events e
                            WHERE e.account_id = d.account_id AND e.seq > d.cursor)
                    OR EXISTS (SELECT 1 FROM account_events a
                               WHERE a.account_id = d.account_id AND a.seq > d.cursor))
             ORDER BY d.next_attempt_at, d.id LIMIT ?3)
         RETURNING {COLUMNS}"
    );
    let mut hooks = queries::all(
        cx.conn,
        &sql,
        params![now.0, lease.0, limit],
        HookRow::read,
        HookRow::decode,
    )?;
    hooks.sort_by_key(|w| w.id);
    Ok(hooks)
}

fn settle(
    cx: &mut WriteCx<'_>,
    id: WebhookId,
    from: GlobalSeq,
    p: &WebhookProgress,
    dead: Option<&DeadLetter>,
) -> StoreResult<bool> {
    let sql = "UPDATE webhooks SET cursor = ?3, attempts = ?4, next_attempt_at = ?5,
                   failing_since = ?6, last_error = ?7
               WHERE id = ?1 AND cursor = ?2";
    let n = exec(
        cx,
        sql,
        params![
            id.0,
            from.0,
            p.cursor.0,
            i64::from(p.attempts),
            p.next_attempt_at.0,
            p.failing_since.map(|t| t.0),
            p.last_error,
        ],
    )?;
    if n == 0 {
        let exists = cx
            .conn
            .prepare_cached("SELECT 1 FROM webhooks WHERE id = ?1")
            .and_then(|mut s| s.exists([id.0]))
            .map_err(error::sql)?;
        return if exists {
            Ok(false)
        } else {
            Err(StoreError::NotFound("webhook"))
        };
    }
    if let Some(d) = dead {
        let sql = "INSERT INTO webhook_dead_letters
                       (webhook_id, seq, attempts, last_error, first_failed_at, dead_at)
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
        exec(
            cx,
            sql,
            params![
                id.0,
                d.seq.0,
                i64::from(d.attempts),
                d.last_error,
                d.first_failed_at.0,
                d.dead_at.0
            ],
        )?;
    }
    Ok(true)
}

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn create_webhook(&self, new: &Webhook) -> StoreResult<Webhook> {
        let new = new.clone();
        self.writer.run(move |cx| create(cx, &new)).await
    }

    async fn list_webhooks(&self, account: &AccountId) -> StoreResult<Vec<Webhook>> {
        let account = account.clone();
        self.readers
            .run(move |c| {
                let sql =
                    format!("SELECT {COLUMNS} FROM webhooks WHERE account_id = ?1 ORDER BY id");
                queries::all(c, &sql, [account.as_str()], HookRow::read, HookRow::decode)
            })
            .await
    }

    async fn enabled_webhooks(&self) -> StoreResult<Vec<(AccountId, WebhookId, WebhookKinds)>> {
        self.readers
            .run(|c| {
                let sql =
                    "SELECT account_id, id, kinds FROM webhooks WHERE enabled = 1 ORDER BY id";
                let read = |r: &Row<'_>| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                };
                queries::all(c, sql, [], read, |(a, id, kinds)| {
                    let account = AccountId::parse(&a).map_err(|e| corrupt("webhook", e))?;
                    let kinds = u32::try_from(kinds).map_err(|e| corrupt("webhook", e))?;
                    Ok((account, WebhookId(id), WebhookKinds(kinds)))
                })
            })
            .await
    }

    async fn get_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<Webhook> {
        let account = account.clone();
        self.readers.run(move |c| get(c, &account, id)).await
    }

    async fn update_webhook(&self, w: &Webhook) -> StoreResult<()> {
        let w = w.clone();
        self.writer
            .run(move |cx| {
                let sql = "UPDATE webhooks SET url = ?3, secret = ?4, kinds = ?5, format = ?6,
                               enabled = ?7
                           WHERE id = ?1 AND account_id = ?2";
                let n = exec(
                    cx,
                    sql,
                    params![
                        w.id.0,
                        w.account.as_str(),
                        w.url,
                        w.secret,
                        i64::from(w.kinds.0),
                        w.format.as_str(),
                        w.enabled
                    ],
                )?;
                if n == 0 {
                    Err(StoreError::NotFound("webhook"))
                } else {
                    Ok(())
                }
            })
            .await
    }

    async fn delete_webhook(&self, account: &AccountId, id: WebhookId) -> StoreResult<()> {
        let account = account.clone();
        self.writer
            .run(move |cx| {
                get(cx.conn, &account, id)?;
                exec(
                    cx,
                    "DELETE FROM webhook_dead_letters WHERE webhook_id = ?1",
                    [id.0],
                )?;
                exec(cx, "DELETE FROM webhooks WHERE id = ?1", [id.0])?;
                Ok(())
            })
            .await
    }

    async fn claim_due_webhooks(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Webhook>> {
        self.writer
            .run(move |cx| claim(cx, now, lease_until, limit))
            .await
    }

    async fn settle_webhook(
        &self,
        id: WebhookId,
        from: GlobalSeq,
        progress: &WebhookProgress,
        dead: Option<&DeadLetter>,
    ) -> StoreResult<bool> {
        let (progress, dead) = (progress.clone(), dead.cloned());
        self.writer
            .run(move |cx| settle(cx, id, from, &progress, dead.as_ref()))
            .await
    }

    async fn list_dead_letters(
        &self,
        account: &AccountId,
        webhook: WebhookId,
    ) -> StoreResult<Vec<DeadLetter>> {
        let account = account.clone();
        self.readers
            .run(move |c| {
                get(c, &account, webhook)?;
                let sql = format!(
                    "SELECT {LETTER_COLUMNS} FROM webhook_dead_letters WHERE webhook_id = ?1 ORDER BY id"
                );
                queries::all(c, &sql, [webhook.0], letter_row, letter)
            })
            .await
    }

    async fn delete_dead_letter(
        &self,
        account: &AccountId,
        webhook: WebhookId,
        id: i64,
    ) -> StoreResult<()> {
        let account = account.clone();
        self.writer
            .run(move |cx| {
                get(cx.conn, &account, webhook)?;
                let n = exec(
                    cx,
                    "DELETE FROM webhook_dead_letters WHERE id = ?1 AND webhook_id = ?2",
                    params![id, webhook.0],
                )?;
                if n == 0 {
                    Err(StoreError::NotFound("dead letter"))
                } else {
                    Ok(())
                }
            })
            .await
    }

    async fn webhook_log_since(
        &self,
        account: &AccountId,
        after: GlobalSeq,
        limit: u32,
    ) -> StoreResult<Vec<LogEntry>> {
        let account = account.clone();
        self.readers
            .run(move |c| account_events::log_since(c, &account, after, limit))
            .await
    }

    async fn append_account_event(
        &self,
        account: &AccountId,
        at: Timestamp,
        kind: &AccountEventKind,
    ) -> StoreResult<Option<AccountEvent>> {
        let (account, kind) = (account.clone(), kind.clone());
        self.writer
            .run(move |cx| {
                if !queries::account_exists(cx.conn, &account)? {
                    return Err(StoreError::NotFound("account"));
                }
                account_events::append(cx, &account, at, None, kind)
            })
            .await
    }
}
