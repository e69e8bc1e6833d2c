//! Skill edits and deletes, and SuperOffice topic settings (one JSON document per skill).

use chatwire_core::{AccountId, Skill, SkillId, TopicSettings};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::{GenericClient, Pool};

use crate::rows::{self, from_json, to_json};
use crate::{db, error, retry, wake};

async fn require_skill<C: GenericClient>(
    c: &C,
    account: &AccountId,
    id: SkillId,
) -> StoreResult<()> {
    let sql = "SELECT 1 FROM skills WHERE id = $1 AND account_id = $2";
    if db::exists(c, sql, &[&id.0, &account.as_str()]).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound("skill"))
    }
}

/// Replaces a skill's texts; `NotFound` outside its account, `Conflict` on a taken name.
pub(crate) async fn update_skill<C: GenericClient>(c: &C, skill: &Skill) -> StoreResult<()> {
    let sql = "UPDATE skills SET name = $3, description = $4, welcome_message = $5
               WHERE id = $1 AND account_id = $2";
    let params: db::Params<'_> = &[
        &skill.id.0,
        &skill.account.as_str(),
        &skill.name,
        &skill.description,
        &skill.welcome_message,
    ];
    let changed = db::exec(c, sql, params)
        .await
        .map_err(error::unique_as(|| format!("skill {} exists", skill.name)))?;
    if changed == 0 {
        Err(StoreError::NotFound("skill"))
    } else {
        Ok(())
    }
}

/// Deletes a skill with its settings and drops it from agents' skills, in one transaction.
/// The id is never handed out again (identity column), so chats may keep it.
/// The other nodes are woken (`wake`) at commit.
pub(crate) async fn delete_skill(
    pool: &Pool,
    scope: &str,
    account: &AccountId,
    id: SkillId,
) -> StoreResult<()> {
    // Two concurrent deletes touch the same agents' rows, possibly in different orders.
    retry::retrying(|| delete_skill_once(pool, scope, account, id)).await
}

async fn delete_skill_once(
    pool: &Pool,
    scope: &str,
    account: &AccountId,
    id: SkillId,
) -> StoreResult<()> {
    let mut client = pool.get().await.map_err(error::pool)?;
    let tx = crate::chats::begin(&mut client).await?;
    require_skill(&tx, account, id).await?;
    let statements = [
        "UPDATE agents SET skills = array_remove(skills, $1)
         WHERE account_id = $2 AND $1 = ANY (skills)",
        "DELETE FROM topic_settings WHERE skill_id = $1 AND account_id = $2",
        "DELETE FROM skills WHERE id = $1 AND account_id = $2",
    ];
    for sql in statements {
        db::exec(&tx, sql, &[&id.0, &account.as_str()])
            .await
            .map_err(error::pg)?;
    }
    wake::notify_directory(&tx, scope, account).await?;
    tx.commit().await.map_err(error::pg)
}

/// The settings document of a skill, `None` if never saved.
pub(crate) async fn settings<C: GenericClient>(
    c: &C,
    account: &AccountId,
    id: SkillId,
) -> StoreResult<Option<TopicSettings>> {
    require_skill(c, account, id).await?;
    let sql = "SELECT json FROM topic_settings WHERE skill_id = $1";
    match db::opt(c, sql, &[&id.0]).await? {
        Some(row) => from_json(rows::get(&row, 0, "topic settings")?, "topic settings").map(Some),
        None => Ok(None),
    }
}

/// Inserts or replaces the settings document of a skill.
pub(crate) async fn put_settings<C: GenericClient>(
    c: &C,
    account: &AccountId,
    id: SkillId,
    settings: &TopicSettings,
) -> StoreResult<()> {
    require_skill(c, account, id).await?;
    let json = to_json(settings)?;
    // A concurrent delete of the skill between the check and here makes the insert fail its
    // foreign key: reported as Other, as a lost race with a delete is rare and harmless.
    let sql = "INSERT INTO topic_settings (skill_id, account_id, json) VALUES ($1, $2, $3)
               ON CONFLICT (skill_id) DO UPDATE SET json = excluded.json";
    db::exec(c, sql, &[&id.0, &account.as_str(), &json])
        .await
        .map_err(error::pg)?;
    Ok(())
}
