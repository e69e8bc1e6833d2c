//! [`StoreError`]: small and matchable. Backends map their driver errors into it.

use chatwire_core::DomainError;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist (or belongs to another account).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule was violated (e.g. a login name that exists).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The domain rules refused the command (decided inside the transaction).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The database cannot be reached or is shutting down; retryable (503).
    #[error("store unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else: a bug or corrupt data (500).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;
