//! The single writer: one OS thread owns the only read-write connection and commits queued
//! writes in groups.
//!
//! Why one thread: SQLite allows one writer at a time anyway; funnelling every write through one
//! connection turns lock contention (`SQLITE_BUSY`, retries, 5 s stalls) into a queue, and lets
//! the global sequence be handed out in commit order without any lock.
//!
//! Why group commit: with `synchronous=FULL` every COMMIT is an fsync, a few hundred microseconds
//! to milliseconds. The writer blocks for one job, then drains whatever queued up meanwhile (up
//! to [`MAX_BATCH`]) and commits all of it in one transaction, one fsync. Under load the batch
//! grows by itself; an idle server still commits a lone write at once.
//!
//! Isolation inside a batch: each job runs in its own `SAVEPOINT`. A job that fails (a domain
//! refusal, a conflict) is rolled back to its savepoint alone and gets its error; the others go
//! on. Jobs later in the batch see the effects of earlier ones, exactly as if they had committed
//! one by one.
//!
//! Replies go out only after COMMIT has returned: an `Ok` is never sent for a write that is not
//! yet durable. If COMMIT (or the batch's BEGIN) fails, every job of the batch gets the failure.
//!
//! A caller that stops waiting (its request was cancelled) does not cancel its job: the write
//! still commits, the reply is simply dropped.
//!
//! The queue is unbounded on purpose: senders are async tasks, and a bounded crossbeam send
//! would block a runtime thread. Back-pressure comes from the callers themselves, each of which
//! awaits its reply before sending the next write.

use std::panic::AssertUnwindSafe;
use std::thread::JoinHandle;

use chatwire_store::{StoreError, StoreResult};
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::chat_cache::ChatCache;
use crate::error;

/// Most jobs committed by one transaction: bounds the latency a job can add to the ones queued
/// with it, and the size of the WAL frame set one commit writes.
const MAX_BATCH: usize = 512;

/// What a job sees: the write connection inside the open transaction, the global sequence, and
/// the decoded chats this writer wrote last.
pub(crate) struct WriteCx<'c> {
    /// The write connection; a transaction and the job's savepoint are open on it.
    pub(crate) conn: &'c Connection,
    /// The last `GlobalSeq` handed out; a job that appends events advances it.
    pub(crate) last_seq: i64,
    /// Decoded chats kept between jobs and batches (validated by revision before each use).
    pub(crate) chats: &'c mut ChatCache,
}

/// A queued write, type-erased so one channel carries every kind of operation.
trait Job: Send {
    /// Runs the work; `true` if it succeeded and its savepoint should be kept.
    fn run(&mut self, cx: &mut WriteCx<'_>) -> bool;
    /// Sends the reply once the batch's fate is known (`Err` carries the batch failure).
    fn finish(self: Box<Self>, batch: Result<(), &str>);
}

type Work<T> = Box<dyn FnOnce(&mut WriteCx<'_>) -> StoreResult<T> + Send>;

struct Pending<T> {
    work: Option<Work<T>>,
    outcome: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T: Send> Job for Pending<T> {
    fn run(&mut self, cx: &mut WriteCx<'_>) -> bool {
        let outcome = match self.work.take() {
            // A panic in one job (a bug in a decision) must not take the writer thread, and
            // with it every later write, down: it becomes this job's error and is rolled back.
            Some(work) => std::panic::catch_unwind(AssertUnwindSafe(|| work(cx)))
                .unwrap_or_else(|_| Err(StoreError::Other(anyhow::anyhow!("write job panicked")))),
            None => Err(StoreError::Other(anyhow::anyhow!("write job ran twice"))),
        };
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn finish(self: Box<Self>, batch: Result<(), &str>) {
        let reply = match (batch, self.outcome) {
            (Ok(()), Some(outcome)) => outcome,
            (Ok(()), None) => Err(StoreError::Other(anyhow::anyhow!("write job never ran"))),
            (Err(why), _) => Err(StoreError::Unavailable(anyhow::anyhow!("{why}"))),
        };
        // The caller may have gone away (request cancelled); the write stands regardless.
        let _ = self.reply.send(reply);
    }
}

/// The handle to the writer thread. Dropping it closes the queue; the thread commits what is
/// already queued, then exits, and the drop waits for that (see [`Drop`] below).
pub(crate) struct Writer {
    queue: Option<Sender<Box<dyn Job>>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread on `conn` (already migrated).
    pub(crate) fn start(conn: Connection) -> StoreResult<Self> {
        crate::history::index::create_stage(&conn)?;
        let (queue, jobs) = crossbeam_channel::unbounded::<Box<dyn Job>>();
        let thread = std::thread::Builder::new()
            .name("chatwire-sqlite-writer".into())
            .spawn(move || serve(&conn, &jobs))
            .map_err(|e| StoreError::Other(anyhow::anyhow!("cannot start the writer: {e}")))?;
        Ok(Self {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Queues `work`, waits for its batch to commit, and returns its result.
    pub(crate) async fn run<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteCx<'_>) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Pending {
            work: Some(Box::new(work)),
            outcome: None,
            reply,
        });
        let queue = self.queue.as_ref().ok_or_else(error::writer_gone)?;
        queue.send(job).map_err(|_| error::writer_gone())?;
        answer.await.map_err(|_| error::writer_gone())?
    }
}

impl Drop for Writer {
    /// Waits for the thread so that, once a `SqliteStore` is dropped, every write it accepted is
    /// committed and the file can be reopened by a new store whose writer starts from the true
    /// last sequence. The wait is bounded by the jobs already queued; the thread needs no async
    /// runtime, so blocking here cannot deadlock it.
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the SQLite writer thread panicked");
        }
    }
}

/// The thread's loop: block for one job, drain the queue into a batch, commit, repeat. Ends
/// when every `Sender` is gone and the queue is empty.
fn serve(conn: &Connection, jobs: &Receiver<Box<dyn Job>>) {
    let mut chats = ChatCache::default();
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        let fate = commit_batch(conn, &mut chats, &mut batch);
        if let Err(why) = &fate {
            tracing::error!(batch.size = batch.len(), error = %why, "SQLite write batch failed");
        }
        for job in batch {
            job.finish(fate.as_ref().map(|_| ()).map_err(String::as_str));
        }
    }
}

/// Runs every job of `batch` in one transaction. `Err` means nothing was committed.
fn commit_batch(
    conn: &Connection,
    chats: &mut ChatCache,
    batch: &mut [Box<dyn Job>],
) -> Result<(), String> {
    exec(conn, "BEGIN IMMEDIATE")?;
    match run_jobs(conn, chats, batch).and_then(|()| exec(conn, "COMMIT")) {
        Ok(()) => Ok(()),
        Err(why) => {
            // The cache may hold chats as this batch wrote them; none of that is on disk.
            chats.clear();
            // A failed COMMIT may leave the transaction open (e.g. SQLITE_BUSY); some errors
            // roll back on their own. Either way the connection must end up in autocommit.
            if !conn.is_autocommit()
                && let Err(e) = exec(conn, "ROLLBACK")
            {
                tracing::error!(error = %e, "ROLLBACK after a failed batch failed");
            }
            Err(why)
        }
    }
}

fn run_jobs(
    conn: &Connection,
    chats: &mut ChatCache,
    batch: &mut [Box<dyn Job>],
) -> Result<(), String> {
    // Read the last seq under the write lock instead of trusting a counter kept across batches:
    // it is one B-tree seek per batch (nothing next to the fsync), nothing needs restoring after
    // a failed commit, and a second process writing the same file cannot make us reuse a seq.
    let last_seq: i64 = conn
        // One counter for both logs (chat and account events): the max over both. high_water
        // keeps the numbers of deleted events (a deletion never hands them out again).
        .prepare_cached(
            "SELECT MAX(COALESCE((SELECT MAX(seq) FROM chat_events), 0),
                        COALESCE((SELECT MAX(seq) FROM account_events), 0),
                        COALESCE((SELECT value FROM high_water WHERE name = 'seq'), 0))",
        )
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(|e| e.to_string())?;
    let mut cx = WriteCx {
        conn,
        last_seq,
        chats,
    };
    for job in batch.iter_mut() {
        exec(conn, "SAVEPOINT job")?;
        let before = cx.last_seq;
        let kept = job.run(&mut cx);
        // Before any `?` below: a failed RELEASE fails the batch, which clears the cache.
        cx.chats.end_job(kept);
        if kept {
            exec(conn, "RELEASE job")?;
        } else {
            // Undo this job alone, and give back the seqs it may have taken.
            exec(conn, "ROLLBACK TO job")?;
            exec(conn, "RELEASE job")?;
            cx.last_seq = before;
        }
    }
    // The batch's lines enter the search index in one statement (`history::index`).
    crate::history::index::flush_stage(conn).map_err(|e| format!("search index: {e}"))
}

