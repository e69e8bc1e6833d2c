//! Cross-node wake-ups: one dedicated (non-pooled) connection per subscriber that `LISTEN`s on
//! [`wake::CHANNEL`] and turns notifications into [`Wakeup`]s.
//!
//! Writers `pg_notify` inside their transaction (see `seq`), so a notification arrives only
//! for a committed write. A notification sent while this connection is down is lost for good,
//! so after every reconnect the stream yields [`Wakeup::All`] once: the engine then re-samples
//! every waiter. At the first connect nothing can have been missed yet, so no `All`.
//!
//! The connection is driven with `poll_message` by a task of its own that parses each
//! notification (dropping other schemas' and this node's own) and hands it to the subscriber
//! through one channel of [`BUFFER`] wake-ups. That task never waits for the subscriber: it
//! must keep reading, or the server's notification queue would fill and hold back every
//! node's commits. So when the channel is full it drops the wake-up and every later one, and
//! sends `All` as soon as there is room again (a lagging subscriber re-samples everything
//! instead of queueing without bound). A subscriber task reconnects with exponential backoff
//! ([`MIN_BACKOFF`] doubling to [`MAX_BACKOFF`]) and stops as soon as the stream is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use chatwire_store::Wakeup;
use futures::stream::{BoxStream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_postgres::AsyncMessage;

use crate::tls::MakeTls;

use crate::wake;

/// First pause before reconnecting, doubled after each failure.
const MIN_BACKOFF: Duration = Duration::from_millis(100);
/// Longest pause between reconnect attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Longest wait for connect + `LISTEN` (the connect timeout alone does not cover a server
/// that accepts the socket and then hangs).
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// Wake-ups buffered for a slow subscriber; past that they collapse into one `All`.
const BUFFER: usize = 1024;

/// Opens wake-up streams for one schema.
#[derive(Clone)]
pub(crate) struct Listener {
    config: tokio_postgres::Config,
    tls: MakeTls,
    scope: Arc<str>,
    node: Arc<str>,
    /// The backend pid of the latest LISTEN connection (0: none yet), so the writer does not
    /// count it among other nodes' (`peers`).
    pid: Arc<AtomicI32>,
}

impl Listener {
    /// A listener connecting with `config` and keeping the notifications of schema `scope`
    /// that another node than `node` (this store's) sent.
    pub(crate) fn new(
        config: tokio_postgres::Config,
        tls: MakeTls,
        scope: Arc<str>,
        node: Arc<str>,
        pid: Arc<AtomicI32>,
    ) -> Self {
        Self {
            config,
            tls,
            scope,
            node,
            pid,
        }
    }

    /// An endless stream of wake-ups. It is listening when this returns (if the database is
    /// reachable), so a commit made afterwards is seen; if not, it keeps trying and yields
    /// `All` once connected.
    pub(crate) async fn subscribe(&self) -> BoxStream<'static, Wakeup> {
        let (tx, rx) = mpsc::channel(BUFFER);
        let first = match Session::open(self, &tx, 0).await {
            Ok(session) => Some(session),
            Err(why) => {
                tracing::warn!(error = %why, "cannot LISTEN yet; retrying in the background");
                None
            }
        };
        let pid = first.as_ref().map_or(0, |s| s.pid);
        tokio::spawn(run(self.clone(), first, pid, tx));
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|w| (w, rx)) })
            .boxed()
    }
}

/// One live LISTEN connection: the client (dropping it closes the connection, which ends
/// the driver) and the task driving it, which ends when the connection does.
struct Session {
    _client: tokio_postgres::Client,
    driver: JoinHandle<()>,
    /// The connection's backend pid.
    pid: i32,
}

impl Session {
    /// Connects and LISTENs; `replaces` is the backend pid of the connection this one
    /// replaces (0: none).
    async fn open(
        listener: &Listener,
        tx: &mpsc::Sender<Wakeup>,
        replaces: i32,
    ) -> anyhow::Result<Self> {
        tokio::time::timeout(OPEN_TIMEOUT, Self::open_now(listener, tx, replaces))
            .await
            .map_err(|_| anyhow::anyhow!("connect + LISTEN took over {OPEN_TIMEOUT:?}"))?
    }

    async fn open_now(
        listener: &Listener,
        tx: &mpsc::Sender<Wakeup>,
        replaces: i32,
    ) -> anyhow::Result<Self> {
        let (client, mut connection) = listener.config.connect(listener.tls.clone()).await?;
        let messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx)).boxed();
        let (scope, node) = (Arc::clone(&listener.scope), Arc::clone(&listener.node));
        let out = Forwarder::new(tx.clone());
        let driver = tokio::spawn(drive(messages, out, scope, node));
        // Before the LISTEN: `peers` finds listeners by their last statement.
        let pid: i32 = client
            .query_one("SELECT pg_backend_pid()", &[])
            .await?
            .get(0);
        listener.pid.store(pid, Ordering::SeqCst);
        if replaces != 0 {
            // The connection this one replaces may live on server-side (a half-open socket):
            // it would hold PostgreSQL's notification queue, and `peers` would take it for
            // another node. End it if it is still there (failing that, the server's TCP
            // keepalive does, later).
            let sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                       WHERE pid = $1 AND query = $2";
            let listen = format!("LISTEN {}", wake::CHANNEL);
            if let Err(e) = client.query(sql, &[&replaces, &listen]).await {
                tracing::debug!(error = %e, "cannot end the previous LISTEN connection");
            }
        }
        client
            .batch_execute(&format!("LISTEN {}", wake::CHANNEL))
            .await?;
        Ok(Self {
            _client: client,
            driver,
            pid,
        })
    }
}

