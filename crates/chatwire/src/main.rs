//! The `chatwire` binary: parse the command line, run it, and print a failure as one readable
//! line. Everything else is in the library.

use std::process::ExitCode;

use clap::Parser as _;

/// jemalloc instead of glibc's malloc: a fifth less server CPU per request and per line under
/// load, with the same or less memory (docs/performance.md, "Allocator").
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    match chatwire::cli::run(chatwire::cli::Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not `main() -> anyhow::Result`: that prints `{:?}`, a backtrace whenever
            // RUST_BACKTRACE happens to be set. A backtrace is for developers who ask for it.
            eprintln!(
                "{}",
                chatwire::telemetry::error_report(
                    &e,
                    std::env::var_os("CHATWIRE_BACKTRACE").as_deref()
                )
            );
            ExitCode::FAILURE
        }
    }
}
