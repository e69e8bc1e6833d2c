//! Embedded schema migrations, applied at connect, and the `schema_migrations` table that
//! records them.
//!
//! All pending migrations run in ONE transaction that first takes
//! `pg_advisory_xact_lock(hashtext('chatwire-migrate:<schema>'))`: when two nodes start at once,
//! the second waits for the first to commit, then finds nothing left to do. PostgreSQL DDL is
//! transactional, so a failed migration leaves the schema as it was. The schema itself is
//! created inside the same lock, because concurrent `CREATE SCHEMA IF NOT EXISTS` can still
//! fail with a unique violation.
//!
//! Migrations are append-only: never edit a released file, add the next one.

use anyhow::Context as _;

/// Every migration, oldest first: version `i + 1` is `MIGRATIONS[i]`.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/0001_init.sql")),
    (
        "0002_cluster",
        include_str!("../migrations/0002_cluster.sql"),
    ),
    (
        "0003_mailbox",
        include_str!("../migrations/0003_mailbox.sql"),
    ),
    (
        "0004_chat_query",
        include_str!("../migrations/0004_chat_query.sql"),
    ),
    (
        "0005_agent_seen",
        include_str!("../migrations/0005_agent_seen.sql"),
    ),
    (
        "0006_agent_ring_outs",
        include_str!("../migrations/0006_agent_ring_outs.sql"),
    ),
    (
        "0007_app_logins",
        include_str!("../migrations/0007_app_logins.sql"),
    ),
    (
        "0008_history",
        include_str!("../migrations/0008_history.sql"),
    ),
    ("0009_admin", include_str!("../migrations/0009_admin.sql")),
    (
        "0010_webhooks",
        include_str!("../migrations/0010_webhooks.sql"),
    ),
    (
        "0011_account_events",
        include_str!("../migrations/0011_account_events.sql"),
    ),
    (
        "0012_staff_mail",
        include_str!("../migrations/0012_staff_mail.sql"),
    ),
    (
        "0013_line_words",
        include_str!("../migrations/0013_line_words.sql"),
    ),
];

/// The schema version this build writes and expects.
pub(crate) fn latest() -> u32 {
    u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
}

/// Brings the schema (created if `schema` is set and missing) up to [`latest`] and returns that
/// version. Refuses a schema written by a newer chatwire rather than guessing at it.
pub(crate) async fn run(
    client: &mut deadpool_postgres::Client,
    schema: Option<&str>,
) -> anyhow::Result<u32> {
    let tx = client
        .transaction()
        .await
        .context("cannot begin the migration transaction")?;
    let lock_key = format!("chatwire-migrate:{}", schema.unwrap_or(""));
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&lock_key])
        .await
        .context("cannot take the migration lock")?;
    if let Some(schema) = schema {
        // The name was validated (PgOptions::pg_config): it needs no quoting.
        tx.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; SET LOCAL search_path TO {schema}"
        ))
        .await
        .with_context(|| format!("cannot create schema {schema}"))?;
    }
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER     PRIMARY KEY,
             name       TEXT        NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await
    .context("cannot create schema_migrations")?;
    let row = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .context("cannot read schema_migrations")?;
    let current = u32::try_from(row.try_get::<_, i32>(0)?).context("negative schema version")?;
    anyhow::ensure!(
        current <= latest(),
        "database schema version {current} is newer than this chatwire knows ({})",
        latest()
    );
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i32::try_from(index + 1)?;
        tx.batch_execute(sql)
            .await
            .with_context(|| format!("migration {name} failed"))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&version, name],
        )
        .await
        .with_context(|| format!("cannot record migration {name}"))?;
        tracing::info!(
            schema.version = version,
            migration = name,
            "applied PostgreSQL migration"
        );
    }
    tx.commit().await.context("cannot commit the migrations")?;
    Ok(latest())
}
