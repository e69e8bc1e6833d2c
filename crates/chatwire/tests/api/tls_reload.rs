//! The real executable serving HTTPS from certificate files: replacing the files and sending
//! SIGHUP makes new connections get the new certificate, without a restart.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A self-signed certificate for 127.0.0.1 (its own root): `(cert PEM, key PEM)`.
fn certificate() -> (String, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("cert");
    (cert.cert.pem(), cert.key_pair.serialize_pem())
}

/// A client that trusts only `root`.
fn trusting(root: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(root.as_bytes()).expect("pem"))
        // A new connection per request: the point is what a new handshake sees.
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
}

fn write_pair(dir: &Path, (cert, key): &(String, String)) {
    // Written beside and renamed, as a certificate manager would, so no reader sees half.
    for (name, pem) in [("cert.pem", cert), ("key.pem", key)] {
        let tmp = dir.join(format!("{name}.new"));
        std::fs::write(&tmp, pem).expect("write");
        std::fs::rename(&tmp, dir.join(name)).expect("rename");
    }
}

#[tokio::test]
async fn after_sighup_new_connections_get_the_replaced_certificate() {
    // Arrange: a server on certificate A.
    let dir = tempfile::tempdir().expect("tmp");
    let (a, b) = (certificate(), certificate());
    write_pair(dir.path(), &a);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatwire"));
    for (k, _) in std::env::vars() {
        if k.starts_with("CHATWIRE") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .current_dir(dir.path())
        .args(["--data-dir", "data", "serve", "--listen", "127.0.0.1:0"])
        .args(["--tls-cert", "cert.pem", "--tls-key", "key.pem"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let (tx, rx) = mpsc::channel::<String>();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let url = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("server starts");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().expect("url").to_owned();
        }
    };
    let healthz = format!("{url}/healthz");
    let (trusts_a, trusts_b) = (trusting(&a.0), trusting(&b.0));
    assert!(trusts_a.get(&healthz).send().await.is_ok(), "A is served");
    assert!(trusts_b.get(&healthz).send().await.is_err(), "B is not yet");

    // Act: replace the files with B, then SIGHUP.
    write_pair(dir.path(), &b);
    let hup = Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(hup.success());
    let reloaded = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a reload line");
        if line.contains("TLS certificate reloaded") {
            break line;
        }
    };

    // Assert: new connections get B; the server is the same process, still serving.
    let with_b = trusts_b.get(&healthz).send().await;
    let with_a = trusts_a.get(&healthz).send().await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(reloaded.contains("SIGHUP"), "{reloaded}");
    assert_eq!(with_b.expect("B is served").status(), 200);
    assert!(with_a.is_err(), "A is no longer served");
}
