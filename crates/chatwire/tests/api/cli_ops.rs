//! The real `chatwire` executable as an operator meets it: `--help`, admin commands that will
//! not create a database by accident, one-line errors, and the access log.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn chatwire(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatwire"));
    cmd.current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env_remove("NO_COLOR");
    for (k, _) in std::env::vars() {
        if k.starts_with("CHATWIRE") {
            cmd.env_remove(k);
        }
    }
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_describes_the_program_and_sets_global_options_apart() {
    let dir = tempfile::tempdir().expect("tmp");
    let (ok, out, err) = run(chatwire(dir.path()).arg("--help"));
    assert!(ok, "{err}");
    assert!(
        out.starts_with("chatwire: a self-hosted live-chat server"),
        "{out}"
    );
    assert!(
        !out.contains("server binary: CLI"),
        "no crate description: {out}"
    );
    let global = out
        .find("Global options:")
        .expect("a global options heading");
    assert!(out[global..].contains("--data-dir"), "{out}");
    let (ok, out, _) = run(chatwire(dir.path()).args(["agent", "create", "--help"]));
    assert!(ok);
    let global = out
        .find("Global options:")
        .expect("heading in a subcommand");
    assert!(
        out[..global].contains("--login"),
        "command options first: {out}"
    );
    assert!(out[global..].contains("--config"), "{out}");
}

#[test]
fn admin_commands_refuse_to_create_a_database_unless_told_and_name_the_one_they_open() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("data").join("chatwire.db");

    // Without --create: refused, nothing created.
    let (ok, _, err) = run(chatwire(dir.path()).args(["account", "list"]));
    assert!(!ok);
    assert!(
        err.contains("no database at") && err.contains("--create"),
        "{err}"
    );
    assert!(!db.exists(), "nothing was created");

    // With --create: created, and said so.
    let (ok, _, err) = run(chatwire(dir.path()).args(["account", "create", "acme", "--create"]));
    assert!(ok, "{err}");
    assert!(err.contains("creating SQLite database"), "{err}");
    assert!(db.exists());

    // Afterwards: opened, named by its absolute path, and the answer alone on stdout.
    let (ok, out, err) = run(chatwire(dir.path()).args(["account", "list"]));
    assert!(ok, "{err}");
    let shown = std::path::absolute(&db).expect("absolute");
    assert!(
        err.contains(&format!("using SQLite database {}", shown.display())),
        "{err}"
    );
    assert_eq!(out, "acme\n");
}

#[test]
fn a_failed_command_prints_one_line_without_a_backtrace_unless_asked() {
    let dir = tempfile::tempdir().expect("tmp");
    let (ok, _, err) = run(chatwire(dir.path())
        .args(["account", "list"])
        .env("RUST_BACKTRACE", "1"));
    assert!(!ok);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: no database at"), "{err}");

    let (ok, _, err) = run(chatwire(dir.path())
        .args(["account", "list"])
        .env("RUST_BACKTRACE", "1")
        .env("CHATWIRE_BACKTRACE", "1"));
    assert!(!ok);
    assert!(err.contains("backtrace"), "asked for: {err}");
}

#[test]
fn the_access_log_is_plain_text_with_one_line_per_request_and_no_secrets() {
    // Arrange: a server logging to a pipe (not a terminal), compact format, default level.
    let dir = tempfile::tempdir().expect("tmp");
    let mut child = chatwire(dir.path())
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&log);
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().expect("log").push(line);
        }
    });
    let lines = || log.lock().expect("log").clone();
    let started = Instant::now();
    let url = loop {
        if let Some(url) = lines().iter().find_map(|l| {
            l.split("listening on ")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .map(str::to_owned)
        }) {
            break url;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{:?}", lines());
        std::thread::sleep(Duration::from_millis(50));
    };

    // Act: a chat request with the app key in the query and in Authorization, with an id.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (status, echoed) = runtime.block_on(async {
        let resp = reqwest::Client::new()
            .post(format!(
                "{url}/api/account/1000/chat/request.json?appKey=demo-app-key"
            ))
            .header("Authorization", "LivePerson appKey=demo-app-key")
            .header("X-Request-Id", "trace-42")
            .json(&serde_json::json!({"request": {"skill": "Sales"}}))
            .send()
            .await
            .expect("request");
        let echoed = resp.headers()["x-request-id"]
            .to_str()
            .expect("id")
            .to_owned();
        (resp.status().as_u16(), echoed)
    });
    let started = Instant::now();
    let access = loop {
        let found: Vec<String> = lines()
            .into_iter()
            .filter(|l| l.contains("chatwire::access"))
            .collect();
        if !found.is_empty() || started.elapsed() > Duration::from_secs(10) {
            break found;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = child.kill();
    let _ = child.wait();

    // Assert
    assert_eq!((status, echoed.as_str()), (201, "trace-42"));
    assert_eq!(access.len(), 1, "{access:?}");
    let line = &access[0];
    for part in [
        " INFO ",
        "method=POST",
        "route=/api/account/{account}/chat/request",
        "status=201",
        "ms=",
        "request_id=trace-42",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    let all = lines().join("\n");
    assert!(
        !all.contains('\u{1b}'),
        "no colour codes off a terminal: {all}"
    );
    assert!(!all.contains("demo-app-key"), "no secrets: {all}");
}
