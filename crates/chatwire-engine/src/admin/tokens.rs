//! Admin API tokens: made, listed and revoked by a server-wide admin (the command line). The
//! token text is shown once, at creation; the store keeps its SHA-256 only.

use chatwire_core::admin_token::ADMIN_TOKEN_PREFIX;
use chatwire_core::{AccountId, AdminToken, DomainError};

use crate::admin_caller::token_hash;
use crate::{AdminCaller, Engine, EngineResult};

/// A token just made: its record and its text (shown once, never again).
#[derive(Debug, Clone)]
pub struct NewAdminToken {
    /// What the store keeps.
    pub record: AdminToken,
    /// The token to give the client: `cwadm_` and 64 hex digits.
    pub token: String,
}

impl Engine {
    /// Makes an admin token for `account` (or server-wide when `None`). Only a server-wide
    /// admin may. `NotFound` if the account does not exist.
    pub async fn create_admin_token_as(
        &self,
        by: &AdminCaller,
        account: Option<&AccountId>,
        name: &str,
    ) -> EngineResult<NewAdminToken> {
        by.check_server()?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(DomainError::invalid("name", "must be 1-100 characters").into());
        }
        let token = format!("{ADMIN_TOKEN_PREFIX}{}", self.random_token(32)?);
        let record = AdminToken {
            id: self.random_token(6)?,
            name: name.to_owned(),
            account: account.cloned(),
            token_hash: token_hash(&token),
            created_at: self.now(),
        };
        self.0.store.create_admin_token(&record).await?;
        Ok(NewAdminToken { record, token })
    }

    /// Every admin token (never the token text), by id. Only a server-wide admin may.
    pub async fn admin_tokens_as(&self, by: &AdminCaller) -> EngineResult<Vec<AdminToken>> {
        by.check_server()?;
        Ok(self.0.store.list_admin_tokens().await?)
    }

    /// Revokes an admin token: refused from the next request on, on every node (tokens are
    /// read from the store on every use). Only a server-wide admin may.
    pub async fn revoke_admin_token_as(&self, by: &AdminCaller, id: &str) -> EngineResult<()> {
        by.check_server()?;
        Ok(self.0.store.delete_admin_token(id.trim()).await?)
    }
}
