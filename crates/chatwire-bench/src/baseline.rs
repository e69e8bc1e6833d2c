//! The baseline server for target (a): a bare axum (hyper) server in this process that answers
//! every request with one fixed body (the captured (a) response) and the same `Content-Type`
//! and `Cache-Control` chatwire sends. It runs on its own two-worker Tokio runtime, like the
//! chatwire server's default runtime on this 2-core machine, so it competes with the client for
//! the CPU the way chatwire does.

use std::net::SocketAddr;
use std::thread::JoinHandle;

use anyhow::{Result, anyhow};
use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use bytes::Bytes;
use tokio::sync::oneshot;

use crate::http::Target;

/// A running baseline server; stops when dropped.
pub(crate) struct Baseline {
    /// Where it listens.
    pub(crate) target: Target,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Baseline {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The name of the baseline server's threads: the bench reads their CPU time apart from its own.
pub(crate) const THREAD_NAME: &str = "baseline";

/// Starts serving `body` on `127.0.0.1:0`.
pub(crate) fn start(body: Bytes, content_type: HeaderValue) -> Result<Baseline> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr: SocketAddr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(THREAD_NAME)
        .enable_all()
        .build()?;
    let thread = std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let app = Router::new().fallback(move || {
                    let (body, content_type) = (body.clone(), content_type.clone());
                    async move {
                        (
                            [
                                (CONTENT_TYPE, content_type),
                                (CACHE_CONTROL, HeaderValue::from_static("no-store")),
                            ],
                            body,
                        )
                            .into_response()
                    }
                });
                let _served = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        })
        .map_err(|e| anyhow!("starting the baseline thread: {e}"))?;
    Ok(Baseline {
        target: Target {
            addr,
            base: format!("http://{addr}"),
        },
        stop: Some(stop),
        thread: Some(thread),
    })
}
