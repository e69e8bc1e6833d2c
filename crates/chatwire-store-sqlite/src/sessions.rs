//! Sessions: writes (run on the writer thread) and the read, for the `sessions` table.

use chatwire_core::{AccountId, AgentId, AuthSession, SessionKind, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error;
use crate::writer::WriteCx;

fn kind_from(text: &str) -> StoreResult<SessionKind> {
    SessionKind::parse(text).ok_or_else(|| {
        StoreError::Other(anyhow::anyhow!(
            "unknown session kind {text:?} in the database"
        ))
    })
}

/// Inserts or replaces a session.
pub(crate) fn put(cx: &mut WriteCx<'_>, s: &AuthSession) -> StoreResult<()> {
    let sql = "INSERT OR REPLACE INTO sessions
               (key_hash, kind, account_id, agent_id, parent, data, created_at, expires_at)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        s.key_hash,
        s.kind.as_str(),
        s.account.as_str(),
        s.agent.0,
        s.parent,
        s.data,
        s.created_at.0,
        s.expires_at.0
    ])
    .map_err(error::sql)?;
    Ok(())
}

/// Deletes a session and its children.
pub(crate) fn delete_family(cx: &mut WriteCx<'_>, key_hash: &str) -> StoreResult<()> {
    let mut stmt = cx
        .conn
        .prepare_cached("DELETE FROM sessions WHERE key_hash = ?1 OR parent = ?1")
        .map_err(error::sql)?;
    stmt.execute([key_hash]).map_err(error::sql)?;
    Ok(())
}

/// Deletes expired sessions.
pub(crate) fn delete_expired(cx: &mut WriteCx<'_>, now: Timestamp) -> StoreResult<u64> {
    let mut stmt = cx
        .conn
        .prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")
        .map_err(error::sql)?;
    let n = stmt.execute([now.0]).map_err(error::sql)?;
    Ok(u64::try_from(n).unwrap_or(u64::MAX))
}

/// Reads one session.
pub(crate) fn get(conn: &Connection, key_hash: &str) -> StoreResult<AuthSession> {
    let sql = "SELECT key_hash, kind, account_id, agent_id, parent, data, created_at, expires_at
               FROM sessions WHERE key_hash = ?1";
    let mut stmt = conn.prepare_cached(sql).map_err(error::sql)?;
    type Raw = (
        String,
        String,
        String,
        i64,
        Option<String>,
        String,
        i64,
        i64,
    );
    let raw: Option<Raw> = stmt
        .query_row([key_hash], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .optional()
        .map_err(error::sql)?;
    let (key_hash, kind, account, agent, parent, data, created, expires) =
        raw.ok_or(StoreError::NotFound("session"))?;
    Ok(AuthSession {
        key_hash,
        kind: kind_from(&kind)?,
        account: AccountId::parse(&account)
            .map_err(|e| StoreError::Other(anyhow::anyhow!("bad account id in sessions: {e}")))?,
        agent: AgentId(agent),
        parent,
        data,
        created_at: Timestamp(created),
        expires_at: Timestamp(expires),
    })
}
