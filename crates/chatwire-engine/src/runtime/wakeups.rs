//! Several nodes on one database: consuming the store's wake-ups ([`Wakeup`]) so that what
//! another node commits reaches this node's memory and waiters.
//!
//! - `Chat`: the tail is caught up from the store (`live::refresh`), then the chat's and the
//!   account's waiters are woken. The node's own commits come back too and stop at a revision
//!   comparison.
//! - `Directory`: the account's cached agents, skills, app keys and sessions are dropped (the next use
//!   reloads them) and the account's waiters are woken (ring counts follow availability).
//! - `SessionFamily`: the cached sessions of a logged-out login are dropped.
//! - `All` (hints were lost): everything is re-synced and every waiter re-samples.
//!
//! Wake-ups are handled [`CONCURRENCY`] at a time, so one slow store read does not hold back
//! the others; each handler is idempotent. A handler that fails (the store is unreachable)
//! schedules a full re-sync, retried by the sweeper each tick until it succeeds, so a missed
//! catch-up cannot leave a tail stale for good.
//!
//! What it must not do: wake a waiter before memory holds the change it is woken for.

use std::sync::atomic::Ordering;

use chatwire_store::Wakeup;
use futures::stream::{BoxStream, StreamExt};

use crate::{Engine, Topic};

/// Wake-ups handled at once.
const CONCURRENCY: usize = 16;

/// Starts the task consuming `hints`; it stops at shutdown or when the stream ends.
pub(crate) fn spawn(engine: Engine, hints: BoxStream<'static, Wakeup>) {
    let stop = engine.0.shutdown.clone().cancelled_owned();
    tokio::spawn(async move {
        hints
            .take_until(stop)
            .for_each_concurrent(CONCURRENCY, |hint| engine.on_wakeup(hint))
            .await;
        if !engine.0.shutdown.is_cancelled() {
            tracing::error!("the store's wake-ups ended: changes from other nodes go unseen");
        }
    });
}

impl Engine {
    /// Handles one wake-up (see the module docs).
    pub(crate) async fn on_wakeup(&self, hint: Wakeup) {
        match hint {
            Wakeup::Chat {
                account,
                key,
                revision,
            } => {
                if let Err(e) = self.chat_changed(&account, &key, revision).await {
                    tracing::warn!(chat.id = %key, error = %e, "cannot catch up with a chat; re-syncing");
                    self.0.resync_needed.store(true, Ordering::SeqCst);
                }
            }
            Wakeup::Directory(account) => {
                self.forget_directory(&account);
                self.forget_account_sessions(&account);
                self.0.notifier.notify(&Topic::Account(account));
            }
            Wakeup::SessionFamily(key_hash) => self.forget_session_family(&key_hash),
            Wakeup::All => self.resync().await,
        }
    }

    /// A full re-sync now; on failure, scheduled again (see [`Engine::resync_if_needed`]).
    pub(crate) async fn resync(&self) {
        self.0.resync_needed.store(false, Ordering::SeqCst);
        match self.resync_all().await {
            Ok(()) => tracing::info!("re-synced with the shared store"),
            Err(e) => {
                tracing::warn!(error = %e, "re-sync failed; retrying");
                self.0.resync_needed.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Runs a re-sync a failed wake-up asked for (called by the sweeper every tick).
    pub(crate) async fn resync_if_needed(&self) {
        if self.0.resync_needed.load(Ordering::SeqCst) {
            self.resync().await;
        }
    }

    /// Whether other processes write the store (it reports wake-ups): then this node records
    /// what they must know, such as visitor sightings.
    pub(crate) fn is_shared(&self) -> bool {
        self.0.shared.load(Ordering::SeqCst)
    }
}
