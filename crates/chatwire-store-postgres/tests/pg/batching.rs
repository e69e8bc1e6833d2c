//! Group commit (`batch`): many writes of one store share a transaction, and a refused write
//! must not affect the writes batched with it. Commands decided in memory (`batch_chats`) and
//! those run one by one in a savepoint (opening a chat, an accept) mix in one batch and must
//! leave what writing them one at a time would.

use std::sync::Arc;

use chatwire_core::history::{HistoryQuery, searchable_text};
use chatwire_core::{
    Actor, ChatCommand, ChatKey, ChatRequest, ChatState, EventId, NewChat, Timestamp,
};
use chatwire_store::{Committed, Store, StoreError, StoreResult};

use crate::common::{TestDb, accept, account, agent, chat, line};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refused_writes_in_a_batch_leave_their_neighbours_committed_and_numbered() {
    // Arrange: an open chat and an ended one on one store.
    let Some(db) = TestDb::new() else { return };
    let store: Arc<dyn Store> = Arc::new(db.store("batching").await);
    let acc = account(store.as_ref()).await;
    let open = chat(store.as_ref(), &acc, 1).await;
    let ended = chat(store.as_ref(), &acc, 2).await;
    store
        .execute(
            &acc,
            &ended,
            ChatCommand::End { by: Actor::Visitor },
            Timestamp(5),
        )
        .await
        .expect("end");
    let ended_before = store
        .events_since(&acc, &ended, EventId(0), 1_000)
        .await
        .expect("events")
        .len();

    // Act: 64 writes at once (so they share batches), every other one to the ended chat.
    let writes: Vec<_> = (0..64)
        .map(|i| {
            let (store, acc) = (Arc::clone(&store), acc.clone());
            let key = if i % 2 == 0 {
                open.clone()
            } else {
                ended.clone()
            };
            tokio::spawn(async move {
                store
                    .execute(&acc, &key, line(&format!("l{i}")), Timestamp(10))
                    .await
            })
        })
        .collect();
    let mut results = Vec::new();
    for w in writes {
        results.push(w.await.expect("task"));
    }

    // Assert: the 32 lines to the open chat committed with contiguous ids and increasing seqs;
    // the 32 to the ended chat were refused and left nothing.
    let (ok, refused): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    assert_eq!(ok.len(), 32);
    assert!(
        refused
            .iter()
            .all(|r| matches!(r, Err(StoreError::Domain(_)))),
        "{refused:?}"
    );
    let events = store
        .events_since(&acc, &open, EventId(0), 1_000)
        .await
        .expect("events");
    assert!(events.iter().enumerate().all(|(i, e)| e.id.0 as usize == i));
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(events.len(), 2 + 32, "{events:?}");
    let ended_after = store
        .events_since(&acc, &ended, EventId(0), 1_000)
        .await
        .expect("events")
        .len();
    assert_eq!(ended_after, ended_before);
    let feed = store
        .feed_since(&acc, chatwire_core::GlobalSeq(0), 10_000)
        .await
        .expect("feed");
    assert!(
        feed.windows(2)
            .all(|w| w[1].event.seq.0 == w[0].event.seq.0 + 1),
        "the account's seqs have no gaps from refused writes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_decided_and_one_by_one_writes_in_one_batch_leave_consistent_rows() {
    // Arrange: two waiting chats, an agent, and a chat of another account.
    let Some(db) = TestDb::new() else { return };
    let store: Arc<dyn Store> = Arc::new(db.store("mixed").await);
    let acc = account(store.as_ref()).await;
    let other = account(store.as_ref()).await;
    let agent = agent(store.as_ref(), &acc, "mixer", -1).await;
    let a = chat(store.as_ref(), &acc, 1).await;
    let b = chat(store.as_ref(), &acc, 2).await;
    let foreign = chat(store.as_ref(), &other, 3).await;

    // Act: at once (so they share batches): lines to A and B, an accept of B, a new chat and
    // a line to another account's chat.
    let exec = |what: &'static str, key: &ChatKey, cmd: ChatCommand| {
        let (store, acc, key) = (Arc::clone(&store), acc.clone(), key.clone());
        tokio::spawn(async move { (what, store.execute(&acc, &key, cmd, Timestamp(10)).await) })
    };
    let mut writes: Vec<tokio::task::JoinHandle<(&str, StoreResult<Committed>)>> = Vec::new();
    for i in 0..40 {
        let key = if i % 4 == 0 { &b } else { &a };
        writes.push(exec("line", key, line(&format!("l{i}"))));
        if i == 20 {
            writes.push(exec("accept", &b, accept(&agent)));
            writes.push(exec("foreign", &foreign, line("x")));
            let (store, acc) = (Arc::clone(&store), acc.clone());
            writes.push(tokio::spawn(async move {
                let opened = store.create_chat(new_chat(&acc), Timestamp(11)).await;
                ("open", opened)
            }));
        }
    }
    let mut results = Vec::new();
    for w in writes {
        results.push(w.await.expect("task"));
    }

    // Assert: every write answered as alone; each chat's row, events and facts agree.
    for (what, result) in &results {
        match *what {
            "foreign" => assert!(matches!(result, Err(StoreError::NotFound(_))), "{result:?}"),
            _ => assert!(result.is_ok(), "{what}: {result:?}"),
        }
    }
    let facts = store
        .chat_facts(&acc, Timestamp(0), Timestamp(i64::MAX))
        .await
        .expect("facts");
    // A's facts row is the one without an agent that has lines; B's is the accepting agent's.
    for (key, lines_sent, handler) in [(&a, 30, None), (&b, 10, Some(agent.id))] {
        let stored = store.get_chat(&acc, key).await.expect("chat");
        let events = store
            .events_since(&acc, key, EventId(0), 1_000)
            .await
            .expect("events");
        assert!(events.iter().enumerate().all(|(i, e)| e.id.0 as usize == i));
        assert_eq!(stored.next_event_id.0 as usize, events.len());
        let last = results
            .iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .filter(|c| &c.chat.key == key)
            .max_by_key(|c| c.chat.revision)
            .expect("a write");
        assert_eq!(stored, last.chat, "the row is the last write's chat");
        let lines = events
            .iter()
            .filter(|e| searchable_text(&e.kind).is_some())
            .count();
        assert!(lines >= lines_sent, "{lines} lines stored");
        let fact = facts
            .iter()
            .find(|f| f.agent == handler && f.lines > 0)
            .unwrap_or_else(|| panic!("no facts row with {lines_sent} lines: {facts:?}"));
        assert_eq!(fact.lines as usize, lines);
    }
    // The batches' lines are searchable: their words share the counter's statement.
    for (word, key) in [("l1", &a), ("l0", &b), ("l36", &b)] {
        let mut query = HistoryQuery::new(acc.clone(), 10);
        query.words = vec![word.into()];
        let found = store.search_chats(&query).await.expect("search");
        let keys: Vec<&ChatKey> = found.iter().map(|c| &c.key).collect();
        assert_eq!(keys, vec![key], "{word}");
    }
    let b_now = store.get_chat(&acc, &b).await.expect("b");
    assert_eq!(b_now.state, ChatState::Chatting);
    assert_eq!(b_now.agent.map(|x| x.id), Some(agent.id));
    assert!(
        facts
            .iter()
            .any(|f| f.agent == Some(agent.id) && f.accepted_at.is_some()),
        "the accept reached B's facts row: {facts:?}"
    );
}

