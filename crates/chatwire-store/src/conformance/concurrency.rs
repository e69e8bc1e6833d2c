//! [`run_concurrency`]: the guarantees that only show under concurrent writers.

use std::sync::Arc;

use chatwire_core::{Actor, DomainError, EventId, Timestamp};

use crate::{Store, StoreError};

use super::{accept, account, agent, line, new_chat};

/// Guarantees under concurrent writers: contiguous ids, one accept winner, capacity held.
pub async fn run_concurrency(store: Arc<dyn Store>) {
    concurrent_lines_keep_ids_contiguous(Arc::clone(&store)).await;
    concurrent_accepts_have_exactly_one_winner(Arc::clone(&store)).await;
    capacity_holds_under_concurrent_accepts(store).await;
}

async fn concurrent_lines_keep_ids_contiguous(store: Arc<dyn Store>) {
    let acc = account(store.as_ref(), "c").await;
    let key = store
        .create_chat(new_chat(&acc, None, 2), Timestamp(1))
        .await
        .expect("open")
        .chat
        .key;
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (store, acc, key) = (Arc::clone(&store), acc.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let text = format!("w{w} l{i}");
                store
                    .execute(&acc, &key, line(Actor::Visitor, &text), Timestamp(10))
                    .await
                    .expect("line");
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let events = store
        .events_since(&acc, &key, EventId(0), 10_000)
        .await
        .expect("events");
    assert_eq!(events.len(), 2 + 8 * 25);
    assert!(
        events.iter().enumerate().all(|(i, e)| e.id.0 as usize == i),
        "ids contiguous"
    );
    assert!(
        events.windows(2).all(|w| w[0].seq < w[1].seq),
        "seq follows id order"
    );
    let chat = store.get_chat(&acc, &key).await.expect("chat");
    assert_eq!(chat.next_event_id.0 as usize, events.len());
}

async fn concurrent_accepts_have_exactly_one_winner(store: Arc<dyn Store>) {
    let acc = account(store.as_ref(), "r").await;
    let key = store
        .create_chat(new_chat(&acc, None, 3), Timestamp(1))
        .await
        .expect("open")
        .chat
        .key;
    let mut agents = Vec::new();
    for i in 0..8 {
        agents.push(agent(store.as_ref(), &acc, &format!("racer{i}"), vec![], -1).await);
    }
    let tasks: Vec<_> = agents
        .iter()
        .map(|a| {
            let (store, acc, key, cmd) = (Arc::clone(&store), acc.clone(), key.clone(), accept(a));
            tokio::spawn(async move { store.execute(&acc, &key, cmd, Timestamp(5)).await })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => winners += 1,
            Err(StoreError::Domain(DomainError::WrongState { .. })) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(winners, 1);
    let events = store
        .events_since(&acc, &key, EventId(0), 100)
        .await
        .expect("events");
    assert_eq!(events.len(), 4, "exactly one accept was written");
}

async fn capacity_holds_under_concurrent_accepts(store: Arc<dyn Store>) {
    let acc = account(store.as_ref(), "k").await;
    let solo = agent(store.as_ref(), &acc, "solo", vec![], 1).await;
    let mut keys = Vec::new();
    for i in 0..5 {
        keys.push(
            store
                .create_chat(new_chat(&acc, None, 10 + i), Timestamp(1))
                .await
                .expect("open")
                .chat
                .key,
        );
    }
    let tasks: Vec<_> = keys
        .iter()
        .map(|key| {
            let (store, acc, key, cmd) =
                (Arc::clone(&store), acc.clone(), key.clone(), accept(&solo));
            tokio::spawn(async move { store.execute(&acc, &key, cmd, Timestamp(5)).await })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => accepted += 1,
            Err(StoreError::Domain(DomainError::AgentAtCapacity { .. })) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(accepted, 1, "maxChats 1 holds under concurrency");
}
