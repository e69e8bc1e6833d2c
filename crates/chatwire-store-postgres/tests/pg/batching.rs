//! Group commit (`batch`): many writes of one store share a transaction, and a refused write
//! must not affect the writes batched with it.

use std::sync::Arc;

use chatwire_core::{Actor, ChatCommand, EventId, Timestamp};
use chatwire_store::{Store, StoreError};

use crate::common::{TestDb, account, chat, line};

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
