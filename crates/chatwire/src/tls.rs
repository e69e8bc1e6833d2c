//! TLS: load a PEM certificate and key, or generate a self-signed certificate at start
//! (LivePerson clients hard-code https, so a local server needs one without ceremony).
//!
//! A certificate from files is reloaded without a restart ([`watch`]): on SIGHUP, and when
//! either file changes (checked every [`WATCH_INTERVAL`]), so a renewal (certbot, cert-manager)
//! takes effect by itself. New connections get the new certificate; open ones keep theirs. A
//! reload that fails (a half-written file) keeps the previous certificate and says so.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use axum_server::tls_rustls::RustlsConfig;

use crate::settings::TlsSettings;

/// Builds the rustls configuration, or `None` when TLS is off.
pub async fn config(tls: &TlsSettings) -> anyhow::Result<Option<RustlsConfig>> {
    if !tls.enabled() {
        return Ok(None);
    }
    // One process-wide provider; ignore "already installed" on repeated launches (tests).
    let _ = rustls::crypto::ring::default_provider().install_default();
    if tls.self_signed {
        let names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        let cert = rcgen::generate_simple_self_signed(names)
            .context("generating a self-signed certificate")?;
        let config = RustlsConfig::from_pem(
            cert.cert.pem().into_bytes(),
            cert.key_pair.serialize_pem().into_bytes(),
        )
        .await
        .context("loading the self-signed certificate")?;
        tracing::warn!(
            "serving HTTPS with a self-signed certificate for localhost; clients must not verify it"
        );
        return Ok(Some(config));
    }
    let config = RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .with_context(|| {
            format!(
                "loading TLS certificate {:?} and key {:?}",
                tls.cert, tls.key
            )
        })?;
    Ok(Some(config))
}

/// How often the certificate and key files are checked for a change.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(10);

/// Reloads `config` from the configured files on SIGHUP or when they change, until dropped.
/// `None` when there is nothing to reload (TLS off, or a self-signed certificate).
pub fn watch(config: &RustlsConfig, tls: &TlsSettings) -> Option<Watcher> {
    if !tls.enabled() || tls.self_signed {
        return None;
    }
    let (config, cert, key) = (config.clone(), tls.cert.clone(), tls.key.clone());
    Some(Watcher(tokio::spawn(async move {
        reload_loop(&config, &cert, &key).await;
    })))
}

/// The reload task; stops when dropped (when the server stops).
#[derive(Debug)]
pub struct Watcher(tokio::task::JoinHandle<()>);

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn reload_loop(config: &RustlsConfig, cert: &str, key: &str) {
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut tick = tokio::time::interval(WATCH_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut loaded = stamp(cert, key);
    loop {
        #[cfg(unix)]
        let hup = async {
            match hangup.as_mut() {
                Some(signal) => signal.recv().await,
                None => std::future::pending().await,
            }
        };
        #[cfg(not(unix))]
        let hup = std::future::pending::<Option<()>>();
        let why = tokio::select! {
            _ = hup => "SIGHUP",
            _ = tick.tick() => {
                if stamp(cert, key) == loaded {
                    continue;
                }
                "the files changed"
            }
        };
        // Stamp before reading: a change during the reload is seen at the next check.
        let seen = stamp(cert, key);
        match config.reload_from_pem_file(cert, key).await {
            Ok(()) => {
                loaded = seen;
                tracing::info!(cert, "TLS certificate reloaded ({why})");
            }
            Err(e) => tracing::warn!(
                cert,
                error = %e,
                "TLS certificate reload failed ({why}); serving the previous certificate"
            ),
        }
    }
}

/// What identifies a version of the two files: modification times and sizes.
type Stamp = Option<[(SystemTime, u64); 2]>;

fn stamp(cert: &str, key: &str) -> Stamp {
    let one = |p: &str| {
        let meta = std::fs::metadata(Path::new(p)).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    };
    Some([one(cert)?, one(key)?])
}

/// Keeps the type in the public API of this module without leaking rustls internals.
pub type Config = Arc<rustls::ServerConfig>;
