//! `--spawn`: starts `chatwire serve --demo --listen 127.0.0.1:0` over a fresh temporary data
//! directory, reads the address it bound from its JSON log, and kills it when dropped.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result, anyhow, bail};

/// A running `chatwire` child process.
pub(crate) struct Spawned {
    child: Child,
    /// `http://127.0.0.1:port`.
    pub(crate) url: String,
    // Removed after the child is gone (fields drop after `Drop::drop`).
    _data: tempfile::TempDir,
}

impl Spawned {
    /// The server's process id (for `/proc` figures).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _gone = self.child.kill();
        let _reaped = self.child.wait();
    }
}

/// The `chatwire` executable: `explicit`, else the one next to this executable (both are built
/// into `target/release`), else `target/release/chatwire` under the current directory.
pub(crate) fn chatwire_binary(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_owned());
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("chatwire")));
    let candidates = beside
        .into_iter()
        .chain([PathBuf::from("target/release/chatwire")]);
    for c in candidates {
        if c.is_file() {
            return Ok(c);
        }
    }
    bail!(
        "no chatwire executable found: run `cargo build --release -p chatwire` or pass --chatwire-bin"
    )
}

/// Starts the server; `data_parent` is where the temporary data directory goes (default: the
/// system temp dir, which must be a real disk for fsync figures to mean anything).
pub(crate) fn spawn(bin: &Path, data_parent: Option<&Path>) -> Result<Spawned> {
    let data = match data_parent {
        Some(p) => tempfile::Builder::new()
            .prefix("chatwire-bench-")
            .tempdir_in(p)?,
        None => tempfile::Builder::new()
            .prefix("chatwire-bench-")
            .tempdir()?,
    };
    let mut child = Command::new(bin)
        .arg("--data-dir")
        .arg(data.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("CHATWIRE__LOG__FORMAT", "json")
        // Provisioning opens up to thousands of chats from one address with one app key, far
        // past the default chat request limits; the throttle stays on (set
        // CHATWIRE__THROTTLE__ENABLED=false to compare without it).
        .env("CHATWIRE__THROTTLE__CHAT_REQUESTS_PER_ADDRESS", "1000000")
        .env("CHATWIRE__THROTTLE__CHAT_REQUESTS_PER_APP_KEY", "1000000")
        // (e) parks 10,000 polls beside the agent's and the writer's connections: past the
        // default cap of 10,000 (the server still lowers it to its descriptor limit).
        .env("CHATWIRE__LIMITS__MAX_CONNECTIONS", "1000000")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let Some(line) = lines.next() else {
            let status = child.wait()?;
            bail!("chatwire exited ({status}) before listening");
        };
        if let Some(url) = listen_url(&line?) {
            break url;
        }
    };
    // Keep draining the log so the child never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok(Spawned {
        child,
        url,
        _data: data,
    })
}

/// The URL in chatwire's `chatwire listening on http://…` log line, if this is that line.
pub(crate) fn listen_url(line: &str) -> Option<String> {
    let pos = line.find("listening on http://")?;
    let rest = &line[pos + "listening on ".len()..];
    rest.split(|c: char| c == '"' || c.is_whitespace())
        .next()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listen_line_gives_the_url() {
        let line = r#"{"timestamp":"…","level":"INFO","fields":{"message":"chatwire listening on http://127.0.0.1:41234","addr":"127.0.0.1:41234"}}"#;
        assert_eq!(listen_url(line).as_deref(), Some("http://127.0.0.1:41234"));
        assert_eq!(listen_url(r#"{"fields":{"message":"migrated"}}"#), None);
    }
}
