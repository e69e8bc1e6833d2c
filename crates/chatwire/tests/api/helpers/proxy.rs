//! [`TcpProxy`]: a byte pipe between a server and PostgreSQL that a test can cut and restore,
//! to show what a node does when it loses its database (503s, then recovery without restart).
//!
//! Stopping closes the listening socket and every proxied connection at once, as a database
//! restart or a network cut would; restarting listens again on the same port.

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A TCP proxy on 127.0.0.1 to a fixed target.
pub(crate) struct TcpProxy {
    port: u16,
    target: String,
    task: Option<JoinHandle<()>>,
}

impl TcpProxy {
    /// Listens on a free port and forwards every connection to `target` (`host:port`).
    pub(crate) async fn start(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let mut proxy = Self {
            port,
            target: target.to_owned(),
            task: None,
        };
        proxy.task = Some(tokio::spawn(serve(listener, proxy.target.clone())));
        proxy
    }

    /// `127.0.0.1:PORT`, for [`super::pg::via`].
    pub(crate) fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Cuts every connection and stops listening; returns once the sockets are closed.
    pub(crate) async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port (new connections only: the old ones stay cut).
    pub(crate) async fn restart(&mut self) {
        self.stop().await;
        // tokio sets SO_REUSEADDR, so the port is free again at once.
        let listener = TcpListener::bind(self.address())
            .await
            .expect("re-bind proxy port");
        self.task = Some(tokio::spawn(serve(listener, self.target.clone())));
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Accepts and pipes until aborted; the connections live in a `JoinSet` owned by this task, so
/// aborting it drops (closes) all of them too.
async fn serve(listener: TcpListener, target: String) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((mut inbound, _)) = accepted else { continue };
                let target = target.clone();
                connections.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
            // Reap finished pipes so the set does not grow for the whole test.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
