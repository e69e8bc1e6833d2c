//! The chat writes, as run on the writer thread inside a batch's transaction and the job's own
//! savepoint: opening a chat and executing a command on one (every line is one). Any `Err`
//! rolls back this operation only (see `writer`).
//!
//! A command starts from the chat as committed. The writer keeps the chats it wrote decoded
//! ([`crate::chat_cache`]) and uses its copy when the row's `revision` column says it is
//! current, so a line does not read and decode `chat_json`; the row is still rewritten whole
//! (see docs/performance.md, issue 18 (d), for why the JSON is not split into columns).
//!
//! Semantics follow `chatwire_store::memory` exactly, as in `ops`.

use chatwire_core::routing::AgentLoad;
use chatwire_core::{
    AccountId, Chat, ChatCommand, ChatEvent, ChatKey, ChatNum, DecisionContext, GlobalSeq, NewChat,
    Timestamp,
};
use chatwire_store::{Committed, StoreError, StoreResult, acting_agent, decide_and_apply};
use rusqlite::params;

use crate::ops::require_account;
use crate::rows::{ChatColumns, chat_json, kind_json};
use crate::writer::WriteCx;
use crate::{error, history, queries};

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
                   visitor_id, customer_email, revision)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
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
        revision_column(&chat)?,
    ])
    .map_err(error::unique_as(|| "chat key exists".to_owned()))?;
    history::insert_facts(cx, &chat, &events)?;
    append(cx, &chat, &events)?;
    // The first lines follow at once: keep the chat decoded for them.
    cx.chats.put(chat.clone());
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
    let mut chat = committed_chat(cx, account, key)?;
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
    let first_seq = GlobalSeq(cx.last_seq + 1);
    let events = match decide_and_apply(&mut chat, cmd, &ctx, now, first_seq) {
        Ok(events) => events,
        Err(refused) => {
            // A refusal changes nothing (decide runs before apply): the chat stays valid.
            cx.chats.restore(chat);
            return Err(refused.into());
        }
    };
    // Most writes are lines, which change no indexed column; rewriting only chat_json (and
    // its revision) then spares SQLite from touching the chats indexes on every line.
    let json = chat_json(&chat)?;
    let revision = revision_column(&chat)?;
    let cols = ChatColumns::of(&chat);
    let updated = if indexed_before == cols {
        let sql = "UPDATE chats SET chat_json = ?2, revision = ?3 WHERE num = ?1";
        let mut stmt = cx.conn.prepare_cached(sql).map_err(error::sql)?;
        stmt.execute(params![chat.num.0, json, revision])
    } else {
        let sql = "UPDATE chats SET chat_json = ?2, state = ?3, agent_id = ?4, skill_id = ?5,
                       requested_at = ?6, accepted_at = ?7, ended_at = ?8, visitor_name = ?9,
                       transfer_from = ?10, transfer_to = ?11, customer_email = ?12,
                       revision = ?13
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
            revision,
        ])
    };
    updated.map_err(error::sql)?;
    history::update_facts(cx, &chat, &events, indexed_before != cols)?;
    append(cx, &chat, &events)?;
    cx.chats.put(chat.clone());
    Ok(Committed { chat, events })
}

/// The chat as committed: the writer's cached copy when its revision is the row's (one
/// primary-key-sized read instead of reading and decoding `chat_json`), else the row.
fn committed_chat(cx: &mut WriteCx<'_>, account: &AccountId, key: &ChatKey) -> StoreResult<Chat> {
    let (num, revision) = queries::chat_revision(cx.conn, account, key)?;
    match cx.chats.take(num.0, revision) {
        Some(chat) => Ok(chat),
        None => queries::get_chat_by_num(cx.conn, account, num),
    }
}

/// The `chats.revision` column value of `chat`.
fn revision_column(chat: &Chat) -> StoreResult<i64> {
    i64::try_from(chat.revision).map_err(|e| StoreError::Other(e.into()))
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

#[cfg(test)]
mod tests {
    use chatwire_core::chat::TypingSide;
    use chatwire_core::{Account, Actor, ChatRequest, LineSubType, TextType, Typing};
    use chatwire_store::Store;

    use super::*;
    use crate::SqliteStore;

    fn line(text: &str) -> ChatCommand {
        ChatCommand::PostLine {
            author: Actor::Visitor,
            text: text.into(),
            text_type: TextType::Plain,
            json: None,
            sub_type: LineSubType::Regular,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_rolled_back_command_is_forgotten_even_when_another_writer_reaches_its_revision() {
        // Arrange: a chat on store A.
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("r.db");
        let a = SqliteStore::open(&path).expect("open");
        let account = AccountId::parse("undo").expect("account id");
        let acc = Account {
            id: account.clone(),
            name: "Undo".into(),
            created_at: Timestamp(1),
        };
        a.create_account(&acc).await.expect("account");
        let new = NewChat {
            key: ChatKey::from_random(1, 2, 3),
            account: account.clone(),
            skill: None,
            visitor_name: "v".into(),
            visitor_id: 1,
            chat_timeout_secs: 40,
            pre_chat_lines: vec![],
            preferred_agent: None,
            request: ChatRequest::default(),
        };
        let key = a
            .create_chat(new, Timestamp(10))
            .await
            .expect("chat")
            .chat
            .key;

        // Act: one of A's jobs appends a line, then fails, so it is rolled back; store B then
        // writes the revision that line had, with other content (no event); A appends.
        let (acc2, key2) = (account.clone(), key.clone());
        let undone = a
            .writer
            .run(move |cx| {
                execute(cx, &acc2, &key2, line("undone"), Timestamp(20))?;
                Err::<(), _>(StoreError::Conflict("undo".into()))
            })
            .await;
        let b = SqliteStore::open(&path).expect("second store");
        let typing = ChatCommand::SetTyping(TypingSide::Agent, Typing::Typing);
        let by_b = b
            .execute(&account, &key, typing, Timestamp(30))
            .await
            .expect("typing by B");
        let by_a = a
            .execute(&account, &key, line("kept"), Timestamp(40))
            .await
            .expect("line by A");

        // Assert
        assert!(matches!(undone, Err(StoreError::Conflict(_))));
        assert_eq!(by_a.events[0].id, by_b.chat.next_event_id);
        assert_eq!(by_a.chat.agent_typing, Typing::Typing);
        assert_eq!(a.get_chat(&account, &key).await.expect("read"), by_a.chat);
    }
}
