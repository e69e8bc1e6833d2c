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
/// The notification queue's use from which each count logs a warning.
const WARN_QUEUE_USAGE: f64 = 0.5;

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
            Ok((n, usage)) => {
                if usage >= WARN_QUEUE_USAGE {
                    // Wake-ups carry chats and events (~1.5 KB each), so under load a node
                    // that stopped reading fills the queue in minutes; when full, every
                    // write fails.
                    tracing::warn!(
                        queue.usage = usage,
                        "PostgreSQL's notification queue is {:.0} % full: a node has stopped \
                         reading its wake-ups (docs/postgres.md)",
                        usage * 100.0
                    );
                }
                n > 0
            }
            Err(e) => {
                tracing::debug!(error = %e, "cannot count the wake-up listeners");
                true
            }
        };
        self.others
    }
}

/// Connections of this database but `own` whose last statement is the wake-ups' `LISTEN`,
/// or is hidden from this role; and how full the server's notification queue is (0 to 1),
/// asked in the same round trip.
async fn count_listeners(pool: &Pool, own: i32) -> anyhow::Result<(i64, f64)> {
    let client = pool.get().await?;
    let sql = "SELECT (SELECT count(*) FROM pg_stat_activity
                       WHERE datname = current_database() AND pid <> $2
                         AND (query = $1 OR query = '<insufficient privilege>')),
                      pg_notification_queue_usage()";
    let listen = format!("LISTEN {}", wake::CHANNEL);
    let row = client.query_one(sql, &[&listen, &own]).await?;
    Ok((row.get(0), row.get(1)))
}

#[cfg(test)]
mod tests {
    use deadpool_postgres::{Manager, ManagerConfig};
    use tokio_postgres::NoTls;

    use super::*;

    /// Connects to `config`, spawning the connection's driver.
    async fn connect(config: &tokio_postgres::Config) -> tokio_postgres::Client {
        let (client, connection) = config.connect(NoTls).await.expect("connect");
        tokio::spawn(connection);
        client
    }

    #[tokio::test]
    async fn peers_are_the_other_listeners_of_the_database() {
        // Arrange: a database of its own, so no other test's listener is counted.
        let Some(url) = std::env::var("CHATWIRE_TEST_PG_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            eprintln!("SKIPPED peers test: CHATWIRE_TEST_PG_URL is not set");
            return;
        };
        let config: tokio_postgres::Config = url.parse().expect("the test URL");
        let admin = connect(&config).await;
        let name = format!("cw_peers_{}", std::process::id());
        if let Err(e) = admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
        {
            eprintln!("SKIPPED peers test: cannot create a database: {e}");
            return;
        }
        let mut own_config = config.clone();
        own_config.dbname(&name);
        let manager = Manager::from_config(own_config.clone(), NoTls, ManagerConfig::default());
        let pool = Pool::builder(manager).max_size(2).build().expect("pool");
        let own = Arc::new(AtomicI32::new(0));
        let fresh = || Peers::new(Arc::clone(&own));

        // Act + Assert: alone, then with a listener, then with that listener as our own.
        let alone = fresh().listening(&pool).await;
        let listener = connect(&own_config).await;
        let pid: i32 = listener
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .expect("pid")
            .get(0);
        listener
            .batch_execute(&format!("LISTEN {}", wake::CHANNEL))
            .await
            .expect("listen");
        let with_one = fresh().listening(&pool).await;
        own.store(pid, Ordering::SeqCst);
        let with_ours = fresh().listening(&pool).await;

        drop((listener, pool));
        let drop = format!("DROP DATABASE {name} WITH (FORCE)");
        admin.batch_execute(&drop).await.expect("drop the database");
        assert_eq!((alone, with_one, with_ours), (false, true, false));
    }
}
