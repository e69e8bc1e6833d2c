//! The read side: a small pool of read-only connections used on tokio's blocking threads.
//!
//! Reads never go through the writer: in WAL mode a reader sees the last committed snapshot
//! without waiting for (or delaying) a commit in progress, so long-poll reads and the feed do
//! not queue behind fsyncs. Because the writer replies only after COMMIT, a caller that got a
//! write's answer reads that write on any connection here.
//!
//! rusqlite connections are blocking, so every read runs in `spawn_blocking`. The pool keeps up
//! to [`MAX_IDLE`] connections; when all are busy another is opened (cheap: no network, a file
//! open and a few pragmas) and dropped afterwards if the pool is full again.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use chatwire_store::{StoreError, StoreResult};
use rusqlite::Connection;

use crate::conn;

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 4;

/// The pool of read connections to one database file.
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    /// A pool for `path`, with one connection opened now so a bad file fails at open time.
    pub(crate) fn open(path: PathBuf) -> StoreResult<Arc<Self>> {
        let first = conn::open_reader(&path)?;
        Ok(Arc::new(Self {
            path,
            idle: Mutex::new(vec![first]),
        }))
    }

    /// Runs `read` on a pooled connection on a blocking thread.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, read: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || pool.with_connection(read))
            .await
            .map_err(|e| StoreError::Other(anyhow::anyhow!("read task failed: {e}")))?
    }

    fn with_connection<T>(
        &self,
        read: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        // A poisoned lock only means another read panicked while holding the Vec; the
        // connections in it are still sound, so keep using them.
        let pooled = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => conn::open_reader(&self.path)?,
        };
        let result = read(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        result
    }
}
