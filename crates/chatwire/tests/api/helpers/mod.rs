//! `spawn_app()` and [`TestApp`]: a real server on 127.0.0.1:0 over a fresh database: an SQLite
//! file in a temporary directory, or, when `CHATWIRE_TEST_PG_URL` is set, a fresh schema of that
//! PostgreSQL database (so the whole suite runs on either backend).
//!
//! Submodules: [`pg`] (schemas), [`process`] (real `chatwire` processes), [`http`] (plain calls
//! to such a process), [`proxy`] (a TCP proxy to cut a server off from PostgreSQL).

pub(crate) mod http;
pub(crate) mod pg;
pub(crate) mod process;
pub(crate) mod prom;
pub(crate) mod proxy;

use std::path::{Path, PathBuf};

use chatwire::Server;
use chatwire::settings::Settings;
use chatwire_engine::Engine;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server for one test.
pub(crate) struct TestApp {
    /// `http://127.0.0.1:PORT` (or https).
    pub(crate) address: String,
    /// A client that accepts the self-signed certificate.
    pub(crate) client: reqwest::Client,
    /// The server's engine, to arrange state not yet reachable over HTTP.
    pub(crate) engine: Engine,
    /// The data directory (kept alive by `kept` unless given by the caller).
    pub(crate) data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    kept: KeptData,
}

/// What outlives a stopped server so another can start over it: the temporary data directory
/// and the PostgreSQL schema. Dropping it deletes both.
#[derive(Default)]
pub(crate) struct KeptData {
    _dir: Option<tempfile::TempDir>,
    _schema: Option<pg::SchemaGuard>,
}

/// Settings for a test server over `data_dir`: its SQLite file, or on PostgreSQL the schema
/// named after the directory (so a restart over the same directory finds the same data).
pub(crate) fn test_settings(data_dir: &Path) -> Settings {
    let mut s = Settings::default();
    s.server.listen = "127.0.0.1:0".into();
    s.server.shutdown_grace_secs = 2;
    s.database.data_dir = data_dir.to_string_lossy().into_owned();
    if let Some(url) = pg::url() {
        s.database.url = url;
        s.database.schema = pg::schema_for(data_dir);
        // Tests run two at a time against one server: keep each node's share small.
        s.database.pool_size = 8;
    }
    s
}

/// Starts a demo server over a fresh temporary directory.
pub(crate) async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_path_buf();
    let mut app = spawn_with(test_settings(&path)).await;
    app.kept._dir = Some(dir);
    app
}

/// Starts a demo server over a fresh temporary directory, with `configure` applied to the test
/// settings first.
pub(crate) async fn spawn_configured(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = test_settings(dir.path());
    configure(&mut settings);
    let mut app = spawn_with(settings).await;
    app.kept._dir = Some(dir);
    app
}

/// Starts a demo server with these settings.
pub(crate) async fn spawn_with(settings: Settings) -> TestApp {
    let data_dir = PathBuf::from(&settings.database.data_dir);
    // A schema the suite made up is the suite's to drop; one a test named is the test's.
    let schema = settings.database.schema.clone();
    let schema = (!settings.database.url.is_empty() && schema.starts_with(pg::SCHEMA_PREFIX))
        .then(|| pg::SchemaGuard::new(&settings.database.url, &schema));
    let scheme = if settings.server.tls.enabled() {
        "https"
    } else {
        "http"
    };
    let server = Server::build(settings, true).await.expect("server builds");
    let address = format!("{scheme}://{}", server.local_addr().expect("addr"));
    let engine = server.engine().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        engine,
        data_dir,
        stop: Some(stop),
        task: Some(task),
        kept: KeptData {
            _dir: None,
            _schema: schema,
        },
    }
}

impl TestApp {
    /// Stops the server gracefully and waits for it (the database is closed afterwards).
    pub(crate) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server ran cleanly");
        }
    }

    /// Stops the server but keeps its data directory (and schema) for a restart.
    pub(crate) async fn stop_keeping_data(mut self) -> KeptData {
        let kept = std::mem::take(&mut self.kept);
        self.stop().await;
        kept
    }

    /// GET `path` and return status and body.
    pub(crate) async fn get(&self, path: &str) -> (u16, String) {
        let resp = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request");
        (resp.status().as_u16(), resp.text().await.expect("body"))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An agent of `account` as an engine caller, for tests that read through the engine directly
/// (reads do not use the login session).
pub(crate) fn agent_caller(
    account: &chatwire_engine::core::AccountId,
    agent: chatwire_engine::core::AgentId,
) -> chatwire_engine::Caller {
    chatwire_engine::Caller::Agent(agent_principal(account, agent))
}

/// An agent of `account` as the engine's agent principal (no login session).
pub(crate) fn agent_principal(
    account: &chatwire_engine::core::AccountId,
    agent: chatwire_engine::core::AgentId,
) -> chatwire_engine::AgentPrincipal {
    chatwire_engine::AgentPrincipal::for_tests(account, agent)
}

/// The seeded demo app key, as the visitor application holding it (visitor writes take one).
pub(crate) async fn demo_visitor(
    engine: &Engine,
    account: &chatwire_engine::core::AccountId,
) -> chatwire_engine::VisitorCaller {
    engine
        .visitor_caller(account, "demo-app-key")
        .await
        .expect("seeded app key")
}

/// A visitor line posted through the seeded demo app key, as the visitor application would.
pub(crate) async fn visitor_post(
    engine: &Engine,
    account: &chatwire_engine::core::AccountId,
    key: &chatwire_engine::core::ChatKey,
    line: chatwire_engine::LineInput,
) -> chatwire_store::Committed {
    let visitor = demo_visitor(engine, account).await;
    engine
        .visitor_post_line(&visitor, key, line)
        .await
        .expect("visitor line")
}
