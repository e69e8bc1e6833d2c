//! The writer keeps the chats it wrote decoded between commands (`chat_cache`). These checks
//! fail if a command ever starts from a stale copy: another store on the same file (as the
//! `chatwire` CLI is) writes the chat between two of ours, or a chat is deleted meanwhile.

use chatwire_core::chat::TypingSide;
use chatwire_core::{
    Account, AccountId, Actor, ChatCommand, ChatKey, ChatRequest, Committed, EventId, LineSubType,
    NewChat, TextType, Timestamp, Typing,
};
use chatwire_store::{HistoryStore, Store, StoreError};
use chatwire_store_sqlite::SqliteStore;

fn line(text: &str) -> ChatCommand {
    ChatCommand::PostLine {
        author: Actor::Visitor,
        text: text.into(),
        text_type: TextType::Plain,
        json: None,
        sub_type: LineSubType::Regular,
    }
}

/// A store on a fresh file, with an account and one chat that has a line (so the writer has
/// the chat cached).
async fn store_with_chat() -> (tempfile::TempDir, SqliteStore, AccountId, ChatKey) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("c.db")).expect("open");
    let account = AccountId::parse("cache").expect("account id");
    store
        .create_account(&Account {
            id: account.clone(),
            name: "Cache".into(),
            created_at: Timestamp(1),
        })
        .await
        .expect("account");
    let new = NewChat {
        key: ChatKey::from_random(5, 6, 7),
        account: account.clone(),
        skill: None,
        visitor_name: "visitor".into(),
        visitor_id: 1,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest::default(),
    };
    let key = store
        .create_chat(new, Timestamp(10))
        .await
        .expect("chat")
        .chat
        .key;
    store
        .execute(&account, &key, line("one"), Timestamp(20))
        .await
        .expect("line one");
    (dir, store, account, key)
}

async fn event_ids(store: &SqliteStore, account: &AccountId, key: &ChatKey) -> Vec<u32> {
    store
        .events_since(account, key, EventId(0), 1_000)
        .await
        .expect("events")
        .iter()
        .map(|e| e.id.0)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_by_a_second_store_on_the_file_is_seen_by_the_next_append() {
    // Arrange: store A has the chat cached; store B (another writer on the same file) changes
    // a field no event carries (agent typing) and appends a line.
    let (dir, a, account, key) = store_with_chat().await;
    let b = SqliteStore::open(&dir.path().join("c.db")).expect("second store");
    let typing = ChatCommand::SetTyping(TypingSide::Agent, Typing::Typing);
    b.execute(&account, &key, typing, Timestamp(30))
        .await
        .expect("typing by B");
    let by_b = b
        .execute(&account, &key, line("two"), Timestamp(40))
        .await
        .expect("line by B");

    // Act
    let by_a: Committed = a
        .execute(&account, &key, line("three"), Timestamp(50))
        .await
        .expect("line by A");

    // Assert: A numbered its line after B's and kept B's change; what it returned is what
    // is stored.
    assert_eq!(by_a.events[0].id, by_b.chat.next_event_id);
    assert_eq!(by_a.chat.revision, by_b.chat.revision + 1);
    assert_eq!(by_a.chat.agent_typing, Typing::Typing);
    assert_eq!(a.get_chat(&account, &key).await.expect("read"), by_a.chat);
    let ids = event_ids(&a, &account, &key).await;
    let expected: Vec<u32> = (0..by_a.chat.next_event_id.0).collect();
    assert_eq!(ids, expected, "every event once, in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_alternating_between_two_stores_never_reuse_an_event_id() {
    // Arrange
    let (dir, a, account, key) = store_with_chat().await;
    let b = SqliteStore::open(&dir.path().join("c.db")).expect("second store");

    // Act: each store's copy is stale at every one of its turns.
    for i in 0..10 {
        let store = if i % 2 == 0 { &a } else { &b };
        store
            .execute(&account, &key, line(&format!("l{i}")), Timestamp(100 + i))
            .await
            .expect("line");
    }

    // Assert
    let chat = b.get_chat(&account, &key).await.expect("read");
    let ids = event_ids(&a, &account, &key).await;
    assert_eq!(ids, (0..chat.next_event_id.0).collect::<Vec<_>>());
    assert_eq!(a.get_chat(&account, &key).await.expect("read by A"), chat);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_deleted_after_it_was_cached_is_not_found() {
    // Arrange: end the chat (only ended chats can be deleted), then delete it.
    let (_dir, store, account, key) = store_with_chat().await;
    let end = ChatCommand::End { by: Actor::Visitor };
    store
        .execute(&account, &key, end, Timestamp(30))
        .await
        .expect("end");
    store.delete_chat(&account, &key).await.expect("delete");

    // Act
    let after = store
        .execute(&account, &key, line("late"), Timestamp(40))
        .await;

    // Assert
    assert!(
        matches!(after, Err(StoreError::NotFound("chat"))),
        "{after:?}"
    );
}
