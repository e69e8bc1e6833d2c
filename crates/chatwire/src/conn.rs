//! Connection limits: the file-descriptor soft limit raised to the hard limit at start
//! ([`raise_fd_limit`]), a cap on connections served at once below it ([`CappedAcceptor`]),
//! hyper's head timeout and buffer ([`configure_http`]), and a deadline for a connection's
//! first request ([`Capped`]).
//!
//! Why: 1,100 clients that send half a request head and stall used to exhaust the process's
//! 1,024 descriptors; `accept` then failed for everyone, `/healthz` included. Now a stalled head
//! is closed after `limits.header_read_timeout_secs`, the soft limit is the hard one, and past
//! the cap a new connection is closed at once instead of taking the last descriptors the store
//! and the listener need.
//!
//! hyper's head timeout starts only once HTTP/1 is chosen; hyper-util's HTTP/1-or-2 detection
//! before it reads with no timeout, and HTTP/2 has no head timeout at all. So a connection that
//! sent nothing, or only the start of the HTTP/2 preface, used to be held forever. Now every
//! connection must bring its first request within `header_read_timeout_secs` of being accepted
//! (TLS handshake included), or it is closed; after that hyper's own timers apply.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

use crate::settings::LimitsSettings;

/// Descriptors kept free for the store, the listener, log files and outgoing connections
/// (SMTP, PostgreSQL pool) when the connection cap is derived from the descriptor limit.
pub const FD_RESERVE: u64 = 128;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the soft limit now in force
/// (`None` when it is unlimited or cannot be read).
pub fn raise_fd_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        match setrlimit(Resource::Nofile, raised) {
            Ok(()) => {
                tracing::info!(
                    from = ?limit.current,
                    to = ?limit.maximum,
                    "file-descriptor soft limit raised to the hard limit"
                );
            }
            Err(e) => {
                tracing::warn!(error = %e, soft = ?limit.current, "could not raise the file-descriptor limit");
            }
        }
    }
    getrlimit(Resource::Nofile).current
}

/// The connection cap: the configured one, lowered so that capped connections plus
/// [`FD_RESERVE`] fit the descriptor limit (at least 16).
pub fn connection_cap(configured: usize, fd_soft_limit: Option<u64>) -> usize {
    match fd_soft_limit {
        Some(fds) => {
            let room = usize::try_from(fds.saturating_sub(FD_RESERVE)).unwrap_or(usize::MAX);
            configured.min(room).max(16)
        }
        None => configured,
    }
}

/// Applies the head timeout and buffer limits to hyper's connection builder, and keep-alive
/// pings to HTTP/2 connections (a peer that stops answering them is closed).
///
/// hyper's own head limit (its read buffer, its header count) answers with a bare 431 and no
/// body; it is set well above `[limits]` so that the API's check
/// (`chatwire_api::limits::Enforce`) is what refuses, in the caller's error format. Only heads
/// beyond hyper's limit (or a target over 65,534 bytes, hyper's fixed maximum) get hyper's bare
/// answer.
pub fn configure_http(builder: &mut Builder<TokioExecutor>, limits: &LimitsSettings) {
    let head = limits.max_uri_bytes + limits.max_header_bytes;
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout())
        .max_buf_size((2 * head + 16 * 1024).max(64 * 1024))
        .max_headers(limits.max_headers.saturating_mul(4).max(100));
    // HTTP/2 is negotiated over TLS (ALPN offers `h2`) and accepted as prior knowledge in
    // clear; it has no head timeout, so a dead peer is found by pings instead.
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_read_timeout())
        .keep_alive_timeout(limits.header_read_timeout());
}

/// Sets `TCP_NODELAY` (measured: see `Server::run`) and admits a connection only while fewer
/// than the cap are open; the permit lives as long as the connection. An admitted connection
/// is closed if its first request does not reach the service within `first_request`.
#[derive(Debug, Clone)]
pub struct CappedAcceptor {
    permits: Arc<Semaphore>,
    first_request: Duration,
}

impl CappedAcceptor {
    /// An acceptor admitting at most `cap` connections at once, each of which must bring its
    /// first request within `first_request`.
    pub fn new(cap: usize, first_request: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(cap)),
            first_request,
        }
    }

    /// Connections that could still be admitted (for tests and logs).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }
}

impl<S> Accept<TcpStream, S> for CappedAcceptor {
    type Stream = Capped;
    type Service = MarksFirstRequest<S>;
    type Future = std::future::Ready<io::Result<(Capped, MarksFirstRequest<S>)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() else {
            // Dropping the stream closes it now: a shed client sees a reset at once rather
            // than a connection that hangs, and the descriptor is free again.
            tracing::debug!("connection cap reached; closing a new connection");
            return std::future::ready(Err(io::Error::other("connection cap reached")));
        };
        let seen = Arc::new(AtomicBool::new(false));
        std::future::ready(stream.set_nodelay(true).map(|()| {
            (
                Capped {
                    stream,
                    _permit: permit,
                    seen: Arc::clone(&seen),
                    deadline: Some(Box::pin(tokio::time::sleep(self.first_request))),
                },
                MarksFirstRequest {
                    inner: service,
                    seen,
                },
            )
        }))
    }
}

/// An admitted connection: the socket, its place under the cap, and the deadline for its
/// first request (dropped once the request reached the service).
#[derive(Debug)]
pub struct Capped {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    seen: Arc<AtomicBool>,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl AsyncRead for Capped {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let read = Pin::new(&mut self.stream).poll_read(cx, buf);
        if read.is_pending() && self.deadline.is_some() {
            if self.seen.load(Ordering::Relaxed) {
                self.deadline = None;
            } else if self
                .deadline
                .as_mut()
                .is_some_and(|deadline| deadline.as_mut().poll(cx).is_ready())
            {
                // An error ends hyper's connection task, which drops (closes) the socket.
                tracing::debug!("no request within the header timeout; closing a connection");
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no request within the header timeout",
                )));
            }
        }
        read
    }
}

/// The per-connection service, marking the connection's first request as arrived so that
/// [`Capped`] stops its deadline (a long-poll may then hold the connection as long as it needs).
#[derive(Debug, Clone)]
pub struct MarksFirstRequest<S> {
    inner: S,
    seen: Arc<AtomicBool>,
}

impl<S, R> tower::Service<R> for MarksFirstRequest<S>
where
    S: tower::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        self.seen.store(true, Ordering::Relaxed);
        self.inner.call(request)
    }
}

impl AsyncWrite for Capped {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_the_reserve_of_the_descriptor_limit() {
        assert_eq!(connection_cap(10_000, Some(1024)), 1024 - 128);
        assert_eq!(connection_cap(500, Some(1024)), 500);
        assert_eq!(connection_cap(10_000, Some(100)), 16);
        assert_eq!(connection_cap(10_000, None), 10_000);
    }

    #[tokio::test]
    async fn past_the_cap_a_connection_is_refused_until_one_closes() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let acceptor = CappedAcceptor::new(1, Duration::from_secs(60));
        let accept_one = || async {
            let _client = TcpStream::connect(addr).await.expect("connect");
            let (server_side, _) = listener.accept().await.expect("accept");
            acceptor.accept(server_side, ()).await
        };
        let first = accept_one().await.expect("first admitted");
        assert!(accept_one().await.is_err(), "second refused at the cap");
        drop(first);
        assert!(accept_one().await.is_ok(), "admitted again once one closed");
    }
}
