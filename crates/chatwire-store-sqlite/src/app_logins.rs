//! Bots' application logins (`app_logins` table, migration 0008): create, list, find by app
//! key, and revoke (which also deletes the bot's sessions, in the same transaction).

use chatwire_core::{AccountId, AgentId, AppLoginRecord, NewAppLogin, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error;
use crate::writer::WriteCx;

/// Columns in the order [`read`] takes them.
const COLUMNS: &str = "id, account_id, agent_id, app_key, secret_hash, created_at, revoked_at";

/// A raw `app_logins` row, in [`COLUMNS`] order.
type Raw = (i64, String, i64, String, String, i64, Option<i64>);

fn read(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn record(raw: Raw) -> StoreResult<AppLoginRecord> {
    let (id, account, agent, app_key, secret_hash, created_at, revoked_at) = raw;
    Ok(AppLoginRecord {
        id,
        account: AccountId::parse(&account).map_err(|e| error::corrupt("app_logins", e))?,
        agent: AgentId(agent),
        app_key,
        secret_hash,
        created_at: Timestamp(created_at),
        revoked_at: revoked_at.map(Timestamp),
    })
}

/// Inserts an application login; `NotFound` for an agent outside the account, `Conflict` for
/// an app key the account has (or had).
pub(crate) fn create(cx: &mut WriteCx<'_>, new: &NewAppLogin) -> StoreResult<AppLoginRecord> {
    let mut stmt = cx
        .conn
        .prepare_cached("SELECT 1 FROM agents WHERE id = ?1 AND account_id = ?2")
        .map_err(error::sql)?;
    if !stmt
        .exists(params![new.agent.0, new.account.as_str()])
        .map_err(error::sql)?
    {
        return Err(StoreError::NotFound("agent"));
    }
    let sql = "INSERT INTO app_logins (account_id, agent_id, app_key, secret_hash, created_at)
               VALUES (?1, ?2, ?3, ?4, ?5)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        new.account.as_str(),
        new.agent.0,
        new.app_key,
        new.secret_hash,
        new.created_at.0
    ])
    .map_err(error::unique_as(|| "app key exists".to_owned()))?;
    Ok(AppLoginRecord {
        id: cx.conn.last_insert_rowid(),
        account: new.account.clone(),
        agent: new.agent,
        app_key: new.app_key.clone(),
        secret_hash: new.secret_hash.clone(),
        created_at: new.created_at,
        revoked_at: None,
    })
}

/// The account's application logins, by id.
pub(crate) fn list(conn: &Connection, account: &AccountId) -> StoreResult<Vec<AppLoginRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM app_logins WHERE account_id = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql).map_err(error::sql)?;
    let rows = stmt
        .query_map([account.as_str()], read)
        .map_err(error::sql)?;
    rows.map(|r| record(r.map_err(error::sql)?)).collect()
}

/// The account's application login with `app_key`.
pub(crate) fn find(
    conn: &Connection,
    account: &AccountId,
    app_key: &str,
) -> StoreResult<AppLoginRecord> {
    let sql = format!("SELECT {COLUMNS} FROM app_logins WHERE account_id = ?1 AND app_key = ?2");
    let mut stmt = conn.prepare_cached(&sql).map_err(error::sql)?;
    let raw = stmt
        .query_row(params![account.as_str(), app_key], read)
        .optional()
        .map_err(error::sql)?;
    record(raw.ok_or(StoreError::NotFound("app login"))?)
}

/// Marks the login revoked (first time kept) and deletes its agent's sessions.
pub(crate) fn revoke(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    id: i64,
    at: Timestamp,
) -> StoreResult<AppLoginRecord> {
    let sql = "UPDATE app_logins SET revoked_at = COALESCE(revoked_at, ?3)
               WHERE id = ?1 AND account_id = ?2";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    if stmt
        .execute(params![id, account.as_str(), at.0])
        .map_err(error::sql)?
        == 0
    {
        return Err(StoreError::NotFound("app login"));
    }
    let sql = format!("SELECT {COLUMNS} FROM app_logins WHERE id = ?1");
    let mut stmt = cx.conn.prepare_cached(&sql).map_err(error::sql)?;
    let revoked = record(stmt.query_row([id], read).map_err(error::sql)?)?;
    let mut stmt = cx
        .conn
        .prepare_cached("DELETE FROM sessions WHERE account_id = ?1 AND agent_id = ?2")
        .map_err(error::sql)?;
    stmt.execute(params![account.as_str(), revoked.agent.0])
        .map_err(error::sql)?;
    Ok(revoked)
}
