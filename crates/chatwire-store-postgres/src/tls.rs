//! TLS to PostgreSQL with rustls, configured the libpq way from the connection URL:
//! `sslmode` = `disable` (the default) | `prefer` | `require` | `verify-ca` | `verify-full`, and `sslrootcert` = a PEM file of trusted CAs (`system`, or absent, for the
//! Mozilla roots bundled in `webpki-roots`).
//!
//! Unlike libpq (whose default is `prefer`), a URL without `sslmode` does not use TLS: that is
//! what chatwire did before TLS existed (docs/operations.md says why it stays so for now). Ask
//! for TLS explicitly.
//!
//! As in libpq, `prefer` and `require` encrypt without checking who answers (they protect
//! against eavesdropping, not impersonation); `verify-ca` checks the certificate chain;
//! `verify-full` checks the chain and that the certificate names the host. Managed databases
//! want `require` at least; `verify-full` with the provider's CA is the safe choice.
//!
//! The driver (tokio-postgres) knows only `disable`, `prefer` and `require` and refuses keys it
//! does not know, so [`split`] takes `sslmode` and `sslrootcert` out of the URL and hands the
//! driver the mode it understands (`require` for the verifying modes).

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use anyhow::{Context as _, bail};
use futures::future::BoxFuture;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

use crate::tls_verify::{ChainOnly, Unverified};

/// `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS (the default when the URL names no `sslmode`).
    Disable,
    /// TLS when the server offers it, unverified.
    Prefer,
    /// TLS or no connection, unverified.
    Require,
    /// TLS, the certificate chain verified against the trusted CAs.
    VerifyCa,
    /// TLS, the chain verified and the certificate valid for the host name.
    VerifyFull,
}

/// The TLS part of a connection URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// The mode.
    pub mode: SslMode,
    /// A PEM file of trusted CAs; `None` for the bundled Mozilla roots.
    pub root_cert: Option<PathBuf>,
}

/// Splits `sslmode` and `sslrootcert` out of a URL (`postgres://…?k=v&…`) or a key/value string
/// (`host=… sslmode=…`); returns the URL the driver accepts and the TLS options.
pub(crate) fn split(url: &str) -> anyhow::Result<(String, TlsOptions)> {
    let mut mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: &str| -> anyhow::Result<bool> {
        match key {
            "sslmode" => {
                mode = Some(match value {
                    "disable" => SslMode::Disable,
                    "prefer" | "allow" => SslMode::Prefer,
                    "require" => SslMode::Require,
                    "verify-ca" => SslMode::VerifyCa,
                    "verify-full" => SslMode::VerifyFull,
                    other => bail!(
                        "sslmode {other:?} is not one of disable, prefer, require, verify-ca, verify-full"
                    ),
                });
                Ok(true)
            }
            "sslrootcert" => {
                root_cert = (value != "system").then(|| PathBuf::from(value));
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let rest = if let Some((base, query)) = url.split_once('?').filter(|_| url.contains("://")) {
        let mut kept = Vec::new();
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(key, &percent_decode(value))? {
                kept.push(pair);
            }
        }
        if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        }
    } else if url.contains("://") {
        url.to_owned()
    } else {
        let mut kept = Vec::new();
        for pair in url.split_whitespace() {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(key, value)? {
                kept.push(pair);
            }
        }
        kept.join(" ")
    };
    let mode = mode.unwrap_or(SslMode::Disable);
    let driver_mode = match mode {
        SslMode::Disable => "disable",
        SslMode::Prefer => "prefer",
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => "require",
    };
    let separator = match (rest.contains("://"), rest.contains('?')) {
        (true, true) => "&",
        (true, false) => "?",
        (false, _) => " ",
    };
    let url = format!("{rest}{separator}sslmode={driver_mode}");
    Ok((url, TlsOptions { mode, root_cert }))
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The connector the pool and the LISTEN connection use.
#[derive(Clone)]
pub(crate) struct MakeTls {
    config: Arc<ClientConfig>,
    verify_host: bool,
}

impl std::fmt::Debug for MakeTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MakeTls")
            .field("verify_host", &self.verify_host)
            .finish_non_exhaustive()
    }
}

