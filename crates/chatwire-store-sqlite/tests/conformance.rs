//! The shared conformance suite, plus what only a durable, batched backend has to prove:
//! reopening, isolation of a failed job inside a batch, migration idempotence.

use std::path::Path;
use std::sync::Arc;

use chatwire_core::chat::AssignedAgent;
use chatwire_core::{
    Account, AccountId, Actor, Availability, ChatCommand, ChatKey, ChatRequest, ChatState,
    DomainError, EventId, GlobalSeq, LineSubType, MaxChats, NewAgent, NewChat, TextType, Timestamp,
};
use chatwire_store::{Store, StoreError, conformance};
use chatwire_store_sqlite::SqliteStore;

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("data").join("chatwire.db");
    (dir, path)
}

async fn account(store: &dyn Store, id: &str) -> AccountId {
    let id = AccountId::parse(id).expect("account id");
    let account = Account {
        id: id.clone(),
        name: "Test".into(),
        created_at: Timestamp(1),
    };
    store
        .create_account(&account)
        .await
        .expect("create account");
    id
}

fn new_chat(account: &AccountId, seed: u64) -> NewChat {
    NewChat {
        key: ChatKey::from_random(seed, u128::from(seed) * 7_919, 13),
        account: account.clone(),
        skill: None,
        visitor_name: "visitor".into(),
        visitor_id: 42,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest::default(),
    }
}

fn visitor_line(text: &str) -> ChatCommand {
    ChatCommand::PostLine {
        author: Actor::Visitor,
        text: text.into(),
        text_type: TextType::Plain,
        json: None,
        sub_type: LineSubType::Regular,
    }
}