/// The subscriber task: reconnect when the connection ends, stop when the stream is dropped.
/// `pid`: the backend pid of `session` (or of the last one before it; 0: none yet).
async fn run(
    listener: Listener,
    mut session: Option<Session>,
    mut pid: i32,
    tx: mpsc::Sender<Wakeup>,
) {
    let mut backoff = MIN_BACKOFF;
    loop {
        let Some(mut live) = session.take() else {
            tokio::select! {
                () = tx.closed() => return,
                () = tokio::time::sleep(backoff) => {}
            }
            match Session::open(&listener, &tx, pid).await {
                Ok(s) => {
                    tracing::info!("LISTEN connection re-established");
                    backoff = MIN_BACKOFF;
                    pid = s.pid;
                    session = Some(s);
                    // Whatever was notified while we were away is lost: wake everyone. This
                    // task reads no socket, so waiting for room here holds nothing back.
                    if tx.send(Wakeup::All).await.is_err() {
                        return;
                    }
                }
                Err(why) => {
                    tracing::warn!(error = %why, retry_in = ?backoff, "LISTEN reconnect failed");
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
            continue;
        };
        tokio::select! {
            () = tx.closed() => return,
            _ = &mut live.driver => {}
        }
    }
}

/// Reads the connection until it ends, forwarding our schema's wake-ups from other nodes.
async fn drive(
    mut messages: BoxStream<'static, Result<AsyncMessage, tokio_postgres::Error>>,
    mut out: Forwarder,
    scope: Arc<str>,
    node: Arc<str>,
) {
    loop {
        let message = tokio::select! {
            open = out.resume(), if out.lagged => {
                if !open {
                    return;
                }
                continue;
            }
            message = messages.next() => message,
        };
        match message {
            Some(Ok(AsyncMessage::Notification(n))) => {
                if let Some(w) = wake::parse(&scope, &node, n.payload())
                    && !out.offer(w)
                {
                    return;
                }
            }
            Some(Ok(AsyncMessage::Notice(notice))) => {
                tracing::debug!(notice = %notice, "notice on the LISTEN connection");
            }
            Some(Ok(_)) => {}
            Some(Err(why)) => {
                tracing::warn!(error = %why, "LISTEN connection failed; reconnecting");
                return;
            }
            None => {
                tracing::warn!("LISTEN connection closed; reconnecting");
                return;
            }
        }
    }
}

/// The sending end of the subscriber's bounded channel, which never waits: when the channel
/// is full the wake-up is dropped and the forwarder is `lagged` until it has sent `All`.
struct Forwarder {
    tx: mpsc::Sender<Wakeup>,
    /// Wake-ups were dropped; `All` is owed (and every wake-up until then is dropped too, as
    /// `All` covers it).
    lagged: bool,
}

impl Forwarder {
    fn new(tx: mpsc::Sender<Wakeup>) -> Self {
        Self { tx, lagged: false }
    }

    /// Passes `w` on if there is room; `false` once nobody listens.
    fn offer(&mut self, w: Wakeup) -> bool {
        if self.lagged {
            return true;
        }
        match self.tx.try_send(w) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!(
                    buffer = BUFFER,
                    "wake-ups are not read fast enough; dropping them for one re-sync"
                );
                self.lagged = true;
                true
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    /// Waits for room and sends the `All` owed; `false` once nobody listens.
    async fn resume(&mut self) -> bool {
        match self.tx.reserve().await {
            Ok(permit) => {
                permit.send(Wakeup::All);
                self.lagged = false;
                true
            }
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use chatwire_core::AccountId;

    use super::*;

    fn hint(n: u8) -> Wakeup {
        Wakeup::Directory(AccountId::parse(&format!("acc{n}")).expect("account"))
    }

    #[tokio::test]
    async fn a_full_channel_collapses_what_it_cannot_hold_into_one_all() {
        // Arrange: room for two wake-ups.
        let (tx, mut rx) = mpsc::channel(2);
        let mut out = Forwarder::new(tx);

        // Act: five are offered before the subscriber reads; then it reads one.
        for n in 0..5 {
            assert!(out.offer(hint(n)));
        }
        assert!(out.lagged);
        assert_eq!(rx.recv().await, Some(hint(0)));
        assert!(out.resume().await);

        // Assert: what fit, then `All` for the three dropped, then the flow goes on.
        assert_eq!(rx.recv().await, Some(hint(1)));
        assert_eq!(rx.recv().await, Some(Wakeup::All));
        assert!(out.offer(hint(5)));
        assert_eq!(rx.recv().await, Some(hint(5)));
        assert!(rx.try_recv().is_err(), "nothing else");
    }

    #[tokio::test]
    async fn the_forwarder_stops_once_nobody_listens() {
        let (tx, rx) = mpsc::channel(1);
        let mut out = Forwarder::new(tx);
        drop(rx);
        assert!(!out.offer(hint(0)));
        assert!(!out.resume().await);
    }
}
