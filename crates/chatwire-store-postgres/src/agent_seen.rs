//! Agent liveness shared by the nodes (`agent_seen` table, see `0005_agent_seen.sql`): the
//! latest time any node saw a request by the agent; and how many chats in a row the agent let
//! ring out (`agent_ring_outs`, `0006_agent_ring_outs.sql`).

use chatwire_core::{AccountId, AgentId, Timestamp};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::GenericClient;

use crate::{db, error, rows};

/// Moves the agent's sighting forward to `at` (never back); `NotFound` outside its account.
pub(crate) async fn record<C: GenericClient>(
    c: &C,
    account: &AccountId,
    agent: AgentId,
    at: Timestamp,
) -> StoreResult<()> {
    // One statement: the account check and the upsert see the same snapshot; GREATEST keeps a
    // slower node's older heartbeat from moving it back.
    let sql = "INSERT INTO agent_seen (agent_id, at)
               SELECT id, $3 FROM agents WHERE id = $1 AND account_id = $2
               ON CONFLICT (agent_id) DO UPDATE SET at = GREATEST(agent_seen.at, excluded.at)";
    let changed = db::exec(c, sql, &[&agent.0, &account.as_str(), &at.0])
        .await
        .map_err(error::pg)?;
    if changed == 0 {
        Err(StoreError::NotFound("agent"))
    } else {
        Ok(())
    }
}

/// Every recorded sighting of the account's agents.
pub(crate) async fn all<C: GenericClient>(
    c: &C,
    account: &AccountId,
) -> StoreResult<Vec<(AgentId, Timestamp)>> {
    let sql = "SELECT s.agent_id, s.at FROM agent_seen s JOIN agents a ON a.id = s.agent_id
               WHERE a.account_id = $1";
    let found = db::rows(c, sql, &[&account.as_str()]).await?;
    found
        .iter()
        .map(|row| {
            let id: i64 = rows::get(row, 0, "agent_seen")?;
            let at: i64 = rows::get(row, 1, "agent_seen")?;
            Ok((AgentId(id), Timestamp(at)))
        })
        .collect()
}

/// Adds one ring-out to the agent's count and returns the new count; `NotFound` outside its
/// account.
pub(crate) async fn add_ring_out<C: GenericClient>(
    c: &C,
    account: &AccountId,
    agent: AgentId,
) -> StoreResult<u32> {
    // One statement: concurrent nodes each add one, none is lost.
    let sql = "INSERT INTO agent_ring_outs (agent_id, count)
               SELECT id, 1 FROM agents WHERE id = $1 AND account_id = $2
               ON CONFLICT (agent_id) DO UPDATE SET count = agent_ring_outs.count + 1
               RETURNING count";
    let found = db::rows(c, sql, &[&agent.0, &account.as_str()]).await?;
    let row = found.first().ok_or(StoreError::NotFound("agent"))?;
    let count: i32 = rows::get(row, 0, "agent_ring_outs")?;
    Ok(u32::try_from(count).unwrap_or(0))
}

/// Resets the agent's ring-out count; `NotFound` outside its account.
pub(crate) async fn clear_ring_outs<C: GenericClient>(
    c: &C,
    account: &AccountId,
    agent: AgentId,
) -> StoreResult<()> {
    let sql = "SELECT 1 FROM agents WHERE id = $1 AND account_id = $2";
    if db::rows(c, sql, &[&agent.0, &account.as_str()])
        .await?
        .is_empty()
    {
        return Err(StoreError::NotFound("agent"));
    }
    db::exec(
        c,
        "DELETE FROM agent_ring_outs WHERE agent_id = $1",
        &[&agent.0],
    )
    .await
    .map_err(error::pg)?;
    Ok(())
}
