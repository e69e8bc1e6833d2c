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
    /// Rendered LivePerson chat resources, reused while unchanged.
    pub fragments: crate::liveperson::fragments::FragmentCache,
    /// Request size limits (`[limits]`).
    pub limits: crate::limits::RequestLimits,
}

impl AppState {
    /// State over `engine` with `http` settings.
    pub fn new(engine: Engine, http: HttpSettings) -> Self {
        Self::with_limits(engine, http, crate::limits::RequestLimits::default())
    }

    /// State over `engine` with `http` settings and request `limits`.
    pub fn with_limits(
        engine: Engine,
        http: HttpSettings,
        limits: crate::limits::RequestLimits,
    ) -> Self {
        Self(Arc::new(Inner {
            engine,
            http,
            fragments: crate::liveperson::fragments::FragmentCache::default(),
            limits,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
