//! The SELECTs, shared by the pool (plain reads) and the write transactions (which must read
//! inside their own snapshot). Every function takes any [`GenericClient`]; none of them writes.
//!
//! Every query of account-owned data filters by `account_id`: another account's object is
//! `NotFound`, never returned.

use chatwire_core::{
    Account, AccountId, Agent, AgentId, AppKey, Chat, ChatEvent, ChatKey, ChatNum, EventId,
    GlobalSeq, Skill,
};
use chatwire_store::{FeedItem, StoreError, StoreResult};
use deadpool_postgres::GenericClient;

use crate::db;
use crate::error::corrupt;
use crate::rows::{
    self, ACCOUNT_COLUMNS, AGENT_COLUMNS, APP_KEY_COLUMNS, EVENT_COLUMNS, SKILL_COLUMNS,
    chat_from_json,
};

/// `NotFound("account")` unless the account exists (writes check it first, like the other
/// backends, so a missing account is not reported as a foreign-key error).
pub(crate) async fn require_account<C: GenericClient>(c: &C, id: &AccountId) -> StoreResult<()> {
    let sql = "SELECT 1 FROM accounts WHERE id = $1";
    if db::exists(c, sql, &[&id.as_str()]).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound("account"))
    }
}

/// One account.
pub(crate) async fn get_account<C: GenericClient>(c: &C, id: &AccountId) -> StoreResult<Account> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
    rows::account(&db::one(c, &sql, &[&id.as_str()], "account").await?)
}

/// All accounts, by id (byte order, like the in-memory store's `BTreeMap`; `COLLATE "C"`
/// because the database's default collation may order by locale).
pub(crate) async fn list_accounts<C: GenericClient>(c: &C) -> StoreResult<Vec<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id COLLATE \"C\"");
    db::rows(c, &sql, &[])
        .await?
        .iter()
        .map(rows::account)
        .collect()
}

/// An account's skills, by id.
pub(crate) async fn list_skills<C: GenericClient>(
    c: &C,
    account: &AccountId,
) -> StoreResult<Vec<Skill>> {
    let sql = format!("SELECT {SKILL_COLUMNS} FROM skills WHERE account_id = $1 ORDER BY id");
    db::rows(c, &sql, &[&account.as_str()])
        .await?
        .iter()
        .map(rows::skill)
        .collect()
}

/// One agent of an account.
pub(crate) async fn get_agent<C: GenericClient>(
    c: &C,
    account: &AccountId,
    id: AgentId,
) -> StoreResult<Agent> {
    let sql = format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1 AND account_id = $2");
    rows::agent(&db::one(c, &sql, &[&id.0, &account.as_str()], "agent").await?)
}

/// An agent by login name, ignoring ASCII case (served by the unique `ascii_lower` index).
pub(crate) async fn find_agent_by_login<C: GenericClient>(
    c: &C,
    account: &AccountId,
    login: &str,
) -> StoreResult<Agent> {
    let sql = format!(
        "SELECT {AGENT_COLUMNS} FROM agents
         WHERE account_id = $1 AND ascii_lower(login_name) = ascii_lower($2)"
    );
    rows::agent(&db::one(c, &sql, &[&account.as_str(), &login], "agent").await?)
}

/// An account's agents, by id.
pub(crate) async fn list_agents<C: GenericClient>(
    c: &C,
    account: &AccountId,
) -> StoreResult<Vec<Agent>> {
    let sql = format!("SELECT {AGENT_COLUMNS} FROM agents WHERE account_id = $1 ORDER BY id");
    db::rows(c, &sql, &[&account.as_str()])
        .await?
        .iter()
        .map(rows::agent)
        .collect()
}

