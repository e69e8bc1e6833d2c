//! Visitor app keys as an admin manages them: list, read, create (the key text generated
//! when not given), edit (name, feed right, allowed web origins) and revoke (delete).
//! Revoking refuses the key from the next request on: here the cache entry is dropped at
//! once, on other nodes by the store's wake-up. [`Engine::allowed_origins`] is what a CORS
//! layer asks.

use chatwire_core::origin::validate_origin;
use chatwire_core::{AccountId, AppKey, DomainError, NewAppKey};

use crate::{AdminCaller, Engine, EngineError, EngineResult};

/// Most allowed origins per key.
const MAX_ORIGINS: usize = 100;

/// What an admin supplies to create an app key.
#[derive(Debug, Clone, Default)]
pub struct AppKeyInput {
    /// The key text; generated (32 hex digits) when absent.
    pub key: Option<String>,
    /// A label for operators.
    pub name: String,
    /// The feed right.
    pub can_read_feed: bool,
    /// Web origins allowed to use the key from a browser.
    pub allowed_origins: Vec<String>,
}

/// What an admin may change on an app key (absent fields stay).
#[derive(Debug, Clone, Default)]
pub struct AppKeyPatch {
    /// A label for operators.
    pub name: Option<String>,
    /// The feed right.
    pub can_read_feed: Option<bool>,
    /// Web origins, replacing the present list.
    pub allowed_origins: Option<Vec<String>>,
}

fn origins(list: &[String]) -> EngineResult<Vec<String>> {
    if list.len() > MAX_ORIGINS {
        return Err(DomainError::invalid(
            "allowedOrigins",
            format!("at most {MAX_ORIGINS} origins"),
        )
        .into());
    }
    let mut out: Vec<String> = Vec::new();
    for o in list {
        let o = validate_origin(o)?;
        if !out.contains(&o) {
            out.push(o);
        }
    }
    Ok(out)
}

fn label(name: &str) -> EngineResult<String> {
    let name = name.trim();
    if name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(DomainError::invalid("name", "must be at most 200 characters").into());
    }
    Ok(name.to_owned())
}

impl Engine {
    /// An account's app keys, by key text.
    pub async fn app_keys_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<Vec<AppKey>> {
        by.check_account(account)?;
        self.dir(account).await?;
        let mut keys = self.0.store.list_app_keys(account).await?;
        // By the key's bytes, as the pages' cursors compare them (a database collation may
        // order mixed case or punctuation otherwise, and a page would skip keys).
        keys.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(keys)
    }

    /// One app key of the account (`NotFound` for another account's).
    pub async fn app_key_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        key: &str,
    ) -> EngineResult<AppKey> {
        by.check_account(account)?;
        self.stored_app_key(account, key).await
    }

    async fn stored_app_key(&self, account: &AccountId, key: &str) -> EngineResult<AppKey> {
        match self.0.store.find_app_key(key).await {
            Ok(k) if &k.account == account => Ok(k),
            Ok(_) | Err(chatwire_store::StoreError::NotFound(_)) => {
                Err(EngineError::NotFound("app key"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Creates an app key. `Conflict` if the key text exists.
    pub async fn create_app_key_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        input: AppKeyInput,
    ) -> EngineResult<AppKey> {
        by.check_account(account)?;
        let new = NewAppKey {
            key: match input.key {
                Some(k) => k.trim().to_owned(),
                None => self.random_token(16)?,
            },
            account: account.clone(),
            name: label(&input.name)?,
            can_read_feed: input.can_read_feed,
            allowed_origins: origins(&input.allowed_origins)?,
        };
        new.validate().map_err(|e| match e {
            DomainError::Invalid { why, .. } => DomainError::invalid("key", why),
            other => other,
        })?;
        self.create_app_key(&new).await
    }

    /// Changes an app key's name, feed right or allowed origins. A withdrawn right is not
    /// served from any node's cache after the change commits.
    pub async fn update_app_key_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        key: &str,
        patch: AppKeyPatch,
    ) -> EngineResult<AppKey> {
        by.check_account(account)?;
        let mut stored = self.stored_app_key(account, key).await?;
        if let Some(n) = &patch.name {
            stored.name = label(n)?;
        }
        if let Some(f) = patch.can_read_feed {
            stored.can_read_feed = f;
        }
        if let Some(list) = &patch.allowed_origins {
            stored.allowed_origins = origins(list)?;
        }
        self.0.store.update_app_key(&stored).await?;
        self.forget_directory(account);
        Ok(stored)
    }

    /// Revokes (deletes) an app key: every request with it is refused from now on,
    /// visitors' polls of chats it opened included.
    pub async fn revoke_app_key_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        key: &str,
    ) -> EngineResult<()> {
        by.check_account(account)?;
        self.0.store.delete_app_key(account, key).await?;
        self.forget_directory(account);
        Ok(())
    }

    /// The web origins allowed to use `key` of `account` from a browser (for a CORS layer);
    /// `Unauthorized` for an unknown or revoked key, as [`Engine::check_app_key`].
    pub async fn allowed_origins(
        &self,
        account: &AccountId,
        key: &str,
    ) -> EngineResult<Vec<String>> {
        Ok(self.check_app_key(account, key).await?.allowed_origins)
    }

    /// Whether a web page of `origin` (a browser's `Origin` header) may call `account`'s
    /// visitor API with `key`: the key is valid and lists the origin. With no key (a CORS
    /// preflight carries no credentials; only an `appKey` in its URL names one) it is enough
    /// that some key of the account lists the origin, since the request that follows is
    /// checked against its own key. An origin that is not `scheme://host[:port]` (`null` from
    /// a sandboxed frame or a file) is never allowed.
    pub async fn origin_allowed(
        &self,
        account: &AccountId,
        key: Option<&str>,
        origin: &str,
    ) -> EngineResult<bool> {
        let Ok(origin) = validate_origin(origin) else {
            return Ok(false);
        };
        let lists = |k: &AppKey| k.allowed_origins.contains(&origin);
        match key {
            Some(key) => match self.check_app_key(account, key).await {
                Ok(k) => Ok(lists(&k)),
                Err(EngineError::Unauthorized(_)) => Ok(false),
                Err(e) => Err(e),
            },
            None => Ok(self.0.store.list_app_keys(account).await?.iter().any(lists)),
        }
    }
}
