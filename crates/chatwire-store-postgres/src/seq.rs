//! The global sequence (`GlobalSeq`): numbering appended events in commit order.
//!
//! # Why a counter row, and why it is correct
//!
//! `seq` is the account feed's cursor (and the SuperOffice message id): a reader asks for
//! "events after N" and moves its cursor to the largest seq it got. That is only sound if no
//! event with a smaller seq can commit after one with a larger seq is visible; otherwise the
//! reader passes it and never sees it. A `SEQUENCE` does not give that: `nextval()` hands out
//! numbers when called, and transactions commit in any order.
//!
//! So every event-appending transaction, as its LAST statement before `COMMIT`, runs
//! `UPDATE event_seq SET last = last + n RETURNING last` on the single counter row and inserts
//! its events numbered `last - n + 1 ..= last` in that same statement. The row lock taken by
//! the UPDATE is held until the transaction ends. A second appender's UPDATE waits on that
//! lock and, under READ COMMITTED, then re-reads the row as committed, so its numbers are
//! larger. PostgreSQL makes a commit visible (clears it from the proc array) *before* it
//! releases the transaction's locks, so by the time the second appender even has its numbers,
//! the first one's events are visible to every new snapshot. A reader's snapshot therefore
//! either contains both, only the first, or neither: it can never contain seq N+1 without N.
//! A rollback (refusal, error, lost connection) also rolls back its increment, so seqs have
//! no gaps either.
//!
//! The price: event-appending commits are serialised cluster-wide, each holding the counter
//! for one statement plus its commit (one WAL flush). That is the throughput bound of the
//! backend, roughly 1 / (statement + fsync) appends per second whatever the node count.
//! Everything else (locking the chat and agent rows, deciding, rewriting the chat) happens
//! before the counter is taken, so it runs in parallel.
//!
//! # Lock order
//!
//! chat row → agent row → counter, in every transaction, so appenders cannot deadlock; the
//! counter is always last, so nothing waits on anything while holding it.
//!
//! The cross-node wake-up (`wake`) is queued in the same transaction, before the counter.

use chatwire_core::{Chat, ChatEvent, GlobalSeq};
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::Transaction;

use crate::{db, rows};

/// The seq the domain numbers events from inside the transaction, before the counter is taken.
/// Only the events' `seq` fields depend on it (the chat's state does not; see the unit test),
/// and [`append`] overwrites them with the counter's numbers.
pub(crate) const PLACEHOLDER: GlobalSeq = GlobalSeq(0);

/// Takes the counter, inserts `events` of `chat` with their final seqs, returns them so.
/// Must be the last statement before `COMMIT` (see the module docs).
pub(crate) async fn append(
    tx: &Transaction<'_>,
    chat: &Chat,
    mut events: Vec<ChatEvent>,
) -> StoreResult<Vec<ChatEvent>> {
    if events.is_empty() {
        return Ok(events);
    }
    let n = i64::try_from(events.len()).map_err(|e| StoreError::Other(e.into()))?;
    let ids = events
        .iter()
        .map(|e| i32::try_from(e.id.0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Other(e.into()))?;
    let ats: Vec<i64> = events.iter().map(|e| e.at.0).collect();
    let kinds = events
        .iter()
        .map(|e| rows::kind_json(&e.kind))
        .collect::<StoreResult<Vec<_>>>()?;
    // One statement: the counter is held for as short a time as possible.
    let sql = "WITH counter AS (
                   UPDATE event_seq SET last = last + $1 RETURNING last
               ), inserted AS (
                   INSERT INTO chat_events (seq, chat_num, event_id, account_id, at, kind_json)
                   SELECT counter.last - $1 + e.ord, $2, e.id, $3, e.at, e.kind
                   FROM counter,
                        unnest($4::int4[], $5::int8[], $6::text[])
                            WITH ORDINALITY AS e (id, at, kind, ord)
                   RETURNING 1
               )
               SELECT counter.last, (SELECT COUNT(*) FROM inserted) FROM counter";
    let params: db::Params<'_> = &[&n, &chat.num.0, &chat.account.as_str(), &ids, &ats, &kinds];
    let row = db::opt(tx, sql, params)
        .await?
        .ok_or_else(|| StoreError::Other(anyhow::anyhow!("the event_seq row is missing")))?;
    let last: i64 = rows::get(&row, 0, "event_seq")?;
    let inserted: i64 = rows::get(&row, 1, "event_seq")?;
    if inserted != n {
        return Err(StoreError::Other(anyhow::anyhow!(
            "inserted {inserted} of {n} events"
        )));
    }
    for (e, seq) in events.iter_mut().zip(last - n + 1..) {
        e.seq = GlobalSeq(seq);
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use chatwire_core::{
        AccountId, Actor, ChatCommand, ChatKey, ChatNum, ChatRequest, DecisionContext, LineSubType,
        NewChat, TextType, Timestamp,
    };

    use super::*;

    fn new_chat() -> NewChat {
        NewChat {
            key: ChatKey::from_random(1, 2, 3),
            account: AccountId::parse("acc").expect("account"),
            skill: None,
            visitor_name: "v".into(),
            visitor_id: 1,
            chat_timeout_secs: 40,
            pre_chat_lines: vec![],
            request: ChatRequest::default(),
        }
    }

    #[test]
    fn the_chat_after_applying_does_not_depend_on_the_first_seq() {
        // Arrange: the same chat, applied with the placeholder and with a real seq.
        let line = ChatCommand::PostLine {
            author: Actor::Visitor,
            text: "hi".into(),
            text_type: TextType::Plain,
            json: None,
            sub_type: LineSubType::Regular,
        };
        let build = |first: GlobalSeq| {
            let (mut chat, changes) =
                Chat::open(new_chat(), ChatNum(7), Timestamp(1)).expect("open");
            let opened = chat.apply_changes(changes, Timestamp(1), first);
            let more = chatwire_store::decide_and_apply(
                &mut chat,
                line.clone(),
                &DecisionContext::default(),
                Timestamp(2),
                first,
            )
            .expect("line");
            (chat, opened.len() + more.len())
        };

        // Act
        let (placeholder, n) = build(PLACEHOLDER);
        let (real, _) = build(GlobalSeq(1_000));

        // Assert: renumbering the events afterwards is all the counter needs to do.
        assert_eq!(placeholder, real);
        assert_eq!(n, 3);
    }
}
