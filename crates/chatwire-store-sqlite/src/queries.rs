//! The SELECTs, shared by the read pool and the writer (which must read the chat and the acting
//! agent inside its own transaction). Every function takes a plain `&Connection`, so it runs
//! against whatever snapshot that connection is in; none of them writes.
//!
//! Every query of account-owned data filters by `account_id`: another account's object is
//! `NotFound`, never returned.

use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, Chat, ChatEvent, ChatKey, ChatNum, EventId,
    GlobalSeq, Skill,
};
use chatwire_store::{FeedItem, StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, Params, Row, params};

use crate::error;
use crate::rows::{
    ACCOUNT_COLUMNS, AGENT_COLUMNS, APP_KEY_COLUMNS, AccountRow, AgentRow, AppKeyRow,
    EVENT_COLUMNS, EventRow, SKILL_COLUMNS, SkillRow, chat_from_json,
};

/// Runs `sql` and maps every row through `read`, then `decode`.
pub(crate) fn all<R, T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<R>,
    decode: impl Fn(R) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(error::sql)?;
    let raw = stmt.query_map(params, read).map_err(error::sql)?;
    raw.map(|r| r.map_err(error::sql).and_then(&decode))
        .collect()
}

/// Runs `sql` expecting at most one row; none is `NotFound(what)`.
pub(crate) fn one<R, T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnOnce(&Row<'_>) -> rusqlite::Result<R>,
    decode: impl FnOnce(R) -> StoreResult<T>,
    what: &'static str,
) -> StoreResult<T> {
    let mut stmt = conn.prepare_cached(sql).map_err(error::sql)?;
    let raw = stmt
        .query_row(params, read)
        .optional()
        .map_err(error::sql)?;
    decode(raw.ok_or(StoreError::NotFound(what))?)
}

/// Whether the account exists (writes check it to answer `NotFound("account")`).
pub(crate) fn account_exists(conn: &Connection, id: &AccountId) -> StoreResult<bool> {
    let mut stmt = conn
        .prepare_cached("SELECT 1 FROM accounts WHERE id = ?1")
        .map_err(error::sql)?;
    stmt.exists([id.as_str()]).map_err(error::sql)
}

/// One account.
pub(crate) fn get_account(conn: &Connection, id: &AccountId) -> StoreResult<Account> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1");
    one(
        conn,
        &sql,
        [id.as_str()],
        AccountRow::read,
        AccountRow::decode,
        "account",
    )
}

/// All accounts, by id (byte order, like the in-memory store's `BTreeMap`).
pub(crate) fn list_accounts(conn: &Connection) -> StoreResult<Vec<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id");
    all(conn, &sql, [], AccountRow::read, AccountRow::decode)
}

/// An account's skills, by id.
pub(crate) fn list_skills(conn: &Connection, account: &AccountId) -> StoreResult<Vec<Skill>> {
    let sql = format!("SELECT {SKILL_COLUMNS} FROM skills WHERE account_id = ?1 ORDER BY id");
    all(
        conn,
        &sql,
        [account.as_str()],
        SkillRow::read,
        SkillRow::decode,
    )
}

/// One agent of an account.
pub(crate) fn get_agent(conn: &Connection, account: &AccountId, id: AgentId) -> StoreResult<Agent> {
    let sql = format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = ?1 AND account_id = ?2");
    one(
        conn,
        &sql,
        params![id.0, account.as_str()],
        AgentRow::read,
        AgentRow::decode,
        "agent",
    )
}

/// An agent by login name, ignoring ASCII case (served by the unique NOCASE index).
pub(crate) fn find_agent_by_login(
    conn: &Connection,
    account: &AccountId,
    login: &str,
) -> StoreResult<Agent> {
    let sql = format!(
        "SELECT {AGENT_COLUMNS} FROM agents WHERE account_id = ?1 AND login_name = ?2 COLLATE NOCASE"
    );
    one(
        conn,
        &sql,
        params![account.as_str(), login],
        AgentRow::read,
        AgentRow::decode,
        "agent",
    )
}

/// An account's agents, by id.
pub(crate) fn list_agents(conn: &Connection, account: &AccountId) -> StoreResult<Vec<Agent>> {
    let sql = format!("SELECT {AGENT_COLUMNS} FROM agents WHERE account_id = ?1 ORDER BY id");
    all(
        conn,
        &sql,
        [account.as_str()],
        AgentRow::read,
        AgentRow::decode,
    )
}