fn exec(conn: &Connection, sql: &str) -> Result<(), String> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute([]))
        .map(drop)
        .map_err(|e| format!("{sql}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{conn, migrate};

    fn start() -> (tempfile::TempDir, Writer) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("w.db");
        let mut conn = conn::open_writer(&path).expect("open");
        migrate::run(&mut conn).expect("migrate");
        (dir, Writer::start(conn).expect("writer"))
    }

    fn insert_account(cx: &WriteCx<'_>, id: &str) -> StoreResult<()> {
        cx.conn
            .execute(
                "INSERT INTO accounts (id, name, created_at) VALUES (?1, 'n', 0)",
                [id],
            )
            .map(drop)
            .map_err(error::sql)
    }

    #[tokio::test]
    async fn a_failing_job_is_undone_alone_and_gives_back_its_seqs() {
        // Arrange
        let (_dir, writer) = start();

        // Act: polled together, so usually one batch; the outcome must not depend on it.
        let (failed, kept) = tokio::join!(
            writer.run(|cx| {
                insert_account(cx, "gone")?;
                cx.last_seq += 5;
                Err::<(), _>(StoreError::Conflict("refused".into()))
            }),
            writer.run(|cx| {
                insert_account(cx, "kept")?;
                Ok(cx.last_seq)
            }),
        );

        // Assert
        assert!(matches!(failed, Err(StoreError::Conflict(_))));
        assert_eq!(
            kept.expect("kept"),
            0,
            "the failed job's seqs were handed back"
        );
        let ids = writer
            .run(|cx| {
                let mut stmt = cx
                    .conn
                    .prepare("SELECT id FROM accounts")
                    .map_err(error::sql)?;
                let rows = stmt
                    .query_map([], |r| r.get::<_, String>(0))
                    .map_err(error::sql)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(error::sql)
            })
            .await
            .expect("read");
        assert_eq!(ids, vec!["kept".to_owned()]);
    }

    #[tokio::test]
    async fn a_panicking_job_fails_alone_and_the_writer_lives_on() {
        let (_dir, writer) = start();
        let boom = writer.run(|_| -> StoreResult<()> { panic!("bug") }).await;
        assert!(matches!(boom, Err(StoreError::Other(_))));
        assert!(writer.run(|cx| insert_account(cx, "after")).await.is_ok());
    }

    #[tokio::test]
    async fn a_stopped_writer_answers_unavailable() {
        let (_dir, mut writer) = start();
        drop(writer.queue.take());
        let answer = writer.run(|_| Ok(())).await;
        assert!(matches!(answer, Err(StoreError::Unavailable(_))));
    }
}
