//! [`AppState`]: what every request can reach. Cloning is one `Arc` increment.

use std::sync::Arc;

use chatwire_engine::Engine;

use crate::HttpSettings;

/// Shared state of the HTTP layer.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

/// The contents of [`AppState`].
#[derive(Debug)]
pub struct Inner {
    /// The chat engine.
    pub engine: Engine,
    /// HTTP-level settings (public URL, trusted proxies).
    pub http: HttpSettings,
    /// Request size limits (`[limits]`).
    pub limits: crate::limits::RequestLimits,
    /// This node's Prometheus metrics (`/metrics`).
    pub metrics: crate::metrics::Metrics,
    /// Request ids for requests that bring none.
    pub request_ids: crate::trace::RequestIds,
}

impl AppState {
    /// State over `engine` with `http` settings and fresh metrics.
    pub fn new(engine: Engine, http: HttpSettings) -> Self {
        Self::with_parts(
            engine,
            http,
            crate::limits::RequestLimits::default(),
            crate::metrics::Metrics::new(),
        )
    }

    /// State over `engine` with `http` settings, request `limits`, and `metrics` shared with
    /// whoever else records into them (the binary hands the same metrics to the store wrapper
    /// that times store calls).
    pub fn with_parts(
        engine: Engine,
        http: HttpSettings,
        limits: crate::limits::RequestLimits,
        metrics: crate::metrics::Metrics,
    ) -> Self {
        // A random prefix keeps two nodes' request ids apart; without randomness, a fixed one
        // still leaves ids unique within this process.
        let prefix = engine.random_token(4).unwrap_or_else(|_| "0".to_owned());
        Self(Arc::new(Inner {
            engine,
            http,
            limits,
            metrics,
            request_ids: crate::trace::RequestIds::new(prefix),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
