//! `[database]`: which store to open. SQLite in the data directory unless `url` names a
//! PostgreSQL server; every other scheme is refused.
//!
//! The URL may carry a password, so this module never lets it out: `Debug` and serialization
//! (what `check-config` prints) redact it, and no error message repeats the URL.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chatwire_store_postgres::PgOptions;
use serde::{Deserialize, Serialize};

/// Default PostgreSQL pool size per node.
const DEFAULT_POOL_SIZE: usize = 16;

/// `[database]`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Data directory (the SQLite file lives here).
    pub data_dir: String,
    /// Database URL: empty for the SQLite file in `data_dir`, `sqlite://PATH`, or
    /// `postgres://…` / `postgresql://…` (the scheme picks the backend). Redacted when printed.
    #[serde(serialize_with = "redacted_url")]
    pub url: String,
    /// PostgreSQL schema holding the tables (created if missing); empty for the role's default
    /// (usually `public`). Nodes of one deployment share it.
    pub schema: String,
    /// Most pooled PostgreSQL connections per node.
    pub pool_size: usize,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            data_dir: "./data".into(),
            url: String::new(),
            schema: String::new(),
            pool_size: DEFAULT_POOL_SIZE,
        }
    }
}

impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("data_dir", &self.data_dir)
            .field("url", &redact(&self.url))
            .field("schema", &self.schema)
            .field("pool_size", &self.pool_size)
            .finish()
    }
}

/// Which database to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL schema (its `Debug` redacts the password).
    Postgres(PgOptions),
}

impl DatabaseSettings {
    /// The database to open. Unknown schemes are refused loudly rather than guessed at.
    pub fn target(&self) -> anyhow::Result<DatabaseTarget> {
        let url = self.url.trim();
        if url.is_empty() {
            return Ok(DatabaseTarget::Sqlite(
                Path::new(&self.data_dir).join("chatwire.db"),
            ));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            return Ok(DatabaseTarget::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return self.postgres(url).map(DatabaseTarget::Postgres);
        }
        // Only the scheme is echoed: the rest may be a password.
        let scheme = url.split_once("://").map_or("(none)", |(s, _)| s);
        anyhow::bail!(
            "database.url must start with sqlite://, postgres:// or postgresql:// (got scheme {scheme:?})"
        )
    }

    fn postgres(&self, url: &str) -> anyhow::Result<PgOptions> {
        let schema = self.schema.trim();
        let schema = if schema.is_empty() {
            None
        } else {
            validate_schema(schema)?;
            Some(schema.to_owned())
        };
        anyhow::ensure!(self.pool_size > 0, "database.pool_size must be at least 1");
        let options = PgOptions {
            url: url.to_owned(),
            schema,
            pool_size: self.pool_size,
        };
        // Parsed here only to refuse a broken URL (or sslmode) at `check-config` time; the
        // driver's message names the bad part, never the password.
        options
            .check()
            .context("database.url is not a valid PostgreSQL URL")?;
        Ok(options)
    }
}

/// The store accepts only schema names that need no quoting; say so here, naming the setting,
/// rather than at connect time.
fn validate_schema(schema: &str) -> anyhow::Result<()> {
    let ok = schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    anyhow::ensure!(
        ok,
        "database.schema {schema:?} must be 1-63 of a-z, 0-9 and _, not starting with a digit"
    );
    Ok(())
}

/// Serializes the URL with its password replaced (what `check-config` prints).
fn redacted_url<S: serde::Serializer>(url: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&redact(url))
}

/// `url` with the password of its userinfo (`user:password@`) or a `password=` query parameter
/// replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).map_or(url.len(), |i| scheme_end + i);
    let mut out = url[..authority_end].to_owned();
    if let Some(at) = out[scheme_end..].rfind('@').map(|i| scheme_end + i)
        && let Some(colon) = out[scheme_end..at].find(':').map(|i| scheme_end + i)
    {
        out.replace_range(colon + 1..at, "***");
    }
    let tail = &url[authority_end..];
    match tail.split_once('?') {
        None => out.push_str(tail),
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            let pairs: Vec<&str> = query
                .split('&')
                .map(|p| {
                    if p.starts_with("password=") {
                        "password=***"
                    } else {
                        p
                    }
                })
                .collect();
            out.push_str(&pairs.join("&"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(url: &str) -> DatabaseSettings {
        DatabaseSettings {
            url: url.into(),
            ..DatabaseSettings::default()
        }
    }

    #[test]
    fn a_postgres_url_picks_postgres_with_the_schema_and_pool_size() {
        let mut s = pg("postgresql://chat@db:5432/chat");
        s.schema = "tenant_a".into();
        s.pool_size = 4;
        let DatabaseTarget::Postgres(options) = s.target().expect("target") else {
            panic!("not postgres");
        };
        assert_eq!(options.url, "postgresql://chat@db:5432/chat");
        assert_eq!(options.schema.as_deref(), Some("tenant_a"));
        assert_eq!(options.pool_size, 4);
        let DatabaseTarget::Postgres(options) = pg("postgres://db/x").target().expect("target")
        else {
            panic!("not postgres");
        };
        assert_eq!((options.schema, options.pool_size), (None, 16));
    }

    #[test]
    fn bad_postgres_settings_are_refused_naming_the_setting() {
        let mut bad_schema = pg("postgres://db/x");
        bad_schema.schema = "Bad-Name".into();
        let mut no_pool = pg("postgres://db/x");
        no_pool.pool_size = 0;
        let cases = [
            (pg("postgres://u:s3cret@db:notaport/x"), "database.url"),
            (bad_schema, "database.schema"),
            (no_pool, "database.pool_size"),
            (pg("mysql://u:s3cret@db/x"), "database.url"),
        ];
        for (settings, named) in cases {
            let err = format!("{:#}", settings.target().expect_err("refused"));
            assert!(err.contains(named), "{err}");
            assert!(!err.contains("s3cret"), "{err}");
        }
    }

    #[test]
    fn the_password_is_redacted_when_printed() {
        let s = pg("postgres://chat:s3cret@db:5432/chat?password=s3cret&sslmode=disable");
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("postgres://chat:***@db:5432/chat?password=***&sslmode=disable"),
            "{shown}"
        );
        let toml = toml::to_string(&s).expect("toml");
        assert!(!toml.contains("s3cret"), "{toml}");
        assert_eq!(redact("postgres://chat@db/chat"), "postgres://chat@db/chat");
        assert_eq!(redact(""), "");
    }
}
