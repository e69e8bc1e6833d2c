//! Skill edits and deletes, and SuperOffice topic settings (one JSON document per skill).

use chatwire_core::{AccountId, Skill, SkillId, TopicSettings};
use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};

use crate::error;
use crate::writer::WriteCx;

fn require_skill(conn: &Connection, account: &AccountId, id: SkillId) -> StoreResult<()> {
    let mut stmt = conn
        .prepare_cached("SELECT 1 FROM skills WHERE id = ?1 AND account_id = ?2")
        .map_err(error::sql)?;
    if stmt
        .exists(params![id.0, account.as_str()])
        .map_err(error::sql)?
    {
        Ok(())
    } else {
        Err(StoreError::NotFound("skill"))
    }
}

/// Replaces a skill's texts; `NotFound` outside its account, `Conflict` on a taken name.
pub(crate) fn update_skill(cx: &mut WriteCx<'_>, skill: &Skill) -> StoreResult<()> {
    let sql = "UPDATE skills SET name = ?3, description = ?4, welcome_message = ?5
               WHERE id = ?1 AND account_id = ?2";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    let changed = stmt
        .execute(params![
            skill.id.0,
            skill.account.as_str(),
            skill.name,
            skill.description,
            skill.welcome_message
        ])
        .map_err(error::unique_as(|| format!("skill {} exists", skill.name)))?;
    if changed == 0 {
        Err(StoreError::NotFound("skill"))
    } else {
        Ok(())
    }
}

/// Deletes a skill and its settings, leaves a tombstone, and drops it from agents' skills.
pub(crate) fn delete_skill(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    id: SkillId,
) -> StoreResult<()> {
    require_skill(cx.conn, account, id)?;
    let conn = cx.conn;
    let agents: Vec<(i64, String)> = {
        let mut stmt = conn
            .prepare_cached("SELECT id, skills_json FROM agents WHERE account_id = ?1")
            .map_err(error::sql)?;
        let rows = stmt
            .query_map([account.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(error::sql)?;
        rows.collect::<Result<_, _>>().map_err(error::sql)?
    };
    for (agent, json) in agents {
        let mut skills: Vec<SkillId> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Other(anyhow::anyhow!("corrupt skills_json: {e}")))?;
        if skills.contains(&id) {
            skills.retain(|s| *s != id);
            let json = crate::rows::skills_json(&skills)?;
            conn.execute(
                "UPDATE agents SET skills_json = ?2 WHERE id = ?1",
                params![agent, json],
            )
            .map_err(error::sql)?;
        }
    }
    conn.execute("DELETE FROM topic_settings WHERE skill_id = ?1", [id.0])
        .map_err(error::sql)?;
    conn.execute("DELETE FROM skills WHERE id = ?1", [id.0])
        .map_err(error::sql)?;
    conn.execute(
        "INSERT INTO skill_tombstones (id, account_id) VALUES (?1, ?2)",
        params![id.0, account.as_str()],
    )
    .map_err(error::sql)?;
    Ok(())
}

/// The settings document of a skill, `None` if never saved.
pub(crate) fn settings(
    conn: &Connection,
    account: &AccountId,
    id: SkillId,
) -> StoreResult<Option<TopicSettings>> {
    require_skill(conn, account, id)?;
    let text: Option<String> = conn
        .query_row(
            "SELECT json FROM topic_settings WHERE skill_id = ?1",
            [id.0],
            |r| r.get(0),
        )
        .optional()
        .map_err(error::sql)?;
    text.map(|t| {
        serde_json::from_str(&t)
            .map_err(|e| StoreError::Other(anyhow::anyhow!("corrupt topic settings: {e}")))
    })
    .transpose()
}

/// Inserts or replaces the settings document of a skill.
pub(crate) fn put_settings(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    id: SkillId,
    settings: &TopicSettings,
) -> StoreResult<()> {
    require_skill(cx.conn, account, id)?;
    let json = serde_json::to_string(settings).map_err(|e| StoreError::Other(e.into()))?;
    cx.conn
        .execute(
            "INSERT INTO topic_settings (skill_id, account_id, json) VALUES (?1, ?2, ?3)
             ON CONFLICT (skill_id) DO UPDATE SET json = excluded.json",
            params![id.0, account.as_str(), json],
        )
        .map_err(error::sql)?;
    Ok(())
}
