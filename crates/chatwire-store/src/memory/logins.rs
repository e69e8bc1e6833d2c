//! Sessions, and bots' application logins (`Store::create_app_login` and the rest): kept by
//! id, revoked ones included; revoking deletes the bot's sessions in the same lock, as the SQL
//! backends do in one transaction.

use chatwire_core::{AccountId, AppLoginRecord, AuthSession, NewAppLogin, Timestamp};

use super::MemoryStore;
use crate::{StoreError, StoreResult, Wakeup};

impl MemoryStore {
    /// What [`crate::Store::put_session`] does.
    pub(super) fn insert_session(&self, session: &AuthSession) -> StoreResult<()> {
        self.lock()?
            .sessions
            .insert(session.key_hash.clone(), session.clone());
        Ok(())
    }

    /// What [`crate::Store::get_session`] does.
    pub(super) fn session(&self, key_hash: &str) -> StoreResult<AuthSession> {
        self.lock()?
            .sessions
            .get(key_hash)
            .cloned()
            .ok_or(StoreError::NotFound("session"))
    }

    /// What [`crate::Store::delete_session_family`] does.
    pub(super) fn remove_session_family(&self, key_hash: &str) -> StoreResult<()> {
        let mut inner = self.lock()?;
        inner
            .sessions
            .retain(|k, s| k != key_hash && s.parent.as_deref() != Some(key_hash));
        self.emit(Wakeup::SessionFamily(key_hash.to_owned()));
        Ok(())
    }

    /// What [`crate::Store::delete_expired_sessions`] does.
    pub(super) fn remove_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let mut inner = self.lock()?;
        let before = inner.sessions.len();
        inner.sessions.retain(|_, s| s.is_live(now));
        Ok(u64::try_from(before - inner.sessions.len()).unwrap_or(u64::MAX))
    }

    /// What [`crate::Store::create_app_login`] does.
    pub(super) fn insert_app_login(&self, new: &NewAppLogin) -> StoreResult<AppLoginRecord> {
        new.validate()?;
        let mut inner = self.lock()?;
        if inner
            .agents
            .get(&new.agent)
            .is_none_or(|a| a.account != new.account)
        {
            return Err(StoreError::NotFound("agent"));
        }
        let taken = inner
            .app_logins
            .values()
            .any(|l| l.account == new.account && l.app_key == new.app_key);
        if taken {
            return Err(StoreError::Conflict("app key exists".into()));
        }
        let record = AppLoginRecord {
            id: inner.next_id(),
            account: new.account.clone(),
            agent: new.agent,
            app_key: new.app_key.clone(),
            secret_hash: new.secret_hash.clone(),
            created_at: new.created_at,
            revoked_at: None,
        };
        inner.app_logins.insert(record.id, record.clone());
        self.emit(Wakeup::Directory(record.account.clone()));
        Ok(record)
    }

    /// What [`crate::Store::list_app_logins`] does.
    pub(super) fn app_logins_of(&self, account: &AccountId) -> StoreResult<Vec<AppLoginRecord>> {
        let inner = self.lock()?;
        Ok(inner
            .app_logins
            .values()
            .filter(|l| &l.account == account)
            .cloned()
            .collect())
    }

    /// What [`crate::Store::find_app_login`] does.
    pub(super) fn app_login_by_key(
        &self,
        account: &AccountId,
        app_key: &str,
    ) -> StoreResult<AppLoginRecord> {
        let inner = self.lock()?;
        inner
            .app_logins
            .values()
            .find(|l| &l.account == account && l.app_key == app_key)
            .cloned()
            .ok_or(StoreError::NotFound("app login"))
    }

    /// What [`crate::Store::revoke_app_login`] does.
    pub(super) fn revoke_login(
        &self,
        account: &AccountId,
        id: i64,
        at: Timestamp,
    ) -> StoreResult<AppLoginRecord> {
        let mut inner = self.lock()?;
        let record = match inner.app_logins.get_mut(&id) {
            Some(l) if &l.account == account => {
                l.revoked_at = Some(l.revoked_at.unwrap_or(at));
                l.clone()
            }
            _ => return Err(StoreError::NotFound("app login")),
        };
        inner
            .sessions
            .retain(|_, s| !(s.agent == record.agent && &s.account == account));
        self.emit(Wakeup::Directory(account.clone()));
        Ok(record)
    }
}