/// How many chats `agent` is handling now (state `chatting`), the load `decide` checks against
/// `max_chats`. Served by the (agent_id, state) index.
pub(crate) fn active_chats(conn: &Connection, agent: AgentId) -> StoreResult<u32> {
    let sql = "SELECT COUNT(*) FROM chats WHERE agent_id = ?1 AND state = 'chatting'";
    let mut stmt = conn.prepare_cached(sql).map_err(error::sql)?;
    let n: i64 = stmt
        .query_row([agent.0], |r| r.get(0))
        .map_err(error::sql)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// An app key by its text.
pub(crate) fn find_app_key(conn: &Connection, key: &str) -> StoreResult<AppKey> {
    let sql = format!("SELECT {APP_KEY_COLUMNS} FROM app_keys WHERE key = ?1");
    one(
        conn,
        &sql,
        [key],
        AppKeyRow::read,
        AppKeyRow::decode,
        "app key",
    )
}

/// A chat of an account by key.
pub(crate) fn get_chat(conn: &Connection, account: &AccountId, key: &ChatKey) -> StoreResult<Chat> {
    let sql = "SELECT chat_json FROM chats WHERE key = ?1 AND account_id = ?2";
    one(
        conn,
        sql,
        [key.as_str(), account.as_str()],
        |r| r.get::<_, String>(0),
        |j| chat_from_json(&j),
        "chat",
    )
}

/// A chat's number and the revision its row holds (the `revision` column, migration 0014): what
/// the writer checks a cached chat against, without reading `chat_json`.
pub(crate) fn chat_revision(
    conn: &Connection,
    account: &AccountId,
    key: &ChatKey,
) -> StoreResult<(ChatNum, u64)> {
    let sql = "SELECT num, revision FROM chats WHERE key = ?1 AND account_id = ?2";
    one(
        conn,
        sql,
        [key.as_str(), account.as_str()],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        |(num, rev)| {
            let rev = u64::try_from(rev).map_err(|e| error::corrupt("chat", e))?;
            Ok((ChatNum(num), rev))
        },
        "chat",
    )
}

/// A chat of an account by number.
pub(crate) fn get_chat_by_num(
    conn: &Connection,
    account: &AccountId,
    num: ChatNum,
) -> StoreResult<Chat> {
    let sql = "SELECT chat_json FROM chats WHERE num = ?1 AND account_id = ?2";
    one(
        conn,
        sql,
        params![num.0, account.as_str()],
        |r| r.get::<_, String>(0),
        |j| chat_from_json(&j),
        "chat",
    )
}

/// Events of a chat with id `>= from`, oldest first, at most `limit`.
pub(crate) fn events_since(
    conn: &Connection,
    account: &AccountId,
    key: &ChatKey,
    from: EventId,
    limit: u32,
) -> StoreResult<Vec<ChatEvent>> {
    // Resolve the chat first so a wrong key or account is NotFound, not an empty page.
    let num_sql = "SELECT num FROM chats WHERE key = ?1 AND account_id = ?2";
    let num: i64 = one(
        conn,
        num_sql,
        [key.as_str(), account.as_str()],
        |r| r.get(0),
        Ok,
        "chat",
    )?;
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM chat_events
         WHERE chat_num = ?1 AND event_id >= ?2 ORDER BY event_id LIMIT ?3"
    );
    let args = params![num, i64::from(from.0), i64::from(limit)];
    all(
        conn,
        &sql,
        args,
        |r| EventRow::read_from(r, 0),
        EventRow::decode,
    )
}

/// Every chat not yet ended, server-wide, by number.
pub(crate) fn open_chats(conn: &Connection) -> StoreResult<Vec<Chat>> {
    // IN (…) rather than <> 'ended' so the planner can use the state index.
    let sql = "SELECT chat_json FROM chats WHERE state IN ('waiting', 'chatting') ORDER BY num";
    all(
        conn,
        sql,
        [],
        |r| r.get::<_, String>(0),
        |j| chat_from_json(&j),
    )
}

/// Chats of an account whose (current or last) agent is `agent`, newest first.
pub(crate) fn chats_of_agent(
    conn: &Connection,
    account: &AccountId,
    agent: AgentId,
    limit: u32,
) -> StoreResult<Vec<Chat>> {
    let sql = "SELECT chat_json FROM chats WHERE agent_id = ?1 AND account_id = ?2
               ORDER BY num DESC LIMIT ?3";
    let args = params![agent.0, account.as_str(), i64::from(limit)];
    all(
        conn,
        sql,
        args,
        |r| r.get::<_, String>(0),
        |j| chat_from_json(&j),
    )
}

/// An account's events with seq `> after`, in seq order, at most `limit`.
pub(crate) fn feed_since(
    conn: &Connection,
    account: &AccountId,
    after: GlobalSeq,
    limit: u32,
) -> StoreResult<Vec<FeedItem>> {
    // The (account_id, seq) index gives the rows in order; the join to chats is a rowid seek.
    let sql = "SELECT c.key, e.seq, e.event_id, e.at, e.kind_json
               FROM chat_events e JOIN chats c ON c.num = e.chat_num
               WHERE e.account_id = ?1 AND e.seq > ?2 ORDER BY e.seq LIMIT ?3";
    let args = params![account.as_str(), after.0, i64::from(limit)];
    let read = |r: &Row<'_>| Ok((r.get::<_, String>(0)?, EventRow::read_from(r, 1)?));
    all(conn, sql, args, read, |(key, event)| {
        let chat = ChatKey::parse(&key).map_err(|e| error::corrupt("chat", e))?;
        Ok(FeedItem {
            chat,
            event: event.decode()?,
        })
    })
}
