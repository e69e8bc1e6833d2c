//! Online backup and restore of the database file, with SQLite's backup API.
//!
//! [`backup`] may run in another process while a server writes: it copies the whole database
//! in one step inside one read transaction, and in WAL mode a reader sees a snapshot and never
//! blocks the writer. The copy is therefore the database exactly as committed when that read
//! began: every write acknowledged before the backup started is in it, none half-done, and
//! writes committed during the copy are not. The copy is written beside the destination and
//! renamed into place once complete and checked, so a crash never leaves a truncated backup
//! under the final name. The copy holds every chat and password hash, so it is created
//! readable by its owner only (mode 0600 on Unix), whatever the umask.
//!
//! [`restore`] replaces the database with a backup, refusing while anyone else has the
//! database open: it first takes SQLite's exclusive lock (`locking_mode=EXCLUSIVE`), which a
//! server's open connections prevent, and keeps it until the copy is complete.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::migrate;

/// How long a backup waits for a lock the server holds for an instant (a checkpoint).
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// What a backup or restore copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// The schema version of the copy.
    pub schema_version: u32,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Copies the live database at `db` to a new file `dest` (which must not exist).
pub fn backup(db: &Path, dest: &Path) -> anyhow::Result<Copied> {
    ensure!(db.exists(), "no database at {}", db.display());
    ensure!(
        !dest.exists(),
        "{} exists: choose a new file name (a backup never overwrites)",
        dest.display()
    );
    // Read-write without CREATE: a read-only connection cannot open a WAL database whose
    // server has exited (it needs the shared-memory file). Nothing is written through it.
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", db.display()))?;
    src.busy_timeout(LOCK_WAIT)?;
    let partial = partial_name(dest);
    // A leftover of an interrupted backup is ours to replace.
    let _ = std::fs::remove_file(&partial);
    let copied = (|| {
        create_private(&partial)?;
        let mut out = Connection::open(&partial)
            .with_context(|| format!("creating {}", partial.display()))?;
        copy_all(&src, &mut out)?;
        let copied = check(&out)?;
        out.close().map_err(|(_, e)| e)?;
        Ok::<_, anyhow::Error>(copied)
    })();
    let copied = match copied {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    sync_file(&partial)?;
    std::fs::rename(&partial, dest)
        .with_context(|| format!("renaming {} to {}", partial.display(), dest.display()))?;
    sync_parent(dest);
    Ok(Copied {
        bytes: std::fs::metadata(dest)?.len(),
        ..copied
    })
}

/// Replaces the database at `db` (created if missing) with the backup `source`; refuses while
/// the database is open elsewhere (a running server) and when `source` is not an intact
/// chatwire database this build can open.
pub fn restore(source: &Path, db: &Path) -> anyhow::Result<Copied> {
    ensure!(source.is_file(), "no backup file at {}", source.display());
    // `immutable`: read the backup as a plain file, creating no -wal or -shm beside it.
    let src = Connection::open_with_flags(
        format!("file:{}?immutable=1", uri_path(source)),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .with_context(|| format!("opening {}", source.display()))?;
    let from = check(&src).with_context(|| format!("checking {}", source.display()))?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut target = Connection::open(db).with_context(|| format!("opening {}", db.display()))?;
    // No waiting: a lock held now means a server (or another command) has the file open.
    target.busy_timeout(Duration::ZERO)?;
    target.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    // In exclusive locking mode the lock outlives the transaction that took it: it is held
    // until the connection closes, through the copy below.
    if let Err(e) = target.execute_batch("BEGIN EXCLUSIVE; COMMIT;") {
        if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy)
        ) {
            bail!(
                "{} is in use (a running chatwire server?): stop the server, then restore",
                db.display()
            );
        }
        return Err(e).with_context(|| format!("locking {}", db.display()));
    }
    copy_all(&src, &mut target)?;
    let copied = check(&target)?;
    ensure!(
        copied == from,
        "the restored database differs from the backup"
    );
    target.close().map_err(|(_, e)| e)?;
    sync_file(db)?;
    Ok(Copied {
        bytes: std::fs::metadata(db)?.len(),
        ..copied
    })
}

