//! The `chatwire` binary: parse the command line, run it, and print a failure as one readable
//! line. Everything else is in the library.

use std::process::ExitCode;

use clap::Parser as _;

/// mimalloc instead of glibc's malloc: measured in docs/performance.md (allocation is a fifth of
/// the server's CPU under load, and glibc's arenas kept freed heap after large evictions).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
