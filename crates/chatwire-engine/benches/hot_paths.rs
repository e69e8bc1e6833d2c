//! Criterion benches of the engine's hot paths over the real SQLite store (fsync on commit):
//! - `empty_poll_50_chats`: one multi-chat poll of 50 chats with nothing new;
//! - `empty_poll_history/{10,20000}`: the same poll when each chat has a short or long history
//!   (the cost must not depend on history length);
//! - `append_64_writers`: fsync'd line appends from 64 concurrent writers (group commit).
//!
//! Run: `cargo bench -p chatwire-engine --bench hot_paths`. Sized for a 2-core machine.

#![expect(missing_docs, reason = "criterion generates the bench entry points")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chatwire_core::{AccountId, ChatKey, EventId, NewAppKey};
use chatwire_engine::{
    Caller, ChatRequestInput, Cursor, Engine, EngineConfig, LineInput, NewSkillInput, VisitorCaller,
};
use chatwire_store_sqlite::SqliteStore;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tokio::runtime::Runtime;

struct Bed {
    engine: Engine,
    account: AccountId,
    /// The visitor application the polls read as.
    visitor: Caller,
    /// The same application, writing visitor lines.
    writer: VisitorCaller,
    _dir: tempfile::TempDir,
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

async fn bed() -> Bed {
    let dir = tempfile::tempdir().expect("tmp");
    let store = SqliteStore::open(&dir.path().join("bench.db")).expect("open");
    let engine = Engine::new(Arc::new(store), EngineConfig::default());
    let account = engine
        .create_account("1000", "bench")
        .await
        .expect("account")
        .id;
    engine
        .create_skill(
            &account,
            NewSkillInput {
                name: "Sales".into(),
                ..NewSkillInput::default()
            },
        )
        .await
        .expect("skill");
    let key = NewAppKey {
        key: "bench-visitor-key".into(),
        account: account.clone(),
        name: "bench".into(),
        can_read_feed: false,
        allowed_origins: Vec::new(),
    };
    engine.create_app_key(&key).await.expect("app key");
    let writer = engine
        .visitor_caller(&account, &key.key)
        .await
        .expect("visitor");
    let visitor = Caller::Visitor(writer.clone());
    Bed {
        engine,
        account,
        visitor,
        writer,
        _dir: dir,
    }
}

/// Opens `n` chats with `lines` visitor lines each; returns (key, next cursor) pairs.
async fn chats(bed: &Bed, n: usize, lines: usize) -> Vec<(ChatKey, EventId)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let key = bed
            .engine
            .request_chat_from(&bed.account, ChatRequestInput::default(), None)
            .await
            .expect("chat")
            .chat
            .key;
        let mut writers = Vec::new();
        for w in 0..16 {
            let (engine, writer, key) = (bed.engine.clone(), bed.writer.clone(), key.clone());
            writers.push(tokio::spawn(async move {
                for i in (w..lines).step_by(16) {
                    engine
                        .visitor_post_line(&writer, &key, LineInput::plain(format!("line {i}")))
                        .await
                        .expect("line");
                }
            }));
        }
        for w in writers {
            w.await.expect("writer");
        }
        let next = bed
            .engine
            .read_events(&bed.visitor, &key, Cursor::From(EventId(0)), Duration::ZERO)
            .await
            .expect("read");
        out.push((key, next.chat.next_event_id));
    }
    out
}

fn empty_poll(c: &mut Criterion) {
    let rt = runtime();
    let bed = rt.block_on(bed());
    let cursors = rt.block_on(chats(&bed, 50, 3));
    let mut group = c.benchmark_group("empty_poll_50_chats");
    group.throughput(Throughput::Elements(50));
    group.bench_function("read_chats", |b| {
        b.to_async(&rt).iter(|| async {
            let views = bed
                .engine
                .read_events_many(&bed.visitor, &cursors, Duration::ZERO)
                .await;
            assert!(
                views
                    .iter()
                    .all(|v| v.as_ref().is_ok_and(|v| v.events.is_empty()))
            );
        });
    });
    group.finish();
}

fn history_independence(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("empty_poll_history");
    group.sample_size(30);
    for history in [10usize, 20_000] {
        let bed = rt.block_on(bed());
        // Five long chats polled ten times each: 50 chat reads per iteration, like the 50-chat poll.
        let cursors = rt.block_on(chats(&bed, 5, history));
        let asked: Vec<(ChatKey, EventId)> = cursors.iter().cycle().take(50).cloned().collect();
        group.bench_with_input(BenchmarkId::from_parameter(history), &asked, |b, asked| {
            b.to_async(&rt).iter(|| async {
                bed.engine
                    .read_events_many(&bed.visitor, asked, Duration::ZERO)
                    .await
            });
        });
    }
    group.finish();
}

fn appends(c: &mut Criterion) {
    let rt = runtime();
    let bed = rt.block_on(bed());
    let keys: Vec<ChatKey> = rt
        .block_on(chats(&bed, 64, 0))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut group = c.benchmark_group("append_64_writers");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    let per_writer = 50u64;
    group.throughput(Throughput::Elements(64 * per_writer));
    group.bench_function("fsyncd_lines", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let (engine, writer, keys) = (bed.engine.clone(), bed.writer.clone(), keys.clone());
            async move {
                let start = Instant::now();
                for _ in 0..iters {
                    let tasks: Vec<_> = keys
                        .iter()
                        .map(|key| {
                            let (engine, writer, key) =
                                (engine.clone(), writer.clone(), key.clone());
                            tokio::spawn(async move {
                                for i in 0..per_writer {
                                    engine
                                        .visitor_post_line(
                                            &writer,
                                            &key,
                                            LineInput::plain(format!("l{i}")),
                                        )
                                        .await
                                        .expect("line");
                                }
                            })
                        })
                        .collect();
                    for t in tasks {
                        t.await.expect("writer");
                    }
                }
                start.elapsed()
            }
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = empty_poll, history_independence, appends
}
criterion_main!(benches);
