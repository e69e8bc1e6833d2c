//! Accounts and their visitor app keys: creating and reading accounts, issuing app keys and
//! granting the feed right, random tokens.
//!
//! Rules owned here: account ids are validated (an invalid one in a URL is `NotFound`); an app
//! key's feed right, once withdrawn, is not served from the cache.

use chatwire_core::{Account, AccountId, AppKey, NewAppKey};

use crate::{Engine, EngineError, EngineResult};

impl Engine {
    /// Creates an account. `Conflict` if it exists.
    pub async fn create_account(&self, id: &str, name: &str) -> EngineResult<Account> {
        let account = Account {
            id: AccountId::parse(id)?,
            name: name.to_owned(),
            created_at: self.now(),
        };
        self.0.store.create_account(&account).await?;
        Ok(account)
    }

    /// Reads an account (`NotFound` if unknown).
    pub async fn account(&self, id: &AccountId) -> EngineResult<Account> {
        Ok(self.dir(id).await?.account.clone())
    }

    /// Every account id.
    pub async fn account_ids(&self) -> EngineResult<Vec<AccountId>> {
        Ok(self
            .0
            .store
            .list_accounts()
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect())
    }

    /// Validates and parses an account id from a URL.
    pub fn parse_account(id: &str) -> EngineResult<AccountId> {
        AccountId::parse(id).map_err(|_| EngineError::NotFound("account"))
    }

    /// Creates a visitor app key.
    pub async fn create_app_key(&self, new: &NewAppKey) -> EngineResult<AppKey> {
        new.validate()?;
        let key = self.0.store.create_app_key(new, self.now()).await?;
        Ok(key)
    }

    /// Grants or withdraws an app key's feed right (`NotFound` if the key is not `account`'s).
    pub async fn set_app_key_feed(
        &self,
        account: &AccountId,
        key: &str,
        can_read_feed: bool,
    ) -> EngineResult<()> {
        self.0
            .store
            .set_app_key_feed(account, key, can_read_feed)
            .await?;
        // The cached key must not keep a withdrawn right until a wake-up arrives.
        self.forget_directory(account);
        Ok(())
    }

    /// A random token of `bytes` random bytes, as lowercase hex (keys, CSRF, bearers).
    pub fn random_token(&self, bytes: usize) -> EngineResult<String> {
        let mut buf = vec![0u8; bytes];
        getrandom::fill(&mut buf)
            .map_err(|e| EngineError::Internal(anyhow::anyhow!("getrandom: {e}")))?;
        Ok(hex::encode(buf))
    }
}
