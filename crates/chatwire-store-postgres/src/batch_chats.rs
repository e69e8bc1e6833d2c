//! The chats of one write batch, read once under lock, decided in memory and written back
//! once: the batch's fast path for commands on existing chats.
//!
//! Why: run one by one, a line cost about six sequential statements inside the batch
//! (savepoint, lock and read the chat, rewrite its row, its facts, its wake-up, release), each a
//! round trip, so one node could not pass ~1,300 lines/s (docs/performance.md). Here the batch
//! locks and reads all its chats in one statement (which `batch` needed for its lock order
//! anyway), decides each command against the chat in memory as the earlier writes of the batch
//! left it, and writes every changed chat's row and facts with the batch's last statement
//! (`seq::append`).
//!
//! Semantics are the slow path's: a command is decided against the chat as committed
//! including the batch's earlier writes; a refusal changes nothing (deciding is pure, so no
//! savepoint is needed); the rows are written before the events are numbered, in the same
//! transaction, and nothing is visible before COMMIT. Commands that need more than the chat
//! (an accept counts the agent's chats in the database) and chats this batch did not lock (a
//! chat opened in the same batch, a key of no chat) take the slow path, after the fast path's
//! changes so far have been written, so it reads them.

use std::collections::HashMap;

use chatwire_core::{AccountId, Chat, ChatCommand, ChatKey, DecisionContext, Timestamp};
use chatwire_store::{StoreError, StoreResult, acting_agent, decide_and_apply};
use deadpool_postgres::Transaction;

use crate::batch::Write;
use crate::chat_rows::ChatRows;
use crate::chats::Written;
use crate::history::{self, FactColumns, FactRows};
use crate::{db, error, rows, seq};

/// A chat as this batch holds it.
struct Held {
    chat: Chat,
    /// Its facts columns as last written (to tell whether the facts row needs an update).
    facts_written: FactColumns,
    /// Searchable lines appended since the facts row was last written.
    new_lines: i64,
    /// Changed since it was last written.
    dirty: bool,
}

/// The batch's locked chats, by key.
pub(crate) struct BatchChats {
    held: HashMap<String, Held>,
}

impl BatchChats {
    /// Locks, in one global order (chats by key, then acting agents by id), every row the
    /// batch's writes will lock, so two nodes' batches queue instead of deadlocking, and reads
    /// the locked chats.
    pub(crate) async fn lock(
        tx: &Transaction<'_>,
        writes: &[(Write, Timestamp)],
    ) -> StoreResult<Self> {
        let mut keys: Vec<&str> = Vec::new();
        let mut agents: Vec<i64> = Vec::new();
        for (write, _) in writes {
            if let Write::Execute { key, cmd, .. } = write {
                keys.push(key.as_str());
                agents.extend(acting_agent(cmd).map(|a| a.0));
            }
        }
        let mut held = HashMap::with_capacity(keys.len());
        if keys.is_empty() {
            return Ok(Self { held });
        }
        keys.sort_unstable();
        keys.dedup();
        let sql = "SELECT key, chat_json FROM chats WHERE key = ANY($1) ORDER BY key
                   FOR NO KEY UPDATE";
        for row in db::rows(tx, sql, &[&keys]).await? {
            let key: String = rows::get(&row, 0, "chat")?;
            // A chat whose row cannot be read stays locked but out of memory: its writes take
            // the one-by-one path and fail alone, not with the whole batch.
            let chat = match rows::chat_from_json(rows::get(&row, 1, "chat")?) {
                Ok(chat) => chat,
                Err(e) => {
                    tracing::warn!(chat.id = %key, error = %e, "unreadable chat row");
                    continue;
                }
            };
            let facts_written = history::fact_columns(&chat);
            held.insert(
                key,
                Held {
                    chat,
                    facts_written,
                    new_lines: 0,
                    dirty: false,
                },
            );
        }
        if !agents.is_empty() {
            agents.sort_unstable();
            agents.dedup();
            let sql = "SELECT id FROM agents WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE";
            tx.query(sql, &[&agents]).await.map_err(error::pg)?;
        }
        Ok(Self { held })
    }

    /// Decides `cmd` in memory; `None` when it must take the slow path (see the module doc).
    pub(crate) fn decide(
        &mut self,
        account: &AccountId,
        key: &ChatKey,
        cmd: &ChatCommand,
        now: Timestamp,
    ) -> Option<StoreResult<Written>> {
        if acting_agent(cmd).is_some() {
            return None;
        }
        let held = self.held.get_mut(key.as_str())?;
        if &held.chat.account != account {
            // Another account's chat: the slow path answers NotFound as every backend does.
            return None;
        }
        let mut chat = held.chat.clone();
        let ctx = DecisionContext::default();
        Some(
            match decide_and_apply(&mut chat, cmd.clone(), &ctx, now, seq::PLACEHOLDER) {
                Ok(events) => {
                    held.new_lines += history::lines_in(&events);
                    held.chat = chat.clone();
                    held.dirty = true;
                    Ok(Written { chat, events })
                }
                Err(refused) => Err(StoreError::from(refused)),
            },
        )
    }

    /// A write on the slow path changed `chat` (and wrote its row and facts itself).
    pub(crate) fn written_elsewhere(&mut self, chat: &Chat) {
        if let Some(held) = self.held.get_mut(chat.key.as_str()) {
            held.chat = chat.clone();
            held.facts_written = history::fact_columns(chat);
            held.new_lines = 0;
            held.dirty = false;
        }
    }

    /// Writes every chat changed since the last flush: rows and facts rows, one statement
    /// each (before a write of the slow path reads them).
    pub(crate) async fn flush(&mut self, tx: &Transaction<'_>) -> StoreResult<()> {
        let (chat_rows, facts) = self.take_changes()?;
        if !chat_rows.is_empty() {
            chat_rows.write(tx).await?;
        }
        facts.write(tx).await
    }

    /// The rows and facts rows of every chat changed since the last flush or take, which the
    /// caller writes (at the batch's end, in its last statement: `seq::append`).
    pub(crate) fn take_changes(&mut self) -> StoreResult<(ChatRows, FactRows)> {
        let mut chat_rows = ChatRows::default();
        let mut facts = FactRows::default();
        for held in self.held.values_mut().filter(|h| h.dirty) {
            chat_rows.push(&held.chat)?;
            let now = history::fact_columns(&held.chat);
            if now != held.facts_written || held.new_lines > 0 {
                facts.push(held.chat.num.0, now, held.new_lines);
            }
            held.facts_written = now;
            held.new_lines = 0;
            held.dirty = false;
        }
        Ok((chat_rows, facts))
    }
}
