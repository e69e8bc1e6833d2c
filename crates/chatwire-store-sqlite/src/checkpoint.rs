//! WAL checkpoints on their own thread, off the commit path.
//!
//! By default SQLite checkpoints inside the COMMIT that pushes the WAL past 1000 pages: that
//! commit copies the WAL into the database file and fsyncs it, and every write in its batch
//! waits for that. Here the writer's auto-checkpoint is off and this thread runs a `PASSIVE`
//! checkpoint on its own connection whenever the writer reports commits. PASSIVE never blocks
//! the writer or readers; it copies what it can. Keeping the WAL checkpointed also lets SQLite
//! restart it from the beginning, and overwriting an already-allocated WAL makes each commit's
//! fsync cheaper than extending the file (measured: median commit 0.65 ms vs 3 ms).
//!
//! If this thread falls behind or fails, nothing is lost: the WAL just grows until the next
//! successful checkpoint (and closing the last connection checkpoints it too).

use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use chatwire_store::{StoreError, StoreResult};
use crossbeam_channel::{Receiver, Sender, TrySendError};
use rusqlite::Connection;

use crate::conn;

/// Shortest pause between two checkpoints: a checkpoint fsyncs the database file, and running
/// them back to back would compete with commits for the disk.
const MIN_INTERVAL: Duration = Duration::from_millis(20);

/// Handle to the checkpoint thread; dropping it stops the thread (after the checkpoint under
/// way, if any).
pub(crate) struct Checkpointer {
    wake: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// What the writer holds to report commits.
#[derive(Clone)]
pub(crate) struct Nudge(Sender<()>);

impl Nudge {
    /// Tells the checkpointer there is new WAL content. Never blocks: one pending nudge is
    /// enough, so a full channel means there is nothing to add.
    pub(crate) fn send(&self) {
        match self.0.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
        }
    }
}

impl Checkpointer {
    /// Opens a connection to `path` (already created and migrated) and starts the thread.
    pub(crate) fn start(path: &Path) -> StoreResult<(Self, Nudge)> {
        let conn = conn::open_checkpointer(path)?;
        let (wake, nudges) = crossbeam_channel::bounded(1);
        let thread = std::thread::Builder::new()
            .name("chatwire-sqlite-checkpoint".into())
            .spawn(move || serve(&conn, &nudges))
            .map_err(|e| StoreError::Other(anyhow::anyhow!("cannot start the checkpointer: {e}")))?;
        let nudge = Nudge(wake.clone());
        Ok((Self { wake: Some(wake), thread: Some(thread) }, nudge))
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.wake.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the SQLite checkpoint thread panicked");
        }
    }
}

/// Checkpoints after each nudge, at most once per [`MIN_INTERVAL`]. Ends when every sender
/// (the handle and the writer's nudge) is gone.
fn serve(conn: &Connection, nudges: &Receiver<()>) {
    while nudges.recv().is_ok() {
        let outcome = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        });
        match outcome {
            Ok((wal, copied)) => tracing::trace!(wal.frames = wal, copied, "WAL checkpoint"),
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; will retry"),
        }
        std::thread::sleep(MIN_INTERVAL);
    }
}
