//! [`EngineError`]: what a use case can fail with. No HTTP knowledge; `chatwire-api` maps each
//! variant to a status per dialect.

use chatwire_core::DomainError;
use chatwire_store::StoreError;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The domain rules refused (bad value, wrong state, not a participant, …).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The thing asked for does not exist or is not visible to the caller.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Credentials or key not valid.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// The CSRF token sent does not match the login's.
    #[error("CSRF token invalid")]
    InvalidCsrf,
    /// The caller is known but may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A uniqueness rule was violated.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Nothing to do (e.g. accepting when no chat rings).
    #[error("{0}")]
    NothingToDo(&'static str),
    /// Too many requests from this client, login or key; retry after the given time (429).
    #[error("too many requests")]
    TooManyRequests {
        /// When the caller may try again.
        retry_after: std::time::Duration,
    },
    /// Every password worker is taken; retry after the given time (503).
    #[error("busy")]
    Busy {
        /// When the caller may try again.
        retry_after: std::time::Duration,
    },
    /// The store is unreachable; retry later (503).
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// A bug or corrupt data (500); details are logged, not shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(why) => Self::Conflict(why),
            StoreError::Domain(d) => Self::Domain(d),
            StoreError::Unavailable(src) => Self::Unavailable(src),
            StoreError::Other(src) => Self::Internal(src),
        }
    }
}

/// Result of a use case.
pub type EngineResult<T> = Result<T, EngineError>;
