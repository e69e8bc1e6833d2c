//! Accounts as an admin manages them: created and listed by a server-wide admin, read and
//! renamed by an admin of the account.

use chatwire_core::{Account, AccountId, DomainError};

use crate::{AdminCaller, Engine, EngineResult};

/// What an admin may change on an account (absent fields stay).
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    /// A human-readable name.
    pub name: Option<String>,
}

fn check_name(name: &str) -> EngineResult<String> {
    let name = name.trim();
    if name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(DomainError::invalid("name", "must be at most 200 characters").into());
    }
    Ok(name.to_owned())
}

impl Engine {
    /// Creates an account. Only a server-wide admin may. `Conflict` if the id exists.
    pub async fn create_account_as(
        &self,
        by: &AdminCaller,
        id: &str,
        name: &str,
    ) -> EngineResult<Account> {
        by.check_server()?;
        // Checked first (the API reports `account id` as its `id` field).
        AccountId::parse(id)?;
        let name = check_name(name)?;
        self.create_account(id, &name).await
    }

    /// Every account, by id. Only a server-wide admin may.
    pub async fn accounts_as(&self, by: &AdminCaller) -> EngineResult<Vec<Account>> {
        by.check_server()?;
        let mut all = self.0.store.list_accounts().await?;
        all.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        Ok(all)
    }

    /// One account, for an admin of it.
    pub async fn account_as(&self, by: &AdminCaller, id: &AccountId) -> EngineResult<Account> {
        by.check_account(id)?;
        self.account(id).await
    }

    /// Changes an account's name.
    pub async fn update_account_as(
        &self,
        by: &AdminCaller,
        id: &AccountId,
        patch: AccountPatch,
    ) -> EngineResult<Account> {
        by.check_account(id)?;
        let mut account = self.account(id).await?;
        if let Some(name) = patch.name {
            account.name = check_name(&name)?;
        }
        self.0.store.update_account(&account).await?;
        self.edit_dir(id, |d| d.account = account.clone());
        Ok(account)
    }
}
