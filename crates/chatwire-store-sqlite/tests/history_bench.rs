//! Benchmarks of statistics and retention on SQLite (`chatwire_store::bench`). The two
//! `#[ignore]`d ones are the figures of docs/performance.md; run them in release:
//! `cargo test -p chatwire-store-sqlite --release --test history_bench -- --ignored --nocapture`
//! (sizes: `CHATWIRE_BENCH_CHATS`, `CHATWIRE_BENCH_LINES`, `CHATWIRE_BENCH_RETENTION_CHATS`,
//! `CHATWIRE_BENCH_BATCH`). The last test runs the same code on a tiny store in every test run.

use std::sync::Arc;
use std::time::Duration;

use chatwire_core::{AccountId, Timestamp};
use chatwire_store::Store;
use chatwire_store::bench::{self, size};
use chatwire_store_sqlite::SqliteStore;

const START: Timestamp = Timestamp(1_700_000_000_000);
const MONTH: Timestamp = Timestamp(START.0 + 30 * 86_400_000);

fn open(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    Arc::new(SqliteStore::open(&dir.path().join("bench.db")).expect("open"))
}

async fn stats_of_a_month(chats: u64, lines: u32) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(&dir);
    let acc = AccountId::parse("busy").expect("id");
    let filled = bench::fill(Arc::clone(&store), &acc, START, chats, lines).await;
    println!(
        "filled {} chats, {} events in {:.1?}",
        filled.chats, filled.events, filled.took
    );
    let (took, rows) = bench::stats(&*store, &acc, START, MONTH, 5).await;
    println!("statistics of the month by hour: {rows} rows in {took:.1?} (best of 5)");
    assert!(rows > 0);
}

async fn retention_of(chats: u64, lines: u32, batch: u32) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(&dir);
    let acc = AccountId::parse("old").expect("id");
    let filled = bench::fill(Arc::clone(&store), &acc, START, chats, lines).await;
    println!(
        "filled {} chats, {} events in {:.1?}",
        filled.chats, filled.events, filled.took
    );
    let writers = AccountId::parse("live").expect("id");
    let cutoff = Timestamp(MONTH.0 + 86_400_000);
    let f = bench::retention(
        Arc::clone(&store),
        &acc,
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
    assert_eq!(f.chats, chats);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "benchmark: run explicitly in release mode"]
async fn statistics_of_a_busy_month() {
    let chats = size("CHATWIRE_BENCH_CHATS", 100_000);
    let lines = u32::try_from(size("CHATWIRE_BENCH_LINES", 20)).unwrap_or(20);
    stats_of_a_month(chats, lines).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "benchmark: run explicitly in release mode"]
async fn retention_of_a_million_events_beside_live_appends() {
    // 45,500 chats of 23 events (open 2, accept 2, 17 lines, end 2) ≈ 1.05M events.
    let chats = size("CHATWIRE_BENCH_RETENTION_CHATS", 45_500);
    let lines = u32::try_from(size("CHATWIRE_BENCH_LINES", 17)).unwrap_or(17);
    let batch = u32::try_from(size("CHATWIRE_BENCH_BATCH", 25)).unwrap_or(25);
    retention_of(chats, lines, batch).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_benchmarks_run_on_a_tiny_store() {
    stats_of_a_month(64, 3).await;
    retention_of(64, 3, 10).await;
}
