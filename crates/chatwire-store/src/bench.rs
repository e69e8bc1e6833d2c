//! Benchmarks of history, statistics and retention that every backend runs on its own store
//! (`chatwire-store-sqlite/tests/history_bench.rs`, `chatwire-store-postgres/tests/pg`), behind
//! the `testing` feature. They measure, they do not assert figures: run them in release
//! (docs/performance.md, "History, statistics and retention").
//!
//! - [`fill`]: a busy account's month: `chats` chats spread over 30 days, each accepted, with
//!   `lines` lines alternating visitor and agent, then ended; written by 32 concurrent tasks
//!   (so group commit and the pool work as in production).
//! - [`stats`]: the statistics of that month by hour, as the engine computes them.
//! - [`retention`]: retention steps of `batch` chats over the whole account while 8 tasks
//!   append lines to open chats of another account; the longest append stall is the figure.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chatwire_core::chat::AssignedAgent;
use chatwire_core::history::{StatsBy, aggregate};
use chatwire_core::{
    Account, AccountId, Actor, Availability, ChatCommand, ChatKey, ChatRequest, LineSubType,
    MaxChats, NewAgent, NewChat, TextType, Timestamp,
};

use crate::Store;

const DAY_MS: i64 = 86_400_000;
const WORDS: [&str; 16] = [
    "order", "refund", "parcel", "delivery", "invoice", "password", "account", "broken", "thanks",
    "please", "where", "when", "help", "price", "return", "label",
];

/// How many chats and lines [`fill`] wrote, and how long it took.
#[derive(Debug, Clone, Copy)]
pub struct Filled {
    /// Chats written.
    pub chats: u64,
    /// Events written (opening events, accept, lines, end).
    pub events: u64,
    /// Wall time.
    pub took: Duration,
}

/// Creates `account` (with one agent) and fills it as the module doc says, starting at `start`.
pub async fn fill(
    store: Arc<dyn Store>,
    account: &AccountId,
    start: Timestamp,
    chats: u64,
    lines: u32,
) -> Filled {
    let acc = Account {
        id: account.clone(),
        name: "Bench".into(),
        created_at: Timestamp(1),
    };
    store.create_account(&acc).await.expect("account");
    let new = NewAgent {
        account: account.clone(),
        login_name: "bench".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        nickname: "bench".into(),
        display_name: "Bench".into(),
        email: String::new(),
        max_chats: MaxChats::from(-1),
        skills: vec![],
        is_admin: false,
    };
    let mut made = store.create_agent(&new).await.expect("agent");
    made.availability = Availability::Online;
    store
        .update_agent(&made, chatwire_core::Timestamp(0))
        .await
        .expect("online");
    let agent = AssignedAgent {
        id: made.id,
        name: made.nickname,
    };
    let started = Instant::now();
    const TASKS: u64 = 32;
    let step = (30 * DAY_MS) / i64::try_from(chats.max(1)).unwrap_or(1);
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (store, account, agent) = (Arc::clone(&store), account.clone(), agent.clone());
            tokio::spawn(async move {
                let mut events = 0u64;
                for i in (t..chats).step_by(TASKS as usize) {
                    let at = start.0 + i64::try_from(i).unwrap_or(0) * step;
                    events += one_chat(&*store, &account, &agent, i, at, lines).await;
                }
                events
            })
        })
        .collect();
    let mut events = 0;
    for t in tasks {
        events += t.await.expect("fill task");
    }
    Filled {
        chats,
        events,
        took: started.elapsed(),
    }
}

fn line(author: Actor, i: u64, n: u32) -> ChatCommand {
    let w = |k: u64| WORDS[usize::try_from(k % WORDS.len() as u64).unwrap_or(0)];
    ChatCommand::PostLine {
        author,
        text: format!(
            "{} {} {} number {i}-{n}",
            w(i + u64::from(n)),
            w(i * 7 + 3),
            w(u64::from(n) * 5)
        ),
        text_type: TextType::Plain,
        json: None,
        sub_type: LineSubType::Regular,
    }
}

fn account_salt(account: &AccountId) -> u128 {
    account.as_str().bytes().fold(0xbe7c_u128, |h, b| {
        h.wrapping_mul(131).wrapping_add(u128::from(b))
    }) & u128::from(u64::MAX)
}

fn new_chat(account: &AccountId, i: u64) -> NewChat {
    NewChat {
        // Keys are unique server-wide: the account's name goes into them.
        key: ChatKey::from_random(
            i,
            u128::from(i) << 64 | account_salt(account),
            u32::try_from(i % 1_000_000).unwrap_or(0),
        ),
        account: account.clone(),
        skill: None,
        visitor_name: "visitor".into(),
        visitor_id: i64::try_from(i).unwrap_or(0),
        chat_timeout_secs: 40,
        pre_chat_lines: vec![],
        preferred_agent: None,
        request: ChatRequest::default(),
    }
}