/// Copies every page of `src` into `dst` in one step (one read transaction: one snapshot),
/// retrying while a lock is held for an instant.
fn copy_all(src: &Connection, dst: &mut Connection) -> anyhow::Result<()> {
    let backup = Backup::new(src, dst).context("starting the copy")?;
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match backup.step(-1).context("copying")? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked
                if Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => bail!("the copy did not finish: {other:?}"),
        }
    }
}

/// An intact chatwire database this build can open: its integrity check passes and its schema
/// version is one this build knows.
fn check(conn: &Connection) -> anyhow::Result<Copied> {
    let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    ensure!(verdict == "ok", "the database is damaged: {verdict}");
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    ensure!(
        (1..=migrate::latest()).contains(&version),
        "not a chatwire database this version can open (schema version {version}, this build \
         knows 1 to {})",
        migrate::latest()
    );
    Ok(Copied {
        schema_version: version,
        bytes: 0,
    })
}

/// Creates `path` empty, readable and writable by its owner only (Unix; elsewhere the
/// platform's default). SQLite then takes the empty file as a new database, and its journal
/// inherits the file's mode.
fn create_private(path: &Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    Ok(())
}

/// `dest` + `.partial`.
fn partial_name(dest: &Path) -> PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// A path as the path part of an SQLite `file:` URI (`%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

fn sync_file(path: &Path) -> anyhow::Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", path.display()))
}

/// Makes the rename durable where the platform allows (best effort: not every file system
/// lets a directory be opened).
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &Path) -> PathBuf {
        let db = dir.join("chatwire.db");
        crate::migrate(&db).expect("migrated");
        db
    }

    #[test]
    fn a_backup_restores_into_a_new_place_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = database(dir.path());
        let file = dir.path().join("b.db");
        let made = backup(&db, &file).expect("backup");
        assert_eq!(made.schema_version, migrate::latest());
        assert!(backup(&db, &file).is_err(), "an existing file is kept");
        let restored = restore(&file, &dir.path().join("new").join("chatwire.db")).expect("ok");
        assert_eq!(restored.schema_version, made.schema_version);
    }

    #[cfg(unix)]
    #[test]
    fn a_backup_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        // Arrange: the usual umask (022) would leave a new file world-readable (0644); the
        // process umask is not changed here because other tests run in parallel threads.
        let dir = tempfile::tempdir().expect("tmp");
        let db = database(dir.path());
        let file = dir.path().join("private.db");

        // Act
        backup(&db, &file).expect("backup");

        // Assert
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {:o}", mode & 0o777);
    }

    #[test]
    fn restore_refuses_while_the_database_is_open_elsewhere() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = database(dir.path());
        let file = dir.path().join("b.db");
        backup(&db, &file).expect("backup");
        // An open store: SQLite's unix locks are tracked per file across the connections of a
        // process too, so this stands for a server in another process (the e2e test uses one).
        let store = crate::SqliteStore::open(&db).expect("open");
        let refused = restore(&file, &db).expect_err("in use");
        assert!(format!("{refused:#}").contains("in use"), "{refused:#}");
        drop(store);
        restore(&file, &db).expect("restores once closed");
    }

    #[test]
    fn restore_refuses_a_file_that_is_not_a_chatwire_database() {
        let dir = tempfile::tempdir().expect("tmp");
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"not a database").expect("write");
        let target = dir.path().join("chatwire.db");
        assert!(restore(&junk, &target).is_err());
        let empty = dir.path().join("empty.db");
        Connection::open(&empty)
            .expect("create")
            .execute_batch("CREATE TABLE t(x)")
            .expect("ddl");
        let err = restore(&empty, &target).expect_err("refused");
        assert!(
            format!("{err:#}").contains("not a chatwire database"),
            "{err:#}"
        );
    }
}
