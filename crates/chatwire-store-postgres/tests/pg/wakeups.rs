//! Cross-node wake-ups (`LISTEN`/`NOTIFY`) and recovery from lost connections.

use std::time::Duration;

use chatwire_core::{AccountId, ChatKey, EventId, Timestamp};
use chatwire_store::{Store, Wakeup};

use crate::common::{TestDb, account, chat, line, wait_for};

/// Whether `w` is a wake-up for that chat (any revision).
fn is_chat(w: &Wakeup, acc: &AccountId, key: &ChatKey) -> bool {
    matches!(w, Wakeup::Chat { account, key: k, .. } if account == acc && k == key)
}

/// Kills the backends whose application name is `app` (and says how many there were).
async fn terminate(db: &TestDb, app: &str, listen_only: bool) -> i64 {
    let raw = db.raw().await;
    let sql = "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
               WHERE application_name = $1 AND ($2 = false OR query ILIKE 'LISTEN%')";
    raw.query_one(sql, &[&app, &listen_only])
        .await
        .expect("terminate")
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_append_on_one_node_wakes_the_other_and_other_schemas_do_not() {
    // Arrange: node B listens; a third store writes in another schema.
    let Some(db) = TestDb::new() else { return };
    let Some(elsewhere) = TestDb::new() else {
        return;
    };
    let a = db.store("wake_a").await;
    let b = db.store("wake_b").await;
    let stranger = elsewhere.store("wake_other").await;
    let mut wakeups = b
        .wakeups()
        .await
        .expect("wakeups")
        .expect("postgres has wakeups");
    let acc = account(&a).await;
    let key = chat(&a, &acc, 1).await;
    let foreign_acc = account(&stranger).await;

    // Act: the foreign write commits first, then ours.
    chat(&stranger, &foreign_acc, 2).await;
    a.execute(&acc, &key, line("hello"), Timestamp(2))
        .await
        .expect("line");

    // Assert: the first wake-up B gets is for our chat (opened, then the line), never the
    // stranger's, though it was committed before.
    let first = wait_for(&mut wakeups, Duration::from_secs(5), |_| true).await;
    assert!(is_chat(&first, &acc, &key), "{first:?}");
    wait_for(&mut wakeups, Duration::from_secs(5), |w| {
        is_chat(w, &acc, &key)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_chat_wakeup_carries_the_chat_as_committed() {
    // Arrange
    let Some(db) = TestDb::new() else { return };
    let a = db.store("carry_a").await;
    let b = db.store("carry_b").await;
    let mut wakeups = b
        .wakeups()
        .await
        .expect("wakeups")
        .expect("postgres has wakeups");
    let acc = account(&a).await;

    // Act: a chat opened (written one by one), then a line (written by a batch).
    let key = chat(&a, &acc, 1).await;
    let lined = a
        .execute(&acc, &key, line("hello"), Timestamp(2))
        .await
        .expect("line");

    // Assert: each hint holds the chat at its revision, the last one the chat as committed,
    // so B need not read it.
    let carried = |w: &Wakeup| match w {
        Wakeup::Chat { chat, revision, .. } => chat.as_ref().map(|c| (c.revision, *revision)),
        _ => None,
    };
    let opened = wait_for(&mut wakeups, Duration::from_secs(5), |w| {
        is_chat(w, &acc, &key)
    })
    .await;
    let (revision, said) = carried(&opened).expect("the opened chat is carried");
    assert_eq!(revision, said);
    let last = wait_for(&mut wakeups, Duration::from_secs(5), |w| {
        carried(w).is_some_and(|(r, _)| r == lined.chat.revision)
    })
    .await;
    let Wakeup::Chat {
        chat: Some(chat),
        events,
        ..
    } = last
    else {
        panic!("{last:?}");
    };
    assert_eq!(*chat, lined.chat);
    assert_eq!(*events, *lined.events);
    assert!(events.iter().all(|e| e.seq.0 > 0), "{events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_listen_connection_comes_back_and_wakes_everyone_once() {
    // Arrange
    let Some(db) = TestDb::new() else { return };
    let app = format!("{}_b", db.schema);
    let a = db.store("lost_a").await;
    let b = db.store(&app).await;
    let mut wakeups = b
        .wakeups()
        .await
        .expect("wakeups")
        .expect("postgres has wakeups");
    let acc = account(&a).await;

    // Act: the server drops B's LISTEN connection.
    let killed = terminate(&db, &format!("{app}-listener"), true).await;

    // Assert: B reconnects and says "anything may have changed"...
    assert_eq!(killed, 1, "exactly one listener connection");
    wait_for(&mut wakeups, Duration::from_secs(10), |w| *w == Wakeup::All).await;
    // ...and notifications flow again afterwards.
    let key = chat(&a, &acc, 3).await;
    wait_for(&mut wakeups, Duration::from_secs(5), |w| {
        is_chat(w, &acc, &key)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_pool_replaces_connections_the_server_killed() {
    // Arrange: a store whose pooled connections all exist and sit idle.
    let Some(db) = TestDb::new() else { return };
    let app = format!("{}_pool", db.schema);
    let store = db.store(&app).await;
    let acc = account(&store).await;
    let key = chat(&store, &acc, 4).await;

    // Act: the server terminates every one of them (as a restart would).
    let killed = terminate(&db, &app, false).await;

    // Assert: the next calls succeed on fresh connections.
    assert!(killed >= 1);
    store.ping().await.expect("ping after the kill");
    store
        .execute(&acc, &key, line("still here"), Timestamp(3))
        .await
        .expect("write after the kill");
    let events = store
        .events_since(&acc, &key, EventId(0), 10)
        .await
        .expect("read after the kill");
    assert_eq!(events.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_does_not_hear_its_own_writes() {
    // Arrange: node A listens.
    let Some(db) = TestDb::new() else { return };
    let a = db.store("own_a").await;
    let b = db.store("own_b").await;
    let mut heard = a
        .wakeups()
        .await
        .expect("wakeups")
        .expect("postgres has wakeups");
    let acc = account(&a).await;

    // Act: A opens a chat, then B does.
    chat(&a, &acc, 5).await;
    let theirs = chat(&b, &acc, 6).await;

    // Assert: the first wake-up A hears is B's chat: its own write came back to nobody.
    let first = wait_for(&mut heard, Duration::from_secs(5), |_| true).await;
    assert!(is_chat(&first, &acc, &theirs), "{first:?}");
}
