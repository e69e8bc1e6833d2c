//! Settings: defaults, layering, validation and secrets that must not be printed.

use std::path::PathBuf;
use std::time::Duration;

use super::*;

#[test]
fn the_example_config_parses_and_equals_the_defaults() {
    let parsed: Settings = toml::from_str(EXAMPLE).expect("example parses");
    assert_eq!(parsed, Settings::default());
}

#[test]
fn defaults_validate_and_use_sqlite_in_the_data_dir() {
    let s = Settings::default();
    s.validate().expect("valid");
    assert_eq!(
        s.database_target().expect("target"),
        DatabaseTarget::Sqlite(PathBuf::from("./data/chatwire.db"))
    );
}

#[test]
fn bad_values_are_refused_with_a_reason() {
    let mut s = Settings::default();
    s.server.listen = "nowhere".into();
    assert!(s.validate().is_err());
    let mut s = Settings::default();
    s.database.url = "mysql://x".into();
    assert!(s.validate().is_err());
    let mut s = Settings::default();
    s.server.trusted_proxies = vec!["not-an-ip".into()];
    assert!(s.validate().is_err());
    let mut s = Settings::default();
    s.server.tls.cert = "only-cert.pem".into();
    assert!(s.validate().is_err());
    let mut s = Settings::default();
    s.mail.from = "not a mailbox".into();
    assert!(s.validate().is_err());
    let mut s = Settings::default();
    s.mail.max_attempts = 0;
    assert!(s.validate().is_err());
}

#[test]
fn mail_settings_reach_the_engine_and_the_password_is_not_printed() {
    let mut s = Settings::default();
    s.mail.smtp_host = " smtp.example.com ".into();
    s.mail.smtp_port = 587;
    s.mail.starttls = true;
    s.mail.password = "hunter2".into();
    let mail = s.engine_config().expect("valid").mail;
    assert!(mail.enabled());
    assert_eq!(
        (mail.smtp_host.as_str(), mail.smtp_port),
        ("smtp.example.com", 587)
    );
    assert!(!format!("{s:?}").contains("hunter2"));
    assert!(!toml::to_string(&s).expect("toml").contains("hunter2"));
    assert!(
        !Settings::default()
            .engine_config()
            .expect("valid")
            .mail
            .enabled()
    );
}

#[test]
fn a_file_and_the_environment_layer_over_defaults() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[server]\nlisten = \"127.0.0.1:9999\"\n[engine]\ntail_window = 64\n",
    )
    .expect("write");
    let s = Settings::load(Some(&path)).expect("load");
    assert_eq!(s.server.listen, "127.0.0.1:9999");
    assert_eq!(s.engine.tail_window, 64);
    assert_eq!(s.log, LogSettings::default());
    std::fs::write(&path, "[server]\nlisen = \"typo\"\n").expect("write");
    assert!(
        Settings::load(Some(&path)).is_err(),
        "unknown keys are errors, not silently ignored"
    );
}

#[test]
fn agent_liveness_settings_reach_the_engine() {
    let d = Settings::default().engine_config().expect("defaults");
    assert_eq!(d.agent_idle_timeout, Duration::from_secs(60));
    assert_eq!(d.requeue_after, Duration::from_secs(120));
    let s: Settings = toml::from_str("[agents]\nidle_timeout_secs = 90\nrequeue_after_secs = 0\n")
        .expect("parses");
    let config = s.engine_config().expect("valid");
    assert_eq!(config.agent_idle_timeout, Duration::from_secs(90));
    assert_eq!(config.requeue_after, Duration::ZERO, "0 keeps chats");
}

#[test]
fn visitor_keys_and_account_transfers_are_checked_at_start() {
    let key = |algorithm: &str, key: &str| VisitorKeySettings {
        account: "1000".into(),
        algorithm: algorithm.into(),
        key: key.into(),
        ..VisitorKeySettings::default()
    };
    let secret = "0123456789abcdef0123456789abcdef";
    let mut s = Settings::default();
    s.auth.visitor_keys = vec![key("HS256", secret)];
    let config = s.engine_config().expect("an HS256 secret of 32 bytes");
    assert_eq!(config.visitor_keys.len(), 1);
    for bad in [
        vec![key("none", secret)],
        vec![key("HS256", "short")],
        vec![key("RS256", "not a PEM key")],
        vec![key("HS256", secret), key("HS256", secret)],
        vec![VisitorKeySettings {
            key_file: "somewhere.pem".into(),
            ..key("HS256", secret)
        }],
    ] {
        let mut s = Settings::default();
        s.auth.visitor_keys = bad;
        assert!(s.engine_config().is_err());
    }
    let pair = |from: &str, to: &str| AccountTransferSettings {
        from: from.into(),
        to: to.into(),
    };
    let mut s = Settings::default();
    s.engine.account_transfers = vec![pair("1000", "2000")];
    assert_eq!(s.engine_config().expect("pair").account_transfers.len(), 1);
    for bad in [pair("1000", "1000"), pair("1000", "not valid!")] {
        let mut s = Settings::default();
        s.engine.account_transfers = vec![bad];
        assert!(s.engine_config().is_err());
    }
}
