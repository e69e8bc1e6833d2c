//! [`PgOptions`]: what a [`crate::PgStore`] connects to, and turning it into the driver's
//! connection settings (schema on the search path, timeouts, application name).
//!
//! The URL may hold a password, so `Debug` redacts it and no error message repeats the URL.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;

/// How long opening one connection may take before it counts as failed. A dead or unreachable
/// database must answer `Unavailable` quickly rather than hold requests for minutes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// TCP keepalive idle time: a peer that vanished without closing (a partition, a killed VM) is
/// noticed by the LISTEN connection, which otherwise only ever waits.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);

/// The application name connections report when the URL sets none.
const DEFAULT_APPLICATION_NAME: &str = "chatwire";
/// How long data the chat writer sent may stay unacknowledged before its connection counts as
/// lost (`TCP_USER_TIMEOUT`, where the OS has it): a database that vanished without closing
/// the connection fails the batch in seconds instead of the OS's ~15 minutes of retransmits.
const WRITER_TCP_USER_TIMEOUT: Duration = Duration::from_secs(10);
/// Between keepalive probes of the writer's idle connection, and how many go unanswered
/// before it counts as lost: with [`KEEPALIVE_IDLE`], a silent loss is found in ~45 s.
const WRITER_KEEPALIVE_INTERVAL: Duration = Duration::from_secs(5);
const WRITER_KEEPALIVE_RETRIES: u32 = 3;

/// Where and how a [`crate::PgStore`] connects.
#[derive(Clone, PartialEq, Eq)]
pub struct PgOptions {
    /// A libpq-style URL or key/value string, e.g. `postgres://chatwire@db:5432/chatwire`.
    /// `application_name` in it names this node's connections in `pg_stat_activity` (the
    /// LISTEN connection adds `-listener`).
    pub url: String,
    /// The schema every table lives in, created if missing and put first on each connection's
    /// `search_path`; `None` uses the role's default (usually `public`). Lowercase ASCII
    /// letters, digits and `_`, not starting with a digit, at most 63 bytes. Nodes that share
    /// a schema share one chat server; each test can use its own.
    pub schema: Option<String>,
    /// Most pooled connections this node opens (the LISTEN connection, the chat writer's and
    /// up to four for wake-up reads are extra).
    pub pool_size: usize,
}

impl PgOptions {
    /// Options for `url` with the default schema and a pool of 16 connections.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            schema: None,
            pool_size: 16,
        }
    }

    /// The driver settings for pooled connections: the URL plus our defaults and, when a
    /// schema is set, `search_path` in the startup packet (so it holds on every connection
    /// the pool ever opens, reconnects included, at no extra round trip).
    pub(crate) fn pg_config(&self) -> anyhow::Result<tokio_postgres::Config> {
        // Deliberately no `{e}` of the URL itself: it may carry a password.
        let (url, _) = crate::tls::split(&self.url)?;
        let mut config =
            tokio_postgres::Config::from_str(&url).context("the PostgreSQL URL does not parse")?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.keepalives(true).keepalives_idle(KEEPALIVE_IDLE);
        if config.get_application_name().is_none() {
            config.application_name(DEFAULT_APPLICATION_NAME);
        }
        if let Some(schema) = &self.schema {
            validate_schema(schema)?;
            let options = match config.get_options() {
                Some(existing) => format!("{existing} -c search_path={schema}"),
                None => format!("-c search_path={schema}"),
            };
            config.options(&options);
        }
        Ok(config)
    }
}

impl PgOptions {
    /// Checks the URL (TLS options included) and the schema without connecting; reads no
    /// file (a CA file named by `sslrootcert` is read at connect).
    pub fn check(&self) -> anyhow::Result<()> {
        self.pg_config().map(|_| ())
    }

    /// The TLS settings of the URL (`sslmode`, `sslrootcert`).
    pub fn tls_options(&self) -> anyhow::Result<crate::tls::TlsOptions> {
        crate::tls::split(&self.url).map(|(_, tls)| tls)
    }

    /// The TLS connector for the URL's `sslmode` and `sslrootcert`.
    pub(crate) fn tls(&self) -> anyhow::Result<crate::tls::MakeTls> {
        crate::tls::MakeTls::new(&self.tls_options()?)
    }
}

