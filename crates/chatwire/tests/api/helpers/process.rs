//! Real `chatwire serve --demo` processes (the compiled binary), for what an in-process server
//! cannot show: kill -9, and several nodes sharing one PostgreSQL schema.
//!
//! A [`Database`] is where nodes keep their data: the suite's backend (SQLite in a temporary
//! directory, or a fresh PostgreSQL schema), or PostgreSQL only. A [`Node`] is one process over
//! it; dropping it kills the process.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use super::pg;

/// Where nodes keep their data; dropping it deletes the directory and drops the schema.
pub(crate) struct Database {
    dir: tempfile::TempDir,
    /// `(url, schema)` when on PostgreSQL.
    pg: Option<(String, String)>,
    _schema: Option<pg::SchemaGuard>,
}

impl Database {
    /// The backend the rest of the suite uses.
    pub(crate) fn same_as_suite() -> Self {
        match pg::url() {
            Some(url) => Self::on_postgres(url),
            None => Self {
                dir: tempfile::tempdir().expect("temp dir"),
                pg: None,
                _schema: None,
            },
        }
    }

    /// A fresh PostgreSQL schema, or `None` when the suite has no PostgreSQL (the caller skips).
    pub(crate) fn postgres() -> Option<Self> {
        pg::url().map(Self::on_postgres)
    }

    fn on_postgres(url: String) -> Self {
        let schema = pg::fresh_schema();
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            _schema: Some(pg::SchemaGuard::new(&url, &schema)),
            pg: Some((url, schema)),
        }
    }

    /// The PostgreSQL schema nodes use, when on PostgreSQL.
    pub(crate) fn pg_schema(&self) -> Option<&str> {
        self.pg.as_ref().map(|(_, schema)| schema.as_str())
    }

    /// The PostgreSQL URL nodes connect to.
    pub(crate) fn pg_url(&self) -> Option<&str> {
        self.pg.as_ref().map(|(url, _)| url.as_str())
    }

    /// `chatwire serve --demo` on a free port over this database, through `pg_url` instead of
    /// the database's own URL when given. Not yet listening: see [`Starting::wait`].
    pub(crate) fn spawn(&self, pg_url: Option<&str>) -> Starting {
        self.spawn_with_env(pg_url, &[])
    }

    /// [`Database::spawn`] with extra `CHATWIRE__…` settings in the environment.
    pub(crate) fn spawn_with_env(&self, pg_url: Option<&str>, env: &[(&str, &str)]) -> Starting {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatwire"));
        for (k, _) in std::env::vars() {
            if k.starts_with("CHATWIRE__") {
                cmd.env_remove(k);
            }
        }
        cmd.args(["--data-dir", self.dir.path().to_str().expect("utf-8 path")])
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .env("CHATWIRE__LOG__FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd.envs(env.iter().copied());
        if let Some((url, schema)) = &self.pg {
            cmd.env("CHATWIRE__DATABASE__URL", pg_url.unwrap_or(url))
                .env("CHATWIRE__DATABASE__SCHEMA", schema)
                .env("CHATWIRE__DATABASE__POOL_SIZE", "8");
        }
        Starting(cmd.spawn().expect("spawn chatwire"))
    }

    /// One node, started and listening.
    pub(crate) fn start(&self) -> Node {
        self.spawn(None).wait()
    }
}

/// A spawned node that has not said it listens yet (start several, then wait for each).
pub(crate) struct Starting(Child);

impl Starting {
    /// Reads the node's log until it listens; panics with the log if it exits first.
    pub(crate) fn wait(self) -> Node {
        let mut child = self.0;
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        let url = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                panic!("chatwire exited before listening:\n{}", seen.join("\n"));
            };
            if let Some(pos) = line.find("listening on http://") {
                let rest = &line[pos + "listening on ".len()..];
                break rest
                    .split(|c: char| c == '"' || c.is_whitespace())
                    .next()
                    .expect("url")
                    .to_owned();
            }
            seen.push(line);
        };
        // Keep draining the log so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Node { child, url }
    }
}

/// A running `chatwire` process; killed (SIGKILL) when dropped.
pub(crate) struct Node {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) url: String,
}

impl Node {
    /// The process id (to read its memory in `/proc`).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL (std's `Child::kill` on Unix), then reap.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}
