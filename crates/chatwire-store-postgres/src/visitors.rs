//! Visitor liveness shared by the nodes (`visitor_seen` table, see `0002_cluster.sql`): the
//! latest time any node saw the chat's visitor.

use chatwire_core::{AccountId, ChatKey, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;

use crate::{db, error, rows};

/// Moves the chat's sighting forward to `at` (never back); `NotFound` outside its account.
pub(crate) async fn record<C: GenericClient>(
    c: &C,
    account: &AccountId,
    key: &ChatKey,
    at: Timestamp,
) -> StoreResult<()> {
    // One statement: the chat check and the upsert see the same snapshot, and GREATEST keeps
    // a slower node's older sighting from moving it back.
    let sql = "INSERT INTO visitor_seen (chat_key, at)
               SELECT key, $3 FROM chats WHERE key = $1 AND account_id = $2
               ON CONFLICT (chat_key) DO UPDATE SET at = GREATEST(visitor_seen.at, excluded.at)";
    let changed = db::exec(c, sql, &[&key.as_str(), &account.as_str(), &at.0])
        .await
        .map_err(error::pg)?;
    if changed == 0 {
        Err(StoreError::NotFound("chat"))
    } else {
        Ok(())
    }
}

/// The chat's latest sighting, `None` if never recorded; `NotFound` outside its account.
pub(crate) async fn seen<C: GenericClient>(
    c: &C,
    account: &AccountId,
    key: &ChatKey,
) -> StoreResult<Option<Timestamp>> {
    let sql = "SELECT v.at FROM chats c LEFT JOIN visitor_seen v ON v.chat_key = c.key
               WHERE c.key = $1 AND c.account_id = $2";
    let row = db::one(c, sql, &[&key.as_str(), &account.as_str()], "chat").await?;
    let at: Option<i64> = rows::get(&row, 0, "visitor_seen")?;
    Ok(at.map(Timestamp))
}
