//! Writes of the directory: accounts, skills, agents and app keys. Each is a single statement
//! after the account check, so each commits on its own (autocommit) before returning.
//!
//! Semantics follow `chatwire_store::memory` exactly: the same existence checks in the same
//! order, the same `NotFound` names and `Conflict` cases.

use chatwire_core::{
    Account, AccountEventKind, AccountId, Agent, AgentId, AppKey, NewAgent, NewAppKey, Skill,
    SkillId, Timestamp,
};
use chatwire_store::{NewSkill, StoreError, StoreResult, Wakeup};
use deadpool_postgres::GenericClient;

use crate::rows::{self, AGENT_COLUMNS, skill_ids};
use crate::{db, error, queries};

/// Inserts an account; `Conflict` if the id exists.
pub(crate) async fn create_account<C: GenericClient>(c: &C, account: &Account) -> StoreResult<()> {
    let sql = "INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)";
    db::exec(
        c,
        sql,
        &[&account.id.as_str(), &account.name, &account.created_at.0],
    )
    .await
    .map_err(error::unique_as(|| {
        format!("account {} exists", account.id)
    }))?;
    Ok(())
}

/// Inserts a skill; `Conflict` if the account has one of that name (ignoring ASCII case).
pub(crate) async fn create_skill<C: GenericClient>(c: &C, new: &NewSkill) -> StoreResult<Skill> {
    queries::require_account(c, &new.account).await?;
    let sql = "INSERT INTO skills (account_id, name, description, welcome_message)
               VALUES ($1, $2, $3, $4) RETURNING id";
    let params: db::Params<'_> = &[
        &new.account.as_str(),
        &new.name,
        &new.description,
        &new.welcome_message,
    ];
    let stmt = c.prepare_cached(sql).await.map_err(error::pg)?;
    let row = c
        .query_one(&stmt, params)
        .await
        .map_err(error::unique_as(|| format!("skill {} exists", new.name)))?;
    Ok(Skill {
        id: SkillId(rows::get(&row, 0, "skill")?),
        account: new.account.clone(),
        name: new.name.clone(),
        description: new.description.clone(),
        welcome_message: new.welcome_message.clone(),
    })
}

/// Inserts an agent as [`NewAgent::to_agent`] makes it; `Conflict` if the login name is taken.
pub(crate) async fn create_agent<C: GenericClient>(c: &C, new: &NewAgent) -> StoreResult<Agent> {
    queries::require_account(c, &new.account).await?;
    let mut agent = new.to_agent(AgentId(0));
    let sql = "INSERT INTO agents (account_id, login_name, password_hash, nickname, display_name,
                   email, max_chats, skills, availability, is_admin, enabled)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
    let skills = skill_ids(&agent.skills);
    let params: db::Params<'_> = &[
        &agent.account.as_str(),
        &agent.login_name,
        &agent.password_hash,
        &agent.nickname,
        &agent.display_name,
        &agent.email,
        &agent.max_chats.as_wire(),
        &skills,
        &agent.availability.as_str(),
        &agent.is_admin,
        &agent.enabled,
    ];
    let stmt = c.prepare_cached(sql).await.map_err(error::pg)?;
    let row = c
        .query_one(&stmt, params)
        .await
        .map_err(error::unique_as(|| {
            format!("login name {} is taken", new.login_name)
        }))?;
    agent.id = AgentId(rows::get(&row, 0, "agent")?);
    Ok(agent)
}

/// Replaces every field of an agent but its id and account; `NotFound` if the agent is not in
/// that account, `Conflict` if a renamed login clashes. Returns the wake-up to send (an
/// availability patch when nothing else changed) and the availability change to record (the
/// caller appends it last, before `COMMIT`: see `account_events`), `None` when the
/// availability stays.
pub(crate) async fn update_agent<C: GenericClient>(
    c: &C,
    agent: &Agent,
) -> StoreResult<(Wakeup, Option<AccountEventKind>)> {
    // Locked until the commit: two updates of one agent record one change each, in order,
    // and other nodes hear of them in that order.
    let lock =
        format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1 AND account_id = $2 FOR UPDATE");
    let before = db::one(c, &lock, &[&agent.id.0, &agent.account.as_str()], "agent").await?;
    let before = rows::agent(&before)?;
    let from = before.availability;
    let sql = "UPDATE agents SET login_name = $3, password_hash = $4, nickname = $5,
                   display_name = $6, email = $7, max_chats = $8, skills = $9,
                   availability = $10, is_admin = $11, enabled = $12
               WHERE id = $1 AND account_id = $2";
    let skills = skill_ids(&agent.skills);
    let params: db::Params<'_> = &[
        &agent.id.0,
        &agent.account.as_str(),
        &agent.login_name,
        &agent.password_hash,
        &agent.nickname,
        &agent.display_name,
        &agent.email,
        &agent.max_chats.as_wire(),
        &skills,
        &agent.availability.as_str(),
        &agent.is_admin,
        &agent.enabled,
    ];
    let changed = db::exec(c, sql, params)
        .await
        .map_err(error::unique_as(|| {
            format!("login name {} is taken", agent.login_name)
        }))?;
    if changed == 0 {
        return Err(StoreError::NotFound("agent"));
    }
    let change = (from != agent.availability).then_some(AccountEventKind::AgentAvailability {
        agent: agent.id,
        from,
        to: agent.availability,
    });
    Ok((Wakeup::for_agent_update(&before, agent), change))
}

/// Sets an app key's feed right; `NotFound` if the key is not `account`'s.
pub(crate) async fn set_app_key_feed<C: GenericClient>(
    c: &C,
    account: &AccountId,
    key: &str,
    feed: bool,
) -> StoreResult<()> {
    let sql = "UPDATE app_keys SET can_read_feed = $3 WHERE key = $1 AND account_id = $2";
    let params: db::Params<'_> = &[&key, &account.as_str(), &feed];
    if db::exec(c, sql, params).await.map_err(error::pg)? == 0 {
        Err(StoreError::NotFound("app key"))
    } else {
        Ok(())
    }
}

/// Inserts an app key (already validated by the caller); `Conflict` if the key exists.
pub(crate) async fn create_app_key<C: GenericClient>(
    c: &C,
    new: &NewAppKey,
    now: Timestamp,
) -> StoreResult<AppKey> {
    queries::require_account(c, &new.account).await?;
    let sql = "INSERT INTO app_keys (key, account_id, name, can_read_feed, created_at,
                   allowed_origins)
               VALUES ($1, $2, $3, $4, $5, $6)";
    let params: db::Params<'_> = &[
        &new.key,
        &new.account.as_str(),
        &new.name,
        &new.can_read_feed,
        &now.0,
        &new.allowed_origins,
    ];
    db::exec(c, sql, params)
        .await
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
