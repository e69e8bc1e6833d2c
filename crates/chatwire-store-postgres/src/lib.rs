//! chatwire's PostgreSQL backend: [`PgStore`], a [`chatwire_store::Store`] that several chatwire
//! nodes can share.
//!
//! The contract it keeps (from `chatwire_store`): a write that returns `Ok` is committed (with
//! the server's `synchronous_commit`, by default on, flushed to disk); per-chat event ids are
//! contiguous and "first accept wins" under any number of writers on any number of nodes;
//! agent capacity holds across nodes; global sequence numbers are handed out in commit order,
//! so a feed reader never sees seq N+1 before N.
//!
//! How, in one paragraph: every chat write is one READ COMMITTED transaction that locks the
//! chat row (and the accepting agent's row), decides against the chat as committed, rewrites
//! it, and as its last statement takes the single `event_seq` counter row and inserts the
//! events under the counter's numbers; `pg_notify` in the same transaction wakes the other
//! nodes at commit. Reads go straight to the pool.
//!
//! Map of the crate:
//! - `options`: [`PgOptions`], the driver settings derived from it, URL redaction.
//! - `tls`: `sslmode` / `sslrootcert` from the URL, the rustls connector; `tls_verify`: the
//!   verifiers for `prefer`/`require` (none) and `verify-ca` (chain only).
//! - `migrate`: the embedded schema (`migrations/*.sql`), applied under an advisory lock.
//! - `seq`: the global sequence counter (why it is correct, what it costs).
//! - `wake`: the `pg_notify` payloads every notifying write sends, and their parsing;
//!   `peers`: whether other nodes listen (only then do chat wake-ups carry chats and events).
//! - `chats`: opening chats and executing commands (the transactional core); `chat_rows`:
//!   rewriting chats' rows (one or a batch's) with every column copied out of the JSON.
//! - `batch`: group commit of chat writes; `batch_chats`: its fast path, commands decided in
//!   memory over chats read once under lock and written once per batch.
//! - `retry`: re-running a transaction rolled back for a deadlock or serialization failure.
//! - `chat_query`: the session archive query (`Store::query_chats`), one SELECT with bound
//!   parameters over the chats columns of migration 0003.
//! - `history`: history search (GIN full-text index), statistics' facts, offline messages,
//!   deletion and retention (migration 0008).
//! - `directory`: accounts, skills, agents, app keys.
//! - `app_logins`: bots' application logins (revoking also ends the bot's sessions).
//! - `queries`: the SELECTs, shared by plain reads and write transactions.
//! - `topics`, `sessions`, `surveys`, `outbox`, `visitors`, `agent_seen`: the smaller
//!   tables.
//! - `staff_mail`: staff addresses, offline-message notices, waiting alerts (migration 0012).
//! - `webhooks`: webhook subscriptions, their claims (SKIP LOCKED) and dead letters.
//! - `listen`: the dedicated LISTEN connection behind [`chatwire_store::Store::wakeups`].
//! - `rows`: rows to domain values and back; `db`: cached-statement helpers.
//! - `error`: driver and pool errors to `StoreError` (`Conflict`, `Unavailable`, `Other`).
//! - `store`: the `Store` impl, routing each method.

mod account_events;
mod admin;
mod agent_seen;
mod app_logins;
mod batch;
mod batch_chats;
mod chat_query;
mod chat_rows;
mod chats;
mod db;
mod directory;
mod error;
mod history;
mod listen;
mod mailbox;
mod migrate;
mod options;
mod outbox;
mod peers;
mod queries;
mod retry;
mod rows;
mod seq;
mod sessions;
mod staff_mail;
mod store;
mod surveys;
mod tls;
#[cfg(test)]
mod tls_tests;
mod tls_verify;
mod topics;
mod visitors;
mod wake;
mod webhooks;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicI32;
use std::time::Duration;

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};

pub use crate::options::PgOptions;
pub use crate::tls::{SslMode, TlsOptions};

/// How long a caller waits for a pooled connection, for a new connection, or for the check of
/// an idle one, before the store answers `Unavailable`: a dead database must not hang requests.
const POOL_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections of the wake-up read pool (`wake_pool`): the engine reads at most 16 chats at
/// once for wake-ups, each a single short statement.
const WAKE_POOL: usize = 4;

/// A [`chatwire_store::Store`] on a PostgreSQL schema; share it as `Arc<dyn Store>`. Any
/// number of `PgStore`s (in one process or on many nodes) may use the same schema at once.
///
/// The pool heals by itself: connections broken by a database restart are found when checked
/// out (each is verified with an empty query first) and replaced. The chat writer's own
/// connection is not verified (a round trip per batch); its driver notices a closed
/// connection, and short TCP timeouts (`options::writer_config`) a silently lost one.
pub struct PgStore {
    pool: Pool,
    /// This store's chat writer (a thread of its own): chat writes are group-committed
    /// (`batch`).
    batcher: batch::Batcher,
    listener: listen::Listener,
    /// The schema the tables are in.
    scope: Arc<str>,
    /// `<schema> <node id>`: leads this store's wake-ups, so other schemas ignore them and
    /// this store's own listener drops them (see `wake`).
    origin: Arc<str>,
    /// A few connections recycled without the verifying query, for the one read another
    /// node's chat write costs (`Store::chat_since`): a broken one fails that read, and the
    /// engine then re-syncs, so the check is not worth a round trip per wake-up.
    wake_pool: Pool,
}

