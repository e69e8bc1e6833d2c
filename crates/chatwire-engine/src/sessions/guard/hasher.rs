//! [`PasswordGate`]: the only place argon2 runs, bounded: a password checked against a hash
//! (logins) or a new password hashed (agents created, passwords set).
//!
//! Each check or hash fills ~19 MiB of argon2 memory and ~20 ms of one core. Run per request on an
//! unbounded pool, a flood of wrong passwords grows the process by gigabytes (and glibc keeps
//! freed blocks in its per-thread arenas). So checks run on a fixed set of worker threads
//! (`hash_workers`, default: one less than the cores), each reusing one preallocated argon2 memory
//! block for its whole life, behind a queue of `hash_queue` jobs. A check that finds the queue
//! full, or waits longer than `hash_queue_wait`, fails with [`EngineError::Busy`]: resident
//! memory stays at `workers × 19 MiB` however many requests arrive. A check refused because the
//! queue is full is answered only after `hash_queue_wait` (at most the 1 s `Retry-After`), as
//! if it had queued: a refusal costs the server almost nothing, so a client that loops on
//! refusals without that delay would turn them into a request flood that slows everyone.
//!
//! Workers run at a lower CPU priority (nice 10 on Linux) than request handling, so checks
//! queue behind serving, not the reverse. They start at the first check and stop when the
//! engine is dropped (the queue's sender
//! goes with it). What it must not do: block an async thread, or hash for a caller who has
//! already given up (a job whose requester timed out is skipped).

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::sessions::password;
use crate::{EngineError, EngineResult};

/// How long a refused caller is told to wait.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// One job waiting for a worker.
enum Job {
    /// Does `password` match `hash`?
    Verify {
        password: String,
        hash: String,
        reply: oneshot::Sender<bool>,
    },
    /// A new hash of `password`. Bounded like checks: hashing 1,000 new agents' passwords on
    /// the blocking pool grew a server to 1.8 GB (docs/performance.md, "Scale (f)").
    Hash {
        password: String,
        reply: oneshot::Sender<EngineResult<String>>,
    },
}

impl Job {
    /// Whether the requester stopped waiting (then the job is skipped).
    fn abandoned(&self) -> bool {
        match self {
            Self::Verify { reply, .. } => reply.is_closed(),
            Self::Hash { reply, .. } => reply.is_closed(),
        }
    }
}

/// Bounded password checking (see the module docs).
pub(crate) struct PasswordGate {
    workers: usize,
    queue: usize,
    wait: Duration,
    /// The queue, created with the workers at the first check.
    jobs: Mutex<Option<SyncSender<Job>>>,
}

impl std::fmt::Debug for PasswordGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordGate")
            .field("workers", &self.workers)
            .field("queue", &self.queue)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

impl PasswordGate {
    /// A gate of `workers` threads (0: one less than the cores, at least one) and `queue`
    /// waiting checks.
    pub(crate) fn new(workers: usize, queue: usize, wait: Duration) -> Self {
        let workers = if workers == 0 {
            // One core stays free for serving: a flood of wrong passwords then slows logins,
            // not the agents and visitors already in.
            std::thread::available_parallelism()
                .map_or(1, |n| n.get().saturating_sub(1))
                .max(1)
        } else {
            workers
        };
        Self {
            workers,
            queue: queue.max(1),
            wait,
            jobs: Mutex::new(None),
        }
    }

    /// Whether `password` matches the PHC `hash`; `Busy` when too many checks are under way.
    pub(crate) async fn verify(&self, password: &str, hash: &str) -> EngineResult<bool> {
        let (reply, answer) = oneshot::channel();
        let job = Job::Verify {
            password: password.to_owned(),
            hash: hash.to_owned(),
            reply,
        };
        self.run(job, answer).await
    }

    /// A new argon2id hash of `password` (PHC string); `Busy` when too many jobs are under
    /// way, `InvalidInput` for an empty or over-long password.
    pub(crate) async fn hash(&self, password: &str) -> EngineResult<String> {
        let (reply, answer) = oneshot::channel();
        let job = Job::Hash {
            password: password.to_owned(),
            reply,
        };
        self.run(job, answer).await?
    }

