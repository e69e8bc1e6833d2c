//! The closed-loop load runner: `concurrency` workers, each on its own keep-alive connection,
//! send one request, wait for the whole answer, send the next, for a warm-up and then a
//! measured window. Only requests that start after the warm-up and finish inside the window
//! count; the progress bar shows the live rate.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use hyper::StatusCode;
use indicatif::{ProgressBar, ProgressStyle};

use crate::http::{Conn, Req, Target};
use crate::procstat::{CpuClock, ServerCpu};
use crate::stats::Summary;

/// How hard and how long to drive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Load {
    /// Connections, one worker each.
    pub(crate) concurrency: usize,
    /// Unmeasured lead-in.
    pub(crate) warmup: Duration,
    /// Measured window.
    pub(crate) measure: Duration,
}

/// The outcome of one run.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// Latency and rate of the counted requests.
    pub(crate) summary: Summary,
    /// Requests with another status than expected, or transport errors (whole run).
    pub(crate) errors: u64,
    /// Response bytes of counted requests, per request.
    pub(crate) body_bytes: u64,
    /// CPU used during the window: server (when its pid is known) and this process, in
    /// cores (1.0 = one core busy the whole window).
    pub(crate) cpu: crate::procstat::CpuShare,
}

#[derive(Default)]
struct WorkerTally {
    latencies: Vec<Duration>,
    errors: u64,
    bytes: u64,
    first_error: Option<String>,
}

/// Drives `targets` (worker `i` connects to `targets[i % len]`: one server, or the nodes of
/// one cluster) with requests from `next(worker, iteration)`, expecting `expect`.
pub(crate) async fn closed_loop<F>(
    targets: &[Target],
    load: Load,
    label: &str,
    expect: StatusCode,
    server: impl Into<ServerCpu>,
    next: F,
) -> Result<Outcome>
where
    F: Fn(usize, u64) -> Req + Send + Sync + 'static,
{
    let mut conns = Vec::with_capacity(load.concurrency);
    for i in 0..load.concurrency {
        conns.push(Conn::open(&targets[i % targets.len()]).await?);
    }
    let next = Arc::new(next);
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let measure_from = start + load.warmup;
    let end = measure_from + load.measure;
    let bar = progress(label, load.warmup + load.measure);
    let ticker = {
        let (bar, done) = (bar.clone(), Arc::clone(&done));
        tokio::spawn(async move {
            let mut last = (Instant::now(), 0u64);
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let now = Instant::now();
                let n = done.load(Ordering::Relaxed);
                let rate = (n - last.1) as f64 / now.duration_since(last.0).as_secs_f64();
                last = (now, n);
                bar.set_position(u64::try_from(now.duration_since(start).as_millis()).unwrap_or(0));
                let phase = if now < measure_from {
                    "warm-up"
                } else {
                    "measuring"
                };
                bar.set_message(format!("{phase}: {rate:.0}/s"));
            }
        })
    };
    let workers: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(w, mut conn)| {
            let (next, done) = (Arc::clone(&next), Arc::clone(&done));
            tokio::spawn(async move {
                let mut tally = WorkerTally::default();
                let mut i = 0u64;
                while Instant::now() < end {
                    let req = next(w, i);
                    i += 1;
                    let t0 = Instant::now();
                    let reply = conn.send(&req).await;
                    let t1 = Instant::now();
                    done.fetch_add(1, Ordering::Relaxed);
                    let counted = t0 >= measure_from && t1 <= end;
                    match reply {
                        Ok(r) if r.status == expect => {
                            if counted {
                                tally.latencies.push(t1 - t0);
                                tally.bytes += r.body.len() as u64;
                            }
                        }
                        Ok(r) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert_with(|| {
                                format!(
                                    "{} {}: {}",
                                    r.status,
                                    req.path(),
                                    String::from_utf8_lossy(&r.body)
                                )
                            });
                        }
                        Err(e) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert_with(|| format!("{e:#}"));
                            // The connection is gone; stop this worker rather than spin.
                            break;
                        }
                    }
                }
                tally
            })
        })
        .collect();
    // Sample CPU over the measured window only.
    tokio::time::sleep_until(measure_from.into()).await;
    let clock = CpuClock::start(server);
    tokio::time::sleep_until(end.into()).await;
    let cpu = clock.stop();
    let mut all = WorkerTally::default();
    for w in workers {
        let t = w.await?;
        all.latencies.extend(t.latencies);
        all.errors += t.errors;
        all.bytes += t.bytes;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    ticker.abort();
    bar.finish_and_clear();
    if let Some(e) = &all.first_error {
        eprintln!("{label}: {} errors; first: {e}", all.errors);
    }
    if all.latencies.is_empty() {
        bail!("{label}: no request completed inside the measured window");
    }
    let per_request = all.bytes / all.latencies.len() as u64;
    Ok(Outcome {
        summary: Summary::of(&mut all.latencies, load.measure),
        errors: all.errors,
        body_bytes: per_request,
        cpu,
    })
}

/// A progress bar over `total` (milliseconds), drawn on stderr only when it is a terminal.
pub(crate) fn progress(label: &str, total: Duration) -> ProgressBar {
    let bar = ProgressBar::new(u64::try_from(total.as_millis()).unwrap_or(u64::MAX));
    bar.set_style(
        ProgressStyle::with_template("{prefix:>28} [{bar:30}] {elapsed:>4} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(label.to_owned());
    bar
}

/// A progress bar counting `total` items.
pub(crate) fn counter(label: &str, total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>28} [{bar:30}] {pos}/{len} {per_sec:>12} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(label.to_owned());
    bar
}
