//! TLS against a real PostgreSQL: a throwaway cluster of its own (never the shared server),
//! started with a certificate signed by a CA made here.
//!
//! Runs when PostgreSQL's server programs can be found (`pg_config --bindir`, `initdb` on the
//! PATH, or Debian's `/usr/lib/postgresql/*/bin`); prints SKIPPED otherwise. Run as root, it
//! runs the cluster as the `postgres` user (PostgreSQL refuses to run as root).

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

use crate::PgOptions;

/// Where `initdb` and `pg_ctl` are.
fn server_bin_dir() -> Option<PathBuf> {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let from_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let debian = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| {
            dirs.filter_map(Result::ok)
                .map(|d| d.path().join("bin"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    from_pg_config
        .into_iter()
        .chain(from_path)
        .chain(debian)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

fn uid_of(user: Option<&str>) -> Option<u32> {
    let out = Command::new("id").arg("-u").args(user).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .flatten()
}

/// A cluster in a temporary directory, stopped when dropped.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    /// As root: the postgres user's uid, to run the server programs as.
    run_as: Option<u32>,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match self.run_as {
            Some(_) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", "postgres", "--"]).arg(path);
                cmd
            }
            None => Command::new(path),
        }
    }

    fn give(&self, path: &Path) {
        if let Some(uid) = self.run_as {
            std::os::unix::fs::chown(path, Some(uid), None).expect("chown");
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// A CA (its PEM and key) named `name`.
fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate().expect("key");
    (params.self_signed(&key).expect("ca"), key)
}

/// Starts a cluster serving TLS with a certificate for 127.0.0.1 signed by the returned CA
/// (written to `ca.pem` in the returned directory), or `None` when it cannot be run here.
fn start() -> Option<(Cluster, PathBuf)> {
    let bin = server_bin_dir()?;
    let run_as = match uid_of(None)? {
        // As root: only with a postgres user and `runuser` to become it.
        0 => {
            Command::new("runuser").arg("--help").output().ok()?;
            Some(uid_of(Some("postgres"))?)
        }
        _ => None,
    };
    let dir = tempfile::tempdir().expect("tmp");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let dir_path = dir.path().to_path_buf();
    // The guard owns the directory: certificates and data outlive the server.
    let cluster = Cluster {
        bin,
        data: dir_path.join("data"),
        run_as,
        port,
        _dir: dir,
    };
    cluster.give(&dir_path);
    let (ca_cert, ca_key) = ca("chatwire test CA");
    let server_key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let server = params
        .signed_by(&server_key, &ca_cert, &ca_key)
        .expect("server cert");
    let (crt, key, ca_pem) = (
        dir_path.join("server.crt"),
        dir_path.join("server.key"),
        dir_path.join("ca.pem"),
    );
    std::fs::write(&crt, server.pem()).expect("crt");
    std::fs::write(&key, server_key.serialize_pem()).expect("key");
    std::fs::write(&ca_pem, ca_cert.pem()).expect("ca");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    for file in [&crt, &key, &ca_pem] {
        cluster.give(file);
    }
    let init = cluster
        .command("initdb")
        .arg("-D")
        .arg(&cluster.data)
        .args(["-U", "postgres", "-A", "trust", "--no-sync"])
        .output()
        .expect("initdb runs");
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let options = format!(
        "-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file={crt} \
         -c ssl_key_file={key} -c fsync=off",
        dir = dir_path.display(),
        crt = crt.display(),
        key = key.display(),
    );
    let started = cluster
        .command("pg_ctl")
        .arg("-D")
        .arg(&cluster.data)
        .arg("-l")
        .arg(dir_path.join("log"))
        .args(["-w", "-t", "60", "-o", &options, "start"])
        .output()
        .expect("pg_ctl runs");
    let log = std::fs::read_to_string(dir_path.join("log")).unwrap_or_default();
    assert!(started.status.success(), "{log}");
    Some((cluster, ca_pem))
}

/// Connects with `url` and asks the server whether this connection is encrypted.
async fn encrypted(url: &str) -> anyhow::Result<bool> {
    let options = PgOptions::new(url);
    let (client, connection) = options.pg_config()?.connect(options.tls()?).await?;
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

#[tokio::test]
async fn verify_full_with_the_servers_ca_connects_encrypted_and_a_wrong_ca_is_refused() {
    let Some((cluster, ca_pem)) = start() else {
        // Straight to stderr in one write: the harness swallows `println!`/`eprintln!` of a
        // passing test, and `.ci/run` collects `SKIPPED ` lines from the log.
        use std::io::Write as _;
        let _ = std::io::stderr().write_all(
            b"SKIPPED tls_tests: PostgreSQL's initdb/pg_ctl (or, as root, a postgres user and runuser) not found\n",
        );
        return;
    };
    let base = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
    let ca_path = ca_pem.display();

    // verify-full with the right CA: encrypted, through the pool and LISTEN path too.
    let verified = format!("{base}?sslmode=verify-full&sslrootcert={ca_path}");
    assert!(encrypted(&verified).await.expect("verify-full connects"));
    let version = crate::migrate(&PgOptions::new(verified.clone()))
        .await
        .expect("the store connects with verify-full");
    assert!(version > 0);

    // require and prefer encrypt too (without verifying); disable does not.
    assert!(
        encrypted(&format!("{base}?sslmode=require"))
            .await
            .expect("require")
    );
    assert!(
        encrypted(&format!("{base}?sslmode=prefer"))
            .await
            .expect("prefer")
    );
    assert!(!encrypted(&base).await.expect("no sslmode: no TLS"));
    assert!(
        !encrypted(&format!("{base}?sslmode=disable"))
            .await
            .expect("disable")
    );

    // A CA that did not sign the server's certificate: refused by verify-full and verify-ca.
    let (other, _) = ca("some other CA");
    let wrong = ca_pem.with_file_name("other-ca.pem");
    std::fs::write(&wrong, other.pem()).expect("write");
    for mode in ["verify-full", "verify-ca"] {
        let url = format!("{base}?sslmode={mode}&sslrootcert={}", wrong.display());
        let err = encrypted(&url)
            .await
            .expect_err("an unknown issuer is refused");
        assert!(
            format!("{err:#}").to_lowercase().contains("certificate"),
            "{err:#}"
        );
    }

    // verify-full checks the name; verify-ca only the chain ("localhost" is not on it).
    let by_name = format!(
        "postgres://postgres@localhost:{}/postgres?sslrootcert={ca_path}&sslmode=",
        cluster.port
    );
    assert!(
        encrypted(&format!("{by_name}verify-ca"))
            .await
            .expect("verify-ca")
    );
    assert!(encrypted(&format!("{by_name}verify-full")).await.is_err());
}