    /// Queues `job` and waits for its answer (see the module docs for `Busy`).
    async fn run<T>(&self, job: Job, answer: oneshot::Receiver<T>) -> EngineResult<T> {
        match self.sender()?.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                // A parked future, not a thread or argon2 memory (see the module docs).
                tokio::time::sleep(self.wait.min(RETRY_AFTER)).await;
                return Err(EngineError::Busy {
                    retry_after: RETRY_AFTER,
                });
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(EngineError::Internal(anyhow::anyhow!(
                    "the password workers stopped"
                )));
            }
        }
        match tokio::time::timeout(self.wait, answer).await {
            Ok(Ok(answered)) => Ok(answered),
            Ok(Err(_)) => Err(EngineError::Internal(anyhow::anyhow!(
                "a password worker dropped a check"
            ))),
            // Dropping `answer` marks the job abandoned: the worker skips it.
            Err(_) => Err(EngineError::Busy {
                retry_after: RETRY_AFTER,
            }),
        }
    }

    /// The queue, starting the workers on first use.
    fn sender(&self) -> EngineResult<SyncSender<Job>> {
        let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = jobs.as_ref() {
            return Ok(tx.clone());
        }
        let (tx, rx) = sync_channel::<Job>(self.queue);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..self.workers {
            let rx = Arc::clone(&rx);
            std::thread::Builder::new()
                .name(format!("chatwire-password-{i}"))
                .spawn(move || work(&rx))
                .map_err(|e| EngineError::Internal(anyhow::anyhow!("password worker: {e}")))?;
        }
        *jobs = Some(tx.clone());
        Ok(tx)
    }
}

/// A worker: takes checks until the queue's sender is dropped, reusing one memory block.
fn work(jobs: &Mutex<Receiver<Job>>) {
    lower_priority();
    let mut blocks = Vec::new();
    loop {
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else { return };
        if job.abandoned() {
            continue;
        }
        match job {
            Job::Verify {
                password,
                hash,
                reply,
            } => {
                let _ = reply.send(password::verify_with(&password, &hash, &mut blocks));
            }
            Job::Hash { password, reply } => {
                let _ = reply.send(password::hash_with(&password, &mut blocks));
            }
        }
    }
}

/// Makes this thread yield the CPU to request handling (nice 10): on a busy machine a flood of
/// wrong passwords then slows password checks, not the requests of clients already logged in.
/// Best effort: where the OS refuses, the thread keeps the normal priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value only.
        let tid = rustix::thread::gettid();
        if let Err(e) = rustix::process::setpriority_process(Some(tid), 10) {
            tracing::debug!(error = %e, "cannot lower the password worker's priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_gate_checks_passwords_like_argon2_does() {
        let gate = PasswordGate::new(1, 4, Duration::from_secs(10));
        let hash = password::hash("right").expect("hash");

        assert!(gate.verify("right", &hash).await.expect("checked"));
        assert!(!gate.verify("wrong", &hash).await.expect("checked"));
        assert!(!gate.verify("right", "not a hash").await.expect("checked"));
    }

    #[tokio::test]
    async fn a_gate_hashes_new_passwords_that_argon2_accepts() {
        let gate = PasswordGate::new(1, 4, Duration::from_secs(10));

        let hash = gate.hash("new-pass").await.expect("hashed");

        assert!(password::verify("new-pass", &hash));
        assert!(gate.verify("new-pass", &hash).await.expect("checked"));
        assert!(matches!(gate.hash("").await, Err(EngineError::Domain(_))));
    }

    #[tokio::test]
    async fn checks_beyond_the_workers_and_the_queue_are_refused_as_busy() {
        let gate = Arc::new(PasswordGate::new(1, 1, Duration::from_secs(10)));
        let hash = password::hash("right").expect("hash");

        let attempts = (0..8).map(|_| {
            let (gate, hash) = (Arc::clone(&gate), hash.clone());
            tokio::spawn(async move { gate.verify("wrong", &hash).await })
        });
        let results = futures::future::join_all(attempts).await;

        let busy = results
            .iter()
            .filter(|r| matches!(r, Ok(Err(EngineError::Busy { .. }))))
            .count();
        let checked = results
            .iter()
            .filter(|r| matches!(r, Ok(Ok(false))))
            .count();
        assert!(busy >= 5, "busy {busy} of 8");
        assert_eq!(busy + checked, 8);
    }

    #[tokio::test]
    async fn a_check_that_waits_too_long_is_refused_as_busy() {
        let gate = Arc::new(PasswordGate::new(1, 8, Duration::from_millis(1)));
        let hash = password::hash("right").expect("hash");

        let attempts = (0..4).map(|_| {
            let (gate, hash) = (Arc::clone(&gate), hash.clone());
            tokio::spawn(async move { gate.verify("wrong", &hash).await })
        });
        let results = futures::future::join_all(attempts).await;

        assert!(
            results
                .iter()
                .any(|r| matches!(r, Ok(Err(EngineError::Busy { .. }))))
        );
    }
}
