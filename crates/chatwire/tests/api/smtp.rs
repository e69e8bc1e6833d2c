//! A real SMTP server for tests: Python's `aiosmtpd` on a free port, writing each message it
//! receives, decoded, to a JSON file the tests poll for.
//!
//! Needs a Python 3 that imports `aiosmtpd`: the interpreter named by `CHATWIRE_TEST_PYTHON`
//! (`.ci/run` creates a virtual environment with aiosmtpd and names its interpreter), else
//! `python3`. Nothing is installed here: the tests never touch the system's Python. Without
//! aiosmtpd the tests that need it print a `SKIPPED` line and pass, unless the variable named
//! an interpreter, which then must have it (the run asked for these tests).

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

/// The variable naming the Python interpreter the sink runs on.
pub(crate) const PYTHON_VAR: &str = "CHATWIRE_TEST_PYTHON";

/// The interpreter to run the sink with, and whether the caller named it.
fn python() -> (String, bool) {
    match std::env::var(PYTHON_VAR) {
        Ok(p) if !p.trim().is_empty() => (p, true),
        _ => ("python3".to_owned(), false),
    }
}

/// Whether the sink can run here, checked once per test binary. When it cannot, a test calls
/// this first and returns: this prints a `SKIPPED` line for it (to the stderr handle, past the
/// harness's capture) — or panics when `CHATWIRE_TEST_PYTHON` named an interpreter without
/// aiosmtpd, since then the run asked for these tests.
pub(crate) fn available() -> bool {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let outcome = CHECKED.get_or_init(|| {
        let (python, named) = python();
        let imports = Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        match (imports, named) {
            (true, _) => Ok(()),
            (false, true) => panic!(
                "{PYTHON_VAR}={python} cannot import aiosmtpd \
                 (install it there: {python} -m pip install aiosmtpd)"
            ),
            (false, false) => Err(format!(
                "needs Python's aiosmtpd: python3 cannot import it; set {PYTHON_VAR} to a \
                 Python that can (./.ci/run creates one in target/pyenv)"
            )),
        }
    });
    match outcome {
        Ok(()) => true,
        Err(why) => {
            use std::io::Write as _;
            let thread = std::thread::current();
            let test = thread.name().unwrap_or("a transcript test");
            // One write, so the line is not interleaved with other output.
            let line = format!("SKIPPED {test}: {why}\n");
            let _ = std::io::stderr().write_all(line.as_bytes());
            false
        }
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
    /// Starts the sink on `port` and waits (up to 30 s) until it listens. Call [`available`]
    /// first: this panics when the sink cannot start.
    pub(crate) fn start(port: u16) -> Self {
        let dir = tempfile::tempdir().expect("mailbox dir");
        let script = dir.path().join("sink.py");
        std::fs::write(&script, SINK).expect("write sink script");
        let mut child = Command::new(python().0)
            .arg(&script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the Python interpreter starts");
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
