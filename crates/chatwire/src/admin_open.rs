//! How one-shot admin commands (`account`, `skill`, `agent`, `app-key`) open the database:
//! they say on stderr which one, and they refuse to create a new SQLite file unless told to
//! (`--create`), so a command run from the wrong folder fails instead of filling a fresh empty
//! database nobody serves. `serve` and `migrate` create as before.

use anyhow::Context as _;
use chatwire_engine::Engine;

use crate::open_store;
use crate::settings::{DatabaseTarget, Settings};

/// The engine over the configured database, for one admin command.
pub async fn engine(settings: &Settings, create: bool) -> anyhow::Result<Engine> {
    announce(settings, create)?;
    let engine = Engine::new(open_store(settings).await?, settings.engine_config()?);
    // The open chats, as a server has them: rules about them (an agent or skill that open
    // chats still need, the chats a disabled agent hands back) hold on the command line too.
    engine.start().await?;
    Ok(engine)
}

/// Checks that the database exists (or may be created) and names it on stderr; stdout stays
/// the command's answer, for scripts.
fn announce(settings: &Settings, create: bool) -> anyhow::Result<()> {
    match settings.database_target()? {
        DatabaseTarget::Sqlite(path) => {
            // `try_exists`: an unreadable directory is an error to report, not "missing".
            let exists = path
                .try_exists()
                .with_context(|| format!("checking for SQLite database {}", path.display()))?;
            if !exists && !create {
                anyhow::bail!(
                    "no database at {}: pass --config, --data-dir or --database-url to name the \
                     server's database, or add --create to create a new one there",
                    path.display()
                );
            }
            let shown = std::path::absolute(&path).unwrap_or(path);
            let verb = if exists { "using" } else { "creating" };
            eprintln!("{verb} SQLite database {}", shown.display());
        }
        DatabaseTarget::Postgres(options) => {
            // The URL may hold a password: name the schema only. A missing schema is created
            // under the migration lock like any node start; PostgreSQL refuses to connect to a
            // missing database, so nothing is silently created on the wrong server.
            let schema = options.schema.as_deref().unwrap_or("(default)");
            eprintln!("using PostgreSQL schema {schema}");
        }
    }
    Ok(())
}
