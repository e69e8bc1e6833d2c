//! The directory cache: one snapshot per account (the account, its skills and agents) and
//! the visitor app keys, and the app key check that reads it. The use cases that read and write
//! it are in `accounts`, `skills` and `roster`.
//!
//! Reads are served from a per-account snapshot cache (`Arc<AccountDir>`, replaced on every
//! write through the engine), because ring counts and visitor polls consult agents and keys on
//! every request and must not hit the database. Snapshots older than `directory_ttl` are
//! reloaded, so changes made elsewhere (the admin CLI) show up within that time. With a shared
//! store, another node's change is reported by a wake-up and drops the snapshot at once
//! (`forget_directory`), or patches it when only an agent's availability changed
//! (`patch_availability`); an epoch counter keeps a load that raced either from caching what
//! it read before the change.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use chatwire_core::{Account, AccountId, Agent, AgentId, AppKey, Availability, Skill};

use crate::{Engine, EngineError, EngineResult};

/// One account's directory snapshot.
#[derive(Debug, Clone)]
pub(crate) struct AccountDir {
    pub(crate) account: Account,
    pub(crate) skills: Vec<Skill>,
    pub(crate) agents: HashMap<AgentId, Agent>,
    loaded_at: Instant,
}

/// The cache of account snapshots and app keys.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    accounts: RwLock<HashMap<AccountId, Arc<AccountDir>>>,
    app_keys: RwLock<HashMap<String, AppKey>>,
    /// Bumped by every drop, patch and local edit; a load that began before one is used but
    /// not cached.
    epoch: AtomicU64,
    /// When this node last edited each account's snapshot itself (`edit_dir`). A patch from
    /// another node's wake-up carries no version: had this node written the same agent after
    /// that node (its write waiting on the other's row lock), the late patch would put the
    /// older value back. So within a directory TTL of a local edit, a patch drops the snapshot
    /// instead, and the next read loads what the store holds.
    edited_here: Mutex<HashMap<AccountId, Instant>>,
}

impl Engine {
    /// The cached snapshot of an account, loading it on first use.
    pub(crate) async fn dir(&self, account: &AccountId) -> EngineResult<Arc<AccountDir>> {
        let cached = self
            .0
            .directory
            .accounts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account)
            .cloned();
        if let Some(dir) = cached.filter(|d| d.loaded_at.elapsed() < self.0.config.directory_ttl) {
            return Ok(dir);
        }
        let epoch = self.0.directory.epoch.load(Ordering::SeqCst);
        let store = &self.0.store;
        let account_row = store.get_account(account).await?;
        let skills = store.list_skills(account).await?;
        let agents = store
            .list_agents(account)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let dir = Arc::new(AccountDir {
            account: account_row,
            skills,
            agents,
            loaded_at: Instant::now(),
        });
        let mut all = self
            .0
            .directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if self.0.directory.epoch.load(Ordering::SeqCst) == epoch {
            all.insert(account.clone(), Arc::clone(&dir));
        }
        Ok(dir)
    }

    /// Drops the cached directory and app keys of `account` (changed on another node).
    pub(crate) fn forget_directory(&self, account: &AccountId) {
        let directory = &self.0.directory;
        directory.epoch.fetch_add(1, Ordering::SeqCst);
        directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(account);
        directory
            .app_keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, k| &k.account != account);
    }

    /// Sets one cached agent's availability (changed on another node, which said so in its
    /// wake-up), so nothing is reloaded. A load racing this may have read the old value, so
    /// it is not cached (epoch). An agent the snapshot lacks means the snapshot is stale:
    /// dropped.
    pub(crate) fn patch_availability(
        &self,
        account: &AccountId,
        agent: AgentId,
        availability: Availability,
    ) {
        let directory = &self.0.directory;
        let edited_recently = {
            let mut edited = directory
                .edited_here
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let ttl = self.0.config.directory_ttl;
            edited.retain(|_, at| at.elapsed() < ttl);
            edited.contains_key(account)
        };
        if edited_recently {
            self.forget_directory(account);
            return;
        }
        directory.epoch.fetch_add(1, Ordering::SeqCst);
        let mut all = directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(dir) = all.get_mut(account) else {
            return;
        };
        if dir.agents.contains_key(&agent) {
            if let Some(cached) = Arc::make_mut(dir).agents.get_mut(&agent) {
                cached.availability = availability;
            }
        } else {
            all.remove(account);
        }
    }

    /// Drops every cached directory and app key (wake-ups were lost).
    pub(crate) fn forget_directories(&self) {
        let directory = &self.0.directory;
        directory.epoch.fetch_add(1, Ordering::SeqCst);
        directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        directory
            .app_keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Applies `edit` to a copy of the account snapshot and publishes it. The epoch moves, so
    /// a load that began before this write does not cache what it read (this node no longer
    /// hears its own wake-ups on PostgreSQL, which used to drop such a snapshot).
    pub(crate) fn edit_dir(&self, account: &AccountId, edit: impl FnOnce(&mut AccountDir)) {
        let directory = &self.0.directory;
        directory.epoch.fetch_add(1, Ordering::SeqCst);
        directory
            .edited_here
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(account.clone(), Instant::now());
        let mut all = directory
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(dir) = all.get_mut(account) {
            edit(Arc::make_mut(dir));
        }
    }

    /// Checks an app key for `account`. Unknown keys and keys of another account are both
    /// `Unauthorized`.
    pub async fn check_app_key(&self, account: &AccountId, key: &str) -> EngineResult<AppKey> {
        let cached = self
            .0
            .directory
            .app_keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned();
        let epoch = self.0.directory.epoch.load(Ordering::SeqCst);
        let found = match cached {
            Some(k) => k,
            None => match self.0.store.find_app_key(key).await {
                Ok(k) => {
                    let mut keys = self
                        .0
                        .directory
                        .app_keys
                        .write()
                        .unwrap_or_else(PoisonError::into_inner);
                    if self.0.directory.epoch.load(Ordering::SeqCst) == epoch {
                        keys.insert(k.key.clone(), k.clone());
                    }
                    k
                }
                Err(chatwire_store::StoreError::NotFound(_)) => {
                    return Err(EngineError::Unauthorized("unknown app key"));
                }
                Err(e) => return Err(e.into()),
            },
        };
        if &found.account == account {
            Ok(found)
        } else {
            Err(EngineError::Unauthorized("unknown app key"))
        }
    }
}