impl MakeTls {
    /// A connector for `options` (reads the CA file, if any, now: a missing file fails at
    /// start, not at the first reconnect).
    pub(crate) fn new(options: &TlsOptions) -> anyhow::Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?;
        let verifier: Arc<dyn ServerCertVerifier> = match options.mode {
            SslMode::Disable | SslMode::Prefer | SslMode::Require => Arc::new(Unverified(provider)),
            SslMode::VerifyCa | SslMode::VerifyFull => {
                let roots = roots(options.root_cert.as_ref())?;
                let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .context("building the certificate verifier")?;
                if options.mode == SslMode::VerifyCa {
                    Arc::new(ChainOnly(webpki))
                } else {
                    webpki
                }
            }
        };
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Self {
            config: Arc::new(config),
            verify_host: options.mode == SslMode::VerifyFull,
        })
    }
}

/// The trusted CAs: the PEM file named, or the bundled Mozilla roots.
fn roots(file: Option<&PathBuf>) -> anyhow::Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    match file {
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                .map_err(|e| anyhow::anyhow!("reading sslrootcert {}: {e}", path.display()))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            anyhow::ensure!(
                added > 0,
                "sslrootcert {} holds no usable certificate",
                path.display()
            );
        }
    }
    Ok(roots)
}

impl<S> MakeTlsConnect<S> for MakeTls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = TlsStream<S>;
    type TlsConnect = Connect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<Connect> {
        let name = match ServerName::try_from(domain.to_owned()) {
            Ok(name) => name,
            // Only verify-full looks at the name; the others may use any placeholder (a Unix
            // socket path, say, never reaches TLS anyway).
            Err(_) if !self.verify_host => ServerName::try_from("postgres")
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?,
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidInput, e)),
        };
        Ok(Connect {
            config: Arc::clone(&self.config),
            name,
        })
    }
}

/// One connection's TLS handshake.
pub(crate) struct Connect {
    config: Arc<ClientConfig>,
    name: ServerName<'static>,
}

impl<S> TlsConnect<S> for Connect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = TlsStream<S>;
    type Error = io::Error;
    type Future = BoxFuture<'static, io::Result<TlsStream<S>>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            tokio_rustls::TlsConnector::from(self.config)
                .connect(self.name, stream)
                .await
                .map(TlsStream)
        })
    }
}

/// An encrypted connection.
pub(crate) struct TlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for TlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        // SCRAM channel binding needs the server certificate's hash by its signature
        // algorithm; without it SCRAM-SHA-256 (unbound) is used, as libpq does with
        // `channel_binding=prefer` when binding is unavailable.
        ChannelBinding::none()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifying_modes_and_the_ca_file_are_taken_out_of_a_url_for_the_driver() {
        let (url, tls) = split(
            "postgres://u@db:5432/chat?application_name=x&sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem",
        )
        .expect("parses");
        assert_eq!(
            url,
            "postgres://u@db:5432/chat?application_name=x&sslmode=require"
        );
        assert_eq!(tls.mode, SslMode::VerifyFull);
        assert_eq!(tls.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        let (url, tls) = split("host=db user=u sslmode=verify-ca").expect("parses");
        assert_eq!(url, "host=db user=u sslmode=require");
        assert_eq!((tls.mode, tls.root_cert), (SslMode::VerifyCa, None));
    }

    #[test]
    fn without_sslmode_there_is_no_tls_and_prefer_must_be_asked_for() {
        let (url, tls) = split("postgres://u@db/chat").expect("parses");
        assert_eq!(url, "postgres://u@db/chat?sslmode=disable");
        assert_eq!(tls.mode, SslMode::Disable);
        let (url, tls) = split("postgres://u@db/chat?sslmode=prefer").expect("parses");
        assert_eq!(url, "postgres://u@db/chat?sslmode=prefer");
        assert_eq!(tls.mode, SslMode::Prefer);
    }

    #[test]
    fn an_unknown_sslmode_is_refused_by_name() {
        let err = split("postgres://u@db/chat?sslmode=maybe").expect_err("refused");
        assert!(err.to_string().contains("maybe"), "{err}");
    }

    #[test]
    fn a_missing_ca_file_fails_when_the_connector_is_built() {
        let options = TlsOptions {
            mode: SslMode::VerifyFull,
            root_cert: Some(PathBuf::from("no/such/ca.pem")),
        };
        let err = MakeTls::new(&options).expect_err("refused");
        assert!(err.to_string().contains("sslrootcert"), "{err}");
    }
}
