//! Opening connections with the settings chatwire's guarantees rest on.
//!
//! - `journal_mode=WAL`: readers never block the writer nor the writer readers, and a commit is
//!   one append to the WAL instead of a rewrite of the pages in place.
//! - `synchronous=FULL`: the API answers 2xx only for writes that are on disk. In WAL mode FULL
//!   fsyncs the WAL at every commit; NORMAL (the usual advice, and what vaultwarden and Conduit
//!   use) fsyncs only at checkpoints, so a power loss can drop commits that clients were already
//!   told succeeded. The cost is one fsync per commit, which group commit (see `writer`) spreads
//!   over every write queued meanwhile.
//! - `busy_timeout=5s`: another process (say `chatwire migrate`) holding the write lock makes us
//!   wait rather than fail at once.
//! - `foreign_keys=ON`: SQLite leaves references unchecked unless asked, per connection.
//! - `wal_autocheckpoint=0` on the store's writer only: checkpoints run on their own thread
//!   (see `checkpoint`) instead of inside a commit that a batch of callers waits for.
//!
//! Readers open the file read-only, so a bug in a read path cannot write.

use std::path::Path;
use std::time::Duration;

use chatwire_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};

use crate::error;

/// How long a connection waits for a lock held by another connection before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements kept per connection. The crate has a few dozen distinct statements;
/// rusqlite's default of 16 would evict hot ones (the append path alone uses six).
const STATEMENT_CACHE: usize = 64;

/// Opens the read-write connection, creating the file (and its folder) if missing.
pub(crate) fn open_writer(path: &Path) -> StoreResult<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(anyhow::anyhow!("cannot create {}: {e}", dir.display()))
        })?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(error::sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(error::sql)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // journal_mode answers with the mode in force; anything but "wal" (e.g. a file system
    // without shared memory) would silently lose the reader/writer concurrency we rely on.
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(error::sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Other(anyhow::anyhow!(
            "{} cannot use WAL journaling (got {mode})",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL").map_err(error::sql)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(error::sql)?;
    Ok(conn)
}

/// Largest WAL file kept after the WAL restarts: a burst may grow it, and without a limit
/// SQLite never gives the space back. Large enough that steady load reuses it without
/// re-extending the file.
const WAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Turns off checkpoints inside COMMIT on the store's writer (the checkpoint thread runs them)
/// and bounds the WAL file kept between bursts.
pub(crate) fn no_auto_checkpoint(conn: &Connection) -> StoreResult<()> {
    conn.pragma_update(None, "wal_autocheckpoint", 0).map_err(error::sql)?;
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT).map_err(error::sql)
}

/// Opens the checkpoint thread's connection to an existing database. It writes only the
/// database file (copying committed WAL frames), so it keeps `synchronous=FULL` to fsync it.
pub(crate) fn open_checkpointer(path: &Path) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(error::sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(error::sql)?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(error::sql)?;
    Ok(conn)
}

/// Opens a read-only connection to a database the writer has already created.
pub(crate) fn open_reader(path: &Path) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(error::sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(error::sql)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}
