//! Every admin command of the real `chatwire` executable against one SQLite database:
//! accounts, skills, agents (update, disable, enable, password, delete), app keys with
//! origins, and admin tokens. Each goes through the same engine use case as the admin API,
//! so the same rules hold (self-explanatory one-line errors for bad input).

use std::path::Path;
use std::process::Command;

fn chatwire(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatwire"));
    cmd.current_dir(dir).args(args).arg("--create");
    for (k, _) in std::env::vars() {
        if k.starts_with("CHATWIRE") {
            cmd.env_remove(k);
        }
    }
    let out = cmd.output().expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs a command that must succeed; returns its standard output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let (success, out, err) = chatwire(dir, args);
    assert!(success, "{args:?} failed: {err}");
    out
}

/// Runs a command that must fail; returns its standard error.
fn fails(dir: &Path, args: &[&str]) -> String {
    let (success, out, err) = chatwire(dir, args);
    assert!(!success, "{args:?} succeeded: {out}");
    err
}

#[test]
fn accounts_skills_and_agents_are_managed_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    ok(d, &["account", "create", "acme", "--name", "ACME"]);
    assert_eq!(ok(d, &["account", "show", "acme"]).trim(), "acme\tACME");
    assert_eq!(
        ok(d, &["account", "update", "acme", "--name", "ACME Inc."]).trim(),
        "acme\tACME Inc."
    );
    assert!(ok(d, &["account", "list"]).contains("acme"));

    ok(d, &["skill", "create", "--account", "acme", "Billing"]);
    ok(d, &["skill", "create", "--account", "acme", "Returns"]);
    assert!(
        ok(
            d,
            &[
                "skill",
                "update",
                "--account",
                "acme",
                "Returns",
                "--name",
                "Refunds"
            ]
        )
        .contains("Refunds")
    );
    assert!(ok(d, &["skill", "delete", "--account", "acme", "Refunds"]).contains("deleted skill"));
    assert!(!ok(d, &["skill", "list", "--account", "acme"]).contains("Refunds"));

    let err = fails(
        d,
        &[
            "agent",
            "create",
            "--account",
            "acme",
            "--login",
            "ann",
            "--password",
            "short",
        ],
    );
    assert!(err.contains("password"), "{err}");
    let err = fails(
        d,
        &[
            "agent",
            "create",
            "--account",
            "acme",
            "--login",
            "ann",
            "--password",
            "long-enough",
            "--skill",
            "Nope",
        ],
    );
    assert!(err.contains("skills"), "{err}");
    ok(
        d,
        &[
            "agent",
            "create",
            "--account",
            "acme",
            "--login",
            "ann",
            "--password",
            "long-enough",
            "--skill",
            "Billing",
        ],
    );
    let shown = ok(
        d,
        &[
            "agent",
            "update",
            "--account",
            "acme",
            "ann",
            "--max-chats",
            "5",
            "--admin",
            "true",
            "--nickname",
            "Annie",
        ],
    );
    assert!(
        shown.contains("maxChats=5") && shown.contains("Annie") && shown.contains("admin"),
        "{shown}"
    );
    assert!(ok(d, &["agent", "disable", "--account", "acme", "ann"]).contains("disabled"));
    assert!(ok(d, &["agent", "show", "--account", "acme", "ann"]).contains("disabled"));
    assert!(ok(d, &["agent", "enable", "--account", "acme", "ann"]).contains("enabled"));
    let generated = ok(d, &["agent", "password", "--account", "acme", "ann"]);
    assert!(generated.trim().len() >= 16, "{generated}");
    assert!(
        ok(
            d,
            &[
                "agent",
                "password",
                "--account",
                "acme",
                "ann",
                "--password",
                "chosen-pass"
            ]
        )
        .contains("password set")
    );
    let err = fails(
        d,
        &[
            "agent",
            "update",
            "--account",
            "acme",
            "ann",
            "--max-chats",
            "5000",
        ],
    );
    assert!(err.contains("maxChats"), "{err}");
    assert!(ok(d, &["agent", "delete", "--account", "acme", "ann"]).contains("deleted agent"));
    assert!(!ok(d, &["agent", "list", "--account", "acme"]).contains("ann"));
    let err = fails(d, &["agent", "show", "--account", "acme", "ann"]);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn app_keys_and_admin_tokens_are_managed_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    ok(d, &["account", "create", "acme"]);
    let key = ok(
        d,
        &[
            "app-key",
            "create",
            "--account",
            "acme",
            "--name",
            "shop",
            "--origin",
            "https://Shop.example.com",
        ],
    );
    let key = key.trim();
    let listed = ok(d, &["app-key", "list", "--account", "acme"]);
    assert!(
        listed.contains(key) && listed.contains("origins=https://shop.example.com"),
        "{listed}"
    );
    let err = fails(
        d,
        &[
            "app-key",
            "update",
            "--account",
            "acme",
            key,
            "--origin",
            "https://x.example/path",
        ],
    );
    assert!(err.contains("allowedOrigins"), "{err}");
    let updated = ok(
        d,
        &[
            "app-key",
            "update",
            "--account",
            "acme",
            key,
            "--feed",
            "true",
            "--no-origins",
        ],
    );
    assert!(
        updated.contains("feed=true") && updated.trim_end().ends_with("origins="),
        "{updated}"
    );
    ok(d, &["app-key", "revoke", "--account", "acme", key]);
    assert!(!ok(d, &["app-key", "list", "--account", "acme"]).contains(key));
    fails(d, &["app-key", "revoke", "--account", "acme", key]);

    let (success, token, err) = chatwire(d, &["admin-token", "create", "--name", "ops"]);
    assert!(success, "{err}");
    assert!(
        token.trim().starts_with("cwadm_") && token.trim().len() == 70,
        "{token}"
    );
    assert!(
        err.contains("server-wide") && err.contains("shown only now"),
        "{err}"
    );
    let scoped = ok(
        d,
        &[
            "admin-token",
            "create",
            "--account",
            "acme",
            "--name",
            "shop",
        ],
    );
    assert_ne!(scoped.trim(), token.trim());
    let listed = ok(d, &["admin-token", "list"]);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        !listed.contains("cwadm_"),
        "the tokens are never shown again: {listed}"
    );
    let shop = listed
        .lines()
        .find(|l| l.contains("\tacme\t"))
        .expect("account token");
    let id = shop.split('\t').next().expect("id");
    ok(d, &["admin-token", "revoke", id]);
    assert_eq!(ok(d, &["admin-token", "list"]).lines().count(), 1);
    fails(
        d,
        &[
            "admin-token",
            "create",
            "--account",
            "nosuch",
            "--name",
            "x",
        ],
    );
}
