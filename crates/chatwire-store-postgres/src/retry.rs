//! Running a whole write transaction again when PostgreSQL rolled it back for a serialization
//! failure or a deadlock (SQLSTATE 40001 / 40P01).
//!
//! Our lock order (a batch's chats by key, then its agents by id, then the counter; see
//! `seq`) makes deadlocks between appenders impossible, and READ COMMITTED raises no serialization failures for our statements; but a
//! deadlock with an unforeseen path (an operator's script, a future change) should cost a
//! retry, not a 500. Only a transaction that did not commit is retried, so nothing is applied
//! twice.

use std::future::Future;
use std::time::Duration;

use chatwire_store::StoreResult;

use crate::error;

/// Attempts in all, the first one included.
const TRIES: u32 = 4;

/// Runs `attempt` until it succeeds, fails for a reason a retry cannot fix, or [`TRIES`] runs
/// out. Each attempt must open its own transaction.
pub(crate) async fn retrying<T, F, Fut>(mut attempt: F) -> StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(e) if tries < TRIES && error::is_retryable(&e) => {
                tracing::debug!(error = %e, tries, "retrying a rolled-back transaction");
                // A short, growing pause lets the other side of a deadlock finish first.
                tokio::time::sleep(Duration::from_millis(5 * u64::from(tries))).await;
                tries += 1;
            }
            outcome => return outcome,
        }
    }
}
