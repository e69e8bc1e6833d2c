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
//! for one statement plus its commit (one WAL flush). So each node commits its chat writes in
//! batches (`batch`: group commit, one counter bump and one flush for every write queued
//! meanwhile), and the bound is batches, not lines: roughly (writes per batch) / (statement +
//! fsync) appends per second.
//! Everything else (locking the chat and agent rows, deciding, rewriting the chat) happens
//! before the counter is taken, so it runs in parallel. The batch's last writes (its chats'
//! rows, facts rows and search words) share the counter's statement to save round trips, but
//! the counter's `UPDATE` is conditioned on their counts, so PostgreSQL runs them first (a
//! one-time filter above the counter's scan) and the counter is still taken last; only the
//! statement's foreign-key checks, run at its end, happen while it is held.
//!
//! # Lock order
//!
//! A batch first locks all its chats (by key) and then all its acting agents (by id), in that
//! one global order, and takes the counter once, last, so nothing waits on anything while
//! holding it and two nodes' batches queue instead of deadlocking. Should a deadlock still
//! happen (an operator's script), PostgreSQL breaks it (40P01) and the losing batch is run
//! again whole (`batch`, `retry`), never half-applied.
//!
//! The cross-node wake-ups (`wake`) are queued by the counter's statement itself, one per chat
//! of the batch: that is where the events' numbers are known, and the wake-ups carry them.
//! PostgreSQL delivers them at commit wherever in the transaction they were queued.
//!
//! Account events (`account_events`: offline messages, surveys, availability, typing) are
//! numbered from this same counter row, taken the same way as the last statement of their
//! transaction (`account_events::append`), so one cursor orders both logs.

use chatwire_core::GlobalSeq;
use chatwire_store::{StoreError, StoreResult};
use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;

use crate::chat_rows::ChatRows;
use crate::chats::Written;
use crate::history::{FactRows, LineWords};
use crate::wake::{self, ChatWakeups};
use crate::{db, rows};

/// The seq the domain numbers events from inside the transaction, before the counter is taken.
/// Only the events' `seq` fields depend on it (the chat's state does not; see the unit test),
/// and [`append`] overwrites them with the counter's numbers.
pub(crate) const PLACEHOLDER: GlobalSeq = GlobalSeq(0);

/// The batch's last statement before `COMMIT` (see the module doc for why last): writes the
/// batch's changed chat rows and facts rows (`chats`, `facts`) and its lines' search words,
/// then numbers every event of `writes` (in order: the batch's order) with the next global
/// sequence numbers and inserts them, and queues the chats' wake-ups (`origin`: see `wake`;
/// `carry`: with the chats and their events).
///
/// Why one statement: each statement of a batch is a round trip, and one node's batches are
/// one chain of them (docs/performance.md). The counter's `UPDATE` waits, through its
/// condition, until the other writes of the statement are done, so the counter is held for
/// the numbering, the statement's foreign-key checks (PostgreSQL runs them at its end: one
/// index probe per inserted row) and the commit.
pub(crate) async fn append(
    tx: &Transaction<'_>,
    writes: &mut [Written],
    origin: &str,
    carry: bool,
    chats: &ChatRows,
    facts: &FactRows,
) -> StoreResult<()> {
    let wakeups = ChatWakeups::of(origin, writes, carry)?;
    let total: usize = writes.iter().map(|w| w.events.len()).sum();
    if total == 0 {
        // Nothing to number (typing, info): the payloads carry no events, so no base.
        if !chats.is_empty() {
            chats.write(tx).await?;
        }
        facts.write(tx).await?;
        return if wakeups.heads.is_empty() {
            Ok(())
        } else {
            wake::send_all(tx, &wakeups.heads).await
        };
    }
    let n = i64::try_from(total).map_err(|e| StoreError::Other(e.into()))?;
    let mut nums = Vec::with_capacity(total);
    let mut accounts = Vec::with_capacity(total);
    let mut ids = Vec::with_capacity(total);
    let mut ats = Vec::with_capacity(total);
    let mut kinds = Vec::with_capacity(total);
    for w in writes.iter() {
        for e in &w.events {
            nums.push(w.chat.num.0);
            accounts.push(w.chat.account.as_str());
            ids.push(i32::try_from(e.id.0).map_err(|e| StoreError::Other(e.into()))?);
            ats.push(e.at.0);
            kinds.push(rows::kind_json(&e.kind)?);
        }
    }
    let words = LineWords::of(writes)?;
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![
        &n,
        &nums,
        &accounts,
        &ids,
        &ats,
        &kinds,
        &wake::CHANNEL,
        &wakeups.heads,
        &wakeups.based,
        &wakeups.bodies,
    ];
    let chats_at = params.len() + 1;
    params.extend(chats.params());
    let facts_at = params.len() + 1;
    params.extend(facts.params());
    let words_at = params.len() + 1;
    params.extend(words.params());
    let sql = format!(
        "WITH chats_written AS (
             {chats_sql} RETURNING 1
         ), facts_written AS (
             {facts_sql} RETURNING 1
         ), words_written AS (
             {words_sql} RETURNING 1
         ), counter AS (
             UPDATE event_seq SET last = last + $1
             WHERE (SELECT COUNT(*) FROM chats_written) >= 0
               AND (SELECT COUNT(*) FROM facts_written) >= 0
               AND (SELECT COUNT(*) FROM words_written) >= 0
             RETURNING last
         ), inserted AS (
             INSERT INTO chat_events (seq, chat_num, event_id, account_id, at, kind_json)
             SELECT counter.last - $1 + e.ord, e.num, e.id, e.account, e.at, e.kind
             FROM counter,
                  unnest($2::int8[], $3::text[], $4::int4[], $5::int8[], $6::text[])
                      WITH ORDINALITY AS e (num, account, id, at, kind, ord)
             RETURNING 1
         ), notified AS (
             SELECT pg_notify($7, CASE WHEN p.based
                                  THEN p.head || (counter.last - $1) || ' ' || p.body
                                  ELSE p.head END)
             FROM counter,
                  unnest($8::text[], $9::bool[], $10::text[]) WITH ORDINALITY
                      AS p (head, based, body, ord)
             ORDER BY p.ord
         )
         SELECT counter.last, (SELECT COUNT(*) FROM inserted),
                (SELECT COUNT(*) FROM notified), (SELECT COUNT(*) FROM chats_written)
         FROM counter",
        chats_sql = ChatRows::update_sql(chats_at),
        facts_sql = FactRows::update_sql(facts_at),
        words_sql = LineWords::insert_sql(words_at),
    );
    let row = db::opt(tx, &sql, &params)
        .await?
        .ok_or_else(|| StoreError::Other(anyhow::anyhow!("the event_seq row is missing")))?;
    let last: i64 = rows::get(&row, 0, "event_seq")?;
    let inserted: i64 = rows::get(&row, 1, "event_seq")?;
    let chats_written: i64 = rows::get(&row, 3, "event_seq")?;
    if inserted != n {
        return Err(StoreError::Other(anyhow::anyhow!(
            "inserted {inserted} of {n} events"
        )));
    }
    chats.check_written(u64::try_from(chats_written).unwrap_or_default())?;
    let events = writes.iter_mut().flat_map(|w| w.events.iter_mut());
    for (seq, e) in (last - n + 1..).zip(events) {
        e.seq = GlobalSeq(seq);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chatwire_core::{
        AccountId, Actor, Chat, ChatCommand, ChatKey, ChatNum, ChatRequest, DecisionContext,
        LineSubType, NewChat, TextType, Timestamp,
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
            preferred_agent: None,
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
