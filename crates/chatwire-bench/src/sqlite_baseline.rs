//! (d)'s baseline (issue 18): a bare SQLite group-commit insert loop on the same disk as the
//! server's database, so (d) can be judged against what the disk allows that day. One thread
//! inserts rows shaped like chatwire's line events (the same columns and feed index as
//! `chat_events`) in transactions of 64 rows, with the server's settings (WAL,
//! `synchronous=FULL`), closed-loop for a warm-up and a measured window. No HTTP, no JSON
//! encoding of requests, no engine: the figure is the ceiling for 64 writers per commit.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use rusqlite::{Connection, params};

use crate::stats::Summary;

/// Rows per transaction: one per (d) writer, the most one group commit of (d) can carry.
pub(crate) const ROWS_PER_COMMIT: usize = 64;

/// What one run measured: rows per second, and the latency of each 64-row commit.
#[derive(Debug, Clone)]
pub(crate) struct Measured {
    /// Rate is rows/s; latencies are per transaction (begin → fsync'd commit).
    pub(crate) summary: Summary,
}

/// Runs the loop in a fresh database under `dir` (removed after).
pub(crate) fn run(dir: &Path, warmup: Duration, measure: Duration) -> Result<Measured> {
    let tmp = tempfile::Builder::new()
        .prefix("chatwire-bench-sqlite-")
        .tempdir_in(dir)
        .with_context(|| format!("a temporary directory in {}", dir.display()))?;
    let conn = Connection::open(tmp.path().join("baseline.db"))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(
        "CREATE TABLE events (
             seq INTEGER PRIMARY KEY, chat_num INTEGER NOT NULL, event_id INTEGER NOT NULL,
             account_id TEXT NOT NULL, at INTEGER NOT NULL, kind_json TEXT NOT NULL,
             UNIQUE (chat_num, event_id));
         CREATE INDEX events_feed ON events (account_id, seq);",
    )?;
    let kind = r#"{"Line":{"text":"Hello, how can I help you today?","text_type":"Plain","source":"Agent","by":{"Agent":3},"sub_type":"Regular","system_message":null}}"#;
    let start = Instant::now();
    let (from, until) = (start + warmup, start + warmup + measure);
    let mut latencies = Vec::new();
    let mut seq: i64 = 0;
    loop {
        let began = Instant::now();
        if began >= until {
            break;
        }
        let tx = conn.unchecked_transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (seq, chat_num, event_id, account_id, at, kind_json)
                 VALUES (?1, ?2, ?3, '1000', ?4, ?5)",
            )?;
            for _ in 0..ROWS_PER_COMMIT {
                seq += 1;
                let chat = seq % ROWS_PER_COMMIT as i64;
                insert.execute(params![seq, chat, seq / ROWS_PER_COMMIT as i64, seq, kind])?;
            }
        }
        tx.commit()?;
        let ended = Instant::now();
        if began >= from && ended <= until {
            latencies.push(ended - began);
        }
    }
    let commits = latencies.len();
    let mut summary = Summary::of(&mut latencies, measure);
    summary.rate = (commits * ROWS_PER_COMMIT) as f64 / measure.as_secs_f64();
    Ok(Measured { summary })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_inserts_and_counts_rows_per_second() {
        let dir = tempfile::tempdir().expect("dir");
        let m = run(dir.path(), Duration::ZERO, Duration::from_millis(200)).expect("runs");
        assert!(m.summary.count > 0, "some commits were measured");
        let rows = m.summary.count as f64 * ROWS_PER_COMMIT as f64;
        assert!((m.summary.rate - rows / 0.2).abs() < 1.0, "{:?}", m.summary);
    }
}
