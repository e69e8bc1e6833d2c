//! Test scaffolding: a fresh schema per test (dropped afterwards), stores on it, and the small
//! domain builders the tests share.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chatwire_core::chat::AssignedAgent;
use chatwire_core::{
    Account, AccountId, Actor, Agent, Availability, ChatCommand, ChatKey, ChatRequest, LineSubType,
    MaxChats, NewAgent, NewChat, TextType, Timestamp,
};
use chatwire_store::{Store, Wakeup};
use chatwire_store_postgres::{PgOptions, PgStore};
use futures::StreamExt;
use futures::stream::BoxStream;

/// The variable that points the tests at a server.
const URL_VAR: &str = "CHATWIRE_TEST_PG_URL";

/// A unique suffix: process id, clock and a counter (tests of one run share the database).
fn unique() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{nanos}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Says, once per run, that the tests are skipped, where a person running `cargo test` sees it
/// (the harness captures `eprintln!` of passing tests, but not writes to the stderr handle).
fn say_skipped() {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write as _;
        // One write, so the line is not interleaved with other output.
        let line = format!(
            "SKIPPED chatwire-store-postgres tests: need PostgreSQL; \
             set {URL_VAR}=postgres://user@host:5432/db to run them\n"
        );
        let _ = std::io::stderr().write_all(line.as_bytes());
    });
}

/// One test's schema in the shared test database; dropped (best effort) when this is.
pub(crate) struct TestDb {
    url: String,
    pub(crate) schema: String,
}

impl TestDb {
    /// A fresh schema name, or `None` (after saying so) when no server is configured.
    pub(crate) fn new() -> Option<Self> {
        match std::env::var(URL_VAR) {
            Ok(url) if !url.is_empty() => Some(Self {
                url,
                schema: format!("cw_test_{}", unique()),
            }),
            _ => {
                say_skipped();
                None
            }
        }
    }

    /// Options for this schema; connections are named `app` in `pg_stat_activity`.
    pub(crate) fn options(&self, app: &str) -> PgOptions {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        PgOptions {
            url: format!("{}{sep}application_name={app}", self.url),
            schema: Some(self.schema.clone()),
            pool_size: 8,
        }
    }

    /// A connected store on this schema (one "node").
    pub(crate) async fn store(&self, app: &str) -> PgStore {
        PgStore::connect(&self.options(app))
            .await
            .expect("connect to the test database")
    }

    /// A plain client for inspecting the server (`pg_stat_activity`, `schema_migrations`).
    pub(crate) async fn raw(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
            .await
            .expect("raw connect");
        tokio::spawn(connection);
        client
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop runs outside async context (possibly while panicking): use a thread with its own
        // small runtime. Failure only leaves a schema behind.
        let (url, schema) = (self.url.clone(), self.schema.clone());
        let cleanup = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok((client, connection)) =
                    tokio_postgres::connect(&url, tokio_postgres::NoTls).await
                {
                    tokio::spawn(connection);
                    let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                    if let Err(e) = client.batch_execute(&sql).await {
                        eprintln!("could not drop test schema {schema}: {e}");
                    }
                }
            });
        });
        drop(cleanup.join());
    }
}

/// A new account with a unique id.
pub(crate) async fn account(store: &dyn Store) -> AccountId {
    // Each test has a schema of its own, so a process-wide counter is unique enough.
    static N: AtomicU64 = AtomicU64::new(0);
    let id =
        AccountId::parse(&format!("acc{}", N.fetch_add(1, Ordering::Relaxed))).expect("account id");
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

/// An online agent of `account` with at most `max` chats (-1: unlimited).
pub(crate) async fn agent(store: &dyn Store, account: &AccountId, login: &str, max: i32) -> Agent {
    let new = NewAgent {
        account: account.clone(),
        login_name: login.into(),
        password_hash: "hash".into(),
        nickname: login.into(),
        display_name: login.into(),
        email: String::new(),
        max_chats: MaxChats::from(max),
        skills: vec![],
        is_admin: false,
    };
    let mut agent = store.create_agent(&new).await.expect("create agent");
    agent.availability = Availability::Online;
    store
        .update_agent(&agent, chatwire_core::Timestamp(0))
        .await
        .expect("go online");
    agent
}

/// Opens a chat of `account` and returns its key.
pub(crate) async fn chat(store: &dyn Store, account: &AccountId, seed: u64) -> ChatKey {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let new = NewChat {
        key: ChatKey::from_random(seed, nanos, 17),
        account: account.clone(),
        skill: None,
        visitor_name: "visitor".into(),
        visitor_id: 42,
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest::default(),
    };
    store
        .create_chat(new, Timestamp(1))
        .await
        .expect("open chat")
        .chat
        .key
}

/// A visitor line.
pub(crate) fn line(text: &str) -> ChatCommand {
    ChatCommand::PostLine {
        author: Actor::Visitor,
        text: text.into(),
        text_type: TextType::Plain,
        json: None,
        sub_type: LineSubType::Regular,
    }
}

/// `agent` accepts the chat.
pub(crate) fn accept(agent: &Agent) -> ChatCommand {
    ChatCommand::Accept {
        agent: AssignedAgent {
            id: agent.id,
            name: agent.nickname.clone(),
        },
        welcome: None,
    }
}

/// The next wake-up for which `wanted` holds, skipping others; panics after `within`.
pub(crate) async fn wait_for(
    stream: &mut BoxStream<'static, Wakeup>,
    within: Duration,
    wanted: impl Fn(&Wakeup) -> bool,
) -> Wakeup {
    tokio::time::timeout(within, async {
        loop {
            let w = stream.next().await.expect("the wake-up stream never ends");
            if wanted(&w) {
                return w;
            }
        }
    })
    .await
    .expect("the wake-up arrived in time")
}
