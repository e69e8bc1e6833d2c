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
//! - Checkpoints stay SQLite's default (inside the COMMIT that takes the WAL past 1000 pages).
//!   We measured a dedicated checkpoint thread running `PASSIVE` checkpoints: it made appends
//!   ~25% slower (its fsyncs of the database file compete with the WAL fsyncs of commits), so
//!   the simpler default stays. `journal_size_limit` only bounds the WAL file kept after a burst.
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
/// rusqlite's default of 16 would evict hot ones (a line append alone uses eight).
const STATEMENT_CACHE: usize = 64;

/// Largest WAL file kept after the WAL restarts: a burst may grow it, and without a limit
/// SQLite never gives the space back. Large enough that steady load reuses it without
/// re-extending the file.
const WAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

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
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(error::sql)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(error::sql)?;
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)
        .map_err(error::sql)?;
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
