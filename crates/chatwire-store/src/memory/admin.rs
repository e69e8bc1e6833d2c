//! [`AdminStore`] for the in-memory store: account edits, agent and session deletion, app key
//! edits and revocation, admin tokens. Each write reports what the real backends report.

use async_trait::async_trait;
use chatwire_core::{Account, AccountId, AdminToken, AgentId, AppKey};

use super::MemoryStore;
use crate::{AdminStore, StoreError, StoreResult, Wakeup};

#[async_trait]
impl AdminStore for MemoryStore {
    async fn update_account(&self, account: &Account) -> StoreResult<()> {
        let mut inner = self.lock()?;
        let slot = inner
            .accounts
            .get_mut(&account.id)
            .ok_or(StoreError::NotFound("account"))?;
        slot.name.clone_from(&account.name);
        self.emit(Wakeup::Directory(account.id.clone()));
        Ok(())
    }

    async fn delete_agent(&self, account: &AccountId, id: AgentId) -> StoreResult<()> {
        let mut inner = self.lock()?;
        if inner.agents.get(&id).is_none_or(|a| &a.account != account) {
            return Err(StoreError::NotFound("agent"));
        }
        inner.agents.remove(&id);
        inner.agent_seen.remove(&id);
        let gone = take_sessions(&mut inner.sessions, account, id);
        self.emit(Wakeup::Directory(account.clone()));
        for key_hash in gone {
            self.emit(Wakeup::SessionFamily(key_hash));
        }
        Ok(())
    }

    async fn delete_agent_sessions(&self, account: &AccountId, agent: AgentId) -> StoreResult<u64> {
        let mut inner = self.lock()?;
        let gone = take_sessions(&mut inner.sessions, account, agent);
        let n = gone.len() as u64;
        for key_hash in gone {
            self.emit(Wakeup::SessionFamily(key_hash));
        }
        Ok(n)
    }

    async fn list_app_keys(&self, account: &AccountId) -> StoreResult<Vec<AppKey>> {
        let mut keys: Vec<AppKey> = self
            .lock()?
            .app_keys
            .values()
            .filter(|k| &k.account == account)
            .cloned()
            .collect();
        keys.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(keys)
    }

    async fn update_app_key(&self, key: &AppKey) -> StoreResult<()> {
        let mut inner = self.lock()?;
        match inner.app_keys.get_mut(&key.key) {
            Some(k) if k.account == key.account => {
                k.name.clone_from(&key.name);
                k.can_read_feed = key.can_read_feed;
                k.allowed_origins.clone_from(&key.allowed_origins);
            }
            _ => return Err(StoreError::NotFound("app key")),
        }
        self.emit(Wakeup::Directory(key.account.clone()));
        Ok(())
    }

    async fn delete_app_key(&self, account: &AccountId, key: &str) -> StoreResult<()> {
        let mut inner = self.lock()?;
        if inner
            .app_keys
            .get(key)
            .is_none_or(|k| &k.account != account)
        {
            return Err(StoreError::NotFound("app key"));
        }
        inner.app_keys.remove(key);
        self.emit(Wakeup::Directory(account.clone()));
        Ok(())
    }

    async fn create_admin_token(&self, token: &AdminToken) -> StoreResult<()> {
        let mut inner = self.lock()?;
        if let Some(account) = &token.account
            && !inner.accounts.contains_key(account)
        {
            return Err(StoreError::NotFound("account"));
        }
        let taken = inner.admin_tokens.contains_key(&token.id)
            || inner
                .admin_tokens
                .values()
                .any(|t| t.token_hash == token.token_hash);
        if taken {
            return Err(StoreError::Conflict("admin token exists".into()));
        }
        inner.admin_tokens.insert(token.id.clone(), token.clone());
        Ok(())
    }

    async fn find_admin_token(&self, token_hash: &str) -> StoreResult<AdminToken> {
        self.lock()?
            .admin_tokens
            .values()
            .find(|t| t.token_hash == token_hash)
            .cloned()
            .ok_or(StoreError::NotFound("admin token"))
    }

    async fn list_admin_tokens(&self) -> StoreResult<Vec<AdminToken>> {
        Ok(self.lock()?.admin_tokens.values().cloned().collect())
    }

    async fn delete_admin_token(&self, id: &str) -> StoreResult<()> {
        self.lock()?
            .admin_tokens
            .remove(id)
            .map(|_| ())
            .ok_or(StoreError::NotFound("admin token"))
    }
}

/// Removes every session of the agent; returns their key hashes.
fn take_sessions(
    sessions: &mut std::collections::HashMap<String, chatwire_core::AuthSession>,
    account: &AccountId,
    agent: AgentId,
) -> Vec<String> {
    let gone: Vec<String> = sessions
        .values()
        .filter(|s| &s.account == account && s.agent == agent)
        .map(|s| s.key_hash.clone())
        .collect();
    for k in &gone {
        sessions.remove(k);
    }
    gone
}
