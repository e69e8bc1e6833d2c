//! The memory store against the conformance suite, plus its outage switch.
use std::sync::Arc;

use super::*;
use crate::conformance;

#[tokio::test]
async fn memory_store_passes_the_story() {
    conformance::run_story(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_passes_the_concurrency_checks() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    conformance::run_concurrency(store).await;
}

#[tokio::test]
async fn memory_store_passes_the_survey_checks() {
    conformance::run_surveys(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_passes_the_topic_checks() {
    conformance::run_topics(&MemoryStore::new()).await;
    conformance::run_session_details(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_passes_the_chat_query_checks() {
    conformance::run_chat_queries(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_passes_the_admin_checks() {
    conformance::run_admin(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_passes_the_session_checks() {
    conformance::run_sessions(&MemoryStore::new()).await;
    conformance::run_app_logins(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_passes_the_outbox_checks() {
    conformance::run_outbox(&MemoryStore::new()).await;
    conformance::run_mailbox(&MemoryStore::new()).await;
    conformance::run_staff_mail(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_hands_each_due_mail_to_one_claimer() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    conformance::run_mail_claims(store).await;
}

#[tokio::test]
async fn memory_store_keeps_the_visitors_last_sighting() {
    conformance::run_visitor_seen(&MemoryStore::new()).await;
    conformance::run_agent_seen(&MemoryStore::new()).await;
    conformance::run_ring_outs(&MemoryStore::new()).await;
}

#[tokio::test]
async fn a_memory_store_with_wakeups_reports_every_write() {
    let store = MemoryStore::with_wakeups();
    conformance::run_wakeups(&store, &store).await;
}

#[tokio::test]
async fn a_plain_memory_store_reports_no_wakeups() {
    assert!(MemoryStore::new().wakeups().await.expect("call").is_none());
}

#[tokio::test]
async fn outage_is_reported_as_unavailable() {
    let store = MemoryStore::new();
    store.set_unavailable(true);
    assert!(matches!(
        store.list_accounts().await,
        Err(StoreError::Unavailable(_))
    ));
    store.set_unavailable(false);
    assert!(store.list_accounts().await.is_ok());
}

#[tokio::test]
async fn memory_store_passes_the_history_and_erasure_checks() {
    conformance::run_history(&MemoryStore::new()).await;
    conformance::run_erasure(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_passes_the_search_word_and_leftover_checks() {
    conformance::run_history_words(&MemoryStore::new()).await;
    conformance::run_retention_offline(&MemoryStore::new()).await;
    conformance::run_survey_after_delete(&MemoryStore::new()).await;
}

#[tokio::test]
async fn memory_store_passes_the_webhook_checks() {
    conformance::run_webhooks(&MemoryStore::new()).await;
    conformance::run_webhook_claims(std::sync::Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
async fn memory_store_passes_the_account_event_checks() {
    conformance::run_account_events(&MemoryStore::new()).await;
}
