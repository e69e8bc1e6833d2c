//! The chatwire server as a library, so tests launch exactly what the binary runs.
//!
//! Map: [`settings`] (configuration), [`cli`] (commands), [`tls`], [`telemetry`], [`demo`],
//! [`conn`] (connection limits) and [`Server`]: bind, then run until shutdown.

mod admin;
mod admin_agents;
pub mod admin_open;
pub mod backup;
pub mod cli;
pub mod cli_admin;
mod cli_app_logins;
mod cli_surveys;
mod cli_webhooks;
pub mod conn;
pub mod demo;
pub mod demo_surveys;
pub mod log_writer;
pub mod settings;
pub mod telemetry;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Extension;
use chatwire_api::base_url::ListenerScheme;
use chatwire_api::{AppState, app};
use chatwire_engine::Engine;
use chatwire_store::Store;

use crate::settings::{DatabaseTarget, Settings};

/// Opens the configured store, creating and migrating it as needed. The only place that knows
/// which backends exist.
///
/// PostgreSQL: connects (failing within seconds when the server is unreachable), creates the
/// schema if missing and applies migrations under an advisory lock, so several nodes may start
/// at once on one schema.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    match settings.database_target()? {
        DatabaseTarget::Sqlite(path) => {
            let store = chatwire_store_sqlite::SqliteStore::open(&path)
                .with_context(|| format!("opening SQLite database {}", path.display()))?;
            Ok(Arc::new(store))
        }
        DatabaseTarget::Postgres(options) => {
            // The context names the schema, never the URL (it may hold a password).
            let schema = options.schema.as_deref().unwrap_or("(default)");
            let store = chatwire_store_postgres::PgStore::connect(&options)
                .await
                .with_context(|| format!("opening PostgreSQL schema {schema}"))?;
            Ok(Arc::new(store))
        }
    }
}

/// A bound, not yet running server.
pub struct Server {
    listener: std::net::TcpListener,
    settings: Settings,
    engine: Engine,
    state: AppState,
}

impl Server {
    /// Opens the store, starts the engine (and seeds the demo account if asked), and binds the
    /// listener. Binding before running means callers know the port without sleeping.
    pub async fn build(settings: Settings, demo: bool) -> anyhow::Result<Self> {
        settings.validate()?;
        // One metrics registry per server: the store wrapper times store calls into it, the
        // HTTP layer records requests and serves it at `/metrics`.
        let metrics = chatwire_api::metrics::Metrics::new();
        let store: Arc<dyn Store> = Arc::new(chatwire_store::timed::Timed::new(
            open_store(&settings).await?,
            Arc::new(telemetry::StoreTimings(metrics.clone())),
        ));
        let engine = Engine::new(store, settings.engine_config()?);
        if demo {
            demo::seed(&engine)
                .await
                .context("seeding the demo account")?;
        }
        engine.start().await.context("starting the engine")?;
        engine.start_webhooks(Arc::new(chatwire_api::webhook_payloads::WebhookPayloads));
        let state = AppState::with_parts(
            engine.clone(),
            settings.http()?,
            settings.limits.request_limits(),
            metrics,
        );
        let listener = std::net::TcpListener::bind(&settings.server.listen)
            .with_context(|| format!("binding {}", settings.server.listen))?;
        listener.set_nonblocking(true)?;
        Ok(Self {
            listener,
            settings,
            engine,
            state,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The engine (tests drive it directly).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Serves until `shutdown` resolves, then stops accepting, releases long-polls and gives
    /// in-flight requests `shutdown_grace_secs` to finish.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let tls = tls::config(&self.settings.server.tls).await?;
        // Reloads the certificate on SIGHUP or file change while serving; stops with `run`.
        let _reload = tls
            .as_ref()
            .and_then(|config| tls::watch(config, &self.settings.server.tls));
        let scheme = ListenerScheme(if tls.is_some() { "https" } else { "http" });
        let router = app(self.state).layer(Extension(scheme));
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let grace = Duration::from_secs(self.settings.server.shutdown_grace_secs);
        let handle = axum_server::Handle::new();
        let engine = self.engine.clone();
        let stopper = handle.clone();
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down");
            engine.shutdown();
            stopper.graceful_shutdown(Some(grace));
        });
        // TCP_NODELAY (set by the acceptor): an answer hyper writes in more than one `write`
        // (headers and a large body, a body of several chunks) must not wait for the client's
        // delayed ACK (40 ms) before its last piece leaves (Nagle). Measured on the 50-chat
        // poll: 1.8k → 14k req/s.
        let fds = conn::raise_fd_limit();
        let cap = conn::connection_cap(self.settings.limits.max_connections, fds);
        tracing::info!(fd_soft_limit = ?fds, max_connections = cap, "connection limits");
        let limits = &self.settings.limits;
        let acceptor = conn::CappedAcceptor::new(cap, limits.header_read_timeout());
        let result = match tls {
            Some(config) => {
                let mut server = axum_server::from_tcp_rustls(self.listener, config)
                    .map(|tls| tls.acceptor(acceptor));
                conn::configure_http(server.http_builder(), limits);
                server.handle(handle).serve(service).await
            }
            None => {
                let mut server = axum_server::from_tcp(self.listener).acceptor(acceptor);
                conn::configure_http(server.http_builder(), limits);
                server.handle(handle).serve(service).await
            }
        };
        self.engine.shutdown();
        result.context("serving HTTP")
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