fn new_chat(account: &chatwire_core::AccountId) -> NewChat {
    NewChat {
        key: ChatKey::from_random(99, 98, 97),
        account: account.clone(),
        skill: None,
        visitor_name: "late".into(),
        visitor_id: 7,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest::default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unreadable_chat_row_fails_its_own_writes_only() {
    // Arrange: two chats, one of whose rows no longer decodes.
    let Some(db) = TestDb::new() else { return };
    let store: Arc<dyn Store> = Arc::new(db.store("corrupt").await);
    let acc = account(store.as_ref()).await;
    let good = chat(store.as_ref(), &acc, 1).await;
    let bad = chat(store.as_ref(), &acc, 2).await;
    db.raw()
        .await
        .execute(
            &format!(
                "UPDATE {}.chats SET chat_json = '{{\"not\": \"a chat\"}}' WHERE key = $1",
                db.schema
            ),
            &[&bad.as_str()],
        )
        .await
        .expect("corrupt the row");

    // Act: lines to both at once, so they share batches.
    let writes: Vec<_> = (0..16)
        .map(|i| {
            let (store, acc) = (Arc::clone(&store), acc.clone());
            let key = if i % 2 == 0 {
                good.clone()
            } else {
                bad.clone()
            };
            tokio::spawn(async move {
                let answer = store
                    .execute(&acc, &key, line(&format!("l{i}")), Timestamp(10))
                    .await;
                (i % 2 == 0, answer)
            })
        })
        .collect();

    // Assert
    for w in writes {
        let (to_good, answer) = w.await.expect("task");
        if to_good {
            assert!(answer.is_ok(), "{answer:?}");
        } else {
            assert!(matches!(answer, Err(StoreError::Other(_))), "{answer:?}");
        }
    }
}