impl PgStore {
    /// A pooled client.
    pub(crate) async fn client(&self) -> chatwire_store::StoreResult<deadpool_postgres::Client> {
        self.pool.get().await.map_err(error::pool)
    }

    /// A client of the wake-up read pool (see `wake_pool`).
    pub(crate) async fn wake_client(
        &self,
    ) -> chatwire_store::StoreResult<deadpool_postgres::Client> {
        self.wake_pool.get().await.map_err(error::pool)
    }

    /// The pool's figures, for `/metrics` (`Store::pool_status`).
    pub(crate) fn pool_figures(&self) -> chatwire_store::PoolStatus {
        let status = self.pool.status();
        chatwire_store::PoolStatus {
            max_size: status.max_size,
            size: status.size,
            available: status.available,
            waiting: status.waiting,
        }
    }

    /// Connects, creates the schema if one is named and missing, and applies pending
    /// migrations (safe when several nodes start at once).
    ///
    /// Errors: the URL or schema name is invalid, the database cannot be reached within a few
    /// seconds, or its schema is from a newer chatwire.
    pub async fn connect(options: &PgOptions) -> anyhow::Result<Self> {
        let config = options.pg_config()?;
        let tls = options.tls()?;
        let pool = build_pool(
            config.clone(),
            tls.clone(),
            options.pool_size,
            RecyclingMethod::Verified,
        )?;
        let mut client = pool
            .get()
            .await
            .map_err(error::pool)
            .context("cannot connect to PostgreSQL")?;
        migrate::run(&mut client, options.schema.as_deref()).await?;
        let row = client
            .query_one("SELECT current_schema()", &[])
            .await
            .context("cannot read the current schema")?;
        let scope: Option<String> = row.try_get(0)?;
        let scope: Arc<str> = scope.context("no schema of the search_path exists")?.into();
        drop(client);
        tracing::info!(db.schema = %scope, db.pool_size = options.pool_size, "PostgreSQL store open");
        let node = node_id();
        let origin: Arc<str> = format!("{scope} {node}").into();
        let listener_pid = Arc::new(AtomicI32::new(0));
        Ok(Self {
            batcher: batch::Batcher::spawn(
                build_pool(
                    options::writer_config(&config),
                    tls.clone(),
                    1,
                    RecyclingMethod::Fast,
                )?,
                origin.to_string(),
                Arc::clone(&listener_pid),
            )
            .context("cannot start the PostgreSQL writer thread")?,
            wake_pool: build_pool(
                config.clone(),
                tls.clone(),
                WAKE_POOL,
                RecyclingMethod::Fast,
            )?,
            pool,
            listener: listen::Listener::new(
                options::listener_config(&config),
                tls,
                Arc::clone(&scope),
                node.into(),
                listener_pid,
            ),
            scope,
            origin,
        })
    }

    /// The schema this store's tables are in.
    pub fn schema(&self) -> &str {
        &self.scope
    }
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("schema", &self.scope)
            .field("pool", &self.pool.status())
            .finish_non_exhaustive()
    }
}

/// Creates the schema if needed and applies every pending migration without keeping a store
/// (the `chatwire migrate` command). Returns the schema version now in force. Safe to run
/// while servers use the schema.
pub async fn migrate(options: &PgOptions) -> anyhow::Result<u32> {
    let pool = build_pool(
        options.pg_config()?,
        options.tls()?,
        1,
        RecyclingMethod::Verified,
    )?;
    let mut client = pool
        .get()
        .await
        .map_err(error::pool)
        .context("cannot connect to PostgreSQL")?;
    migrate::run(&mut client, options.schema.as_deref()).await
}

/// The schema version this build of chatwire writes (the number of embedded migrations).
pub fn schema_version() -> u32 {
    migrate::latest()
}

/// A random id for this store's wake-ups (see `origin`): unique enough that two nodes never
/// share one, without asking the database.
fn node_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    h.write_u128(now.map(|d| d.as_nanos()).unwrap_or_default());
    format!("{:016x}", h.finish())
}

/// `recycling`: `Verified` (the main pool) costs one empty query per checkout; in exchange a
/// connection killed by a database restart is replaced before use instead of failing the
/// first request on it.
fn build_pool(
    config: tokio_postgres::Config,
    tls: tls::MakeTls,
    size: usize,
    recycling: RecyclingMethod,
) -> anyhow::Result<Pool> {
    anyhow::ensure!(size > 0, "the PostgreSQL pool size must be at least 1");
    let manager = Manager::from_config(
        config,
        tls,
        ManagerConfig {
            recycling_method: recycling,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(POOL_TIMEOUT))
        .create_timeout(Some(POOL_TIMEOUT))
        .recycle_timeout(Some(POOL_TIMEOUT))
        .build()
        .context("cannot build the PostgreSQL pool")
}
