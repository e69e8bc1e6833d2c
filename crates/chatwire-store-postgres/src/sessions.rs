//! Authentication sessions (`sessions` table): put, read, family delete, expiry sweep.

use chatwire_core::{AccountId, AgentId, AuthSession, SessionKind, Timestamp};
use chatwire_store::StoreResult;
use deadpool_postgres::GenericClient;

use crate::error::{self, corrupt};
use crate::{db, rows};

fn kind_from(text: &str) -> StoreResult<SessionKind> {
    SessionKind::parse(text).ok_or_else(|| corrupt("session", format!("kind {text:?}")))
}

/// Inserts or replaces a session (keyed by its hash).
pub(crate) async fn put<C: GenericClient>(c: &C, s: &AuthSession) -> StoreResult<()> {
    let sql = "INSERT INTO sessions
                   (key_hash, kind, account_id, agent_id, parent, data, created_at, expires_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
               ON CONFLICT (key_hash) DO UPDATE SET kind = excluded.kind,
                   account_id = excluded.account_id, agent_id = excluded.agent_id,
                   parent = excluded.parent, data = excluded.data,
                   created_at = excluded.created_at, expires_at = excluded.expires_at";
    let params: db::Params<'_> = &[
        &s.key_hash,
        &s.kind.as_str(),
        &s.account.as_str(),
        &s.agent.0,
        &s.parent,
        &s.data,
        &s.created_at.0,
        &s.expires_at.0,
    ];
    db::exec(c, sql, params).await.map_err(error::pg)?;
    Ok(())
}

/// Deletes a session and every session whose parent it is.
pub(crate) async fn delete_family<C: GenericClient>(c: &C, key_hash: &str) -> StoreResult<()> {
    let sql = "DELETE FROM sessions WHERE key_hash = $1 OR parent = $1";
    db::exec(c, sql, &[&key_hash]).await.map_err(error::pg)?;
    Ok(())
}

/// Deletes sessions expired at `now`; returns how many.
pub(crate) async fn delete_expired<C: GenericClient>(c: &C, now: Timestamp) -> StoreResult<u64> {
    let sql = "DELETE FROM sessions WHERE expires_at <= $1";
    db::exec(c, sql, &[&now.0]).await.map_err(error::pg)
}

/// Reads one session, expired or not.
pub(crate) async fn get<C: GenericClient>(c: &C, key_hash: &str) -> StoreResult<AuthSession> {
    let sql = "SELECT key_hash, kind, account_id, agent_id, parent, data, created_at, expires_at
               FROM sessions WHERE key_hash = $1";
    let row = db::one(c, sql, &[&key_hash], "session").await?;
    let t = "session";
    let account: &str = rows::get(&row, 2, t)?;
    Ok(AuthSession {
        key_hash: rows::get(&row, 0, t)?,
        kind: kind_from(rows::get(&row, 1, t)?)?,
        account: AccountId::parse(account).map_err(|e| corrupt(t, e))?,
        agent: AgentId(rows::get(&row, 3, t)?),
        parent: rows::get(&row, 4, t)?,
        data: rows::get(&row, 5, t)?,
        created_at: Timestamp(rows::get(&row, 6, t)?),
        expires_at: Timestamp(rows::get(&row, 7, t)?),
    })
}

#[cfg(test)]
mod tests {
    use chatwire_store::StoreError;

    use super::*;

    #[test]
    fn session_kinds_round_trip_and_unknown_ones_are_errors() {
        for kind in [
            SessionKind::Login,
            SessionKind::LoginAlias,
            SessionKind::AgentSession,
        ] {
            assert_eq!(kind_from(kind.as_str()).expect("known"), kind);
        }
        assert!(matches!(kind_from("cookie"), Err(StoreError::Other(_))));
    }
}
