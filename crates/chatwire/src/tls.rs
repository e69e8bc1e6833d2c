//! TLS: load a PEM certificate and key, or generate a self-signed certificate at start
//! (LivePerson clients hard-code https, so a local server needs one without ceremony).

use std::sync::Arc;

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

/// Keeps the type in the public API of this module without leaking rustls internals.
pub type Config = Arc<rustls::ServerConfig>;
