//! chatwire's SQLite backend: [`SqliteStore`], a [`chatwire_store::Store`] on one database file.
//!
//! The contract it keeps (from `chatwire_store`): a write that returns `Ok` is on disk; per-chat
//! event ids are contiguous and "first accept wins" under any number of concurrent callers;
//! global sequence numbers are handed out in commit order, so a reader never sees seq N+1
//! before N.
//!
//! How, in one paragraph: every write is a job sent over a channel to one OS thread that owns
//! the only read-write connection. That thread commits whatever is queued as one transaction
//! (one fsync, with `synchronous=FULL`), each job in its own savepoint so one refusal does not
//! sink its neighbours, and answers the jobs only after COMMIT. Reads use a small pool of
//! read-only connections on tokio's blocking threads and never wait for the writer (WAL).
//!
//! Map of the crate:
//! - `backup`: online backup and restore of the file (SQLite's backup API).
//! - `conn`: opening connections and the pragmas the guarantees rest on (WAL, FULL sync).
//! - `migrate`: the embedded schema (`migrations/*.sql`), versioned by `PRAGMA user_version`.
//! - `writer`: the writer thread, group commit, savepoints, replies after commit.
//! - `ops`: the write operations run inside the writer's transaction.
//! - `reader`: the read-only connection pool.
//! - `queries`: the SELECTs, shared by readers and the writer.
//! - `chat_query`: the session archive query (`Store::query_chats`) compiled to one SELECT
//!   with bound parameters over the chats columns of migration 0006.
//! - `rows`: rows to domain values and back (JSON columns, enums as text).
//! - `error`: rusqlite errors to `StoreError` (`Conflict`, `Unavailable`, `Other`).
//! - `history`: history search (FTS5), statistics' facts, offline messages, deletion and
//!   retention (migration 0009).
//! - `sessions`: the authentication sessions table.
//! - `app_logins`: bots' application logins (revoking also ends the bot's sessions).
//! - `surveys`: survey definitions and responses (JSON documents).
//! - `topics`: skill edits and deletes, SuperOffice topic settings (a JSON document per skill).
//! - `outbox`: the mail outbox (transcripts and staff notices owed, delivery attempts).
//! - `staff_mail`: staff addresses, offline-message notices, waiting alerts (migration 0013).
//! - `webhooks`: webhook subscriptions, their claims and dead letters (migration 0011).
//! - `store`: the `Store` impl, routing each method to the writer or the readers.
//!
//! One `SqliteStore` per file per process: the writer is the only one allowed to write there.
//! (A second process is tolerated, not fast: SQLite's lock serialises it, and the writer reads
//! the last sequence under that lock at each batch.)

mod account_events;
mod admin;
mod app_logins;
mod backup;
mod chat_cache;
mod chat_query;
mod chat_writes;
mod conn;
mod error;
mod history;
mod mailbox;
mod migrate;
#[cfg(test)]
mod migrate_revision_tests;
#[cfg(test)]
mod migrate_staff_mail_tests;
mod ops;
mod outbox;
mod queries;
mod reader;
mod rows;
mod sessions;
mod staff_mail;
mod store;
mod surveys;
mod topics;
mod webhooks;
mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chatwire_store::StoreResult;

pub use crate::backup::{Copied, backup, restore};
use crate::reader::Readers;
use crate::writer::Writer;

/// A [`chatwire_store::Store`] on one SQLite file; share it as `Arc<dyn Store>`.
///
/// Shutdown is `Drop`: dropping the store (the last `Arc`) closes the write queue, and the drop
/// returns once the writer thread has committed every write already queued and closed its
/// connection. Callers still awaiting those writes get their answers as usual. The file can be
/// reopened as soon as the drop returns.
pub struct SqliteStore {
    // Field order is drop order: the writer finishes before the read pool goes.
    writer: Writer,
    readers: Arc<Readers>,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating the file and its folder if missing) and migrates the database at `path`,
    /// then starts the writer thread.
    ///
    /// Errors: `Unavailable` if the file or folder cannot be created or opened, `Other` if the
    /// schema is from a newer chatwire or the file system cannot do WAL.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let mut conn = conn::open_writer(path)?;
        migrate::run(&mut conn)?;
        let readers = Readers::open(path.to_path_buf())?;
        let writer = Writer::start(conn)?;
        tracing::info!(db.path = %path.display(), "SQLite store open");
        Ok(Self {
            writer,
            readers,
            path: path.to_path_buf(),
        })
    }

    /// The database file this store writes.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Creates the database at `path` if missing and applies every pending migration, without
/// starting a store (the `chatwire migrate` command). Returns the schema version now in force.
/// Safe to run while a server has the file open: migrations take SQLite's write lock.
pub fn migrate(path: &Path) -> StoreResult<u32> {
    let mut conn = conn::open_writer(path)?;
    migrate::run(&mut conn)
}

/// The schema version this build of chatwire writes (the number of embedded migrations).
pub fn schema_version() -> u32 {
    migrate::latest()
}