/// How many chats `agent` is handling now (state `chatting`), the load `decide` checks against
/// `max_chats`. Served by the (agent_id, state) index.
pub(crate) async fn active_chats<C: GenericClient>(c: &C, agent: AgentId) -> StoreResult<u32> {
    let sql = "SELECT COUNT(*) FROM chats WHERE agent_id = $1 AND state = 'chatting'";
    let row = db::one(c, sql, &[&agent.0], "agent").await?;
    let n: i64 = rows::get(&row, 0, "chat")?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// An app key by its text.
pub(crate) async fn find_app_key<C: GenericClient>(c: &C, key: &str) -> StoreResult<AppKey> {
    let sql = format!("SELECT {APP_KEY_COLUMNS} FROM app_keys WHERE key = $1");
    rows::app_key(&db::one(c, &sql, &[&key], "app key").await?)
}

/// A chat of an account by key.
pub(crate) async fn get_chat<C: GenericClient>(
    c: &C,
    account: &AccountId,
    key: &ChatKey,
) -> StoreResult<Chat> {
    let sql = "SELECT chat_json FROM chats WHERE key = $1 AND account_id = $2";
    let row = db::one(c, sql, &[&key.as_str(), &account.as_str()], "chat").await?;
    chat_from_json(rows::get(&row, 0, "chat")?)
}

/// A chat of an account by number.
pub(crate) async fn get_chat_by_num<C: GenericClient>(
    c: &C,
    account: &AccountId,
    num: ChatNum,
) -> StoreResult<Chat> {
    let sql = "SELECT chat_json FROM chats WHERE num = $1 AND account_id = $2";
    let row = db::one(c, sql, &[&num.0, &account.as_str()], "chat").await?;
    chat_from_json(rows::get(&row, 0, "chat")?)
}

/// Events of a chat with id `>= from`, oldest first, at most `limit`.
pub(crate) async fn events_since<C: GenericClient>(
    c: &C,
    account: &AccountId,
    key: &ChatKey,
    from: EventId,
    limit: u32,
) -> StoreResult<Vec<ChatEvent>> {
    // Resolve the chat first so a wrong key or account is NotFound, not an empty page.
    let num_sql = "SELECT num FROM chats WHERE key = $1 AND account_id = $2";
    let row = db::one(c, num_sql, &[&key.as_str(), &account.as_str()], "chat").await?;
    let num: i64 = rows::get(&row, 0, "chat")?;
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM chat_events
         WHERE chat_num = $1 AND event_id >= $2 ORDER BY event_id LIMIT $3"
    );
    // Ids past i32::MAX cannot exist (the column is INTEGER): clamp instead of failing.
    let from = i32::try_from(from.0).unwrap_or(i32::MAX);
    db::rows(c, &sql, &[&num, &from, &i64::from(limit)])
        .await?
        .iter()
        .map(|r| rows::event(r, 0))
        .collect()
}

/// A chat and its events with id `>= from` (at most `limit`), in one statement, so one
/// snapshot: the events are exactly the chat's. The chat comes on every row (NULL event
/// columns when there are none); catching up reads a few events, so the repeat is small.
pub(crate) async fn chat_since<C: GenericClient>(
    c: &C,
    account: &AccountId,
    key: &ChatKey,
    from: EventId,
    limit: u32,
) -> StoreResult<(Chat, Vec<ChatEvent>)> {
    let sql = "SELECT c.chat_json, e.seq, e.event_id, e.at, e.kind_json
               FROM chats c
               LEFT JOIN LATERAL (
                   SELECT seq, event_id, at, kind_json FROM chat_events
                   WHERE chat_num = c.num AND event_id >= $3 ORDER BY event_id LIMIT $4
               ) e ON true
               WHERE c.key = $1 AND c.account_id = $2
               ORDER BY e.event_id";
    let from = i32::try_from(from.0).unwrap_or(i32::MAX);
    let params: db::Params<'_> = &[&key.as_str(), &account.as_str(), &from, &i64::from(limit)];
    let found = db::rows(c, sql, params).await?;
    let first = found.first().ok_or(StoreError::NotFound("chat"))?;
    let chat = chat_from_json(rows::get(first, 0, "chat")?)?;
    let mut events = Vec::with_capacity(found.len());
    for row in &found {
        let id: Option<i32> = rows::get(row, 2, "event")?;
        if id.is_some() {
            events.push(rows::event(row, 1)?);
        }
    }
    Ok((chat, events))
}

/// Every chat not yet ended, server-wide, by number (served by the partial `chats_open` index).
pub(crate) async fn open_chats<C: GenericClient>(c: &C) -> StoreResult<Vec<Chat>> {
    let sql = "SELECT chat_json FROM chats WHERE state IN ('waiting', 'chatting') ORDER BY num";
    db::rows(c, sql, &[])
        .await?
        .iter()
        .map(|r| chat_from_json(rows::get(r, 0, "chat")?))
        .collect()
}

/// Chats of an account whose (current or last) agent is `agent`, newest first.
pub(crate) async fn chats_of_agent<C: GenericClient>(
    c: &C,
    account: &AccountId,
    agent: AgentId,
    limit: u32,
) -> StoreResult<Vec<Chat>> {
    let sql = "SELECT chat_json FROM chats WHERE agent_id = $1 AND account_id = $2
               ORDER BY num DESC LIMIT $3";
    db::rows(c, sql, &[&agent.0, &account.as_str(), &i64::from(limit)])
        .await?
        .iter()
        .map(|r| chat_from_json(rows::get(r, 0, "chat")?))
        .collect()
}

/// An account's events with seq `> after`, in seq order, at most `limit`. Seq order is commit
/// order (see `seq`), so a cursor never passes an event that commits later.
pub(crate) async fn feed_since<C: GenericClient>(
    c: &C,
    account: &AccountId,
    after: GlobalSeq,
    limit: u32,
) -> StoreResult<Vec<FeedItem>> {
    let sql = "SELECT c.key, e.seq, e.event_id, e.at, e.kind_json
               FROM chat_events e JOIN chats c ON c.num = e.chat_num
               WHERE e.account_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3";
    db::rows(c, sql, &[&account.as_str(), &after.0, &i64::from(limit)])
        .await?
        .iter()
        .map(|r| {
            let key: &str = rows::get(r, 0, "chat")?;
            Ok(FeedItem {
                chat: ChatKey::parse(key).map_err(|e| corrupt("chat", e))?,
                event: rows::event(r, 1)?,
            })
        })
        .collect()
}
