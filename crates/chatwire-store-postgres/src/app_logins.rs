//! Bots' application logins (`app_logins` table, `0007_app_logins.sql`): create, list, find
//! by app key, and revoke (which also deletes the bot's sessions). The writes run in the
//! transaction `store` opens with their directory wake-up.

use chatwire_core::{AccountId, AgentId, AppLoginRecord, NewAppLogin, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use crate::{db, error, rows};

/// Columns in the order [`record`] takes them.
const COLUMNS: &str = "id, account_id, agent_id, app_key, secret_hash, created_at, revoked_at";

fn record(row: &Row) -> StoreResult<AppLoginRecord> {
    let t = "app_logins";
    let account: String = rows::get(row, 1, t)?;
    Ok(AppLoginRecord {
        id: rows::get(row, 0, t)?,
        account: AccountId::parse(&account).map_err(|e| error::corrupt(t, e))?,
        agent: AgentId(rows::get(row, 2, t)?),
        app_key: rows::get(row, 3, t)?,
        secret_hash: rows::get(row, 4, t)?,
        created_at: Timestamp(rows::get(row, 5, t)?),
        revoked_at: rows::get::<Option<i64>>(row, 6, t)?.map(Timestamp),
    })
}

/// Inserts an application login; `NotFound` for an agent outside the account, `Conflict` for
/// an app key the account has (or had).
pub(crate) async fn create<C: GenericClient>(
    c: &C,
    new: &NewAppLogin,
) -> StoreResult<AppLoginRecord> {
    // One statement: the agent check and the insert see the same snapshot.
    let sql = format!(
        "INSERT INTO app_logins (account_id, agent_id, app_key, secret_hash, created_at)
         SELECT account_id, id, $3, $4, $5 FROM agents WHERE id = $2 AND account_id = $1
         RETURNING {COLUMNS}"
    );
    let params: db::Params<'_> = &[
        &new.account.as_str(),
        &new.agent.0,
        &new.app_key,
        &new.secret_hash,
        &new.created_at.0,
    ];
    let stmt = c.prepare_cached(&sql).await.map_err(error::pg)?;
    let found = c
        .query(&stmt, params)
        .await
        .map_err(error::unique_as(|| "app key exists".to_owned()))?;
    record(found.first().ok_or(StoreError::NotFound("agent"))?)
}

/// The account's application logins, by id.
pub(crate) async fn list<C: GenericClient>(
    c: &C,
    account: &AccountId,
) -> StoreResult<Vec<AppLoginRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM app_logins WHERE account_id = $1 ORDER BY id");
    let found = db::rows(c, &sql, &[&account.as_str()]).await?;
    found.iter().map(record).collect()
}

/// The account's application login with `app_key`.
pub(crate) async fn find<C: GenericClient>(
    c: &C,
    account: &AccountId,
    app_key: &str,
) -> StoreResult<AppLoginRecord> {
    let sql = format!("SELECT {COLUMNS} FROM app_logins WHERE account_id = $1 AND app_key = $2");
    let found = db::rows(c, &sql, &[&account.as_str(), &app_key]).await?;
    record(found.first().ok_or(StoreError::NotFound("app login"))?)
}

/// Marks the login revoked (first time kept) and deletes its agent's sessions.
pub(crate) async fn revoke<C: GenericClient>(
    c: &C,
    account: &AccountId,
    id: i64,
    at: Timestamp,
) -> StoreResult<AppLoginRecord> {
    let sql = format!(
        "UPDATE app_logins SET revoked_at = COALESCE(revoked_at, $3)
         WHERE id = $1 AND account_id = $2 RETURNING {COLUMNS}"
    );
    let found = db::rows(c, &sql, &[&id, &account.as_str(), &at.0]).await?;
    let revoked = record(found.first().ok_or(StoreError::NotFound("app login"))?)?;
    let sql = "DELETE FROM sessions WHERE account_id = $1 AND agent_id = $2";
    db::exec(c, sql, &[&account.as_str(), &revoked.agent.0])
        .await
        .map_err(error::pg)?;
    Ok(revoked)
}