async fn one_chat(
    store: &dyn Store,
    account: &AccountId,
    agent: &AssignedAgent,
    i: u64,
    at: i64,
    lines: u32,
) -> u64 {
    let c = store
        .create_chat(new_chat(account, i), Timestamp(at))
        .await
        .expect("chat");
    let key = c.chat.key;
    let mut events = c.events.len() as u64;
    let accept = ChatCommand::Accept {
        agent: agent.clone(),
        welcome: None,
    };
    events += exec(store, account, &key, accept, at + 5_000).await;
    let me = Actor::Agent {
        id: agent.id,
        name: agent.name.clone(),
    };
    for n in 0..lines {
        let author = if n % 2 == 0 {
            Actor::Visitor
        } else {
            me.clone()
        };
        events += exec(
            store,
            account,
            &key,
            line(author, i, n),
            at + 6_000 + i64::from(n) * 1_000,
        )
        .await;
    }
    let end = ChatCommand::End { by: me };
    events
        + exec(
            store,
            account,
            &key,
            end,
            at + 10_000 + i64::from(lines) * 1_000,
        )
        .await
}

async fn exec(
    store: &dyn Store,
    account: &AccountId,
    key: &ChatKey,
    cmd: ChatCommand,
    at: i64,
) -> u64 {
    let c = store
        .execute(account, key, cmd, Timestamp(at))
        .await
        .expect("write");
    c.events.len() as u64
}

/// Statistics of `[from, to)` by hour, as the engine computes them: the fastest of `rounds`
/// runs, and the row count.
pub async fn stats(
    store: &dyn Store,
    account: &AccountId,
    from: Timestamp,
    to: Timestamp,
    rounds: u32,
) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut rows = 0;
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        let facts = store.chat_facts(account, from, to).await.expect("facts");
        rows = aggregate(&facts, StatsBy::Hour).len();
        best = best.min(started.elapsed());
    }
    (best, rows)
}

/// What a retention run measured.
#[derive(Debug, Clone, Copy)]
pub struct RetentionFigures {
    /// Chats deleted.
    pub chats: u64,
    /// Events deleted.
    pub events: u64,
    /// Steps (transactions).
    pub steps: u32,
    /// Wall time of the whole run.
    pub took: Duration,
    /// Longest single step.
    pub longest_step: Duration,
    /// Appends made meanwhile.
    pub appends: u64,
    /// The slowest of them (the stall retention caused, at most).
    pub longest_append: Duration,
    /// The slowest append before retention started (the baseline).
    pub baseline_append: Duration,
}

/// Deletes every chat of `account` that ended before `cutoff`, `batch` per step with `pause`
/// between steps (as the engine's sweep does), while 8 tasks append lines to chats of another
/// account `writers` (created here).
pub async fn retention(
    store: Arc<dyn Store>,
    account: &AccountId,
    writers: &AccountId,
    cutoff: Timestamp,
    batch: u32,
    pause: Duration,
) -> RetentionFigures {
    let acc = Account {
        id: writers.clone(),
        name: "Writers".into(),
        created_at: Timestamp(1),
    };
    store.create_account(&acc).await.expect("account");
    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..8u64)
        .map(|t| {
            let (store, writers, stop, measuring) = (
                Arc::clone(&store),
                writers.clone(),
                Arc::clone(&stop),
                Arc::clone(&measuring),
            );
            tokio::spawn(async move {
                let key = store
                    .create_chat(new_chat(&writers, 9_000_000 + t), cutoff)
                    .await
                    .expect("chat")
                    .chat
                    .key;
                let (mut baseline, mut during, mut n) = (Duration::ZERO, Duration::ZERO, 0u64);
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    store
                        .execute(&writers, &key, line(Actor::Visitor, t, 0), cutoff)
                        .await
                        .expect("append");
                    let took = started.elapsed();
                    if measuring.load(Ordering::Relaxed) {
                        during = during.max(took);
                        n += 1;
                    } else {
                        baseline = baseline.max(took);
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                (baseline, during, n)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    let (mut chats, mut events, mut steps, mut longest_step) = (0, 0, 0, Duration::ZERO);
    loop {
        let t = Instant::now();
        let step = store
            .sweep_retention(account, cutoff, batch)
            .await
            .expect("sweep");
        longest_step = longest_step.max(t.elapsed());
        steps += 1;
        chats += step.chats.len() as u64;
        events += step.events;
        if step.chats.len() < batch as usize {
            break;
        }
        tokio::time::sleep(pause).await;
    }
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (mut baseline_append, mut longest_append, mut appends) =
        (Duration::ZERO, Duration::ZERO, 0);
    for t in tasks {
        let (b, d, n) = t.await.expect("writer");
        baseline_append = baseline_append.max(b);
        longest_append = longest_append.max(d);
        appends += n;
    }
    RetentionFigures {
        chats,
        events,
        steps,
        took,
        longest_step,
        appends,
        longest_append,
        baseline_append,
    }
}

/// A size from the environment variable `name`, else `default` (benches shrink in debug runs).
pub fn size(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
