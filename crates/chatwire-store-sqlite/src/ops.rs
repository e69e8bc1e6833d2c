//! The write operations, as run on the writer thread inside a batch's transaction and the job's
//! own savepoint. Any `Err` returned here rolls back this operation only (see `writer`).
//!
//! Semantics follow `chatwire_store::memory` exactly: the same existence checks in the same
//! order, the same `NotFound` names and `Conflict` cases.

use std::str::FromStr;

use chatwire_core::routing::AgentLoad;
use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, Chat, ChatCommand, ChatEvent, ChatKey, ChatNum,
    DecisionContext, GlobalSeq, NewAgent, NewAppKey, NewChat, Skill, SkillId, Timestamp,
};
use chatwire_core::{AccountEventKind, Availability};
use chatwire_store::{
    Committed, NewSkill, StoreError, StoreResult, acting_agent, decide_and_apply,
};
use rusqlite::{OptionalExtension, params};

use crate::rows::{ChatColumns, chat_json, kind_json, skills_json};
use crate::writer::WriteCx;
use crate::{error, history, queries};

fn require_account(cx: &WriteCx<'_>, id: &AccountId) -> StoreResult<()> {
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

/// Opens a chat: numbers it, writes the row and its opening events.
pub(crate) fn create_chat(
    cx: &mut WriteCx<'_>,
    new: NewChat,
    now: Timestamp,
) -> StoreResult<Committed> {
    require_account(cx, &new.account)?;
    // MAX+1 is safe without a lock: this thread is the only writer and holds the write lock.
    let num: i64 = cx
        .conn
        // Past deleted chats' numbers too (high_water, written by deletions).
        .prepare_cached(
            "SELECT MAX(COALESCE((SELECT MAX(num) FROM chats), 0),
                        COALESCE((SELECT value FROM high_water WHERE name = 'num'), 0)) + 1",
        )
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(error::sql)?;
    let (mut chat, changes) = Chat::open(new, ChatNum(num), now)?;
    let events = chat.apply_changes(changes, now, GlobalSeq(cx.last_seq + 1));
    let sql = "INSERT INTO chats (num, key, account_id, state, agent_id, chat_json, skill_id,
                   requested_at, accepted_at, ended_at, visitor_name, transfer_from, transfer_to,
                   visitor_id, customer_email)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
    let cols = ChatColumns::of(&chat);
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    stmt.execute(params![
        chat.num.0,
        chat.key.as_str(),
        chat.account.as_str(),
        cols.state,
        cols.agent_id,
        chat_json(&chat)?,
        cols.skill_id,
        cols.requested_at,
        cols.accepted_at,
        cols.ended_at,
        cols.visitor_name,
        cols.transfer_from,
        cols.transfer_to,
        chat.visitor_id,
        cols.customer_email,
    ])
    .map_err(error::unique_as(|| "chat key exists".to_owned()))?;
    history::insert_facts(cx, &chat, &events)?;
    append(cx, &chat, &events)?;
    Ok(Committed { chat, events })
}

/// Decides `cmd` against the chat as committed (including earlier jobs of this batch) and
/// writes the outcome.
pub(crate) fn execute(
    cx: &mut WriteCx<'_>,
    account: &AccountId,
    key: &ChatKey,
    cmd: ChatCommand,
    now: Timestamp,
) -> StoreResult<Committed> {
    let mut chat = queries::get_chat(cx.conn, account, key)?;
    let ctx = match acting_agent(&cmd) {
        Some(id) => DecisionContext {
            agent: Some(AgentLoad {
                agent: queries::get_agent(cx.conn, account, id)?,
                active_chats: queries::active_chats(cx.conn, id)?,
            }),
        },
        None => DecisionContext::default(),
    };
    let indexed_before = ChatColumns::of(&chat);
    let events = decide_and_apply(&mut chat, cmd, &ctx, now, GlobalSeq(cx.last_seq + 1))?;
    // Most writes are lines, which change no indexed column; rewriting only chat_json then
    // spares SQLite from touching the chats indexes on every line.
    let json = chat_json(&chat)?;
    let cols = ChatColumns::of(&chat);
    let updated = if indexed_before == cols {
        let sql = "UPDATE chats SET chat_json = ?2 WHERE num = ?1";
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        stmt.execute(params![chat.num.0, json])
    } else {
        let sql = "UPDATE chats SET chat_json = ?2, state = ?3, agent_id = ?4, skill_id = ?5,
                       requested_at = ?6, accepted_at = ?7, ended_at = ?8, visitor_name = ?9,
                       transfer_from = ?10, transfer_to = ?11, customer_email = ?12
                   WHERE num = ?1";
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        stmt.execute(params![
            chat.num.0,
            json,
            cols.state,
            cols.agent_id,
            cols.skill_id,
            cols.requested_at,
            cols.accepted_at,
            cols.ended_at,
            cols.visitor_name,
            cols.transfer_from,
            cols.transfer_to,
            cols.customer_email,
        ])
    };
    updated.map_err(error::sql)?;
    history::update_facts(cx, &chat, &events, indexed_before != cols)?;
    append(cx, &chat, &events)?;
    Ok(Committed { chat, events })
}

/// Inserts `events` of `chat` and advances the global sequence past them.
fn append(cx: &mut WriteCx<'_>, chat: &Chat, events: &[ChatEvent]) -> StoreResult<()> {
    let sql = "INSERT INTO chat_events (seq, chat_num, event_id, account_id, at, kind_json)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
    for e in events {
        stmt.execute(params![
            e.seq.0,
            chat.num.0,
            i64::from(e.id.0),
            chat.account.as_str(),
            e.at.0,
            kind_json(&e.kind)?,
        ])
        .map_err(error::sql)?;
        history::index_line(cx, e)?;
        cx.last_seq = e.seq.0;
    }
    Ok(())
}
