//! Group commit for chat writes: one writer task per store runs every chat write queued while
//! the previous batch committed in one transaction, each write in its own savepoint, then
//! numbers all their events with one counter bump and commits once.
//!
//! Why: the global sequence is assigned in commit order by a single counter row held through
//! each commit (`seq`), so commits that append events are serialised across the cluster. One
//! write per commit caps the cluster at about one write per flush (~700 lines/s on the
//! project's VM); a batch carries every write that arrived meanwhile through the same single
//! counter bump and flush. This is the SQLite backend's writer design, for the same reason.
//!
//! Commands on chats the batch has locked are decided in memory and written once per batch
//! (`batch_chats`); the rest (opening a chat, an accept) run one by one in a savepoint.
//!
//! Semantics per write are unchanged: each decides against the chat as committed *including
//! earlier writes of its batch* (same transaction), a refused write rolls back to its savepoint
//! and answers its own error, and a reply is sent only after COMMIT. If the batch as a whole
//! fails (lost connection, a deadlock with another node's batch), it is run again whole, and
//! when it cannot commit every write of it gets the error: nothing is half-applied. A panic
//! while deciding a write (a bug) is that write's error, as on SQLite; one elsewhere in a
//! batch fails that batch's writes; neither stops the writer.

use std::future::Future;
use std::io;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::AtomicI32;

use chatwire_core::{AccountId, ChatCommand, ChatKey, NewChat, Timestamp};
use chatwire_store::{Committed, StoreError, StoreResult};
use deadpool_postgres::{Pool, Transaction};
use futures::FutureExt as _;
use tokio::sync::{mpsc, oneshot};

use crate::batch_chats::BatchChats;
use crate::chats::{self, Written};
use crate::peers::Peers;
use crate::{error, retry, seq};

/// Most writes in one transaction: bounds a batch's lock set and its retry cost.
const MAX_BATCH: usize = 256;

/// One chat write.
#[derive(Debug, Clone)]
pub(crate) enum Write {
    /// Open a chat (boxed: a `NewChat` is several times the size of the other variant).
    Create(Box<NewChat>),
    /// Decide and apply a command.
    Execute {
        /// The chat's account.
        account: AccountId,
        /// The chat.
        key: ChatKey,
        /// The command.
        cmd: ChatCommand,
    },
}

#[derive(Debug)]
struct Job {
    write: Write,
    now: Timestamp,
    reply: oneshot::Sender<StoreResult<Committed>>,
}

/// The queue of a store's writer task; dropping the last handle stops the task.
#[derive(Debug, Clone)]
pub(crate) struct Batcher {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Batcher {
    /// Starts the writer on a thread of its own, over `pool` (one connection of its own,
    /// created on that thread). `listener_pid`: this store's LISTEN connection, not counted
    /// among other nodes' wake-up listeners.
    ///
    /// Why a thread: a batch is one chain of round trips (docs/performance.md measured ~0.4 ms
    /// of waiting per statement beyond PostgreSQL's own time when the writer shared the
    /// server's runtime with the HTTP handlers). On its own current-thread runtime, with its
    /// connection's I/O driven there too, the writer resumes as soon as an answer arrives.
    pub(crate) fn spawn(
        pool: Pool,
        scope: String,
        listener_pid: Arc<AtomicI32>,
    ) -> io::Result<Self> {
        let (jobs, rx) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("chatwire-pg-writer".into())
            .spawn(move || {
                // Built here, not by the caller: a runtime may not be dropped inside another.
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        runtime.block_on(writer(pool, scope, Peers::new(listener_pid), rx));
                    }
                    // Every write then answers "the PostgreSQL writer has stopped" (503).
                    Err(e) => tracing::error!(error = %e, "cannot start the PostgreSQL writer"),
                }
            })?;
        Ok(Self { jobs })
    }

    /// Queues `write` and waits until its batch has committed (or failed).
    pub(crate) async fn run(&self, write: Write, now: Timestamp) -> StoreResult<Committed> {
        let (reply, answer) = oneshot::channel();
        let job = Job { write, now, reply };
        self.jobs.send(job).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable(anyhow::anyhow!("the PostgreSQL writer has stopped"))
}

async fn writer(pool: Pool, scope: String, mut peers: Peers, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let carry = peers.listening(&pool).await;
        // A panic outside any one write (a bug) fails its batch's writes (their replies are
        // dropped: 503), not every later write of the node.
        let run = AssertUnwindSafe(commit_batch(&pool, &scope, carry, batch));
        if run.catch_unwind().await.is_err() {
            tracing::error!("a PostgreSQL write batch panicked; its writes failed");
        }
    }
}

/// Runs one batch (again, whole, on a deadlock or serialization failure) and answers every
/// job of it.
/// `carry`: whether the wake-ups carry the chats and their events (`peers`).
async fn commit_batch(pool: &Pool, scope: &str, carry: bool, batch: Vec<Job>) {
    let writes: Vec<(Write, Timestamp)> = batch.iter().map(|j| (j.write.clone(), j.now)).collect();
    let outcome = retry::retrying(|| attempt(pool, scope, carry, &writes)).await;
    match outcome {
        Ok(results) => {
            for (job, result) in batch.into_iter().zip(results) {
                let _ = job.reply.send(result);
            }
        }
        Err(e) => {
            // StoreError is not Clone: every job gets the same failure, kept by class.
            let text = format!("{e:#}");
            let unavailable = matches!(e, StoreError::Unavailable(_));
            for job in batch {
                let err = if unavailable {
                    StoreError::Unavailable(anyhow::anyhow!("{text}"))
                } else {
                    StoreError::Other(anyhow::anyhow!("{text}"))
                };
                let _ = job.reply.send(Err(err));
            }
        }
    }
}

