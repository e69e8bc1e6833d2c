//! A real SMTP server for tests: Python's `aiosmtpd` on a free port, writing each message it
//! receives, decoded, to a JSON file the tests poll for.
//!
//! Needs `python3` with `aiosmtpd` (installed with pip on first use if missing; `.ci/run`
//! installs it up front). Without them the tests that use it fail with a message saying so.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

/// The SMTP sink: accepts every message and writes it, decoded, to `<dir>/<n>.json`
/// (written under a temporary name, then renamed, so a reader never sees half a file). Prints
/// READY once listening; exits when its stdin closes (the test ended, however it ended).
const SINK: &str = r#"
import email, email.policy, json, os, sys, time
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]

class Sink:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        plain = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        doc = {
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "plain": plain.get_content() if plain else None,
            "html": html.get_content() if html else None,
        }
        name = "%d-%d" % (time.time_ns(), os.getpid())
        tmp = os.path.join(out, "." + name + ".tmp")
        with open(tmp, "w") as f:
            json.dump(doc, f)
        os.rename(tmp, os.path.join(out, name + ".json"))
        return "250 Message accepted for delivery"

controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
"#;

/// Checks once per test binary that `python3 -c "import aiosmtpd"` works, installing aiosmtpd
/// with pip if it does not.
pub(crate) fn ensure_aiosmtpd() {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let importable = || {
        Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let outcome = CHECKED.get_or_init(|| {
        if importable() {
            return Ok(());
        }
        let _ = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "aiosmtpd"])
            .status();
        if importable() {
            Ok(())
        } else {
            Err("these tests need python3 with aiosmtpd \
                 (python3 -m pip install aiosmtpd); it is missing and could not be installed"
                .to_owned())
        }
    });
    if let Err(why) = outcome {
        panic!("{why}");
    }
}

/// A free local port (bound, then released for the SMTP server to take).
pub(crate) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A running `aiosmtpd` sink and the folder it writes to.
pub(crate) struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts the sink on `port` and waits (up to 30 s) until it listens.
    pub(crate) fn start(port: u16) -> Self {
        ensure_aiosmtpd();
        let dir = tempfile::tempdir().expect("mailbox dir");
        let script = dir.path().join("sink.py");
        std::fs::write(&script, SINK).expect("write sink script");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if line.trim() == "READY" => Self { child, dir },
            other => {
                let _ = child.kill();
                panic!("the aiosmtpd sink did not start on port {port}: {other:?}")
            }
        }
    }

    /// Every message received so far, oldest first.
    pub(crate) fn messages(&self) -> Vec<Value> {
        read_mailbox(self.dir.path())
    }

    /// Polls until at least `n` messages arrived; panics after `within`.
    pub(crate) async fn wait_for(&self, n: usize, within: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {n} messages within {within:?}, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn read_mailbox(dir: &Path) -> Vec<Value> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("read mailbox")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json"))
        .collect()
}
