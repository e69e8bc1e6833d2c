//! The shared conformance suite on PostgreSQL, plus migrations (idempotent, race-free) and
//! what a dead database looks like.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chatwire_store::{Store, conformance};
use chatwire_store_postgres::{PgOptions, PgStore};

use crate::common::{TestDb, account};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_story() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("story").await;
    conformance::run_story(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_survey_checks() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("surveys").await;
    conformance::run_surveys(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_topic_checks() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("topics").await;
    conformance::run_topics(&store).await;
    conformance::run_session_details(&store).await;
}

#[tokio::test]
async fn postgres_store_passes_the_chat_query_checks() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("chat_queries").await;
    conformance::run_chat_queries(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_history_and_erasure_checks() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("history").await;
    conformance::run_history(&store).await;
    conformance::run_erasure(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_search_word_and_leftover_checks() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("leftovers").await;
    conformance::run_history_words(&store).await;
    conformance::run_retention_offline(&store).await;
    conformance::run_survey_after_delete(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_session_checks() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("sessions").await;
    conformance::run_sessions(&store).await;
    conformance::run_app_logins(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_outbox_checks() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("outbox").await;
    conformance::run_outbox(&store).await;
    conformance::run_mailbox(&store).await;
    conformance::run_staff_mail(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_concurrency_checks() {
    let Some(db) = TestDb::new() else { return };
    let store: Arc<dyn Store> = Arc::new(db.store("concurrency").await);
    conformance::run_concurrency(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_hands_each_due_mail_to_one_claimer() {
    let Some(db) = TestDb::new() else { return };
    let store: Arc<dyn Store> = Arc::new(db.store("claims").await);
    conformance::run_mail_claims(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_webhook_checks() {
    let Some(db) = TestDb::new() else { return };
    let store: Arc<dyn Store> = Arc::new(db.store("webhooks").await);
    conformance::run_webhooks(store.as_ref()).await;
    conformance::run_webhook_claims(store).await;
}

#[tokio::test]
async fn postgres_store_passes_the_account_event_checks() {
    let Some(db) = TestDb::new() else { return };
    conformance::run_account_events(&db.store("account_events").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_keeps_the_visitors_last_sighting() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("seen").await;
    conformance::run_visitor_seen(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_keeps_the_agents_last_sighting() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("agentseen").await;
    conformance::run_agent_seen(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_counts_ring_outs_of_every_node() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("ringouts").await;
    conformance::run_ring_outs(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_reports_every_write_nodes_must_hear_of() {
    let Some(db) = TestDb::new() else { return };
    let writer = db.store("hints_a").await;
    let listener = db.store("hints_b").await;
    conformance::run_wakeups(&writer, &listener).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connecting_twice_to_one_schema_runs_each_migration_once() {
    // Arrange: a schema with data in it.
    let Some(db) = TestDb::new() else { return };
    let first = db.store("mig1").await;
    let acc = account(&first).await;

    // Act: a second node connects, and the migrate command runs too.
    let second = db.store("mig2").await;
    let migrated = chatwire_store_postgres::migrate(&db.options("mig3"))
        .await
        .expect("migrate");

    // Assert
    assert_eq!(migrated, chatwire_store_postgres::schema_version());
    assert_eq!(second.get_account(&acc).await.expect("same data").id, acc);
    let raw = db.raw().await;
    let sql = format!("SELECT COUNT(*) FROM {}.schema_migrations", db.schema);
    let rows: i64 = raw.query_one(&sql, &[]).await.expect("count").get(0);
    assert_eq!(rows, i64::from(chatwire_store_postgres::schema_version()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nodes_starting_at_once_on_a_fresh_schema_both_come_up() {
    let Some(db) = TestDb::new() else { return };
    let options = ["race1", "race2", "race3"].map(|app| db.options(app));
    let (a, b, c) = tokio::join!(
        PgStore::connect(&options[0]),
        PgStore::connect(&options[1]),
        PgStore::connect(&options[2]),
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    c.expect("third");
    let acc = account(&a).await;
    assert_eq!(b.get_account(&acc).await.expect("shared").id, acc);
}

#[tokio::test]
async fn an_unreachable_database_fails_fast_instead_of_hanging() {
    // Arrange: nothing listens on port 1.
    let options = PgOptions::new("postgres://postgres@127.0.0.1:1/test?connect_timeout=2");

    // Act
    let started = Instant::now();
    let outcome = PgStore::connect(&options).await;

    // Assert
    let err = outcome.expect_err("no database there");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
    assert!(format!("{err:#}").contains("cannot connect"), "{err:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_admin_checks() {
    let Some(db) = TestDb::new() else { return };
    let store = db.store("admin").await;
    conformance::run_admin(&store).await;
}
