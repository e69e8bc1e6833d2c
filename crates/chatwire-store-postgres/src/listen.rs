//! Cross-node wake-ups: one dedicated (non-pooled) connection per subscriber that `LISTEN`s on
//! [`wake::CHANNEL`] and turns notifications into [`Wakeup`]s.
//!
//! Writers `pg_notify` inside their transaction (see `seq`), so a notification arrives only
//! for a committed write. A notification sent while this connection is down is lost for good,
//! so after every reconnect the stream yields [`Wakeup::All`] once: the engine then re-samples
//! every waiter. At the first connect nothing can have been missed yet, so no `All`.
//!
//! The connection is driven with `poll_message` on a task of its own that forwards every
//! message; the subscriber task reconnects with exponential backoff ([`MIN_BACKOFF`] doubling
//! to [`MAX_BACKOFF`]) and stops as soon as the stream is dropped. It must not run queries:
//! a blocked notification queue would hold back every node's commits.

use std::sync::Arc;
use std::time::Duration;

use chatwire_store::Wakeup;
use futures::channel::mpsc as unbounded;
use futures::stream::{BoxStream, StreamExt};
use tokio::sync::mpsc;
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
/// Wake-ups buffered for a slow subscriber before the listener stops reading.
const BUFFER: usize = 1024;

/// Opens wake-up streams for one schema.
#[derive(Clone)]
pub(crate) struct Listener {
    config: tokio_postgres::Config,
    tls: MakeTls,
    scope: Arc<str>,
}

impl Listener {
    /// A listener connecting with `config` and keeping notifications of schema `scope`.
    pub(crate) fn new(config: tokio_postgres::Config, tls: MakeTls, scope: Arc<str>) -> Self {
        Self { config, tls, scope }
    }

    /// An endless stream of wake-ups. It is listening when this returns (if the database is
    /// reachable), so a commit made afterwards is seen; if not, it keeps trying and yields
    /// `All` once connected.
    pub(crate) async fn subscribe(&self) -> BoxStream<'static, Wakeup> {
        let (tx, rx) = mpsc::channel(BUFFER);
        let first = match Session::open(&self.config, &self.tls).await {
            Ok(session) => Some(session),
            Err(why) => {
                tracing::warn!(error = %why, "cannot LISTEN yet; retrying in the background");
                None
            }
        };
        tokio::spawn(run(self.clone(), first, tx));
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|w| (w, rx)) })
            .boxed()
    }
}

/// One live LISTEN connection: the client (dropping it closes the connection) and the
/// messages its driver task forwards.
struct Session {
    _client: tokio_postgres::Client,
    messages: unbounded::UnboundedReceiver<Result<AsyncMessage, tokio_postgres::Error>>,
}

impl Session {
    async fn open(config: &tokio_postgres::Config, tls: &MakeTls) -> anyhow::Result<Self> {
        tokio::time::timeout(OPEN_TIMEOUT, Self::open_now(config, tls.clone()))
            .await
            .map_err(|_| anyhow::anyhow!("connect + LISTEN took over {OPEN_TIMEOUT:?}"))?
    }

    async fn open_now(config: &tokio_postgres::Config, tls: MakeTls) -> anyhow::Result<Self> {
        let (client, mut connection) = config.connect(tls).await?;
        let (forward, messages) = unbounded::unbounded();
        // Ends when the connection does (the stream yields None) or nobody reads any more.
        let driver = futures::stream::poll_fn(move |cx| connection.poll_message(cx))
            .map(Ok)
            .forward(forward);
        tokio::spawn(async move { drop(driver.await) });
        client
            .batch_execute(&format!("LISTEN {}", wake::CHANNEL))
            .await?;
        Ok(Self {
            _client: client,
            messages,
        })
    }
}

/// The subscriber task: forward wake-ups, reconnect when the connection ends, stop when the
/// stream is dropped.
async fn run(listener: Listener, mut session: Option<Session>, tx: mpsc::Sender<Wakeup>) {
    let mut backoff = MIN_BACKOFF;
    loop {
        let Some(mut live) = session.take() else {
            tokio::select! {
                () = tx.closed() => return,
                () = tokio::time::sleep(backoff) => {}
            }
            match Session::open(&listener.config, &listener.tls).await {
                Ok(s) => {
                    tracing::info!("LISTEN connection re-established");
                    backoff = MIN_BACKOFF;
                    session = Some(s);
                    // Whatever was notified while we were away is lost: wake everyone.
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
        loop {
            let message = tokio::select! {
                () = tx.closed() => return,
                message = live.messages.next() => message,
            };
            match message {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if let Some(w) = wake::parse(&listener.scope, n.payload())
                        && tx.send(w).await.is_err()
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
                    break;
                }
                None => {
                    tracing::warn!("LISTEN connection closed; reconnecting");
                    break;
                }
            }
        }
    }
}
