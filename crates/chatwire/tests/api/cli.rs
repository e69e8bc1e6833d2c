//! The real `chatwire` executable: config commands, layering, admin commands, refusal of bad
//! configuration.

use std::process::Command;

fn chatwire(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatwire"));
    cmd.current_dir(dir).env_remove("RUST_LOG");
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
fn default_config_prints_the_documented_example() {
    let dir = tempfile::tempdir().expect("tmp");
    let (ok, out, _) = run(chatwire(dir.path()).arg("default-config"));
    assert!(ok);
    assert!(out.contains("listen = \"127.0.0.1:8080\""));
    assert_eq!(out, chatwire::settings::EXAMPLE);
}

#[test]
fn environment_overrides_the_file_and_flags_override_both() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("c.toml"),
        "[server]\nlisten = \"127.0.0.1:7000\"\n[engine]\ntail_window = 32\n",
    )
    .expect("write");
    let (ok, out, err) = run(chatwire(dir.path())
        .args([
            "--config",
            "c.toml",
            "--data-dir",
            "/srv/chat",
            "check-config",
        ])
        .env("CHATWIRE__SERVER__LISTEN", "0.0.0.0:7001"));
    assert!(ok, "{err}");
    assert!(out.contains("listen = \"0.0.0.0:7001\""), "{out}");
    assert!(out.contains("tail_window = 32"), "{out}");
    assert!(out.contains("data_dir = \"/srv/chat\""), "{out}");
}

#[test]
fn invalid_configuration_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let (ok, _, err) = run(chatwire(dir.path())
        .arg("check-config")
        .env("CHATWIRE__DATABASE__URL", "mysql://nope"));
    assert!(!ok);
    assert!(err.contains("database.url"), "{err}");
}

#[test]
fn admin_commands_create_what_serve_then_uses() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = |args: &[&str]| {
        let mut c = chatwire(dir.path());
        c.args(["--data-dir", "data"]).args(args);
        c
    };
    assert!(run(&mut d(&["migrate"])).0);
    assert!(run(&mut d(&["account", "create", "acme", "--name", "ACME"])).0);
    assert!(run(&mut d(&["skill", "create", "--account", "acme", "Billing"])).0);
    let (ok, out, err) = run(d(&[
        "agent",
        "create",
        "--account",
        "acme",
        "--login",
        "ann",
        "--max-chats",
        "3",
        "--skill",
        "Billing",
    ])
    .env("CHATWIRE_AGENT_PASSWORD", "s3cret-pw"));
    assert!(ok, "{err}");
    assert!(out.contains("created agent"));
    let (ok, key, _) = run(&mut d(&["app-key", "create", "--account", "acme"]));
    assert!(ok);
    assert_eq!(key.trim().len(), 32, "a random 16-byte hex key");
    let (_, agents, _) = run(&mut d(&["agent", "list", "--account", "acme"]));
    assert!(
        agents.contains("ann") && agents.contains("maxChats=3"),
        "{agents}"
    );
    let (ok, _, err) = run(&mut d(&["skill", "create", "--account", "acme", "billing"]));
    assert!(
        !ok && err.contains("exists"),
        "duplicate skills are refused: {err}"
    );
    let (ok, _, err) = run(&mut d(&["account", "create", "bad id!"]));
    assert!(!ok && err.contains("account id"), "{err}");
}

#[test]
fn check_config_accepts_postgres_and_never_prints_the_password() {
    let dir = tempfile::tempdir().expect("tmp");
    let (ok, out, err) = run(chatwire(dir.path())
        .args(["--database-schema", "chat_prod", "check-config"])
        .env(
            "CHATWIRE__DATABASE__URL",
            "postgres://chat:s3cret@db:5432/chat",
        )
        .env("CHATWIRE__DATABASE__POOL_SIZE", "32"));
    assert!(ok, "{err}");
    assert!(
        !out.contains("s3cret") && !err.contains("s3cret"),
        "{out}{err}"
    );
    assert!(out.contains("postgres://chat:***@db:5432/chat"), "{out}");
    assert!(
        out.contains("schema = \"chat_prod\"") && out.contains("pool_size = 32"),
        "{out}"
    );
    let (ok, _, err) = run(chatwire(dir.path())
        .args(["--database-schema", "Not-Valid", "check-config"])
        .env("CHATWIRE__DATABASE__URL", "postgres://chat:s3cret@db/chat"));
    assert!(!ok && err.contains("database.schema"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn migrate_and_admin_commands_work_on_a_postgres_schema() {
    let Some(url) = crate::helpers::pg::url() else {
        crate::helpers::pg::say_skipped();
        return;
    };
    let schema = crate::helpers::pg::fresh_schema();
    let _drop = crate::helpers::pg::SchemaGuard::new(&url, &schema);
    let dir = tempfile::tempdir().expect("tmp");
    let d = |args: &[&str]| {
        let mut c = chatwire(dir.path());
        c.args(["--database-url", &url, "--database-schema", &schema])
            .args(args);
        c
    };
    let (ok, out, err) = run(&mut d(&["migrate"]));
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("schema {schema} is at schema version")),
        "{out}"
    );
    assert!(
        run(&mut d(&["migrate"])).0,
        "migrating twice changes nothing"
    );
    assert!(run(&mut d(&["account", "create", "acme", "--name", "ACME"])).0);
    let (ok, accounts, err) = run(&mut d(&["account", "list"]));
    assert!(ok && accounts.contains("acme"), "{accounts}{err}");
    assert!(
        !dir.path().join("data").exists(),
        "nothing written to a data directory"
    );
}
