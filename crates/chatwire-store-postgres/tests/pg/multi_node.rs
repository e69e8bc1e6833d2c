//! Two `PgStore`s on one schema stand in for two chatwire nodes: every guarantee the
//! conformance suite checks within one process must hold across them.

use std::collections::BTreeSet;
use std::sync::Arc;

use chatwire_core::{DomainError, EventId, GlobalSeq, Timestamp};
use chatwire_store::{Store, StoreError};

use crate::common::{TestDb, accept, account, agent, chat, line};

/// Two nodes on a fresh schema.
async fn two_nodes(db: &TestDb) -> [Arc<dyn Store>; 2] {
    [
        Arc::new(db.store("node_a").await),
        Arc::new(db.store("node_b").await),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_on_two_nodes_keep_a_chats_ids_contiguous() {
    // Arrange
    let Some(db) = TestDb::new() else { return };
    let nodes = two_nodes(&db).await;
    let acc = account(nodes[0].as_ref()).await;
    let key = chat(nodes[0].as_ref(), &acc, 1).await;

    // Act: 8 writers, alternating nodes, 25 lines each.
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (store, acc, key) = (Arc::clone(&nodes[w % 2]), acc.clone(), key.clone());
            tokio::spawn(async move {
                for i in 0..25 {
                    let text = format!("w{w} l{i}");
                    store
                        .execute(&acc, &key, line(&text), Timestamp(10))
                        .await
                        .expect("line");
                }
            })
        })
        .collect();
    for w in writers {
        w.await.expect("writer");
    }

    // Assert: read through the other node.
    let events = nodes[1]
        .events_since(&acc, &key, EventId(0), 10_000)
        .await
        .expect("events");
    assert_eq!(events.len(), 2 + 8 * 25);
    assert!(
        events.iter().enumerate().all(|(i, e)| e.id.0 as usize == i),
        "ids 0..n"
    );
    assert!(
        events.windows(2).all(|w| w[0].seq < w[1].seq),
        "seq follows id order"
    );
    let chat = nodes[0].get_chat(&acc, &key).await.expect("chat");
    assert_eq!(chat.next_event_id.0 as usize, events.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_agents_on_two_nodes_racing_to_accept_have_one_winner_per_chat() {
    // Arrange
    let Some(db) = TestDb::new() else { return };
    let nodes = two_nodes(&db).await;
    let acc = account(nodes[0].as_ref()).await;
    let anna = agent(nodes[0].as_ref(), &acc, "anna", -1).await;
    let bert = agent(nodes[1].as_ref(), &acc, "bert", -1).await;

    for round in 0..20 {
        let key = chat(nodes[round % 2].as_ref(), &acc, 100 + round as u64).await;

        // Act: anna through node A, bert through node B, at once.
        let race = [(0, accept(&anna)), (1, accept(&bert))].map(|(n, cmd)| {
            let (store, acc, key) = (Arc::clone(&nodes[n]), acc.clone(), key.clone());
            tokio::spawn(async move { store.execute(&acc, &key, cmd, Timestamp(5)).await })
        });
        let mut outcomes = Vec::new();
        for r in race {
            outcomes.push(r.await.expect("task"));
        }

        // Assert
        let winners = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(winners, 1, "round {round}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .any(|o| matches!(o, Err(StoreError::Domain(DomainError::WrongState { .. })))),
            "round {round}: the loser is refused by the domain: {outcomes:?}"
        );
        let events = nodes[round % 2]
            .events_since(&acc, &key, EventId(0), 100)
            .await
            .expect("events");
        assert_eq!(
            events.len(),
            4,
            "round {round}: exactly one accept was written"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_agent_with_room_for_one_chat_gets_only_one_when_two_nodes_accept_at_once() {
    let Some(db) = TestDb::new() else { return };
    let nodes = two_nodes(&db).await;
    let acc = account(nodes[0].as_ref()).await;
    for round in 0..10 {
        // Arrange: a fresh single-chat agent and two waiting chats.
        let solo = agent(nodes[0].as_ref(), &acc, &format!("solo{round}"), 1).await;
        let keys = [
            chat(nodes[0].as_ref(), &acc, 200 + round).await,
            chat(nodes[1].as_ref(), &acc, 300 + round).await,
        ];

        // Act: chat 1 through node A, chat 2 through node B.
        let race = [0, 1].map(|n| {
            let (store, acc, key, cmd) = (
                Arc::clone(&nodes[n]),
                acc.clone(),
                keys[n].clone(),
                accept(&solo),
            );
            tokio::spawn(async move { store.execute(&acc, &key, cmd, Timestamp(5)).await })
        });
        let mut outcomes = Vec::new();
        for r in race {
            outcomes.push(r.await.expect("task"));
        }

        // Assert
        assert_eq!(
            outcomes.iter().filter(|o| o.is_ok()).count(),
            1,
            "{outcomes:?}"
        );
        assert!(
            outcomes.iter().any(|o| matches!(
                o,
                Err(StoreError::Domain(DomainError::AgentAtCapacity { .. }))
            )),
            "{outcomes:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_feed_cursor_never_skips_an_event_while_two_nodes_append() {
    // Arrange: four chats, six appenders split over both nodes.
    let Some(db) = TestDb::new() else { return };
    let nodes = two_nodes(&db).await;
    let acc = account(nodes[0].as_ref()).await;
    let mut keys = Vec::new();
    for i in 0..4 {
        keys.push(chat(nodes[i % 2].as_ref(), &acc, 400 + i as u64).await);
    }
    let writers: Vec<_> = (0..6)
        .map(|w| {
            let (store, acc) = (Arc::clone(&nodes[w % 2]), acc.clone());
            let keys = keys.clone();
            tokio::spawn(async move {
                for i in 0..30 {
                    let key = &keys[(w + i) % keys.len()];
                    let text = format!("w{w} l{i}");
                    store
                        .execute(&acc, key, line(&text), Timestamp(10))
                        .await
                        .expect("line");
                }
            })
        })
        .collect();

    // Act: read by cursor through node B while they write, then drain.
    let reader = &nodes[1];
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor = GlobalSeq(0);
    let mut finished = false;
    loop {
        let page = reader.feed_since(&acc, cursor, 7).await.expect("feed");
        for item in &page {
            assert!(item.event.seq > cursor, "seqs come in increasing order");
            cursor = item.event.seq;
            seen.push(item.event.seq.0);
        }
        if page.is_empty() {
            if finished {
                break;
            }
            finished = writers.iter().all(tokio::task::JoinHandle::is_finished);
        }
    }
    for w in writers {
        w.await.expect("writer");
    }

    // Assert: the cursor saw exactly the final log, each seq once, without gaps.
    let all: Vec<i64> = reader
        .feed_since(&acc, GlobalSeq(0), 100_000)
        .await
        .expect("full feed")
        .iter()
        .map(|i| i.event.seq.0)
        .collect();
    assert_eq!(all.len(), 4 * 2 + 6 * 30);
    assert_eq!(seen, all, "the cursor missed or repeated events");
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>().len(),
        seen.len(),
        "no duplicates"
    );
    // This schema has no other writers, so the global sequence is gap-free too.
    assert!(
        seen.windows(2).all(|w| w[1] == w[0] + 1),
        "no gaps: {seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_mailers_claiming_at_once_take_each_mail_once() {
    // Arrange: an ended chat with 30 mails due.
    let Some(db) = TestDb::new() else { return };
    let nodes = two_nodes(&db).await;
    let acc = account(nodes[0].as_ref()).await;
    let key = chat(nodes[0].as_ref(), &acc, 9).await;
    let end = chatwire_core::ChatCommand::End {
        by: chatwire_core::Actor::Visitor,
    };
    nodes[0]
        .execute(&acc, &key, end, Timestamp(5))
        .await
        .expect("end");
    for i in 0..30 {
        let mail = chatwire_core::OutboxMail::transcript(
            acc.clone(),
            key.clone(),
            &format!("r{i}@example.com"),
            "Transcript",
            None,
            Timestamp(10 + i),
        )
        .expect("mail");
        nodes[i as usize % 2]
            .enqueue_mail(&mail)
            .await
            .expect("enqueue");
    }

    // Act: four mailers per node claim one mail at a time until none is left.
    let mailers: Vec<_> = (0..8)
        .map(|m| {
            let store = Arc::clone(&nodes[m % 2]);
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let claimed = store
                        .claim_due_mail(Timestamp(1_000), Timestamp(1_000_000), 1)
                        .await
                        .expect("claim");
                    let Some(mail) = claimed.first() else { break };
                    mine.push(mail.id);
                    store
                        .mark_mail_sent(mail.id, Timestamp(1_001))
                        .await
                        .expect("sent");
                }
                mine
            })
        })
        .collect();
    let mut taken = Vec::new();
    for m in mailers {
        taken.extend(m.await.expect("mailer"));
    }

    // Assert: 30 distinct mails, none taken twice.
    let distinct: BTreeSet<_> = taken.iter().collect();
    assert_eq!(taken.len(), 30, "taken: {taken:?}");
    assert_eq!(distinct.len(), 30, "a mail went to two mailers");
}
