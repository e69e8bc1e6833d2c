//! Whether other nodes listen for this database's wake-ups: only then is it worth sending a
//! chat's JSON and its new events in each wake-up (`wake::ChatWakeups`). Every node's own
//! LISTEN connection receives its own notifications too and drops them; with ~1.5 KB each, a
//! lone node measured ~6 % fewer lines per second on (d) for nothing (docs/performance.md).
//!
//! The writer task asks at most every [`RECHECK`]: it counts the connections whose last
//! statement is the `LISTEN` (`pg_stat_activity`, in this database, any schema), leaving out
//! its own store's (by backend pid). Any means peers. Sessions whose statement this role may
//! not see (another role, without `pg_read_all_stats`) count as possible peers too, and so
//! does a failed count: on that side a node only ships payloads nobody needed, on the other
//! its peers would read every change from the database. Until a new node has been counted
//! (up to [`RECHECK`]), the others' wake-ups reach it without content, so it reads what it
//! lacks: correct, only slower.
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use deadpool_postgres::Pool;

use crate::wake;

/// Longest time between two counts of the listeners.
const RECHECK: Duration = Duration::from_secs(5);

/// The writer's view of whether other nodes listen.
#[derive(Debug)]
pub(crate) struct Peers {
    /// This store's LISTEN connection's backend pid (0: none), which is not a peer.
    own: Arc<AtomicI32>,
    /// The last count's answer.
    others: bool,
    /// When it was counted (`None`: never).
    counted_at: Option<Instant>,
}

impl Peers {
    /// No count yet; `own` is this store's LISTEN connection's pid as it changes.
    pub(crate) fn new(own: Arc<AtomicI32>) -> Self {
        Self {
            own,
            others: true,
            counted_at: None,
        }
    }

    /// Whether other nodes listen, counted again when the last count is [`RECHECK`] old.
    pub(crate) async fn listening(&mut self, pool: &Pool) -> bool {
        if self.counted_at.is_some_and(|at| at.elapsed() < RECHECK) {
            return self.others;
        }
        self.counted_at = Some(Instant::now());
        self.others = match count_listeners(pool, self.own.load(Ordering::SeqCst)).await {
            Ok(n) => n > 0,
            Err(e) => {
                tracing::debug!(error = %e, "cannot count the wake-up listeners");
                true
            }
        };
        self.others
    }
}

/// Connections of this database but `own` whose last statement is the wake-ups' `LISTEN`,
/// or is hidden from this role.
async fn count_listeners(pool: &Pool, own: i32) -> anyhow::Result<i64> {
    let client = pool.get().await?;
    let sql = "SELECT count(*) FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> $2
                 AND (query = $1 OR query = '<insufficient privilege>')";
    let listen = format!("LISTEN {}", wake::CHANNEL);
    let row = client.query_one(sql, &[&listen, &own]).await?;
    Ok(row.get(0))
}
