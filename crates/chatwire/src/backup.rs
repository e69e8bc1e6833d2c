//! `chatwire backup FILE` and `chatwire restore FILE`: the SQLite database copied while the
//! server runs, and put back while it does not (see `chatwire_store_sqlite::backup` for the
//! guarantees). PostgreSQL has its own tools; the commands say which instead of guessing.

use std::path::Path;

use anyhow::Context as _;

use crate::settings::{DatabaseTarget, Settings};

/// What to run instead on PostgreSQL.
fn postgres_hint(schema: Option<&str>) -> anyhow::Error {
    let schema = schema.unwrap_or("public");
    anyhow::anyhow!(
        "the database is PostgreSQL: back it up with `pg_dump --format=custom -n {schema}` and \
         restore with `pg_restore` (see docs/operations.md)"
    )
}

/// Copies the configured SQLite database to `file` (a new file), consistent while serving.
pub fn backup(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let db = match settings.database_target()? {
        DatabaseTarget::Sqlite(path) => path,
        DatabaseTarget::Postgres(options) => return Err(postgres_hint(options.schema.as_deref())),
    };
    let copied = chatwire_store_sqlite::backup(&db, file)
        .with_context(|| format!("backing up {} to {}", db.display(), file.display()))?;
    println!(
        "backed up {} to {} ({} bytes, schema version {})",
        db.display(),
        file.display(),
        copied.bytes,
        copied.schema_version
    );
    Ok(())
}

/// Replaces the configured SQLite database with the backup `file`; refused while a server has
/// the database open.
pub fn restore(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let db = match settings.database_target()? {
        DatabaseTarget::Sqlite(path) => path,
        DatabaseTarget::Postgres(options) => return Err(postgres_hint(options.schema.as_deref())),
    };
    let copied = chatwire_store_sqlite::restore(file, &db)
        .with_context(|| format!("restoring {} from {}", db.display(), file.display()))?;
    println!(
        "restored {} from {} ({} bytes, schema version {})",
        db.display(),
        file.display(),
        copied.bytes,
        copied.schema_version
    );
    Ok(())
}
