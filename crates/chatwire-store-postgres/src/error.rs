//! Mapping PostgreSQL and pool failures onto [`StoreError`], in one place.
//!
//! The split follows what the caller can do about it, as in the SQLite backend:
//! - a unique violation (23505) is the client's fault: `Conflict`, with a message the call site
//!   words ("login name x is taken");
//! - anything that says "the database is not there right now" may heal on retry:
//!   `Unavailable` (503). That is a pool timeout or a connection that cannot be made, a closed
//!   connection, an I/O error, SQLSTATE class 08 (connection exception), 57P01/57P02/57P03
//!   (admin/crash shutdown, cannot connect now) and 53300 (too many connections);
//! - the rest is a bug or corrupt data: `Other` (500). Serialization failures and deadlocks
//!   (40001, 40P01) land here too, but [`is_retryable`] lets the write paths run the whole
//!   transaction again before giving up.
//!
//! Never panic on what the database returns.

use std::error::Error as _;

use chatwire_store::StoreError;
use deadpool_postgres::PoolError;
use tokio_postgres::error::SqlState;

/// Maps a driver error with no more specific meaning at the call site.
pub(crate) fn pg(err: tokio_postgres::Error) -> StoreError {
    match classify(&err) {
        Class::Unique => StoreError::Conflict(err.to_string()),
        Class::Transient => StoreError::Unavailable(anyhow::Error::new(err)),
        Class::Other => StoreError::Other(anyhow::Error::new(err)),
    }
}

/// Like [`pg`], but a unique violation becomes `Conflict(what())`, so the client reads
/// "login name x is taken" rather than the constraint's name.
pub(crate) fn unique_as(
    what: impl FnOnce() -> String,
) -> impl FnOnce(tokio_postgres::Error) -> StoreError {
    move |err| match classify(&err) {
        Class::Unique => StoreError::Conflict(what()),
        _ => pg(err),
    }
}

/// Maps a failure to check a connection out of the pool. A timeout means every connection is
/// busy or none can be made (the database is down): both are retryable from the client's side.
pub(crate) fn pool(err: PoolError) -> StoreError {
    match err {
        PoolError::Backend(e) => pg(e),
        PoolError::Timeout(kind) => {
            StoreError::Unavailable(anyhow::anyhow!("PostgreSQL pool timed out ({kind:?})"))
        }
        PoolError::Closed => StoreError::Unavailable(anyhow::anyhow!("PostgreSQL pool is closed")),
        PoolError::PostCreateHook(e) => {
            StoreError::Unavailable(anyhow::anyhow!("PostgreSQL connection setup failed: {e}"))
        }
        PoolError::NoRuntimeSpecified => {
            StoreError::Other(anyhow::anyhow!("PostgreSQL pool has no runtime"))
        }
    }
}

/// A stored value that does not decode (bad JSON, an unknown enum name, an out-of-range
/// number). Only a bug or a hand-edited database gets here.
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Other(anyhow::anyhow!("corrupt {what} row: {detail}"))
}

/// Whether `err` is a serialization failure or a deadlock: the transaction was rolled back
/// whole and running it again from the start is safe and likely to succeed.
pub(crate) fn is_retryable(err: &StoreError) -> bool {
    let StoreError::Other(any) = err else {
        return false;
    };
    any.downcast_ref::<tokio_postgres::Error>()
        .and_then(tokio_postgres::Error::code)
        .is_some_and(|c| {
            *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
        })
}

#[derive(Debug, PartialEq, Eq)]
enum Class {
    Unique,
    Transient,
    Other,
}

fn classify(err: &tokio_postgres::Error) -> Class {
    if let Some(code) = err.code() {
        return classify_code(code.code());
    }
    // No SQLSTATE: the driver's own failure. A closed connection or any I/O error underneath
    // (refused, reset, timed out) means the server is gone for now.
    if err.is_closed() || has_io_source(err) {
        Class::Transient
    } else {
        Class::Other
    }
}

fn classify_code(code: &str) -> Class {
    match code {
        "23505" => Class::Unique,
        "57P01" | "57P02" | "57P03" | "53300" => Class::Transient,
        c if c.starts_with("08") => Class::Transient,
        _ => Class::Other,
    }
}

fn has_io_source(err: &tokio_postgres::Error) -> bool {
    let mut source = err.source();
    while let Some(e) = source {
        if e.is::<std::io::Error>() {
            return true;
        }
        source = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_fall_into_the_documented_classes() {
        assert_eq!(classify_code("23505"), Class::Unique);
        for transient in ["08006", "08001", "57P01", "57P02", "57P03", "53300"] {
            assert_eq!(classify_code(transient), Class::Transient, "{transient}");
        }
        for other in ["42601", "23503", "40001", "40P01", "22P02"] {
            assert_eq!(classify_code(other), Class::Other, "{other}");
        }
    }

    #[test]
    fn a_pool_timeout_is_unavailable() {
        let err = pool(PoolError::Timeout(deadpool_postgres::TimeoutType::Wait));
        assert!(matches!(err, StoreError::Unavailable(_)));
    }

    #[test]
    fn only_driver_errors_can_be_retried() {
        assert!(!is_retryable(&StoreError::Other(anyhow::anyhow!("x"))));
        assert!(!is_retryable(&StoreError::NotFound("chat")));
    }
}
