//! The chat writes: opening a chat and executing a command on it, each inside a transaction
//! (a savepoint of a batch, see `batch`) that decides against the chat as committed; `seq`
//! numbers the events at the batch's end (and documents the lock order).
//!
//! Semantics follow `chatwire_store::memory` and the SQLite backend: the same existence checks
//! in the same order, the same `NotFound` names and `Conflict` cases.

use chatwire_core::routing::AgentLoad;
use chatwire_core::{
    AccountId, Agent, AgentId, Chat, ChatCommand, ChatEvent, ChatKey, ChatNum, DecisionContext,
    NewChat, Timestamp,
};
use chatwire_store::{StoreResult, acting_agent, decide_and_apply};
use deadpool_postgres::Transaction;
use tokio_postgres::IsolationLevel;

use crate::chat_rows::ChatRows;
use crate::rows::{self, AGENT_COLUMNS, ChatColumns, agent_column, chat_json};
use crate::{db, error, history, queries, seq};

/// A chat write done inside a transaction, before its events are numbered.
#[derive(Debug)]
pub(crate) struct Written {
    /// The chat as written.
    pub(crate) chat: Chat,
    /// Its new events, numbered [`seq::PLACEHOLDER`] until the batch's end.
    pub(crate) events: Vec<ChatEvent>,
}

/// Opens a chat inside `tx`: numbers it and writes its row. Returns the chat and its opening
/// events, not yet numbered (the batch numbers every event at its end, see `batch`).
pub(crate) async fn create_in(
    tx: &Transaction<'_>,
    new: NewChat,
    now: Timestamp,
) -> StoreResult<Written> {
    queries::require_account(tx, &new.account).await?;
    let row = db::one(tx, "SELECT nextval('chat_nums')", &[], "chat number").await?;
    let num: i64 = rows::get(&row, 0, "chat_nums")?;
    let (mut chat, changes) = Chat::open(new, ChatNum(num), now)?;
    let events = chat.apply_changes(changes, now, seq::PLACEHOLDER);
    let sql = "INSERT INTO chats (num, key, account_id, state, agent_id, chat_json, skill_id,
                   requested_at, accepted_at, ended_at, visitor_name, transfer_from, transfer_to,
                   visitor_id, customer_email)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
    let c = ChatColumns::of(&chat);
    let params: db::Params<'_> = &[
        &chat.num.0,
        &chat.key.as_str(),
        &chat.account.as_str(),
        &chat.state.as_str(),
        &agent_column(&chat),
        &chat_json(&chat)?,
        &c.skill_id,
        &c.requested_at,
        &c.accepted_at,
        &c.ended_at,
        &c.visitor_name,
        &c.transfer_from,
        &c.transfer_to,
        &chat.visitor_id,
        &c.customer_email,
    ];
    db::exec(tx, sql, params)
        .await
        .map_err(error::unique_as(|| "chat key exists".to_owned()))?;
    history::insert_facts(tx, &chat, &events).await?;
    Ok(Written { chat, events })
}

/// Decides `cmd` inside `tx` against the chat as committed (including earlier writes of the
/// same batch) and writes the chat row. Returns the chat and its new events, not yet numbered.
pub(crate) async fn execute_in(
    tx: &Transaction<'_>,
    account: &AccountId,
    key: &ChatKey,
    cmd: ChatCommand,
    now: Timestamp,
) -> StoreResult<Written> {
    // FOR NO KEY UPDATE is the lock an UPDATE of non-key columns takes anyway: it queues
    // every other writer of this chat behind us (on any node) and makes it re-read the row as
    // we commit it, but unlike FOR UPDATE it does not block the foreign-key checks of outbox
    // and survey inserts that only reference the chat.
    let sql = "SELECT chat_json FROM chats WHERE key = $1 AND account_id = $2 FOR NO KEY UPDATE";
    let row = db::one(tx, sql, &[&key.as_str(), &account.as_str()], "chat").await?;
    let mut chat = rows::chat_from_json(rows::get(&row, 0, "chat")?)?;
    let ctx = match acting_agent(&cmd) {
        Some(id) => DecisionContext {
            agent: Some(AgentLoad {
                agent: lock_agent(tx, account, id).await?,
                // Counted after the agent's lock is ours: any accept of this agent that
                // committed before has released it, and READ COMMITTED gives this statement
                // a fresh snapshot that includes it. So capacity holds across nodes.
                active_chats: queries::active_chats(tx, id).await?,
            }),
        },
        None => DecisionContext::default(),
    };
    let facts_before = history::fact_columns(&chat);
    let events = decide_and_apply(&mut chat, cmd, &ctx, now, seq::PLACEHOLDER)?;
    let mut row = ChatRows::default();
    row.push(&chat)?;
    row.write(tx).await?;
    history::update_facts(tx, &chat, &events, facts_before).await?;
    Ok(Written { chat, events })
}

/// Opens a READ COMMITTED transaction whatever the server's default isolation: the lock
/// waits in `execute` and the counter in `seq` rely on each statement re-reading the rows it
/// waited for as committed, where REPEATABLE READ would fail them with 40001 instead.
pub(crate) async fn begin(client: &mut deadpool_postgres::Client) -> StoreResult<Transaction<'_>> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::ReadCommitted)
        .start()
        .await
        .map_err(error::pg)
}

/// Reads the acting agent and locks its row until commit, so two accepts by the same agent
/// (through any nodes) are decided one after the other.
async fn lock_agent(tx: &Transaction<'_>, account: &AccountId, id: AgentId) -> StoreResult<Agent> {
    let sql = format!(
        "SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1 AND account_id = $2 FOR NO KEY UPDATE"
    );
    rows::agent(&db::one(tx, &sql, &[&id.0, &account.as_str()], "agent").await?)
}