/// One try of a batch: every write in its savepoint, then the events numbered, then COMMIT.
/// `Err` only for what fails the whole transaction; a write's own refusal is in its slot.
async fn attempt(
    pool: &Pool,
    scope: &str,
    carry: bool,
    writes: &[(Write, Timestamp)],
) -> StoreResult<Vec<StoreResult<Committed>>> {
    let mut client = pool.get().await.map_err(error::pool)?;
    let mut tx = chats::begin(&mut client).await?;
    let mut held = BatchChats::lock(&tx, writes).await?;
    let mut done: Vec<Written> = Vec::with_capacity(writes.len());
    // Per write: Ok(index into `done`) or its own error.
    let mut slots: Vec<StoreResult<usize>> = Vec::with_capacity(writes.len());
    for (write, now) in writes {
        if let Write::Execute { account, key, cmd } = write
            && let Some(outcome) = contained(|| held.decide(account, key, cmd, *now))
        {
            match outcome {
                Ok(written) => {
                    slots.push(Ok(done.len()));
                    done.push(written);
                }
                Err(refused) => slots.push(Err(refused)),
            }
            continue;
        }
        // The slow path reads its chat from the database: write what memory holds first.
        held.flush(&tx).await?;
        let sp = tx.savepoint("write").await.map_err(error::pg)?;
        match contained_async(one(&sp, write.clone(), *now)).await {
            Ok(written) => {
                sp.commit().await.map_err(error::pg)?;
                held.written_elsewhere(&written.chat);
                slots.push(Ok(done.len()));
                done.push(written);
            }
            // A deadlock or a lost connection fails the whole transaction: retry or report it.
            Err(e) if error::is_retryable(&e) || matches!(e, StoreError::Unavailable(_)) => {
                return Err(e);
            }
            Err(e) => {
                sp.rollback().await.map_err(error::pg)?;
                slots.push(Err(e));
            }
        }
    }
    let (chat_rows, facts) = held.take_changes()?;
    seq::append(&tx, &mut done, scope, carry, &chat_rows, &facts).await?;
    tx.commit().await.map_err(error::pg)?;
    let mut committed: Vec<Option<Written>> = done.into_iter().map(Some).collect();
    Ok(slots
        .into_iter()
        .map(|slot| {
            let written = committed
                .get_mut(slot?)
                .and_then(Option::take)
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("batch slot used twice")))?;
            Ok(Committed {
                chat: written.chat,
                events: written.events,
            })
        })
        .collect())
}

/// Runs `decide` (a write decided in memory; `None`: not decidable there), turning a panic (a
/// bug in a decision) into this write's own error, as the SQLite writer does: one bad command
/// must not fail its batch or stop the writer. `decide` changes the batch's state only once it
/// has succeeded (`BatchChats::decide`), so nothing is left half-changed.
fn contained<T>(decide: impl FnOnce() -> Option<StoreResult<T>>) -> Option<StoreResult<T>> {
    std::panic::catch_unwind(AssertUnwindSafe(decide)).unwrap_or_else(|_| Some(Err(panicked())))
}

/// [`contained`] for a write on the slow path; its savepoint is then rolled back.
async fn contained_async<T>(write: impl Future<Output = StoreResult<T>>) -> StoreResult<T> {
    AssertUnwindSafe(write)
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(panicked()))
}

fn panicked() -> StoreError {
    StoreError::Other(anyhow::anyhow!("write job panicked"))
}

async fn one(tx: &Transaction<'_>, write: Write, now: Timestamp) -> StoreResult<Written> {
    match write {
        Write::Create(new) => chats::create_in(tx, *new, now).await,
        Write::Execute { account, key, cmd } => {
            chats::execute_in(tx, &account, &key, cmd, now).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_decision_is_its_writes_error() {
        let boom = contained(|| -> Option<StoreResult<()>> { panic!("bug") });
        assert!(
            matches!(&boom, Some(Err(StoreError::Other(e))) if e.to_string().contains("panicked")),
            "{boom:?}"
        );
        assert!(matches!(contained(|| Some(Ok(7))), Some(Ok(7))));
        assert!(contained(|| -> Option<StoreResult<()>> { None }).is_none());
    }

    /// A write that panics after it has once been suspended.
    async fn explode() -> StoreResult<()> {
        tokio::task::yield_now().await;
        panic!("bug")
    }

    #[tokio::test]
    async fn a_panicking_slow_path_write_is_its_own_error() {
        let boom = contained_async(explode()).await;
        assert!(matches!(boom, Err(StoreError::Other(_))), "{boom:?}");
        assert_eq!(contained_async(async { Ok(3) }).await.expect("ok"), 3);
    }
}
