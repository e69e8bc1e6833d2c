//! Mapping SQLite failures onto [`StoreError`], in one place.
//!
//! The split follows what the caller can do about it: a unique-constraint violation is the
//! client's fault (`Conflict`, 409); a busy/locked database, an I/O failure, a full disk or a
//! writer thread that is gone may heal on retry (`Unavailable`, 503); anything else is a bug or
//! corrupt data (`Other`, 500). Never panic on what the database returns.

use chatwire_store::StoreError;
use rusqlite::ErrorCode;
use rusqlite::ffi;

/// Maps a driver error with no more specific meaning at the call site.
pub(crate) fn sql(err: rusqlite::Error) -> StoreError {
    match classify(&err) {
        Class::Unique => StoreError::Conflict(err.to_string()),
        Class::Transient => StoreError::Unavailable(anyhow::Error::new(err)),
        Class::Other => StoreError::Other(anyhow::Error::new(err)),
    }
}

/// Like [`sql`], but a unique-constraint violation becomes `Conflict(what())`, so the client
/// reads "login name x is taken" rather than SQLite's "UNIQUE constraint failed: agents.…".
pub(crate) fn unique_as(
    what: impl FnOnce() -> String,
) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |err| match classify(&err) {
        Class::Unique => StoreError::Conflict(what()),
        _ => sql(err),
    }
}

/// A stored value that does not decode (bad JSON, an unknown enum name, an out-of-range
/// number). Only a bug or a hand-edited database gets here.
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Other(anyhow::anyhow!("corrupt {what} row: {detail}"))
}

/// The writer thread is gone (shut down or died): retryable from the client's point of view.
pub(crate) fn writer_gone() -> StoreError {
    StoreError::Unavailable(anyhow::anyhow!("the SQLite writer has stopped"))
}

enum Class {
    Unique,
    Transient,
    Other,
}

fn classify(err: &rusqlite::Error) -> Class {
    let Some(ffi::Error {
        code,
        extended_code,
    }) = err.sqlite_error()
    else {
        return Class::Other;
    };
    match code {
        ErrorCode::ConstraintViolation
            if matches!(
                *extended_code,
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            ) =>
        {
            Class::Unique
        }
        ErrorCode::DatabaseBusy
        | ErrorCode::DatabaseLocked
        | ErrorCode::SystemIoFailure
        | ErrorCode::DiskFull
        | ErrorCode::CannotOpen
        | ErrorCode::FileLockingProtocolFailed
        | ErrorCode::OutOfMemory
        | ErrorCode::ReadOnly => Class::Transient,
        _ => Class::Other,
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    #[test]
    fn unique_violation_is_a_conflict_with_the_callers_message() {
        // Arrange
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch("CREATE TABLE t (k TEXT PRIMARY KEY); INSERT INTO t VALUES ('a');")
            .expect("schema");

        // Act
        let err = conn
            .execute("INSERT INTO t VALUES ('a')", [])
            .expect_err("duplicate");

        // Assert
        let mapped = unique_as(|| "k a exists".into())(err);
        assert!(matches!(mapped, StoreError::Conflict(m) if m == "k a exists"));
    }

    #[test]
    fn syntax_errors_are_other_not_unavailable() {
        let conn = Connection::open_in_memory().expect("open");
        let err = conn.execute("SELEKT 1", []).expect_err("bad sql");
        assert!(matches!(sql(err), StoreError::Other(_)));
    }

    #[test]
    fn a_busy_database_is_unavailable() {
        let err = rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_BUSY), None);
        assert!(matches!(sql(err), StoreError::Unavailable(_)));
    }
}
