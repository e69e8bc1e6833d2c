//! Benchmarks of statistics and retention on PostgreSQL (`chatwire_store::bench`), the same as
//! SQLite's (`chatwire-store-sqlite/tests/history_bench.rs`). Run in release with a server:
//! `CHATWIRE_TEST_PG_URL=… cargo test -p chatwire-store-postgres --release --test pg
//! history_bench -- --ignored --nocapture` (sizes as for SQLite). The last test runs the same
//! code on a tiny schema in every test run with a server.

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{AccountId, Timestamp};
use chatwire_store::Store;
use chatwire_store::bench::{self, size};

use crate::common::TestDb;

const START: Timestamp = Timestamp(1_700_000_000_000);
const MONTH: Timestamp = Timestamp(START.0 + 30 * 86_400_000);

async fn run(db: &TestDb, chats: u64, lines: u32, retention_chats: u64, batch: u32) {
    let store: Arc<dyn Store> = Arc::new(db.store("history_bench").await);
    let acc = AccountId::parse("busy").expect("id");
    if chats > 0 {
        let filled = bench::fill(Arc::clone(&store), &acc, START, chats, lines).await;
        println!(
            "filled {} chats, {} events in {:.1?}",
            filled.chats, filled.events, filled.took
        );
        let (took, rows) = bench::stats(&*store, &acc, START, MONTH, 5).await;
        println!("statistics of the month by hour: {rows} rows in {took:.1?} (best of 5)");
    }
    if retention_chats > 0 {
        let old = AccountId::parse("old").expect("id");
        let filled = bench::fill(Arc::clone(&store), &old, START, retention_chats, lines).await;
        println!(
            "filled {} chats, {} events in {:.1?}",
            filled.chats, filled.events, filled.took
        );
        let writers = AccountId::parse("live").expect("id");
        let cutoff = Timestamp(MONTH.0 + 86_400_000);
        let f = bench::retention(
            Arc::clone(&store),
            &old,
            &writers,
            cutoff,
            batch,
            Duration::from_millis(10),
        )
        .await;
        println!(
            "retention: {} chats, {} events in {} steps of {batch} in {:.1?} (longest step {:.1?}); \
             {} appends meanwhile, longest {:.1?} (before: {:.1?})",
            f.chats,
            f.events,
            f.steps,
            f.took,
            f.longest_step,
            f.appends,
            f.longest_append,
            f.baseline_append
        );
        assert_eq!(f.chats, retention_chats);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "benchmark: run explicitly in release mode"]
async fn statistics_and_retention_at_scale() {
    let Some(db) = TestDb::new() else { return };
    let lines = u32::try_from(size("CHATWIRE_BENCH_LINES", 17)).unwrap_or(17);
    run(
        &db,
        size("CHATWIRE_BENCH_CHATS", 100_000),
        lines,
        size("CHATWIRE_BENCH_RETENTION_CHATS", 45_500),
        u32::try_from(size("CHATWIRE_BENCH_BATCH", 25)).unwrap_or(25),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_benchmarks_run_on_a_tiny_schema() {
    let Some(db) = TestDb::new() else { return };
    run(&db, 64, 3, 64, 10).await;
}
