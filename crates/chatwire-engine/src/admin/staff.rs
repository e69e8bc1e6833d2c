//! Staff addresses as an admin sets them: where staff notices of a skill or of the account go
//! (`mail::staff`). Separate from the skill and account edits so those records stay as they
//! are; the admin API shows and takes the address beside them as `notifyEmail`.

use chatwire_core::outbox::check_address;
use chatwire_core::{AccountId, DomainError, SkillId, StaffAddresses};

use crate::{AdminCaller, Engine, EngineResult};

impl Engine {
    /// Checks a staff address as the admin API takes it: blank clears (`None`), anything else
    /// must be an address the outbox accepts (the transcript rules: one `@`, a host name, no
    /// spaces or line breaks, at most 254 characters) and lettre can send to. Errors name the
    /// field `notifyEmail`.
    pub fn check_staff_address(address: &str) -> EngineResult<Option<String>> {
        let address = address.trim();
        if address.is_empty() {
            return Ok(None);
        }
        let invalid = |why: String| DomainError::invalid("notifyEmail", why);
        check_address(address).map_err(|e| match e {
            DomainError::Invalid { why, .. } => invalid(why),
            other => other,
        })?;
        if let Err(e) = address.parse::<lettre::Address>() {
            return Err(invalid(format!("not a deliverable address: {e}")).into());
        }
        Ok(Some(address.to_owned()))
    }

    /// The account's staff addresses (its own and its skills'), for an admin of it.
    pub async fn staff_addresses_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
    ) -> EngineResult<StaffAddresses> {
        by.check_account(account)?;
        Ok(self.0.store.staff_addresses(account).await?)
    }

    /// Sets (or, blank, clears) the staff address of the skill `skill`, else of the account,
    /// and returns it as stored. `NotFound` for a skill outside the account.
    pub async fn set_staff_address_as(
        &self,
        by: &AdminCaller,
        account: &AccountId,
        skill: Option<SkillId>,
        address: &str,
    ) -> EngineResult<Option<String>> {
        by.check_account(account)?;
        let address = Self::check_staff_address(address)?;
        if let Some(id) = skill {
            self.skill(account, id).await?;
        }
        self.0
            .store
            .set_staff_address(account, skill, address.as_deref())
            .await?;
        Ok(address)
    }
}
