//! The `chatwire` binary: parse the command line and run it. Everything else is in the library.

use clap::Parser as _;

/// mimalloc instead of glibc malloc: a poll answer allocates and frees many small buffers on
/// whichever worker thread runs it, where glibc's arenas spent ~20% of the server's CPU
/// (docs/performance.md, scenario a).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    chatwire::cli::run(chatwire::cli::Cli::parse()).await
}
