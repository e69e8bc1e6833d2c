//! The account event log (`account_events`, migration 0011): appending an event numbered from
//! the same `event_seq` counter row as chat events, and the merged log a webhook subscription
//! reads (chat events and account events by seq, in one statement, so one snapshot).
//!
//! [`append`] takes the counter exactly as `seq::append` does: in the LAST statement of the
//! transaction before `COMMIT` (see `seq`'s module doc). The counter's row lock is then held
//! until the commit is visible, so no appender of either log gets a larger seq before this
//! event is visible, and a webhook cursor moved past seq N never skips an event numbered
//! below N that commits later.

use chatwire_core::{
    AccountEvent, AccountEventKind, AccountId, ChatKey, FeedItem, GlobalSeq, LogEntry, Timestamp,
    WebhookKinds,
};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;

use crate::error::corrupt;
use crate::{db, rows};

/// Appends `kind` to `account`'s log with the next global seq, if a subscription of the
/// account (enabled or paused) takes its kind; `None` otherwise (nothing would ever read it).
/// Must be the caller's last step before `COMMIT` (see the module doc); `response` ties the
/// event to the survey response it announces (the event is deleted with it).
///
/// The check is made under a share lock on the account's row, which creating or changing a
/// subscription takes exclusively (`webhooks.rs`): a subscription committed first is seen here
/// (READ COMMITTED reads it after the wait), and one committed after this transaction takes
/// its cursor after this commit, so no subscription misses an event of a kind it takes.
pub(crate) async fn append<C: GenericClient>(
    tx: &C,
    account: &AccountId,
    at: Timestamp,
    response: Option<i64>,
    kind: AccountEventKind,
) -> StoreResult<Option<AccountEvent>> {
    let lock = "SELECT 1 FROM accounts WHERE id = $1 FOR SHARE";
    db::one(tx, lock, &[&account.as_str()], "account").await?;
    let bit = i32::try_from(WebhookKinds::from_kinds([kind.webhook_kind()]).0)
        .map_err(|e| StoreError::Other(e.into()))?;
    let taken = "SELECT 1 FROM webhooks WHERE account_id = $1 AND (kinds & $2) <> 0";
    if !db::exists(tx, taken, &[&account.as_str(), &bit]).await? {
        return Ok(None);
    }
    let json = serde_json::to_string(&kind).map_err(|e| StoreError::Other(e.into()))?;
    // One statement: the counter is held for as short a time as possible.
    let sql = "WITH counter AS (
                   UPDATE event_seq SET last = last + 1 RETURNING last
               )
               INSERT INTO account_events (seq, account_id, at, response_id, kind_json)
               SELECT counter.last, $1, $2, $3, $4 FROM counter
               RETURNING seq";
    let params: db::Params<'_> = &[&account.as_str(), &at.0, &response, &json];
    let row = db::one(tx, sql, params, "event_seq").await?;
    Ok(Some(AccountEvent {
        seq: GlobalSeq(rows::get(&row, 0, "account event")?),
        account: account.clone(),
        at,
        kind,
    }))
}

/// `account`'s chat and account events after `after`, by seq, at most `limit`. Each side is
/// limited first (its `(account_id, seq)` index gives it in order), so a cursor far behind
/// reads two index ranges of `limit` rows, not the whole backlog.
pub(crate) async fn log_since<C: GenericClient>(
    c: &C,
    account: &AccountId,
    after: GlobalSeq,
    limit: u32,
) -> StoreResult<Vec<LogEntry>> {
    let sql = "(SELECT 0 AS source, c.key, e.seq, e.event_id, e.at, e.kind_json
                FROM chat_events e JOIN chats c ON c.num = e.chat_num
                WHERE e.account_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3)
               UNION ALL
               (SELECT 1, '', a.seq, 0, a.at, a.kind_json
                FROM account_events a
                WHERE a.account_id = $1 AND a.seq > $2 ORDER BY a.seq LIMIT $3)
               ORDER BY 3 LIMIT $3";
    db::rows(c, sql, &[&account.as_str(), &after.0, &i64::from(limit)])
        .await?
        .iter()
        .map(|r| {
            let source: i32 = rows::get(r, 0, "event")?;
            if source == 0 {
                let key: &str = rows::get(r, 1, "chat")?;
                return Ok(LogEntry::Chat(FeedItem {
                    chat: ChatKey::parse(key).map_err(|e| corrupt("chat", e))?,
                    event: rows::event(r, 2)?,
                }));
            }
            let json: &str = rows::get(r, 5, "account event")?;
            Ok(LogEntry::Account(AccountEvent {
                seq: GlobalSeq(rows::get(r, 2, "account event")?),
                account: account.clone(),
                at: Timestamp(rows::get(r, 4, "account event")?),
                kind: serde_json::from_str(json).map_err(|e| corrupt("account event", e))?,
            }))
        })
        .collect()
}
