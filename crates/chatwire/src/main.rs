//! The `chatwire` binary: parse the command line and run it. Everything else is in the library.

use clap::Parser as _;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    chatwire::cli::run(chatwire::cli::Cli::parse()).await
}
