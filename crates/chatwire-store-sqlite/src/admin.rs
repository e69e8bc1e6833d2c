//! [`AdminStore`] for [`SqliteStore`]: account edits, agent and session deletion, app key edits
//! and revocation, admin tokens. Writes run on the writer thread, reads on the read pool.
//! Semantics follow `chatwire_store::memory` exactly.

use async_trait::async_trait;
use chatwire_core::{Account, AccountId, AdminToken, AgentId, AppKey, Timestamp};
use chatwire_store::{AdminStore, StoreError, StoreResult};
use rusqlite::{Connection, Row, params};

use crate::rows::{APP_KEY_COLUMNS, AppKeyRow};
use crate::writer::WriteCx;
use crate::{SqliteStore, error, queries};

const TOKEN_COLUMNS: &str = "id, name, account_id, token_hash, created_at";

fn changed_or(n: usize, what: &'static str) -> StoreResult<()> {
    if n == 0 {
        Err(StoreError::NotFound(what))
    } else {
        Ok(())
    }
}

fn exec(cx: &mut WriteCx<'_>, sql: &str, p: impl rusqlite::Params) -> StoreResult<usize> {
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(p).map_err(error::sql)
}

fn token_row(row: &Row<'_>) -> rusqlite::Result<(String, String, Option<String>, String, i64)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn token(raw: (String, String, Option<String>, String, i64)) -> StoreResult<AdminToken> {
    let account = match raw.2 {
        Some(a) => Some(AccountId::parse(&a).map_err(|e| error::corrupt("admin token", e))?),
        None => None,
    };
    Ok(AdminToken {
        id: raw.0,
        name: raw.1,
        account,
        token_hash: raw.3,
        created_at: Timestamp(raw.4),
    })
}

fn list_app_keys(conn: &Connection, account: &AccountId) -> StoreResult<Vec<AppKey>> {
    let sql = format!("SELECT {APP_KEY_COLUMNS} FROM app_keys WHERE account_id = ?1 ORDER BY key");
    queries::all(
        conn,
        &sql,
        [account.as_str()],
        AppKeyRow::read,
        AppKeyRow::decode,
    )
}

fn update_app_key(cx: &mut WriteCx<'_>, key: &AppKey) -> StoreResult<()> {
    let origins =
        serde_json::to_string(&key.allowed_origins).map_err(|e| StoreError::Other(e.into()))?;
    let sql = "UPDATE app_keys SET name = ?3, can_read_feed = ?4, allowed_origins = ?5
               WHERE key = ?1 AND account_id = ?2";
    let n = exec(
        cx,
        sql,
        params![
            key.key,
            key.account.as_str(),
            key.name,
            key.can_read_feed,
            origins
        ],
    )?;
    changed_or(n, "app key")
}

fn delete_agent(cx: &mut WriteCx<'_>, account: &AccountId, id: AgentId) -> StoreResult<()> {
    let n = exec(
        cx,
        "DELETE FROM agents WHERE id = ?1 AND account_id = ?2",
        params![id.0, account.as_str()],
    )?;
    changed_or(n, "agent")?;
    exec(
        cx,
        "INSERT OR IGNORE INTO agent_tombstones (id) VALUES (?1)",
        [id.0],
    )?;
    delete_sessions(cx, account, id)?;
    Ok(())
}

fn delete_sessions(cx: &mut WriteCx<'_>, account: &AccountId, agent: AgentId) -> StoreResult<u64> {
    let n = exec(
        cx,
        "DELETE FROM sessions WHERE account_id = ?1 AND agent_id = ?2",
        params![account.as_str(), agent.0],
    )?;
    Ok(n as u64)
}

fn create_token(cx: &mut WriteCx<'_>, t: &AdminToken) -> StoreResult<()> {
    if let Some(account) = &t.account
        && !queries::account_exists(cx.conn, account)?
    {
        return Err(StoreError::NotFound("account"));
    }
    let sql = "INSERT INTO admin_tokens (id, name, account_id, token_hash, created_at)
               VALUES (?1, ?2, ?3, ?4, ?5)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        t.id,
        t.name,
        t.account.as_ref().map(AccountId::as_str),
        t.token_hash,
        t.created_at.0
    ])
    .map_err(error::unique_as(|| "admin token exists".to_owned()))?;
    Ok(())
}

#[async_trait]
impl AdminStore for SqliteStore {
    async fn update_account(&self, account: &Account) -> StoreResult<()> {
        let account = account.clone();
        self.writer
            .run(move |cx| {
                let n = exec(
                    cx,
                    "UPDATE accounts SET name = ?2 WHERE id = ?1",
                    params![account.id.as_str(), account.name],
                )?;
                changed_or(n, "account")
            })
            .await
    }

    async fn delete_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<()> {
        let account = account.clone();
        self.writer
            .run(move |cx| delete_agent(cx, &account, id))
            .await
    }

    async fn delete_agent_sessions(&self, account: &AccountId, agent: AgentId) -> StoreResult<u64> {
        let account = account.clone();
        self.writer
            .run(move |cx| delete_sessions(cx, &account, agent))
            .await
    }

    async fn list_app_keys(&self, account: &AccountId) -> StoreResult<Vec<AppKey>> {
        let account = account.clone();
        self.readers.run(move |c| list_app_keys(c, &account)).await
    }

    async fn update_app_key(&self, key: &AppKey) -> StoreResult<()> {
        let key = key.clone();
        self.writer.run(move |cx| update_app_key(cx, &key)).await
    }

    async fn delete_app_key(&self, account: &AccountId, key: &str) -> StoreResult<()> {
        let (account, key) = (account.clone(), key.to_owned());
        self.writer
            .run(move |cx| {
                let n = exec(
                    cx,
                    "DELETE FROM app_keys WHERE key = ?1 AND account_id = ?2",
                    params![key, account.as_str()],
                )?;
                changed_or(n, "app key")
            })
            .await
    }

    async fn create_admin_token(&self, token: &AdminToken) -> StoreResult<()> {
        let token = token.clone();
        self.writer.run(move |cx| create_token(cx, &token)).await
    }

    async fn find_admin_token(&self, token_hash: &str) -> StoreResult<AdminToken> {
        let hash = token_hash.to_owned();
        self.readers
            .run(move |c| {
                let sql = format!("SELECT {TOKEN_COLUMNS} FROM admin_tokens WHERE token_hash = ?1");
                queries::one(c, &sql, [hash], token_row, token, "admin token")
            })
            .await
    }

    async fn list_admin_tokens(&self) -> StoreResult<Vec<AdminToken>> {
        self.readers
            .run(|c| {
                let sql = format!("SELECT {TOKEN_COLUMNS} FROM admin_tokens ORDER BY id");
                queries::all(c, &sql, [], token_row, token)
            })
            .await
    }

    async fn delete_admin_token(&self, id: &str) -> StoreResult<()> {
        let id = id.to_owned();
        self.writer
            .run(move |cx| {
                let n = exec(cx, "DELETE FROM admin_tokens WHERE id = ?1", [id])?;
                changed_or(n, "admin token")
            })
            .await
    }
}
