//! The account event log across two nodes: two `PgStore`s on one schema append chat events
//! and account events (availability changes with their agent update, typing events) at
//! once, while a webhook-style cursor reads the merged log through one of them.
//! The counter row is taken last in every transaction of both kinds, so the cursor must see
//! every entry of both tables exactly once, in seq order, never passing one that commits late.

use std::collections::BTreeSet;
use std::sync::Arc;

use chatwire_core::webhook::Typist;
use chatwire_core::{
    AccountEventKind, Availability, GlobalSeq, LogEntry, PayloadFormat, Timestamp, Webhook,
    WebhookId, WebhookKind, WebhookKinds, WebhookProgress,
};
use chatwire_store::Store;

use crate::common::{TestDb, account, agent, chat, line};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_webhook_cursor_never_skips_chat_or_account_events_while_two_nodes_append() {
    // Arrange: two nodes, two chats, one agent per node whose availability flips.
    let Some(db) = TestDb::new() else { return };
    let nodes: [Arc<dyn Store>; 2] = [
        Arc::new(db.store("node_a").await),
        Arc::new(db.store("node_b").await),
    ];
    let acc = account(nodes[0].as_ref()).await;
    // Account events are written only for kinds a subscription takes: one takes them all.
    let subscription = Webhook {
        id: WebhookId(0),
        account: acc.clone(),
        url: "https://a.example/nodes".into(),
        secret: "0123456789abcdef0123".into(),
        kinds: WebhookKinds::from_kinds(WebhookKind::ALL),
        format: PayloadFormat::Chatwire,
        enabled: true,
        created_at: Timestamp(0),
        progress: WebhookProgress {
            cursor: GlobalSeq(0),
            attempts: 0,
            next_attempt_at: Timestamp(0),
            failing_since: None,
            last_error: None,
        },
    };
    nodes[1]
        .create_webhook(&subscription)
        .await
        .expect("subscription");
    let keys = [
        chat(nodes[0].as_ref(), &acc, 700).await,
        chat(nodes[1].as_ref(), &acc, 701).await,
    ];
    let agents = [
        agent(nodes[0].as_ref(), &acc, "flip_a", 1).await,
        agent(nodes[1].as_ref(), &acc, "flip_b", 1).await,
    ];
    let rounds = 25;
    let mut writers = Vec::new();
    for n in 0..2 {
        // Chat lines on each node.
        let (store, account, key) = (Arc::clone(&nodes[n]), acc.clone(), keys[n].clone());
        writers.push(tokio::spawn(async move {
            for i in 0..rounds {
                let text = format!("n{n} l{i}");
                store
                    .execute(&account, &key, line(&text), Timestamp(10))
                    .await
                    .expect("line");
            }
        }));
        // Availability changes (agent update + account event, one transaction) on each node.
        let (store, mut who) = (Arc::clone(&nodes[n]), agents[n].clone());
        writers.push(tokio::spawn(async move {
            for i in 0..rounds {
                who.availability = if i % 2 == 0 {
                    Availability::Away
                } else {
                    Availability::Online
                };
                store
                    .update_agent(&who, Timestamp(20))
                    .await
                    .expect("availability");
            }
        }));
        // Typing events, appended alone, on each node.
        let (store, account, key) = (Arc::clone(&nodes[n]), acc.clone(), keys[1 - n].clone());
        writers.push(tokio::spawn(async move {
            for i in 0..rounds {
                let kind = AccountEventKind::Typing {
                    chat: key.clone(),
                    side: Typist::Visitor,
                    agent: None,
                    typing: i % 2 == 0,
                };
                store
                    .append_account_event(&account, Timestamp(30), &kind)
                    .await
                    .expect("typing");
            }
        }));
    }

    // Act: read the merged log by cursor through node B while they write, then drain.
    let reader = &nodes[1];
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor = GlobalSeq(0);
    let mut finished = false;
    loop {
        let page = reader
            .webhook_log_since(&acc, cursor, 7)
            .await
            .expect("log");
        for entry in &page {
            assert!(entry.seq() > cursor, "seqs come in increasing order");
            cursor = entry.seq();
            seen.push(cursor.0);
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

    // Assert: the cursor saw exactly the final merged log, each seq once.
    let all = reader
        .webhook_log_since(&acc, GlobalSeq(0), 100_000)
        .await
        .expect("full log");
    let accounts = all
        .iter()
        .filter(|e| matches!(e, LogEntry::Account(_)))
        .count();
    // Each agent went Online once when created, then flipped every round; typing every round.
    assert_eq!(accounts, 2 + 2 * rounds + 2 * rounds);
    assert_eq!(all.len() - accounts, 2 * 2 + 2 * rounds, "chat events");
    let all: Vec<i64> = all.iter().map(|e| e.seq().0).collect();
    assert_eq!(seen, all, "the cursor missed or repeated entries");
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), seen.len());
    // This schema has no other writers: one gap-free sequence over both tables.
    assert!(
        seen.windows(2).all(|w| w[1] == w[0] + 1),
        "no gaps: {seen:?}"
    );
}
