//! PostgreSQL integration tests, in one binary (one link, one build).
//!
//! They need a server: set `CHATWIRE_TEST_PG_URL` (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`). Without it every test prints a notice and
//! passes, so `cargo test` works on machines without PostgreSQL. Each test works in a fresh
//! schema of its own, so they run in parallel against one database and leave nothing behind.

mod account_events;
mod batching;
mod common;
mod conformance;
mod history_bench;
mod multi_node;
mod upgrade;
mod wakeups;
