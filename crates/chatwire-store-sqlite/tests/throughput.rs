//! A rough throughput figure for fsync'd appends under many concurrent writers (group commit at
//! work). Ignored by default: it measures the disk, not correctness. Run with
//! `cargo test -p chatwire-store-sqlite --release -- --ignored --nocapture`.

use std::sync::Arc;
use std::time::Instant;

use chatwire_core::{
    Account, AccountId, Actor, ChatCommand, ChatKey, ChatRequest, EventId, LineSubType, NewChat,
    TextType, Timestamp,
};
use chatwire_store::Store;
use chatwire_store_sqlite::SqliteStore;

const TASKS: usize = 64;
const LINES: usize = 20_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "benchmark: run explicitly in release mode"]
async fn appends_20k_lines_from_64_tasks() {
    // Arrange: one account, 64 open chats.
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.path().join("bench.db")).expect("open"));
    let acc = AccountId::parse("bench").expect("id");
    let account = Account {
        id: acc.clone(),
        name: "Bench".into(),
        created_at: Timestamp(1),
    };
    store.create_account(&account).await.expect("account");
    let mut keys = Vec::new();
    for i in 0..TASKS as u64 {
        let new = NewChat {
            key: ChatKey::from_random(i, u128::from(i), 1),
            account: acc.clone(),
            skill: None,
            visitor_name: "visitor".into(),
            visitor_id: 1,
            chat_timeout_secs: 40,
            pre_chat_lines: vec![],
            preferred_agent: None,
            request: ChatRequest::default(),
        };
        keys.push(
            store
                .create_chat(new, Timestamp(1))
                .await
                .expect("chat")
                .chat
                .key,
        );
    }

    // Act: each task appends its share of lines to its own chat, one awaited write at a time.
    let started = Instant::now();
    let tasks: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(t, key)| {
            let (store, acc, key) = (Arc::clone(&store), acc.clone(), key.clone());
            let share = LINES / TASKS + usize::from(t < LINES % TASKS);
            tokio::spawn(async move {
                for i in 0..share {
                    let cmd = ChatCommand::PostLine {
                        author: Actor::Visitor,
                        text: format!("line {i} of task {t}: hello, is anyone there?"),
                        text_type: TextType::Plain,
                        json: None,
                        sub_type: LineSubType::Regular,
                    };
                    store
                        .execute(&acc, &key, cmd, Timestamp(2))
                        .await
                        .expect("line");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let elapsed = started.elapsed();

    // Assert and report.
    let mut total = 0;
    for key in &keys {
        total += store
            .events_since(&acc, key, EventId(2), 100_000)
            .await
            .expect("events")
            .len();
    }
    assert_eq!(total, LINES);
    let rate = LINES as f64 / elapsed.as_secs_f64();
    println!("{LINES} fsync'd lines from {TASKS} tasks in {elapsed:.2?}: {rate:.0} lines/s");
}
