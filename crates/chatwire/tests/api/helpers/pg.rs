//! PostgreSQL for the end-to-end tests: whether the suite runs on it (`CHATWIRE_TEST_PG_URL`),
//! a schema per server (or per group of nodes), and dropping it afterwards.
//!
//! A test server's schema is named after its data directory, so a restart over the same
//! directory finds the same data, exactly as with SQLite; every other test gets its own.

use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable that points the suite at a PostgreSQL database (trust or password in the URL).
pub(crate) const URL_VAR: &str = "CHATWIRE_TEST_PG_URL";

/// Every schema the suite creates starts with this, so leftovers are easy to find and drop.
pub(crate) const SCHEMA_PREFIX: &str = "cw_e2e_";

/// The test database URL, when the suite runs on PostgreSQL.
pub(crate) fn url() -> Option<String> {
    std::env::var(URL_VAR).ok().filter(|u| !u.trim().is_empty())
}

/// Says a PostgreSQL-only test is skipped, where a person running `cargo test` sees it: the
/// harness captures `eprintln!` of passing tests, but not writes to the stderr handle itself.
/// The harness names each test's thread after the test.
pub(crate) fn say_skipped() {
    use std::io::Write as _;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a PostgreSQL test");
    // One write, so the line is not interleaved with other output.
    let line = format!(
        "SKIPPED {test}: needs PostgreSQL; set {URL_VAR}=postgres://user@host:5432/db to run it\n"
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// The schema of the server over `data_dir` (the same for a restart over it).
pub(crate) fn schema_for(data_dir: &Path) -> String {
    let mut h = DefaultHasher::new();
    data_dir.hash(&mut h);
    format!("{SCHEMA_PREFIX}{:016x}", h.finish())
}

/// A schema name no other test (in this or a concurrent run) uses.
pub(crate) fn fresh_schema() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let mut h = DefaultHasher::new();
    std::process::id().hash(&mut h);
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
        .hash(&mut h);
    N.fetch_add(1, Ordering::Relaxed).hash(&mut h);
    format!("{SCHEMA_PREFIX}{:016x}", h.finish())
}

/// `url` with its `host:port` replaced by `host_port` (to go through a proxy).
pub(crate) fn via(url: &str, host_port: &str) -> String {
    let (start, end) = authority_host(url);
    format!("{}{host_port}{}", &url[..start], &url[end..])
}

/// The `host:port` `url` connects to (port 5432 when it names none).
pub(crate) fn host_port(url: &str) -> String {
    let (start, end) = authority_host(url);
    let hp = &url[start..end];
    let hp = if hp.is_empty() { "localhost" } else { hp };
    if hp
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        hp.to_owned()
    } else {
        format!("{hp}:5432")
    }
}

/// Byte range of `host[:port]` in a `scheme://[userinfo@]host[:port][/db][?query]` URL.
fn authority_host(url: &str) -> (usize, usize) {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host_start = rest[..authority_end].rfind('@').map_or(0, |i| i + 1);
    (scheme_end + host_start, scheme_end + authority_end)
}

/// Drops its schema (best effort) when dropped.
pub(crate) struct SchemaGuard {
    url: String,
    schema: String,
}

impl SchemaGuard {
    /// Guards `schema` of the database at `url`.
    pub(crate) fn new(url: &str, schema: &str) -> Self {
        Self {
            url: url.to_owned(),
            schema: schema.to_owned(),
        }
    }
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        // Drop runs outside async context (maybe while panicking, maybe inside a test's
        // runtime): use a thread with its own small runtime. Failure only leaves a schema.
        let (url, schema) = (self.url.clone(), self.schema.clone());
        let cleanup = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok((client, connection)) =
                    tokio_postgres::connect(&url, tokio_postgres::NoTls).await
                else {
                    return;
                };
                tokio::spawn(connection);
                // A server still shutting down may hold a lock for a moment; never hang on it.
                let sql =
                    format!("SET lock_timeout = '5s'; DROP SCHEMA IF EXISTS {schema} CASCADE");
                if let Err(e) = client.batch_execute(&sql).await {
                    eprintln!("could not drop test schema {schema}: {e}");
                }
            });
        });
        drop(cleanup.join());
    }
}

#[test]
fn a_url_is_pointed_at_a_proxy_keeping_credentials_database_and_options() {
    let url = "postgres://u:p@db.example:6543/test?sslmode=disable";
    assert_eq!(host_port(url), "db.example:6543");
    assert_eq!(
        via(url, "127.0.0.1:1"),
        "postgres://u:p@127.0.0.1:1/test?sslmode=disable"
    );
    assert_eq!(
        host_port("postgres://postgres@127.0.0.1/test"),
        "127.0.0.1:5432"
    );
}
