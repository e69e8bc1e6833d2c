//! `spawn_app()` and [`TestApp`]: a real server on 127.0.0.1:0 over a fresh SQLite file.

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
    /// The data directory (kept alive by `_dir` unless given by the caller).
    pub(crate) data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    _dir: Option<tempfile::TempDir>,
}

/// Settings for a test server over `data_dir`.
pub(crate) fn test_settings(data_dir: &Path) -> Settings {
    let mut s = Settings::default();
    s.server.listen = "127.0.0.1:0".into();
    s.server.shutdown_grace_secs = 2;
    s.database.data_dir = data_dir.to_string_lossy().into_owned();
    s
}

/// Starts a demo server over a fresh temporary directory.
pub(crate) async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_path_buf();
    let mut app = spawn_with(test_settings(&path)).await;
    app._dir = Some(dir);
    app
}

/// Starts a demo server with these settings.
pub(crate) async fn spawn_with(settings: Settings) -> TestApp {
    let data_dir = PathBuf::from(&settings.database.data_dir);
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
        _dir: None,
    }
}

impl TestApp {
    /// Stops the server gracefully and waits for it (the SQLite file is closed afterwards).
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

    /// Stops the server but keeps its data directory for a restart.
    pub(crate) async fn stop_keeping_data(mut self) -> Option<tempfile::TempDir> {
        let dir = self._dir.take();
        self.stop().await;
        dir
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
