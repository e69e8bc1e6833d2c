//! The waiting alert on two nodes sharing one PostgreSQL schema: both sweep the same
//! long-waiting chats at the same moment, and each chat still gets exactly one mail (the alert
//! row is its own unique marker, written with the "still waiting" check in one transaction).
//!
//! Needs `CHATWIRE_TEST_PG_URL`; without it the test passes at once after saying `SKIPPED`.

use std::sync::Arc;

use chatwire_engine::core::{MailKind, Timestamp};
use chatwire_engine::{ChatRequestInput, Engine, EngineConfig, ManualClock};
use chatwire_store::Store;
use chatwire_store_postgres::{PgOptions, PgStore};

use crate::helpers::pg;

/// One node: an engine over its own connection pool to the schema, and that store.
async fn node(url: &str, schema: &str, clock: &Arc<ManualClock>) -> (Engine, Arc<PgStore>) {
    let options = PgOptions {
        schema: Some(schema.to_owned()),
        ..PgOptions::new(url)
    };
    let store = Arc::new(PgStore::connect(&options).await.expect("connect"));
    let engine = Engine::with_clock(store.clone(), EngineConfig::default(), clock.clone());
    (engine, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_sweeping_at_once_mail_one_alert_per_chat() {
    let Some(url) = pg::url() else {
        pg::say_skipped();
        return;
    };
    let schema = pg::fresh_schema();
    let _guard = pg::SchemaGuard::new(&url, &schema);
    let clock = Arc::new(ManualClock::new(Timestamp(1_700_000_000_000)));
    let (a, store) = node(&url, &schema, &clock).await;
    let (b, _) = node(&url, &schema, &clock).await;
    let account = a.create_account("1000", "Demo").await.expect("account").id;
    store
        .set_staff_address(&account, None, Some("desk@example.com"))
        .await
        .expect("address");
    let mut chats = Vec::new();
    for _ in 0..5 {
        let key = a
            .request_chat_from(&account, ChatRequestInput::default(), None)
            .await
            .expect("chat")
            .chat
            .key;
        chats.push(key);
    }
    clock.advance_ms(301_000);

    // Both nodes sweep at the same moment, three times over.
    let mut raised = 0;
    for _ in 0..3 {
        let (x, y) = tokio::join!(a.sweep_waiting_alerts(), b.sweep_waiting_alerts());
        raised += x + y;
    }

    assert_eq!(raised, chats.len(), "one alert per chat between both nodes");
    for key in &chats {
        let mails = store.mail_of_chat(&account, key).await.expect("mails");
        let alerts = mails
            .iter()
            .filter(|m| m.kind == MailKind::WaitingAlert)
            .count();
        assert_eq!(alerts, 1, "{key}");
    }
}
