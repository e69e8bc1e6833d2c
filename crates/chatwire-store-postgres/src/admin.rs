//! [`AdminStore`] for [`PgStore`]: account edits, agent and session deletion, app key edits
//! and revocation, admin tokens. Semantics follow `chatwire_store::memory` exactly.
//!
//! Each directory write `pg_notify`s `directory` in its transaction, and each deleted session
//! `session <key_hash>`, so every node drops its cached agent, key or session when the change
//! commits (a disabled agent or revoked key is refused everywhere within the notification's
//! latency). Admin tokens notify nothing: they are read from the database on every use.

use async_trait::async_trait;
use chatwire_core::{Account, AccountId, AdminToken, AgentId, AppKey, Timestamp};
use chatwire_store::{AdminStore, StoreError, StoreResult};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use crate::error::{self, corrupt};
use crate::rows::{self, APP_KEY_COLUMNS};
use crate::{PgStore, db, queries, wake};

const TOKEN_COLUMNS: &str = "id, name, account_id, token_hash, created_at";

fn changed_or(n: u64, what: &'static str) -> StoreResult<()> {
    if n == 0 {
        Err(StoreError::NotFound(what))
    } else {
        Ok(())
    }
}

fn token(row: &Row) -> StoreResult<AdminToken> {
    let t = "admin token";
    let account: Option<String> = rows::get(row, 2, t)?;
    Ok(AdminToken {
        id: rows::get(row, 0, t)?,
        name: rows::get(row, 1, t)?,
        account: account
            .map(|a| AccountId::parse(&a).map_err(|e| corrupt(t, e)))
            .transpose()?,
        token_hash: rows::get(row, 3, t)?,
        created_at: Timestamp(rows::get(row, 4, t)?),
    })
}

/// Deletes the agent's sessions and queues a wake-up for each.
async fn delete_sessions<C: GenericClient>(
    c: &C,
    scope: &str,
    account: &AccountId,
    agent: AgentId,
) -> StoreResult<u64> {
    let sql = "DELETE FROM sessions WHERE account_id = $1 AND agent_id = $2 RETURNING key_hash";
    let gone = db::rows(c, sql, &[&account.as_str(), &agent.0]).await?;
    for row in &gone {
        let key_hash: String = rows::get(row, 0, "session")?;
        wake::notify_session(c, scope, &key_hash).await?;
    }
    Ok(gone.len() as u64)
}

#[async_trait]
impl AdminStore for PgStore {
    async fn update_account(&self, account: &Account) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        let sql = "UPDATE accounts SET name = $2 WHERE id = $1";
        let n = db::exec(&tx, sql, &[&account.id.as_str(), &account.name])
            .await
            .map_err(error::pg)?;
        changed_or(n, "account")?;
        wake::notify_directory(&tx, &self.origin, &account.id).await?;
        tx.commit().await.map_err(error::pg)
    }

    async fn delete_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        let sql = "DELETE FROM agents WHERE id = $1 AND account_id = $2";
        let n = db::exec(&tx, sql, &[&id.0, &account.as_str()])
            .await
            .map_err(error::pg)?;
        changed_or(n, "agent")?;
        delete_sessions(&tx, &self.origin, account, id).await?;
        wake::notify_directory(&tx, &self.origin, account).await?;
        tx.commit().await.map_err(error::pg)
    }

    async fn delete_agent_sessions(&self, account: &AccountId, agent: AgentId) -> StoreResult<u64> {
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        let n = delete_sessions(&tx, &self.origin, account, agent).await?;
        tx.commit().await.map_err(error::pg)?;
        Ok(n)
    }

    async fn list_app_keys(&self, account: &AccountId) -> StoreResult<Vec<AppKey>> {
        let sql =
            format!("SELECT {APP_KEY_COLUMNS} FROM app_keys WHERE account_id = $1 ORDER BY key");
        let client = self.client().await?;
        db::rows(&client, &sql, &[&account.as_str()])
            .await?
            .iter()
            .map(rows::app_key)
            .collect()
    }

    async fn update_app_key(&self, key: &AppKey) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        let sql = "UPDATE app_keys SET name = $3, can_read_feed = $4, allowed_origins = $5
                   WHERE key = $1 AND account_id = $2";
        let params: db::Params<'_> = &[
            &key.key,
            &key.account.as_str(),
            &key.name,
            &key.can_read_feed,
            &key.allowed_origins,
        ];
        let n = db::exec(&tx, sql, params).await.map_err(error::pg)?;
        changed_or(n, "app key")?;
        wake::notify_directory(&tx, &self.origin, &key.account).await?;
        tx.commit().await.map_err(error::pg)
    }

    async fn delete_app_key(&self, account: &AccountId, key: &str) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = crate::chats::begin(&mut client).await?;
        let sql = "DELETE FROM app_keys WHERE key = $1 AND account_id = $2";
        let n = db::exec(&tx, sql, &[&key, &account.as_str()])
            .await
            .map_err(error::pg)?;
        changed_or(n, "app key")?;
        wake::notify_directory(&tx, &self.origin, account).await?;
        tx.commit().await.map_err(error::pg)
    }

    async fn create_admin_token(&self, t: &AdminToken) -> StoreResult<()> {
        let client = self.client().await?;
        if let Some(account) = &t.account {
            queries::require_account(&client, account).await?;
        }
        let sql = "INSERT INTO admin_tokens (id, name, account_id, token_hash, created_at)
                   VALUES ($1, $2, $3, $4, $5)";
        let account = t.account.as_ref().map(AccountId::as_str);
        let params: db::Params<'_> = &[&t.id, &t.name, &account, &t.token_hash, &t.created_at.0];
        db::exec(&client, sql, params)
            .await
            .map_err(error::unique_as(|| "admin token exists".to_owned()))?;
        Ok(())
    }

    async fn find_admin_token(&self, token_hash: &str) -> StoreResult<AdminToken> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM admin_tokens WHERE token_hash = $1");
        let client = self.client().await?;
        token(&db::one(&client, &sql, &[&token_hash], "admin token").await?)
    }

    async fn list_admin_tokens(&self) -> StoreResult<Vec<AdminToken>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM admin_tokens ORDER BY id");
        let client = self.client().await?;
        db::rows(&client, &sql, &[])
            .await?
            .iter()
            .map(token)
            .collect()
    }

    async fn delete_admin_token(&self, id: &str) -> StoreResult<()> {
        let client = self.client().await?;
        let n = db::exec(&client, "DELETE FROM admin_tokens WHERE id = $1", &[&id])
            .await
            .map_err(error::pg)?;
        changed_or(n, "admin token")
    }
}
