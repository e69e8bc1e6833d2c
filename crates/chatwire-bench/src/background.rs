//! A load that runs beside a measurement until it is stopped: (d)'s closed-loop writers, used
//! by (e) with `--wake-under-writers` to measure wake-ups (cross-node ones with `--peer`) while
//! the server is busy appending.
//!
//! Unlike `load::closed_loop`, it has no fixed window: the measurement it serves decides how
//! long it runs, and it reports what it did over exactly that span.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use hyper::StatusCode;
use tokio::task::JoinHandle;

use crate::http::{Conn, Req, Target};

/// A running background load.
pub(crate) struct Background {
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    errors: Arc<AtomicU64>,
    workers: Vec<JoinHandle<()>>,
    counted_from: (Instant, u64),
}

/// What the background load did between [`Background::mark`] and [`Background::stop`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Done {
    /// Requests answered with the expected status per second.
    pub(crate) rate: f64,
    /// Requests answered otherwise, or failed (whole run).
    pub(crate) errors: u64,
}

impl Background {
    /// Starts one worker per request in `reqs`, worker `i` on its own connection to
    /// `targets[i % len]`, each sending its request again as soon as the last one answered.
    pub(crate) async fn start(
        targets: &[Target],
        reqs: Vec<Req>,
        expect: StatusCode,
    ) -> Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let errors = Arc::new(AtomicU64::new(0));
        let mut workers = Vec::with_capacity(reqs.len());
        for (i, req) in reqs.into_iter().enumerate() {
            let Ok(mut conn) = Conn::open(&targets[i % targets.len()]).await else {
                // The workers started so far must not outlive this failure.
                stop.store(true, Ordering::Relaxed);
                workers.iter().for_each(JoinHandle::abort);
                anyhow::bail!("cannot connect the background load's worker {i}");
            };
            let (stop, done, errors) = (Arc::clone(&stop), Arc::clone(&done), Arc::clone(&errors));
            workers.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    match conn.send(&req).await {
                        Ok(r) if r.status == expect => {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(_) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => {
                            // The connection is gone; stop this worker rather than spin.
                            errors.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            }));
        }
        Ok(Self {
            stop,
            done,
            errors,
            workers,
            counted_from: (Instant::now(), 0),
        })
    }

    /// Starts counting from now (after a lead-in that lets the load reach its pace).
    pub(crate) fn mark(&mut self) {
        self.counted_from = (Instant::now(), self.done.load(Ordering::Relaxed));
    }

    /// Stops every worker (each finishes the request it is in) and reports the counted span.
    pub(crate) async fn stop(mut self) -> Done {
        let (since, before) = self.counted_from;
        let counted = self.done.load(Ordering::Relaxed) - before;
        let span = since.elapsed().max(Duration::from_millis(1));
        self.stop.store(true, Ordering::Relaxed);
        for w in std::mem::take(&mut self.workers) {
            let _ = w.await;
        }
        Done {
            rate: counted as f64 / span.as_secs_f64(),
            errors: self.errors.load(Ordering::Relaxed),
        }
    }
}

impl Drop for Background {
    /// A measurement that fails before [`Background::stop`] must not leave its load running
    /// under the scenarios that follow.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.workers.iter().for_each(JoinHandle::abort);
    }
}