/// The settings of the dedicated LISTEN connection: the pool's, renamed `<name>-listener` so an
/// operator (or a test) can tell it apart in `pg_stat_activity`.
pub(crate) fn listener_config(pool: &tokio_postgres::Config) -> tokio_postgres::Config {
    renamed(pool, "listener")
}

/// The pool's settings with the application name `<name>-<role>`.
fn renamed(pool: &tokio_postgres::Config, role: &str) -> tokio_postgres::Config {
    let mut config = pool.clone();
    let name = pool
        .get_application_name()
        .unwrap_or(DEFAULT_APPLICATION_NAME);
    config.application_name(format!("{name}-{role}"));
    config
}

/// The settings of the chat writer's own connection (`batch`): the pool's, named
/// `<application name>-writer`, and quicker to give up on a database that stopped answering.
/// The writer takes its connection without a check (one round trip less per batch), so these
/// bound how long a silently lost connection can hold the node's writes.
pub(crate) fn writer_config(pool: &tokio_postgres::Config) -> tokio_postgres::Config {
    let mut config = renamed(pool, "writer");
    if pool.get_tcp_user_timeout().is_none_or(Duration::is_zero) {
        config.tcp_user_timeout(WRITER_TCP_USER_TIMEOUT);
    }
    if pool.get_keepalives_interval().is_none() {
        config.keepalives_interval(WRITER_KEEPALIVE_INTERVAL);
    }
    if pool.get_keepalives_retries().is_none() {
        config.keepalives_retries(WRITER_KEEPALIVE_RETRIES);
    }
    config
}

/// Accepts only names that need no quoting anywhere (search path, `CREATE SCHEMA`, the wake-up
/// payload), so no identifier is ever spliced into SQL unchecked.
fn validate_schema(schema: &str) -> anyhow::Result<()> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    anyhow::ensure!(
        ok,
        "schema {schema:?} must be 1-63 of a-z, 0-9 and _, not starting with a digit"
    );
    Ok(())
}

impl fmt::Debug for PgOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgOptions")
            .field("url", &redact(&self.url))
            .field("schema", &self.schema)
            .field("pool_size", &self.pool_size)
            .finish()
    }
}

/// The URL with any password replaced by `***` (URL userinfo and `password=` pairs).
fn redact(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            let start = scheme_end + 3 + colon + 1;
            let end = scheme_end + 3 + at;
            return format!("{}***{}", &url[..start], &url[end..]);
        }
        return url.to_owned();
    }
    url.split(' ')
        .map(|pair| {
            if pair.starts_with("password=") {
                "password=***"
            } else {
                pair
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_password() {
        let url = PgOptions::new("postgres://chat:s3cret@db:5432/chat?sslmode=disable");
        let kv = PgOptions::new("host=db user=chat password=s3cret dbname=chat");
        for options in [url, kv] {
            let shown = format!("{options:?}");
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
        let plain = format!("{:?}", PgOptions::new("postgres://chat@db/chat"));
        assert!(plain.contains("postgres://chat@db/chat"));
    }

    #[test]
    fn a_schema_that_would_need_quoting_is_refused() {
        for bad in [
            "",
            "Public",
            "a-b",
            "1abc",
            "x; DROP TABLE t",
            &"a".repeat(64),
        ] {
            assert!(validate_schema(bad).is_err(), "{bad:?}");
        }
        assert!(validate_schema("cw_test_01").is_ok());
    }

    #[test]
    fn the_schema_goes_on_the_search_path_of_every_connection() {
        let options = PgOptions {
            schema: Some("tenant_a".into()),
            ..PgOptions::new("postgres://u@localhost/db?options=-c%20statement_timeout%3D5s")
        };
        let config = options.pg_config().expect("config");
        assert_eq!(
            config.get_options(),
            Some("-c statement_timeout=5s -c search_path=tenant_a")
        );
        assert_eq!(config.get_application_name(), Some("chatwire"));
        let listener = listener_config(&config);
        assert_eq!(listener.get_application_name(), Some("chatwire-listener"));
        let writer = writer_config(&config);
        assert_eq!(writer.get_application_name(), Some("chatwire-writer"));
        assert_eq!(writer.get_options(), config.get_options());
        assert_eq!(
            writer.get_tcp_user_timeout(),
            Some(&WRITER_TCP_USER_TIMEOUT)
        );
        assert_eq!(
            writer.get_keepalives_retries(),
            Some(WRITER_KEEPALIVE_RETRIES)
        );
    }
}
