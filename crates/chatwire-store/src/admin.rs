//! [`AdminStore`]: the writes and reads only chatwire's own admin API (and the command line)
//! needs: editing accounts, deleting agents and their sessions, listing, editing and deleting
//! app keys, and admin API tokens. A supertrait of [`crate::Store`], so every backend has it
//! and `dyn Store` callers reach it.
//!
//! Every write that other nodes must see reports a wake-up, as the directory writes of
//! [`crate::Store`] do: `Directory(account)` for accounts, agents and app keys, and
//! `SessionFamily(key_hash)` for every session deleted. Admin tokens report nothing: the
//! engine reads them from the store on every use, so a revoked one is refused at once
//! everywhere.

use async_trait::async_trait;
use chatwire_core::{Account, AccountId, AdminToken, AgentId, AppKey};

use crate::StoreResult;

/// Persistence of the admin API's own operations (see the module docs).
#[async_trait]
pub trait AdminStore: Send + Sync + 'static {
    /// Replaces an account's name (its id and creation time stay). `NotFound` if unknown.
    async fn update_account(&self, account: &Account) -> StoreResult<()>;

    /// Deletes an agent, with every session of theirs and their recorded sightings, in one
    /// transaction. Chats are not touched (the engine refuses to delete an agent chats
    /// reference). `NotFound` if the agent is not in that account.
    async fn delete_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<()>;

    /// Deletes every session (logins, their aliases, agent sessions) of an agent; returns
    /// how many. Deleting nothing is not an error.
    async fn delete_agent_sessions(&self, account: &AccountId, agent: AgentId) -> StoreResult<u64>;

    /// An account's app keys, by key text.
    async fn list_app_keys(&self, account: &AccountId) -> StoreResult<Vec<AppKey>>;

    /// Replaces an app key's name, feed right and allowed origins. `NotFound` if the key is
    /// not `key.account`'s.
    async fn update_app_key(&self, key: &AppKey) -> StoreResult<()>;

    /// Deletes (revokes) an app key. Chats it opened keep running. `NotFound` if the key is
    /// not `account`'s.
    async fn delete_app_key(&self, account: &AccountId, key: &str) -> StoreResult<()>;

    /// Stores an admin token. `Conflict` if the id or hash exists; `NotFound` if its account
    /// does not exist.
    async fn create_admin_token(&self, token: &AdminToken) -> StoreResult<()>;

    /// The admin token with this hash. `NotFound` if none (never created, or revoked).
    async fn find_admin_token(&self, token_hash: &str) -> StoreResult<AdminToken>;

    /// Every admin token, by id.
    async fn list_admin_tokens(&self) -> StoreResult<Vec<AdminToken>>;

    /// Deletes (revokes) an admin token. `NotFound` if there is no such id.
    async fn delete_admin_token(&self, id: &str) -> StoreResult<()>;
}
