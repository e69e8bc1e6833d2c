//! The webhook receiver for scenario (w): a bare axum server in this process that answers every
//! delivery `204` at once and tallies, per subscription (`POST /hook/{n}`), how many events
//! arrived, how many repeated an event id it had already seen, and how many came out of order.
//! Like the baseline server it runs on its own runtime (one worker: it only counts), so its CPU
//! shows in the client's share, not the server's.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use anyhow::{Result, anyhow};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tokio::sync::oneshot;

/// What one subscription has received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Deliveries answered (repeats included).
    pub(crate) delivered: u64,
    /// Deliveries of an event id at or below the newest one already received (a repeat, or
    /// an older event after a newer one).
    pub(crate) not_after_newest: u64,
    /// Newest event id received.
    pub(crate) newest: i64,
}

type Tallies = Arc<Mutex<Vec<Tally>>>;

/// A running receiver; stops when dropped.
pub(crate) struct Receiver {
    /// `http://127.0.0.1:port`.
    pub(crate) base: String,
    tallies: Tallies,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    /// What each of the `hooks` paths has received so far.
    pub(crate) fn tallies(&self) -> Vec<Tally> {
        self.tallies.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// Forgets every tally (a new round's subscriptions start from nothing).
    pub(crate) fn reset(&self) {
        if let Ok(mut t) = self.tallies.lock() {
            t.iter_mut().for_each(|x| *x = Tally::default());
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a receiver for `hooks` subscriptions (`/hook/0` … `/hook/{hooks-1}`) on
/// `127.0.0.1:0`.
pub(crate) fn start(hooks: usize) -> Result<Receiver> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr: SocketAddr = listener.local_addr()?;
    let tallies: Tallies = Arc::new(Mutex::new(vec![Tally::default(); hooks]));
    let (stop, stopped) = oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("receiver")
        .enable_all()
        .build()?;
    let state = Arc::clone(&tallies);
    let thread = std::thread::Builder::new()
        .name("receiver".into())
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let app = Router::new()
                    .route("/hook/{n}", post(deliver))
                    .with_state(state);
                let _served = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        })
        .map_err(|e| anyhow!("starting the receiver thread: {e}"))?;
    Ok(Receiver {
        base: format!("http://{addr}"),
        tallies,
        stop: Some(stop),
        thread: Some(thread),
    })
}

async fn deliver(
    State(tallies): State<Tallies>,
    Path(n): Path<usize>,
    headers: HeaderMap,
) -> StatusCode {
    let Some(id) = headers
        .get("chatwire-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
    else {
        return StatusCode::BAD_REQUEST;
    };
    let Ok(mut all) = tallies.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR;
    };
    let Some(t) = all.get_mut(n) else {
        return StatusCode::NOT_FOUND;
    };
    t.delivered += 1;
    if id <= t.newest {
        t.not_after_newest += 1;
    } else {
        t.newest = id;
    }
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn it_counts_deliveries_and_events_out_of_order_per_hook() {
        let rx = start(2).expect("receiver");
        let http = reqwest::Client::new();
        for (hook, id) in [(0, "5"), (0, "7"), (0, "6"), (1, "3"), (1, "3")] {
            let status = http
                .post(format!("{}/hook/{hook}", rx.base))
                .header("Chatwire-Event-Id", id)
                .body("{}")
                .send()
                .await
                .expect("post")
                .status();
            assert_eq!(status, 204);
        }
        let t = rx.tallies();
        assert_eq!(
            (t[0].delivered, t[0].not_after_newest, t[0].newest),
            (3, 1, 7)
        );
        assert_eq!(
            (t[1].delivered, t[1].not_after_newest, t[1].newest),
            (2, 1, 3)
        );
        rx.reset();
        assert_eq!(rx.tallies()[0], Tally::default());
    }
}
