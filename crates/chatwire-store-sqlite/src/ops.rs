//! The write operations on accounts, skills, agents and app keys (chats: `chat_writes`), as
//! run on the writer thread inside a batch's transaction and the job's own savepoint. Any `Err`
//! returned here rolls back this operation only (see `writer`).
//!
//! Semantics follow `chatwire_store::memory` exactly: the same existence checks in the same
//! order, the same `NotFound` names and `Conflict` cases.

use std::str::FromStr;

use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, NewAgent, NewAppKey, Skill, SkillId, Timestamp,
};
use chatwire_core::{AccountEventKind, Availability};
use chatwire_store::{NewSkill, StoreError, StoreResult};
use rusqlite::{OptionalExtension, params};

use crate::rows::skills_json;
use crate::writer::WriteCx;
use crate::{error, queries};

/// `NotFound("account")` unless the account exists (the check every account-owned write makes
/// first).
pub(crate) fn require_account(cx: &WriteCx<'_>, id: &AccountId) -> StoreResult<()> {
    if queries::account_exists(cx.conn, id)? {
        Ok(())
    } else {
        Err(StoreError::NotFound("account"))
    }
}

/// Inserts an account; `Conflict` if the id exists.
pub(crate) fn create_account(cx: &mut WriteCx<'_>, account: &Account) -> StoreResult<()> {
    let sql = "INSERT INTO accounts (id, name, created_at) VALUES (?1, ?2, ?3)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        account.id.as_str(),
        account.name,
        account.created_at.0
    ])
    .map_err(error::unique_as(|| {
        format!("account {} exists", account.id)
    }))?;
    Ok(())
}

/// Inserts a skill; `Conflict` if the account has one of that name (ignoring ASCII case).
pub(crate) fn create_skill(cx: &mut WriteCx<'_>, new: &NewSkill) -> StoreResult<Skill> {
    require_account(cx, &new.account)?;
    // Ids are numbered past deleted skills' (0005_topics.sql): chats keep old skill ids.
    let sql = "INSERT INTO skills (id, account_id, name, description, welcome_message)
               VALUES ((SELECT MAX(m) + 1 FROM (SELECT COALESCE(MAX(id), 0) AS m FROM skills
                        UNION ALL SELECT COALESCE(MAX(id), 0) FROM skill_tombstones)),
                       ?1, ?2, ?3, ?4)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        new.account.as_str(),
        new.name,
        new.description,
        new.welcome_message
    ])
    .map_err(error::unique_as(|| format!("skill {} exists", new.name)))?;
    Ok(Skill {
        id: SkillId(cx.conn.last_insert_rowid()),
        account: new.account.clone(),
        name: new.name.clone(),
        description: new.description.clone(),
        welcome_message: new.welcome_message.clone(),
    })
}

/// Inserts an agent as [`NewAgent::to_agent`] makes it; `Conflict` if the login name is taken.
pub(crate) fn create_agent(cx: &mut WriteCx<'_>, new: &NewAgent) -> StoreResult<Agent> {
    require_account(cx, &new.account)?;
    let mut agent = new.to_agent(AgentId(0));
    // Ids are numbered past deleted agents' (0010_admin.sql): events keep old agent ids.
    let sql = "INSERT INTO agents (id, account_id, login_name, password_hash, nickname,
                   display_name, email, max_chats, skills_json, availability, is_admin, enabled)
               VALUES ((SELECT MAX(m) + 1 FROM (SELECT COALESCE(MAX(id), 0) AS m FROM agents
                        UNION ALL SELECT COALESCE(MAX(id), 0) FROM agent_tombstones)),
                       ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        agent.account.as_str(),
        agent.login_name,
        agent.password_hash,
        agent.nickname,
        agent.display_name,
        agent.email,
        agent.max_chats.as_wire(),
        skills_json(&agent.skills)?,
        agent.availability.as_str(),
        agent.is_admin,
        agent.enabled,
    ])
    .map_err(error::unique_as(|| {
        format!("login name {} is taken", new.login_name)
    }))?;
    agent.id = AgentId(cx.conn.last_insert_rowid());
    Ok(agent)
}

/// Replaces every field of an agent but its id and account; `NotFound` if the agent is not in
/// that account, `Conflict` if a renamed login clashes.
pub(crate) fn update_agent(cx: &mut WriteCx<'_>, agent: &Agent, at: Timestamp) -> StoreResult<()> {
    // Read in the writer's transaction: the availability this update replaces.
    let before: Option<String> = cx
        .conn
        .prepare_cached("SELECT availability FROM agents WHERE id = ?1 AND account_id = ?2")
        .and_then(|mut s| {
            s.query_row(params![agent.id.0, agent.account.as_str()], |r| r.get(0))
                .optional()
        })
        .map_err(error::sql)?;
    let sql = "UPDATE agents SET login_name = ?3, password_hash = ?4, nickname = ?5,
                   display_name = ?6, email = ?7, max_chats = ?8, skills_json = ?9,
                   availability = ?10, is_admin = ?11, enabled = ?12
               WHERE id = ?1 AND account_id = ?2";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    let changed = stmt
        .execute(params![
            agent.id.0,
            agent.account.as_str(),
            agent.login_name,
            agent.password_hash,
            agent.nickname,
            agent.display_name,
            agent.email,
            agent.max_chats.as_wire(),
            skills_json(&agent.skills)?,
            agent.availability.as_str(),
            agent.is_admin,
            agent.enabled,
        ])
        .map_err(error::unique_as(|| {
            format!("login name {} is taken", agent.login_name)
        }))?;
    if changed == 0 {
        return Err(StoreError::NotFound("agent"));
    }
    let from = before
        .as_deref()
        .map(Availability::from_str)
        .transpose()
        .map_err(|e| error::corrupt("agent", e))?;
    if let Some(from) = from.filter(|f| *f != agent.availability) {
        let kind = AccountEventKind::AgentAvailability {
            agent: agent.id,
            from,
            to: agent.availability,
        };
        crate::account_events::append(cx, &agent.account, at, None, kind)?;
    }
    Ok(())
}

/// Sets an app key's feed right; `NotFound` if the key is not `account`'s.
pub(crate) fn set_app_key_feed(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    key: &str,
    feed: bool,
) -> StoreResult<()> {
    let sql = "UPDATE app_keys SET can_read_feed = ?3 WHERE key = ?1 AND account_id = ?2";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    let changed = stmt
        .execute(params![key, account.as_str(), feed])
        .map_err(error::sql)?;
    if changed == 0 {
        Err(StoreError::NotFound("app key"))
    } else {
        Ok(())
    }
}

/// Inserts an app key (already validated by the caller); `Conflict` if the key exists.
pub(crate) fn create_app_key(
    cx: &mut WriteCx<'_>,
    new: &NewAppKey,
    now: Timestamp,
) -> StoreResult<AppKey> {
    require_account(cx, &new.account)?;
    let sql = "INSERT INTO app_keys (key, account_id, name, can_read_feed, created_at,
                   allowed_origins)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    let origins =
        serde_json::to_string(&new.allowed_origins).map_err(|e| StoreError::Other(e.into()))?;
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        new.key,
        new.account.as_str(),
        new.name,
        new.can_read_feed,
        now.0,
        origins
    ])
    .map_err(error::unique_as(|| "app key exists".to_owned()))?;
    Ok(AppKey {
        key: new.key.clone(),
        account: new.account.clone(),
        name: new.name.clone(),
        can_read_feed: new.can_read_feed,
        allowed_origins: new.allowed_origins.clone(),
        created_at: now,
    })
}