fn schema_version_of(path: &Path) -> u32 {
    let conn = rusqlite::Connection::open(path).expect("open raw");
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_story() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_story(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_survey_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_surveys(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_topic_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_topics(&store).await;
    conformance::run_session_details(&store).await;
}

#[tokio::test]
async fn sqlite_store_passes_the_chat_query_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_chat_queries(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_history_and_erasure_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_history(&store).await;
    conformance::run_erasure(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_search_word_and_leftover_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_history_words(&store).await;
    conformance::run_retention_offline(&store).await;
    conformance::run_survey_after_delete(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_session_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_sessions(&store).await;
    conformance::run_app_logins(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_outbox_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_outbox(&store).await;
    conformance::run_mailbox(&store).await;
    conformance::run_staff_mail(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_concurrency_checks() {
    let (_dir, path) = temp_db();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("open"));
    conformance::run_concurrency(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_webhook_checks() {
    let (_dir, path) = temp_db();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("open"));
    conformance::run_webhooks(store.as_ref()).await;
    conformance::run_webhook_claims(store).await;
}

#[tokio::test]
async fn sqlite_store_passes_the_account_event_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_account_events(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_hands_each_due_mail_to_one_claimer() {
    let (_dir, path) = temp_db();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("open"));
    conformance::run_mail_claims(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn everything_survives_a_reopen_and_appends_continue_where_they_stopped() {
    // Arrange: a directory, a chat with an accept and lines, then close the store.
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    let acc = account(&store, "reopen").await;
    let new_agent = NewAgent {
        account: acc.clone(),
        login_name: "anna".into(),
        password_hash: "hash".into(),
        nickname: "Anna".into(),
        display_name: "Anna A".into(),
        email: String::new(),
        max_chats: MaxChats::from(3),
        skills: vec![],
        is_admin: true,
    };
    let mut anna = store.create_agent(&new_agent).await.expect("agent");
    anna.availability = Availability::Online;
    store
        .update_agent(&anna, chatwire_core::Timestamp(0))
        .await
        .expect("online");
    let key = store
        .create_chat(new_chat(&acc, 1), Timestamp(10))
        .await
        .expect("open")
        .chat
        .key;
    let accept = ChatCommand::Accept {
        agent: AssignedAgent {
            id: anna.id,
            name: anna.nickname.clone(),
        },
        welcome: None,
    };
    store
        .execute(&acc, &key, accept, Timestamp(20))
        .await
        .expect("accept");
    for i in 0..5 {
        store
            .execute(&acc, &key, visitor_line(&format!("l{i}")), Timestamp(30))
            .await
            .expect("line");
    }
    let before = store
        .events_since(&acc, &key, EventId(0), 100)
        .await
        .expect("events");
    let chat_before = store.get_chat(&acc, &key).await.expect("chat");
    drop(store);

    // Act
    let store = SqliteStore::open(&path).expect("reopen");
    let next = store
        .execute(&acc, &key, visitor_line("after"), Timestamp(40))
        .await
        .expect("line");

    // Assert: the directory and log are intact, and the log continues without a gap.
    assert_eq!(store.get_agent(&acc, anna.id).await.expect("agent"), anna);
    assert_eq!(
        store.get_chat(&acc, &key).await.expect("chat").state,
        ChatState::Chatting
    );
    let after = store
        .events_since(&acc, &key, EventId(0), 100)
        .await
        .expect("events");
    assert_eq!(after[..before.len()], before[..]);
    let event = &next.events[0];
    assert_eq!(event.id, chat_before.next_event_id);
    assert!(event.seq > before.last().expect("events").seq);
    assert_eq!(next.chat.next_event_id.0 as usize, before.len() + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_write_in_a_batch_leaves_the_others_committed() {
    // Arrange: one open chat and one ended chat.
    let (_dir, path) = temp_db();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("open"));
    let acc = account(store.as_ref(), "batch").await;
    let open = store
        .create_chat(new_chat(&acc, 2), Timestamp(1))
        .await
        .expect("open")
        .chat
        .key;
    let ended = store
        .create_chat(new_chat(&acc, 3), Timestamp(1))
        .await
        .expect("open")
        .chat
        .key;
    let end = ChatCommand::End { by: Actor::Visitor };
    store
        .execute(&acc, &ended, end, Timestamp(2))
        .await
        .expect("end");
    let seq_before = store
        .feed_since(&acc, GlobalSeq(0), 1_000)
        .await
        .expect("feed")
        .len();

    // Act: 50 good and 10 refused lines at once, interleaved so they share batches.
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let (store, acc) = (Arc::clone(&store), acc.clone());
            let key = if i % 6 == 5 {
                ended.clone()
            } else {
                open.clone()
            };
            tokio::spawn(async move {
                store
                    .execute(&acc, &key, visitor_line(&format!("n{i}")), Timestamp(3))
                    .await
            })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.expect("task"));
    }

    // Assert
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Domain(DomainError::ChatEnded))))
        .count();
    assert_eq!((ok, refused), (50, 10));
    let events = store
        .events_since(&acc, &open, EventId(0), 1_000)
        .await
        .expect("events");
    assert_eq!(events.len(), 2 + 50);
    assert!(events.iter().enumerate().all(|(i, e)| e.id.0 as usize == i));
    let feed = store
        .feed_since(&acc, GlobalSeq(0), 1_000)
        .await
        .expect("feed");
    assert_eq!(
        feed.len(),
        seq_before + 50,
        "refused writes left nothing behind"
    );
    assert!(
        feed.windows(2)
            .all(|w| w[1].event.seq.0 == w[0].event.seq.0 + 1),
        "no seq gaps"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_twice_runs_each_migration_once() {
    // Arrange
    let (_dir, path) = temp_db();
    drop(SqliteStore::open(&path).expect("first open"));
    let version = schema_version_of(&path);

    // Act
    drop(SqliteStore::open(&path).expect("second open"));
    let migrated = chatwire_store_sqlite::migrate(&path).expect("migrate");

    // Assert
    assert_eq!(version, chatwire_store_sqlite::schema_version());
    assert_eq!((schema_version_of(&path), migrated), (version, version));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_file_is_left_in_wal_mode() {
    let (_dir, path) = temp_db();
    let _store = SqliteStore::open(&path).expect("open");
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_admin_checks() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    conformance::run_admin(&store).await;
}
